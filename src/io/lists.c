/* io/lists: the three lists as JSON (see io/lists.h), checked field by field
 * and imported all-or-nothing; the same checks serve the API. */
#include "io/lists.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/lists.h"
#include "base/utf8.h"
#include "io/io.h"

static int invalid(tx_err *err, const char *field, const char *zh, const char *en)
{
    return tx_err_set_reason(err, 400, "invalid_field", field, M_FIELD_INVALID, 0, 0, field, zh, en);
}

static const char *fname(char *buf, size_t n, const char *prefix, const char *key)
{
    snprintf(buf, n, "%s%s", prefix, key);
    /* A long key from the body is cut at n bytes, maybe inside a character:
     * the name goes into the message, which must stay UTF-8 (found by the
     * json_body fuzzer). */
    tx_utf8_trim(buf);
    return buf;
}

/* A string field: one line (multiline 0) or text; max characters. */
static int chk_str(const json_t *o, const char *key, int required, size_t max, int multiline, const char *prefix,
                   tx_err *err)
{
    char f[128];
    const json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        if (required)
            return tx_err_set(err, 400, "missing_field", fname(f, sizeof f, prefix, key), M_FIELD_REQUIRED,
                              fname(f, sizeof f, prefix, key));
        return 0;
    }
    if (!json_is_string(v) || !io_valid_text(json_string_value(v), max, multiline) ||
        (required && json_string_length(v) == 0))
        return invalid(err, fname(f, sizeof f, prefix, key),
                       multiline ? "必须是不含控制字符的文本" : "必须是不含换行和控制字符的非空一行文本",
                       multiline ? "must be text without control characters"
                                 : "must be one non-empty line of text without control characters");
    return 0;
}

static int chk_code(const json_t *o, const char *key, int required, const char *prefix, tx_err *err)
{
    char f[128];
    if (chk_str(o, key, required, 64, 0, prefix, err))
        return -1;
    const char *s = json_string_value(json_object_get(o, key));
    if (s && !io_valid_code(s))
        return invalid(err, fname(f, sizeof f, prefix, key), "只能是 1-64 个字母、数字或 - _ .",
                       "1-64 letters, digits or - _ .");
    return 0;
}

/* A number >= 0 (up to max). */
static int chk_num(const json_t *o, const char *key, int required, double max, const char *prefix, tx_err *err)
{
    char f[128];
    const json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        if (required)
            return tx_err_set(err, 400, "missing_field", fname(f, sizeof f, prefix, key), M_FIELD_REQUIRED,
                              fname(f, sizeof f, prefix, key));
        return 0;
    }
    tx_list_refusal why;
    if (!json_is_number(v) || tx_list_check_quantity(json_number_value(v), &why) || json_number_value(v) > max)
        return invalid(err, fname(f, sizeof f, prefix, key), "必须是不小于 0 的数", "must be a number not below 0");
    return 0;
}

static int chk_int(const json_t *o, const char *key, int required, int64_t min, int64_t max, const char *prefix,
                   tx_err *err)
{
    char f[128];
    const json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v)) {
        if (required)
            return tx_err_set(err, 400, "missing_field", fname(f, sizeof f, prefix, key), M_FIELD_REQUIRED,
                              fname(f, sizeof f, prefix, key));
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        char zh[96], en[96];
        snprintf(zh, sizeof zh, "必须是 %lld 到 %lld 之间的整数", (long long)min, (long long)max);
        snprintf(en, sizeof en, "must be an integer from %lld to %lld", (long long)min, (long long)max);
        return invalid(err, fname(f, sizeof f, prefix, key), zh, en);
    }
    return 0;
}

static int chk_date(const json_t *o, const char *key, const char *prefix, tx_err *err)
{
    char f[128];
    const json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v) || json_string_length(v) != 10 || !io_valid_date(json_string_value(v), 0))
        return invalid(err, fname(f, sizeof f, prefix, key), "必须是 YYYY-MM-DD 日期", "must be a YYYY-MM-DD date");
    return 0;
}

static int chk_bool(const json_t *o, const char *key, const char *prefix, tx_err *err)
{
    char f[128];
    const json_t *v = json_object_get(o, key);
    if (v && !json_is_null(v) && !json_is_boolean(v))
        return invalid(err, fname(f, sizeof f, prefix, key), "必须是 true 或 false", "must be true or false");
    return 0;
}

/* Field names not in the list are refused. */
static int only(const json_t *in, const char *const *fields, const char *prefix, tx_err *err)
{
    char f[128];
    if (!json_is_object(in)) {
        size_t len = strlen(prefix);
        snprintf(f, sizeof f, "%.*s", (int)(len && prefix[len - 1] == '.' ? len - 1 : len), prefix);
        return invalid(err, len ? f : "body", "必须是对象", "must be an object");
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)in, key, v)
    {
        int known = 0;
        for (int i = 0; fields[i] && !known; i++)
            known = strcmp(fields[i], key) == 0;
        if (!known)
            return tx_err_set(err, 400, "unknown_field", fname(f, sizeof f, prefix, key), M_FIELD_UNKNOWN,
                              fname(f, sizeof f, prefix, key));
    }
    return 0;
}

static int chk_kind(const json_t *o, int required, const char *prefix, tx_err *err)
{
    char f[128];
    const json_t *v = json_object_get(o, "kind");
    if (v == NULL || json_is_null(v)) {
        if (required)
            return tx_err_set(err, 400, "missing_field", fname(f, sizeof f, prefix, "kind"), M_FIELD_REQUIRED,
                              fname(f, sizeof f, prefix, "kind"));
        return 0;
    }
    tx_list_kind k;
    if (tx_list_kind_parse(json_string_value(v), &k))
        return invalid(err, fname(f, sizeof f, prefix, "kind"),
                       "必须是 venue、funding、volunteers、expertise、equipment、service 或 other",
                       "must be venue, funding, volunteers, expertise, equipment, service or other");
    return 0;
}

static int chk_enum(const json_t *o, const char *key, const char *const *values, const char *prefix, tx_err *err)
{
    char f[128];
    const json_t *v = json_object_get(o, key);
    if (v == NULL || json_is_null(v))
        return 0;
    const char *s = json_string_value(v);
    char list[256] = "";
    for (int i = 0; values[i]; i++) {
        if (s && strcmp(s, values[i]) == 0)
            return 0;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", values[i]);
    }
    char zh[300], en[300];
    snprintf(zh, sizeof zh, "必须是以下之一：%s", list);
    snprintf(en, sizeof en, "must be one of: %s", list);
    return invalid(err, fname(f, sizeof f, prefix, key), zh, en);
}

static int chk_order(const json_t *o, const char *from, const char *to, const char *prefix, tx_err *err)
{
    char f[128];
    const char *a = json_string_value(json_object_get(o, from)), *b = json_string_value(json_object_get(o, to));
    if (a && b && strcmp(a, b) > 0)
        return invalid(err, fname(f, sizeof f, prefix, to), "不能早于开始日期", "must not be before the start");
    return 0;
}

static const char *const need_status[] = {"open", "matched", "in_project", "met", "closed", NULL};
static const char *const res_status[] = {"available", "committed", "used_up", "withdrawn", NULL};
static const char *const proj_status[] = {"planned", "active", "done", "cancelled", NULL};
static const char *const plan_status[] = {"draft", "active", "closed", NULL};
static const char *const urgencies[] = {"low", "normal", "high", "urgent", NULL};
static const char *const sources[] = {"community", "compound_branch", "resident", "meeting", "case_hotspot",
                                      "member_unit", NULL};

int io_milestone_check(const json_t *in, int create, const char *prefix, tx_err *err)
{
    static const char *const fields[] = {"title", "due_date", "done_date", "weight", "progress", NULL};
    char f[128];
    if (only(in, fields, prefix, err) || chk_str(in, "title", create, 200, 0, prefix, err) ||
        chk_date(in, "due_date", prefix, err) || chk_date(in, "done_date", prefix, err) ||
        chk_num(in, "weight", 0, 1e6, prefix, err) || chk_num(in, "progress", 0, 1e9, prefix, err))
        return -1;
    const json_t *p = json_object_get(in, "progress");
    if (json_is_number(p) && json_number_value(p) > 100)
        return invalid(err, fname(f, sizeof f, prefix, "progress"), "必须在 0 到 100 之间", "must be from 0 to 100");
    return 0;
}

int io_outcome_check(const json_t *in, const char *prefix, tx_err *err)
{
    static const char *const fields[] = {"date", "summary", "people_served", "photos", NULL};
    char f[128];
    if (only(in, fields, prefix, err) || chk_str(in, "date", 1, 10, 0, prefix, err) ||
        chk_date(in, "date", prefix, err) || chk_str(in, "summary", 1, 4000, 1, prefix, err) ||
        chk_int(in, "people_served", 0, 0, 100000000, prefix, err))
        return -1;
    const json_t *ph = json_object_get(in, "photos");
    if (ph && !json_is_null(ph)) {
        size_t i;
        json_t *v;
        if (!json_is_array(ph) || json_array_size(ph) > 20)
            return invalid(err, fname(f, sizeof f, prefix, "photos"), "必须是不超过 20 项的数组",
                           "must be an array of at most 20");
        json_array_foreach(ph, i, v) if (!json_is_string(v) || !io_valid_text(json_string_value(v), 500, 0))
            return invalid(err, fname(f, sizeof f, prefix, "photos"), "每项必须是一行文本（网址或哈希）",
                           "each must be one line of text (a URL or a hash)");
    }
    return 0;
}

static int chk_id_array(const json_t *o, const char *key, int codes, const char *prefix, tx_err *err)
{
    char f[128];
    const json_t *a = json_object_get(o, key);
    if (a == NULL)
        return 0;
    size_t i;
    json_t *v;
    if (!json_is_array(a) || json_array_size(a) > 200)
        return invalid(err, fname(f, sizeof f, prefix, key), "必须是不超过 200 项的数组", "must be an array of at most 200");
    json_array_foreach(a, i, v)
    {
        int ok = codes ? json_is_string(v) && io_valid_code(json_string_value(v))
                       : json_is_integer(v) && json_integer_value(v) > 0;
        if (!ok)
            return invalid(err, fname(f, sizeof f, prefix, key), codes ? "每项必须是编码" : "每项必须是正整数编号",
                           codes ? "each must be a code" : "each must be a positive id");
    }
    return 0;
}

int io_list_check(store_list_kind k, const json_t *in, int create, int import, const char *prefix, json_t **norm,
                  tx_err *err)
{
    static const char *const need_f[] = {"code", "community_code", "area_code", "title", "description", "kind",
                                         "quantity", "quantity_unit", "beneficiaries", "urgency", "wanted_by",
                                         "status", "closed_reason", "source", "raised_by_code", NULL};
    static const char *const res_f[] = {"code", "community_code", "area_code", "org_code", "title", "description",
                                        "kind", "quantity", "quantity_unit", "available_from", "available_to",
                                        "weekdays", "hours", "conditions", "contact_name", "contact_phone", "status",
                                        NULL};
    static const char *const proj_f[] = {"code", "community_code", "area_code", "parent_id", "plan_goal_id",
                                         "owner_code", "title", "description", "kind", "budget", "beneficiaries",
                                         "start_date", "end_date", "status", "progress", "weight", "demonstration",
                                         "need_ids", "unit_codes", "milestones", NULL};
    static const char *const proj_import_f[] = {
        "code", "community_code", "area_code", "parent_code", "plan_code", "goal", "owner_code", "title",
        "description", "kind", "budget", "beneficiaries", "start_date", "end_date", "status", "progress", "weight",
        "demonstration", "need_codes", "unit_codes", "milestones", "commitments", "outcomes", NULL};
    static const char *const plan_f[] = {"code", "community_code", "year", "title", "summary", "status", "goals", NULL};
    static const char *const *const fields[] = {need_f, res_f, proj_f, plan_f};
    char f[128];
    const char *const *allowed = k == STORE_LIST_PROJECT && import ? proj_import_f : fields[k];
    if (only(in, allowed, prefix, err) || chk_code(in, "code", 0, prefix, err) ||
        chk_code(in, "community_code", create, prefix, err))
        return -1;
    const char *status = json_string_value(json_object_get(in, "status"));
    switch (k) {
    case STORE_LIST_NEED:
        if (chk_code(in, "area_code", 0, prefix, err) || chk_str(in, "title", create, 200, 0, prefix, err) ||
            chk_str(in, "description", 0, 4000, 1, prefix, err) || chk_kind(in, create, prefix, err) ||
            chk_num(in, "quantity", 0, 1e12, prefix, err) || chk_str(in, "quantity_unit", 0, 20, 0, prefix, err) ||
            chk_int(in, "beneficiaries", 0, 0, 100000000, prefix, err) ||
            chk_enum(in, "urgency", urgencies, prefix, err) || chk_date(in, "wanted_by", prefix, err) ||
            chk_enum(in, "status", need_status, prefix, err) ||
            chk_str(in, "closed_reason", 0, 500, 1, prefix, err) || chk_enum(in, "source", sources, prefix, err) ||
            chk_code(in, "raised_by_code", 0, prefix, err))
            return -1;
        if (create && !import && status && strcmp(status, "open") != 0)
            return invalid(err, fname(f, sizeof f, prefix, "status"), "新需求的状态是 open", "a new need is open");
        if (import && status && strcmp(status, "closed") == 0 && !json_is_string(json_object_get(in, "closed_reason")))
            return invalid(err, fname(f, sizeof f, prefix, "closed_reason"), "关闭需求须说明原因",
                           "closing a need takes a reason");
        break;
    case STORE_LIST_RESOURCE:
        if (chk_code(in, "area_code", 0, prefix, err) || chk_code(in, "org_code", 0, prefix, err) ||
            chk_str(in, "title", create, 200, 0, prefix, err) || chk_str(in, "description", 0, 4000, 1, prefix, err) ||
            chk_kind(in, create, prefix, err) || chk_num(in, "quantity", create, 1e12, prefix, err) ||
            chk_str(in, "quantity_unit", 0, 20, 0, prefix, err) || chk_date(in, "available_from", prefix, err) ||
            chk_date(in, "available_to", prefix, err) || chk_order(in, "available_from", "available_to", prefix, err) ||
            chk_str(in, "hours", 0, 100, 0, prefix, err) || chk_str(in, "conditions", 0, 2000, 1, prefix, err) ||
            chk_str(in, "contact_name", 0, 64, 0, prefix, err) || chk_str(in, "contact_phone", 0, 20, 0, prefix, err) ||
            chk_enum(in, "status", res_status, prefix, err))
            return -1;
        if (json_is_string(json_object_get(in, "contact_phone")) &&
            !io_valid_phone(json_string_value(json_object_get(in, "contact_phone"))))
            return invalid(err, fname(f, sizeof f, prefix, "contact_phone"), "只能包含数字、+、- 和空格",
                           "digits, +, - and spaces only");
        if (create && !import && status && strcmp(status, "available") != 0)
            return invalid(err, fname(f, sizeof f, prefix, "status"), "新资源的状态是 available",
                           "a new resource is available");
        {
            const json_t *w = json_object_get(in, "weekdays");
            size_t i;
            json_t *v;
            if (w && !json_is_null(w)) {
                if (!json_is_array(w) || json_array_size(w) > 7)
                    return invalid(err, fname(f, sizeof f, prefix, "weekdays"), "必须是 1（周一）到 7（周日）的数组",
                                   "must be an array of 1 (Monday) to 7 (Sunday)");
                json_array_foreach(w, i, v) if (!json_is_integer(v) || json_integer_value(v) < 1 ||
                                                json_integer_value(v) > 7) return invalid(err,
                                                                                          fname(f, sizeof f, prefix,
                                                                                                "weekdays"),
                                                                                          "必须是 1（周一）到 7（周日）的数组",
                                                                                          "must be an array of 1 "
                                                                                          "(Monday) to 7 (Sunday)");
            }
        }
        break;
    case STORE_LIST_PROJECT:
        if (chk_code(in, "area_code", 0, prefix, err) || chk_int(in, "parent_id", 0, 1, INT64_MAX, prefix, err) ||
            chk_int(in, "plan_goal_id", 0, 1, INT64_MAX, prefix, err) || chk_code(in, "owner_code", 0, prefix, err) ||
            chk_str(in, "title", create, 200, 0, prefix, err) || chk_str(in, "description", 0, 4000, 1, prefix, err) ||
            chk_kind(in, 0, prefix, err) || chk_num(in, "budget", 0, 1e12, prefix, err) ||
            chk_int(in, "beneficiaries", 0, 0, 100000000, prefix, err) || chk_date(in, "start_date", prefix, err) ||
            chk_date(in, "end_date", prefix, err) || chk_order(in, "start_date", "end_date", prefix, err) ||
            chk_enum(in, "status", proj_status, prefix, err) || chk_num(in, "progress", 0, 100, prefix, err) ||
            chk_num(in, "weight", 0, 1e6, prefix, err) || chk_bool(in, "demonstration", prefix, err) ||
            chk_id_array(in, "need_ids", 0, prefix, err) || chk_id_array(in, "unit_codes", 1, prefix, err) ||
            chk_id_array(in, "need_codes", 1, prefix, err) || chk_code(in, "parent_code", 0, prefix, err) ||
            chk_code(in, "plan_code", 0, prefix, err) || chk_int(in, "goal", 0, 0, 99, prefix, err))
            return -1;
        if (create && !import && status && strcmp(status, "planned") != 0 && strcmp(status, "active") != 0)
            return invalid(err, fname(f, sizeof f, prefix, "status"), "新项目的状态是 planned 或 active",
                           "a new project is planned or active");
        {
            const json_t *ms = json_object_get(in, "milestones");
            size_t i;
            json_t *m;
            if (ms && (!create || !json_is_array(ms) || json_array_size(ms) > 100))
                return invalid(err, fname(f, sizeof f, prefix, "milestones"),
                               create ? "必须是不超过 100 项的数组" : "请用 /milestones 接口修改里程碑",
                               create ? "must be an array of at most 100" : "change milestones at /milestones");
            json_array_foreach(ms, i, m)
            {
                char p[128];
                snprintf(p, sizeof p, "%smilestones[%zu].", prefix, i);
                if (io_milestone_check(m, 1, p, err))
                    return -1;
            }
        }
        break;
    case STORE_LIST_PLAN:
        if (chk_int(in, "year", create, 2000, 2100, prefix, err) || chk_str(in, "title", create, 200, 0, prefix, err) ||
            chk_str(in, "summary", 0, 4000, 1, prefix, err) || chk_enum(in, "status", plan_status, prefix, err))
            return -1;
        {
            static const char *const goal_f[] = {"id", "title", "description", "weight", NULL};
            const json_t *gs = json_object_get(in, "goals");
            size_t i;
            json_t *g;
            if (gs && (!json_is_array(gs) || json_array_size(gs) > 50))
                return invalid(err, fname(f, sizeof f, prefix, "goals"), "必须是不超过 50 项的数组",
                               "must be an array of at most 50");
            json_array_foreach(gs, i, g)
            {
                char p[128];
                snprintf(p, sizeof p, "%sgoals[%zu].", prefix, i);
                if (only(g, goal_f, p, err) || chk_int(g, "id", 0, 1, INT64_MAX, p, err) ||
                    chk_str(g, "title", 1, 200, 0, p, err) || chk_str(g, "description", 0, 2000, 1, p, err) ||
                    chk_num(g, "weight", 0, 1e6, p, err))
                    return -1;
            }
        }
        break;
    }
    if (norm) {
        json_t *o = json_deep_copy(in);
        const json_t *w = json_object_get(in, "weekdays");
        if (k == STORE_LIST_RESOURCE && w) {
            int mask = 0;
            size_t i;
            json_t *v;
            json_array_foreach(w, i, v) mask |= 1 << (json_integer_value(v) - 1);
            json_object_set_new(o, "weekdays", json_integer(json_is_null(w) ? 0 : mask));
        }
        static const char *const refs[] = {"parent_code", "plan_code", "goal", "need_codes", "commitments",
                                           "outcomes"};
        for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++)
            json_object_del(o, refs[i]);
        *norm = o;
    }
    return 0;
}

/* ---- import ---- */

/* A store error about element prefix: its field is prefixed and its
 * message says which element. */
static int in_element(tx_err *err, const char *prefix)
{
    char f[64];
    if (err->status != 400 && err->status != 409 && err->status != 404)
        return -1;
    if (strncmp(err->field, prefix, strlen(prefix)) == 0 && err->field[0])
        return -1; /* named already */
    snprintf(f, sizeof f, "%s%s", prefix, err->field[0] ? err->field : "");
    size_t len = strlen(f);
    if (!err->field[0] && len && f[len - 1] == '.')
        f[len - 1] = '\0';
    snprintf(err->field, sizeof err->field, "%s", f);
    for (int l = 0; l < 2; l++) {
        char m[sizeof err->msg[l]];
        memcpy(m, err->msg[l], sizeof m);
        size_t fl = strlen(f);
        if (fl + 2 < sizeof m) {
            memcpy(err->msg[l], f, fl);
            memcpy(err->msg[l] + fl, ": ", 2);
            snprintf(err->msg[l] + fl + 2, sizeof err->msg[l] - fl - 2, "%.*s", (int)(sizeof m - fl - 3), m);
            tx_utf8_trim(err->msg[l]);
        }
    }
    if (err->status == 404)
        err->status = 400;
    return -1;
}

static int ref_id(store_conn *c, store_list_kind k, const json_t *o, const char *key, const char *prefix,
                  int64_t *id, tx_err *err)
{
    char f[128];
    const char *code = json_string_value(json_object_get(o, key));
    *id = 0;
    if (code == NULL)
        return 0;
    if (store_lists_id_by_code(c, k, code, id, err))
        return -1;
    if (*id == 0)
        return invalid(err, fname(f, sizeof f, prefix, key), "没有这个编码", "no item has this code");
    return 0;
}

static int import_project(store_conn *c, const json_t *p, const char *prefix, int64_t now, tx_err *err)
{
    json_t *norm = NULL;
    int64_t existing = 0, id, parent, plan;
    if (io_list_check(STORE_LIST_PROJECT, p, 1, 1, prefix, &norm, err))
        return -1;
    const char *code = json_string_value(json_object_get(p, "code"));
    int rc = (code && store_lists_id_by_code(c, STORE_LIST_PROJECT, code, &existing, err)) ||
             ref_id(c, STORE_LIST_PROJECT, p, "parent_code", prefix, &parent, err) ||
             ref_id(c, STORE_LIST_PLAN, p, "plan_code", prefix, &plan, err);
    if (rc == 0 && parent)
        json_object_set_new(norm, "parent_id", json_integer(parent));
    if (rc == 0 && plan) {
        json_t *pl;
        rc = store_lists_get(c, STORE_LIST_PLAN, plan, 0, &pl, err);
        if (rc == 0) {
            json_t *g = json_array_get(json_object_get(pl, "goal_list"), (size_t)json_integer_value(json_object_get(p, "goal")));
            if (g)
                json_object_set_new(norm, "plan_goal_id", json_incref(json_object_get(g, "id")));
            else {
                char f[128];
                rc = invalid(err, fname(f, sizeof f, prefix, "goal"), "方案没有这个目标", "the plan has no such goal");
            }
            json_decref(pl);
        }
    }
    const json_t *nc = json_object_get(p, "need_codes");
    if (rc == 0 && nc) {
        json_t *ids = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(nc, i, v)
        {
            int64_t nid = 0;
            if (rc == 0 && (rc = store_lists_id_by_code(c, STORE_LIST_NEED, json_string_value(v), &nid, err)) == 0 && !nid) {
                char f[128];
                rc = invalid(err, fname(f, sizeof f, prefix, "need_codes"), "没有这个编码的需求", "no need has this code");
            }
            json_array_append_new(ids, json_integer(nid));
        }
        json_object_set_new(norm, "need_ids", ids);
    }
    if (rc == 0 && existing)
        json_object_del(norm, "milestones");
    if (rc == 0)
        rc = store_lists_put(c, STORE_LIST_PROJECT, existing, norm, "import", now, &id, err);
    json_decref(norm);
    if (rc)
        return in_element(err, prefix);
    if (existing)
        return 0;
    const json_t *cs = json_object_get(p, "commitments");
    size_t i;
    json_t *cm;
    static const char *const cf[] = {"resource_code", "need_code", "quantity", "delivered", "note", NULL};
    if (cs && !json_is_array(cs)) {
        char f[128];
        return invalid(err, fname(f, sizeof f, prefix, "commitments"), "必须是数组", "must be an array");
    }
    json_array_foreach(cs, i, cm)
    {
        char pre[128];
        snprintf(pre, sizeof pre, "%scommitments[%zu].", prefix, i);
        int64_t rid, nid, cid, pid;
        if (only(cm, cf, pre, err) || chk_code(cm, "resource_code", 1, pre, err) ||
            chk_code(cm, "need_code", 0, pre, err) || chk_num(cm, "quantity", 1, 1e12, pre, err) ||
            chk_num(cm, "delivered", 0, 1e12, pre, err) || chk_str(cm, "note", 0, 500, 1, pre, err) ||
            ref_id(c, STORE_LIST_RESOURCE, cm, "resource_code", pre, &rid, err) ||
            ref_id(c, STORE_LIST_NEED, cm, "need_code", pre, &nid, err))
            return -1;
        if (store_commitment_add(c, id, rid, nid, json_number_value(json_object_get(cm, "quantity")),
                                 json_string_value(json_object_get(cm, "note")), now, &cid, err))
            return in_element(err, pre);
        const json_t *d = json_object_get(cm, "delivered");
        if (json_is_number(d) && store_commitment_deliver(c, cid, json_number_value(d), now, &pid, err))
            return in_element(err, pre);
    }
    const json_t *os = json_object_get(p, "outcomes");
    if (os && !json_is_array(os)) {
        char f[128];
        return invalid(err, fname(f, sizeof f, prefix, "outcomes"), "必须是数组", "must be an array");
    }
    json_array_foreach(os, i, cm)
    {
        char pre[128];
        snprintf(pre, sizeof pre, "%soutcomes[%zu].", prefix, i);
        int64_t oid;
        if (io_outcome_check(cm, pre, err))
            return -1;
        if (store_outcome_add(c, id, cm, "import", now, &oid, err))
            return in_element(err, pre);
    }
    return store_project_rollup(c, id, err) ? in_element(err, prefix) : 0;
}

static int import_claim(store_conn *c, const json_t *cl, const char *prefix, int64_t now, tx_err *err)
{
    static const char *const cf[] = {"need_code", "org_code", "resource_code", "quantity", "note", "status",
                                     "project_code", NULL};
    static const char *const st[] = {"pending", "confirmed", "declined", NULL};
    int64_t nid, rid, pid, org, cid, out;
    char f[128];
    if (only(cl, cf, prefix, err) || chk_code(cl, "need_code", 1, prefix, err) ||
        chk_code(cl, "org_code", 1, prefix, err) || chk_code(cl, "resource_code", 0, prefix, err) ||
        chk_num(cl, "quantity", 0, 1e12, prefix, err) || chk_str(cl, "note", 0, 500, 1, prefix, err) ||
        chk_enum(cl, "status", st, prefix, err) || chk_code(cl, "project_code", 0, prefix, err) ||
        ref_id(c, STORE_LIST_NEED, cl, "need_code", prefix, &nid, err) ||
        ref_id(c, STORE_LIST_RESOURCE, cl, "resource_code", prefix, &rid, err) ||
        ref_id(c, STORE_LIST_PROJECT, cl, "project_code", prefix, &pid, err))
        return -1;
    if (store_org_id_by_code(c, json_string_value(json_object_get(cl, "org_code")), &org, err)) {
        if (err->status == 404)
            return invalid(err, fname(f, sizeof f, prefix, "org_code"), "没有这个编码的组织", "no organisation has this code");
        return -1;
    }
    /* a need already claimed by this unit (an earlier import) is left alone */
    json_t *need;
    if (store_lists_get(c, STORE_LIST_NEED, nid, 0, &need, err))
        return -1;
    size_t i;
    json_t *v;
    int had = 0;
    json_array_foreach(json_object_get(need, "claims"), i, v) had |=
        json_integer_value(json_object_get(json_object_get(v, "org"), "id")) == org;
    json_decref(need);
    if (had)
        return 0;
    const json_t *q = json_object_get(cl, "quantity");
    if (store_claim_add(c, nid, org, rid, json_is_number(q) ? json_number_value(q) : 0,
                        json_string_value(json_object_get(cl, "note")), "import", now, &cid, err))
        return in_element(err, prefix);
    const char *s = json_string_value(json_object_get(cl, "status"));
    if (s && strcmp(s, "pending") != 0 &&
        store_claim_decide(c, cid, strcmp(s, "confirmed") == 0, pid, "import", now, &out, err))
        return in_element(err, prefix);
    return 0;
}

static int import_items(store_conn *c, store_list_kind k, const json_t *arr, const char *name, int64_t now, int *n,
                        tx_err *err)
{
    size_t i;
    json_t *it;
    if (arr && !json_is_array(arr))
        return invalid(err, name, "必须是数组", "must be an array");
    json_array_foreach(arr, i, it)
    {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s[%zu].", name, i);
        if (k == STORE_LIST_PROJECT) {
            if (import_project(c, it, prefix, now, err))
                return -1;
        } else {
            json_t *norm;
            int64_t existing = 0, id;
            if (io_list_check(k, it, 1, 1, prefix, &norm, err))
                return -1;
            const char *code = json_string_value(json_object_get(it, "code"));
            int rc = (code && store_lists_id_by_code(c, k, code, &existing, err)) ||
                     store_lists_put(c, k, existing, norm, "import", now, &id, err);
            json_decref(norm);
            if (rc)
                return in_element(err, prefix);
        }
        (*n)++;
    }
    return 0;
}

int io_import_lists(store_conn *c, const json_t *doc, int64_t now, io_lists_count *n, tx_err *err)
{
    static const char *const top[] = {"plans", "needs", "resources", "projects", "claims", "demonstration_sites",
                                       "about", NULL};
    memset(n, 0, sizeof *n);
    if (only(doc, top, "", err) ||
        import_items(c, STORE_LIST_PLAN, json_object_get(doc, "plans"), "plans", now, &n->plans, err) ||
        import_items(c, STORE_LIST_NEED, json_object_get(doc, "needs"), "needs", now, &n->needs, err) ||
        import_items(c, STORE_LIST_RESOURCE, json_object_get(doc, "resources"), "resources", now, &n->resources, err) ||
        import_items(c, STORE_LIST_PROJECT, json_object_get(doc, "projects"), "projects", now, &n->projects, err))
        return -1;
    const json_t *cl = json_object_get(doc, "claims"), *ds = json_object_get(doc, "demonstration_sites");
    size_t i;
    json_t *it;
    if ((cl && !json_is_array(cl)) || (ds && !json_is_array(ds)))
        return invalid(err, cl && !json_is_array(cl) ? "claims" : "demonstration_sites", "必须是数组", "must be an array");
    json_array_foreach(cl, i, it)
    {
        char prefix[64];
        snprintf(prefix, sizeof prefix, "claims[%zu].", i);
        if (import_claim(c, it, prefix, now, err))
            return -1;
        n->claims++;
    }
    json_array_foreach(ds, i, it)
    {
        static const char *const sf[] = {"area_code", "since", "note", NULL};
        char prefix[64], f[128];
        snprintf(prefix, sizeof prefix, "demonstration_sites[%zu].", i);
        int64_t aid;
        if (only(it, sf, prefix, err) || chk_code(it, "area_code", 1, prefix, err) ||
            chk_date(it, "since", prefix, err) || chk_str(it, "note", 0, 500, 1, prefix, err))
            return -1;
        if (store_area_id_by_code(c, json_string_value(json_object_get(it, "area_code")), &aid, err))
            return invalid(err, fname(f, sizeof f, prefix, "area_code"), "没有这个编码的区域", "no area has this code");
        if (store_demonstration_site(c, aid, 1, json_string_value(json_object_get(it, "since")),
                                     json_string_value(json_object_get(it, "note")), err))
            return -1;
        n->sites++;
    }
    return 0;
}
