/* Unit tests for src/cli/opts.c: the subcommands' option parser. Errors are
 * printed to stderr, which is sent to /dev/null around the calls that fail. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/opts.h"

typedef struct {
    const char *db, *listen, *json, *force;
    cli_opt opts[5];
    const char *pos[4];
    int npos;
} parser;

static void parser_init(parser *p)
{
    memset(p, 0, sizeof *p);
    p->opts[0] = (cli_opt){"db", 1, &p->db};
    p->opts[1] = (cli_opt){"listen", 1, &p->listen};
    p->opts[2] = (cli_opt){"json", 0, &p->json};
    p->opts[3] = (cli_opt){"force", 0, &p->force};
    p->opts[4] = (cli_opt){NULL, 0, NULL};
}

/* Parse a NULL-terminated argv (argv[0] is the subcommand). */
static int parse_quiet(parser *p, int maxpos, char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    fflush(stderr);
    int saved = dup(STDERR_FILENO), devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    int rc = cli_parse(argc, argv, p->opts, p->pos, maxpos, &p->npos);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(devnull);
    return rc;
}

#define ARGV(...) ((char *[]){__VA_ARGS__, NULL})

static void test_opts_name_space_value(void **state)
{
    (void)state;
    parser p;
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "--db", "sqlite:x.db", "--listen", ":8080")), 0);
    assert_string_equal(p.db, "sqlite:x.db");
    assert_string_equal(p.listen, ":8080");
    assert_int_equal(p.npos, 0);
    assert_null(p.json);
}

static void test_opts_name_equals_value(void **state)
{
    (void)state;
    parser p;
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "--db=sqlite:y.db", "--listen=127.0.0.1:9")), 0);
    assert_string_equal(p.db, "sqlite:y.db");
    assert_string_equal(p.listen, "127.0.0.1:9");
    /* everything after the first '=' is the value, even empty */
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "--db=a=b")), 0);
    assert_string_equal(p.db, "a=b");
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "--db=")), 0);
    assert_string_equal(p.db, "");
}

static void test_opts_flags_are_set_to_one(void **state)
{
    (void)state;
    parser p;
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("stats", "--json")), 0);
    assert_string_equal(p.json, "1");
    assert_null(p.force);
}

static void test_opts_flag_with_value_is_error(void **state)
{
    (void)state;
    parser p;
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("stats", "--json=yes")), -1);
}

static void test_opts_positional_args_are_collected_in_order(void **state)
{
    (void)state;
    parser p;
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("user", "add", "--db", "d", "alice", "--force", "street_admin")), 0);
    assert_int_equal(p.npos, 3);
    assert_string_equal(p.pos[0], "add");
    assert_string_equal(p.pos[1], "alice");
    assert_string_equal(p.pos[2], "street_admin");
    assert_string_equal(p.db, "d");
    assert_string_equal(p.force, "1");
    /* a value that looks positional is consumed by its option */
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("user", "--db", "add")), 0);
    assert_int_equal(p.npos, 0);
    assert_string_equal(p.db, "add");
}

static void test_opts_too_many_positional_args_is_error(void **state)
{
    (void)state;
    parser p;
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 1, ARGV("user", "one", "two")), -1);
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 0, ARGV("stats", "extra")), -1);
}

static void test_opts_unknown_option_is_error(void **state)
{
    (void)state;
    parser p;
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "--dbx", "v")), -1);
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "--d", "v")), -1); /* no prefix matching */
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "--nope=1")), -1);
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "--")), -1);
}

static void test_opts_missing_value_is_error(void **state)
{
    (void)state;
    parser p;
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "--db")), -1);
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "--listen", ":1", "--db")), -1);
}

static void test_opts_help_returns_one(void **state)
{
    (void)state;
    parser p;
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "--help")), 1);
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "-h")), 1);
    /* --help wins wherever it is, even after other options */
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "--db", "x", "--help")), 1);
}

static void test_opts_no_arguments_is_fine(void **state)
{
    (void)state;
    parser p;
    parser_init(&p);
    p.npos = 99;
    assert_int_equal(parse_quiet(&p, 4, ARGV("stats")), 0);
    assert_int_equal(p.npos, 0);
    assert_null(p.db);
}

static void test_opts_last_value_wins(void **state)
{
    (void)state;
    parser p;
    parser_init(&p);
    assert_int_equal(parse_quiet(&p, 4, ARGV("serve", "--db", "first", "--db=second")), 0);
    assert_string_equal(p.db, "second");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opts_name_space_value),
        cmocka_unit_test(test_opts_name_equals_value),
        cmocka_unit_test(test_opts_flags_are_set_to_one),
        cmocka_unit_test(test_opts_flag_with_value_is_error),
        cmocka_unit_test(test_opts_positional_args_are_collected_in_order),
        cmocka_unit_test(test_opts_too_many_positional_args_is_error),
        cmocka_unit_test(test_opts_unknown_option_is_error),
        cmocka_unit_test(test_opts_missing_value_is_error),
        cmocka_unit_test(test_opts_help_returns_one),
        cmocka_unit_test(test_opts_no_arguments_is_fine),
        cmocka_unit_test(test_opts_last_value_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
