/* import / export: the exchange formats from and to files (see io/io.h).
 * An import is one transaction: it is checked whole and written whole, or
 * nothing changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/import_cases.h"
#include "cli/opts.h"
#include "io/io.h"
#include "io/lists.h"

static const char import_help[] =
    "Usage: tongxin import KIND FILE [--db URL]\n\n"
    "Import FILE ('-' for standard input) into the database, all or nothing.\n"
    "Records with a code that exists are replaced; others are added.\n\n"
    "Kinds:\n"
    "  areas          GeoJSON FeatureCollection (RFC 7946); properties kind, code, name,\n"
    "                 name_en, parent_code, population_registered, population_resident,\n"
    "                 households, founded, notes (others are kept as they are)\n"
    "  organisations  CSV: code,kind,unit_type,name,name_en,area_code,parent_code,manages,notes\n"
    "  people         CSV: code,name,phone,party_member,notes\n"
    "  memberships    CSV: person_code,org_code,role,represents_code,start_date,end_date\n"
    "  calendar       CSV: date,kind,occasion,weekday (holidays and 调休 workdays; data/)\n"
    "  catalogue      JSON: {\"categories\": [...], \"rules\": [...]} case categories (Open311\n"
    "                 services) and routing rules, the API's fields (data/demo-catalogue.json)\n"
    "  cases          CSV from a 12345 hotline: external_id,received_at,service_code,description,\n"
    "                 lat,long,address,compound,name,phone,contact_ok; each ticket is placed,\n"
    "                 routed and given deadlines as a report to the API is; an external_id\n"
    "                 imported before is refused\n"
    "  lists          JSON: {\"plans\", \"needs\", \"resources\", \"projects\", \"claims\",\n"
    "                 \"demonstration_sites\"} the three lists (data/demo-lists.json); items with\n"
    "                 a code that exists are updated\n\n"
    "Errors name the feature index and property, or the CSV line and column.\n"
    "See docs/FORMATS.md for every field.\n";

static const char export_help[] =
    "Usage: tongxin export KIND [--out FILE] [--db URL]\n\n"
    "Write KIND in its import format to FILE (default standard output).\n"
    "Kinds: areas (GeoJSON), organisations, people, memberships, calendar (CSV).\n"
    "'people' contains personal data (names, phone numbers): keep the file safe.\n";

/* Read a whole file ('-': stdin) into a malloc'd buffer. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
            } else {
                buf = nb;
            }
        }
        if (cli_show_progress() && n > (1 << 20))
            cli_progress("reading", (long)(n >> 20), 0);
    }
    if (f != stdin)
        fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

typedef struct {
    const char *kind;
    const char *text;
    size_t len;
    json_t *doc;
    int64_t now;
    int count;
} import_args;

static int import_text(store_conn *c, void *arg, tx_err *err)
{
    import_args *a = arg;
    int rc;
    if (strcmp(a->kind, "areas") == 0)
        rc = io_import_areas(c, a->doc, &a->count, err);
    else if (strcmp(a->kind, "organisations") == 0)
        rc = io_import_organisations(c, a->text, a->len, &a->count, err);
    else if (strcmp(a->kind, "people") == 0)
        rc = io_import_people(c, a->text, a->len, &a->count, err);
    else if (strcmp(a->kind, "calendar") == 0)
        rc = io_import_calendar(c, a->text, a->len, &a->count, err);
    else if (strcmp(a->kind, "cases") == 0)
        rc = cli_import_cases(c, a->text, a->len, a->now, &a->count, err);
    else if (strcmp(a->kind, "lists") == 0) {
        io_lists_count n;
        rc = io_import_lists(c, a->doc, a->now, &n, err);
        a->count = n.plans + n.needs + n.resources + n.projects + n.claims + n.sites;
    }
    else if (strcmp(a->kind, "catalogue") == 0) {
        int rules = 0;
        rc = io_import_catalogue(c, a->doc, &a->count, &rules, err);
        a->count += rules;
    }
    else
        rc = io_import_memberships(c, a->text, a->len, &a->count, err);
    char detail[64];
    snprintf(detail, sizeof detail, "%d records", a->count);
    return rc ? -1 : store_audit(c, "cli", "import", a->kind, 0, detail, err);
}

/* Kinds both directions know; import also takes cases and catalogue. */
static int known_kind(const char *k)
{
    return strcmp(k, "areas") == 0 || strcmp(k, "organisations") == 0 || strcmp(k, "people") == 0 ||
           strcmp(k, "memberships") == 0 || strcmp(k, "calendar") == 0;
}

static int import_kind(const char *k)
{
    return known_kind(k) || strcmp(k, "cases") == 0 || strcmp(k, "catalogue") == 0 || strcmp(k, "lists") == 0;
}

int cli_import(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB;
    const cli_opt opts[] = {{"db", 1, &db}, {NULL, 0, NULL}};
    const char *pos[2];
    int npos, rc = cli_parse(argc, argv, opts, pos, 2, &npos);
    if (rc || npos != 2 || !import_kind(pos[0])) {
        if (rc == 0 && npos >= 1 && !import_kind(pos[0]))
            fprintf(stderr, "tongxin import: unknown kind '%s'\n\n", pos[0]);
        fputs(import_help, rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    size_t len = 0;
    char *text = read_all(pos[1], &len);
    if (text == NULL) {
        fprintf(stderr, "tongxin import: cannot read %s\n", pos[1]);
        return 1;
    }
    import_args a = {.kind = pos[0], .text = text, .len = len};
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    a.now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    if (strcmp(a.kind, "areas") == 0 || strcmp(a.kind, "catalogue") == 0 || strcmp(a.kind, "lists") == 0) {
        json_error_t je;
        a.doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
        if (a.doc == NULL) {
            fprintf(stderr, "tongxin import: %s is not valid JSON (line %d, column %d: %s)\n", pos[1], je.line,
                    je.column, je.text);
            free(text);
            return 1;
        }
    }
    store *s = cli_open_store(db, 1);
    if (s == NULL) {
        json_decref(a.doc);
        free(text);
        return 1;
    }
    tx_err err;
    tx_err_clear(&err);
    if (cli_show_progress())
        fprintf(stderr, "checking and writing %s…\n", a.kind);
    rc = store_sync(s, 1, import_text, &a, &err);
    store_close(s);
    json_decref(a.doc);
    free(text);
    if (rc) {
        fprintf(stderr, "tongxin import: nothing was imported: %s\n", err.msg[TX_LANG_EN]);
        return 1;
    }
    printf("imported %d %s\n", a.count, a.kind);
    return 0;
}

typedef struct {
    const char *kind;
    char *text;
    size_t len;
} export_args;

static int do_export(store_conn *c, void *arg, tx_err *err)
{
    export_args *a = arg;
    if (strcmp(a->kind, "areas") == 0) {
        json_t *fc;
        if (store_area_export(c, &fc, err))
            return -1;
        a->text = json_dumps(fc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        json_decref(fc);
        a->len = a->text ? strlen(a->text) : 0;
        return a->text ? 0 : tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    }
    if (strcmp(a->kind, "organisations") == 0)
        return store_org_export_csv(c, &a->text, &a->len, err);
    if (strcmp(a->kind, "people") == 0)
        return store_person_export_csv(c, 1, 0, &a->text, &a->len, err);
    if (strcmp(a->kind, "calendar") == 0)
        return store_calendar_export_csv(c, &a->text, &a->len, err);
    return store_membership_export_csv(c, 0, &a->text, &a->len, err);
}

int cli_export(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB, *out = NULL;
    const cli_opt opts[] = {{"db", 1, &db}, {"out", 1, &out}, {NULL, 0, NULL}};
    const char *pos[1];
    int npos, rc = cli_parse(argc, argv, opts, pos, 1, &npos);
    if (rc || npos != 1 || !known_kind(pos[0])) {
        if (rc == 0 && npos == 1)
            fprintf(stderr, "tongxin export: unknown kind '%s'\n\n", pos[0]);
        fputs(export_help, rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    export_args a = {.kind = pos[0]};
    if (cli_run(db, 0, do_export, &a))
        return 1;
    FILE *f = out ? fopen(out, "wb") : stdout;
    if (f == NULL) {
        fprintf(stderr, "tongxin export: cannot write %s\n", out);
        free(a.text);
        return 1;
    }
    int ok = fwrite(a.text, 1, a.len, f) == a.len && (strcmp(a.kind, "areas") != 0 || fputc('\n', f) != EOF);
    if (f != stdout)
        ok = fclose(f) == 0 && ok;
    free(a.text);
    if (!ok) {
        fprintf(stderr, "tongxin export: writing failed\n");
        return 1;
    }
    return 0;
}
