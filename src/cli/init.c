/* init: create the database or bring its schema up to date. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/opts.h"

static const char help[] = "Usage: tongxin init [--db URL]\n\n"
                           "Create the database (if missing) and apply the schema migrations embedded in\n"
                           "this binary. Safe to run again. A database newer than the binary is refused.\n";

int cli_init(int argc, char **argv)
{
    const char *db = CLI_DEFAULT_DB;
    const cli_opt opts[] = {{"db", 1, &db}, {NULL, 0, NULL}};
    int npos, rc = cli_parse(argc, argv, opts, NULL, 0, &npos);
    if (rc) {
        fputs(help, rc > 0 ? stdout : stderr);
        return rc > 0 ? 0 : 2;
    }
    store *s = cli_open_store(db, 1);
    if (s == NULL)
        return 1;
    printf("schema version %d\n", store_schema_version(s));
    store_close(s);
    return 0;
}
