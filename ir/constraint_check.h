/* Checks a mapping against the architecture and mapspace constraints.
 *
 * Constraints bound what the mapper may generate; a mapping handed to `eval`
 * is evaluated as given, so each violated constraint is reported as a
 * warning that names the constraint and where it was written. */
#ifndef LOOPNEST_IR_CONSTRAINT_CHECK_H
#define LOOPNEST_IR_CONSTRAINT_CHECK_H

#include <stdbool.h>

#include "ir/diagnostic.h"
#include "ir/spec.h"

/* Reports one warning per violated constraint; returns true when the
 * mapping satisfies all of them. */
bool ln_check_mapping_constraints(const ln_spec *spec, const ln_mapping *mapping,
                                  ln_diagnostics *diagnostics);

/* True when `mapping` satisfies `constraint` (used by the mapper too). */
bool ln_constraint_satisfied(const ln_problem *problem, const ln_constraint *constraint,
                             const ln_mapping *mapping);

#endif
