/* cli: the tongxin command and its subcommands (serve, init, demo, stats,
 * user, apikey, import, export, sla). Each subcommand lives in its own file and
 * answers --help. */
#ifndef TX_CLI_CLI_H
#define TX_CLI_CLI_H

#include "store/store.h"

int cli_main(int argc, char **argv);

/* Subcommands: argv[0] is the subcommand's name. Return the exit status. */
int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_demo(int argc, char **argv);
int cli_stats(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_apikey(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_export(int argc, char **argv);
int cli_sla(int argc, char **argv);

/* Shared helpers. */
#define CLI_DEFAULT_DB "sqlite:tongxin.db"

/* Open the store at url for synchronous use, migrating when migrate is set.
 * Prints a clear message and returns NULL on failure. */
store *cli_open_store(const char *url, int migrate);

/* Open the store at url, run fn through store_sync (in a transaction when
 * write is set), close it. Prints what went wrong; returns 0 or 1 (an exit
 * status). */
int cli_run(const char *url, int write, int (*fn)(store_conn *c, void *arg, tx_err *err), void *arg);

/* Print the message of err to stderr, prefixed with "tongxin: ". */
void cli_print_err(const tx_err *err);

/* Whether progress should be shown (stderr is a terminal). */
int cli_show_progress(void);

/* Draw "label: done/total" on the terminal when progress is shown. */
void cli_progress(const char *label, long done, long total);

#endif
