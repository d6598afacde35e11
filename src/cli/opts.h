/* opts: the small option parser every subcommand uses: --name VALUE,
 * --name=VALUE and boolean --flag, with --help handled by the caller. */
#ifndef TX_CLI_OPTS_H
#define TX_CLI_OPTS_H

typedef struct {
    const char *name;  /* without dashes: "db" */
    int takes_value;   /* 0: a flag */
    const char **value; /* where a value goes (or "1" for a flag) */
} cli_opt;

/* Parse argv[1..] (argv[0] is the subcommand). Positional arguments are
 * collected into pos (up to maxpos). Returns 0, 1 when --help was given, or
 * -1 after printing what was wrong. */
int cli_parse(int argc, char **argv, const cli_opt *opts, const char **pos, int maxpos, int *npos);

#endif
