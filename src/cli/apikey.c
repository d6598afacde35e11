/* apikey: API keys for programs (a city's 12345 platform, an Open311
 * client). The key is printed once, as the last line of stdout; only its
 * hash is stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"
#include "cli/cli.h"
#include "cli/opts.h"

static const char help[] =
    "Usage: tongxin apikey create --name N [--role R --scope CODE] [--db URL]\n"
    "       tongxin apikey list [--json] [--db URL]\n"
    "       tongxin apikey revoke --id ID [--db URL]\n\n"
    "create prints the new key as the last line of standard output; keep it, it is\n"
    "not shown again (only a hash is stored). Without --role the key is an API\n"
    "client: it reads what is public and submits reports (native API, Open311). With --role\n"
    "and --scope it acts as that staff role (see 'tongxin user --help').\n";

typedef struct {
    const char *name, *scope_code, *hash, *prefix;
    tx_role role;
    int64_t id;
    json_t *list;
} key_args;

static int do_create(store_conn *c, void *arg, tx_err *err)
{
    key_args *a = arg;
    tx_scope scope = {0};
    if (a->role != TX_ROLE_API_CLIENT && store_scope_resolve(c, a->role, a->scope_code, &scope, err))
        return -1;
    return store_apikey_create(c, a->name, a->hash, a->prefix, a->role, &scope, &a->id, err) ||
                   store_audit(c, "cli", "apikey_create", "api_key", a->id, a->name, err)
               ? -1
               : 0;
}

static int do_list(store_conn *c, void *arg, tx_err *err)
{
    return store_apikey_list(c, &((key_args *)arg)->list, err);
}

static int do_revoke(store_conn *c, void *arg, tx_err *err)
{
    key_args *a = arg;
    return store_apikey_revoke(c, a->id, err) || store_audit(c, "cli", "apikey_revoke", "api_key", a->id, NULL, err)
               ? -1
               : 0;
}

int cli_apikey(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB, *name = NULL, *role = NULL, *scope = NULL, *id = NULL, *as_json = NULL;
    const cli_opt opts[] = {{"db", 1, &db},       {"name", 1, &name}, {"role", 1, &role}, {"scope", 1, &scope},
                            {"id", 1, &id},       {"json", 0, &as_json}, {NULL, 0, NULL}};
    const char *pos[1];
    int npos, rc = cli_parse(argc, argv, opts, pos, 1, &npos);
    if (rc || npos != 1) {
        fputs(help, rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    key_args a = {.name = name, .scope_code = scope, .role = TX_ROLE_API_CLIENT};
    char key[TX_TOKEN_LEN + 4], hash[TX_TOKEN_HASH_LEN + 1], prefix[12];
    int (*fn)(store_conn *, void *, tx_err *);
    int write = 1;
    if (strcmp(pos[0], "create") == 0) {
        if (!name || !*name || strlen(name) > 64) {
            fprintf(stderr, "tongxin apikey create: --name (1-64 characters) is required\n");
            return 2;
        }
        if (role && tx_role_parse(role, &a.role)) {
            fprintf(stderr, "tongxin apikey create: unknown --role '%s'\n", role);
            return 2;
        }
        /* "tx_" marks the string as a tongxin key in logs and scanners. */
        char raw[TX_TOKEN_LEN + 1];
        tx_token_new(raw);
        snprintf(key, sizeof key, "tx_%s", raw);
        tx_token_hash(key, strlen(key), hash);
        snprintf(prefix, sizeof prefix, "%.10s", key);
        a.hash = hash;
        a.prefix = prefix;
        fn = do_create;
    } else if (strcmp(pos[0], "list") == 0) {
        fn = do_list;
        write = 0;
    } else if (strcmp(pos[0], "revoke") == 0) {
        char *end = NULL;
        a.id = id ? strtoll(id, &end, 10) : 0;
        if (a.id <= 0 || *end) {
            fprintf(stderr, "tongxin apikey revoke: --id must be a key id (see 'tongxin apikey list')\n");
            return 2;
        }
        fn = do_revoke;
    } else {
        fprintf(stderr, "tongxin apikey: unknown action '%s' (create, list, revoke)\n", pos[0]);
        return 2;
    }
    if (cli_run(db, write, fn, &a))
        return 1;
    if (fn == do_create) {
        printf("API key %lld (%s) created; it is shown only now:\n%s\n", (long long)a.id, name, key);
    } else if (fn == do_revoke) {
        printf("API key %lld revoked\n", (long long)a.id);
    } else {
        if (as_json) {
            char *t = json_dumps(a.list, JSON_INDENT(2));
            puts(t);
            free(t);
        } else {
            size_t i;
            json_t *k;
            json_array_foreach(a.list, i, k) printf("%-6lld %-32s %-12s %-16s %s\n",
                                                    (long long)json_integer_value(json_object_get(k, "id")),
                                                    json_string_value(json_object_get(k, "name")),
                                                    json_string_value(json_object_get(k, "prefix")),
                                                    json_string_value(json_object_get(k, "role")),
                                                    json_is_null(json_object_get(k, "revoked_at")) ? "active" : "revoked");
        }
        json_decref(a.list);
    }
    return 0;
}
