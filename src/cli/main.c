/* cli/main: the subcommand table, top-level help, and helpers the
 * subcommands share (opening the store, printing errors, progress). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/secret.h"
#include "cli/cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
    {"serve", cli_serve, "serve the API and the web app"},
    {"init", cli_init, "create or migrate the database schema"},
    {"demo", cli_demo, "initialise and load the demo street (Danshui)"},
    {"stats", cli_stats, "count what is in the database"},
    {"user", cli_user, "add, list, change or disable user accounts"},
    {"apikey", cli_apikey, "create, list or revoke API keys"},
    {"import", cli_import, "import data from files (areas GeoJSON; organisations, people, memberships, calendar, hotline cases CSV; case catalogue JSON)"},
    {"export", cli_export, "export data to files"},
    {"sla", cli_sla, "run the SLA sweep (reminders, escalation, auto-close) once"},
};

static void usage(FILE *f)
{
    fprintf(f, "tongxin (同心) — community co-governance platform\n\n"
               "Usage: tongxin COMMAND [--db URL] [options]\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nEvery command takes --db URL (default %s; sqlite:PATH or a path).\n"
               "Run 'tongxin COMMAND --help' for a command's options.\n",
            CLI_DEFAULT_DB);
}

int cli_main(int argc, char **argv)
{
    if (tx_secret_init()) {
        fprintf(stderr, "tongxin: cannot initialise libsodium\n");
        return 1;
    }
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "tongxin: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}

void cli_print_err(const tx_err *err)
{
    fprintf(stderr, "tongxin: %s\n", err->msg[TX_LANG_EN]);
}

store *cli_open_store(const char *url, int migrate)
{
    store *s = NULL;
    tx_err err;
    tx_err_clear(&err);
    store_options opt = {.create = migrate};
    if (store_open(url, &opt, &s, &err)) {
        /* store_open already explained unsupported URLs and newer schemas. */
        if (strcmp(err.code, "unsupported_store") != 0 && strcmp(err.code, "schema_too_new") != 0)
            fprintf(stderr, "tongxin: cannot open the database %s%s\n", url,
                    migrate ? "" : " (run 'tongxin init' first?)");
        return NULL;
    }
    if (migrate) {
        int applied;
        if (store_migrate(s, &applied, &err)) {
            cli_print_err(&err);
            store_close(s);
            return NULL;
        }
        if (applied)
            fprintf(stderr, "tongxin: schema migrated to version %d (%d migration%s applied)\n",
                    store_schema_version(s), applied, applied == 1 ? "" : "s");
    } else if (store_schema_version(s) < store_schema_latest()) {
        fprintf(stderr, "tongxin: the database %s is at schema version %d; run 'tongxin init --db %s' to migrate it\n",
                url, store_schema_version(s), url);
        store_close(s);
        return NULL;
    }
    return s;
}

int cli_run(const char *url, int write, int (*fn)(store_conn *c, void *arg, tx_err *err), void *arg)
{
    store *s = cli_open_store(url, 0);
    if (s == NULL)
        return 1;
    tx_err err;
    tx_err_clear(&err);
    int rc = store_sync(s, write, fn, arg, &err);
    store_close(s);
    if (rc) {
        cli_print_err(&err);
        return 1;
    }
    return 0;
}

int cli_show_progress(void)
{
    return isatty(STDERR_FILENO);
}

void cli_progress(const char *label, long done, long total)
{
    if (!cli_show_progress())
        return;
    if (total > 0)
        fprintf(stderr, "\r%s: %ld/%ld (%ld%%)%s", label, done, total, done * 100 / total, done >= total ? "\n" : "");
    else
        fprintf(stderr, "\r%s: %ld", label, done);
}
