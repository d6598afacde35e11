/* stats: counts of what is in the database, as text or JSON; and
 * `stats cases`: the service figures of cases (docs/METRICS.md) and the
 * audit that recomputes their counters from the events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/time.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "domain/calendar.h"
#include "store/case_stats.h"

static const char help[] = "Usage: tongxin stats [--db URL] [--json]\n"
                           "       tongxin stats cases [--help] …\n\n"
                           "Count what the database holds: areas by kind, organisations by kind, people,\n"
                           "memberships, part-time members, users by role, API keys.\n"
                           "  --json   print one JSON object (keys: communities, grids, compounds,\n"
                           "           compound_party_branches, member_units, part_time_members, …)\n"
                           "`tongxin stats cases` prints the figures of cases (响应率, 解决率, 满意率 …).\n";

static const char cases_help[] =
    "Usage: tongxin stats cases [--db URL] [--area REF] [--category REF] [--org REF]\n"
    "                           [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json]\n"
    "       tongxin stats cases [--db URL] --recompute [--fix] [--json]\n\n"
    "The service figures of the cases submitted from --from to --to (local days, UTC+8,\n"
    "both included; default the 30 days up to today, at most 366 days): counts by state,\n"
    "channel and category, and the rates response (响应率), resolution (解决率), completion\n"
    "(办结率), satisfaction (满意率), on_time (按时办结率), grid_closure and community_closure.\n"
    "Definitions: docs/METRICS.md.\n"
    "  --area REF       a street, community or grid, by id or code (default: everything)\n"
    "  --category REF   a category, by id or code\n"
    "  --org REF        a property company or department, by id or code: the cases it\n"
    "                   handles now or was referred\n"
    "  --json           print the JSON the API answers (GET /api/v1/stats/cases)\n"
    "  --recompute      rebuild every case's counters from its events alone and compare them\n"
    "                   with the stored ones; exit status 1 when they differ\n"
    "  --fix            with --recompute: replace the stored counters by the recomputed ones\n"
    "                   (one transaction, holding the write lock while it runs); exit 0 once fixed\n";

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

static void print_json(json_t *o)
{
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(text);
    free(text);
}

/* ---- stats cases ---- */

typedef struct {
    const char *area, *category, *org;
    store_case_stats_filter f;
    int fix;
    json_t *out;
} cases_arg;

static int read_cases(store_conn *c, void *arg, tx_err *err)
{
    cases_arg *a = arg;
    if ((a->area && store_case_stats_ref(c, "area", a->area, "area", &a->f.area_id, err)) ||
        (a->category && store_case_stats_ref(c, "category", a->category, "category", &a->f.category_id, err)) ||
        (a->org && store_case_stats_ref(c, "org", a->org, "org", &a->f.org_id, err)))
        return -1;
    return store_case_stats(c, &a->f, &a->out, err);
}

static int recompute(store_conn *c, void *arg, tx_err *err)
{
    cases_arg *a = arg;
    return store_case_stats_recompute(c, a->fix, &a->out, err);
}

static long long ival(json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

static void print_figures(json_t *out)
{
    json_t *period = json_object_get(out, "period"), *area = json_object_get(out, "area");
    json_t *counts = json_object_get(out, "counts"), *rates = json_object_get(out, "rates");
    printf("period     %s … %s (submitted, UTC+8)\n", json_string_value(json_object_get(period, "from")),
           json_string_value(json_object_get(period, "to")));
    if (json_is_object(area))
        printf("area       %s %s (%s)\n", json_string_value(json_object_get(area, "code")),
               json_string_value(json_object_get(area, "name")), json_string_value(json_object_get(area, "kind")));
    else
        printf("area       everything\n");
    const char *filters[] = {"category", "org"};
    for (int i = 0; i < 2; i++) {
        json_t *o = json_object_get(out, filters[i]);
        if (json_is_object(o))
            printf("%-10s %s %s\n", filters[i], json_string_value(json_object_get(o, "code")),
                   json_string_value(json_object_get(o, "name")));
    }
    printf("received   %lld   valid %lld   merged %lld   invalid %lld   overdue open %lld\n", ival(counts, "received"),
           ival(counts, "valid"), ival(counts, "merged"), ival(counts, "invalid"), ival(out, "overdue_open"));
    printf("rates:\n");
    const char *k;
    json_t *v;
    json_object_foreach(rates, k, v)
    {
        json_t *value = json_object_get(v, "value");
        char pct[16] = "-";
        if (json_is_number(value))
            snprintf(pct, sizeof pct, "%.1f %%", json_number_value(value) * 100);
        printf("  %-20s %8s   (%lld / %lld)\n", k, pct, ival(v, "numerator"), ival(v, "denominator"));
    }
    print_group("counts", counts);
    print_group("by state", json_object_get(out, "by_state"));
    print_group("by channel", json_object_get(out, "by_channel"));
    printf("by category:\n");
    size_t i;
    json_array_foreach(json_object_get(out, "by_category"), i, v)
        printf("  %-16s %-20s %lld\n", json_string_value(json_object_get(v, "code")),
               json_string_value(json_object_get(v, "name")), ival(v, "count"));
    if (json_array_size(json_object_get(out, "by_category")) == 0)
        printf("  (none)\n");
}

static void print_report(json_t *r)
{
    printf("cases %lld, events %lld; counter rows: stored %lld, recomputed %lld, compared %lld\n", ival(r, "cases"),
           ival(r, "events"), ival(r, "rows_stored"), ival(r, "rows_recomputed"), ival(r, "rows_compared"));
    json_t *odd = json_object_get(r, "cases_without_report");
    if (json_array_size(odd)) {
        size_t i;
        json_t *v;
        printf("cases whose first event is not their report (left out):");
        json_array_foreach(odd, i, v) printf(" %lld", (long long)json_integer_value(v));
        printf("\n");
    }
    long long nd = ival(r, "differences_total");
    if (nd == 0) {
        printf("the stored counters match the events\n");
        return;
    }
    printf("%lld row(s) differ%s:\n", nd, nd > (long long)json_array_size(json_object_get(r, "differences"))
                                            ? " (the first ones shown)" : "");
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(r, "differences"), i, d)
    {
        printf("  org %lld, area %lld, %s, category %lld:", ival(d, "org_id"), ival(d, "area_id"),
               json_string_value(json_object_get(d, "day")), ival(d, "category_id"));
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(d, "counters"), k, v)
            printf(" %s %lld→%lld", k, ival(v, "stored"), ival(v, "recomputed"));
        printf("\n");
    }
    printf(json_is_true(json_object_get(r, "fixed")) ? "fixed: the stored counters were replaced by the recomputed ones\n"
                                                     : "not fixed (run again with --fix to replace them)\n");
}

static int stats_cases(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB, *as_json = NULL, *from = NULL, *to = NULL, *recomp = NULL, *fix = NULL;
    cases_arg a = {0};
    const cli_opt opts[] = {{"db", 1, &db},           {"area", 1, &a.area}, {"category", 1, &a.category},
                            {"org", 1, &a.org},       {"from", 1, &from},   {"to", 1, &to},
                            {"json", 0, &as_json},    {"recompute", 0, &recomp}, {"fix", 0, &fix},
                            {NULL, 0, NULL}};
    int npos, rc = cli_parse(argc, argv, opts, NULL, 0, &npos);
    if (rc) {
        fputs(cases_help, rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    if ((fix && !recomp) || (recomp && (a.area || a.category || a.org || from || to))) {
        fputs("tongxin: --fix goes with --recompute, which takes no filters\n", stderr);
        fputs(cases_help, stderr);
        return 2;
    }
    if (recomp) {
        a.fix = fix != NULL;
        if (cli_run(db, a.fix, recompute, &a))
            return 1;
        if (as_json)
            print_json(a.out);
        else
            print_report(a.out);
        int differ = json_integer_value(json_object_get(a.out, "differences_total")) > 0 ||
                     json_array_size(json_object_get(a.out, "cases_without_report")) > 0;
        int fixed = json_is_true(json_object_get(a.out, "fixed"));
        json_decref(a.out);
        return differ && !fixed ? 1 : 0;
    }
    /* the 30 days up to today (UTC+8), or up to --to */
    char today[TX_CAL_DATE_STRLEN], start[TX_CAL_DATE_STRLEN];
    a.f.now_ms = tx_now_ms();
    int64_t local = a.f.now_ms + 8 * 3600000LL;
    int32_t last = (int32_t)(local / 86400000LL);
    if (to && tx_cal_parse_date(to, &last)) {
        fprintf(stderr, "tongxin: --to must be a YYYY-MM-DD date\n");
        return 2;
    }
    a.f.to = to ? to : tx_cal_format_date(last, today);
    a.f.from = from ? from : tx_cal_format_date(last - 29, start);
    if (cli_run(db, 0, read_cases, &a))
        return 1;
    if (as_json)
        print_json(a.out);
    else
        print_figures(a.out);
    json_decref(a.out);
    return 0;
}

int cli_stats(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "cases") == 0)
        return stats_cases(argc - 1, argv + 1);
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
        print_json(out);
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
