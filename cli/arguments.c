#include "cli/arguments.h"

#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"

/* Option spellings, each with the flag that enables it. */
static const struct {
    const char *spelling;
    unsigned flag;
    bool takes_value;
} ln_cli_option_table[] = {
    {"-o", LN_OPTION_OUTPUT, true},      {"--output", LN_OPTION_OUTPUT, true},
    {"--prefix", LN_OPTION_PREFIX, true}, {"--tables", LN_OPTION_TABLES, true},
    {"--to", LN_OPTION_TO, true},        {"--check", LN_OPTION_CHECK, false},
    {"--threads", LN_OPTION_THREADS, true}, {"--time-limit", LN_OPTION_TIME_LIMIT, true},
    {"--seed", LN_OPTION_SEED, true},     {"--algorithm", LN_OPTION_ALGORITHM, true},
    {"--quiet", LN_OPTION_QUIET, false},  {"-q", LN_OPTION_QUIET, false},
    {"--no-refine", LN_OPTION_NO_REFINE, false}, {"--pareto", LN_OPTION_PARETO, false},
};

void ln_cli_arguments_release(ln_cli_arguments *arguments)
{
    free(arguments->inputs);
    arguments->inputs = NULL;
    arguments->input_count = 0;
}

int ln_cli_parse_arguments(int argc, char **argv, const char *command, unsigned accepted,
                           void (*print_usage)(FILE *out), const char *no_inputs_hint,
                           ln_cli_arguments *arguments)
{
    memset(arguments, 0, sizeof *arguments);
    arguments->prefix = "loopnest";
    arguments->inputs = calloc((size_t)argc + 1, sizeof *arguments->inputs);
    if (!arguments->inputs) {
        fputs("loopnest: error: out of memory\n", stderr);
        return LN_EXIT_FAILURE;
    }
    for (int i = 1; i < argc; i++) {
        const char *argument = argv[i];
        if (strcmp(argument, "-h") == 0 || strcmp(argument, "--help") == 0) {
            print_usage(stdout);
            return LN_EXIT_OK;
        }
        if (argument[0] != '-' || argument[1] == '\0') {
            arguments->inputs[arguments->input_count++] = argument;
            continue;
        }
        /* --name=value is the same as --name value. */
        const char *equals = strncmp(argument, "--", 2) == 0 ? strchr(argument, '=') : NULL;
        size_t name_length = equals ? (size_t)(equals - argument) : strlen(argument);
        size_t option = 0, options = sizeof ln_cli_option_table / sizeof ln_cli_option_table[0];
        while (option < options && (strlen(ln_cli_option_table[option].spelling) != name_length ||
                                    strncmp(argument, ln_cli_option_table[option].spelling, name_length) != 0 ||
                                    !(accepted & ln_cli_option_table[option].flag) ||
                                    (equals && !ln_cli_option_table[option].takes_value)))
            option++;
        if (option == options) {
            fprintf(stderr, "loopnest: error: unknown option '%s'; see 'loopnest %s --help'\n", argument,
                    command);
            return LN_EXIT_USAGE;
        }
        const char *value = NULL;
        if (equals) {
            value = equals + 1;
        } else if (ln_cli_option_table[option].takes_value) {
            if (i + 1 >= argc) {
                fprintf(stderr, "loopnest: error: %s needs a value; see 'loopnest %s --help'\n", argument,
                        command);
                return LN_EXIT_USAGE;
            }
            value = argv[++i];
        }
        switch (ln_cli_option_table[option].flag) {
        case LN_OPTION_OUTPUT:
            arguments->output = value;
            break;
        case LN_OPTION_PREFIX:
            arguments->prefix = value;
            break;
        case LN_OPTION_TABLES:
            arguments->tables = value;
            break;
        case LN_OPTION_TO:
            arguments->to = value;
            break;
        case LN_OPTION_CHECK:
            arguments->check = true;
            break;
        case LN_OPTION_THREADS:
            arguments->threads = value;
            break;
        case LN_OPTION_TIME_LIMIT:
            arguments->time_limit = value;
            break;
        case LN_OPTION_SEED:
            arguments->seed = value;
            break;
        case LN_OPTION_ALGORITHM:
            arguments->algorithm = value;
            break;
        case LN_OPTION_QUIET:
            arguments->quiet = true;
            break;
        case LN_OPTION_NO_REFINE:
            arguments->no_refine = true;
            break;
        case LN_OPTION_PARETO:
            arguments->pareto = true;
            break;
        }
    }
    if (arguments->input_count == 0) {
        fprintf(stderr, "loopnest: error: no input files; %s (see 'loopnest %s --help')\n", no_inputs_hint,
                command);
        return LN_EXIT_USAGE;
    }
    if ((accepted & LN_OPTION_PREFIX) && (strchr(arguments->prefix, '/') || arguments->prefix[0] == '\0')) {
        fprintf(stderr, "loopnest: error: --prefix '%s' must be a plain file name; use -o for the directory\n",
                arguments->prefix);
        return LN_EXIT_USAGE;
    }
    return -1;
}

char *ln_cli_output_path(const char *directory, const char *prefix, const char *suffix)
{
    size_t length = strlen(directory) + strlen(prefix) + strlen(suffix) + 2;
    char *path = malloc(length);
    if (path)
        snprintf(path, length, "%s/%s%s", directory, prefix, suffix);
    return path;
}
