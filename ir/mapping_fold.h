/* Completing a mapping the way Timeloop's front end does for a model run,
 * whatever front end wrote it.
 *
 * A mapping may leave things open: the order of loops it did not write,
 * and, with a v0.4 architecture, the factors, orders and keep/bypass that
 * the architecture's own constraints fix (a dummy level bypasses every
 * tensor and has no temporal loops; a scratchpad keeps one tensor). The
 * front end folds those constraints into the mapping before the model
 * reads it; so do both of loopnest's front ends, through this. */
#ifndef LOOPNEST_IR_MAPPING_FOLD_H
#define LOOPNEST_IR_MAPPING_FOLD_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/spec.h"

/* The written part of a permutation (innermost first), then every
 * dimension neither written nor in `suffix` in dimension order, then
 * `suffix` (the dimensions pinned outermost): Timeloop's padding. */
void ln_permutation_complete(const ln_problem *problem, const uint8_t *written, uint8_t count,
                             const uint8_t *suffix, uint8_t suffix_count, uint8_t *permutation);

/* Which permutations the mapping wrote, per storage level; a folded
 * constraint sets the others (and marks them written). */
typedef struct ln_permutations_written {
    bool temporal[LN_MAX_STORAGE_LEVELS];
    bool spatial[LN_MAX_STORAGE_LEVELS];
} ln_permutations_written;

/* Folds `constraints[0..count)` into `mapping`: exact factors of
 * dimensions the mapping left unset, permutations it did not write,
 * splits it did not give, and keep/bypass for tensors it did not mention.
 * What the mapping wrote always wins. */
void ln_mapping_fold_constraints(const ln_problem *problem, ln_mapping *mapping,
                                 const ln_constraint *constraints, uint32_t count,
                                 ln_permutations_written *written);

#endif
