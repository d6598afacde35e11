/* io/areas: the areas GeoJSON format (RFC 7946 FeatureCollection), in and
 * out. An import is checked whole — every property, every parent, every
 * geometry against the areas already stored — before anything is written,
 * and then written in one transaction: all or nothing. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "geo/geo.h"
#include "io/io.h"

/* Properties with a column of their own; any others are kept in extra. */
static const char *const known_props[] = {"kind",    "code",     "name",  "name_en", "parent_code",
                                          "population_registered", "population_resident",
                                          "households", "founded", "notes", "id", "parent_id", NULL};

static int fail_feature(tx_err *err, int index, const char *prop, const char *zh, const char *en)
{
    char field[64];
    snprintf(field, sizeof field, "features[%d].%s", index, prop);
    return tx_err_set_reason(err, 400, "invalid_import", field, M_IMPORT_FEATURE, index, 0, prop, zh, en);
}

int io_valid_code(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return 0;
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
            return 0;
    return 1;
}

int io_valid_text(const char *s, size_t max_chars, int multiline)
{
    size_t len = strlen(s), chars = 0;
    if (!tx_utf8_valid(s, len))
        return 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || c == 0x7f)
            return 0;
        if (c == 0xC2 && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0x9F)
            return 0; /* C1 controls, U+0080-U+009F */
        chars += (c & 0xC0) != 0x80;
    }
    return chars <= max_chars;
}

/* n decimal digits at s, no sign, no space. */
static int digits_at(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

int io_valid_date(const char *s, int allow_month)
{
    int y, m, d;
    size_t len = strlen(s);
    if (allow_month && len == 7)
        return digits_at(s, 4, &y) && s[4] == '-' && digits_at(s + 5, 2, &m) && y >= 1900 && y <= 2200 && m >= 1 &&
               m <= 12;
    if (len != 10 || s[4] != '-' || s[7] != '-' || !digits_at(s, 4, &y) || !digits_at(s + 5, 2, &m) ||
        !digits_at(s + 8, 2, &d))
        return 0;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
        return 0;
    return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* One feature read into a store_area_in; strings point into the JSON. */
typedef struct {
    store_area_in in;
    char *geometry_text; /* owned */
    char *extra_text;    /* owned */
    tx_area_kind kind;
} feature;

static int opt_string(json_t *props, const char *key, int index, size_t max, int multiline, const char **out,
                      tx_err *err)
{
    json_t *v = json_object_get(props, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v) || !io_valid_text(json_string_value(v), max, multiline) ||
        strlen(json_string_value(v)) != json_string_length(v))
        return fail_feature(err, index, key, "必须是不含控制字符、长度合适的文本", "must be text without control characters, not too long");
    *out = json_string_value(v);
    return 0;
}

static int opt_count(json_t *props, const char *key, int index, int64_t *out, int *has, tx_err *err)
{
    json_t *v = json_object_get(props, key);
    *has = 0;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 100000000)
        return fail_feature(err, index, key, "必须是非负整数", "must be a non-negative integer");
    *out = json_integer_value(v);
    *has = 1;
    return 0;
}

static int read_feature(json_t *f, int index, feature *out, tx_err *err)
{
    memset(out, 0, sizeof *out);
    if (!json_is_object(f) || !json_is_string(json_object_get(f, "type")) ||
        strcmp(json_string_value(json_object_get(f, "type")), "Feature") != 0)
        return fail_feature(err, index, "type", "必须是 GeoJSON Feature", "must be a GeoJSON Feature");
    json_t *props = json_object_get(f, "properties");
    if (!json_is_object(props))
        return fail_feature(err, index, "properties", "必须是对象", "must be an object");
    store_area_in *a = &out->in;
    const char *kind;
    if (opt_string(props, "kind", index, 32, 0, &kind, err))
        return -1;
    if (kind == NULL || tx_area_kind_parse(kind, &out->kind))
        return fail_feature(err, index, "kind", "必须是 city、district、street、community、grid 或 compound",
                            "must be city, district, street, community, grid or compound");
    a->kind = kind;
    if (opt_string(props, "code", index, 64, 0, &a->code, err))
        return -1;
    if (a->code == NULL || !io_valid_code(a->code))
        return fail_feature(err, index, "code", "必须是 1-64 个字母、数字或 - _ .", "must be 1-64 letters, digits or - _ .");
    if (opt_string(props, "name", index, 100, 0, &a->name, err))
        return -1;
    if (a->name == NULL || *a->name == '\0')
        return fail_feature(err, index, "name", "必填", "is required");
    if (opt_string(props, "name_en", index, 200, 0, &a->name_en, err) ||
        opt_string(props, "parent_code", index, 64, 0, &a->parent_code, err) ||
        opt_string(props, "founded", index, 10, 0, &a->founded, err) ||
        opt_string(props, "notes", index, 2000, 1, &a->notes, err) ||
        opt_count(props, "population_registered", index, &a->population_registered, &a->has_population_registered,
                  err) ||
        opt_count(props, "population_resident", index, &a->population_resident, &a->has_population_resident, err) ||
        opt_count(props, "households", index, &a->households, &a->has_households, err))
        return -1;
    if (a->founded && !io_valid_date(a->founded, 1))
        return fail_feature(err, index, "founded", "必须是 YYYY-MM 或 YYYY-MM-DD", "must be YYYY-MM or YYYY-MM-DD");
    json_t *extra = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(props, k, v)
    {
        int known = 0;
        for (const char *const *p = known_props; *p && !known; p++)
            known = strcmp(*p, k) == 0;
        if (!known)
            json_object_set(extra, k, v);
    }
    if (json_object_size(extra))
        out->extra_text = json_dumps(extra, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(extra);
    a->extra = out->extra_text;
    json_t *geom = json_object_get(f, "geometry");
    if (geom && !json_is_null(geom)) {
        if (!json_is_object(geom))
            return fail_feature(err, index, "geometry", "必须是 Polygon 或 MultiPolygon", "must be a Polygon or MultiPolygon");
        out->geometry_text = json_dumps(geom, JSON_COMPACT | JSON_PRESERVE_ORDER);
        a->geometry = out->geometry_text;
    }
    return 0;
}

static void free_features(feature *fs, int n)
{
    for (int i = 0; i < n; i++) {
        free(fs[i].geometry_text);
        free(fs[i].extra_text);
    }
    free(fs);
}

static int kind_rank(const char *kind)
{
    tx_area_kind k;
    return tx_area_kind_parse(kind, &k) ? 99 : (int)k;
}

int io_import_areas(store_conn *c, json_t *doc, int *count, tx_err *err)
{
    *count = 0;
    json_t *features = json_object_get(doc, "features");
    if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "type")) ||
        strcmp(json_string_value(json_object_get(doc, "type")), "FeatureCollection") != 0 || !json_is_array(features))
        return tx_err_set_reason(err, 400, "invalid_import", "type", M_IMPORT_FILE, 0, 0, NULL,
                                 "文件必须是 GeoJSON FeatureCollection", "the file must be a GeoJSON FeatureCollection");
    int n = (int)json_array_size(features);
    feature *fs = calloc((size_t)(n ? n : 1), sizeof *fs);
    json_t *rows = NULL, *codes = json_object();
    geo_area *all = NULL;
    int rc = -1;
    if (fs == NULL) {
        json_decref(codes);
        return tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
    }
    for (int i = 0; i < n; i++) {
        if (read_feature(json_array_get(features, (size_t)i), i, &fs[i], err))
            goto done;
        if (json_object_get(codes, fs[i].in.code)) {
            fail_feature(err, i, "code", "文件中重复", "appears twice in the file");
            goto done;
        }
        json_object_set_new(codes, fs[i].in.code, json_integer(i));
    }
    /* The areas after the import: what is stored, overlaid by the file
     * (same code replaces). Index i < n is feature i; the rest are stored
     * areas the file leaves alone. */
    if (store_area_rows(c, &rows, err))
        goto done;
    int nrows = (int)json_array_size(rows);
    all = calloc((size_t)(n + nrows + 1), sizeof *all);
    const char **parent_codes = calloc((size_t)(n + nrows + 1), sizeof *parent_codes);
    if (all == NULL || parent_codes == NULL) {
        free(parent_codes);
        tx_err_set(err, 500, "internal", NULL, M_INTERNAL);
        goto done;
    }
    json_t *index_of = json_object(); /* code → index in all */
    json_t *id_to_code = json_object();
    for (int i = 0; i < n; i++) {
        all[i] = (geo_area){.id = 0, .kind = fs[i].kind, .parent = -1, .code = fs[i].in.code,
                            .geometry = fs[i].in.geometry};
        parent_codes[i] = fs[i].in.parent_code;
        json_object_set_new(index_of, fs[i].in.code, json_integer(i));
    }
    size_t r;
    json_t *row;
    json_array_foreach(rows, r, row)
    {
        char idkey[24];
        snprintf(idkey, sizeof idkey, "%lld", (long long)json_integer_value(json_array_get(row, 0)));
        json_object_set(id_to_code, idkey, json_array_get(row, 3));
    }
    int m = n;
    json_array_foreach(rows, r, row)
    {
        const char *code = json_string_value(json_array_get(row, 3));
        if (json_object_get(index_of, code))
            continue;
        tx_area_kind k;
        if (tx_area_kind_parse(json_string_value(json_array_get(row, 1)), &k))
            continue; /* the schema's CHECK allows only known kinds */
        char pkey[24];
        snprintf(pkey, sizeof pkey, "%lld", (long long)json_integer_value(json_array_get(row, 2)));
        all[m] = (geo_area){.id = json_integer_value(json_array_get(row, 0)), .kind = k, .parent = -1, .code = code,
                            .geometry = json_string_value(json_array_get(row, 5))};
        parent_codes[m] = json_string_value(json_object_get(id_to_code, pkey));
        json_object_set_new(index_of, code, json_integer(m));
        m++;
    }
    int ok = 1;
    for (int i = 0; i < m && ok; i++) {
        if (parent_codes[i] == NULL || *parent_codes[i] == '\0')
            continue;
        json_t *pi = json_object_get(index_of, parent_codes[i]);
        int want = tx_area_parent_kind(all[i].kind);
        char zh[160], en[160];
        if (pi == NULL) {
            snprintf(zh, sizeof zh, "没有这个编码的区域");
            snprintf(en, sizeof en, "no area has this code");
            ok = 0;
        } else {
            all[i].parent = (int)json_integer_value(pi);
            if (want < 0) {
                snprintf(zh, sizeof zh, "市级区域没有上级");
                snprintf(en, sizeof en, "a city has no parent");
                ok = 0;
            } else if (want != (int)all[all[i].parent].kind) {
                snprintf(zh, sizeof zh, "%s的上级必须是%s", tx_area_kind_name(all[i].kind, 0),
                         tx_area_kind_name((tx_area_kind)want, 0));
                snprintf(en, sizeof en, "the parent of a %s must be a %s", tx_area_kind_code(all[i].kind),
                         tx_area_kind_code((tx_area_kind)want));
                ok = 0;
            }
        }
        if (!ok && i < n) {
            fail_feature(err, i, "parent_code", zh, en);
        } else if (!ok) {
            /* A stored area the file leaves alone lost its fit (its parent
             * changed kind in this file): name it, not a feature index. */
            char zh2[320], en2[320];
            snprintf(zh2, sizeof zh2, "已有区域 %s 将不再符合层级：%s", all[i].code, zh);
            snprintf(en2, sizeof en2, "stored area %s would no longer fit the hierarchy: %s", all[i].code, en);
            tx_err_set_reason(err, 400, "invalid_import", "features", M_IMPORT_FILE, 0, 0, NULL, zh2, en2);
        }
    }
    json_decref(index_of);
    json_decref(id_to_code);
    free(parent_codes);
    if (!ok)
        goto done;
    geo_problem prob;
    if (geo_validate(all, m, IO_GEO_TOLERANCE_M, &prob)) {
        if (prob.index < n) {
            fail_feature(err, prob.index, prob.property, prob.message[0], prob.message[1]);
        } else {
            char zh[400], en[400];
            snprintf(zh, sizeof zh, "与已有区域 %s 冲突：%s", all[prob.index].code, prob.message[0]);
            snprintf(en, sizeof en, "conflicts with stored area %s: %s", all[prob.index].code, prob.message[1]);
            tx_err_set_reason(err, 400, "invalid_import", "features", M_IMPORT_FILE, 0, 0, NULL, zh, en);
        }
        goto done;
    }
    /* Parents first: kinds in hierarchy order, file order within a kind. */
    for (int rank = 0; rank < TX_AREA__COUNT; rank++)
        for (int i = 0; i < n; i++) {
            if (kind_rank(fs[i].in.kind) != rank)
                continue;
            int64_t id;
            if (store_area_put(c, &fs[i].in, 1, &id, err)) {
                /* Name the feature the store refused. */
                if (err->status == 400) {
                    tx_err why = *err;
                    fail_feature(err, i, why.field[0] ? why.field : "code", why.msg[0], why.msg[1]);
                }
                goto done;
            }
        }
    *count = n;
    rc = 0;
done:
    json_decref(rows);
    json_decref(codes);
    free(all);
    free_features(fs, n);
    return rc;
}
