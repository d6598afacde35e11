#include <stdio.h>
#include "cli/cli.h"
int cli_demo(int argc, char **argv) { (void)argc; (void)argv; store *s = cli_open_store(CLI_DEFAULT_DB, 1); if (!s) return 1; store_close(s); return 0; }
int cli_import(int argc, char **argv) { (void)argc; (void)argv; return 2; }
int cli_export(int argc, char **argv) { (void)argc; (void)argv; return 2; }
