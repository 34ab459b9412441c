/* The evaluation engine: Timeloop's nest analysis and micro-architectural
 * model for one (problem, architecture, energy table) and any mapping.
 *
 * ln_engine_create() precomputes everything that depends only on the spec
 * (per-level action energies, projections, defaults). ln_engine_evaluate()
 * is the hot path of every search: it allocates nothing, performs no I/O and
 * works in caller-provided scratch memory. */
#ifndef LOOPNEST_RUNTIME_ENGINE_H
#define LOOPNEST_RUNTIME_ENGINE_H

#include <stddef.h>

#include "ir/diagnostic.h"
#include "ir/evaluation.h"
#include "ir/spec.h"

typedef struct ln_engine ln_engine;

/* Returns NULL (with diagnostics) when the spec cannot be evaluated at all,
 * e.g. a missing problem or architecture. The engine keeps pointers into
 * `spec`, which must outlive it. */
ln_engine *ln_engine_create(const ln_spec *spec, ln_diagnostics *diagnostics);
void ln_engine_destroy(ln_engine *engine);

/* Bytes of scratch memory one ln_engine_evaluate() call needs. One scratch
 * buffer per thread. */
size_t ln_engine_scratch_size(const ln_engine *engine);

/* Evaluates `mapping`. Fills `result` completely, including the failure list
 * when the mapping cannot run (a tile that does not fit, a fan-out exceeded).
 * Returns result->status. */
ln_evaluation_status ln_engine_evaluate(const ln_engine *engine, const ln_mapping *mapping,
                                        void *scratch, ln_evaluation *result);

/* Evaluates only the data movement of `tensors` (a bit per tensor); the
 * others move nothing. Each included tensor's accesses and energies are
 * what ln_engine_evaluate gives it (the analysis is per tensor); cycles,
 * capacities and totals are not those of the mapping. For searches that
 * bound one tensor's cost. */
ln_evaluation_status ln_engine_evaluate_tensors(const ln_engine *engine, const ln_mapping *mapping, void *scratch,
                                                ln_evaluation *result, ln_tensor_mask tensors);

/* The per-action costs the engine charges, for searches that bound what a
 * mapping can cost before evaluating it (runtime/search_optimal.c). */
typedef struct ln_engine_costs {
    double compute_energy;                       /* pJ per compute */
    uint64_t network_latency;                    /* cycles every run adds */
    double read_energy[LN_MAX_STORAGE_LEVELS];   /* pJ per vector access */
    double fill_energy[LN_MAX_STORAGE_LEVELS];
    double update_energy[LN_MAX_STORAGE_LEVELS];
    double leak_energy[LN_MAX_STORAGE_LEVELS];   /* pJ per cycle per leaking instance */
} ln_engine_costs;

void ln_engine_get_costs(const ln_engine *engine, ln_engine_costs *costs);

/* Builds the loop nest Timeloop derives from a mapping: per storage level
 * (innermost first) the non-trivial spatial loops, then the non-trivial
 * temporal loops, each group in permutation order (innermost first), and a
 * placeholder temporal loop where a level has none. */
void ln_build_loop_nest(const ln_problem *problem, const ln_arch *arch,
                        const ln_mapping *mapping, ln_loop_nest *nest);

#endif
