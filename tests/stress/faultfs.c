/* faultfs: an LD_PRELOAD library that makes the disk under one SQLite
 * database fail on demand, for the fault tests (tests/stress/faults.mjs).
 *
 * Some faults cannot be made for real on files a running server holds open:
 * a file system cannot be remounted read-only while a file on it is open for
 * writing (EBUSY; the kernel does it on its own after errors, and writes then
 * fail with EROFS), and a hung disk cannot be conjured at all. So this
 * library stands between the server and libc: while the control file
 * $TX_FAULT_CTL exists, calls on the database $TX_FAULT_DB and its -wal,
 * -shm and -journal files behave as the file's first word says:
 *
 *   enospc  write, pwrite and ftruncate fail with ENOSPC (disk full; used
 *           when no size-limited file system can be mounted)
 *   erofs   those and fsync / fdatasync fail with EROFS (gone read-only)
 *   eio     fsync / fdatasync fail with EIO (the disk lost the data)
 *   stall   fsync / fdatasync wait until the file says otherwise or is gone;
 *           the first to wait creates $TX_FAULT_CTL.stalled, so that a test
 *           knows the writer is stuck without guessing how long it takes
 *
 * Every other file, and every call while the control file is absent, goes
 * straight to libc. Removing the control file clears the fault. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

enum { F_NONE, F_ENOSPC, F_EROFS, F_EIO, F_STALL };

static char ctl[PATH_MAX];
static char stalled_mark[PATH_MAX + 16];
static char db[PATH_MAX];

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off64_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);

__attribute__((constructor)) static void faultfs_init(void)
{
    real_write = (ssize_t(*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    real_pwrite = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    real_pwrite64 = (ssize_t(*)(int, const void *, size_t, off64_t))dlsym(RTLD_NEXT, "pwrite64");
    real_ftruncate = (int (*)(int, off_t))dlsym(RTLD_NEXT, "ftruncate");
    real_ftruncate64 = (int (*)(int, off64_t))dlsym(RTLD_NEXT, "ftruncate64");
    real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    const char *c = getenv("TX_FAULT_CTL"), *d = getenv("TX_FAULT_DB");
    if (c == NULL || d == NULL)
        return;
    snprintf(ctl, sizeof ctl, "%s", c);
    snprintf(stalled_mark, sizeof stalled_mark, "%s.stalled", c);
    /* /proc/self/fd names files by their real path. */
    if (realpath(d, db) == NULL)
        snprintf(db, sizeof db, "%s", d);
}

/* The fault in force now (the control file is read on every call, so a
 * test switches faults without telling the server anything). */
static int fault_now(void)
{
    if (ctl[0] == '\0')
        return F_NONE;
    int saved = errno; /* the caller's errno is not ours to change */
    int fd = open(ctl, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        errno = saved;
        return F_NONE;
    }
    char word[16] = "";
    ssize_t n = read(fd, word, sizeof word - 1);
    close(fd);
    errno = saved;
    word[n > 0 ? n : 0] = '\0';
    if (strncmp(word, "enospc", 6) == 0)
        return F_ENOSPC;
    if (strncmp(word, "erofs", 5) == 0)
        return F_EROFS;
    if (strncmp(word, "eio", 3) == 0)
        return F_EIO;
    if (strncmp(word, "stall", 5) == 0)
        return F_STALL;
    return F_NONE;
}

/* Is fd the database or one of its companion files? */
static int is_db_file(int fd)
{
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0)
        return 0;
    path[n] = '\0';
    size_t dl = strlen(db);
    if (strncmp(path, db, dl) != 0)
        return 0;
    const char *rest = path + dl;
    return *rest == '\0' || strcmp(rest, "-wal") == 0 || strcmp(rest, "-shm") == 0 || strcmp(rest, "-journal") == 0;
}

/* The errno a write to fd fails with now, 0 to let it through. */
static int write_fault(int fd)
{
    int f = fault_now();
    if ((f != F_ENOSPC && f != F_EROFS) || !is_db_file(fd))
        return 0;
    return f == F_ENOSPC ? ENOSPC : EROFS;
}

/* The errno a sync of fd fails with now, 0 to let it through; waits while
 * the disk is "stalled". */
static int sync_fault(int fd)
{
    int f = fault_now();
    if (f == F_NONE || f == F_ENOSPC || !is_db_file(fd))
        return 0;
    if (f == F_STALL) {
        int saved = errno;
        int mark = open(stalled_mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (mark >= 0)
            close(mark);
        errno = saved;
    }
    while (f == F_STALL) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        f = fault_now();
    }
    return f == F_EROFS ? EROFS : f == F_EIO ? EIO : 0;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    int e = write_fault(fd);
    if (e) {
        errno = e;
        return -1;
    }
    return real_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    int e = write_fault(fd);
    if (e) {
        errno = e;
        return -1;
    }
    return real_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
    int e = write_fault(fd);
    if (e) {
        errno = e;
        return -1;
    }
    return real_pwrite64(fd, buf, n, off);
}

int ftruncate(int fd, off_t len)
{
    int e = write_fault(fd);
    if (e) {
        errno = e;
        return -1;
    }
    return real_ftruncate(fd, len);
}

int ftruncate64(int fd, off64_t len)
{
    int e = write_fault(fd);
    if (e) {
        errno = e;
        return -1;
    }
    return real_ftruncate64(fd, len);
}

int fsync(int fd)
{
    int e = sync_fault(fd);
    if (e) {
        errno = e;
        return -1;
    }
    return real_fsync(fd);
}

int fdatasync(int fd)
{
    int e = sync_fault(fd);
    if (e) {
        errno = e;
        return -1;
    }
    return real_fdatasync(fd);
}
