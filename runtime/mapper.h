/* The mapper: searches the mapspace for the best mapping under the spec's
 * metrics, in threads, with Timeloop's algorithms and termination rules.
 *
 * Each thread searches its own share of the factorizations (Timeloop's
 * mapspace split) and reaches the engine only through ln_engine_evaluate.
 * Threads publish every improvement at once (for the progress line and the
 * time-limit answer); with sync_interval N they also adopt the best of all
 * threads every N candidates, at a barrier, so that for a given seed,
 * thread count and count-based budget the result is the same on every run.
 * A wall-clock limit or an interrupt is the only source of
 * nondeterminism. */
#ifndef LOOPNEST_RUNTIME_MAPPER_H
#define LOOPNEST_RUNTIME_MAPPER_H

#include <signal.h>
#include <stdbool.h>

#include "ir/search_result.h"
#include "ir/spec.h"
#include "runtime/engine.h"
#include "runtime/mapspace.h"

/* The settings the spec's mapper options give (Timeloop's defaults where
 * it has none); `threads` 0 means one per processor. */
void ln_mapper_settings_from_spec(const ln_spec *spec, ln_search_settings *settings);

/* True when `name` is an algorithm the mapper runs (Timeloop's spelling,
 * hyphens or underscores). */
bool ln_mapper_algorithm_known(const char *name);

/* The value of `metric` for an evaluation, as Timeloop's mapper computes
 * it (EDP is energy times cycles). */
double ln_mapper_metric(const ln_evaluation *evaluation, ln_metric metric);

typedef struct ln_mapper_progress {
    double seconds;
    uint64_t visited;
    uint64_t valid;
    bool found;
    double best_metrics[LN_MAX_METRICS];
} ln_mapper_progress;

typedef struct ln_mapper_control {
    /* Polled at least every 100 ms: nonzero stops the search (SIGINT). */
    const volatile sig_atomic_t *interrupt;
    /* Called from the calling thread about every `progress_interval`
     * seconds while the search runs; may be NULL. */
    void (*progress)(const ln_mapper_progress *progress, void *context);
    void *progress_context;
    double progress_interval;
} ln_mapper_control;

/* Runs the search. False (with `result->found` false and a message in
 * `error`) only when the threads could not be started. */
bool ln_mapper_run(const ln_engine *engine, const ln_mapspace *mapspace, const ln_search_settings *settings,
                   const ln_mapper_control *control, ln_search_result *result, char *error, size_t error_size);

/* Timeloop's comparison (mapper-thread.cpp IsBetter): metrics in priority
 * order, each deciding only when the two differ by more than 0.1%. */
bool ln_mapper_is_better(const double *candidate, const double *incumbent, uint32_t metric_count);

#endif
