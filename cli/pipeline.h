/* The pipeline every command that evaluates shares: input files -> spec ->
 * energy tables -> engine -> evaluation -> reports. `eval` runs it on the
 * mapping the inputs give, `search` on the mapping the mapper finds; each
 * wires only what is its own. */
#ifndef LOOPNEST_CLI_PIPELINE_H
#define LOOPNEST_CLI_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "backend/output_file.h"
#include "ir/diagnostic.h"
#include "ir/evaluation.h"
#include "ir/spec.h"
#include "runtime/engine.h"

typedef struct ln_cli_run {
    ln_spec spec;
    ln_diagnostics diagnostics;
    ln_engine *engine;
    void *scratch;
    ln_evaluation *evaluation;
} ln_cli_run;

void ln_cli_run_init(ln_cli_run *run);
/* Prints the diagnostics left and frees everything. */
void ln_cli_run_release(ln_cli_run *run);

/* Reads the inputs into run->spec. */
bool ln_cli_run_load(ln_cli_run *run, const char *const *inputs, size_t count);

/* Estimates the energies the inputs' ERT/ART leave out (CSV tables from
 * `tables`, may be NULL) and creates the engine and its buffers. */
bool ln_cli_run_start_engine(ln_cli_run *run, const char *tables);

/* Evaluates `mapping` into run->evaluation; a mapping that cannot run is
 * reported as located errors (the level's size, the compute level). */
bool ln_cli_run_evaluate(ln_cli_run *run, const ln_mapping *mapping);

/* A report beyond the three every evaluation writes. */
typedef struct ln_cli_output {
    const char *suffix; /* ".map.yaml" */
    ln_output_writer write;
    const void *context;
} ln_cli_output;

/* Writes DIRECTORY/PREFIX.stats.txt, .map.txt and .json of run->spec's
 * mapping and run->evaluation, then `extra`; each file whole. */
bool ln_cli_run_write_reports(ln_cli_run *run, const char *directory, const char *prefix,
                              const ln_cli_output *extra, size_t extra_count);

/* The summary on stdout: computes, cycles, energy, pJ/compute,
 * utilization, area, and where the reports went. */
void ln_cli_run_print_summary(const ln_cli_run *run, const char *directory, const char *prefix,
                              const ln_cli_output *extra, size_t extra_count);

#endif
