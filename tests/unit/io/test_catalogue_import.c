/* Tests for src/io/catalogue.c: the catalogue document (categories and
 * routing rules) checked field by field and imported all-or-nothing, with
 * the demo street's own catalogue (data/demo-catalogue.json, read from the
 * repository root where scripts/run-unit runs the tests) as the real-data
 * case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#define DEMO_CATALOGUE "data/demo-catalogue.json"

/* ---- helpers ---- */

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (j == NULL)
        fail_msg("bad JSON in test: %s (%s)", e.text, text);
    return j;
}

static json_t *demo_catalogue(void)
{
    json_error_t e;
    json_t *doc = json_load_file(DEMO_CATALOGUE, 0, &e);
    if (doc == NULL)
        fail_msg("cannot read %s (run from the repository root): %s", DEMO_CATALOGUE, e.text);
    return doc;
}

/* A database with the demo street (areas, organisations, people). */
static void open_demo(fx_db *d)
{
    fx_db_open(d);
    demo_street st;
    assert_int_equal(demo_street_generate(1, &st), 0);
    fx_load_demo(d, &st);
    demo_street_free(&st);
}

typedef struct {
    const json_t *doc;
    int categories, rules;
} import_arg;

static int import_fn(store_conn *c, void *arg, tx_err *err)
{
    import_arg *a = arg;
    a->categories = a->rules = -1;
    return io_import_catalogue(c, a->doc, &a->categories, &a->rules, err);
}

/* io_import_catalogue in one write transaction (rolled back when it fails). */
static int import(fx_db *d, const json_t *doc, int *categories, int *rules, tx_err *err)
{
    import_arg a = {doc, -1, -1};
    tx_err_clear(err);
    int rc = store_sync(d->s, 1, import_fn, &a, err);
    if (categories)
        *categories = a.categories;
    if (rules)
        *rules = a.rules;
    return rc;
}

typedef struct {
    int which; /* 0 categories (with inactive), 1 rules */
    json_t *out;
} read_arg;

static int read_fn(store_conn *c, void *arg, tx_err *err)
{
    read_arg *a = arg;
    return a->which ? store_rule_list(c, &a->out, err) : store_category_list(c, 1, &a->out, err);
}

static json_t *read_back(fx_db *d, int which)
{
    read_arg a = {which, NULL};
    tx_err err;
    tx_err_clear(&err);
    if (store_sync(d->s, 0, read_fn, &a, &err))
        fail_msg("read back: %s", err.msg[TX_LANG_EN]);
    return a.out;
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* An import that must be refused naming field (status 400), leaving no
 * category and no rule behind. */
static void expect_import_refused(fx_db *d, json_t *doc, const char *field, const char *code)
{
    tx_err err;
    int64_t cats_before = fx_count(d, "category"), rules_before = fx_count(d, "route_rule");
    assert_int_equal(import(d, doc, NULL, NULL, &err), -1);
    if (err.status != 400 || strcmp(err.field, field) != 0 || (code && strcmp(err.code, code) != 0))
        fail_msg("refused with %d %s [%s], want 400 %s [%s]: %s", err.status, err.code ? err.code : "-", err.field,
                 code ? code : "*", field, err.msg[TX_LANG_EN]);
    assert_int_equal(fx_count(d, "category"), cats_before);
    assert_int_equal(fx_count(d, "route_rule"), rules_before);
}

/* ---- the demo catalogue --------------------------------------------------- */

static void test_the_demo_catalogue_imports_13_categories_and_18_rules(void **state)
{
    (void)state;
    fx_db d;
    open_demo(&d);
    json_t *doc = demo_catalogue();
    int cats = -1, rules = -1;
    tx_err err;
    if (import(&d, doc, &cats, &rules, &err))
        fail_msg("demo catalogue refused: %s [%s]", err.msg[TX_LANG_EN], err.field);
    assert_int_equal(cats, 13);
    assert_int_equal(rules, 18);
    assert_int_equal(fx_count(&d, "category"), 13);
    assert_int_equal(fx_count(&d, "route_rule"), 18);

    /* every category as the file says, listed by its sort order */
    json_t *listed = read_back(&d, 0);
    json_t *want_cats = json_object_get(doc, "categories");
    assert_int_equal(json_array_size(listed), 13);
    size_t i;
    json_t *w;
    json_array_foreach(want_cats, i, w)
    {
        json_t *got = json_array_get(listed, i);
        assert_string_equal(str(got, "code"), str(w, "code"));
        assert_string_equal(str(got, "name"), str(w, "name"));
        assert_string_equal(str(got, "name_en"), str(w, "name_en"));
        assert_string_equal(str(got, "group"), str(w, "group"));
        assert_string_equal(str(got, "group_en"), str(w, "group_en"));
        static const char *const which[] = {"accept", "contact", "resolve"};
        for (int k = 0; k < 3; k++) {
            json_t *gd = json_object_get(json_object_get(got, "deadlines"), which[k]);
            json_t *wd = json_object_get(json_object_get(w, "deadlines"), which[k]);
            assert_string_equal(str(gd, "kind"), str(wd, "kind"));
            assert_int_equal(json_integer_value(json_object_get(gd, "n")),
                             json_integer_value(json_object_get(wd, "n")));
        }
        json_t *attrs = json_object_get(w, "attributes");
        if (attrs)
            assert_true(json_equal(json_object_get(got, "attributes"), attrs));
        else
            assert_true(json_is_null(json_object_get(got, "attributes")));
    }
    json_decref(listed);

    /* every rule as the file says, in the file's order, with the named
     * department resolved to the demo street's organisation */
    json_t *got_rules = read_back(&d, 1);
    json_t *want_rules = json_object_get(doc, "rules");
    assert_int_equal(json_array_size(got_rules), 18);
    json_int_t last_id = 0;
    json_array_foreach(want_rules, i, w)
    {
        json_t *got = json_array_get(got_rules, i);
        assert_true(json_integer_value(json_object_get(got, "id")) > last_id);
        last_id = json_integer_value(json_object_get(got, "id"));
        assert_string_equal(str(got, "service_code"), str(w, "service_code"));
        assert_string_equal(str(got, "place"), str(w, "place") ? str(w, "place") : "any");
        assert_string_equal(str(got, "handler"), str(w, "handler"));
        assert_string_equal(str(got, "tier"), str(w, "tier"));
        assert_string_equal(str(got, "note"), str(w, "note"));
        assert_string_equal(str(got, "note_en"), str(w, "note_en"));
        json_t *org = json_object_get(got, "org");
        if (str(w, "org"))
            assert_string_equal(str(org, "code"), str(w, "org"));
        else
            assert_true(json_is_null(org));
        assert_true(json_is_null(json_object_get(got, "area")));
    }
    /* the 御珑名苑 rule: public sewer → 惠阳区市政和代建事务中心 */
    json_t *sewer = json_array_get(got_rules, 3);
    assert_string_equal(str(sewer, "service_code"), "sewage");
    assert_string_equal(str(sewer, "place"), "outside");
    assert_string_equal(str(json_object_get(sewer, "org"), "name"), "惠阳区市政和代建事务中心");
    json_decref(got_rules);
    json_decref(doc);
    fx_db_close(&d);
}

static void test_importing_again_replaces_categories_and_adds_rules(void **state)
{
    (void)state;
    fx_db d;
    open_demo(&d);
    json_t *doc = demo_catalogue();
    tx_err err;
    int cats, rules;
    assert_int_equal(import(&d, doc, &cats, &rules, &err), 0);
    /* a changed name in the second import replaces the first */
    json_object_set_new(json_array_get(json_object_get(doc, "categories"), 0), "name", json_string("垃圾清运"));
    assert_int_equal(import(&d, doc, &cats, &rules, &err), 0);
    assert_int_equal(cats, 13);
    assert_int_equal(rules, 18);
    assert_int_equal(fx_count(&d, "category"), 13);
    assert_int_equal(fx_count(&d, "route_rule"), 36);
    assert_int_equal(
        tmpdb_sync_int(d.s, "SELECT count(*) FROM category WHERE code = 'sanitation' AND name = '垃圾清运'"), 1);
    /* a document of categories only */
    json_object_del(doc, "rules");
    assert_int_equal(import(&d, doc, &cats, &rules, &err), 0);
    assert_int_equal(cats, 13);
    assert_int_equal(rules, 0);
    assert_int_equal(fx_count(&d, "route_rule"), 36);
    json_decref(doc);
    fx_db_close(&d);
}

/* ---- all or nothing ---------------------------------------------------------- */

static void test_a_rule_naming_an_unknown_department_leaves_nothing_behind(void **state)
{
    (void)state;
    /* the demo catalogue into a database without the demo street: the
     * first rule naming a department (rules[3], HY-SZDJ) cannot be added */
    fx_db d;
    fx_db_open(&d);
    json_t *doc = demo_catalogue();
    expect_import_refused(&d, doc, "rules[3].org", "unknown_code");
    assert_int_equal(fx_count(&d, "category"), 0);
    json_decref(doc);
    fx_db_close(&d);
}

static void test_a_bad_rule_after_good_categories_leaves_no_category(void **state)
{
    (void)state;
    fx_db d;
    open_demo(&d);
    json_t *doc = demo_catalogue();
    json_t *bad = json_array_get(json_object_get(doc, "rules"), 17);
    json_object_set_new(bad, "place", json_string("nearby"));
    expect_import_refused(&d, doc, "rules[17].place", "invalid_field");
    /* an unknown category, an unknown area in a rule */
    json_object_set_new(bad, "place", json_string("any"));
    json_object_set_new(bad, "service_code", json_string("pothole"));
    expect_import_refused(&d, doc, "rules[17].service_code", "unknown_code");
    json_object_set_new(bad, "service_code", json_string("epidemic"));
    json_object_set_new(bad, "area", json_string("DS-NOWHERE"));
    expect_import_refused(&d, doc, "rules[17].area", "unknown_code");
    /* a category's own error at index 2 */
    json_object_del(bad, "area");
    json_t *cat2 = json_array_get(json_object_get(doc, "categories"), 2);
    json_object_set_new(json_object_get(cat2, "deadlines"), "resolve", parse("{\"kind\": \"weeks\", \"n\": 1}"));
    expect_import_refused(&d, doc, "categories[2].deadlines.resolve", "invalid_field");
    assert_int_equal(fx_count(&d, "category"), 0);
    assert_int_equal(fx_count(&d, "route_rule"), 0);
    /* repaired, it all goes in */
    json_object_set_new(json_object_get(cat2, "deadlines"), "resolve", parse("{\"kind\": \"working_days\", \"n\": 5}"));
    tx_err err;
    int cats, rules;
    assert_int_equal(import(&d, doc, &cats, &rules, &err), 0);
    assert_int_equal(fx_count(&d, "category"), 13);
    assert_int_equal(fx_count(&d, "route_rule"), 18);
    json_decref(doc);
    fx_db_close(&d);
}

static void test_a_document_of_the_wrong_shape_is_refused(void **state)
{
    (void)state;
    fx_db d;
    fx_db_open(&d);
    static const char *const bad[] = {
        "[]", "{}", "{\"categories\": {}}", "{\"categories\": [], \"rules\": {}}", "{\"rules\": []}", "\"catalogue\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *doc = json_loads(bad[i], JSON_DECODE_ANY, NULL);
        assert_non_null(doc);
        expect_import_refused(&d, doc, "categories", "invalid_field");
        json_decref(doc);
    }
    /* empty is fine */
    json_t *doc = parse("{\"categories\": [], \"rules\": []}");
    tx_err err;
    int cats = -1, rules = -1;
    assert_int_equal(import(&d, doc, &cats, &rules, &err), 0);
    assert_int_equal(cats, 0);
    assert_int_equal(rules, 0);
    json_decref(doc);
    fx_db_close(&d);
}

/* ---- io_check_category ---------------------------------------------------------- */

static const char valid_category[] =
    "{\"code\": \"sewage\", \"name\": \"污水与排水\", \"name_en\": \"Sewage and drainage\", \"group\": \"市政设施\", "
    "\"group_en\": \"Public works\", \"description\": \"污水外溢\", \"description_en\": \"Overflowing sewers\", "
    "\"keywords\": \"污水,sewer\", \"attributes\": [{\"code\": \"smell\", \"datatype\": \"singlevaluelist\", "
    "\"description\": \"有无异味\", \"values\": [{\"key\": \"y\", \"name\": \"有\"}]}, {\"code\": \"depth\", "
    "\"datatype\": \"number\", \"description\": \"积水深度\"}], \"deadlines\": {\"accept\": {\"kind\": "
    "\"working_hours\", \"n\": 1}, \"contact\": {\"kind\": \"hours\", \"n\": 2}, \"resolve\": {\"kind\": "
    "\"working_days\", \"n\": 5}}, \"remind_hours\": 4, \"duplicate_radius_m\": 100, \"active\": true, \"sort\": 20}";

/* valid_category with key set to value (JSON text; NULL deletes it); check
 * it (create as given) and expect field named with prefix, or success. */
static void check_cat(const char *key, const char *value, int create, const char *prefix, const char *field,
                      const char *code)
{
    json_t *in = parse(valid_category);
    if (key) {
        if (value)
            json_object_set_new(in, key, json_loads(value, JSON_DECODE_ANY, NULL));
        else
            json_object_del(in, key);
    }
    tx_err err;
    tx_err_clear(&err);
    int rc = io_check_category(in, create, prefix, &err);
    json_decref(in);
    if (field == NULL) {
        if (rc != 0)
            fail_msg("%s = %s refused: %s [%s]", key ? key : "-", value ? value : "(absent)", err.msg[TX_LANG_EN],
                     err.field);
        return;
    }
    if (rc != -1 || err.status != 400 || strcmp(err.field, field) != 0 || (code && strcmp(err.code, code) != 0))
        fail_msg("%s = %s: got rc %d, %d %s [%s]; want 400 %s [%s]", key ? key : "-", value ? value : "(absent)", rc,
                 err.status, err.code ? err.code : "-", err.field, code ? code : "*", field);
}

static char *repeat(const char *unit, int n)
{
    size_t len = strlen(unit);
    char *s = malloc(len * (size_t)n + 3);
    assert_non_null(s);
    s[0] = '"';
    for (int i = 0; i < n; i++)
        memcpy(s + 1 + len * (size_t)i, unit, len);
    s[1 + len * (size_t)n] = '"';
    s[2 + len * (size_t)n] = '\0';
    return s;
}

static void test_check_category_accepts_a_whole_category_and_the_demo_ones(void **state)
{
    (void)state;
    check_cat(NULL, NULL, 1, "categories[2].", NULL, NULL);
    /* optional fields may be left out (and all but deadlines be null) */
    static const char *const optional[] = {"description",  "description_en",     "keywords", "attributes",
                                           "remind_hours", "duplicate_radius_m", "active",   "sort"};
    for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++) {
        check_cat(optional[i], NULL, 1, "", NULL, NULL);
        check_cat(optional[i], "null", 1, "", NULL, NULL);
    }
    check_cat("deadlines", NULL, 1, "", NULL, NULL);
    check_cat("deadlines", "{}", 1, "", NULL, NULL);
    /* an update needs neither code nor names */
    static const char *const required[] = {"code", "name", "name_en", "group", "group_en"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        check_cat(required[i], NULL, 0, "", NULL, NULL);
    /* the limits themselves are allowed */
    char *name60 = repeat("污", 60);
    check_cat("name", name60, 1, "", NULL, NULL);
    free(name60);
    check_cat("remind_hours", "720", 1, "", NULL, NULL);
    check_cat("remind_hours", "0", 1, "", NULL, NULL);
    check_cat("duplicate_radius_m", "5000", 1, "", NULL, NULL);
    check_cat("sort", "-100000", 1, "", NULL, NULL);
    check_cat("active", "0", 1, "", NULL, NULL);
    check_cat("active", "false", 1, "", NULL, NULL);
    check_cat("deadlines", "{\"resolve\": {\"kind\": \"minutes\", \"n\": 10000}}", 1, "", NULL, NULL);
    json_t *doc = demo_catalogue();
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(doc, "categories"), i, c)
    {
        tx_err err;
        tx_err_clear(&err);
        if (io_check_category(c, 1, "categories[0].", &err))
            fail_msg("demo category %zu refused: %s [%s]", i, err.msg[TX_LANG_EN], err.field);
    }
    json_decref(doc);
}

static void test_check_category_names_the_field_with_its_prefix(void **state)
{
    (void)state;
    const char *p = "categories[2].";
    check_cat("colour", "\"red\"", 1, p, "categories[2].colour", "unknown_field");
    check_cat("code", NULL, 1, p, "categories[2].code", "missing_field");
    check_cat("code", "\"污水\"", 1, p, "categories[2].code", "invalid_field");
    check_cat("code", "\"a b\"", 1, p, "categories[2].code", "invalid_field");
    check_cat("code", "17", 1, p, "categories[2].code", "invalid_field");
    check_cat("name", NULL, 1, p, "categories[2].name", "missing_field");
    check_cat("name", "null", 1, p, "categories[2].name", "missing_field");
    char *name61 = repeat("污", 61);
    check_cat("name", name61, 1, p, "categories[2].name", "invalid_field");
    check_cat("name", name61, 0, p, "categories[2].name", "invalid_field");
    free(name61);
    check_cat("name_en", "42", 1, p, "categories[2].name_en", "invalid_field");
    check_cat("name_en", NULL, 1, p, "categories[2].name_en", "missing_field");
    check_cat("group", NULL, 1, p, "categories[2].group", "missing_field");
    check_cat("group_en", NULL, 1, p, "categories[2].group_en", "missing_field");
    check_cat("group", "[\"市政\"]", 1, p, "categories[2].group", "invalid_field");
    check_cat("description", "\"坏\\u0001字符\"", 1, p, "categories[2].description", "invalid_field");
    char *long2001 = repeat("x", 2001);
    check_cat("description_en", long2001, 1, p, "categories[2].description_en", "invalid_field");
    free(long2001);
    char *long301 = repeat("k", 301);
    check_cat("keywords", long301, 1, p, "categories[2].keywords", "invalid_field");
    free(long301);
    check_cat("remind_hours", "721", 1, p, "categories[2].remind_hours", "invalid_field");
    check_cat("remind_hours", "-1", 1, p, "categories[2].remind_hours", "invalid_field");
    check_cat("remind_hours", "\"4\"", 1, p, "categories[2].remind_hours", "invalid_field");
    check_cat("remind_hours", "4.5", 1, p, "categories[2].remind_hours", "invalid_field");
    check_cat("duplicate_radius_m", "5001", 1, p, "categories[2].duplicate_radius_m", "invalid_field");
    check_cat("active", "2", 1, p, "categories[2].active", "invalid_field");
    check_cat("active", "\"yes\"", 1, p, "categories[2].active", "invalid_field");
    check_cat("sort", "100001", 1, p, "categories[2].sort", "invalid_field");
    check_cat("sort", "true", 1, p, "categories[2].sort", "invalid_field");
    check_cat("attributes", "{}", 1, p, "categories[2].attributes", "invalid_field");
    check_cat("attributes",
              "[{\"code\": \"a\", \"datatype\": \"string\", \"description\": \"d\"}, "
              "{\"datatype\": \"string\", \"description\": \"d\"}]",
              1, p, "categories[2].attributes[1]", "invalid_field");
    check_cat("attributes", "[{\"code\": \"a\", \"datatype\": \"colour\", \"description\": \"d\"}]", 1, p,
              "categories[2].attributes[0]", "invalid_field");
    check_cat("attributes", "[{\"code\": \"a\", \"datatype\": \"string\"}]", 1, p, "categories[2].attributes[0]",
              "invalid_field");
    check_cat("attributes", "[{\"code\": \"a\", \"datatype\": \"multivaluelist\", \"description\": \"d\"}]", 1, p,
              "categories[2].attributes[0]", "invalid_field");
    check_cat("attributes",
              "[{\"code\": \"a\", \"datatype\": \"singlevaluelist\", \"description\": \"d\", \"values\": []}]", 1, p,
              "categories[2].attributes[0]", "invalid_field");
    check_cat("attributes",
              "[{\"code\": \"a\", \"datatype\": \"string\", \"description\": \"d\"}, {\"code\": \"b\", \"datatype\": "
              "\"singlevaluelist\", \"description\": \"d\", \"values\": [{\"key\": \"k\"}]}]",
              1, p, "categories[2].attributes[1]", "invalid_field");
    check_cat("attributes", "[\"smell\"]", 1, p, "categories[2].attributes[0]", "invalid_field");
    /* 51 attributes */
    json_t *many = json_array();
    for (int i = 0; i < 51; i++)
        json_array_append_new(many,
                              json_pack("{s:s, s:s, s:s}", "code", "a", "datatype", "string", "description", "d"));
    char *many_text = json_dumps(many, JSON_COMPACT);
    json_decref(many);
    check_cat("attributes", many_text, 1, p, "categories[2].attributes", "invalid_field");
    free(many_text);
    check_cat("deadlines", "[]", 1, p, "categories[2].deadlines", "invalid_field");
    check_cat("deadlines", "{\"resolve\": {\"kind\": \"weeks\", \"n\": 1}}", 1, p, "categories[2].deadlines.resolve",
              "invalid_field");
    check_cat("deadlines", "{\"resolve\": {\"kind\": \"working_days\", \"n\": 0}}", 1, p,
              "categories[2].deadlines.resolve", "invalid_field");
    check_cat("deadlines", "{\"resolve\": {\"kind\": \"working_days\", \"n\": 10001}}", 1, p,
              "categories[2].deadlines.resolve", "invalid_field");
    check_cat("deadlines", "{\"resolve\": {\"kind\": \"working_days\", \"n\": \"5\"}}", 1, p,
              "categories[2].deadlines.resolve", "invalid_field");
    check_cat("deadlines", "{\"resolve\": {\"kind\": \"working_days\"}}", 1, p, "categories[2].deadlines.resolve",
              "invalid_field");
    check_cat("deadlines", "{\"resolve\": {\"n\": 5}}", 1, p, "categories[2].deadlines.resolve", "invalid_field");
    check_cat("deadlines", "{\"accept\": null}", 1, p, "categories[2].deadlines.accept", "invalid_field");
    check_cat("deadlines", "{\"contact\": \"2h\"}", 1, p, "categories[2].deadlines.contact", "invalid_field");
    /* without a prefix (the API), the bare field */
    check_cat("deadlines", "{\"resolve\": {\"kind\": \"weeks\", \"n\": 1}}", 1, "", "deadlines.resolve",
              "invalid_field");
    check_cat("code", NULL, 1, "", "code", "missing_field");
}

static void test_check_category_of_a_non_object_names_the_element(void **state)
{
    (void)state;
    static const char *const bad[] = {"[]", "\"sewage\"", "3", "null"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *in = json_loads(bad[i], JSON_DECODE_ANY, NULL);
        tx_err err, bare;
        tx_err_clear(&err);
        tx_err_clear(&bare);
        int rc = io_check_category(in, 1, "categories[2].", &err);
        int rc_bare = io_check_category(in, 1, "", &bare);
        json_decref(in);
        assert_int_equal(rc, -1);
        assert_int_equal(err.status, 400);
        /* the element itself, as the import's errors name it */
        assert_string_equal(err.field, "categories[2]");
        assert_int_equal(rc_bare, -1);
        assert_string_equal(bare.field, "body");
    }
}

/* ---- io_parse_rule ---------------------------------------------------------------- */

static void parse_rule(const char *text, const char *field, const char *code)
{
    json_t *in = parse(text);
    store_rule_in r;
    tx_err err;
    tx_err_clear(&err);
    int rc = io_parse_rule(in, "rules[5].", &r, &err);
    json_decref(in);
    if (rc != -1 || err.status != 400 || strcmp(err.field, field) != 0 || (code && strcmp(err.code, code) != 0))
        fail_msg("%s: got rc %d, %d %s [%s]; want 400 %s [%s]", text, rc, err.status, err.code ? err.code : "-",
                 err.field, code ? code : "*", field);
}

static void test_parse_rule_reads_every_field(void **state)
{
    (void)state;
    json_t *in = parse("{\"service_code\": \"sewage\", \"place\": \"outside\", \"area\": \"DS-BY\", \"handler\": "
                       "\"department\", \"org\": \"HY-SZDJ\", \"tier\": \"community\", \"note\": \"公共污水管网\", "
                       "\"note_en\": \"public sewer\"}");
    store_rule_in r;
    memset(&r, 0x5A, sizeof r);
    tx_err err;
    tx_err_clear(&err);
    assert_int_equal(io_parse_rule(in, "rules[5].", &r, &err), 0);
    assert_string_equal(r.category_code, "sewage");
    assert_int_equal(r.where, TX_WHERE_OUTSIDE);
    assert_string_equal(r.area_code, "DS-BY");
    assert_int_equal(r.handler, TX_HANDLER_DEPARTMENT);
    assert_string_equal(r.org_code, "HY-SZDJ");
    assert_int_equal(r.tier, TX_TIER_COMMUNITY);
    assert_string_equal(r.note, "公共污水管网");
    assert_string_equal(r.note_en, "public sewer");
    json_decref(in);
    /* the least: any category, any place, anywhere, no notes */
    in = parse("{\"handler\": \"grid_worker\", \"tier\": \"grid\", \"service_code\": null, \"area\": null}");
    memset(&r, 0x5A, sizeof r);
    assert_int_equal(io_parse_rule(in, "rules[5].", &r, &err), 0);
    assert_null(r.category_code);
    assert_int_equal(r.where, TX_WHERE_ANY);
    assert_null(r.area_code);
    assert_null(r.org_code);
    assert_null(r.note);
    assert_null(r.note_en);
    assert_int_equal(r.handler, TX_HANDLER_GRID_WORKER);
    assert_int_equal(r.tier, TX_TIER_GRID);
    json_decref(in);
    /* a property company inside (or anywhere) is fine; so is every demo rule */
    in = parse("{\"place\": \"inside\", \"handler\": \"property_company\", \"tier\": \"grid\"}");
    assert_int_equal(io_parse_rule(in, "", &r, &err), 0);
    assert_int_equal(r.handler, TX_HANDLER_PROPERTY_COMPANY);
    json_decref(in);
    json_t *doc = demo_catalogue();
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(doc, "rules"), i, v)
    {
        if (io_parse_rule(v, "rules[0].", &r, &err))
            fail_msg("demo rule %zu refused: %s [%s]", i, err.msg[TX_LANG_EN], err.field);
    }
    json_decref(doc);
}

static void test_parse_rule_names_the_field_with_its_prefix(void **state)
{
    (void)state;
    parse_rule("{\"handler\": \"grid_worker\", \"tier\": \"grid\", \"colour\": \"red\"}", "rules[5].colour",
               "unknown_field");
    parse_rule("{\"handler\": \"grid_worker\", \"tier\": \"grid\", \"place\": 1}", "rules[5].place", "invalid_field");
    parse_rule("{\"handler\": \"grid_worker\", \"tier\": \"grid\", \"service_code\": [\"a\"]}", "rules[5].service_code",
               "invalid_field");
    parse_rule("{\"handler\": \"grid_worker\", \"tier\": \"grid\", \"place\": \"nearby\"}", "rules[5].place",
               "invalid_field");
    parse_rule("{\"handler\": \"grid_worker\", \"tier\": \"grid\", \"place\": \"Inside\"}", "rules[5].place",
               "invalid_field");
    parse_rule("{\"tier\": \"grid\"}", "rules[5].handler", "missing_field");
    parse_rule("{\"handler\": null, \"tier\": \"grid\"}", "rules[5].handler", "missing_field");
    parse_rule("{\"handler\": \"none\", \"tier\": \"grid\"}", "rules[5].handler", "invalid_field");
    parse_rule("{\"handler\": \"police\", \"tier\": \"grid\"}", "rules[5].handler", "invalid_field");
    parse_rule("{\"handler\": \"grid_worker\"}", "rules[5].tier", "missing_field");
    parse_rule("{\"handler\": \"grid_worker\", \"tier\": \"district\"}", "rules[5].tier", "invalid_field");
    parse_rule("{\"handler\": \"department\", \"tier\": \"community\"}", "rules[5].org", "invalid_field");
    parse_rule("{\"handler\": \"grid_worker\", \"tier\": \"grid\", \"org\": \"HY-SZDJ\"}", "rules[5].org",
               "invalid_field");
    parse_rule("{\"handler\": \"property_company\", \"tier\": \"grid\", \"place\": \"outside\"}", "rules[5].place",
               "invalid_field");
    char note[700], text[800];
    size_t len = 0;
    for (int i = 0; i < 201; i++) {
        memcpy(note + len, "管", 3);
        len += 3;
    }
    note[len] = '\0';
    snprintf(text, sizeof text, "{\"handler\": \"grid_worker\", \"tier\": \"grid\", \"note\": \"%s\"}", note);
    parse_rule(text, "rules[5].note", "invalid_field");
    snprintf(text, sizeof text, "{\"handler\": \"grid_worker\", \"tier\": \"grid\", \"note_en\": \"%s\"}", note);
    parse_rule(text, "rules[5].note_en", "invalid_field");
    parse_rule("{\"handler\": \"grid_worker\", \"tier\": \"grid\", \"note\": \"a\\u0007b\"}", "rules[5].note",
               "invalid_field");
    /* 200 characters are allowed */
    note[200 * 3] = '\0';
    snprintf(text, sizeof text, "{\"handler\": \"grid_worker\", \"tier\": \"grid\", \"note\": \"%s\"}", note);
    json_t *in = parse(text);
    store_rule_in r;
    tx_err err;
    assert_int_equal(io_parse_rule(in, "rules[5].", &r, &err), 0);
    json_decref(in);
}

static void test_parse_rule_of_a_non_object_names_the_element(void **state)
{
    (void)state;
    json_t *in = json_loads("\"grid_worker\"", JSON_DECODE_ANY, NULL);
    store_rule_in r;
    tx_err err, bare;
    tx_err_clear(&err);
    tx_err_clear(&bare);
    int rc = io_parse_rule(in, "rules[5].", &r, &err);
    int rc_bare = io_parse_rule(in, "", &r, &bare);
    json_decref(in);
    assert_int_equal(rc, -1);
    assert_int_equal(err.status, 400);
    assert_string_equal(err.field, "rules[5]");
    assert_int_equal(rc_bare, -1);
    assert_string_equal(bare.field, "body");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_demo_catalogue_imports_13_categories_and_18_rules),
        cmocka_unit_test(test_importing_again_replaces_categories_and_adds_rules),
        cmocka_unit_test(test_a_rule_naming_an_unknown_department_leaves_nothing_behind),
        cmocka_unit_test(test_a_bad_rule_after_good_categories_leaves_no_category),
        cmocka_unit_test(test_a_document_of_the_wrong_shape_is_refused),
        cmocka_unit_test(test_check_category_accepts_a_whole_category_and_the_demo_ones),
        cmocka_unit_test(test_check_category_names_the_field_with_its_prefix),
        cmocka_unit_test(test_check_category_of_a_non_object_names_the_element),
        cmocka_unit_test(test_parse_rule_reads_every_field),
        cmocka_unit_test(test_parse_rule_names_the_field_with_its_prefix),
        cmocka_unit_test(test_parse_rule_of_a_non_object_names_the_element),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
