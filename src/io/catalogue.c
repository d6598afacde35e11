/* io/catalogue: case categories (Open311 services) and routing rules as a
 * JSON document — {"categories": [...], "rules": [...]} with the API's
 * field names — checked field by field and imported all-or-nothing. The
 * demo street's catalogue (data/demo-catalogue.json) is one. */
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"
#include "io/io.h"

static int invalid(tx_err *err, const char *field, const char *zh, const char *en)
{
    return tx_err_set_reason(err, 400, "invalid_field", field, M_FIELD_INVALID, 0, 0, field, zh, en);
}

static int check_str(const json_t *o, const char *key, int required, size_t max, const char *prefix, tx_err *err)
{
    /* names, groups, keywords and notes are one line; descriptions may have several */
    int multiline = strncmp(key, "description", 11) == 0;
    char field[96];
    snprintf(field, sizeof field, "%s%s", prefix, key);
    const json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        if (required)
            return tx_err_set(err, 400, "missing_field", field, M_FIELD_REQUIRED, field);
        return 0;
    }
    if (!json_is_string(v) || !io_valid_text(json_string_value(v), max, multiline))
        return invalid(err, field, multiline ? "必须是不含控制字符的文本" : "必须是不含换行和控制字符的一行文本",
                       multiline ? "must be text without control characters" : "must be one line of text without control characters");
    return 0;
}

static int check_int(const json_t *o, const char *key, int64_t min, int64_t max, const char *prefix, tx_err *err)
{
    const json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v))
        return 0;
    if (json_is_boolean(v) && min == 0 && max == 1)
        return 0;
    char field[96];
    snprintf(field, sizeof field, "%s%s", prefix, key);
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return invalid(err, field, "超出允许范围的整数", "is not an integer in the allowed range");
    return 0;
}

static int check_duration(const json_t *dl, const char *which, const char *prefix, tx_err *err)
{
    const json_t *d = json_object_get(dl, which);
    if (d == NULL)
        return 0;
    char field[96];
    snprintf(field, sizeof field, "%sdeadlines.%s", prefix, which);
    tx_dur_kind k;
    const json_t *n = json_object_get(d, "n");
    if (!json_is_object(d) || tx_dur_kind_parse(json_string_value(json_object_get(d, "kind")), &k) ||
        !json_is_integer(n) || json_integer_value(n) < 1 || json_integer_value(n) > TX_CAL_MAX_DURATION)
        return invalid(err, field, "须为 {kind: hours|minutes|working_days|working_hours, n: 1–10000}",
                       "must be {kind: hours|minutes|working_days|working_hours, n: 1–10000}");
    return 0;
}

/* The element itself, for an error about it as a whole: the prefix without
 * its trailing dot ("categories[2]"), or "body" at the top level. */
static const char *element(const char *prefix, char *buf, size_t n)
{
    size_t len = strlen(prefix);
    if (len == 0)
        return "body";
    snprintf(buf, n, "%.*s", (int)(len - (prefix[len - 1] == '.')), prefix);
    return buf;
}

/* in is an object with no field outside the NULL-terminated list. */
static int object_of(const json_t *in, const char *const *fields, const char *prefix, tx_err *err)
{
    char field[96];
    const char *key;
    json_t *v;
    if (!json_is_object(in))
        return invalid(err, element(prefix, field, sizeof field), "必须是对象", "must be an object");
    json_object_foreach((json_t *)in, key, v)
    {
        int known = 0;
        for (int i = 0; fields[i]; i++)
            known |= strcmp(fields[i], key) == 0;
        if (!known) {
            snprintf(field, sizeof field, "%s%s", prefix, key);
            /* The unknown key is the sender's and may be cut inside a
             * character: the message it goes into must stay UTF-8. */
            tx_utf8_trim(field);
            return tx_err_set(err, 400, "unknown_field", field, M_FIELD_UNKNOWN, field);
        }
    }
    return 0;
}

/* Open311 service definition attributes: the six datatypes; the two list
 * types carry their values. */
static int check_attributes(const json_t *attrs, const char *prefix, tx_err *err)
{
    static const char *const types[] = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist",
                                        NULL};
    char field[96];
    snprintf(field, sizeof field, "%sattributes", prefix);
    if (attrs == NULL || json_is_null(attrs))
        return 0;
    if (!json_is_array(attrs) || json_array_size(attrs) > 50)
        return invalid(err, field, "必须是不超过 50 项的数组", "must be an array of at most 50");
    size_t i;
    json_t *a;
    json_array_foreach(attrs, i, a)
    {
        snprintf(field, sizeof field, "%sattributes[%zu]", prefix, i);
        const char *code = json_string_value(json_object_get(a, "code"));
        const char *t = json_string_value(json_object_get(a, "datatype"));
        int known = 0;
        for (int j = 0; t && types[j]; j++)
            known |= strcmp(t, types[j]) == 0;
        const json_t *values = json_object_get(a, "values");
        int list = t && strstr(t, "valuelist") != NULL;
        if (!json_is_object(a) || code == NULL || !io_valid_code(code) || !known ||
            !json_is_string(json_object_get(a, "description")) ||
            (list && (!json_is_array(values) || json_array_size(values) == 0)))
            return invalid(err, field, "须有 code、description 和 datatype（六种之一），列表类型须有 values",
                           "needs code, description and datatype (one of the six); lists need values");
        size_t j;
        json_t *v;
        json_array_foreach(values, j, v) if (!json_is_string(json_object_get(v, "key")) ||
                                             !json_is_string(json_object_get(v, "name"))) return invalid(
            err, field, "values 的每一项须有 key 和 name", "each of values needs key and name");
    }
    return 0;
}

int io_check_category(const json_t *in, int create, const char *prefix, tx_err *err)
{
    static const char *const fields[] = {"code", "name", "name_en", "group", "group_en", "description",
                                         "description_en", "keywords", "attributes", "deadlines", "remind_hours",
                                         "duplicate_radius_m", "active", "sort", NULL};
    char field[96];
    if (object_of(in, fields, prefix, err))
        return -1;
    const json_t *code = json_object_get(in, "code");
    if (create && (!json_is_string(code) || !io_valid_code(json_string_value(code)))) {
        snprintf(field, sizeof field, "%scode", prefix);
        return code ? invalid(err, field, "1–64 个字母、数字或 . _ -", "1–64 letters, digits or . _ -")
                    : tx_err_set(err, 400, "missing_field", field, M_FIELD_REQUIRED, field);
    }
    const json_t *dl = json_object_get(in, "deadlines");
    if (dl && !json_is_object(dl)) {
        snprintf(field, sizeof field, "%sdeadlines", prefix);
        return invalid(err, field, "必须是对象", "must be an object");
    }
    if (check_str(in, "name", create, 60, prefix, err) || check_str(in, "name_en", create, 80, prefix, err) ||
        check_str(in, "group", create, 60, prefix, err) || check_str(in, "group_en", create, 80, prefix, err) ||
        check_str(in, "description", 0, 2000, prefix, err) || check_str(in, "description_en", 0, 2000, prefix, err) ||
        check_str(in, "keywords", 0, 300, prefix, err) || check_int(in, "remind_hours", 0, 720, prefix, err) ||
        check_int(in, "duplicate_radius_m", 0, 5000, prefix, err) || check_int(in, "active", 0, 1, prefix, err) ||
        check_int(in, "sort", -100000, 100000, prefix, err) ||
        check_attributes(json_object_get(in, "attributes"), prefix, err) ||
        check_duration(dl, "accept", prefix, err) || check_duration(dl, "contact", prefix, err) ||
        check_duration(dl, "resolve", prefix, err))
        return -1;
    return 0;
}

int io_parse_rule(const json_t *in, const char *prefix, store_rule_in *r, tx_err *err)
{
    static const char *const fields[] = {"service_code", "place", "area", "handler", "org", "tier", "note", "note_en",
                                         NULL};
    char field[96];
    const char *key;
    json_t *v;
    memset(r, 0, sizeof *r);
    if (object_of(in, fields, prefix, err))
        return -1;
    json_object_foreach((json_t *)in, key, v)
    {
        snprintf(field, sizeof field, "%s%s", prefix, key);
        if (!json_is_null(v) && !json_is_string(v))
            return invalid(err, field, "必须是文本", "must be text");
    }
    if (check_str(in, "note", 0, 200, prefix, err) || check_str(in, "note_en", 0, 200, prefix, err))
        return -1;
    r->category_code = json_string_value(json_object_get(in, "service_code"));
    r->area_code = json_string_value(json_object_get(in, "area"));
    r->org_code = json_string_value(json_object_get(in, "org"));
    r->note = json_string_value(json_object_get(in, "note"));
    r->note_en = json_string_value(json_object_get(in, "note_en"));
    const char *place = json_string_value(json_object_get(in, "place"));
    const char *handler = json_string_value(json_object_get(in, "handler"));
    const char *tier = json_string_value(json_object_get(in, "tier"));
    snprintf(field, sizeof field, "%splace", prefix);
    if (place && tx_route_where_parse(place, &r->where))
        return invalid(err, field, "只能是 inside、outside 或 any", "must be inside, outside or any");
    snprintf(field, sizeof field, "%shandler", prefix);
    if (handler == NULL)
        return tx_err_set(err, 400, "missing_field", field, M_FIELD_REQUIRED, field);
    if (tx_case_handler_parse(handler, &r->handler) || r->handler == TX_HANDLER_NONE)
        return invalid(err, field, "只能是 grid_worker、property_company、community_office、street_office 或 department",
                       "must be grid_worker, property_company, community_office, street_office or department");
    snprintf(field, sizeof field, "%stier", prefix);
    if (tier == NULL)
        return tx_err_set(err, 400, "missing_field", field, M_FIELD_REQUIRED, field);
    if (tx_tier_parse(tier, &r->tier))
        return invalid(err, field, "只能是 grid、community 或 street", "must be grid, community or street");
    snprintf(field, sizeof field, "%sorg", prefix);
    if ((r->handler == TX_HANDLER_DEPARTMENT) != (r->org_code != NULL))
        return invalid(err, field, "转交区直部门的规则必须（且只有它）指定部门",
                       "a department rule names its department, and only it does");
    snprintf(field, sizeof field, "%splace", prefix);
    if (r->handler == TX_HANDLER_PROPERTY_COMPANY && r->where == TX_WHERE_OUTSIDE)
        return invalid(err, field, "红线外不是物业公司的职责", "outside a red line is not a property company's duty");
    return 0;
}

int io_import_catalogue(store_conn *c, const json_t *doc, int *categories, int *rules, tx_err *err)
{
    const json_t *cats = json_object_get(doc, "categories"), *rs = json_object_get(doc, "rules");
    if (!json_is_object(doc) || !json_is_array(cats) || (rs && !json_is_array(rs)))
        return invalid(err, "categories", "文件须为 {\"categories\": [...], \"rules\": [...]}",
                       "the file must be {\"categories\": [...], \"rules\": [...]}");
    size_t i;
    json_t *v;
    char prefix[48];
    *categories = *rules = 0;
    json_array_foreach(cats, i, v)
    {
        snprintf(prefix, sizeof prefix, "categories[%zu].", i);
        if (io_check_category(v, 1, prefix, err) || store_category_put(c, v, 1, NULL, err))
            return -1;
        (*categories)++;
    }
    json_array_foreach(rs, i, v)
    {
        store_rule_in r;
        snprintf(prefix, sizeof prefix, "rules[%zu].", i);
        if (io_parse_rule(v, prefix, &r, err))
            return -1;
        if (store_rule_add(c, &r, NULL, err)) {
            /* the store names the field without the prefix */
            char f[sizeof err->field];
            memcpy(f, err->field, sizeof f);
            int n = snprintf(err->field, sizeof err->field, "%s", prefix);
            if (n > 0 && (size_t)n < sizeof err->field)
                snprintf(err->field + n, sizeof err->field - (size_t)n, "%.*s", (int)(sizeof err->field - 1 - (size_t)n), f);
            return -1;
        }
        (*rules)++;
    }
    return 0;
}
