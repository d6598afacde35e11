/* demo: create (or refresh) the demo street — the synthetic 淡水街道 of
 * src/demo/danshui.c — through the same importers as real data, and the
 * demo accounts. Safe to run again: records are replaced by code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/secret.h"
#include "cli/cli.h"
#include "cli/opts.h"
#include "demo/cases.h"
#include "demo/danshui.h"
#include "io/io.h"
#include "io/lists.h"

/* The 2026 State Council holiday notice (data/), embedded at build time. */
extern const char demo_holidays_csv[];
/* data/demo-catalogue.json: case categories and routing rules */
extern const char demo_catalogue_json[];
/* data/demo-lists.json: needs, resources, projects and plans */
extern const char demo_lists_json[];

static const char help[] =
    "Usage: tongxin demo [--db URL] [--seed N] [--cases]\n\n"
    "Create or migrate the database and load the demo street (Danshui sub-district,\n"
    "Huiyang, Huizhou: 20 communities, 86 part-time members, 112 compound party\n"
    "branches …), the 2026 holiday calendar and the demo accounts, whose passwords are\n"
    "printed. Names from the source article are real; everything else is made up and\n"
    "marked so.\n"
    "  --seed N   vary the made-up parts (default 1); the same seed gives the same data\n"
    "  --cases    also a history of residents' cases: about 420 reports over the last 90\n"
    "             days in every community and category, each taken through the state\n"
    "             machine up to now (accepted, dispatched, referred, escalated by the SLA\n"
    "             sweep, resolved, rated, reopened; some still open, some overdue), so the\n"
    "             queues, the case map and the figures have something to show. Only into a\n"
    "             database without cases; the same seed on the same day gives the same\n"
    "             reports, lived through up to the moment it runs\n";

typedef struct {
    demo_street *d;
    uint64_t seed;
    int64_t now;
    demo_cases_result cases;
    char (*hashes)[TX_PWHASH_LEN];
    int areas, orgs, people, members, days, accounts, categories, rules;
    io_lists_count lists;
} demo_args;

static int load(store_conn *c, void *arg, tx_err *err)
{
    demo_args *a = arg;
    if (io_import_areas(c, a->d->areas, &a->areas, err) ||
        io_import_organisations(c, a->d->organisations_csv, strlen(a->d->organisations_csv), &a->orgs, err) ||
        io_import_people(c, a->d->people_csv, strlen(a->d->people_csv), &a->people, err) ||
        io_import_memberships(c, a->d->memberships_csv, strlen(a->d->memberships_csv), &a->members, err) ||
        io_import_calendar(c, demo_holidays_csv, strlen(demo_holidays_csv), &a->days, err))
        return -1;
    /* Rules accumulate: a second demo load into the same file keeps the
     * ones already there rather than adding them twice. */
    json_t *cat = json_loads(demo_catalogue_json, 0, NULL);
    int had_rules;
    if (store_rule_count(c, &had_rules, err)) {
        json_decref(cat);
        return -1;
    }
    if (had_rules)
        json_object_del(cat, "rules");
    int rc = io_import_catalogue(c, cat, &a->categories, &a->rules, err);
    json_decref(cat);
    if (rc)
        return -1;
    /* The three lists: items are replaced by code, so a second load keeps
     * their commitments and claims as they are. */
    json_t *lists = json_loads(demo_lists_json, 0, NULL);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    rc = io_import_lists(c, lists, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, &a->lists, err);
    json_decref(lists);
    if (rc)
        return -1;
    for (int i = 0; i < demo_accounts_count; i++) {
        const demo_account *u = &demo_accounts[i];
        tx_role role;
        tx_scope scope;
        int64_t id;
        if (tx_role_parse(u->role, &role) || store_scope_resolve(c, role, u->scope_code, &scope, err))
            return -1;
        if (store_user_add(c, u->login, role, &scope, a->hashes[i], &id, err)) {
            if (err->status != 409)
                return -1;
            /* Already there from an earlier run: keep it as it is. */
            tx_err_clear(err);
            continue;
        }
        a->accounts++;
    }
    return store_audit(c, "cli", "demo_load", "street", 0, "Danshui demo street", err);
}

/* The cases, after the street is in: the history up to now. */
static int load_cases(store_conn *c, void *arg, tx_err *err)
{
    demo_args *a = arg;
    return demo_cases_load(c, a->d->areas, a->seed, a->now, 0, &a->cases, err);
}

int cli_demo(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB, *seed = "1", *with_cases = NULL;
    const cli_opt opts[] = {{"db", 1, &db}, {"seed", 1, &seed}, {"cases", 0, &with_cases}, {NULL, 0, NULL}};
    int npos, rc = cli_parse(argc, argv, opts, NULL, 0, &npos);
    if (rc) {
        fputs(help, rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    char *end;
    unsigned long long seed_n = strtoull(seed, &end, 10);
    if (*seed == '\0' || *end) {
        fprintf(stderr, "tongxin demo: --seed must be a number\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    demo_street d;
    if (demo_street_generate(seed_n, &d)) {
        fprintf(stderr, "tongxin demo: could not generate the demo street\n");
        return 1;
    }
    demo_args a = {.d = &d, .seed = seed_n, .hashes = calloc((size_t)demo_accounts_count, TX_PWHASH_LEN)};
    /* argon2id is slow on purpose; the demo passwords are public, so
     * accounts sharing one password share its hash (and salt). */
    for (int i = 0; a.hashes && i < demo_accounts_count; i++) {
        int same = -1;
        for (int j = 0; j < i && same < 0; j++)
            if (strcmp(demo_accounts[j].password, demo_accounts[i].password) == 0)
                same = j;
        if (same >= 0) {
            memcpy(a.hashes[i], a.hashes[same], TX_PWHASH_LEN);
        } else if (tx_password_hash(demo_accounts[i].password, a.hashes[i])) {
            free(a.hashes);
            a.hashes = NULL;
        }
    }
    store *s = a.hashes ? cli_open_store(db, 1) : NULL;
    if (s == NULL) {
        demo_street_free(&d);
        free(a.hashes);
        return 1;
    }
    tx_err err;
    tx_err_clear(&err);
    rc = store_sync(s, 1, load, &a, &err);
    int cases_rc = 0;
    if (rc == 0 && with_cases) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        a.now = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
        cases_rc = store_sync(s, 1, load_cases, &a, &err);
    }
    store_close(s);
    demo_street_free(&d);
    free(a.hashes);
    if (rc) {
        fprintf(stderr, "tongxin demo: nothing was loaded: %s\n", err.msg[TX_LANG_EN]);
        return 1;
    }
    if (cases_rc) {
        fprintf(stderr, "tongxin demo: the street was loaded, but no cases: %s\n", err.msg[TX_LANG_EN]);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("demo street loaded into %s in %.2f s: %d areas, %d organisations, %d people, %d memberships, "
           "%d calendar days (2026), %d case categories, %d routing rules, %d needs, %d resources, %d projects, "
           "%d plans\n",
           db, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, a.areas, a.orgs, a.people,
           a.members, a.days, a.categories, a.rules, a.lists.needs, a.lists.resources, a.lists.projects,
           a.lists.plans);
    if (with_cases && a.cases.existing) {
        printf("demo cases: none added, the database already has %d case(s)\n", a.cases.existing);
    } else if (with_cases) {
        const demo_cases_result *k = &a.cases;
        printf("demo cases: %d reports over the last %d days, %d steps by people and %d by the SLA sweep; now "
               "%d being handled (%d overdue), %d awaiting a rating, %d closed, %d merged, %d invalid\n",
               k->cases, DEMO_CASES_DAYS, k->steps, k->sweep_steps,
               k->cases - k->by_state[TX_CASE_RESOLVED] - k->by_state[TX_CASE_CLOSED] - k->by_state[TX_CASE_MERGED] -
                   k->by_state[TX_CASE_INVALID],
               k->overdue, k->by_state[TX_CASE_RESOLVED], k->by_state[TX_CASE_CLOSED], k->by_state[TX_CASE_MERGED],
               k->by_state[TX_CASE_INVALID]);
        if (k->refused)
            fprintf(stderr, "tongxin demo: %d planned step(s) were refused by the state machine; the first: %s\n",
                    k->refused, k->first_refusal);
    }
    printf("\ndemo accounts (%d new):\n", a.accounts);
    printf("  %-16s %-18s %-24s %s\n", "login", "role", "scope", "password");
    for (int i = 0; i < demo_accounts_count; i++)
        printf("  %-16s %-18s %-24s %s   %s\n", demo_accounts[i].login, demo_accounts[i].role,
               demo_accounts[i].scope_code ? demo_accounts[i].scope_code : "-", demo_accounts[i].password,
               demo_accounts[i].what);
    return 0;
}
