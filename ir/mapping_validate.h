/* Checks a mapping against its problem and architecture, whatever front end
 * produced it.
 *
 * Timeloop refuses a mapping whose factors do not multiply up to the
 * problem's bounds; the product is taken as Timeloop takes it, with
 * residual (imperfect) factors: walking the tiling levels from the
 * outermost inward, and within a storage level the temporal loops before
 * the spatial ones, prod = prod * factor + residual - 1, plus 1 at the end. */
#ifndef LOOPNEST_IR_MAPPING_VALIDATE_H
#define LOOPNEST_IR_MAPPING_VALIDATE_H

#include <stdbool.h>

#include "ir/diagnostic.h"
#include "ir/spec.h"

/* Reports every fault with a location and returns false if there is one:
 * level count, factor and residual ranges, permutations, the product of
 * each dimension's factors, spatial factors beyond a level's fan-out, a
 * spatial residual with no loop of its dimension further out, and tensors
 * both kept and bypassed or bypassed at the outermost level. */
bool ln_mapping_validate(const ln_problem *problem, const ln_arch *arch, const ln_mapping *mapping,
                         ln_diagnostics *diagnostics);

#endif
