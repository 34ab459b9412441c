/* Command-line parsing shared by the sub-commands: input files and the
 * options each command accepts, with the same usage errors everywhere. */
#ifndef LOOPNEST_CLI_ARGUMENTS_H
#define LOOPNEST_CLI_ARGUMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Options a command accepts (bit flags). */
enum {
    LN_OPTION_OUTPUT = 1u << 0, /* -o, --output VALUE */
    LN_OPTION_PREFIX = 1u << 1, /* --prefix NAME (a plain file name) */
    LN_OPTION_TABLES = 1u << 2, /* --tables DIR */
    LN_OPTION_TO = 1u << 3,     /* --to LANG */
    LN_OPTION_CHECK = 1u << 4,  /* --check */
    LN_OPTION_THREADS = 1u << 5,    /* --threads N */
    LN_OPTION_TIME_LIMIT = 1u << 6, /* --time-limit SECONDS */
    LN_OPTION_SEED = 1u << 7,       /* --seed N */
    LN_OPTION_ALGORITHM = 1u << 8,  /* --algorithm NAME */
    LN_OPTION_QUIET = 1u << 9,      /* --quiet */
    LN_OPTION_NO_REFINE = 1u << 10, /* --no-refine */
    LN_OPTION_PARETO = 1u << 11,    /* --pareto */
};

typedef struct ln_cli_arguments {
    const char **inputs;
    size_t input_count;
    const char *output; /* NULL when not given */
    const char *prefix; /* "loopnest" when not given */
    const char *tables;
    const char *to;
    bool check;
    const char *threads;    /* the values as written; NULL when not given */
    const char *time_limit;
    const char *seed;
    const char *algorithm;
    bool quiet;
    bool no_refine;
    bool pareto;
} ln_cli_arguments;

/* Parses argv[1..argc) for `command`. Returns -1 when the command should
 * run, otherwise the exit status to return at once (0 after --help, 2 on a
 * usage error, which is reported on stderr). `no_inputs_hint` completes the
 * message when no input file is given. Release with ln_cli_arguments_release
 * in every case. */
int ln_cli_parse_arguments(int argc, char **argv, const char *command, unsigned accepted,
                           void (*print_usage)(FILE *out), const char *no_inputs_hint,
                           ln_cli_arguments *arguments);
void ln_cli_arguments_release(ln_cli_arguments *arguments);

/* DIRECTORY/PREFIXSUFFIX, malloc'ed; NULL when out of memory. */
char *ln_cli_output_path(const char *directory, const char *prefix, const char *suffix);

#endif
