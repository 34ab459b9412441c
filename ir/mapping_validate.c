#include "ir/mapping_validate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static ln_source_location level_location(const ln_mapping *mapping, uint32_t level, bool spatial)
{
    const ln_mapping_level *entry = &mapping->levels[level];
    ln_source_location location = spatial ? entry->spatial_location : entry->temporal_location;
    return location.line || location.file ? location : mapping->location;
}

/* The outermost directive that wrote a factor of `dimension` (temporal
 * loops sit outside the spatial ones of the same level), else the
 * outermost directive with loops at all, else the mapping. */
static ln_source_location dimension_location(const ln_mapping *mapping, uint8_t dimension)
{
    for (uint32_t level = mapping->level_count; level-- > 0;) {
        const ln_mapping_level *entry = &mapping->levels[level];
        if (entry->temporal_factors_specified & (1u << dimension))
            return level_location(mapping, level, false);
        if (entry->spatial_factors_specified & (1u << dimension))
            return level_location(mapping, level, true);
    }
    for (uint32_t level = mapping->level_count; level-- > 0;) {
        if (mapping->levels[level].has_temporal)
            return level_location(mapping, level, false);
        if (mapping->levels[level].has_spatial)
            return level_location(mapping, level, true);
    }
    return mapping->location;
}

static bool multiply_add(uint64_t product, uint32_t factor, uint32_t residual, uint64_t *result)
{
    uint64_t scaled;
    if (__builtin_mul_overflow(product, (uint64_t)factor, &scaled))
        return false;
    return !__builtin_add_overflow(scaled, (uint64_t)residual - 1, result);
}

/* "GlobalBuffer temporal 4, PE spatial 2" for the hint of a product error. */
static void describe_factors(const ln_arch *arch, const ln_mapping *mapping, uint8_t dimension,
                             char *buffer, size_t size)
{
    size_t used = 0;
    buffer[0] = '\0';
    for (uint32_t level = mapping->level_count; level-- > 0 && used < size;) {
        const ln_mapping_level *entry = &mapping->levels[level];
        for (int spatial = 0; spatial < 2 && used < size; spatial++) {
            uint32_t factor = spatial ? entry->spatial_factors[dimension]
                                      : entry->temporal_factors[dimension];
            uint32_t residual = spatial ? entry->spatial_residuals[dimension]
                                        : entry->temporal_residuals[dimension];
            if (factor == 1 && residual == 1)
                continue;
            if (residual != factor)
                used += (size_t)snprintf(buffer + used, size - used, "%s%s %s %" PRIu32 ",%" PRIu32,
                                         used ? ", " : "", arch->storage[level].name,
                                         spatial ? "spatial" : "temporal", factor, residual);
            else
                used += (size_t)snprintf(buffer + used, size - used, "%s%s %s %" PRIu32,
                                         used ? ", " : "", arch->storage[level].name,
                                         spatial ? "spatial" : "temporal", factor);
        }
    }
    if (!used)
        snprintf(buffer, size, "every factor is 1");
}

static bool check_permutation(const ln_problem *problem, const ln_arch *arch,
                              const ln_mapping *mapping, uint32_t level, bool spatial,
                              ln_diagnostics *diagnostics)
{
    const uint8_t *permutation = spatial ? mapping->levels[level].spatial_permutation
                                         : mapping->levels[level].temporal_permutation;
    uint32_t seen = 0;
    for (uint8_t i = 0; i < problem->dimension_count; i++) {
        if (permutation[i] >= problem->dimension_count || (seen & (1u << permutation[i]))) {
            ln_error(diagnostics, level_location(mapping, level, spatial),
                     "list every dimension exactly once",
                     "the %s permutation of %s is not a permutation of the dimensions",
                     spatial ? "spatial" : "temporal", arch->storage[level].name);
            return false;
        }
        seen |= 1u << permutation[i];
    }
    return true;
}

static bool check_level(const ln_problem *problem, const ln_arch *arch, const ln_mapping *mapping,
                        uint32_t level, ln_diagnostics *diagnostics)
{
    const ln_mapping_level *entry = &mapping->levels[level];
    const char *name = arch->storage[level].name;
    bool ok = true;
    for (int spatial = 0; spatial < 2; spatial++) {
        const uint32_t *factors = spatial ? entry->spatial_factors : entry->temporal_factors;
        const uint32_t *residuals = spatial ? entry->spatial_residuals : entry->temporal_residuals;
        for (uint8_t d = 0; d < problem->dimension_count; d++) {
            if (factors[d] < 1 || residuals[d] < 1 || residuals[d] > factors[d]) {
                ln_error(diagnostics, level_location(mapping, level, spatial),
                         "factors are at least 1 and a residual lies between 1 and its factor",
                         "%s factor %" PRIu32 ",%" PRIu32 " of '%s' at %s is out of range",
                         spatial ? "spatial" : "temporal", factors[d], residuals[d],
                         problem->dimension_names[d], name);
                ok = false;
            }
        }
        if (!check_permutation(problem, arch, mapping, level, spatial, diagnostics))
            ok = false;
    }
    if (entry->spatial_split > problem->dimension_count) {
        ln_error(diagnostics, level_location(mapping, level, true),
                 "the split is a position in the spatial permutation",
                 "spatial split %u of %s exceeds the number of dimensions (%u)", entry->spatial_split,
                 name, problem->dimension_count);
        ok = false;
    }
    if (!ok)
        return false;

    uint64_t fanout_x = ln_arch_fanout_x(arch, level), fanout_y = ln_arch_fanout_y(arch, level);
    bool spreads = false;
    for (uint8_t d = 0; d < problem->dimension_count; d++)
        spreads |= entry->spatial_factors[d] > 1;
    if (spreads && fanout_x * fanout_y <= 1) {
        ln_error(diagnostics, level_location(mapping, level, true),
                 "put the spatial loops at a level whose next-inner level has more instances",
                 "%s has no spatial fan-out (its next-inner level has as many instances), so it "
                 "cannot have spatial loops",
                 name);
        ok = false;
    }
    if (entry->keep & entry->bypass) {
        for (uint8_t t = 0; t < problem->tensor_count; t++)
            if (entry->keep & entry->bypass & (1u << t)) {
                ln_error(diagnostics, entry->dataspace_location.line ? entry->dataspace_location
                                                                     : mapping->location,
                         "list each tensor under either keep or bypass",
                         "tensor '%s' is both kept and bypassed at %s", problem->tensors[t].name,
                         name);
                ok = false;
                break;
            }
    }
    if (level + 1 == mapping->level_count && entry->bypass) {
        for (uint8_t t = 0; t < problem->tensor_count; t++)
            if (entry->bypass & (1u << t)) {
                ln_error(diagnostics, entry->dataspace_location.line ? entry->dataspace_location
                                                                     : mapping->location,
                         "keep every tensor in the outermost level, where it is stored",
                         "tensor '%s' is bypassed at the outermost level %s",
                         problem->tensors[t].name, name);
                ok = false;
            }
    }
    return ok;
}

/* Timeloop checks spatial loops against the hardware cumulatively: the
 * loops above a level spread it over some columns (X) and rows (Y), and
 * those must fit the level's mesh. A level's own fan-out ratio may be
 * exceeded as long as the levels below still fit. */
static bool check_spread(const ln_problem *problem, const ln_arch *arch, const ln_mapping *mapping,
                         ln_diagnostics *diagnostics)
{
    uint64_t spread_x = 1, spread_y = 1;
    uint32_t last_spreading = UINT32_MAX;
    for (uint32_t level = mapping->level_count; level-- > 0;) {
        const ln_mapping_level *entry = &mapping->levels[level];
        bool spreads = false;
        for (uint8_t i = 0; i < problem->dimension_count; i++) {
            uint8_t d = entry->spatial_permutation[i];
            uint64_t *spread = i < entry->spatial_split ? &spread_x : &spread_y;
            if (entry->spatial_factors[d] > 1)
                spreads = true;
            if (__builtin_mul_overflow(*spread, (uint64_t)entry->spatial_factors[d], spread))
                *spread = UINT64_MAX;
        }
        if (spreads)
            last_spreading = level;
        /* What the loops so far spread the next-inner level (or the compute
         * units) over. */
        const char *inner_name = level == 0 ? arch->compute.name : arch->storage[level - 1].name;
        uint64_t mesh_x = level == 0 ? arch->compute.mesh_x : arch->storage[level - 1].mesh_x;
        uint64_t mesh_y = level == 0 ? arch->compute.mesh_y : arch->storage[level - 1].mesh_y;
        if (spread_x > mesh_x || spread_y > mesh_y) {
            bool x = spread_x > mesh_x;
            char hint[256];
            snprintf(hint, sizeof hint,
                     "reduce the spatial factors on %s at %s or above, or move some to the other axis "
                     "with `split`",
                     x ? "X" : "Y", arch->storage[last_spreading].name);
            ln_error(diagnostics, level_location(mapping, last_spreading, true), hint,
                     "the spatial loops down to %s spread %s over %" PRIu64 " %s, but its mesh has %" PRIu64,
                     arch->storage[level].name, inner_name ? inner_name : "the compute units",
                     x ? spread_x : spread_y, x ? "columns (X)" : "rows (Y)", x ? mesh_x : mesh_y);
            return false;
        }
    }
    return true;
}

/* Timeloop spreads a spatial loop's residual over the iterations of the
 * loops of its dimension further out (to count the instances it uses on
 * average) and exits when there is none, so such a mapping cannot run. */
static bool check_spatial_residuals(const ln_problem *problem, const ln_arch *arch, const ln_mapping *mapping,
                                    ln_diagnostics *diagnostics)
{
    bool ok = true;
    for (uint32_t level = 0; level < mapping->level_count; level++) {
        const ln_mapping_level *entry = &mapping->levels[level];
        for (uint8_t d = 0; d < problem->dimension_count; d++) {
            if (entry->spatial_residuals[d] == entry->spatial_factors[d])
                continue;
            bool outer = entry->temporal_factors[d] > 1;
            for (uint32_t above = level + 1; above < mapping->level_count && !outer; above++)
                outer = mapping->levels[above].temporal_factors[d] > 1 ||
                        mapping->levels[above].spatial_factors[d] > 1;
            if (outer)
                continue;
            char hint[256];
            snprintf(hint, sizeof hint,
                     "give '%s' a factor above 1 at %s (temporal) or further out, or make this factor perfect",
                     problem->dimension_names[d], arch->storage[level].name);
            ln_error(diagnostics, level_location(mapping, level, true), hint,
                     "the spatial factor %" PRIu32 ",%" PRIu32 " of '%s' at %s has a residual but no loop of '%s' "
                     "further out (Timeloop cannot analyse it)",
                     entry->spatial_factors[d], entry->spatial_residuals[d], problem->dimension_names[d],
                     arch->storage[level].name, problem->dimension_names[d]);
            ok = false;
        }
    }
    return ok;
}

bool ln_mapping_validate(const ln_problem *problem, const ln_arch *arch, const ln_mapping *mapping,
                         ln_diagnostics *diagnostics)
{
    if (mapping->level_count != arch->storage_count) {
        ln_error(diagnostics, mapping->location, "map onto the architecture it was written for",
                 "the mapping has %u levels but the architecture has %u storage levels",
                 mapping->level_count, arch->storage_count);
        return false;
    }
    bool ok = true;
    for (uint32_t level = 0; level < mapping->level_count; level++)
        if (!check_level(problem, arch, mapping, level, diagnostics))
            ok = false;
    if (!ok)
        return false;
    if (!check_spread(problem, arch, mapping, diagnostics))
        ok = false;
    if (!check_spatial_residuals(problem, arch, mapping, diagnostics))
        ok = false;

    for (uint8_t d = 0; d < problem->dimension_count; d++) {
        uint64_t product = 0;
        bool overflow = false;
        for (uint32_t level = mapping->level_count; level-- > 0 && !overflow;) {
            const ln_mapping_level *entry = &mapping->levels[level];
            overflow = !multiply_add(product, entry->temporal_factors[d],
                                     entry->temporal_residuals[d], &product) ||
                       !multiply_add(product, entry->spatial_factors[d], entry->spatial_residuals[d],
                                     &product);
        }
        if (!overflow)
            overflow = __builtin_add_overflow(product, (uint64_t)1, &product);
        uint64_t bound = (uint64_t)problem->dimension_bounds[d];
        if (!overflow && product == bound)
            continue;
        char factors[512];
        describe_factors(arch, mapping, d, factors, sizeof factors);
        char hint[768];
        snprintf(hint, sizeof hint, "make the factors of '%s' over all levels multiply to %" PRIu64
                                    " (found: %s)",
                 problem->dimension_names[d], bound, factors);
        if (overflow)
            ln_error(diagnostics, dimension_location(mapping, d), hint,
                     "the product of the factors of dimension '%s' overflows; its bound is %" PRIu64,
                     problem->dimension_names[d], bound);
        else
            ln_error(diagnostics, dimension_location(mapping, d), hint,
                     "the product of the factors of dimension '%s' is %" PRIu64
                     ", not its bound %" PRIu64,
                     problem->dimension_names[d], product, bound);
        ok = false;
    }
    return ok;
}
