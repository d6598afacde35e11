/* sqlite/person: people (personal data: name, phone) and their dated
 * memberships in organisations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/time.h"
#include "store/sqlite/db.h"

/* People in an area: a current membership in an organisation whose area is
 * the asked area or below it. */
#define PERSON_WHERE                                                                                                   \
    " WHERE (?1 IS NULL OR instr(p.name, ?1) > 0 OR instr(coalesce(p.code, ''), ?1) > 0) "                             \
    "AND (?2 = 0 OR p.id IN (SELECT m.person_id FROM membership m JOIN organisation o ON o.id = m.org_id "           \
    "WHERE " DB_CURRENT_MEMBERSHIP("m") " AND o.area_id IN (WITH RECURSIVE sub(id) AS (SELECT ?2 UNION ALL SELECT area.id FROM "   \
    "area JOIN sub ON area.parent_id = sub.id) SELECT id FROM sub))) "                                                \
    "AND (?3 = 0 OR p.id IN (SELECT person_id FROM membership m WHERE m.org_id = ?3 AND " DB_CURRENT_MEMBERSHIP("m") "))"

static json_t *person_from_row(sqlite3_stmt *st, int with_personal)
{
    json_t *o = json_pack("{s:I, s:o, s:b, s:I}", "id", (json_int_t)sqlite3_column_int64(st, 0), "code",
                          db_col_json_text(st, 1), "party_member", sqlite3_column_int(st, 4), "memberships",
                          (json_int_t)sqlite3_column_int64(st, 6));
    if (with_personal) {
        json_object_set_new(o, "name", db_col_json_text(st, 2));
        json_object_set_new(o, "phone", db_col_json_text(st, 3));
        json_object_set_new(o, "notes", db_col_json_text(st, 5));
    }
    return o;
}

#define PERSON_COLS                                                                                                    \
    "p.id, p.code, p.name, p.phone, p.party_member, p.notes, (SELECT count(*) FROM membership m WHERE m.person_id = "  \
    "p.id AND " DB_CURRENT_MEMBERSHIP("m") ")"

static void bind_filter(sqlite3_stmt *st, const store_person_filter *f)
{
    db_bind_text(st, 1, f->q);
    sqlite3_bind_int64(st, 2, f->area_id);
    sqlite3_bind_int64(st, 3, f->org_id);
}

int store_person_list(store_conn *c, const store_person_filter *f, int with_personal, json_t **out, tx_err *err)
{
    static const char count[] = "SELECT count(*) FROM person p" PERSON_WHERE;
    static const char sql[] = "SELECT " PERSON_COLS " FROM person p" PERSON_WHERE " ORDER BY p.id LIMIT ?4 OFFSET ?5";
    sqlite3_stmt *st = db_stmt(c, count, err);
    if (!st)
        return -1;
    bind_filter(st, f);
    if (sqlite3_step(st) != SQLITE_ROW)
        return db_fail(c, "person count", err);
    json_int_t total = sqlite3_column_int64(st, 0);
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    bind_filter(st, f);
    sqlite3_bind_int(st, 4, f->limit);
    sqlite3_bind_int(st, 5, f->offset);
    json_t *items = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(items, person_from_row(st, with_personal));
    if (rc != SQLITE_DONE) {
        json_decref(items);
        return db_fail(c, "person list", err);
    }
    *out = json_pack("{s:o, s:I, s:i, s:i}", "items", items, "total", total, "limit", f->limit, "offset", f->offset);
    return 0;
}

int store_person_get(store_conn *c, int64_t id, int with_personal, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT " PERSON_COLS " FROM person p WHERE p.id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, sql, id, "person", err);
    if (!st)
        return -1;
    *out = person_from_row(st, with_personal);
    return 0;
}

int store_person_put(store_conn *c, const store_person_in *p, int replace, int64_t *id_out, char code_out[72],
                     tx_err *err)
{
    static const char insert[] = "INSERT INTO person (code, name, phone, party_member, notes, created_at) VALUES (?1, "
                                 "?2, ?3, ?4, ?5, ?6)";
    static const char upsert[] =
        "INSERT INTO person (code, name, phone, party_member, notes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON "
        "CONFLICT (code) DO UPDATE SET name = excluded.name, phone = excluded.phone, party_member = "
        "excluded.party_member, notes = excluded.notes";
    /* Without a code the person gets "P" and their id, in the same
     * statement: the new rowid is the largest plus one. */
    static const char insert_auto[] =
        "INSERT INTO person (code, name, phone, party_member, notes, created_at) VALUES ('P' || (SELECT "
        "coalesce(max(id), 0) + 1 FROM person), ?2, ?3, ?4, ?5, ?6)";
    static const char exists[] = "SELECT id FROM person WHERE code = ?1";
    sqlite3_stmt *st;
    if (p->code == NULL) {
        st = db_stmt(c, insert_auto, err);
        if (!st)
            return -1;
        db_bind_text(st, 2, p->name);
        db_bind_text(st, 3, p->phone);
        sqlite3_bind_int(st, 4, p->party_member ? 1 : 0);
        db_bind_text(st, 5, p->notes);
        sqlite3_bind_int64(st, 6, tx_now_ms());
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc == SQLITE_DONE) {
            *id_out = sqlite3_last_insert_rowid(c->db);
            if (code_out)
                snprintf(code_out, 72, "P%lld", (long long)*id_out);
            return 0;
        }
        if ((rc & 0xff) != SQLITE_CONSTRAINT)
            return db_fail(c, "person put", err);
        /* Someone chose that code by hand: fall through to the slow path. */
    }
    if (p->code && !replace) {
        st = db_stmt(c, exists, err);
        if (!st)
            return -1;
        db_bind_text(st, 1, p->code);
        if (sqlite3_step(st) == SQLITE_ROW)
            return tx_err_named(err, 409, "duplicate", "code", M_DUPLICATE, "code", p->code);
    }
    st = db_stmt(c, replace && p->code ? upsert : insert, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, p->code);
    db_bind_text(st, 2, p->name);
    db_bind_text(st, 3, p->phone);
    sqlite3_bind_int(st, 4, p->party_member ? 1 : 0);
    db_bind_text(st, 5, p->notes);
    sqlite3_bind_int64(st, 6, tx_now_ms());
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "person put", err);
    if (replace && p->code) {
        st = db_stmt(c, exists, err);
        if (!st)
            return -1;
        db_bind_text(st, 1, p->code);
        if (sqlite3_step(st) != SQLITE_ROW)
            return db_fail(c, "person id", err);
        *id_out = sqlite3_column_int64(st, 0);
    } else {
        *id_out = sqlite3_last_insert_rowid(c->db);
    }
    if (p->code == NULL) {
        /* Every person gets a code, so exports and imports can refer to
         * them: "P" and the id when none was given. */
        static const char setcode[] =
            "UPDATE person SET code = CASE WHEN EXISTS (SELECT 1 FROM person WHERE code = 'P' || ?1) "
            "THEN 'P' || ?1 || '-' || lower(hex(randomblob(3))) ELSE 'P' || ?1 END WHERE id = ?1";
        st = db_stmt(c, setcode, err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, *id_out);
        if (sqlite3_step(st) != SQLITE_DONE)
            return db_fail(c, "person code", err);
    }
    if (code_out) {
        if (p->code) {
            snprintf(code_out, 72, "%s", p->code);
        } else {
            static const char getcode[] = "SELECT code FROM person WHERE id = ?1";
            st = db_row_by_id(c, getcode, *id_out, "person", err);
            if (!st)
                return -1;
            snprintf(code_out, 72, "%s", sqlite3_column_text(st, 0));
        }
    }
    return 0;
}

int store_person_update(store_conn *c, int64_t id, const store_person_in *p, tx_err *err)
{
    static const char sql[] = "UPDATE person SET code = ?1, name = ?2, phone = ?3, party_member = ?4, notes = ?5 "
                              "WHERE id = ?6";
    static const char clash[] = "SELECT 1 FROM person WHERE code = ?1 AND id <> ?2";
    sqlite3_stmt *st;
    if (p->code) {
        st = db_stmt(c, clash, err);
        if (!st)
            return -1;
        db_bind_text(st, 1, p->code);
        sqlite3_bind_int64(st, 2, id);
        if (sqlite3_step(st) == SQLITE_ROW)
            return tx_err_named(err, 409, "duplicate", "code", M_DUPLICATE, "code", p->code);
    }
    st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, p->code);
    db_bind_text(st, 2, p->name);
    db_bind_text(st, 3, p->phone);
    sqlite3_bind_int(st, 4, p->party_member ? 1 : 0);
    db_bind_text(st, 5, p->notes);
    sqlite3_bind_int64(st, 6, id);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "person update", err);
    if (sqlite3_changes(c->db) == 0)
        return db_not_found(err, "person", id);
    return 0;
}

int store_person_place(store_conn *c, int64_t id, int any_time, int64_t *areas, int *nareas, int64_t *orgs,
                       int *norgs, int max, tx_err *err)
{
    /* Every area where the person holds a (current) membership, with all
     * ancestors: staff of any of those places may see them. */
    static const char sql_now[] =
        "WITH RECURSIVE up(id) AS (SELECT o.area_id FROM membership m JOIN organisation o ON o.id = m.org_id WHERE "
        "m.person_id = ?1 AND " DB_CURRENT_MEMBERSHIP("m") " AND o.area_id IS NOT NULL UNION SELECT area.parent_id "
        "FROM area JOIN up ON area.id = up.id WHERE area.parent_id IS NOT NULL) SELECT id FROM up";
    static const char sql_any[] =
        "WITH RECURSIVE up(id) AS (SELECT o.area_id FROM membership m JOIN organisation o ON o.id = m.org_id WHERE "
        "m.person_id = ?1 AND o.area_id IS NOT NULL UNION SELECT area.parent_id FROM area JOIN up ON area.id = up.id "
        "WHERE area.parent_id IS NOT NULL) SELECT id FROM up";
    static const char orgs_now[] =
        "SELECT DISTINCT m.org_id FROM membership m WHERE m.person_id = ?1 AND " DB_CURRENT_MEMBERSHIP("m");
    static const char orgs_any[] = "SELECT DISTINCT m.org_id FROM membership m WHERE m.person_id = ?1";
    *nareas = *norgs = 0;
    sqlite3_stmt *st = db_stmt(c, any_time ? sql_any : sql_now, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *nareas < max)
        areas[(*nareas)++] = sqlite3_column_int64(st, 0);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_fail(c, "person place", err);
    st = db_stmt(c, any_time ? orgs_any : orgs_now, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *norgs < max)
        orgs[(*norgs)++] = sqlite3_column_int64(st, 0);
    return 0;
}

/* ---- memberships ---- */

static int lookup(store_conn *c, const char *sql, const char *code, const char *field, int64_t *out, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    db_bind_text(st, 1, code);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE)
        return tx_err_set_reason(err, 400, "invalid_field", field, M_FIELD_INVALID, 0, 0, field, "未知的编码", "unknown code");
    if (rc != SQLITE_ROW)
        return db_fail(c, "membership lookup", err);
    *out = sqlite3_column_int64(st, 0);
    return 0;
}

static int exists_id(store_conn *c, const char *sql, int64_t id, const char *field, tx_err *err)
{
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW)
        return tx_err_set_reason(err, 400, "invalid_field", field, M_FIELD_INVALID, 0, 0, field, "没有这条记录", "no such record");
    return 0;
}

int store_membership_add(store_conn *c, const store_membership_in *m, int64_t *id_out, tx_err *err)
{
    static const char person_by_code[] = "SELECT id FROM person WHERE code = ?1";
    static const char org_by_code[] = "SELECT id FROM organisation WHERE code = ?1";
    static const char person_by_id[] = "SELECT id FROM person WHERE id = ?1";
    static const char org_by_id[] = "SELECT kind FROM organisation WHERE id = ?1";
    static const char ins[] = "INSERT INTO membership (person_id, org_id, role, represents_org_id, start_date, "
                              "end_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
    int64_t person = m->person_id, org = m->org_id, rep = m->represents_id;
    if (m->person_code ? lookup(c, person_by_code, m->person_code, "person_code", &person, err)
                       : exists_id(c, person_by_id, person, "person_id", err))
        return -1;
    if (m->org_code ? lookup(c, org_by_code, m->org_code, "org_code", &org, err)
                    : exists_id(c, org_by_id, org, "org_id", err))
        return -1;
    if (m->represents_code && *m->represents_code) {
        if (lookup(c, org_by_code, m->represents_code, "represents_code", &rep, err))
            return -1;
    } else if (rep && exists_id(c, org_by_id, rep, "represents_id", err)) {
        return -1;
    }
    if (rep) {
        /* A part-time member represents a member unit (or a property
         * company, which joins as a member unit would). */
        sqlite3_stmt *st = db_stmt(c, org_by_id, err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, rep);
        if (sqlite3_step(st) != SQLITE_ROW)
            return db_fail(c, "membership represents", err);
        const char *kind = (const char *)sqlite3_column_text(st, 0);
        if (strcmp(kind, "member_unit") != 0 && strcmp(kind, "property_company") != 0)
            return tx_err_invalid(err, m->represents_code ? "represents_code" : "represents_id",
                                  "必须是成员单位或物业公司", "must be a member unit or a property company");
    }
    /* The same person, organisation, role and start is the same
     * membership: importing a file twice does not double anyone. */
    static const char same[] = "SELECT id FROM membership WHERE person_id = ?1 AND org_id = ?2 AND role = ?3 AND "
                               "start_date = ?4";
    static const char upd[] = "UPDATE membership SET represents_org_id = ?2, end_date = ?3 WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(c, same, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, person);
    sqlite3_bind_int64(st, 2, org);
    db_bind_text(st, 3, m->role);
    db_bind_text(st, 4, m->start_date);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *id_out = sqlite3_column_int64(st, 0);
        st = db_stmt(c, upd, err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, *id_out);
        db_bind_int_or_null(st, 2, rep, rep == 0);
        db_bind_text(st, 3, m->end_date && *m->end_date ? m->end_date : NULL);
        return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "membership update", err);
    }
    st = db_stmt(c, ins, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, person);
    sqlite3_bind_int64(st, 2, org);
    db_bind_text(st, 3, m->role);
    db_bind_int_or_null(st, 4, rep, rep == 0);
    db_bind_text(st, 5, m->start_date);
    db_bind_text(st, 6, m->end_date && *m->end_date ? m->end_date : NULL);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_fail(c, "membership add", err);
    *id_out = sqlite3_last_insert_rowid(c->db);
    return 0;
}

int store_membership_org(store_conn *c, int64_t id, int64_t *org_id, tx_err *err)
{
    static const char sql[] = "SELECT org_id FROM membership WHERE id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, sql, id, "membership", err);
    if (!st)
        return -1;
    *org_id = sqlite3_column_int64(st, 0);
    return 0;
}

int store_membership_end(store_conn *c, int64_t id, const char *end_date, tx_err *err)
{
    static const char get[] = "SELECT start_date, end_date FROM membership WHERE id = ?1";
    static const char upd[] = "UPDATE membership SET end_date = ?2 WHERE id = ?1";
    sqlite3_stmt *st = db_row_by_id(c, get, id, "membership", err);
    if (!st)
        return -1;
    if (sqlite3_column_type(st, 1) != SQLITE_NULL)
        return tx_err_conflict(err, "already_ended", "end_date", "该成员资格已经结束", "the membership has already ended");
    if (strcmp(end_date, (const char *)sqlite3_column_text(st, 0)) < 0)
        return tx_err_set_reason(err, 400, "invalid_field", "end_date", M_FIELD_INVALID, 0, 0, "end_date", "早于成员资格的开始日期", "before the membership's start");
    st = db_stmt(c, upd, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    db_bind_text(st, 2, end_date);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(c, "membership end", err);
}

/* Current on as_of: started on or before it, and not yet ended (end_date
 * is exclusive: the day someone leaves, they are no longer a member). */
#define CURRENT_ON(m) "(?3 IS NULL OR (" m ".start_date <= ?3 AND (" m ".end_date IS NULL OR " m ".end_date > ?3)))"

int store_membership_list(store_conn *c, int64_t org_id, int64_t person_id, const char *as_of, int with_personal,
                          json_t **out, tx_err *err)
{
    static const char sql[] =
        "SELECT m.id, m.person_id, p.code, p.name, m.org_id, o.code, o.name, m.role, m.represents_org_id, r.code, "
        "r.name, m.start_date, m.end_date FROM membership m JOIN person p ON p.id = m.person_id JOIN organisation o ON "
        "o.id = m.org_id LEFT JOIN organisation r ON r.id = m.represents_org_id WHERE (?1 = 0 OR m.org_id = ?1) AND "
        "(?2 = 0 OR m.person_id = ?2) AND " CURRENT_ON("m") " ORDER BY m.role, m.start_date, m.id";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, person_id);
    db_bind_text(st, 3, as_of);
    json_t *items = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *o = json_pack("{s:I, s:I, s:o, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id",
                              (json_int_t)sqlite3_column_int64(st, 0), "person_id",
                              (json_int_t)sqlite3_column_int64(st, 1), "person_code", db_col_json_text(st, 2), "org_id",
                              (json_int_t)sqlite3_column_int64(st, 4), "org_code", db_col_json_text(st, 5), "org_name",
                              db_col_json_text(st, 6), "role", db_col_json_text(st, 7), "represents_id",
                              db_col_json_int(st, 8), "represents_code", db_col_json_text(st, 9), "represents_name",
                              db_col_json_text(st, 10), "start_date", db_col_json_text(st, 11), "end_date",
                              db_col_json_text(st, 12));
        if (with_personal)
            json_object_set_new(o, "person_name", db_col_json_text(st, 3));
        json_array_append_new(items, o);
    }
    if (rc != SQLITE_DONE) {
        json_decref(items);
        return db_fail(c, "membership list", err);
    }
    *out = json_pack("{s:o}", "items", items);
    return 0;
}

/* Organisations in area ?1 or below it (all when ?1 is 0). */
#define ORGS_IN_AREA                                                                                                   \
    "(?1 = 0 OR org_id IN (SELECT id FROM organisation WHERE area_id IN (WITH RECURSIVE sub(id) AS (SELECT ?1 UNION "  \
    "ALL SELECT area.id FROM area JOIN sub ON area.parent_id = sub.id) SELECT id FROM sub)))"

int store_person_export_csv(store_conn *c, int with_personal, int64_t area_id, char **out, size_t *len, tx_err *err)
{
    /* Cut to an area: people with a current membership there (a former
     * member's phone is no longer that area's to export). */
    static const char sql[] = "SELECT code, name, phone, party_member, notes FROM person WHERE ?1 = 0 OR id IN "
                              "(SELECT m.person_id FROM membership m WHERE " DB_CURRENT_MEMBERSHIP("m") " AND " ORGS_IN_AREA
                              ") ORDER BY id";
    static const char *const header[] = {"code", "name", "phone", "party_member", "notes"};
    char *buf = NULL;
    size_t blen = 0, cap = 0;
    csv_put_row(&buf, &blen, &cap, header, 5);
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st) {
        free(buf);
        return -1;
    }
    sqlite3_bind_int64(st, 1, area_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        csv_put(&buf, &blen, &cap, (const char *)sqlite3_column_text(st, 0), 0);
        csv_put(&buf, &blen, &cap, with_personal ? (const char *)sqlite3_column_text(st, 1) : "", 0);
        csv_put(&buf, &blen, &cap, with_personal ? (const char *)sqlite3_column_text(st, 2) : "", 0);
        csv_put(&buf, &blen, &cap, sqlite3_column_int(st, 3) ? "1" : "0", 0);
        csv_put(&buf, &blen, &cap, with_personal ? (const char *)sqlite3_column_text(st, 4) : "", 1);
    }
    if (rc != SQLITE_DONE) {
        free(buf);
        return db_fail(c, "person export", err);
    }
    *out = buf;
    *len = blen;
    return 0;
}

int store_membership_export_csv(store_conn *c, int64_t area_id, char **out, size_t *len, tx_err *err)
{
    static const char sql[] = "SELECT p.code, o.code, m.role, r.code, m.start_date, m.end_date FROM membership m JOIN "
                              "person p ON p.id = m.person_id JOIN organisation o ON o.id = m.org_id LEFT JOIN "
                              "organisation r ON r.id = m.represents_org_id WHERE " ORGS_IN_AREA " ORDER BY m.id";
    static const char *const header[] = {"person_code", "org_code", "role", "represents_code", "start_date", "end_date"};
    char *buf = NULL;
    size_t blen = 0, cap = 0;
    csv_put_row(&buf, &blen, &cap, header, 6);
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st) {
        free(buf);
        return -1;
    }
    sqlite3_bind_int64(st, 1, area_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (int i = 0; i < 6; i++)
            csv_put(&buf, &blen, &cap, (const char *)sqlite3_column_text(st, i), i == 5);
    if (rc != SQLITE_DONE) {
        free(buf);
        return db_fail(c, "membership export", err);
    }
    *out = buf;
    *len = blen;
    return 0;
}
