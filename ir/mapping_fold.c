#include "ir/mapping_fold.h"

void ln_permutation_complete(const ln_problem *problem, const uint8_t *written, uint8_t count,
                             const uint8_t *suffix, uint8_t suffix_count, uint8_t *permutation)
{
    uint32_t seen = 0;
    uint8_t used = 0;
    for (uint8_t i = 0; i < count; i++) {
        permutation[used++] = written[i];
        seen |= 1u << written[i];
    }
    for (uint8_t i = 0; i < suffix_count; i++)
        seen |= 1u << suffix[i];
    for (uint8_t d = 0; d < problem->dimension_count; d++)
        if (!(seen & (1u << d)))
            permutation[used++] = d;
    for (uint8_t i = 0; i < suffix_count; i++)
        permutation[used++] = suffix[i];
}

static void fold_loops(const ln_problem *problem, ln_mapping_level *entry,
                       const ln_constraint *constraint, bool *permutation_written)
{
    bool spatial = constraint->kind == LN_CONSTRAINT_SPATIAL;
    uint32_t *factors = spatial ? entry->spatial_factors : entry->temporal_factors;
    uint32_t *residuals = spatial ? entry->spatial_residuals : entry->temporal_residuals;
    uint32_t *specified = spatial ? &entry->spatial_factors_specified
                                  : &entry->temporal_factors_specified;
    bool *has = spatial ? &entry->has_spatial : &entry->has_temporal;
    ln_source_location *location = spatial ? &entry->spatial_location : &entry->temporal_location;
    bool touched = false;
    for (uint8_t d = 0; d < problem->dimension_count; d++) {
        if (constraint->factor_relation[d] != LN_FACTOR_EQUAL || (*specified & (1u << d)))
            continue;
        factors[d] = residuals[d] = constraint->factors[d];
        *specified |= 1u << d;
        touched = true;
    }
    if (!*permutation_written &&
        (constraint->permutation_count || constraint->permutation_suffix_count)) {
        ln_permutation_complete(problem, constraint->permutation, constraint->permutation_count,
                                constraint->permutation_suffix, constraint->permutation_suffix_count,
                                spatial ? entry->spatial_permutation : entry->temporal_permutation);
        *permutation_written = true;
        touched = true;
    }
    if (spatial && constraint->split_specified && !entry->split_specified) {
        entry->spatial_split = constraint->split;
        entry->split_specified = true;
        touched = true;
    }
    if (touched && !*has) {
        *has = true;
        *location = constraint->location;
    }
}

void ln_mapping_fold_constraints(const ln_problem *problem, ln_mapping *mapping,
                                 const ln_constraint *constraints, uint32_t count,
                                 ln_permutations_written *written)
{
    for (uint32_t i = 0; i < count; i++) {
        const ln_constraint *constraint = &constraints[i];
        if (constraint->level < 0 || (uint32_t)constraint->level >= mapping->level_count)
            continue;
        uint32_t level = (uint32_t)constraint->level;
        ln_mapping_level *entry = &mapping->levels[level];
        switch (constraint->kind) {
        case LN_CONSTRAINT_TEMPORAL:
            fold_loops(problem, entry, constraint, &written->temporal[level]);
            break;
        case LN_CONSTRAINT_SPATIAL:
            fold_loops(problem, entry, constraint, &written->spatial[level]);
            break;
        case LN_CONSTRAINT_DATASPACE: {
            ln_tensor_mask open = (ln_tensor_mask)~(entry->keep | entry->bypass);
            entry->keep = (ln_tensor_mask)(entry->keep | (constraint->keep & open));
            entry->bypass = (ln_tensor_mask)(entry->bypass | (constraint->bypass & open));
            if (!entry->dataspace_location.line)
                entry->dataspace_location = constraint->location;
            break;
        }
        case LN_CONSTRAINT_UTILIZATION:
        case LN_CONSTRAINT_MAX_OVERBOOKED_PROPORTION:
            break;
        }
    }
}
