/* The mapspace: Timeloop's uber mapspace (mapspaces/uber.cpp, subspaces.cpp,
 * mapping/constraints.cpp) built from the spec IR, with each sub-space
 * indexable and each constraint checked where it is read. */
#include "runtime/mapspace.h"
#include "runtime/mapspace_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/arena.h"
#include "runtime/divisors.h"

/* ------------------------------------------------------------------ */
/* Names for messages                                                   */
/* ------------------------------------------------------------------ */

static const char *level_name(const ln_mapspace *mapspace, uint32_t tiling_level)
{
    return mapspace->arch->storage[mapspace->levels[tiling_level].storage_level].name;
}

static const char *loop_kind(const ln_mapspace *mapspace, uint32_t tiling_level)
{
    return mapspace->levels[tiling_level].spatial ? "spatial" : "temporal";
}

static void describe_item(const ln_mapspace *mapspace, uint32_t dimension, const factor_item *item,
                          char *text, size_t size)
{
    static const char *const operators[] = {"=", ">=", "<="};
    snprintf(text, size, "%s%s%u (%s %s)", mapspace->problem->dimension_names[dimension],
             operators[item->kind], item->value, loop_kind(mapspace, item->tiling_level),
             level_name(mapspace, item->tiling_level));
}

static void note(ln_diagnostics *diagnostics, ln_source_location location, const char *message)
{
    ln_diagnostic_report(diagnostics, LN_SEVERITY_NOTE, location, NULL, "%s", message);
}

/* ------------------------------------------------------------------ */
/* Tiling levels                                                        */
/* ------------------------------------------------------------------ */

static void build_tiling_levels(ln_mapspace *mapspace)
{
    const ln_arch *arch = mapspace->arch;
    uint32_t count = 0;
    for (uint32_t level = 0; level < arch->storage_count; level++) {
        uint64_t fanout_x = ln_arch_fanout_x(arch, level), fanout_y = ln_arch_fanout_y(arch, level);
        mapspace->spatial_tiling[level] = -1;
        if (fanout_x * fanout_y > 1) {
            tiling_level_spec *spatial = &mapspace->levels[count];
            spatial->storage_level = (uint8_t)level;
            spatial->spatial = true;
            spatial->fanout_x = fanout_x;
            spatial->fanout_y = fanout_y;
            spatial->two_dimensional = fanout_x > 1 && fanout_y > 1;
            mapspace->spatial_tiling[level] = (int8_t)count++;
        }
        tiling_level_spec *temporal = &mapspace->levels[count];
        temporal->storage_level = (uint8_t)level;
        temporal->spatial = false;
        mapspace->temporal_tiling[level] = (int8_t)count++;
    }
    mapspace->tiling_level_count = count;
}

/* ------------------------------------------------------------------ */
/* Constraints                                                          */
/* ------------------------------------------------------------------ */

static void add_factor_item(ln_mapspace *mapspace, uint32_t dimension, factor_item_kind kind,
                            uint32_t tiling_level, uint32_t value, const ln_constraint *source)
{
    dimension_space *space = &mapspace->dimensions[dimension];
    factor_item *items = ln_arena_alloc_array(&mapspace->arena, space->item_count + 1, sizeof *items);
    if (space->item_count)
        memcpy(items, space->items, space->item_count * sizeof *items);
    items[space->item_count].kind = kind;
    items[space->item_count].tiling_level = (uint8_t)tiling_level;
    items[space->item_count].value = value;
    items[space->item_count].source = source;
    space->items = items;
    space->item_count++;
}

/* A second constraint fixing the same factor: equal values repeat each
 * other, different ones conflict. */
static bool check_fixed_twice(ln_mapspace *mapspace, ln_diagnostics *diagnostics, uint32_t dimension,
                              uint32_t tiling_level, uint32_t value, const ln_constraint *source)
{
    const dimension_space *space = &mapspace->dimensions[dimension];
    for (uint32_t i = 0; i < space->item_count; i++) {
        const factor_item *item = &space->items[i];
        if (item->kind != FACTOR_FIXED || item->tiling_level != tiling_level || item->value == value)
            continue;
        ln_error(diagnostics, source->location,
                 "give the factor once, or make the architecture and mapspace constraints agree",
                 "%s is fixed to %u for the %s loops of %s here, but to %u by another constraint",
                 mapspace->problem->dimension_names[dimension], value, loop_kind(mapspace, tiling_level),
                 level_name(mapspace, tiling_level), item->value);
        note(diagnostics, item->source->location, "the other constraint");
        return false;
    }
    return true;
}

static bool same_order(const tiling_level_spec *level, const ln_constraint *constraint)
{
    return level->prefix_count == constraint->permutation_count &&
           level->suffix_count == constraint->permutation_suffix_count &&
           memcmp(level->prefix, constraint->permutation, level->prefix_count) == 0 &&
           memcmp(level->suffix, constraint->permutation_suffix, level->suffix_count) == 0;
}

static bool read_loop_constraint(ln_mapspace *mapspace, ln_diagnostics *diagnostics,
                                 const ln_constraint *constraint)
{
    const ln_problem *problem = mapspace->problem;
    uint32_t storage_level = (uint32_t)constraint->level;
    bool spatial = constraint->kind == LN_CONSTRAINT_SPATIAL;
    int tiling = spatial ? mapspace->spatial_tiling[storage_level] : mapspace->temporal_tiling[storage_level];
    if (tiling < 0) {
        ln_error(diagnostics, constraint->location,
                 "constrain spatial loops at a level above a fan-out (its next-inner level has more instances)",
                 "spatial constraint on %s, which has no spatial fan-out", mapspace->arch->storage[storage_level].name);
        return false;
    }
    tiling_level_spec *level = &mapspace->levels[tiling];
    bool ok = true;
    for (uint32_t d = 0; d < problem->dimension_count; d++) {
        if (constraint->factor_relation[d] == LN_FACTOR_EQUAL) {
            uint32_t value = constraint->factors[d];
            if (value == 0) /* Timeloop: the whole dimension */
                value = (uint32_t)problem->dimension_bounds[d];
            if (!check_fixed_twice(mapspace, diagnostics, d, (uint32_t)tiling, value, constraint)) {
                ok = false;
                continue;
            }
            add_factor_item(mapspace, d, FACTOR_FIXED, (uint32_t)tiling, value, constraint);
        }
        if (constraint->min_factors[d] > 1)
            add_factor_item(mapspace, d, FACTOR_AT_LEAST, (uint32_t)tiling, constraint->min_factors[d], constraint);
        if (constraint->max_factors[d] > 0)
            add_factor_item(mapspace, d, FACTOR_AT_MOST, (uint32_t)tiling, constraint->max_factors[d], constraint);
    }
    if (constraint->permutation_count || constraint->permutation_suffix_count) {
        if (level->order_source && !same_order(level, constraint)) {
            ln_error(diagnostics, constraint->location,
                     "give the order once, or make the architecture and mapspace constraints agree",
                     "a second, different loop order for the %s loops of %s", loop_kind(mapspace, (uint32_t)tiling),
                     mapspace->arch->storage[storage_level].name);
            note(diagnostics, level->order_source->location, "the first order");
            ok = false;
        } else {
            level->prefix_count = constraint->permutation_count;
            level->suffix_count = constraint->permutation_suffix_count;
            memcpy(level->prefix, constraint->permutation, constraint->permutation_count);
            memcpy(level->suffix, constraint->permutation_suffix, constraint->permutation_suffix_count);
            level->order_source = constraint;
        }
    }
    if (spatial && constraint->split_specified) {
        if (level->split_source && level->split != constraint->split) {
            ln_error(diagnostics, constraint->location,
                     "give the split once, or make the architecture and mapspace constraints agree",
                     "split %u here, but %u by another constraint on %s", constraint->split, level->split,
                     mapspace->arch->storage[storage_level].name);
            note(diagnostics, level->split_source->location, "the other split");
            ok = false;
        }
        level->split_fixed = true;
        level->split = constraint->split;
        level->split_source = constraint;
    }
    if (spatial) {
        if (constraint->no_multicast_specified)
            mapspace->no_multicast[storage_level] |= constraint->no_multicast;
        if (constraint->no_link_transfer_specified)
            mapspace->no_link_transfer[storage_level] |= constraint->no_link_transfer;
    } else {
        if (constraint->no_temporal_reuse_specified)
            mapspace->no_temporal_reuse[storage_level] |= constraint->no_temporal_reuse;
        if (constraint->rmw_first_update_specified)
            mapspace->rmw_first_update[storage_level] |= constraint->rmw_first_update;
    }
    return ok;
}

static bool set_bypass(ln_mapspace *mapspace, ln_diagnostics *diagnostics, const ln_constraint *constraint,
                       uint32_t tensor, char value)
{
    uint32_t level = (uint32_t)constraint->level;
    char *entry = &mapspace->bypass[tensor][level];
    const ln_constraint *previous = mapspace->bypass_source[tensor][level];
    if (previous && *entry != value) {
        ln_error(diagnostics, constraint->location, "keep or bypass each tensor once per level",
                 "%s is %s at %s here, but %s by another constraint", mapspace->problem->tensors[tensor].name,
                 value == '1' ? "kept" : "bypassed", mapspace->arch->storage[level].name,
                 value == '1' ? "bypassed" : "kept");
        note(diagnostics, previous->location, "the other constraint");
        return false;
    }
    *entry = value;
    mapspace->bypass_source[tensor][level] = constraint;
    return true;
}

static bool read_constraints(ln_mapspace *mapspace, ln_diagnostics *diagnostics)
{
    const ln_spec *spec = mapspace->spec;
    const ln_problem *problem = mapspace->problem;
    const ln_arch *arch = mapspace->arch;
    bool ok = true;
    for (uint32_t t = 0; t < problem->tensor_count; t++)
        for (uint32_t level = 0; level < arch->storage_count; level++)
            mapspace->bypass[t][level] = level + 1 == arch->storage_count ? '1' : 'X';
    for (uint32_t level = 0; level < arch->storage_count; level++)
        mapspace->confidence[level] = 1.0;

    for (uint32_t i = 0; i < spec->constraints.count; i++) {
        const ln_constraint *constraint = &spec->constraints.items[i];
        if (constraint->level < 0 || (uint32_t)constraint->level >= arch->storage_count)
            continue;
        uint32_t level = (uint32_t)constraint->level;
        switch (constraint->kind) {
        case LN_CONSTRAINT_TEMPORAL:
        case LN_CONSTRAINT_SPATIAL:
            ok = read_loop_constraint(mapspace, diagnostics, constraint) && ok;
            break;
        case LN_CONSTRAINT_DATASPACE:
            for (uint32_t t = 0; t < problem->tensor_count; t++) {
                if (constraint->keep & (1u << t))
                    ok = set_bypass(mapspace, diagnostics, constraint, t, '1') && ok;
                if (constraint->bypass & (1u << t))
                    ok = set_bypass(mapspace, diagnostics, constraint, t, '0') && ok;
            }
            if (constraint->no_coalesce_specified)
                mapspace->no_coalesce[level] |= constraint->no_coalesce;
            break;
        case LN_CONSTRAINT_UTILIZATION:
            if (mapspace->parallelism_source && mapspace->min_parallelism != constraint->min_utilization) {
                ln_error(diagnostics, constraint->location, "give the minimum utilization once",
                         "a second minimum utilization (%g; the first is %g)", constraint->min_utilization,
                         mapspace->min_parallelism);
                note(diagnostics, mapspace->parallelism_source->location, "the first one");
                ok = false;
            } else if (constraint->min_utilization > 1.0 || constraint->min_utilization < 0.0) {
                ln_error(diagnostics, constraint->location,
                         "give a fraction from 0 to 1 of the compute units that must be busy",
                         "minimum utilization %g cannot be met: no mapping uses more than every compute unit",
                         constraint->min_utilization);
                ok = false;
            }
            mapspace->min_parallelism = constraint->min_utilization;
            mapspace->parallelism_source = constraint;
            break;
        case LN_CONSTRAINT_MAX_OVERBOOKED_PROPORTION:
            if (constraint->max_overbooked_proportion < 0.0 || constraint->max_overbooked_proportion >= 1.0) {
                ln_error(diagnostics, constraint->location,
                         "give a proportion from 0 (never overbook) to below 1",
                         "max_overbooked_proportion %g is out of range", constraint->max_overbooked_proportion);
                ok = false;
            }
            mapspace->confidence[level] = 1.0 - constraint->max_overbooked_proportion;
            break;
        }
    }
    return ok;
}

/* ------------------------------------------------------------------ */
/* Factorizations of one dimension                                      */
/* ------------------------------------------------------------------ */

static uint32_t divisor_index(const dimension_space *space, uint32_t value)
{
    return ln_divisor_index(space->divisors, space->divisor_count, value);
}

/* Per-level fixed values and bounds from the enabled items; false when a
 * fixed factor falls outside its own bounds or the fixed factors do not
 * divide the bound. */
static bool apply_items(dimension_space *space, uint32_t tiling_levels, const bool *enabled)
{
    for (uint32_t level = 0; level < tiling_levels; level++) {
        space->fixed[level] = 0;
        space->minimum[level] = 1;
        space->maximum[level] = UINT32_MAX;
    }
    for (uint32_t i = 0; i < space->item_count; i++) {
        if (enabled && !enabled[i])
            continue;
        const factor_item *item = &space->items[i];
        switch (item->kind) {
        case FACTOR_FIXED:
            space->fixed[item->tiling_level] = item->value;
            break;
        case FACTOR_AT_LEAST:
            if (item->value > space->minimum[item->tiling_level])
                space->minimum[item->tiling_level] = item->value;
            break;
        case FACTOR_AT_MOST:
            if (item->value < space->maximum[item->tiling_level])
                space->maximum[item->tiling_level] = item->value;
            break;
        }
    }
    uint64_t remaining = space->bound;
    space->free_count = 0;
    for (uint32_t level = tiling_levels; level-- > 0;) {
        uint32_t fixed = space->fixed[level];
        if (!fixed) {
            space->free_levels[space->free_count++] = (uint8_t)level;
            continue;
        }
        if (fixed < space->minimum[level] || fixed > space->maximum[level] || remaining % fixed)
            return false;
        remaining /= fixed;
    }
    space->remaining = (uint32_t)remaining;
    return true;
}

static void find_divisors(ln_arena *arena, dimension_space *space)
{
    uint32_t all[LN_MAX_DIVISORS];
    uint32_t count = ln_divisors_ascending(space->remaining, all);
    space->divisor_count = count;
    space->divisors = ln_arena_alloc_array(arena, count, sizeof *space->divisors);
    memcpy(space->divisors, all, count * sizeof *all);
    /* Timeloop's Factors::CalculateAllFactors_ order: i, n/i for i up to
     * sqrt(n), that is the ascending list's ends taken alternately. */
    space->timeloop_order = ln_arena_alloc_array(arena, count, sizeof *space->timeloop_order);
    for (uint32_t i = 0; i < count; i++)
        space->timeloop_order[i] = i % 2 == 0 ? i / 2 : count - 1 - i / 2;
}

/* Fills ways[][] (and, with `choices`, the choice lists). Counts saturate
 * at LN_COUNT_MAX. */
static void count_factorizations(ln_arena *arena, dimension_space *space, bool with_choices)
{
    uint32_t divisors = space->divisor_count, levels = space->free_count;
    space->ways = ln_arena_alloc_array(arena, (size_t)(levels + 1) * divisors, sizeof *space->ways);
    space->ways[(size_t)levels * divisors + 0] = 1; /* divisors[0] == 1 */
    size_t choice_count = 0;
    for (uint32_t k = levels; k-- > 0;) {
        uint32_t level = space->free_levels[k];
        for (uint32_t j = 0; j < divisors; j++) {
            uint32_t r = space->divisors[j];
            ln_count total = 0;
            for (uint32_t o = 0; o < divisors; o++) {
                uint32_t f = space->divisors[space->timeloop_order[o]];
                if (f > r || r % f || f < space->minimum[level] || f > space->maximum[level])
                    continue;
                ln_count ways = space->ways[(size_t)(k + 1) * divisors + divisor_index(space, r / f)];
                if (!ways)
                    continue;
                total = total > LN_COUNT_MAX - ways ? LN_COUNT_MAX : total + ways;
                choice_count++;
            }
            space->ways[(size_t)k * divisors + j] = total;
        }
    }
    space->size = levels ? space->ways[divisor_index(space, space->remaining)] : (space->remaining == 1);
    if (!with_choices)
        return;
    space->choice_begin = ln_arena_alloc_array(arena, (size_t)levels * divisors + 1, sizeof *space->choice_begin);
    space->choices = ln_arena_alloc_array(arena, choice_count + 1, sizeof *space->choices);
    uint32_t used = 0;
    for (uint32_t k = 0; k < levels; k++) {
        uint32_t level = space->free_levels[k];
        for (uint32_t j = 0; j < divisors; j++) {
            space->choice_begin[(size_t)k * divisors + j] = used;
            uint32_t r = space->divisors[j];
            for (uint32_t o = 0; o < divisors; o++) {
                uint32_t f = space->divisors[space->timeloop_order[o]];
                if (f > r || r % f || f < space->minimum[level] || f > space->maximum[level])
                    continue;
                uint32_t next = divisor_index(space, r / f);
                if (!space->ways[(size_t)(k + 1) * divisors + next])
                    continue;
                space->choices[used].factor = f;
                space->choices[used].next = next;
                used++;
            }
        }
    }
    space->choice_begin[(size_t)levels * divisors] = used;
}

/* Factorizations with only the items `enabled` marks (a probe). */
static ln_count probe_factorizations(ln_mapspace *mapspace, dimension_space *space, const bool *enabled)
{
    ln_arena scratch;
    ln_arena_init(&scratch);
    ln_count size = 0;
    if (apply_items(space, mapspace->tiling_level_count, enabled)) {
        find_divisors(&scratch, space);
        count_factorizations(&scratch, space, false);
        size = space->size;
    }
    ln_arena_release(&scratch);
    return size;
}

/* No factorization meets the dimension's constraints: find a smallest set
 * that conflicts (removing any one of them leaves factorizations) and
 * report it. */
static void report_conflict(ln_mapspace *mapspace, ln_diagnostics *diagnostics, uint32_t dimension)
{
    dimension_space *space = &mapspace->dimensions[dimension];
    bool enabled[256];
    uint32_t count = space->item_count < 256 ? space->item_count : 256;
    for (uint32_t i = 0; i < count; i++)
        enabled[i] = true;
    for (uint32_t i = 0; i < count; i++) {
        enabled[i] = false;
        if (probe_factorizations(mapspace, space, enabled) != 0)
            enabled[i] = true;
    }
    const ln_problem *problem = mapspace->problem;
    const char *name = problem->dimension_names[dimension];
    uint32_t first = count, members = 0;
    for (uint32_t i = 0; i < count; i++)
        if (enabled[i]) {
            if (first == count)
                first = i;
            members++;
        }
    if (first == count) {
        ln_error(diagnostics, problem->dimension_locations[dimension], NULL,
                 "dimension %s (%u) has no factorization", name, space->bound);
        return;
    }
    const factor_item *item = &space->items[first];
    char text[1024], part[160];
    if (members == 1) {
        describe_item(mapspace, dimension, item, part, sizeof part);
        if (item->kind == FACTOR_FIXED)
            ln_error(diagnostics, item->source->location,
                     "use a divisor of the bound (factors must multiply out; residuals are a mapping's)",
                     "constraint %s cannot be met: %u does not divide %s's bound %u", part, item->value, name,
                     space->bound);
        else if (item->kind == FACTOR_AT_LEAST)
            ln_error(diagnostics, item->source->location, "lower the bound or remove it",
                     "constraint %s cannot be met: no divisor of %s's bound %u is that large", part, name,
                     space->bound);
        else
            ln_error(diagnostics, item->source->location, "raise the bound or remove it",
                     "constraint %s cannot be met", part);
        return;
    }
    size_t used = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (!enabled[i])
            continue;
        describe_item(mapspace, dimension, &space->items[i], part, sizeof part);
        used += (size_t)snprintf(text + used, used < sizeof text ? sizeof text - used : 0, "%s%s",
                                 used ? ", " : "", part);
        if (used >= sizeof text)
            break;
    }
    char hint[256];
    snprintf(hint, sizeof hint, "relax one of them: %s's factors over all levels must multiply to %u", name,
             space->bound);
    ln_error(diagnostics, item->source->location, hint,
             "these constraints leave no factorization of %s (bound %u): %s", name, space->bound, text);
    for (uint32_t i = first + 1; i < count; i++)
        if (enabled[i] && space->items[i].source != item->source)
            note(diagnostics, space->items[i].source->location, "this constraint is part of the conflict");
}

static bool build_dimension_spaces(ln_mapspace *mapspace, ln_diagnostics *diagnostics)
{
    const ln_problem *problem = mapspace->problem;
    bool ok = true;
    ln_count stride = 1;
    for (uint32_t d = 0; d < problem->dimension_count; d++) {
        dimension_space *space = &mapspace->dimensions[d];
        if (problem->dimension_bounds[d] < 1 || problem->dimension_bounds[d] > UINT32_MAX) {
            ln_error(diagnostics, problem->dimension_locations[d], "give bounds from 1 to 4294967295",
                     "dimension %s has bound %lld, which the mapper cannot factor", problem->dimension_names[d],
                     (long long)problem->dimension_bounds[d]);
            ok = false;
            continue;
        }
        space->bound = (uint32_t)problem->dimension_bounds[d];
        if (!apply_items(space, mapspace->tiling_level_count, NULL)) {
            report_conflict(mapspace, diagnostics, d);
            ok = false;
            continue;
        }
        find_divisors(&mapspace->arena, space);
        count_factorizations(&mapspace->arena, space, true);
        if (space->size == 0) {
            report_conflict(mapspace, diagnostics, d);
            ok = false;
            continue;
        }
        space->stride = stride;
        if (!ln_count_multiply(stride, space->size, &stride)) {
            ln_error(diagnostics, problem->location,
                     "add factor constraints (`factors` in the architecture or a search) to narrow it",
                     "the problem has more than 2^128 factorizations over this architecture");
            return false;
        }
    }
    mapspace->sizes[LN_SUBSPACE_FACTORIZATION] = stride;
    return ok;
}

/* ------------------------------------------------------------------ */
/* Other checks and sizes                                               */
/* ------------------------------------------------------------------ */

/* Spatial factors fixed (or bounded from below) at one fan-out that need
 * more instances than it has. */
static bool check_spatial_products(ln_mapspace *mapspace, ln_diagnostics *diagnostics)
{
    const ln_problem *problem = mapspace->problem;
    bool ok = true;
    for (uint32_t t = 0; t < mapspace->tiling_level_count; t++) {
        const tiling_level_spec *level = &mapspace->levels[t];
        if (!level->spatial)
            continue;
        uint64_t fanout = level->fanout_x * level->fanout_y, product = 1;
        const ln_constraint *sources[LN_MAX_DIMENSIONS];
        uint32_t source_count = 0;
        char text[512];
        size_t used = 0;
        for (uint32_t d = 0; d < problem->dimension_count; d++) {
            const dimension_space *space = &mapspace->dimensions[d];
            uint32_t least = space->fixed[t] ? space->fixed[t] : space->minimum[t];
            if (least <= 1)
                continue;
            product *= least;
            const ln_constraint *source = NULL;
            for (uint32_t i = 0; i < space->item_count; i++)
                if (space->items[i].tiling_level == t && space->items[i].kind != FACTOR_AT_MOST)
                    source = space->items[i].source;
            bool seen = false;
            for (uint32_t s = 0; s < source_count; s++)
                seen = seen || sources[s] == source;
            if (source && !seen)
                sources[source_count++] = source;
            used += (size_t)snprintf(text + used, used < sizeof text ? sizeof text - used : 0, "%s%s%s%u",
                                     used ? ", " : "", problem->dimension_names[d], space->fixed[t] ? "=" : ">=",
                                     least);
            if (product > fanout)
                break;
        }
        if (product <= fanout || !source_count)
            continue;
        char hint[256];
        snprintf(hint, sizeof hint, "the fan-out below %s is %llu x %llu; lower the spatial factors",
                 level_name(mapspace, t), (unsigned long long)level->fanout_x, (unsigned long long)level->fanout_y);
        ln_error(diagnostics, sources[0]->location, hint,
                 "spatial factors %s at %s need at least %llu instances, more than the fan-out's %llu", text,
                 level_name(mapspace, t), (unsigned long long)product, (unsigned long long)fanout);
        for (uint32_t s = 1; s < source_count; s++)
            note(diagnostics, sources[s]->location, "this constraint is part of the conflict");
        ok = false;
    }
    return ok;
}

static bool check_bypass(ln_mapspace *mapspace, ln_diagnostics *diagnostics)
{
    const ln_problem *problem = mapspace->problem;
    const ln_arch *arch = mapspace->arch;
    uint32_t outermost = arch->storage_count - 1;
    bool ok = true;
    mapspace->free_bypass_count = 0;
    for (uint32_t t = 0; t < problem->tensor_count; t++) {
        if (mapspace->bypass[t][outermost] == '0') {
            ln_error(diagnostics, mapspace->bypass_source[t][outermost]->location,
                     "every tensor lives in the outermost level; remove the bypass",
                     "%s cannot be bypassed at %s, the outermost level", problem->tensors[t].name,
                     arch->storage[outermost].name);
            ok = false;
        }
        for (uint32_t level = 0; level < arch->storage_count; level++) {
            char value = mapspace->bypass[t][level];
            if (value == '1')
                mapspace->fixed_keep[level] |= (ln_tensor_mask)(1u << t);
            if (value == 'X') {
                mapspace->free_bypass_tensor[mapspace->free_bypass_count] = (uint8_t)t;
                mapspace->free_bypass_level[mapspace->free_bypass_count] = (uint8_t)level;
                mapspace->free_bypass_count++;
            }
        }
    }
    if (mapspace->free_bypass_count > 120) {
        ln_error(diagnostics, arch->location,
                 "keep or bypass tensors at some levels with dataspace constraints",
                 "%u keep/bypass choices are free, more than the mapper can index (120)",
                 mapspace->free_bypass_count);
        ok = false;
    }
    mapspace->sizes[LN_SUBSPACE_BYPASS] = (ln_count)1 << (mapspace->free_bypass_count > 120 ? 0 : mapspace->free_bypass_count);
    return ok;
}

static ln_count factorial(uint32_t n)
{
    ln_count value = 1;
    for (uint32_t i = 2; i <= n; i++)
        value *= i;
    return value;
}

/* Timeloop's permutation and split sizes, and the size of the whole. */
static bool compute_sizes(ln_mapspace *mapspace, ln_diagnostics *diagnostics)
{
    uint32_t dimensions = mapspace->problem->dimension_count;
    ln_count permutations = 1, splits = 1;
    bool fits = true;
    for (uint32_t t = 0; t < mapspace->tiling_level_count; t++) {
        tiling_level_spec *level = &mapspace->levels[t];
        bool free_order = level->prefix_count == 0 && level->suffix_count == 0;
        level->canonical = level->spatial ? free_order && !level->two_dimensional : t == 0;
        if (!level->canonical)
            fits = fits && ln_count_multiply(permutations,
                                             factorial(dimensions - level->prefix_count - level->suffix_count),
                                             &permutations);
        if (level->spatial && !level->split_fixed)
            fits = fits && ln_count_multiply(splits, dimensions + 1, &splits);
    }
    mapspace->sizes[LN_SUBSPACE_PERMUTATION] = permutations;
    mapspace->sizes[LN_SUBSPACE_SPATIAL_SPLIT] = splits;
    ln_count total;
    if (!fits || !ln_mapspace_size(mapspace, &total)) {
        ln_error(diagnostics, mapspace->problem->location,
                 "add mapspace constraints (factors, loop orders, keep/bypass) to narrow it",
                 "the mapspace holds more than 2^128 mappings");
        return false;
    }
    return true;
}

static void plan_tiles(ln_mapspace *mapspace)
{
    const ln_problem *problem = mapspace->problem;
    for (uint32_t t = 0; t < problem->tensor_count; t++) {
        const ln_tensor *tensor = &problem->tensors[t];
        mapspace->rank_count[t] = tensor->rank_count;
        uint32_t count = 0;
        for (uint32_t r = 0; r < tensor->rank_count; r++)
            for (uint32_t k = 0; k < tensor->ranks[r].term_count; k++) {
                const ln_projection_term *term = &tensor->ranks[r].terms[k];
                int64_t coefficient = term->coefficient < 0 ? 1 : problem->coefficient_values[term->coefficient];
                mapspace->terms[t][count].rank = (uint8_t)r;
                mapspace->terms[t][count].dimension = term->dimension;
                mapspace->terms[t][count].magnitude = (uint64_t)(coefficient < 0 ? -coefficient : coefficient);
                count++;
            }
        mapspace->term_count[t] = count;
    }
}

ln_mapspace *ln_mapspace_create(const ln_spec *spec, ln_diagnostics *diagnostics)
{
    if (!spec->has_problem || !spec->has_arch || spec->arch.storage_count == 0) {
        ln_error(diagnostics, ln_location_none(), "give a problem and an architecture",
                 "no problem or architecture to build a mapspace for");
        return NULL;
    }
    ln_mapspace *mapspace = calloc(1, sizeof *mapspace);
    if (!mapspace) {
        ln_error(diagnostics, ln_location_none(), NULL, "out of memory building the mapspace");
        return NULL;
    }
    ln_arena_init(&mapspace->arena);
    mapspace->spec = spec;
    mapspace->problem = &spec->problem;
    mapspace->arch = &spec->arch;
    mapspace->max_temporal_loops = spec->mapper.present ? spec->mapper.max_temporal_loops_in_a_mapping : -1;
    build_tiling_levels(mapspace);
    bool ok = read_constraints(mapspace, diagnostics);
    ok = ok && build_dimension_spaces(mapspace, diagnostics);
    ok = ok && check_spatial_products(mapspace, diagnostics);
    ok = check_bypass(mapspace, diagnostics) && ok;
    ok = ok && compute_sizes(mapspace, diagnostics);
    if (!ok) {
        ln_mapspace_destroy(mapspace);
        return NULL;
    }
    plan_tiles(mapspace);
    return mapspace;
}

void ln_mapspace_destroy(ln_mapspace *mapspace)
{
    if (!mapspace)
        return;
    ln_arena_release(&mapspace->arena);
    free(mapspace);
}

ln_count ln_mapspace_subspace_size(const ln_mapspace *mapspace, ln_subspace subspace)
{
    return mapspace->sizes[subspace];
}

bool ln_mapspace_size(const ln_mapspace *mapspace, ln_count *size)
{
    ln_count total = 1;
    for (int s = 0; s < LN_SUBSPACE_COUNT; s++)
        if (!ln_count_multiply(total, mapspace->sizes[s], &total))
            return false;
    *size = total;
    return true;
}

ln_count ln_mapspace_bypass_choices(const ln_mapspace *mapspace)
{
    return mapspace->sizes[LN_SUBSPACE_BYPASS];
}

uint32_t ln_mapspace_tiling_levels(const ln_mapspace *mapspace)
{
    return mapspace->tiling_level_count;
}

uint32_t ln_mapspace_tiling_storage_level(const ln_mapspace *mapspace, uint32_t tiling_level)
{
    return mapspace->levels[tiling_level].storage_level;
}

bool ln_mapspace_tiling_is_spatial(const ln_mapspace *mapspace, uint32_t tiling_level)
{
    return mapspace->levels[tiling_level].spatial;
}

/* ------------------------------------------------------------------ */
/* Entering a factorization                                             */
/* ------------------------------------------------------------------ */

static void decode_dimension(const dimension_space *space, ln_count id, uint32_t tiling_levels,
                             uint32_t *factors_by_level, uint32_t stride_between_levels)
{
    for (uint32_t level = 0; level < tiling_levels; level++)
        if (space->fixed[level])
            factors_by_level[level * stride_between_levels] = space->fixed[level];
    uint32_t divisors = space->divisor_count;
    uint32_t remaining = divisor_index(space, space->remaining);
    for (uint32_t k = 0; k < space->free_count; k++) {
        const factor_choice *choice = &space->choices[space->choice_begin[(size_t)k * divisors + remaining]];
        const factor_choice *end = &space->choices[space->choice_begin[(size_t)k * divisors + remaining + 1]];
        for (; choice < end; choice++) {
            ln_count ways = space->ways[(size_t)(k + 1) * divisors + choice->next];
            if (id < ways)
                break;
            id -= ways;
        }
        factors_by_level[space->free_levels[k] * stride_between_levels] = choice->factor;
        remaining = choice->next;
    }
}

uint64_t ln_mapspace_tile_words(const ln_mapspace *mapspace, uint32_t tensor, const uint64_t *extents)
{
    uint64_t span[LN_MAX_RANKS];
    for (uint32_t r = 0; r < mapspace->rank_count[tensor]; r++)
        span[r] = 1;
    for (uint32_t k = 0; k < mapspace->term_count[tensor]; k++) {
        const tile_term *term = &mapspace->terms[tensor][k];
        span[term->rank] += term->magnitude * (extents[term->dimension] - 1);
    }
    uint64_t words = 1;
    for (uint32_t r = 0; r < mapspace->rank_count[tensor]; r++)
        words *= span[r];
    return words;
}

void ln_mapspace_enter(const ln_mapspace *mapspace, ln_count factorization, ln_tiling *tiling)
{
    uint32_t levels = mapspace->tiling_level_count;
    tiling->factorization = factorization;
    for (uint32_t d = 0; d < mapspace->problem->dimension_count; d++) {
        const dimension_space *space = &mapspace->dimensions[d];
        ln_count id = (factorization / space->stride) % space->size;
        decode_dimension(space, id, levels, &tiling->factors[0][d], LN_MAX_DIMENSIONS);
    }
    ln_mapspace_arrange(mapspace, tiling);
}

void ln_mapspace_arrange(const ln_mapspace *mapspace, ln_tiling *tiling)
{
    const ln_problem *problem = mapspace->problem;
    uint32_t dimensions = problem->dimension_count, levels = mapspace->tiling_level_count;
    tiling->permutations = 1;
    tiling->splits = 1;
    tiling->infeasible = LN_REJECTION_REASON_COUNT;
    tiling->infeasible_level = -1;
    double parallelism = 1.0;
    int64_t temporal_loops = 0;
    for (uint32_t t = 0; t < levels; t++) {
        const tiling_level_spec *level = &mapspace->levels[t];
        const uint32_t *factors = tiling->factors[t];
        uint8_t *order = tiling->order[t];
        uint32_t unit = 0, used = 0;
        for (uint32_t d = 0; d < dimensions; d++)
            if (factors[d] == 1)
                unit |= 1u << d;
        tiling->split_base[t] = 0;
        tiling->split_choices[t] = 1;
        if (level->canonical) {
            for (uint32_t d = 0; d < dimensions; d++)
                order[d] = (uint8_t)d;
            tiling->order_begin[t] = (uint8_t)dimensions;
            tiling->order_length[t] = 0;
            /* A fan-out along one axis: every loop goes on it, unless a
             * split says otherwise. */
            if (level->spatial && level->split_fixed)
                tiling->split_base[t] = (uint8_t)(level->split < dimensions ? level->split : dimensions);
            else if (level->spatial)
                tiling->split_base[t] = level->fanout_x > 1 ? (uint8_t)dimensions : 0;
        } else {
            /* A fixed split strictly inside the order counts positions
             * through the unit loops too, so they are permuted with the rest
             * (as Timeloop does there). */
            bool keep_units = level->spatial && level->split_fixed && level->split > 0 && level->split < dimensions;
            uint32_t placed = 0;
            /* Unit loops first (where they stand does not matter), except
             * where a fixed split counts positions through them. */
            if (!keep_units)
                for (uint32_t d = 0; d < dimensions; d++)
                    if (unit & (1u << d)) {
                        order[used++] = (uint8_t)d;
                        placed |= 1u << d;
                    }
            uint32_t units = used;
            for (uint32_t i = 0; i < level->prefix_count; i++)
                if (!(placed & (1u << level->prefix[i]))) {
                    order[used++] = level->prefix[i];
                    placed |= 1u << level->prefix[i];
                }
            uint32_t suffix = 0;
            for (uint32_t i = 0; i < level->suffix_count; i++)
                if (!(placed & (1u << level->suffix[i])))
                    suffix |= 1u << level->suffix[i];
            tiling->order_begin[t] = (uint8_t)used;
            for (uint32_t d = 0; d < dimensions; d++)
                if (!(placed & (1u << d)) && !(suffix & (1u << d)))
                    order[used++] = (uint8_t)d;
            tiling->order_length[t] = (uint8_t)(used - tiling->order_begin[t]);
            for (uint32_t i = 0; i < level->suffix_count; i++)
                if (suffix & (1u << level->suffix[i]))
                    order[used++] = level->suffix[i];
            tiling->permutations *= factorial(tiling->order_length[t]);
            if (level->spatial) {
                if (level->split_fixed && !keep_units) {
                    tiling->split_base[t] = level->split >= dimensions ? (uint8_t)dimensions : 0;
                } else if (level->split_fixed) {
                    tiling->split_base[t] = (uint8_t)level->split;
                } else {
                    tiling->split_base[t] = (uint8_t)units;
                    tiling->split_choices[t] = (uint8_t)(dimensions - units + 1);
                    tiling->splits *= tiling->split_choices[t];
                }
            }
        }
        uint64_t product = 1;
        for (uint32_t d = 0; d < dimensions; d++) {
            product *= factors[d];
            if (!level->spatial && factors[d] > 1)
                temporal_loops++;
        }
        if (level->spatial) {
            uint64_t fanout = level->fanout_x * level->fanout_y;
            if (product > fanout && tiling->infeasible == LN_REJECTION_REASON_COUNT) {
                tiling->infeasible = LN_REJECTED_FANOUT;
                tiling->infeasible_level = level->storage_level;
            }
            parallelism *= (double)product / (double)fanout;
        }
    }
    if (tiling->infeasible == LN_REJECTION_REASON_COUNT) {
        if (mapspace->max_temporal_loops > 0 && temporal_loops > mapspace->max_temporal_loops)
            tiling->infeasible = LN_REJECTED_TEMPORAL_LOOPS;
        else if (parallelism < mapspace->min_parallelism)
            tiling->infeasible = LN_REJECTED_PARALLELISM;
    }

    /* Working sets: the tile of every loop up to each storage level. */
    uint64_t extents[LN_MAX_DIMENSIONS];
    for (uint32_t d = 0; d < dimensions; d++)
        extents[d] = 1;
    for (uint32_t t = 0; t < levels; t++) {
        for (uint32_t d = 0; d < dimensions; d++)
            extents[d] *= tiling->factors[t][d];
        if (mapspace->levels[t].spatial)
            continue;
        uint32_t storage_level = mapspace->levels[t].storage_level;
        for (uint32_t tensor = 0; tensor < problem->tensor_count; tensor++)
            tiling->tile_words[tensor][storage_level] = ln_mapspace_tile_words(mapspace, tensor, extents);
    }
}

/* ------------------------------------------------------------------ */
/* Building a candidate                                                 */
/* ------------------------------------------------------------------ */

/* Timeloop's Factoradic::Permute: the index-th permutation of `items`. */
static void permute(uint8_t *items, uint32_t length, uint64_t index)
{
    if (length < 2)
        return;
    uint64_t scale = 1;
    for (uint32_t i = 2; i <= length; i++)
        scale *= i;
    for (uint32_t i = 0; i + 1 < length; i++) {
        scale /= (uint64_t)(length - i);
        uint64_t d = index / scale;
        index %= scale;
        if (d > 0) {
            uint8_t moved = items[i + d];
            memmove(items + i + 1, items + i, (size_t)d);
            items[i] = moved;
        }
    }
}

static void reject(ln_candidate_rejection *rejection, ln_rejection_reason reason, int32_t level, int32_t tensor,
                   uint64_t required, uint64_t available)
{
    rejection->reason = reason;
    rejection->level = level;
    rejection->tensor = tensor;
    rejection->required = required;
    rejection->available = available;
}

void ln_mapspace_point_of(const ln_mapspace *mapspace, const ln_tiling *tiling, ln_count permutation,
                          ln_count split, ln_count bypass, ln_mapspace_point *point)
{
    uint32_t dimensions = mapspace->problem->dimension_count;
    for (uint32_t t = 0; t < mapspace->tiling_level_count; t++) {
        memcpy(point->factors[t], tiling->factors[t], dimensions * sizeof(uint32_t));
        memcpy(point->order[t], tiling->order[t], dimensions);
        uint32_t length = tiling->order_length[t];
        if (length > 1) {
            ln_count orders = factorial(length);
            permute(point->order[t] + tiling->order_begin[t], length, (uint64_t)(permutation % orders));
            permutation /= orders;
        }
        uint32_t choice = 0;
        if (tiling->split_choices[t] > 1) {
            choice = (uint32_t)(split % tiling->split_choices[t]);
            split /= tiling->split_choices[t];
        }
        point->split[t] = (uint8_t)(tiling->split_base[t] + choice);
    }
    for (uint32_t level = 0; level < mapspace->arch->storage_count; level++)
        point->keep[level] = mapspace->fixed_keep[level];
    for (uint32_t k = 0; k < mapspace->free_bypass_count; k++)
        if ((bypass >> k) & 1)
            point->keep[mapspace->free_bypass_level[k]] |= (ln_tensor_mask)(1u << mapspace->free_bypass_tensor[k]);
}

void ln_mapspace_spatial_extent(const ln_mapspace *mapspace, const uint32_t *factors, const uint8_t *order,
                                uint32_t split, uint64_t *x, uint64_t *y)
{
    *x = *y = 1;
    for (uint32_t i = 0; i < mapspace->problem->dimension_count; i++) {
        if (i < split)
            *x *= factors[order[i]];
        else
            *y *= factors[order[i]];
    }
}

ln_candidate_status ln_mapspace_check(const ln_mapspace *mapspace, const ln_tiling *tiling,
                                      const ln_mapspace_point *point, ln_candidate_rejection *rejection)
{
    const ln_problem *problem = mapspace->problem;
    const ln_arch *arch = mapspace->arch;
    /* Timeloop's Uber::AssignSpatialTilingDirections: each fan-out along
     * each axis. */
    for (uint32_t t = 0; t < mapspace->tiling_level_count; t++) {
        const tiling_level_spec *level = &mapspace->levels[t];
        if (!level->spatial)
            continue;
        uint64_t x, y;
        ln_mapspace_spatial_extent(mapspace, point->factors[t], point->order[t], point->split[t], &x, &y);
        if (x > level->fanout_x) {
            reject(rejection, LN_REJECTED_FANOUT, level->storage_level, -1, x, level->fanout_x);
            return LN_CANDIDATE_CONSTRUCTION_FAILED;
        }
        if (y > level->fanout_y) {
            reject(rejection, LN_REJECTED_FANOUT, level->storage_level, -1, y, level->fanout_y);
            return LN_CANDIDATE_CONSTRUCTION_FAILED;
        }
    }

    ln_tensor_mask all = (ln_tensor_mask)((1u << problem->tensor_count) - 1), kept_anywhere = 0;
    for (uint32_t level = 0; level < arch->storage_count; level++)
        kept_anywhere |= point->keep[level];
    if (kept_anywhere != all) {
        for (uint32_t t = 0; t < problem->tensor_count; t++)
            if (!(kept_anywhere & (1u << t))) {
                reject(rejection, LN_REJECTED_BYPASS, -1, (int32_t)t, 0, 0);
                break;
            }
        return LN_CANDIDATE_CHECK_FAILED;
    }

    /* Timeloop's BufferLevel::PreEvaluationCheck, level by level. */
    for (uint32_t level = 0; level < arch->storage_count; level++) {
        const ln_storage_level *storage = &arch->storage[level];
        if (!storage->size_specified)
            continue;
        double confidence = storage->allow_overbooking ? mapspace->confidence[level] : 1.0;
        uint64_t required = 0, largest = 0;
        int32_t largest_tensor = -1;
        for (uint32_t t = 0; t < problem->tensor_count; t++) {
            if (!(point->keep[level] & (1u << t)))
                continue;
            uint64_t words = tiling->tile_words[t][level];
            if (confidence < 1.0)
                words = (uint64_t)ceil((double)words * confidence);
            required += words;
            if (words > largest) {
                largest = words;
                largest_tensor = (int32_t)t;
            }
        }
        if (required > storage->effective_size) {
            reject(rejection, LN_REJECTED_CAPACITY, (int32_t)level, largest_tensor, required, storage->effective_size);
            return LN_CANDIDATE_CHECK_FAILED;
        }
        double least = (double)storage->effective_size * storage->min_utilization;
        if ((double)required < least) {
            reject(rejection, LN_REJECTED_MIN_UTILIZATION, (int32_t)level, -1, required, (uint64_t)least);
            return LN_CANDIDATE_CHECK_FAILED;
        }
    }
    return LN_CANDIDATE_OK;
}

void ln_mapspace_write_mapping(const ln_mapspace *mapspace, const ln_mapspace_point *point, ln_mapping *mapping)
{
    const ln_arch *arch = mapspace->arch;
    uint32_t dimensions = mapspace->problem->dimension_count;
    ln_tensor_mask all = (ln_tensor_mask)((1u << mapspace->problem->tensor_count) - 1);
    mapping->level_count = arch->storage_count;
    memset(&mapping->location, 0, sizeof mapping->location);
    for (uint32_t level = 0; level < arch->storage_count; level++) {
        ln_mapping_level *entry = &mapping->levels[level];
        memset(entry, 0, sizeof *entry);
        for (uint32_t d = 0; d < LN_MAX_DIMENSIONS; d++) {
            entry->spatial_factors[d] = entry->spatial_residuals[d] = 1;
            entry->temporal_factors[d] = entry->temporal_residuals[d] = 1;
            entry->spatial_permutation[d] = entry->temporal_permutation[d] = (uint8_t)d;
        }
        entry->spatial_split = (uint8_t)dimensions;
        entry->keep = point->keep[level];
        entry->bypass = (ln_tensor_mask)(all & ~point->keep[level]);
        entry->no_temporal_reuse = mapspace->no_temporal_reuse[level];
        entry->no_multicast = mapspace->no_multicast[level];
        entry->no_link_transfer = mapspace->no_link_transfer[level];
        entry->rmw_first_update = mapspace->rmw_first_update[level];
        entry->no_coalesce = mapspace->no_coalesce[level];
    }
    for (uint32_t t = 0; t < mapspace->tiling_level_count; t++) {
        const tiling_level_spec *level = &mapspace->levels[t];
        ln_mapping_level *entry = &mapping->levels[level->storage_level];
        bool spatial = level->spatial;
        memcpy(spatial ? entry->spatial_permutation : entry->temporal_permutation, point->order[t], dimensions);
        uint32_t *factors = spatial ? entry->spatial_factors : entry->temporal_factors;
        uint32_t *residuals = spatial ? entry->spatial_residuals : entry->temporal_residuals;
        for (uint32_t d = 0; d < dimensions; d++)
            factors[d] = residuals[d] = point->factors[t][d];
        if (spatial) {
            entry->has_spatial = true;
            entry->split_specified = true;
            entry->spatial_split = point->split[t];
        } else {
            entry->has_temporal = true;
        }
    }
}

ln_candidate_status ln_mapspace_build(const ln_mapspace *mapspace, const ln_tiling *tiling, ln_count permutation,
                                      ln_count split, ln_count bypass, ln_mapspace_point *point, ln_mapping *mapping,
                                      ln_candidate_rejection *rejection)
{
    ln_mapspace_point_of(mapspace, tiling, permutation, split, bypass, point);
    ln_candidate_status status = ln_mapspace_check(mapspace, tiling, point, rejection);
    if (status == LN_CANDIDATE_OK)
        ln_mapspace_write_mapping(mapspace, point, mapping);
    return status;
}
