/* tongxin: the command-line entry point; dispatches to the subcommands in cli/. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
