/* The loopnest command: dispatches sub-commands. This folder is the
 * composition root, the one place where front ends, engine and back ends
 * meet, so that no module has to depend on another sideways. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static void print_usage(FILE *out)
{
    fputs("usage: loopnest <command> [options] FILE...\n"
          "\n"
          "Models DNN accelerators the way Timeloop and Accelergy do: reads a problem\n"
          "(loop nest), an architecture and a mapping, and reports cycles, energy,\n"
          "area and every access count.\n"
          "\n"
          "commands:\n"
          "  eval FILE...   evaluate the mapping given in the input files and write\n"
          "                 NAME.stats.txt, NAME.map.txt and NAME.json\n"
          "  search FILE... find the best mapping (like timeloop-mapper) and write its\n"
          "                 reports, NAME.map.yaml, NAME.map.nest and NAME.search.json\n"
          "  bound FILE...  the least DRAM traffic any mapping can reach as a function of\n"
          "                 the capacity of the buffer below it (Orojenesis's bound):\n"
          "                 NAME.bound.json and NAME.bound.svg\n"
          "  energy FILE... estimate every component's energy per action and area (the\n"
          "                 built-in Accelergy) and write NAME.ERT.yaml, NAME.ART.yaml\n"
          "                 and their summaries\n"
          "  check FILE...  parse, lower and check the inputs without evaluating\n"
          "  convert FILE... --to nest|yaml -o OUT\n"
          "                 write the spec in the loop-nest language or as Timeloop YAML\n"
          "  fmt [--check] FILE...\n"
          "                 rewrite .nest files in canonical form (--check: only report)\n"
          "\n"
          "options:\n"
          "  -h, --help     show this help (`loopnest eval --help` for a command's options)\n"
          "  --version      print the version\n"
          "\n"
          "Inputs are .nest files in loopnest's loop-nest language (docs/language.md) and\n"
          "Timeloop YAML files (architecture v0.3 subtree/local or v0.4 nodes, problem,\n"
          "mapping, constraints, mapper, Accelergy ERT/ART); YAML files are merged by\n"
          "top-level key, later files winning, and a .nest program's sections replace\n"
          "theirs. Included .nest files are searched in $LOOPNEST_PATH and the stdlib.\n",
          out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return LN_EXIT_USAGE;
    }
    const char *command = argv[1];
    if (strcmp(command, "-h") == 0 || strcmp(command, "--help") == 0 || strcmp(command, "help") == 0) {
        print_usage(stdout);
        return LN_EXIT_OK;
    }
    if (strcmp(command, "--version") == 0) {
        printf("loopnest %s\n", LN_VERSION);
        return LN_EXIT_OK;
    }
    if (strcmp(command, "eval") == 0)
        return ln_command_eval(argc - 1, argv + 1);
    if (strcmp(command, "search") == 0)
        return ln_command_search(argc - 1, argv + 1);
    if (strcmp(command, "bound") == 0)
        return ln_command_bound(argc - 1, argv + 1);
    if (strcmp(command, "energy") == 0)
        return ln_command_energy(argc - 1, argv + 1);
    if (strcmp(command, "convert") == 0)
        return ln_command_convert(argc - 1, argv + 1);
    if (strcmp(command, "check") == 0)
        return ln_command_check(argc - 1, argv + 1);
    if (strcmp(command, "fmt") == 0)
        return ln_command_fmt(argc - 1, argv + 1);
    fprintf(stderr, "loopnest: error: unknown command '%s'; run 'loopnest --help' for the list\n", command);
    return LN_EXIT_USAGE;
}
