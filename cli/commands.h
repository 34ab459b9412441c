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
int ln_command_energy(int argc, char **argv);
int ln_command_convert(int argc, char **argv);
int ln_command_check(int argc, char **argv);
int ln_command_fmt(int argc, char **argv);
int ln_command_search(int argc, char **argv);
int ln_command_bound(int argc, char **argv);

/* Reads every input file into `spec`: .nest programs and Timeloop YAML
 * (cli/load_inputs.c; includes are searched in $LOOPNEST_PATH, then the
 * stdlib). Returns false on errors, which are left in `diagnostics`. */
bool ln_cli_load_inputs(ln_spec *spec, ln_diagnostics *diagnostics, const char *const *paths, size_t count);

/* Runs the built-in energy/area estimator (cli/energy_command.c) for every
 * level the inputs' ERT/ART leave out and puts its figures in spec->energy;
 * `tables_directory` (may be NULL) holds the user's CSV tables. The
 * estimate is stored in `estimate` when that is not NULL. False on errors. */
struct ln_energy_estimate;
bool ln_cli_estimate_energy(ln_spec *spec, ln_diagnostics *diagnostics, const char *tables_directory,
                            struct ln_energy_estimate *estimate);

/* Prints diagnostics collected so far to stderr. */
void ln_cli_flush_diagnostics(ln_diagnostics *diagnostics);

#endif
