/* photos: pictures of a case — the reporter's with the report, the
 * handler's with what was done. Uploaded as multipart/form-data (field
 * "photo", one or more), checked by their bytes (JPEG, PNG, WebP), stored on
 * disk by content hash (io/photos.h) on a reader, then recorded on the
 * case by the writer. Served back only to those who may see the case whole
 * or hold its tracking token: a photo can show faces and doorways. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "base/secret.h"
#include "io/photos.h"

#define PHOTOS_PER_UPLOAD 6

static char photo_dir[512] = "photos";
static size_t photo_max = 8u << 20;

void api_photos_configure(const char *dir, size_t max_bytes)
{
    if (dir && *dir)
        snprintf(photo_dir, sizeof photo_dir, "%s", dir);
    if (max_bytes)
        photo_max = max_bytes;
}

typedef struct {
    int n;
    char hash[PHOTOS_PER_UPLOAD][65];
    const char *mime[PHOTOS_PER_UPLOAD];
    size_t bytes[PHOTOS_PER_UPLOAD];
} upload;

/* Who may add photos, or see them: staff who see the case whole, or the
 * holder of its tracking token. */
static int may_see(tx_call *call, store_conn *c, int64_t id)
{
    store_case_state b;
    if (store_case_load(c, id, &b, &call->err))
        return -1;
    const char *token = call_query(call, "token");
    if (token && *token) {
        char h[TX_TOKEN_HASH_LEN + 1];
        tx_token_hash(token, strlen(token), h);
        if (tx_secret_equal(h, strlen(h), b.token_hash, strlen(b.token_hash)))
            return 0;
        return tx_err_set(&call->err, 403, "bad_token", "token", M_CASE_TOKEN);
    }
    if (api_case_staff_sees(&call->who, &b.snap))
        return 0;
    if (call->who.role == TX_ROLE_ANONYMOUS)
        return tx_err_set(&call->err, 401, "unauthenticated", NULL, M_AUTH_REQUIRED);
    return tx_err_set(&call->err, 403, "forbidden", NULL, M_FORBIDDEN, tx_role_name(call->who.role),
                      tx_action_label(TX_ACT_CASE_QUEUE, call->lang));
}

static int record(tx_call *call, store_conn *c)
{
    upload *u = call->carry;
    int64_t id;
    if (call_param_id(call, 0, &id))
        return -1;
    json_t *a = json_array();
    for (int i = 0; i < u->n; i++) {
        if (store_case_add_photo(c, id, 0, u->hash[i], u->mime[i], (int64_t)u->bytes[i], call->now_ms, &call->err)) {
            json_decref(a);
            return -1;
        }
        json_array_append_new(a, json_pack("{s:s, s:s, s:I}", "hash", u->hash[i], "mime", u->mime[i], "bytes",
                                           (json_int_t)u->bytes[i]));
    }
    return call_json(call, 201, json_pack("{s:o}", "items", a));
}

/* POST /api/v1/cases/{id}/photos[?token=T]: reader half. */
int api_photos_upload(tx_call *call, store_conn *c)
{
    int64_t id;
    if (call_param_id(call, 0, &id) || may_see(call, c, id))
        return -1;
    http_multipart_part parts[PHOTOS_PER_UPLOAD + 4];
    int n;
    if (call_multipart_parts(call, parts, PHOTOS_PER_UPLOAD + 4, &n))
        return -1;
    upload *u = calloc(1, sizeof *u);
    if (u == NULL)
        return tx_err_set(&call->err, 500, "internal", NULL, M_INTERNAL);
    call->carry = u;
    call->carry_free = free;
    for (int i = 0; i < n; i++) {
        if (strcmp(parts[i].name, "photo") != 0)
            continue;
        if (u->n == PHOTOS_PER_UPLOAD)
            return tx_err_invalid(&call->err, "photo", "一次最多 6 张", "at most 6 at a time");
        if (photos_check(parts[i].data, parts[i].len, photo_max, &u->mime[u->n], &call->err) ||
            photos_store(photo_dir, parts[i].data, parts[i].len, u->hash[u->n], &call->err)) {
            snprintf(call->err.field, sizeof call->err.field, "photo");
            return -1;
        }
        u->bytes[u->n++] = parts[i].len;
    }
    if (u->n == 0)
        return tx_err_set(&call->err, 400, "missing_field", "photo", M_FIELD_REQUIRED, "photo");
    call->then_write = record;
    return 0;
}

/* GET /api/v1/cases/{id}/photos/{hash}[?token=T] */
int api_photos_get(tx_call *call, store_conn *c)
{
    int64_t id;
    char mime[32];
    if (call_param_id(call, 0, &id) || may_see(call, c, id))
        return -1;
    if (!photos_valid_hash(call->params[1]) || store_case_photo(c, id, call->params[1], mime, &call->err))
        return tx_err_set(&call->err, 404, "not_found", NULL, M_PHOTO_NOT_FOUND);
    char *data;
    size_t len;
    if (photos_read(photo_dir, call->params[1], &data, &len, &call->err))
        return -1;
    static const char *const types[] = {"image/jpeg", "image/png", "image/webp"};
    call->out_type = "application/octet-stream";
    for (int i = 0; i < 3; i++)
        if (strcmp(mime, types[i]) == 0)
            call->out_type = types[i];
    call->status = 200;
    call->out_raw = data;
    call->out_raw_len = len;
    return 0;
}
