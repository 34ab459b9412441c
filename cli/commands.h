#ifndef LOOPNEST_CLI_COMMANDS_H
#define LOOPNEST_CLI_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "ir/diagnostic.h"
#include "ir/spec.h"

#define LN_VERSION "0.1.0"

enum {
    LN_EXIT_OK = 0,
    LN_EXIT_FAILURE = 1, /* bad input or a mapping that cannot run */
    LN_EXIT_USAGE = 2,   /* bad command line */
};

int ln_command_eval(int argc, char **argv);

/* Reads every input file into `spec` (YAML now; .nest with the language
 * front end). Renders diagnostics to stderr; returns false on errors. */
bool ln_cli_load_inputs(ln_spec *spec, ln_diagnostics *diagnostics, const char *const *paths, size_t count);

/* Prints diagnostics collected so far to stderr. */
void ln_cli_flush_diagnostics(ln_diagnostics *diagnostics);

#endif
