/* io/csv_imports: the CSV imports — organisations, people, memberships and
 * the working-day calendar — in the formats `tongxin export` writes
 * (header row, RFC 4180, UTF-8). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "domain/calendar.h"
#include "domain/network.h"
#include "io/io.h"

int io_valid_phone(const char *s)
{
    size_t n = strlen(s), digits = 0;
    if (n < 3 || n > 20)
        return 0;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (*p != '+' && *p != '-' && *p != ' ')
            return 0;
    }
    return digits >= 3;
}

typedef struct {
    csv_reader r;
    const char *const *header;
    int ncols;
} sheet;

static int fail_cell(sheet *s, tx_err *err, int col, const char *zh, const char *en)
{
    char field[64];
    int line = col < s->r.nfields ? s->r.field_line[col] : s->r.record_line;
    snprintf(field, sizeof field, "line %d column %s", line, s->header[col]);
    return tx_err_set_reason(err, 400, "invalid_import", field, M_IMPORT_CSV, line, col + 1, s->header[col], zh, en);
}

/* Open the sheet and check its header row. */
static int open_sheet(sheet *s, const char *text, size_t len, const char *const *header, tx_err *err)
{
    const char *why, *why_zh;
    s->header = header;
    for (s->ncols = 0; header[s->ncols]; s->ncols++)
        ;
    csv_reader_init(&s->r, text, len);
    int rc = csv_next(&s->r, &why, &why_zh);
    if (rc < 0)
        return tx_err_set_reason(err, 400, "invalid_import", "line 1", M_IMPORT_CSV, s->r.record_line, 1, "header",
                                 why_zh, why);
    int ok = rc > 0 && s->r.nfields == s->ncols;
    for (int i = 0; ok && i < s->ncols; i++)
        ok = strcmp(s->r.field[i], header[i]) == 0;
    if (!ok) {
        char expect[256] = "";
        for (int i = 0; i < s->ncols; i++) {
            strncat(expect, header[i], sizeof expect - strlen(expect) - 2);
            if (header[i + 1])
                strncat(expect, ",", sizeof expect - strlen(expect) - 1);
        }
        char zh[320], en[320];
        snprintf(zh, sizeof zh, "表头必须是 %s", expect);
        snprintf(en, sizeof en, "the header must be %s", expect);
        return tx_err_set_reason(err, 400, "invalid_import", "line 1", M_IMPORT_CSV, 1, 1, "header", zh, en);
    }
    return 0;
}

/* Next data row: 1 read, 0 end, -1 error (wrong column count, bad CSV). */
static int next_row(sheet *s, tx_err *err)
{
    const char *why, *why_zh;
    int rc = csv_next(&s->r, &why, &why_zh);
    if (rc < 0)
        return tx_err_set_reason(err, 400, "invalid_import", "csv", M_IMPORT_CSV, s->r.record_line,
                                 s->r.nfields ? s->r.nfields : 1, "csv", why_zh, why);
    if (rc == 0)
        return 0;
    if (s->r.nfields != s->ncols) {
        char zh[96], en[96];
        snprintf(zh, sizeof zh, "应有 %d 列，实有 %d 列", s->ncols, s->r.nfields);
        snprintf(en, sizeof en, "expected %d columns, found %d", s->ncols, s->r.nfields);
        return tx_err_set_reason(err, 400, "invalid_import", "csv", M_IMPORT_CSV, s->r.record_line,
                                 s->r.nfields < s->ncols ? s->r.nfields : s->ncols + 1, "csv", zh, en);
    }
    return 1;
}

static const char *cell(sheet *s, int col)
{
    return s->r.field[col][0] ? s->r.field[col] : NULL;
}

/* A store error for a row becomes a cell error on the column it names. */
static int store_fail(sheet *s, tx_err *err)
{
    if (err->status != 400 && err->status != 409)
        return -1;
    tx_err why = *err;
    int col = 0;
    for (int i = 0; i < s->ncols; i++)
        if (strcmp(s->header[i], why.field) == 0)
            col = i;
    fail_cell(s, err, col, why.msg[0], why.msg[1]);
    err->status = why.status;
    return -1;
}

int io_import_organisations(store_conn *c, const char *text, size_t len, int *count, tx_err *err)
{
    static const char *const header[] = {"code", "kind", "unit_type", "name", "name_en", "area_code",
                                         "parent_code", "manages", "notes", NULL};
    sheet s;
    *count = 0;
    int rc = open_sheet(&s, text, len, header, err);
    while (rc == 0 && (rc = next_row(&s, err)) == 1) {
        store_org_in o = {.code = cell(&s, 0), .kind = cell(&s, 1), .unit_type = cell(&s, 2), .name = cell(&s, 3),
                          .name_en = cell(&s, 4), .area_code = cell(&s, 5), .parent_code = cell(&s, 6),
                          .manages = cell(&s, 7), .notes = cell(&s, 8)};
        tx_org_kind kind;
        tx_unit_type ut;
        rc = -1;
        if (!o.code || !io_valid_code(o.code))
            fail_cell(&s, err, 0, "必须是 1-64 个字母、数字或 - _ .", "must be 1-64 letters, digits or - _ .");
        else if (!o.kind || tx_org_kind_parse(o.kind, &kind))
            fail_cell(&s, err, 1, "未知的组织类型", "unknown organisation kind");
        else if (kind == TX_ORG_MEMBER_UNIT && (!o.unit_type || tx_unit_type_parse(o.unit_type, &ut)))
            fail_cell(&s, err, 2, "成员单位必须注明单位类型", "a member unit needs a known unit type");
        else if (kind != TX_ORG_MEMBER_UNIT && o.unit_type)
            fail_cell(&s, err, 2, "只有成员单位有单位类型", "only member units have a unit type");
        else if (!o.name || !io_valid_text(o.name, 100, 0))
            fail_cell(&s, err, 3, "必填，最多 100 个字符", "required, at most 100 characters");
        else if (!o.area_code)
            fail_cell(&s, err, 5, "必填：组织必须属于一个区域", "required: an organisation belongs to an area");
        else if (o.name_en && !io_valid_text(o.name_en, 200, 0))
            fail_cell(&s, err, 4, "最多 200 个字符", "at most 200 characters");
        else if (o.manages && kind != TX_ORG_PROPERTY_COMPANY)
            fail_cell(&s, err, 7, "只有物业公司管理小区", "only property companies manage compounds");
        else if (o.notes && !io_valid_text(o.notes, 2000, 1))
            fail_cell(&s, err, 8, "最多 2000 个字符", "at most 2000 characters");
        else
            rc = 0;
        int64_t id;
        if (rc == 0 && store_org_put(c, &o, 1, &id, err))
            rc = store_fail(&s, err);
        if (rc == 0)
            (*count)++;
    }
    csv_reader_free(&s.r);
    return rc < 0 ? -1 : 0;
}

int io_import_people(store_conn *c, const char *text, size_t len, int *count, tx_err *err)
{
    static const char *const header[] = {"code", "name", "phone", "party_member", "notes", NULL};
    sheet s;
    *count = 0;
    int rc = open_sheet(&s, text, len, header, err);
    while (rc == 0 && (rc = next_row(&s, err)) == 1) {
        const char *pm = cell(&s, 3);
        store_person_in p = {.code = cell(&s, 0), .name = cell(&s, 1), .phone = cell(&s, 2), .notes = cell(&s, 4),
                             .party_member = pm && strcmp(pm, "1") == 0};
        rc = -1;
        if (!p.code || !io_valid_code(p.code))
            fail_cell(&s, err, 0, "必须是 1-64 个字母、数字或 - _ .", "must be 1-64 letters, digits or - _ .");
        else if (!p.name || !io_valid_text(p.name, 64, 0))
            fail_cell(&s, err, 1, "必填，最多 64 个字符", "required, at most 64 characters");
        else if (p.phone && !io_valid_phone(p.phone))
            fail_cell(&s, err, 2, "电话号码只能包含数字、+、- 和空格", "a phone number has digits, +, - and spaces only");
        else if (pm && strcmp(pm, "0") != 0 && strcmp(pm, "1") != 0)
            fail_cell(&s, err, 3, "必须是 0 或 1", "must be 0 or 1");
        else if (p.notes && !io_valid_text(p.notes, 2000, 1))
            fail_cell(&s, err, 4, "最多 2000 个字符", "at most 2000 characters");
        else
            rc = 0;
        int64_t id;
        if (rc == 0 && store_person_put(c, &p, 1, &id, NULL, err))
            rc = store_fail(&s, err);
        if (rc == 0)
            (*count)++;
    }
    csv_reader_free(&s.r);
    return rc < 0 ? -1 : 0;
}

int io_import_memberships(store_conn *c, const char *text, size_t len, int *count, tx_err *err)
{
    static const char *const header[] = {"person_code", "org_code", "role", "represents_code",
                                         "start_date", "end_date", NULL};
    sheet s;
    *count = 0;
    int rc = open_sheet(&s, text, len, header, err);
    while (rc == 0 && (rc = next_row(&s, err)) == 1) {
        store_membership_in m = {.person_code = cell(&s, 0), .org_code = cell(&s, 1), .role = cell(&s, 2),
                                 .represents_code = cell(&s, 3), .start_date = cell(&s, 4), .end_date = cell(&s, 5)};
        tx_membership_role role;
        rc = -1;
        if (!m.person_code)
            fail_cell(&s, err, 0, "必填", "is required");
        else if (!m.org_code)
            fail_cell(&s, err, 1, "必填", "is required");
        else if (!m.role || tx_membership_role_parse(m.role, &role))
            fail_cell(&s, err, 2, "未知的角色", "unknown role");
        else if (role == TX_MROLE_PART_TIME_MEMBER && !m.represents_code)
            fail_cell(&s, err, 3, "兼职委员必须注明所代表的成员单位", "a part-time member represents a member unit");
        else if (role != TX_MROLE_PART_TIME_MEMBER && m.represents_code)
            fail_cell(&s, err, 3, "只有兼职委员代表成员单位", "only part-time members represent a unit");
        else if (!m.start_date || !io_valid_date(m.start_date, 0))
            fail_cell(&s, err, 4, "必须是 YYYY-MM-DD", "must be YYYY-MM-DD");
        else if (m.end_date && (!io_valid_date(m.end_date, 0) || strcmp(m.end_date, m.start_date) < 0))
            fail_cell(&s, err, 5, "必须是不早于开始日期的 YYYY-MM-DD", "must be a YYYY-MM-DD not before start_date");
        else
            rc = 0;
        int64_t id;
        if (rc == 0 && store_membership_add(c, &m, &id, err))
            rc = store_fail(&s, err);
        if (rc == 0)
            (*count)++;
    }
    csv_reader_free(&s.r);
    return rc < 0 ? -1 : 0;
}

int io_import_calendar(store_conn *c, const char *text, size_t len, int *count, tx_err *err)
{
    /* The columns of the State Council notice file (data/); weekday is a
     * check on the date, not stored. */
    static const char *const header[] = {"date", "kind", "occasion", "weekday", NULL};
    sheet s;
    *count = 0;
    int rc = open_sheet(&s, text, len, header, err);
    while (rc == 0 && (rc = next_row(&s, err)) == 1) {
        const char *date = cell(&s, 0), *kind = cell(&s, 1), *occasion = cell(&s, 2), *weekday = cell(&s, 3);
        tx_cal_exception ex;
        int e = tx_cal_parse_row(date ? date : "", kind ? kind : "", weekday, &ex);
        rc = -1;
        if (e == TX_CAL_E_KIND)
            fail_cell(&s, err, 1, tx_cal_error_text(e, 0), tx_cal_error_text(e, 1));
        else if (e == TX_CAL_E_WEEKDAY || e == TX_CAL_E_WEEKDAY_MISMATCH)
            fail_cell(&s, err, 3, tx_cal_error_text(e, 0), tx_cal_error_text(e, 1));
        else if (e != 0)
            fail_cell(&s, err, 0, tx_cal_error_text(e, 0), tx_cal_error_text(e, 1));
        else if (occasion && !io_valid_text(occasion, 100, 0))
            fail_cell(&s, err, 2, "最多 100 个字符的单行文本", "one line of at most 100 characters");
        else
            rc = store_calendar_put(c, date, kind, occasion, err);
        if (rc == 0)
            (*count)++;
    }
    csv_reader_free(&s.r);
    return rc < 0 ? -1 : 0;
}
