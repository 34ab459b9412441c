#include "ir/constraint_check.h"

#include <stdio.h>
#include <string.h>

static bool factors_satisfied(const ln_problem *problem, const ln_constraint *constraint,
                              const uint32_t *factors)
{
    for (uint32_t d = 0; d < problem->dimension_count; d++) {
        uint32_t value = factors[d];
        uint32_t bound = constraint->factors[d];
        switch ((ln_factor_relation)constraint->factor_relation[d]) {
        case LN_FACTOR_FREE:
            break;
        case LN_FACTOR_EQUAL:
            /* Timeloop reads a constrained factor of 0 as "the whole dimension". */
            if (bound == 0 ? value != (uint32_t)problem->dimension_bounds[d] : value != bound)
                return false;
            break;
        case LN_FACTOR_AT_LEAST:
            if (value < bound)
                return false;
            break;
        case LN_FACTOR_AT_MOST:
            if (value > bound)
                return false;
            break;
        }
    }
    return true;
}

/* The constrained dimensions must be the innermost loops in the given order,
 * once loops with factor 1 (which do not exist in the nest) are ignored. */
static bool permutation_satisfied(const ln_problem *problem, const ln_constraint *constraint,
                                  const uint8_t *permutation, const uint32_t *factors)
{
    uint32_t mapping_order[LN_MAX_DIMENSIONS], mapping_count = 0;
    for (uint32_t i = 0; i < problem->dimension_count; i++)
        if (factors[permutation[i]] > 1)
            mapping_order[mapping_count++] = permutation[i];
    uint32_t position = 0;
    for (uint32_t i = 0; i < constraint->permutation_count; i++) {
        uint8_t dimension = constraint->permutation[i];
        if (factors[dimension] <= 1)
            continue;
        if (position >= mapping_count || mapping_order[position] != dimension)
            return false;
        position++;
    }
    return true;
}

/* A split says which mesh axis each listed dimension uses; only dimensions
 * the mapping actually spreads (factor > 1) are placed on an axis, so only
 * they are compared. */
static bool split_satisfied(const ln_problem *problem, const ln_constraint *constraint,
                            const ln_mapping_level *level)
{
    for (uint32_t i = 0; i < problem->dimension_count; i++) {
        uint8_t dimension = level->spatial_permutation[i];
        if (level->spatial_factors[dimension] <= 1)
            continue;
        bool mapped_to_x = i < level->spatial_split;
        for (uint32_t j = 0; j < constraint->permutation_count; j++) {
            if (constraint->permutation[j] != dimension)
                continue;
            bool constrained_to_x = j < constraint->split;
            if (mapped_to_x != constrained_to_x)
                return false;
        }
    }
    return true;
}

bool ln_constraint_satisfied(const ln_problem *problem, const ln_constraint *constraint,
                             const ln_mapping *mapping)
{
    if (constraint->level < 0 || (uint32_t)constraint->level >= mapping->level_count)
        return true;
    const ln_mapping_level *level = &mapping->levels[constraint->level];
    switch (constraint->kind) {
    case LN_CONSTRAINT_TEMPORAL:
        return factors_satisfied(problem, constraint, level->temporal_factors) &&
               permutation_satisfied(problem, constraint, level->temporal_permutation,
                                     level->temporal_factors);
    case LN_CONSTRAINT_SPATIAL:
        if (!factors_satisfied(problem, constraint, level->spatial_factors) ||
            !permutation_satisfied(problem, constraint, level->spatial_permutation, level->spatial_factors))
            return false;
        if (constraint->split_specified && !split_satisfied(problem, constraint, level))
            return false;
        return true;
    case LN_CONSTRAINT_DATASPACE:
        /* keep: must not be bypassed; bypass: must be bypassed. */
        if (constraint->keep & level->bypass)
            return false;
        if (constraint->bypass & (ln_tensor_mask)~level->bypass)
            return false;
        return true;
    case LN_CONSTRAINT_UTILIZATION:
    case LN_CONSTRAINT_MAX_OVERBOOKED_PROPORTION:
        /* Depend on the evaluation; the mapper checks them on results. */
        return true;
    }
    return true;
}

static const char *kind_name(ln_constraint_kind kind)
{
    switch (kind) {
    case LN_CONSTRAINT_TEMPORAL:
        return "temporal";
    case LN_CONSTRAINT_SPATIAL:
        return "spatial";
    case LN_CONSTRAINT_DATASPACE:
        return "dataspace (keep/bypass)";
    case LN_CONSTRAINT_UTILIZATION:
        return "utilization";
    case LN_CONSTRAINT_MAX_OVERBOOKED_PROPORTION:
        return "max_overbooked_proportion";
    }
    return "unknown";
}

bool ln_check_mapping_constraints(const ln_spec *spec, const ln_mapping *mapping,
                                  ln_diagnostics *diagnostics)
{
    bool all_satisfied = true;
    for (uint32_t i = 0; i < spec->constraints.count; i++) {
        const ln_constraint *constraint = &spec->constraints.items[i];
        if (ln_constraint_satisfied(&spec->problem, constraint, mapping))
            continue;
        all_satisfied = false;
        const char *level_name = constraint->level >= 0 && (uint32_t)constraint->level < spec->arch.storage_count
                                     ? spec->arch.storage[constraint->level].name
                                     : "?";
        ln_warning(diagnostics, constraint->location,
                   "the mapper would not generate this mapping; evaluating it anyway",
                   "the mapping violates the %s %s constraint on %s", 
                   constraint->from_architecture ? "architecture" : "mapspace",
                   kind_name(constraint->kind), level_name);
    }
    return all_satisfied;
}
