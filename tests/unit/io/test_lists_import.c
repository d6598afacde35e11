/* Tests for src/io/lists.c: the lists document (plans, needs, resources,
 * projects, claims, demonstration sites) checked field by field and
 * imported all-or-nothing, with the demo street's own lists
 * (data/demo-lists.json, embedded as demo_lists_json) as the real-data case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "io/lists.h"

extern const char demo_lists_json[];

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    if (j == NULL)
        fail_msg("bad JSON in test: %s (%s)", e.text, text);
    return j;
}

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
    io_lists_count n;
} import_arg;

static int import_fn(store_conn *c, void *arg, tx_err *err)
{
    import_arg *a = arg;
    return io_import_lists(c, a->doc, 1000, &a->n, err);
}

static int import(fx_db *d, const json_t *doc, io_lists_count *n, tx_err *err)
{
    import_arg a = {.doc = doc};
    tx_err_clear(err);
    int rc = store_sync(d->s, 1, import_fn, &a, err);
    if (n)
        *n = a.n;
    return rc;
}

static void test_demo_lists_import_whole_and_again(void **state)
{
    (void)state;
    fx_db d;
    open_demo(&d);
    json_t *doc = parse(demo_lists_json);
    io_lists_count n;
    tx_err err;
    if (import(&d, doc, &n, &err))
        fail_msg("demo lists refused: %s [%s]", err.msg[TX_LANG_EN], err.field);
    assert_int_equal(n.needs, (int)json_array_size(json_object_get(doc, "needs")));
    assert_int_equal(n.projects, (int)json_array_size(json_object_get(doc, "projects")));
    assert_int_equal(fx_count(&d, "need"), n.needs);
    assert_int_equal(fx_count(&d, "plan"), 3);
    /* some needs open, some matched, some met */
    assert_true(tmpdb_sync_int(d.s, "SELECT count(*) FROM need WHERE status = 'open'") > 0);
    assert_true(tmpdb_sync_int(d.s, "SELECT count(*) FROM need WHERE status = 'matched'") > 0);
    assert_true(tmpdb_sync_int(d.s, "SELECT count(*) FROM need WHERE status = 'met'") > 0);
    /* 半岛1号's demonstration project rolls up from its three sub-projects */
    assert_int_equal(tmpdb_sync_int(d.s, "SELECT count(*) FROM project WHERE parent_id = (SELECT id FROM project "
                                         "WHERE code = 'DS-BH-P02')"),
                     3);
    assert_int_equal(tmpdb_sync_int(d.s, "SELECT demonstration FROM project WHERE code = 'DS-BH-P02'"), 1);
    int64_t commitments = fx_count(&d, "project_resource"), claims = fx_count(&d, "claim"),
            milestones = fx_count(&d, "milestone");
    /* again: items updated by code, nothing added twice */
    if (import(&d, doc, &n, &err))
        fail_msg("second load refused: %s", err.msg[TX_LANG_EN]);
    assert_int_equal(fx_count(&d, "need"), n.needs);
    assert_int_equal(fx_count(&d, "project_resource"), commitments);
    assert_int_equal(fx_count(&d, "claim"), claims);
    assert_int_equal(fx_count(&d, "milestone"), milestones);
    json_decref(doc);
    fx_db_close(&d);
}

static void test_errors_name_the_element_and_field_and_nothing_is_kept(void **state)
{
    (void)state;
    fx_db d;
    open_demo(&d);
    static const struct {
        const char *doc, *field;
    } bad[] = {
        {"{\"needs\":[{\"community_code\":\"DS-XH\",\"title\":\"a\",\"kind\":\"venue\"},"
         "{\"community_code\":\"DS-XH\",\"title\":\"b\",\"kind\":\"money\"}]}",
         "needs[1].kind"},
        {"{\"needs\":[{\"community_code\":\"DS-XH\",\"title\":\"a\",\"kind\":\"venue\",\"quantity\":-2}]}",
         "needs[0].quantity"},
        {"{\"needs\":[{\"community_code\":\"NOPE\",\"title\":\"a\",\"kind\":\"venue\"}]}", "needs[0].community_code"},
        {"{\"resources\":[{\"community_code\":\"DS-XH\",\"title\":\"a\",\"kind\":\"venue\",\"quantity\":1,"
         "\"available_from\":\"2026-02-30\"}]}",
         "resources[0].available_from"},
        {"{\"resources\":[{\"community_code\":\"DS-XH\",\"title\":\"a\",\"kind\":\"venue\"}]}", "resources[0].quantity"},
        {"{\"resources\":[{\"code\":\"R\",\"community_code\":\"DS-XH\",\"title\":\"a\",\"kind\":\"venue\",\"quantity\":1}],"
         "\"projects\":[{\"community_code\":\"DS-XH\",\"title\":\"p\",\"commitments\":[{\"resource_code\":\"R\","
         "\"quantity\":2}]}]}",
         "projects[0].commitments[0].quantity"},
        {"{\"projects\":[{\"community_code\":\"DS-XH\",\"title\":\"p\",\"milestones\":[{\"title\":\"m\","
         "\"progress\":101}]}]}",
         "projects[0].milestones[0].progress"},
        {"{\"projects\":[{\"community_code\":\"DS-XH\",\"title\":\"p\",\"need_codes\":[\"NONE\"]}]}",
         "projects[0].need_codes"},
        {"{\"claims\":[{\"need_code\":\"NONE\",\"org_code\":\"DS-XH-MU01\"}]}", "claims[0].need_code"},
        {"{\"plans\":[{\"community_code\":\"DS-XH\",\"year\":2026,\"title\":\"p\",\"goals\":[{\"weight\":1}]}]}",
         "plans[0].goals[0].title"},
        {"{\"demonstration_sites\":[{\"area_code\":\"NOPE\"}]}", "demonstration_sites[0].area_code"},
        {"{\"needs\":[{\"community_code\":\"DS-XH\",\"title\":\"a\",\"kind\":\"venue\",\"colour\":\"red\"}]}",
         "needs[0].colour"},
        {"{\"lists\":[]}", "lists"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *doc = parse(bad[i].doc);
        tx_err err;
        if (import(&d, doc, NULL, &err) == 0)
            fail_msg("accepted: %s", bad[i].doc);
        assert_int_equal(err.status, strstr(bad[i].field, "commitments") ? 409 : 400);
        if (strcmp(err.field, bad[i].field) != 0)
            fail_msg("%s: field '%s', want '%s' (%s)", bad[i].doc, err.field, bad[i].field, err.msg[TX_LANG_EN]);
        json_decref(doc);
        assert_int_equal(fx_count(&d, "need"), 0);
        assert_int_equal(fx_count(&d, "resource"), 0);
        assert_int_equal(fx_count(&d, "project"), 0);
    }
    fx_db_close(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_lists_import_whole_and_again),
        cmocka_unit_test(test_errors_name_the_element_and_field_and_nothing_is_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
