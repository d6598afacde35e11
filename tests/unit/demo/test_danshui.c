/* Unit tests for src/demo/danshui.c: the demo street 淡水街道 reproduces the
 * article's figures and names, is well-formed for the importers (column
 * counts, references, vocabulary codes, parents first), has boundaries that
 * pass geo_validate, and is the same for the same seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "base/csv.h"
#include "demo/danshui.h"
#include "domain/account.h"
#include "domain/network.h"
#include "geo/geo.h"

#define SEED 20220304u /* the day the municipal works centre came to look */

#define NAMED "见报道 / named in the article"
#define MADE_UP "虚构示例数据 / made-up demo data"

/* ---- parsed documents -------------------------------------------------- */

typedef struct {
    int ncols, nrows;
    char *header[CSV_MAX_FIELDS];
    char ***rows; /* rows[r][c] */
    int *width;   /* fields in each row, to check against ncols */
} table;

typedef struct {
    demo_street d;
    table orgs, people, mships;
    json_t *features; /* borrowed from d.areas */
} street;

static void table_read(table *t, const char *text)
{
    csv_reader r;
    const char *why, *why_zh;
    int rc, cap = 0;
    memset(t, 0, sizeof *t);
    csv_reader_init(&r, text, strlen(text));
    assert_int_equal(csv_next(&r, &why, &why_zh), 1);
    t->ncols = r.nfields;
    for (int c = 0; c < r.nfields; c++)
        t->header[c] = strdup(r.field[c]);
    while ((rc = csv_next(&r, &why, &why_zh)) == 1) {
        if (t->nrows == cap) {
            cap = cap ? cap * 2 : 256;
            t->rows = realloc(t->rows, (size_t)cap * sizeof *t->rows);
            t->width = realloc(t->width, (size_t)cap * sizeof *t->width);
            assert_non_null(t->rows);
            assert_non_null(t->width);
        }
        char **row = calloc(CSV_MAX_FIELDS, sizeof *row);
        assert_non_null(row);
        for (int c = 0; c < CSV_MAX_FIELDS; c++)
            row[c] = strdup(c < r.nfields ? r.field[c] : "");
        t->width[t->nrows] = r.nfields;
        t->rows[t->nrows++] = row;
    }
    if (rc < 0)
        fail_msg("CSV line %d: %s", r.record_line, why);
    csv_reader_free(&r);
}

static void table_free(table *t)
{
    for (int c = 0; c < t->ncols; c++)
        free(t->header[c]);
    for (int i = 0; i < t->nrows; i++) {
        for (int c = 0; c < CSV_MAX_FIELDS; c++)
            free(t->rows[i][c]);
        free(t->rows[i]);
    }
    free(t->rows);
    free(t->width);
}

static int col(const table *t, const char *name)
{
    for (int c = 0; c < t->ncols; c++)
        if (strcmp(t->header[c], name) == 0)
            return c;
    fail_msg("no column %s", name);
    return -1;
}

static const char *cell(const table *t, int r, const char *name) { return t->rows[r][col(t, name)]; }

/* The row whose column `name` equals value, or -1. */
static int find(const table *t, const char *name, const char *value)
{
    int c = col(t, name);
    for (int r = 0; r < t->nrows; r++)
        if (strcmp(t->rows[r][c], value) == 0)
            return r;
    return -1;
}

static int setup(void **state)
{
    street *s = calloc(1, sizeof *s);
    if (s == NULL || demo_street_generate(SEED, &s->d) != 0)
        return -1;
    table_read(&s->orgs, s->d.organisations_csv);
    table_read(&s->people, s->d.people_csv);
    table_read(&s->mships, s->d.memberships_csv);
    s->features = json_object_get(s->d.areas, "features");
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    street *s = *state;
    table_free(&s->orgs);
    table_free(&s->people);
    table_free(&s->mships);
    demo_street_free(&s->d);
    free(s);
    return 0;
}

/* Area properties. */
static json_t *props(json_t *f) { return json_object_get(f, "properties"); }
static const char *pstr(json_t *f, const char *k) { return json_string_value(json_object_get(props(f), k)); }
static json_int_t pint(json_t *f, const char *k) { return json_integer_value(json_object_get(props(f), k)); }

static json_t *area(const street *s, const char *code)
{
    size_t i;
    json_t *f;
    json_array_foreach(s->features, i, f) if (strcmp(pstr(f, "code"), code) == 0) return f;
    return NULL;
}

static json_t *area_named(const street *s, const char *name)
{
    size_t i;
    json_t *f;
    json_array_foreach(s->features, i, f) if (strcmp(pstr(f, "name"), name) == 0) return f;
    return NULL;
}

static int count_areas(const street *s, const char *kind)
{
    size_t i;
    json_t *f;
    int n = 0;
    json_array_foreach(s->features, i, f) n += strcmp(pstr(f, "kind"), kind) == 0;
    return n;
}

/* The community an area lies in (itself for a community), or NULL. */
static const char *community_of(const street *s, const char *code)
{
    for (json_t *f = area(s, code); f; f = pstr(f, "parent_code") ? area(s, pstr(f, "parent_code")) : NULL)
        if (strcmp(pstr(f, "kind"), "community") == 0)
            return pstr(f, "code");
    return NULL;
}

/* The party organisation of a community (the org at that area whose parent is the street committee). */
static const char *committee_of(const street *s, const char *community)
{
    for (int r = 0; r < s->orgs.nrows; r++)
        if (strcmp(cell(&s->orgs, r, "area_code"), community) == 0 &&
            strcmp(cell(&s->orgs, r, "parent_code"), "DS-PWC") == 0)
            return cell(&s->orgs, r, "code");
    return NULL;
}

static int count_orgs(const street *s, const char *kind, const char *community)
{
    int n = 0;
    for (int r = 0; r < s->orgs.nrows; r++)
        if (strcmp(cell(&s->orgs, r, "kind"), kind) == 0 &&
            (community == NULL || (community_of(s, cell(&s->orgs, r, "area_code")) &&
                                   strcmp(community_of(s, cell(&s->orgs, r, "area_code")), community) == 0)))
            n++;
    return n;
}

/* Distinct current (person, org) memberships with this role, in org (NULL: any). */
static int count_current(const street *s, const char *role, const char *org)
{
    const table *m = &s->mships;
    int n = 0;
    for (int r = 0; r < m->nrows; r++) {
        if (strcmp(cell(m, r, "role"), role) || cell(m, r, "end_date")[0] || (org && strcmp(cell(m, r, "org_code"), org)))
            continue;
        int dup = 0;
        for (int q = 0; q < r && !dup; q++)
            dup = !strcmp(cell(m, q, "role"), role) && !cell(m, q, "end_date")[0] &&
                  !strcmp(cell(m, q, "person_code"), cell(m, r, "person_code")) &&
                  !strcmp(cell(m, q, "org_code"), cell(m, r, "org_code"));
        n += !dup;
    }
    return n;
}

static char *dump_all(const demo_street *d)
{
    char *a = json_dumps(d->areas, JSON_COMPACT);
    assert_non_null(a);
    size_t n = strlen(a) + strlen(d->organisations_csv) + strlen(d->people_csv) + strlen(d->memberships_csv) + 1;
    char *all = malloc(n);
    assert_non_null(all);
    snprintf(all, n, "%s%s%s%s", a, d->organisations_csv, d->people_csv, d->memberships_csv);
    free(a);
    return all;
}

/* ---- determinism -------------------------------------------------------- */

static void test_same_seed_gives_byte_identical_documents(void **state)
{
    (void)state;
    demo_street a, b, c;
    assert_int_equal(demo_street_generate(7, &a), 0);
    assert_int_equal(demo_street_generate(7, &b), 0);
    assert_int_equal(demo_street_generate(8, &c), 0);
    char *da = dump_all(&a), *db = dump_all(&b), *dc = dump_all(&c);
    assert_string_equal(da, db);
    assert_true(strcmp(da, dc) != 0); /* another seed, another street (same structure) */
    free(da);
    free(db);
    free(dc);
    demo_street_free(&a);
    demo_street_free(&b);
    demo_street_free(&c);
    demo_street_free(&c); /* twice is harmless */
}

static void test_generation_takes_well_under_a_second(void **state)
{
    (void)state;
    struct timespec t0, t1;
    demo_street d;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(demo_street_generate(SEED, &d), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    print_message("generation took %.1f ms\n", ms);
    assert_true(ms < 500);
    demo_street_free(&d);
}

/* ---- the article's figures --------------------------------------------- */

static void test_street_has_twenty_communities_including_xinghe_baiyun_binhe(void **state)
{
    street *s = *state;
    assert_int_equal(count_areas(s, "community"), 20);
    assert_int_equal(count_areas(s, "street"), 1);
    assert_string_equal(pstr(area(s, "DS"), "name"), "淡水街道");
    assert_string_equal(pstr(area(s, "HY"), "name"), "惠阳区");
    assert_null(pstr(area(s, "HY"), "parent_code"));
    static const char *const named[] = {"星河社区", "白云社区", "滨河社区"};
    for (int i = 0; i < 3; i++) {
        json_t *f = area_named(s, named[i]);
        assert_non_null(f);
        assert_string_equal(pstr(f, "kind"), "community");
        assert_string_equal(pstr(f, "parent_code"), "DS");
        assert_non_null(strstr(pstr(f, "notes"), NAMED));
        assert_non_null(committee_of(s, pstr(f, "code")));
    }
    /* every community has a party organisation under the street's working committee */
    size_t i;
    json_t *f;
    json_array_foreach(s->features, i, f) if (strcmp(pstr(f, "kind"), "community") == 0)
        assert_non_null(committee_of(s, pstr(f, "code")));
}

static void test_baiyun_founded_2011_with_38000_residents_60_compounds_20_branches(void **state)
{
    street *s = *state;
    json_t *by = area_named(s, "白云社区");
    const char *code = pstr(by, "code");
    assert_string_equal(pstr(by, "founded"), "2011-10");
    assert_int_equal(pint(by, "population_registered"), 14000);
    assert_int_equal(pint(by, "population_resident"), 38000);
    int compounds = 0;
    size_t i;
    json_t *f;
    json_array_foreach(s->features, i, f) if (strcmp(pstr(f, "kind"), "compound") == 0 &&
                                              strcmp(community_of(s, pstr(f, "code")), code) == 0) compounds++;
    assert_int_equal(compounds, 60);
    assert_int_equal(count_orgs(s, "compound_party_branch", code), 20);
    /* the article calls its organisation a general branch (党总支部) */
    int r = find(&s->orgs, "code", committee_of(s, code));
    assert_string_equal(cell(&s->orgs, r, "name"), "白云社区党总支部");
    assert_string_equal(cell(&s->orgs, r, "kind"), "community_general_branch");
}

static void test_street_has_112_compound_branches_each_under_its_community_party_organisation(void **state)
{
    street *s = *state;
    assert_int_equal(count_orgs(s, "compound_party_branch", NULL), 112);
    int on_compound[1024] = {0};
    for (int r = 0; r < s->orgs.nrows; r++) {
        if (strcmp(cell(&s->orgs, r, "kind"), "compound_party_branch"))
            continue;
        const char *where = cell(&s->orgs, r, "area_code");
        json_t *cp = area(s, where);
        assert_non_null(cp);
        assert_string_equal(pstr(cp, "kind"), "compound");
        assert_string_equal(cell(&s->orgs, r, "parent_code"), committee_of(s, community_of(s, where)));
        size_t idx = 0;
        json_t *f;
        json_array_foreach(s->features, idx, f) if (f == cp) break;
        assert_true(idx < 1024);
        assert_int_equal(on_compound[idx]++, 0); /* one branch per compound */
        assert_int_equal(count_current(s, "secretary", cell(&s->orgs, r, "code")), 1);
    }
}

static void test_86_part_time_members_each_represent_a_member_unit_of_their_community(void **state)
{
    street *s = *state;
    const table *m = &s->mships;
    assert_int_equal(count_current(s, "part_time_member", NULL), 86);
    int per_community = 0;
    for (int r = 0; r < m->nrows; r++) {
        if (strcmp(cell(m, r, "role"), "part_time_member"))
            continue;
        int org = find(&s->orgs, "code", cell(m, r, "org_code"));
        int unit = find(&s->orgs, "code", cell(m, r, "represents_code"));
        assert_true(org >= 0 && unit >= 0);
        assert_string_equal(cell(&s->orgs, org, "parent_code"), "DS-PWC"); /* a community's party organisation */
        assert_string_equal(cell(&s->orgs, unit, "kind"), "member_unit");
        assert_string_equal(cell(&s->orgs, unit, "area_code"), cell(&s->orgs, org, "area_code"));
    }
    size_t i;
    json_t *f;
    json_array_foreach(s->features, i, f) if (strcmp(pstr(f, "kind"), "community") == 0)
    {
        assert_true(count_current(s, "part_time_member", committee_of(s, pstr(f, "code"))) >= 3);
        per_community++;
    }
    assert_int_equal(per_community, 20);
    /* nobody else may represent a unit */
    for (int r = 0; r < m->nrows; r++)
        if (strcmp(cell(m, r, "role"), "part_time_member"))
            assert_string_equal(cell(m, r, "represents_code"), "");
}

static void test_xinghe_has_five_cadres_and_serves_xinghe_dandi_of_20000(void **state)
{
    street *s = *state;
    const char *xh = pstr(area_named(s, "星河社区"), "code");
    assert_int_equal(count_current(s, "cadre", committee_of(s, xh)), 5);
    json_t *dandi = area_named(s, "星河丹堤");
    assert_non_null(dandi);
    assert_string_equal(pstr(dandi, "kind"), "compound");
    assert_string_equal(community_of(s, pstr(dandi, "code")), xh);
    json_int_t pop = pint(dandi, "population_resident");
    assert_true(pop >= 19000 && pop <= 21000);
    /* the biggest compound of the street by far ('visibly large') */
    size_t i;
    json_t *f;
    json_array_foreach(s->features, i, f) if (strcmp(pstr(f, "kind"), "compound") == 0 && f != dandi)
        assert_true(pint(f, "population_resident") < pop / 2);
    /* its property company belongs to the member unit 星河智善惠州分公司 */
    int pm = -1;
    for (int r = 0; r < s->orgs.nrows; r++)
        if (strstr(cell(&s->orgs, r, "manages"), pstr(dandi, "code")))
            pm = r;
    assert_true(pm >= 0);
    assert_string_equal(cell(&s->orgs, pm, "kind"), "property_company");
    int parent = find(&s->orgs, "code", cell(&s->orgs, pm, "parent_code"));
    assert_true(parent >= 0);
    assert_string_equal(cell(&s->orgs, parent, "name"), "星河智善惠州分公司");
}

static void test_xinghe_big_committee_has_the_three_member_units_of_the_article(void **state)
{
    street *s = *state;
    static const char *const units[][2] = {
        {"华南师范大学附属惠阳学校", "public_institution"},
        {"星河智善惠州分公司", "enterprise"},
        {"惠州农商行惠阳支行", "enterprise"},
    };
    const char *xh = pstr(area_named(s, "星河社区"), "code");
    for (int i = 0; i < 3; i++) {
        int r = find(&s->orgs, "name", units[i][0]);
        assert_true(r >= 0);
        assert_string_equal(cell(&s->orgs, r, "kind"), "member_unit");
        assert_string_equal(cell(&s->orgs, r, "unit_type"), units[i][1]);
        assert_string_equal(cell(&s->orgs, r, "area_code"), xh);
        assert_non_null(strstr(cell(&s->orgs, r, "notes"), NAMED));
        int seated = 0;
        for (int q = 0; q < s->mships.nrows; q++)
            seated += !strcmp(cell(&s->mships, q, "represents_code"), cell(&s->orgs, r, "code")) &&
                      !cell(&s->mships, q, "end_date")[0];
        assert_int_equal(seated, 1);
    }
    assert_true(find(&s->orgs, "name", "活力星河") >= 0);
    assert_true(find(&s->orgs, "name", "星河社区党群服务驿站") >= 0);
}

static void test_member_units_of_all_five_types_appear(void **state)
{
    street *s = *state;
    for (int t = 0; t < TX_UNIT__COUNT; t++) {
        int n = 0;
        for (int r = 0; r < s->orgs.nrows; r++)
            n += strcmp(cell(&s->orgs, r, "unit_type"), tx_unit_type_code((tx_unit_type)t)) == 0;
        assert_true(n >= 3);
    }
    assert_int_equal(count_orgs(s, "member_unit", NULL), 86);
}

static void test_yulong_mingyuan_branch_secretary_is_liu_xuezheng(void **state)
{
    street *s = *state;
    json_t *yl = area_named(s, "御珑名苑");
    assert_non_null(yl);
    assert_string_equal(community_of(s, pstr(yl, "code")), pstr(area_named(s, "白云社区"), "code"));
    int branch = -1;
    for (int r = 0; r < s->orgs.nrows; r++)
        if (!strcmp(cell(&s->orgs, r, "kind"), "compound_party_branch") &&
            !strcmp(cell(&s->orgs, r, "area_code"), pstr(yl, "code")))
            branch = r;
    assert_true(branch >= 0);
    int liu = find(&s->people, "name", "刘学政");
    assert_true(liu >= 0);
    assert_string_equal(cell(&s->people, liu, "party_member"), "1");
    assert_non_null(strstr(cell(&s->people, liu, "notes"), NAMED));
    int found = 0;
    for (int q = 0; q < s->mships.nrows; q++)
        found += !strcmp(cell(&s->mships, q, "person_code"), cell(&s->people, liu, "code")) &&
                 !strcmp(cell(&s->mships, q, "org_code"), cell(&s->orgs, branch, "code")) &&
                 !strcmp(cell(&s->mships, q, "role"), "secretary") && !cell(&s->mships, q, "end_date")[0];
    assert_int_equal(found, 1);
    assert_int_equal(count_current(s, "secretary", cell(&s->orgs, branch, "code")), 1);
}

static void test_bandao_no1_demonstration_site_has_womens_federation_and_volunteer_team(void **state)
{
    street *s = *state;
    json_t *bd = area_named(s, "半岛1号");
    assert_non_null(bd);
    assert_string_equal(pstr(bd, "kind"), "compound");
    assert_non_null(strstr(pstr(bd, "notes"), "示范点"));
    int wf = 0, vt = 0, pb = 0;
    for (int r = 0; r < s->orgs.nrows; r++) {
        if (strcmp(cell(&s->orgs, r, "area_code"), pstr(bd, "code")))
            continue;
        wf += !strcmp(cell(&s->orgs, r, "kind"), "womens_federation");
        vt += !strcmp(cell(&s->orgs, r, "kind"), "volunteer_team");
        pb += !strcmp(cell(&s->orgs, r, "kind"), "compound_party_branch");
    }
    assert_int_equal(wf, 1);
    assert_int_equal(vt, 1);
    assert_int_equal(pb, 1);
    assert_true(find(&s->orgs, "name", "半岛1号妇女联合会") >= 0);
}

static void test_municipal_works_centre_is_a_district_department_of_huiyang(void **state)
{
    street *s = *state;
    int r = find(&s->orgs, "name", "惠阳区市政和代建事务中心");
    assert_true(r >= 0);
    assert_string_equal(cell(&s->orgs, r, "kind"), "district_department");
    assert_string_equal(cell(&s->orgs, r, "area_code"), "HY");
    assert_true(count_orgs(s, "district_department", NULL) >= 4);
    int st = find(&s->orgs, "kind", "street_party_committee");
    assert_true(st >= 0);
    assert_string_equal(cell(&s->orgs, st, "area_code"), "DS");
}

/* ---- shape of the network ---------------------------------------------- */

static void test_grids_compounds_and_grid_workers_are_in_proportion(void **state)
{
    street *s = *state;
    int compounds = count_areas(s, "compound");
    assert_true(compounds >= 200 && compounds <= 260);
    size_t i, j;
    json_t *f, *g;
    json_array_foreach(s->features, i, f)
    {
        const char *kind = pstr(f, "kind"), *code = pstr(f, "code");
        if (strcmp(kind, "community") == 0) {
            int grids = 0, cps = 0;
            json_array_foreach(s->features, j, g)
            {
                grids += !strcmp(pstr(g, "kind"), "grid") && !strcmp(pstr(g, "parent_code"), code);
                cps += !strcmp(pstr(g, "kind"), "compound") && !strcmp(community_of(s, pstr(g, "code")), code);
            }
            assert_true(grids >= 2 && grids <= 6);
            assert_true(cps >= count_orgs(s, "compound_party_branch", code));
            /* one grid worker per grid, in the community's party organisation */
            assert_int_equal(count_current(s, "grid_worker", committee_of(s, code)), grids);
        } else if (strcmp(kind, "grid") == 0) {
            char tag[64];
            snprintf(tag, sizeof tag, "grid:%s", code);
            int workers = 0;
            for (int r = 0; r < s->people.nrows; r++) {
                const char *notes = cell(&s->people, r, "notes"), *at = strstr(notes, tag);
                workers += at && (at[strlen(tag)] == '\0' || at[strlen(tag)] == ';' || at[strlen(tag)] == ' ');
            }
            assert_int_equal(workers, 1);
        }
    }
    /* property companies manage compounds; every compound of a manages list exists */
    int companies = 0;
    for (int r = 0; r < s->orgs.nrows; r++) {
        const char *manages = cell(&s->orgs, r, "manages");
        int is_pm = !strcmp(cell(&s->orgs, r, "kind"), "property_company");
        assert_int_equal(is_pm, manages[0] != '\0');
        companies += is_pm;
        char list[512];
        snprintf(list, sizeof list, "%s", manages);
        for (char *save, *c = strtok_r(list, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
            assert_non_null(area(s, c));
            assert_string_equal(pstr(area(s, c), "kind"), "compound");
        }
    }
    assert_true(companies >= 40);
    assert_true(count_orgs(s, "owners_committee", NULL) >= 100);
}

/* ---- import format ----------------------------------------------------- */

static void expect_header(const table *t, const char *want)
{
    char got[512] = "";
    for (int c = 0; c < t->ncols; c++) {
        strcat(got, t->header[c]);
        strcat(got, c + 1 < t->ncols ? "," : "");
    }
    assert_string_equal(got, want);
    for (int r = 0; r < t->nrows; r++)
        if (t->width[r] != t->ncols)
            fail_msg("row %d has %d fields, the header %d", r + 2, t->width[r], t->ncols);
}

static void test_every_csv_row_has_the_header_column_count(void **state)
{
    street *s = *state;
    expect_header(&s->orgs, "code,kind,unit_type,name,name_en,area_code,parent_code,manages,notes");
    expect_header(&s->people, "code,name,phone,party_member,notes");
    expect_header(&s->mships, "person_code,org_code,role,represents_code,start_date,end_date");
    /* fields with commas are quoted (RFC 4180), and read back whole */
    int with_comma = 0;
    for (int r = 0; r < s->orgs.nrows; r++)
        with_comma += strchr(cell(&s->orgs, r, "name_en"), ',') != NULL;
    assert_true(with_comma > 0);
}

static void test_every_reference_points_to_an_existing_earlier_code(void **state)
{
    street *s = *state;
    /* areas: unique codes, known kinds, parents first and of the right kind */
    size_t i, j;
    json_t *f, *g;
    json_array_foreach(s->features, i, f)
    {
        tx_area_kind k;
        assert_int_equal(tx_area_kind_parse(pstr(f, "kind"), &k), 0);
        const char *parent = pstr(f, "parent_code");
        if (i > 0) {
            assert_non_null(parent);
            int seen = 0;
            json_array_foreach(s->features, j, g)
            {
                if (j >= i)
                    break;
                assert_true(strcmp(pstr(g, "code"), pstr(f, "code")) != 0);
                if (!strcmp(pstr(g, "code"), parent)) {
                    tx_area_kind pk;
                    assert_int_equal(tx_area_kind_parse(pstr(g, "kind"), &pk), 0);
                    assert_int_equal((int)pk, tx_area_parent_kind(k));
                    seen = 1;
                }
            }
            if (!seen)
                fail_msg("area %s: parent %s not before it", pstr(f, "code"), parent);
        }
        for (const char *c = pstr(f, "code"); *c; c++)
            assert_true(*c > ' ' && *c < 127);
    }
    /* organisations: unique codes, known kinds, unit types only for member units, parents first */
    const table *o = &s->orgs;
    for (int r = 0; r < o->nrows; r++) {
        tx_org_kind k;
        tx_unit_type t;
        assert_int_equal(tx_org_kind_parse(cell(o, r, "kind"), &k), 0);
        if (k == TX_ORG_MEMBER_UNIT)
            assert_int_equal(tx_unit_type_parse(cell(o, r, "unit_type"), &t), 0);
        else
            assert_string_equal(cell(o, r, "unit_type"), "");
        assert_non_null(area(s, cell(o, r, "area_code")));
        assert_int_equal(find(o, "code", cell(o, r, "code")), r);
        const char *parent = cell(o, r, "parent_code");
        if (parent[0]) {
            int p = find(o, "code", parent);
            if (p < 0 || p >= r)
                fail_msg("organisation %s: parent %s not before it", cell(o, r, "code"), parent);
        }
    }
    /* people: unique codes; memberships: existing people and organisations, known roles, dates */
    for (int r = 0; r < s->people.nrows; r++)
        assert_int_equal(find(&s->people, "code", cell(&s->people, r, "code")), r);
    const table *m = &s->mships;
    for (int r = 0; r < m->nrows; r++) {
        tx_membership_role role;
        assert_true(find(&s->people, "code", cell(m, r, "person_code")) >= 0);
        assert_true(find(o, "code", cell(m, r, "org_code")) >= 0);
        assert_int_equal(tx_membership_role_parse(cell(m, r, "role"), &role), 0);
        const char *rep = cell(m, r, "represents_code");
        if (role == TX_MROLE_PART_TIME_MEMBER)
            assert_true(find(o, "code", rep) >= 0);
        const char *sd = cell(m, r, "start_date"), *ed = cell(m, r, "end_date");
        int y, mo, d;
        char extra;
        assert_int_equal(sscanf(sd, "%4d-%2d-%2d%c", &y, &mo, &d, &extra), 3);
        assert_int_equal(strlen(sd), 10);
        if (ed[0]) {
            assert_int_equal(strlen(ed), 10);
            assert_true(strcmp(ed, sd) > 0);
        }
    }
}

static void test_people_have_obviously_fake_phones_and_party_flags(void **state)
{
    street *s = *state;
    const table *p = &s->people;
    assert_true(p->nrows > 1000);
    for (int r = 0; r < p->nrows; r++) {
        const char *ph = cell(p, r, "phone");
        assert_int_equal(strlen(ph), 11);
        assert_int_equal(strncmp(ph, "1390000", 7), 0);
        assert_int_equal(strspn(ph, "0123456789"), 11);
        assert_true(!strcmp(cell(p, r, "party_member"), "0") || !strcmp(cell(p, r, "party_member"), "1"));
        assert_int_equal(find(p, "phone", ph), r);
    }
}

static void test_every_entity_says_whether_it_is_from_the_article_or_made_up(void **state)
{
    street *s = *state;
    size_t i;
    json_t *f;
    json_array_foreach(s->features, i, f)
    {
        const char *n = pstr(f, "notes");
        assert_non_null(n);
        assert_true(strstr(n, NAMED) || strstr(n, MADE_UP));
    }
    const table *ts[2] = {&s->orgs, &s->people};
    for (int t = 0; t < 2; t++)
        for (int r = 0; r < ts[t]->nrows; r++) {
            const char *n = cell(ts[t], r, "notes");
            if (!strstr(n, NAMED) && !strstr(n, MADE_UP))
                fail_msg("%s has no label: %s", cell(ts[t], r, "code"), n);
        }
}

/* ---- geometry ----------------------------------------------------------- */

static void test_rings_are_closed_and_counter_clockwise(void **state)
{
    street *s = *state;
    size_t i, k;
    json_t *f, *pt;
    json_array_foreach(s->features, i, f)
    {
        json_t *geom = json_object_get(f, "geometry");
        assert_string_equal(json_string_value(json_object_get(geom, "type")), "Polygon");
        json_t *ring = json_array_get(json_object_get(geom, "coordinates"), 0);
        size_t n = json_array_size(ring);
        assert_true(n >= 4);
        json_t *a = json_array_get(ring, 0), *b = json_array_get(ring, n - 1);
        assert_true(json_real_value(json_array_get(a, 0)) == json_real_value(json_array_get(b, 0)));
        assert_true(json_real_value(json_array_get(a, 1)) == json_real_value(json_array_get(b, 1)));
        double area2 = 0;
        json_array_foreach(ring, k, pt)
        {
            if (k + 1 == n)
                break;
            json_t *q = json_array_get(ring, k + 1);
            double lng = json_real_value(json_array_get(pt, 0)), lat = json_real_value(json_array_get(pt, 1));
            assert_true(lng > 114.0 && lng < 115.0 && lat > 22.5 && lat < 23.0);
            area2 += lng * json_real_value(json_array_get(q, 1)) - json_real_value(json_array_get(q, 0)) * lat;
        }
        if (area2 <= 0)
            fail_msg("%s: ring is clockwise", pstr(f, "code"));
    }
}

static void test_street_is_about_six_by_five_kilometres_around_danshui(void **state)
{
    street *s = *state;
    json_t *ring = json_array_get(json_object_get(json_object_get(area(s, "DS"), "geometry"), "coordinates"), 0);
    double x0 = 999, x1 = -999, y0 = 999, y1 = -999;
    size_t k;
    json_t *pt;
    json_array_foreach(ring, k, pt)
    {
        double x = json_real_value(json_array_get(pt, 0)), y = json_real_value(json_array_get(pt, 1));
        x0 = x < x0 ? x : x0, x1 = x > x1 ? x : x1, y0 = y < y0 ? y : y0, y1 = y > y1 ? y : y1;
    }
    double w = (x1 - x0) * 102688, h = (y1 - y0) * 110741;
    assert_true(w > 5500 && w < 6800);
    assert_true(h > 4500 && h < 5800);
    assert_true((x0 + x1) / 2 > 114.45 && (x0 + x1) / 2 < 114.49);
    assert_true((y0 + y1) / 2 > 22.76 && (y0 + y1) / 2 < 22.80);
}

static json_t *ring_of(json_t *f)
{
    return json_array_get(json_object_get(json_object_get(f, "geometry"), "coordinates"), 0);
}

/* Twice the signed area of a ring, in square degrees. */
static double ring_area2(json_t *ring)
{
    double a = 0;
    size_t n = json_array_size(ring);
    for (size_t k = 0; k + 1 < n; k++) {
        json_t *p = json_array_get(ring, k), *q = json_array_get(ring, k + 1);
        a += json_real_value(json_array_get(p, 0)) * json_real_value(json_array_get(q, 1)) -
             json_real_value(json_array_get(q, 0)) * json_real_value(json_array_get(p, 1));
    }
    return a;
}

/* Children that lie inside their parent without overlapping each other
 * (geo_validate) and add up to its area leave no gap: they tile it. */
static void test_communities_tile_the_street_and_grids_tile_their_community(void **state)
{
    street *s = *state;
    size_t i, j;
    json_t *f, *g;
    json_array_foreach(s->features, i, f)
    {
        const char *kind = pstr(f, "kind");
        if (strcmp(kind, "street") && strcmp(kind, "community"))
            continue;
        const char *child = strcmp(kind, "street") == 0 ? "community" : "grid";
        double sum = 0, whole = ring_area2(ring_of(f));
        json_array_foreach(s->features, j, g) if (!strcmp(pstr(g, "kind"), child) &&
                                                  !strcmp(pstr(g, "parent_code"), pstr(f, "code")))
            sum += ring_area2(ring_of(g));
        if (sum < whole * (1 - 1e-9) || sum > whole * (1 + 1e-9))
            fail_msg("%s: its %ss cover %.9f of it", pstr(f, "code"), child, sum / whole);
    }
}

/* Distance in metres from p to segment ab (local equirectangular metres). */
static double dist_m(double px, double py, double ax, double ay, double bx, double by)
{
    const double kx = 102688, ky = 110741;
    px *= kx, ax *= kx, bx *= kx, py *= ky, ay *= ky, by *= ky;
    double dx = bx - ax, dy = by - ay, t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double ex = ax + t * dx - px, ey = ay + t * dy - py;
    return __builtin_sqrt(ex * ex + ey * ey);
}

/* The least distance between a vertex of one ring and an edge of the other. */
static double rings_gap_m(json_t *r1, json_t *r2)
{
    double nearest = 1e9;
    for (int pass = 0; pass < 2; pass++) {
        json_t *vs = pass ? r2 : r1, *es = pass ? r1 : r2;
        for (size_t k = 0; k < json_array_size(vs); k++) {
            json_t *p = json_array_get(vs, k);
            double x = json_real_value(json_array_get(p, 0)), y = json_real_value(json_array_get(p, 1));
            for (size_t e = 0; e + 1 < json_array_size(es); e++) {
                json_t *a = json_array_get(es, e), *b = json_array_get(es, e + 1);
                double d = dist_m(x, y, json_real_value(json_array_get(a, 0)), json_real_value(json_array_get(a, 1)),
                                  json_real_value(json_array_get(b, 0)), json_real_value(json_array_get(b, 1)));
                nearest = d < nearest ? d : nearest;
            }
        }
    }
    return nearest;
}

static void test_compounds_keep_clear_of_their_grid_edge_leaving_public_space(void **state)
{
    street *s = *state;
    size_t i;
    json_t *f;
    double nearest = 1e9;
    json_array_foreach(s->features, i, f)
    {
        if (strcmp(pstr(f, "kind"), "compound"))
            continue;
        double d = rings_gap_m(ring_of(f), ring_of(area(s, pstr(f, "parent_code"))));
        nearest = d < nearest ? d : nearest;
    }
    print_message("nearest compound to a grid edge: %.1f m\n", nearest);
    assert_true(nearest >= 10);
}

/* geo_validate: children inside parents, grids of a community and
 * compounds of a grid not overlapping, all geometry valid. */
static void expect_valid(const demo_street *d)
{
    json_t *features = json_object_get(d->areas, "features");
    int n = (int)json_array_size(features);
    geo_area *areas = calloc((size_t)n, sizeof *areas);
    char **texts = calloc((size_t)n, sizeof *texts);
    assert_non_null(areas);
    assert_non_null(texts);
    for (int i = 0; i < n; i++) {
        json_t *f = json_array_get(features, (size_t)i);
        assert_int_equal(tx_area_kind_parse(pstr(f, "kind"), &areas[i].kind), 0);
        areas[i].code = pstr(f, "code");
        texts[i] = json_dumps(json_object_get(f, "geometry"), JSON_COMPACT);
        areas[i].geometry = texts[i];
        areas[i].parent = -1;
        for (int j = 0; j < i && pstr(f, "parent_code"); j++)
            if (strcmp(areas[j].code, pstr(f, "parent_code")) == 0)
                areas[i].parent = j;
    }
    geo_problem p;
    memset(&p, 0, sizeof p);
    int rc = geo_validate(areas, n, 1.0, &p);
    if (rc != 0)
        fail_msg("geo_validate: area %d (%s) %s: %s", p.index, p.index >= 0 && p.index < n ? areas[p.index].code : "?",
                 p.property, p.message[1]);
    for (int i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    free(areas);
}

static void test_areas_pass_geo_validate_with_one_metre_tolerance(void **state)
{
    street *s = *state;
    expect_valid(&s->d);
    for (uint64_t seed = 1; seed <= 3; seed++) { /* not a lucky seed */
        demo_street d;
        assert_int_equal(demo_street_generate(seed, &d), 0);
        expect_valid(&d);
        demo_street_free(&d);
    }
}

/* ---- demo accounts ------------------------------------------------------ */

static void test_demo_accounts_are_scoped_to_places_that_exist(void **state)
{
    street *s = *state;
    int roles[TX_ROLE__COUNT] = {0};
    assert_true(demo_accounts_count >= 10);
    for (int i = 0; i < demo_accounts_count; i++) {
        const demo_account *a = &demo_accounts[i];
        tx_role role;
        assert_int_equal(tx_role_parse(a->role, &role), 0);
        roles[role]++;
        assert_true(strlen(a->password) >= 8);
        assert_non_null(a->what);
        for (const char *c = a->login; *c; c++)
            assert_true(*c > ' ' && *c < 127);
        for (int j = 0; j < i; j++)
            assert_true(strcmp(demo_accounts[j].login, a->login) != 0);
        switch (tx_role_scope_kind(role)) {
        case TX_SCOPE_NONE:
            assert_null(a->scope_code);
            break;
        case TX_SCOPE_AREA: {
            json_t *f = area(s, a->scope_code);
            assert_non_null(f);
            const char *want = role == TX_ROLE_GRID_WORKER ? "grid" : role == TX_ROLE_COMMUNITY_STAFF ? "community" : "street";
            assert_string_equal(pstr(f, "kind"), want);
            break;
        }
        case TX_SCOPE_ORG: {
            int r = find(&s->orgs, "code", a->scope_code);
            assert_true(r >= 0);
            assert_string_equal(cell(&s->orgs, r, "kind"),
                                role == TX_ROLE_DEPARTMENT_STAFF ? "district_department" : "member_unit");
            break;
        }
        }
    }
    for (int r = TX_ROLE_RESIDENT; r <= TX_ROLE_VOLUNTEER; r++)
        assert_true(roles[r] >= 1);
    /* the accounts the demo script walks through */
    for (int i = 0; i < demo_accounts_count; i++) {
        const demo_account *a = &demo_accounts[i];
        if (!strcmp(a->login, "grid.baiyun"))
            assert_string_equal(pstr(area_named(s, "御珑名苑"), "parent_code"), a->scope_code);
        if (!strcmp(a->login, "shizheng"))
            assert_string_equal(cell(&s->orgs, find(&s->orgs, "code", a->scope_code), "name"), "惠阳区市政和代建事务中心");
        if (!strcmp(a->login, "huashi"))
            assert_string_equal(cell(&s->orgs, find(&s->orgs, "code", a->scope_code), "name"), "华南师范大学附属惠阳学校");
        if (!strcmp(a->login, "xinghe"))
            assert_string_equal(pstr(area(s, a->scope_code), "name"), "星河社区");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_gives_byte_identical_documents),
        cmocka_unit_test(test_generation_takes_well_under_a_second),
        cmocka_unit_test(test_street_has_twenty_communities_including_xinghe_baiyun_binhe),
        cmocka_unit_test(test_baiyun_founded_2011_with_38000_residents_60_compounds_20_branches),
        cmocka_unit_test(test_street_has_112_compound_branches_each_under_its_community_party_organisation),
        cmocka_unit_test(test_86_part_time_members_each_represent_a_member_unit_of_their_community),
        cmocka_unit_test(test_xinghe_has_five_cadres_and_serves_xinghe_dandi_of_20000),
        cmocka_unit_test(test_xinghe_big_committee_has_the_three_member_units_of_the_article),
        cmocka_unit_test(test_member_units_of_all_five_types_appear),
        cmocka_unit_test(test_yulong_mingyuan_branch_secretary_is_liu_xuezheng),
        cmocka_unit_test(test_bandao_no1_demonstration_site_has_womens_federation_and_volunteer_team),
        cmocka_unit_test(test_municipal_works_centre_is_a_district_department_of_huiyang),
        cmocka_unit_test(test_grids_compounds_and_grid_workers_are_in_proportion),
        cmocka_unit_test(test_every_csv_row_has_the_header_column_count),
        cmocka_unit_test(test_every_reference_points_to_an_existing_earlier_code),
        cmocka_unit_test(test_people_have_obviously_fake_phones_and_party_flags),
        cmocka_unit_test(test_every_entity_says_whether_it_is_from_the_article_or_made_up),
        cmocka_unit_test(test_rings_are_closed_and_counter_clockwise),
        cmocka_unit_test(test_street_is_about_six_by_five_kilometres_around_danshui),
        cmocka_unit_test(test_communities_tile_the_street_and_grids_tile_their_community),
        cmocka_unit_test(test_compounds_keep_clear_of_their_grid_edge_leaving_public_space),
        cmocka_unit_test(test_areas_pass_geo_validate_with_one_metre_tolerance),
        cmocka_unit_test(test_demo_accounts_are_scoped_to_places_that_exist),
    };
    return cmocka_run_group_tests_name("demo/danshui", tests, setup, teardown);
}
