/* The built-in energy and area estimator: Accelergy's method in C.
 *
 * For every storage level and the compute level of the architecture it
 * resolves the component's class (the user's compound classes first, then
 * the stdlib's, then the primitive models), evaluates attributes the way
 * Accelergy does (class defaults, `must_specify`, technology and clock
 * period inherited by subcomponents), and sums each action's sub-actions,
 * scaled by `energy_scale` and by the number of subcomponent copies the
 * action uses; areas sum over every copy, scaled by `area_scale`.
 *
 * Precedence, per component: an ERT/ART given with the inputs
 * (spec->energy), then the user's tables, then the built-in models. */
#ifndef LOOPNEST_RUNTIME_ENERGY_ESTIMATOR_H
#define LOOPNEST_RUNTIME_ENERGY_ESTIMATOR_H

#include <stdbool.h>

#include "ir/arena.h"
#include "ir/component.h"
#include "ir/diagnostic.h"
#include "ir/energy_estimate.h"
#include "ir/estimation_table.h"
#include "ir/spec.h"

typedef struct ln_energy_estimator_options {
    /* The stdlib's classes, consulted after spec->component_library; may be NULL. */
    const ln_component_library *stdlib;
    /* The user's tables (`--tables DIR`); may be NULL. */
    const ln_estimation_tables *tables;
} ln_energy_estimator_options;

/* Estimates every storage level and the compute level of spec->arch into
 * `estimate` (arrays in `arena`). Figures the spec's ERT/ART already give
 * are copied, not estimated. Returns false when an error was reported: a
 * malformed compound class, a missing `must_specify` attribute, an
 * expression that does not evaluate, a cycle between classes. A level whose
 * class nothing models draws a warning and is left out. */
bool ln_energy_estimate_spec(const ln_spec *spec, const ln_energy_estimator_options *options, ln_arena *arena,
                             ln_diagnostics *diagnostics, ln_energy_estimate *estimate);

/* True when some level lacks an energy (ERT) or area (ART) entry in
 * spec->energy, i.e. when running the estimator would change anything. */
bool ln_energy_estimate_needed(const ln_spec *spec);

/* Fills spec->energy from `estimate`: each level whose energy the ERT does
 * not give (or whose area the ART does not give) gets the estimator's, with
 * `energy_source` / `area_source` naming the model. */
void ln_energy_estimate_apply(ln_spec *spec, const ln_energy_estimate *estimate);

#endif
