/* user: manage accounts from the command line, scriptable without a
 * terminal (passwords come on stdin with --password-stdin). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"
#include "cli/cli.h"
#include "cli/opts.h"

static const char help[] =
    "Usage: tongxin user add --login L --role R [--scope CODE] --password-stdin [--db URL]\n"
    "       tongxin user list [--json] [--db URL]\n"
    "       tongxin user passwd --login L --password-stdin [--db URL]\n"
    "       tongxin user disable --login L [--enable] [--db URL]\n\n"
    "Roles and their scope (an area or organisation code):\n"
    "  resident           no scope\n"
    "  grid_worker        a grid\n"
    "  community_staff    a community\n"
    "  street_admin       a street (or a district or city)\n"
    "  department_staff   a district department (organisation)\n"
    "  member_unit        a member unit (organisation)\n"
    "  volunteer          no scope\n\n"
    "--password-stdin reads the password from the first line of standard input\n"
    "(at least 8 characters). Passwords are stored as argon2id hashes.\n"
    "Changing a password or disabling an account ends its sessions.\n";

/* Read one line from stdin as the password. */
static int read_password(char *out, size_t outsz)
{
    if (fgets(out, (int)outsz, stdin) == NULL) {
        fprintf(stderr, "tongxin user: no password on standard input\n");
        return -1;
    }
    out[strcspn(out, "\r\n")] = '\0';
    if (strlen(out) < 8) {
        fprintf(stderr, "tongxin user: the password must have at least 8 characters\n");
        return -1;
    }
    return 0;
}

typedef struct {
    const char *login, *scope_code, *pwhash;
    tx_role role;
    int disabled;
    json_t *list;
} user_args;

static int do_add(store_conn *c, void *arg, tx_err *err)
{
    user_args *a = arg;
    tx_scope scope;
    int64_t id;
    if (store_scope_resolve(c, a->role, a->scope_code, &scope, err) ||
        store_user_add(c, a->login, a->role, &scope, a->pwhash, &id, err))
        return -1;
    return store_audit(c, "cli", "user_add", "user", id, a->login, err);
}

static int do_passwd(store_conn *c, void *arg, tx_err *err)
{
    user_args *a = arg;
    return store_user_set_password(c, a->login, a->pwhash, err) ||
                   store_audit(c, "cli", "user_passwd", "user", 0, a->login, err)
               ? -1
               : 0;
}

static int do_disable(store_conn *c, void *arg, tx_err *err)
{
    user_args *a = arg;
    return store_user_set_disabled(c, a->login, a->disabled, err) ||
                   store_audit(c, "cli", a->disabled ? "user_disable" : "user_enable", "user", 0, a->login, err)
               ? -1
               : 0;
}

static int do_list(store_conn *c, void *arg, tx_err *err)
{
    return store_user_list(c, &((user_args *)arg)->list, err);
}

static int valid_login(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 64)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-' || *p == '.' || *p == '@'))
            return 0;
    return 1;
}

int cli_user(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB, *login = NULL, *role = NULL, *scope = NULL, *pw_stdin = NULL, *as_json = NULL,
               *enable = NULL;
    const cli_opt opts[] = {{"db", 1, &db},         {"login", 1, &login},           {"role", 1, &role},
                            {"scope", 1, &scope},   {"password-stdin", 0, &pw_stdin}, {"json", 0, &as_json},
                            {"enable", 0, &enable}, {NULL, 0, NULL}};
    const char *pos[1];
    int npos, rc = cli_parse(argc, argv, opts, pos, 1, &npos);
    if (rc || npos != 1) {
        fputs(help, rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    const char *verb = pos[0];
    user_args a = {.login = login, .scope_code = scope};
    char password[1024], hash[TX_PWHASH_LEN];
    int (*fn)(store_conn *, void *, tx_err *) = NULL;
    int write = 1;
    if (strcmp(verb, "add") == 0 || strcmp(verb, "passwd") == 0) {
        if (!login || !valid_login(login)) {
            fprintf(stderr, "tongxin user %s: --login must be 2-64 letters, digits or _ - . @\n", verb);
            return 2;
        }
        if (!pw_stdin) {
            fprintf(stderr, "tongxin user %s: give the password on standard input with --password-stdin\n", verb);
            return 2;
        }
        if (strcmp(verb, "add") == 0) {
            if (!role || tx_role_parse(role, &a.role)) {
                fprintf(stderr, "tongxin user add: --role must be one of resident, grid_worker, community_staff, "
                                "street_admin, department_staff, member_unit, volunteer\n");
                return 2;
            }
            fn = do_add;
        } else {
            fn = do_passwd;
        }
        if (read_password(password, sizeof password))
            return 2;
        if (tx_password_hash(password, hash)) {
            fprintf(stderr, "tongxin user: out of memory hashing the password\n");
            return 1;
        }
        a.pwhash = hash;
    } else if (strcmp(verb, "disable") == 0) {
        if (!login) {
            fprintf(stderr, "tongxin user disable: --login is required\n");
            return 2;
        }
        a.disabled = enable == NULL;
        fn = do_disable;
    } else if (strcmp(verb, "list") == 0) {
        fn = do_list;
        write = 0;
    } else {
        fprintf(stderr, "tongxin user: unknown action '%s' (add, list, passwd, disable)\n", verb);
        return 2;
    }
    if (cli_run(db, write, fn, &a))
        return 1;
    if (a.list) {
        if (as_json) {
            char *t = json_dumps(a.list, JSON_INDENT(2));
            puts(t);
            free(t);
        } else {
            size_t i;
            json_t *u;
            json_array_foreach(a.list, i, u)
            {
                json_t *sc = json_object_get(u, "scope");
                printf("%-24s %-18s %-24s %s\n", json_string_value(json_object_get(u, "login")),
                       json_string_value(json_object_get(u, "role")),
                       json_is_object(sc) ? json_string_value(json_object_get(sc, "code")) : "-",
                       json_is_true(json_object_get(u, "disabled")) ? "disabled" : "active");
            }
        }
        json_decref(a.list);
    } else {
        printf("user %s: %s done\n", login, verb);
    }
    return 0;
}
