/* A mapping's nest -> ln_mapping.
 *
 *   mapping ws {
 *     @GlobalBuffer
 *       for k in [0:2)            temporal loops, outermost first
 *       spatial_for k in [0:16)   the fan-out below GlobalBuffer
 *     @RegisterFile
 *       keep Outputs;
 *       for p in [0:16)
 *   }
 *
 * Levels go from the outermost inward, each once; within a level the
 * temporal loops come first and the spatial ones (its fan-out) after, as
 * Timeloop nests them. The written order becomes the permutation
 * (innermost first, unwritten dimensions appended as Timeloop pads them);
 * spatial loops `on Y` go after those on X in the permutation, and the
 * split between them is where the Y loops start. What the mapping leaves
 * open is completed from a v0.4 architecture's constraints, as Timeloop's
 * front end does, and the result is validated. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/nest_lower.h"
#include "ir/mapping_fold.h"
#include "ir/mapping_validate.h"

typedef struct ln_level_nest {
    int level;
    const ln_nest_node *section;
    uint8_t temporal[LN_MAX_DIMENSIONS];
    uint8_t temporal_count;
    uint8_t x_loops[LN_MAX_DIMENSIONS], y_loops[LN_MAX_DIMENSIONS];
    uint8_t x_count, y_count;
    bool axis_written;
    const ln_nest_node *first_spatial;
    const ln_nest_node *keep_statement;
    const ln_nest_node *bypass_statement;
    /* How far the spatial loops so far (this level's and those above)
     * spread the instances: shared by all levels of the mapping. */
    uint64_t *spread_x, *spread_y;
} ln_level_nest;

static const char *statement_word(const ln_nest_node *statement)
{
    switch (statement->kind) {
    case LN_NEST_FACTORS:
        return statement->flags & LN_NEST_SPATIAL ? "spatial_factors" : "factors";
    case LN_NEST_SPLIT:
        return "split";
    case LN_NEST_MIN_UTILIZATION:
        return "min_utilization";
    case LN_NEST_MAX_OVERBOOKED:
        return "max_overbooked_proportion";
    case LN_NEST_REMAINDERS:
        return statement->flags & LN_NEST_SPATIAL ? "spatial_remainders" : "remainders";
    case LN_NEST_ELLIPSIS:
        return "...";
    default:
        return "this statement";
    }
}

/* A level as the user names it: a dummy level `inter_PE_spatial` by its
 * container, `PE`. */
static void level_display_name(const ln_arch *arch, uint32_t level, char *buffer, size_t size)
{
    const char *name = arch->storage[level].name;
    size_t length = strlen(name);
    if (arch->storage[level].is_dummy && length > 14 && strncmp(name, "inter_", 6) == 0 &&
        strcmp(name + length - 8, "_spatial") == 0)
        snprintf(buffer, size, "%.*s", (int)(length - 14), name + 6);
    else
        snprintf(buffer, size, "%s", name);
}

static bool lower_loop(ln_nest_lowering *lowering, ln_level_nest *nest, const ln_nest_node *loop)
{
    ln_spec *spec = lowering->spec;
    const ln_problem *problem = &spec->problem;
    const ln_arch *arch = &spec->arch;
    ln_mapping_level *entry = &spec->mapping.levels[nest->level];
    bool spatial = loop->flags & LN_NEST_SPATIAL;

    if (loop->detail == LN_NEST_BOUND_HOLE) {
        ln_error(lowering->diagnostics, loop->value_location,
                 "a mapping fixes every factor; leave holes to a `search`",
                 "`?` in a mapping");
        return false;
    }
    int dimension = ln_nest_resolve_dimension(lowering, loop->name, loop->name_location, "in the loop");
    if (dimension < 0)
        return false;
    const char *dimension_name = problem->dimension_names[dimension];
    if (loop->value < 1 || loop->value > UINT32_MAX) {
        ln_error(lowering->diagnostics, loop->value_location, "a loop runs at least once",
                 "the factor of a loop over `%s` must be at least 1", dimension_name);
        return false;
    }
    if (loop->value2 < 1 || loop->value2 > loop->value) {
        ln_error(lowering->diagnostics, loop->value_location,
                 "`[0:F,R)` runs F times, the last time with factor R: 1 <= R <= F",
                 "residual %" PRId64 " of the loop over `%s` is not between 1 and %" PRId64,
                 loop->value2, dimension_name, loop->value);
        return false;
    }
    uint32_t bit = 1u << dimension;
    if (!spatial) {
        if (nest->first_spatial) {
            char hint[256];
            snprintf(hint, sizeof hint,
                     "a level's temporal loops come first and its fan-out (`spatial_for`, line %u) "
                     "below them; move this loop up",
                     nest->first_spatial->location.line);
            ln_error(lowering->diagnostics, loop->location, hint,
                     "temporal loop over `%s` after a `spatial_for` at @%s", dimension_name,
                     nest->section->name);
            return false;
        }
        if (entry->temporal_factors_specified & bit) {
            ln_error(lowering->diagnostics, loop->name_location,
                     "give each dimension one temporal loop per level (multiply the factors)",
                     "a second temporal loop over `%s` at @%s", dimension_name, nest->section->name);
            return false;
        }
        entry->temporal_factors[dimension] = (uint32_t)loop->value;
        entry->temporal_residuals[dimension] = (uint32_t)loop->value2;
        entry->temporal_factors_specified |= bit;
        nest->temporal[nest->temporal_count++] = (uint8_t)dimension;
        if (!entry->has_temporal) {
            entry->has_temporal = true;
            entry->temporal_location = loop->location;
        }
        return true;
    }

    uint64_t fanout_x = ln_arch_fanout_x(arch, (uint32_t)nest->level);
    uint64_t fanout_y = ln_arch_fanout_y(arch, (uint32_t)nest->level);
    if (fanout_x * fanout_y <= 1) {
        char hint[1024];
        size_t used = (size_t)snprintf(hint, sizeof hint,
                                       "spatial loops go to a level above a fan-out");
        const char *separator = ": ";
        for (uint32_t l = arch->storage_count; l-- > 0 && used < sizeof hint;) {
            if (ln_nest_fanout(arch, l) > 1) {
                char display[128];
                level_display_name(arch, l, display, sizeof display);
                used += (size_t)snprintf(hint + used, sizeof hint - used, "%s@%s (%" PRIu64 " x %" PRIu64 ")",
                                         separator, display, ln_arch_fanout_x(arch, l),
                                         ln_arch_fanout_y(arch, l));
                separator = ", ";
            }
        }
        if (!strcmp(separator, ": "))
            snprintf(hint + used, sizeof hint - used, "; this architecture has none");
        ln_error(lowering->diagnostics, loop->location, hint,
                 "`spatial_for` at @%s, which has no fan-out below it", nest->section->name);
        return false;
    }
    if (entry->spatial_factors_specified & bit) {
        ln_error(lowering->diagnostics, loop->name_location,
                 "give each dimension one spatial loop per level (multiply the factors)",
                 "a second spatial loop over `%s` at @%s", dimension_name, nest->section->name);
        return false;
    }
    if (loop->detail == LN_NEST_BOUND_RESIDUAL) {
        ln_error(lowering->diagnostics, loop->value_location,
                 "give a spatial loop a whole factor", "a spatial loop cannot have a residual");
        return false;
    }
    /* As Timeloop checks it: the spatial loops of this level and of the
     * levels above spread the next-inner level's instances, which must have
     * room for them along each axis of their mesh (a level's own fan-out
     * may be exceeded when the mesh below still fits). */
    bool on_y = loop->axis == LN_NEST_AXIS_Y;
    uint32_t level = (uint32_t)nest->level;
    uint64_t mesh_x = level ? arch->storage[level - 1].mesh_x : arch->compute.mesh_x;
    uint64_t mesh_y = level ? arch->storage[level - 1].mesh_y : arch->compute.mesh_y;
    uint64_t *spread = on_y ? nest->spread_y : nest->spread_x;
    uint64_t available = on_y ? mesh_y : mesh_x;
    if (*spread * (uint64_t)loop->value > available) {
        char inner[128];
        if (level)
            level_display_name(arch, level - 1, inner, sizeof inner);
        else
            snprintf(inner, sizeof inner, "%s", arch->compute.name ? arch->compute.name : "the compute units");
        uint64_t other_room = on_y ? mesh_x / *nest->spread_x : mesh_y / *nest->spread_y;
        char hint[256];
        if (other_room > 1)
            snprintf(hint, sizeof hint,
                     "reduce the factors, or place loops on the other axis (`on %s`), which has room for "
                     "%" PRIu64,
                     on_y ? "X" : "Y", other_room);
        else
            snprintf(hint, sizeof hint, "reduce the spatial factors here or above to %" PRIu64
                                        " along %s in all, and move the rest to temporal loops",
                     available, on_y ? "Y" : "X");
        ln_error(lowering->diagnostics, loop->value_location, hint,
                 "the spatial loops down to @%s spread %s over %" PRIu64 " along %s, but its mesh has %" PRIu64,
                 nest->section->name, inner, *spread * (uint64_t)loop->value, on_y ? "Y" : "X", available);
        return false;
    }
    *spread *= (uint64_t)loop->value;
    entry->spatial_factors[dimension] = (uint32_t)loop->value;
    entry->spatial_residuals[dimension] = (uint32_t)loop->value;
    entry->spatial_factors_specified |= bit;
    if (loop->axis != LN_NEST_AXIS_NONE)
        nest->axis_written = true;
    if (on_y)
        nest->y_loops[nest->y_count++] = (uint8_t)dimension;
    else
        nest->x_loops[nest->x_count++] = (uint8_t)dimension;
    if (!nest->first_spatial) {
        nest->first_spatial = loop;
        entry->has_spatial = true;
        entry->spatial_location = loop->location;
    }
    return true;
}

static bool lower_tensors(ln_nest_lowering *lowering, ln_level_nest *nest, const ln_nest_node *statement)
{
    ln_spec *spec = lowering->spec;
    ln_mapping_level *entry = &spec->mapping.levels[nest->level];
    ln_tensor_mask mask = 0;
    if (!ln_nest_tensor_mask(lowering, statement, &mask))
        return false;
    if (statement->kind == LN_NEST_FLAG) {
        ln_tensor_mask *target = NULL;
        if (strcmp(statement->name, "no_multicast") == 0)
            target = &entry->no_multicast;
        else if (strcmp(statement->name, "no_link_transfer") == 0)
            target = &entry->no_link_transfer;
        else if (strcmp(statement->name, "no_temporal_reuse") == 0)
            target = &entry->no_temporal_reuse;
        else if (strcmp(statement->name, "rmw_first_update") == 0)
            target = &entry->rmw_first_update;
        else
            target = &entry->no_coalesce;
        *target = (ln_tensor_mask)(*target | mask);
        return true;
    }
    bool keep = statement->kind == LN_NEST_KEEP;
    ln_tensor_mask other = keep ? entry->bypass : entry->keep;
    if (mask & other) {
        const ln_nest_node *first = keep ? nest->bypass_statement : nest->keep_statement;
        for (uint8_t t = 0; t < spec->problem.tensor_count; t++)
            if (mask & other & (1u << t)) {
                char hint[256];
                snprintf(hint, sizeof hint, "line %u %s it; list each tensor under either keep or bypass",
                         first ? first->location.line : 0, keep ? "bypasses" : "keeps");
                ln_error(lowering->diagnostics, statement->location, hint,
                         "tensor `%s` is both kept and bypassed at @%s", spec->problem.tensors[t].name,
                         nest->section->name);
                break;
            }
        return false;
    }
    if (keep) {
        entry->keep = (ln_tensor_mask)(entry->keep | mask);
        if (!nest->keep_statement)
            nest->keep_statement = statement;
    } else {
        entry->bypass = (ln_tensor_mask)(entry->bypass | mask);
        if (!nest->bypass_statement)
            nest->bypass_statement = statement;
    }
    if (!entry->dataspace_location.line)
        entry->dataspace_location = statement->location;
    return true;
}

static void finish_permutations(ln_nest_lowering *lowering, ln_level_nest *nest,
                                ln_permutations_written *written)
{
    const ln_problem *problem = &lowering->spec->problem;
    ln_mapping_level *entry = &lowering->spec->mapping.levels[nest->level];
    uint8_t order[LN_MAX_DIMENSIONS];
    uint8_t count = 0;
    for (uint8_t i = nest->temporal_count; i-- > 0;)
        order[count++] = nest->temporal[i];
    if (count) {
        ln_permutation_complete(problem, order, count, NULL, 0, entry->temporal_permutation);
        written->temporal[nest->level] = true;
    }
    count = 0;
    for (uint8_t i = nest->x_count; i-- > 0;)
        order[count++] = nest->x_loops[i];
    for (uint8_t i = nest->y_count; i-- > 0;)
        order[count++] = nest->y_loops[i];
    if (count) {
        ln_permutation_complete(problem, order, count, NULL, 0, entry->spatial_permutation);
        written->spatial[nest->level] = true;
        /* Without a Y loop everything is on X, as when no split is given. */
        entry->spatial_split = nest->y_count ? nest->x_count : problem->dimension_count;
        entry->split_specified = nest->axis_written;
    }
}

/* A tensor the mapping keeps where the architecture bypasses it (or the
 * reverse) is a contradiction the fold would silently resolve. */
static bool check_against_architecture(ln_nest_lowering *lowering, const ln_level_nest *nest)
{
    const ln_spec *spec = lowering->spec;
    const ln_mapping_level *entry = &spec->mapping.levels[nest->level];
    bool ok = true;
    for (uint32_t i = lowering->architecture_constraints_begin;
         i < lowering->architecture_constraints_end && i < spec->constraints.count; i++) {
        const ln_constraint *constraint = &spec->constraints.items[i];
        if (!constraint->from_architecture || constraint->kind != LN_CONSTRAINT_DATASPACE ||
            constraint->level != nest->level)
            continue;
        ln_tensor_mask kept_bypassed = entry->keep & constraint->bypass;
        ln_tensor_mask bypassed_kept = entry->bypass & constraint->keep;
        for (uint8_t t = 0; t < spec->problem.tensor_count; t++) {
            bool keeps = kept_bypassed & (1u << t);
            if (!keeps && !(bypassed_kept & (1u << t)))
                continue;
            const ln_nest_node *statement = keeps ? nest->keep_statement : nest->bypass_statement;
            char hint[512];
            snprintf(hint, sizeof hint, "the architecture %s it at %s:%u:%u; %s",
                     keeps ? "bypasses" : "keeps",
                     constraint->location.file ? constraint->location.file : "",
                     constraint->location.line, constraint->location.column,
                     keeps ? "drop it from the keep list (the level cannot hold it)"
                           : "drop it from the bypass list (the level is the one that holds it)");
            ln_error(lowering->diagnostics, statement ? statement->location : nest->section->location,
                     hint, "tensor `%s` is %s at @%s, contradicting the architecture",
                     spec->problem.tensors[t].name, keeps ? "kept" : "bypassed", nest->section->name);
            ok = false;
        }
    }
    return ok;
}

bool ln_nest_lower_mapping(ln_nest_lowering *lowering, const ln_nest_node *mapping)
{
    ln_spec *spec = lowering->spec;
    const ln_arch *arch = &spec->arch;
    size_t errors_before = lowering->diagnostics->error_count;
    spec->has_mapping = false;
    ln_mapping_init_neutral(&spec->mapping, &spec->problem, arch->storage_count);
    spec->mapping.location = mapping->location;
    ln_permutations_written written;
    memset(&written, 0, sizeof written);

    ln_level_nest nests[LN_MAX_STORAGE_LEVELS];
    uint64_t spread_x = 1, spread_y = 1;
    const ln_nest_node *seen[LN_MAX_STORAGE_LEVELS] = {NULL};
    size_t nest_count = 0;
    int previous = -1;
    const ln_nest_node *previous_section = NULL;
    for (size_t i = 0; i < mapping->child_count; i++) {
        const ln_nest_node *section = mapping->children[i];
        if (section->kind != LN_NEST_SECTION) {
            ln_error(lowering->diagnostics, section->location,
                     "move it to a `search`; a mapping holds loops, keep and bypass",
                     "a search setting in a mapping");
            continue;
        }
        if (!section->name) {
            ln_error(lowering->diagnostics, section->location,
                     "start with the level the loops belong to, e.g. `@GlobalBuffer`",
                     "a loop before any `@LEVEL`");
            continue;
        }
        int level = ln_nest_resolve_level(lowering, section->name, section->name_location);
        if (level < 0)
            continue;
        if (seen[level]) {
            char hint[256];
            snprintf(hint, sizeof hint, "the first is at line %u; give each level one section",
                     seen[level]->location.line);
            ln_error(lowering->diagnostics, section->name_location, hint,
                     "level `%s` appears twice in the mapping", arch->storage[level].name);
            continue;
        }
        seen[level] = section;
        if (previous >= 0 && level > previous) {
            char hint[512];
            snprintf(hint, sizeof hint,
                     "list the levels from the outermost (%s) inward: `%s` is outside `%s` (line %u)",
                     arch->storage[arch->storage_count - 1].name, section->name,
                     previous_section->name, previous_section->location.line);
            ln_error(lowering->diagnostics, section->name_location, hint,
                     "@%s comes after @%s, which is inside it", section->name,
                     previous_section->name);
            continue;
        }
        previous = level;
        previous_section = section;
        ln_level_nest *nest = &nests[nest_count++];
        memset(nest, 0, sizeof *nest);
        nest->level = level;
        nest->section = section;
        nest->spread_x = &spread_x;
        nest->spread_y = &spread_y;
        for (size_t s = 0; s < section->child_count; s++) {
            const ln_nest_node *statement = section->children[s];
            switch (statement->kind) {
            case LN_NEST_LOOP:
                lower_loop(lowering, nest, statement);
                break;
            case LN_NEST_KEEP:
            case LN_NEST_BYPASS:
            case LN_NEST_FLAG:
                lower_tensors(lowering, nest, statement);
                break;
            default:
                ln_error(lowering->diagnostics, statement->location,
                         "constraints go in a `search` or in the architecture; a mapping holds "
                         "loops, keep, bypass and tensor flags",
                         "`%s` in a mapping", statement_word(statement));
                break;
            }
        }
    }
    if (lowering->diagnostics->error_count != errors_before)
        return false;
    bool ok = true;
    for (size_t i = 0; i < nest_count; i++) {
        finish_permutations(lowering, &nests[i], &written);
        if (!check_against_architecture(lowering, &nests[i]))
            ok = false;
    }
    if (!ok)
        return false;
    if (lowering->fold_architecture_constraints &&
        lowering->architecture_constraints_end > lowering->architecture_constraints_begin) {
        /* Only the architecture's own constraints complete a mapping; a
         * search's bind the mapper alone. */
        uint32_t count = lowering->architecture_constraints_end - lowering->architecture_constraints_begin;
        ln_constraint *folded = calloc(count, sizeof *folded);
        if (!folded) {
            ln_error(lowering->diagnostics, mapping->location, NULL, "out of memory");
            return false;
        }
        uint32_t used = 0;
        for (uint32_t i = 0; i < count; i++) {
            const ln_constraint *constraint =
                &spec->constraints.items[lowering->architecture_constraints_begin + i];
            if (constraint->from_architecture)
                folded[used++] = *constraint;
        }
        ln_mapping_fold_constraints(&spec->problem, &spec->mapping, folded, used, &written);
        free(folded);
    }
    if (!ln_mapping_validate(&spec->problem, arch, &spec->mapping, lowering->diagnostics))
        return false;
    spec->has_mapping = true;
    return true;
}
