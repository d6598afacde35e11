/* stats: counts of what is in the database, as text or JSON. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/opts.h"

static const char help[] = "Usage: tongxin stats [--db URL] [--json]\n\n"
                           "Count what the database holds: areas by kind, organisations by kind, people,\n"
                           "memberships, part-time members, users by role, API keys.\n"
                           "  --json   print one JSON object (keys: communities, grids, compounds,\n"
                           "           compound_party_branches, member_units, part_time_members, …)\n";

static int read_stats(store_conn *c, void *arg, tx_err *err)
{
    return store_stats(c, (json_t **)arg, err);
}

static void print_group(const char *title, json_t *o)
{
    const char *k;
    json_t *v;
    printf("%s:\n", title);
    if (json_object_size(o) == 0)
        printf("  (none)\n");
    json_object_foreach(o, k, v) printf("  %-28s %lld\n", k, (long long)json_integer_value(v));
}

int cli_stats(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB, *as_json = NULL;
    const cli_opt opts[] = {{"db", 1, &db}, {"json", 0, &as_json}, {NULL, 0, NULL}};
    int npos, rc = cli_parse(argc, argv, opts, NULL, 0, &npos);
    if (rc) {
        fputs(help, rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    json_t *out = NULL;
    if (cli_run(db, 0, read_stats, &out))
        return 1;
    if (as_json) {
        char *text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(text);
        free(text);
    } else {
        const char *k;
        json_t *v;
        json_object_foreach(out, k, v) if (json_is_integer(v)) printf("%-30s %lld\n", k, (long long)json_integer_value(v));
        print_group("areas by kind", json_object_get(out, "areas_by_kind"));
        print_group("organisations by kind", json_object_get(out, "organisations_by_kind"));
        print_group("users by role", json_object_get(out, "users_by_role"));
    }
    json_decref(out);
    return 0;
}
