/* sqlite/network: the big committee (大党委) of a community and the street's
 * network at a glance, on any day (memberships are dated).
 *
 * A community's big committee is its own cadres plus the part-time members
 * (兼职委员) drawn from member units, and those units. Around it stand the
 * organisations located in the community: compound party branches,
 * owners' committees, property companies, clubs, venues, volunteer teams. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/db.h"

/* Areas under each community (the community itself included). */
#define UNDER_COMMUNITY                                                                                                \
    "WITH RECURSIVE under(id, community) AS (SELECT id, id FROM area WHERE kind = 'community' AND (?1 = 0 OR id = ?1) " \
    "UNION ALL SELECT a.id, u.community FROM area a JOIN under u ON a.parent_id = u.id) "

/* Membership m of a community's party organisation o, current on ?2
 * (end_date is exclusive). */
#define PARTY_KINDS "('community_party_committee', 'community_general_branch', 'community_branch')"
#define CURRENT "m.start_date <= ?2 AND (m.end_date IS NULL OR m.end_date > ?2)"

static json_t *community_json(sqlite3_stmt *st)
{
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0), "code",
                     db_col_json_text(st, 1), "name", db_col_json_text(st, 2), "name_en", db_col_json_text(st, 3),
                     "population_registered", db_col_json_int(st, 4), "population_resident", db_col_json_int(st, 5),
                     "households", db_col_json_int(st, 6), "founded", db_col_json_text(st, 7));
}

/* Per community: {community_id: {counts…}} built from grouped queries. */
static int add_counts(store_conn *c, int64_t community, const char *as_of, json_t *by_id, tx_err *err)
{
    static const char areas_sql[] = UNDER_COMMUNITY "SELECT u.community, a.kind, count(*) FROM area a JOIN under u ON "
                                                    "a.id = u.id WHERE a.kind IN ('grid', 'compound') GROUP BY 1, 2";
    static const char orgs_sql[] = UNDER_COMMUNITY "SELECT u.community, o.kind, count(*) FROM organisation o JOIN "
                                                   "under u ON o.area_id = u.id GROUP BY 1, 2";
    static const char members_sql[] =
        "SELECT o.area_id, CASE WHEN m.role IN ('secretary', 'deputy_secretary') THEN 'cadre' ELSE m.role END, "
        "count(DISTINCT m.person_id), count(DISTINCT m.represents_org_id) FROM membership m "
        "JOIN organisation o ON o.id = m.org_id JOIN area a ON a.id = o.area_id WHERE a.kind = 'community' AND (?1 = 0 "
        "OR a.id = ?1) AND o.kind IN " PARTY_KINDS " AND " CURRENT " GROUP BY 1, 2";
    const char *const sqls[3] = {areas_sql, orgs_sql, members_sql};
    for (int q = 0; q < 3; q++) {
        sqlite3_stmt *st = db_stmt(c, sqls[q], err);
        if (!st)
            return -1;
        sqlite3_bind_int64(st, 1, community);
        if (q == 2)
            db_bind_text(st, 2, as_of);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            char key[24];
            snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
            json_t *counts = json_object_get(by_id, key);
            if (counts == NULL)
                continue;
            const char *kind = (const char *)sqlite3_column_text(st, 1);
            if (q == 0) {
                json_object_set_new(counts, strcmp(kind, "grid") == 0 ? "grids" : "compounds",
                                    json_integer(sqlite3_column_int64(st, 2)));
            } else if (q == 1) {
                json_t *orgs = json_object_get(counts, "organisations");
                json_object_set_new(orgs, kind, json_integer(sqlite3_column_int64(st, 2)));
                if (strcmp(kind, "compound_party_branch") == 0)
                    json_object_set_new(counts, "compound_party_branches", json_integer(sqlite3_column_int64(st, 2)));
            } else if (strcmp(kind, "part_time_member") == 0) {
                json_object_set_new(counts, "part_time_members", json_integer(sqlite3_column_int64(st, 2)));
                json_object_set_new(counts, "member_units", json_integer(sqlite3_column_int64(st, 3)));
            } else if (strcmp(kind, "cadre") == 0) {
                json_object_set_new(counts, "cadres", json_integer(sqlite3_column_int64(st, 2)));
            } else if (strcmp(kind, "grid_worker") == 0) {
                json_object_set_new(counts, "grid_workers", json_integer(sqlite3_column_int64(st, 2)));
            }
        }
        if (rc != SQLITE_DONE)
            return db_fail(c, "network counts", err);
    }
    return 0;
}

static json_t *zero_counts(void)
{
    return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:o}", "grids", 0, "compounds", 0, "cadres", 0,
                     "grid_workers", 0, "part_time_members", 0, "member_units", 0, "compound_party_branches", 0,
                     "organisations", json_object());
}

#define COMMUNITY_COLS "id, code, name, name_en, population_registered, population_resident, households, founded"

int store_network_overview(store_conn *c, const char *as_of, json_t **out, tx_err *err)
{
    static const char sql[] = "SELECT " COMMUNITY_COLS " FROM area WHERE kind = 'community' ORDER BY code";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    json_t *by_id = json_object(), *list = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *cj = community_json(st);
        json_t *counts = zero_counts();
        json_object_set(cj, "counts", counts);
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)sqlite3_column_int64(st, 0));
        json_object_set_new(by_id, key, counts);
        json_array_append_new(list, cj);
    }
    if (rc != SQLITE_DONE || add_counts(c, 0, as_of, by_id, err)) {
        json_decref(by_id);
        json_decref(list);
        return rc != SQLITE_DONE ? db_fail(c, "network overview", err) : -1;
    }
    json_decref(by_id);
    /* Street totals: the sums of the per-community figures. */
    json_t *totals = zero_counts();
    json_object_set_new(totals, "communities", json_integer((json_int_t)json_array_size(list)));
    size_t i;
    json_t *cj;
    json_array_foreach(list, i, cj)
    {
        json_t *counts = json_object_get(cj, "counts");
        const char *k;
        json_t *v;
        json_object_foreach(counts, k, v)
        {
            if (json_is_integer(v)) {
                json_t *t = json_object_get(totals, k);
                json_object_set_new(totals, k, json_integer(json_integer_value(t) + json_integer_value(v)));
            } else if (json_is_object(v)) {
                json_t *torgs = json_object_get(totals, "organisations");
                const char *ok;
                json_t *ov;
                json_object_foreach(v, ok, ov) json_object_set_new(
                    torgs, ok, json_integer(json_integer_value(json_object_get(torgs, ok)) + json_integer_value(ov)));
            }
        }
    }
    *out = json_pack("{s:s, s:o, s:o}", "as_of", as_of, "totals", totals, "communities", list);
    return 0;
}

/* Organisations of the given kinds located in the community or below. */
static int orgs_in(store_conn *c, int64_t community, const char *kind, json_t **out, tx_err *err)
{
    static const char sql[] = UNDER_COMMUNITY
        "SELECT o.id, o.code, o.name, o.unit_type, a.id, a.code, a.name, a.kind FROM organisation o JOIN under u ON "
        "o.area_id = u.id JOIN area a ON a.id = o.area_id WHERE o.kind = ?2 ORDER BY a.code, o.code";
    sqlite3_stmt *st = db_stmt(c, sql, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, community);
    db_bind_text(st, 2, kind);
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(arr, json_pack("{s:I, s:o, s:o, s:o, s:{s:I, s:o, s:o, s:o}}", "id",
                                             (json_int_t)sqlite3_column_int64(st, 0), "code", db_col_json_text(st, 1),
                                             "name", db_col_json_text(st, 2), "unit_type", db_col_json_text(st, 3),
                                             "area", "id", (json_int_t)sqlite3_column_int64(st, 4), "code",
                                             db_col_json_text(st, 5), "name", db_col_json_text(st, 6), "kind",
                                             db_col_json_text(st, 7)));
    if (rc != SQLITE_DONE) {
        json_decref(arr);
        return db_fail(c, "network orgs", err);
    }
    *out = arr;
    return 0;
}

/* People in a list of memberships, each counted once (someone may sit on a
 * committee for two units), as the overview counts them. */
static json_int_t distinct_persons(json_t *list)
{
    json_t *seen = json_object();
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m)
    {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(m, "person_id")));
        json_object_set_new(seen, key, json_true());
    }
    json_int_t n = (json_int_t)json_object_size(seen);
    json_decref(seen);
    return n;
}

int store_network_community(store_conn *c, int64_t community_id, const char *as_of, json_t **out, tx_err *err)
{
    static const char comm_sql[] = "SELECT " COMMUNITY_COLS " FROM area WHERE id = ?1 AND kind = 'community'";
    static const char party_sql[] =
        "SELECT id, code, name, kind FROM organisation WHERE area_id = ?1 AND kind IN " PARTY_KINDS " ORDER BY id";
    static const char members_sql[] =
        "SELECT m.id, m.role, p.id, p.name, r.id, r.code, r.name, r.unit_type, r.kind, m.start_date, m.end_date FROM "
        "membership m JOIN person p ON p.id = m.person_id JOIN organisation o ON o.id = m.org_id LEFT JOIN organisation "
        "r ON r.id = m.represents_org_id WHERE o.area_id = ?1 AND o.kind IN " PARTY_KINDS " AND " CURRENT
        " ORDER BY m.role, r.code, p.id";
    sqlite3_stmt *st = db_row_by_id(c, comm_sql, community_id, "community", err);
    if (!st)
        return -1;
    json_t *community = community_json(st);
    json_t *party = json_array(), *cadres = json_array(), *ptm = json_array(), *grid_workers = json_array();
    json_t *units = json_object(); /* unit_type → [units] */
    json_t *result = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "as_of", as_of, "community", community,
                               "party_organisations", party, "cadres", cadres, "part_time_members", ptm,
                               "grid_workers", grid_workers, "member_units", units);
    st = db_stmt(c, party_sql, err);
    if (!st)
        goto fail;
    sqlite3_bind_int64(st, 1, community_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(party, json_pack("{s:I, s:o, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 0),
                                               "code", db_col_json_text(st, 1), "name", db_col_json_text(st, 2), "kind",
                                               db_col_json_text(st, 3)));
    st = db_stmt(c, members_sql, err);
    if (!st)
        goto fail;
    sqlite3_bind_int64(st, 1, community_id);
    db_bind_text(st, 2, as_of);
    json_t *seen_units = json_object();
    json_t *cadre_by_person = json_object(); /* one entry per person, with all their roles */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *role = (const char *)sqlite3_column_text(st, 1);
        /* Office holders' names are public (the article names them);
         * phones never appear here. */
        json_t *m = json_pack("{s:I, s:I, s:o, s:o}", "membership_id", (json_int_t)sqlite3_column_int64(st, 0),
                              "person_id", (json_int_t)sqlite3_column_int64(st, 2), "name", db_col_json_text(st, 3),
                              "since", db_col_json_text(st, 9));
        if (strcmp(role, "part_time_member") == 0) {
            if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
                json_object_set_new(m, "represents",
                                    json_pack("{s:I, s:o, s:o, s:o}", "id", (json_int_t)sqlite3_column_int64(st, 4),
                                              "code", db_col_json_text(st, 5), "name", db_col_json_text(st, 6),
                                              "unit_type", db_col_json_text(st, 7)));
                const char *code = (const char *)sqlite3_column_text(st, 5);
                if (json_object_get(seen_units, code) == NULL) {
                    json_object_set_new(seen_units, code, json_true());
                    const char *type = sqlite3_column_type(st, 7) != SQLITE_NULL
                                           ? (const char *)sqlite3_column_text(st, 7)
                                           : (const char *)sqlite3_column_text(st, 8);
                    json_t *list = json_object_get(units, type);
                    if (list == NULL) {
                        list = json_array();
                        json_object_set_new(units, type, list);
                    }
                    json_array_append_new(list, json_pack("{s:I, s:o, s:o}", "id",
                                                          (json_int_t)sqlite3_column_int64(st, 4), "code",
                                                          db_col_json_text(st, 5), "name", db_col_json_text(st, 6)));
                }
            }
            json_array_append_new(ptm, m);
        } else if (strcmp(role, "cadre") == 0 || strcmp(role, "secretary") == 0 ||
                   strcmp(role, "deputy_secretary") == 0) {
            char pkey[24];
            snprintf(pkey, sizeof pkey, "%lld", (long long)sqlite3_column_int64(st, 2));
            json_t *entry = json_object_get(cadre_by_person, pkey);
            if (entry == NULL) {
                json_object_set_new(m, "roles", json_array());
                json_object_set(cadre_by_person, pkey, m);
                json_array_append_new(cadres, m);
                entry = m;
            } else {
                json_decref(m);
            }
            json_array_append_new(json_object_get(entry, "roles"), json_string(role));
        } else if (strcmp(role, "grid_worker") == 0) {
            json_array_append_new(grid_workers, m);
        } else {
            json_decref(m);
        }
    }
    json_decref(seen_units);
    json_decref(cadre_by_person);
    if (rc != SQLITE_DONE) {
        db_fail(c, "network members", err);
        goto fail;
    }
    static const char *const around[][2] = {
        {"compound_party_branches", "compound_party_branch"},
        {"owners_committees", "owners_committee"},
        {"property_companies", "property_company"},
        {"associations", "association"},
        {"venues", "venue"},
        {"volunteer_teams", "volunteer_team"},
        {"womens_federations", "womens_federation"},
    };
    json_t *counts = json_object();
    for (size_t i = 0; i < sizeof around / sizeof around[0]; i++) {
        json_t *arr = NULL;
        if (orgs_in(c, community_id, around[i][1], &arr, err)) {
            json_decref(counts);
            goto fail;
        }
        json_object_set_new(counts, around[i][0], json_integer((json_int_t)json_array_size(arr)));
        json_object_set_new(result, around[i][0], arr);
    }
    size_t nunits = 0;
    const char *k;
    json_t *v;
    json_object_foreach(units, k, v) nunits += json_array_size(v);
    json_object_set_new(counts, "cadres", json_integer((json_int_t)json_array_size(cadres)));
    json_object_set_new(counts, "part_time_members", json_integer(distinct_persons(ptm)));
    json_object_set_new(counts, "member_units", json_integer((json_int_t)nunits));
    json_object_set_new(counts, "grid_workers", json_integer(distinct_persons(grid_workers)));
    json_t *by_type = json_object();
    json_object_foreach(units, k, v) json_object_set_new(by_type, k, json_integer((json_int_t)json_array_size(v)));
    json_object_set_new(counts, "member_units_by_type", by_type);
    json_object_set_new(result, "counts", counts);
    *out = result;
    return 0;
fail:
    json_decref(result);
    return -1;
}
