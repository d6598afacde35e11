/* opts: option parsing for subcommands (see opts.h). */
#include "cli/opts.h"

#include <stdio.h>
#include <string.h>

int cli_parse(int argc, char **argv, const cli_opt *opts, const char **pos, int maxpos, int *npos)
{
    *npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return 1;
        if (strncmp(a, "--", 2) != 0) {
            if (*npos >= maxpos) {
                fprintf(stderr, "tongxin %s: unexpected argument '%s'\n", argv[0], a);
                return -1;
            }
            pos[(*npos)++] = a;
            continue;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t nl = eq ? (size_t)(eq - name) : strlen(name);
        const cli_opt *o = NULL;
        for (const cli_opt *p = opts; p->name; p++)
            if (strlen(p->name) == nl && strncmp(p->name, name, nl) == 0)
                o = p;
        if (o == NULL) {
            fprintf(stderr, "tongxin %s: unknown option '%s' (see --help)\n", argv[0], a);
            return -1;
        }
        if (!o->takes_value) {
            if (eq) {
                fprintf(stderr, "tongxin %s: --%s takes no value\n", argv[0], o->name);
                return -1;
            }
            *o->value = "1";
        } else if (eq) {
            *o->value = eq + 1;
        } else if (i + 1 < argc) {
            *o->value = argv[++i];
        } else {
            fprintf(stderr, "tongxin %s: --%s needs a value\n", argv[0], o->name);
            return -1;
        }
    }
    return 0;
}
