/* A reference simulation of Timeloop's nest analysis.
 *
 * runtime/tile_analysis.c computes Timeloop's per-level records in closed
 * form, which relies on every working set keeping its shape. With imperfect
 * factorization (a residual factor such as R=3,2: three iterations, the
 * last covering two) the shapes change at the last iterations, and
 * Timeloop's numbers then depend on the details of its walk. This file
 * replays that walk, NestAnalysis::ComputeWorkingSets as Timeloop runs it by
 * default (temporal extrapolation, first-instance spatial extrapolation,
 * reset on stride change, link transfers, no skews, no flattening), and
 * produces the same raw per-level records as the closed form. It serves
 * mappings with residuals, and the tests use it to check the closed form.
 *
 * The walk, and what this file keeps of it:
 *
 * - A temporal loop with n iterations runs its body at iteration 0, once at
 *   iteration 1 standing for n - 1 iterations (the epoch count is scaled),
 *   and, when a loop of its dimension further in is imperfectly factorized
 *   and this is the last iteration of every loop of the dimension above,
 *   also the last (and, when this loop itself has a residual, the
 *   second-to-last) iteration, whose deltas fold into the scaled one.
 * - A loop's working set is the box between the current origin of the
 *   loops above and that origin plus the "mold" of the loops below; the
 *   mold is the residual one in a dimension whose loops above are all at
 *   their last iteration (Timeloop's IsLastGlobalIteration_).
 * - Only tiling boundaries subtract their previous working set; other loops
 *   compute deltas nobody reads, so they are not simulated. The subtraction
 *   follows SaveAndSubtractIfSameStride: the stride is the rounded
 *   difference of the boxes' centroids, and a change of stride drops the
 *   residual (the whole working set is delivered again).
 * - A spatial fan-out walks its first instance only; instance k receives
 *   that delta translated by the projected steps of its loop indices, so
 *   deltas are kept as one delta plus per-instance offsets. Two deltas are
 *   equal, as Timeloop compares them (the same boxes, as split by its
 *   subtraction), exactly when their offsets are; against the previous
 *   visit's deltas (link transfers) the boxes are compared up to a shift.
 * - Every instance of a loop level shares one live state here: only the
 *   first instance of each fan-out is ever walked, so Timeloop's per-instance
 *   state maps hold a single entry per loop (the averaging over them is a
 *   division by one), except the compute units' operation counts, which
 *   are kept per instance of the innermost fan-out.
 *
 * All memory comes from the caller's scratch; the recursion is as deep as
 * the loop nest and the number of visits is capped. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "runtime/engine_internal.h"

enum {
    /* Loop bodies a simulation may run before giving up: the walk grows
     * exponentially with the number of temporal loops. */
    LN_SIMULATION_MAX_VISITS = 1 << 22,
    /* Spatial loops in one fan-out: one per dimension and axis. */
    LN_SIMULATION_MAX_RUN_LOOPS = 2 * LN_MAX_DIMENSIONS,
    /* Distinct group sizes one fan-out delivery can produce. */
    LN_SIMULATION_MAX_GROUP_SIZES = LN_MAX_ACCESS_ENTRIES,
};

/* An axis-aligned box of a tensor's coordinates, upper bounds exclusive. */
typedef struct ln_sim_box {
    int64_t low[LN_MAX_RANKS];
    int64_t high[LN_MAX_RANKS];
} ln_sim_box;

/* A delivered delta: the working set `current`, minus `previous` when
 * `subtract` is set. Timeloop stores the difference as the boxes its
 * subtraction splits it into; those boxes are derived on demand. */
typedef struct ln_sim_delta {
    ln_sim_box current;
    ln_sim_box previous;
    bool subtract;
} ln_sim_delta;

typedef struct ln_sim_group_sizes {
    uint32_t count;
    uint64_t multicast[LN_SIMULATION_MAX_GROUP_SIZES];
    uint64_t groups[LN_SIMULATION_MAX_GROUP_SIZES];
} ln_sim_group_sizes;

/* State of one storage level's block of loops. */
typedef struct ln_sim_level {
    uint32_t boundary; /* outermost loop of the block */
    bool has_run;      /* spatial loops fanning out to the next-inner level */
    uint32_t run_first, run_master;
    uint64_t logical_x, logical_y; /* products of the fan-out's factors */
    /* Highest coordinate per dimension of the boundary's and the fan-out's
     * working sets (Timeloop's mold_high_, and mold_high_residual_ for the
     * last iteration of every loop above). */
    int64_t boundary_mold[LN_MAX_DIMENSIONS];
    int64_t boundary_mold_residual[LN_MAX_DIMENSIONS];
    int64_t run_mold[LN_MAX_DIMENSIONS];
    int64_t run_mold_residual[LN_MAX_DIMENSIONS];
    uint64_t run_size[LN_MAX_TENSORS];
    /* The boundary's last working set and stride, per tensor. */
    bool has_last_set[LN_MAX_TENSORS];
    ln_sim_box last_set[LN_MAX_TENSORS];
    bool has_last_translation[LN_MAX_TENSORS];
    int64_t last_translation[LN_MAX_TENSORS][LN_MAX_RANKS];
    /* The fan-out's current delivery, and the previous one for links. */
    ln_sim_delta run_delta[LN_MAX_TENSORS];
    bool has_previous_run;
    uint64_t previous_run_count;
    uint32_t previous_run_end[LN_SIMULATION_MAX_RUN_LOOPS];
    ln_sim_delta previous_run_delta[LN_MAX_TENSORS];
} ln_sim_level;

typedef struct ln_simulation {
    const ln_engine *engine;
    const ln_mapping *mapping;
    const ln_loop_nest *nest;
    ln_tile_analysis *analysis;
    uint32_t loop_count, level_count, tensor_count, dimension_count;

    uint32_t level_of[LN_MAX_LOOPS];
    bool boundary[LN_MAX_LOOPS];
    bool master[LN_MAX_LOOPS];
    int64_t stride[LN_MAX_LOOPS];   /* points one step of the loop moves */
    int64_t index[LN_MAX_LOOPS];    /* current iteration of each active loop */
    double utilized_spatial[LN_MAX_LOOPS]; /* average instances above each loop */
    int64_t transform[LN_MAX_DIMENSIONS];  /* origin of the current working set */
    int32_t innermost_imperfect[LN_MAX_DIMENSIONS]; /* loop, or -1 */
    uint64_t epochs;
    uint64_t visits;

    bool failed;
    ln_evaluation_status failure_status;
    int32_t failure_level;
    const char *failure_message;

    ln_sim_delta returned[LN_MAX_TENSORS]; /* the last boundary's deltas */
    ln_sim_box working_set[LN_MAX_TENSORS];
    ln_sim_level levels[LN_MAX_STORAGE_LEVELS];

    /* Per-instance arrays of a fan-out, `capacity` instances. */
    uint64_t capacity;
    ln_rank_vector *offsets;
    uint32_t *group_of;
    uint64_t *group_size;
    int64_t *group_table;
    uint64_t group_table_size;
    uint8_t *linked;
    double *compute_accesses;
    uint64_t compute_keys;
} ln_simulation;

/* ------------------------------------------------------------------ */
/* Scratch                                                              */
/* ------------------------------------------------------------------ */

static uint64_t group_table_size_for(uint64_t capacity)
{
    uint64_t size = 1;
    while (size < 2 * capacity)
        size <<= 1;
    return size;
}

static size_t align_up(size_t size)
{
    return (size + 15) / 16 * 16;
}

size_t ln_nest_simulation_scratch_size(uint64_t max_block_instances)
{
    uint64_t capacity = max_block_instances ? max_block_instances : 1;
    size_t size = align_up(sizeof(ln_simulation));
    size += align_up(capacity * sizeof(ln_rank_vector));
    size += align_up(capacity * sizeof(uint32_t));
    size += align_up(capacity * sizeof(uint64_t));
    size += align_up(group_table_size_for(capacity) * sizeof(int64_t));
    size += align_up(capacity * sizeof(uint8_t));
    size += align_up(capacity * sizeof(double));
    return size + 64;
}

static ln_simulation *simulation_layout(void *scratch, uint64_t capacity)
{
    char *cursor = (char *)(((uintptr_t)scratch + 15) / 16 * 16);
    ln_simulation *sim = (ln_simulation *)cursor;
    cursor += align_up(sizeof(ln_simulation));
    sim->capacity = capacity;
    sim->offsets = (ln_rank_vector *)cursor;
    cursor += align_up(capacity * sizeof(ln_rank_vector));
    sim->group_of = (uint32_t *)cursor;
    cursor += align_up(capacity * sizeof(uint32_t));
    sim->group_size = (uint64_t *)cursor;
    cursor += align_up(capacity * sizeof(uint64_t));
    sim->group_table_size = group_table_size_for(capacity);
    sim->group_table = (int64_t *)cursor;
    cursor += align_up(sim->group_table_size * sizeof(int64_t));
    sim->linked = (uint8_t *)cursor;
    cursor += align_up(capacity * sizeof(uint8_t));
    sim->compute_accesses = (double *)cursor;
    return sim;
}

static void fail(ln_simulation *sim, ln_evaluation_status status, int32_t level, const char *message)
{
    if (sim->failed)
        return;
    sim->failed = true;
    sim->failure_status = status;
    sim->failure_level = level;
    sim->failure_message = message;
}

/* ------------------------------------------------------------------ */
/* Boxes and Timeloop's point-set arithmetic                            */
/* ------------------------------------------------------------------ */

static uint64_t box_size(const ln_sim_box *box, uint32_t ranks)
{
    uint64_t size = 1;
    for (uint32_t r = 0; r < ranks; r++)
        size *= (uint64_t)(box->high[r] - box->low[r]);
    return size;
}

static uint64_t box_overlap(const ln_sim_box *a, const ln_sim_box *b, uint32_t ranks)
{
    uint64_t size = 1;
    for (uint32_t r = 0; r < ranks; r++) {
        int64_t low = a->low[r] > b->low[r] ? a->low[r] : b->low[r];
        int64_t high = a->high[r] < b->high[r] ? a->high[r] : b->high[r];
        if (high <= low)
            return 0;
        size *= (uint64_t)(high - low);
    }
    return size;
}

static uint64_t delta_size(const ln_sim_delta *delta, uint32_t ranks)
{
    uint64_t size = box_size(&delta->current, ranks);
    if (delta->subtract)
        size -= box_overlap(&delta->current, &delta->previous, ranks);
    return size;
}

/* The boxes Timeloop's subtraction (AxisAlignedHyperRectangle::
 * MultiSubtract) splits a difference into: per rank, the slice below and
 * the slice above the subtrahend, each cut from what remains. */
static uint32_t delta_boxes(const ln_sim_delta *delta, uint32_t ranks, ln_sim_box *boxes)
{
    const ln_sim_box *a = &delta->current;
    if (!delta->subtract) {
        boxes[0] = *a;
        return 1;
    }
    const ln_sim_box *b = &delta->previous;
    for (uint32_t r = 0; r < ranks; r++) {
        if (a->high[r] <= b->low[r] || b->high[r] <= a->low[r]) {
            boxes[0] = *a;
            return 1;
        }
    }
    uint32_t count = 0;
    ln_sim_box middle = *a;
    for (uint32_t r = 0; r < ranks; r++) {
        if (middle.low[r] < b->low[r]) {
            boxes[count] = middle;
            boxes[count].high[r] = b->low[r];
            count++;
            middle.low[r] = b->low[r];
        }
        if (b->high[r] < middle.high[r]) {
            boxes[count] = middle;
            boxes[count].low[r] = b->high[r];
            count++;
            middle.high[r] = b->high[r];
        }
    }
    return count;
}

static bool box_equal_shifted(const ln_sim_box *a, const ln_sim_box *b, const int64_t *shift, uint32_t ranks)
{
    for (uint32_t r = 0; r < ranks; r++)
        if (a->low[r] != b->low[r] + shift[r] || a->high[r] != b->high[r] + shift[r])
            return false;
    return true;
}

/* Whether `to` is `from` moved by some shift, as Timeloop compares point
 * sets (the same boxes, not merely the same points); the shift goes to
 * `shift`. Empty deltas never match: Timeloop skips them. */
static bool delta_shift(const ln_sim_delta *from, const ln_sim_delta *to, uint32_t ranks, int64_t *shift)
{
    ln_sim_box from_boxes[LN_MAX_DELTA_BOXES], to_boxes[LN_MAX_DELTA_BOXES];
    uint32_t from_count = delta_boxes(from, ranks, from_boxes);
    uint32_t to_count = delta_boxes(to, ranks, to_boxes);
    if (from_count != to_count || to_count == 0)
        return false;
    for (uint32_t candidate = 0; candidate < from_count; candidate++) {
        for (uint32_t r = 0; r < ranks; r++)
            shift[r] = to_boxes[0].low[r] - from_boxes[candidate].low[r];
        bool all = true;
        for (uint32_t i = 0; i < to_count && all; i++) {
            bool found = false;
            for (uint32_t j = 0; j < from_count && !found; j++)
                found = box_equal_shifted(&to_boxes[i], &from_boxes[j], shift, ranks);
            all = found;
        }
        if (all)
            return true;
    }
    return false;
}

/* Timeloop's stride between two working sets (MultiAAHR::GetTranslation):
 * the difference of the centroids, rounded half away from zero. Both are
 * single boxes here, so the size weighting cancels exactly. */
static void working_set_translation(const ln_sim_box *from, const ln_sim_box *to, uint32_t ranks,
                                    int64_t *translation)
{
    for (uint32_t r = 0; r < ranks; r++) {
        /* Twice each centroid: low + (high - 1). */
        int64_t twice = (to->low[r] + to->high[r] - 1) - (from->low[r] + from->high[r] - 1);
        translation[r] = twice >= 0 ? (twice + 1) / 2 : -((-twice + 1) / 2);
    }
}

/* ------------------------------------------------------------------ */
/* Working sets                                                         */
/* ------------------------------------------------------------------ */

/* Bit d set when some loop from `from` outwards, of dimension d, is not at
 * its last iteration (Timeloop's IsLastGlobalIteration_, for every
 * dimension at once). */
static uint32_t not_last_dimensions(const ln_simulation *sim, uint32_t from)
{
    uint32_t mask = 0;
    for (uint32_t l = from; l < sim->loop_count; l++) {
        const ln_loop *loop = &sim->nest->loops[l];
        if (sim->index[l] + 1 < (int64_t)loop->residual_end)
            mask |= 1u << loop->dimension;
    }
    return mask;
}

static bool is_last_global(const ln_simulation *sim, uint32_t from, uint32_t dimension)
{
    for (uint32_t l = from; l < sim->loop_count; l++) {
        const ln_loop *loop = &sim->nest->loops[l];
        if (loop->dimension == dimension && sim->index[l] + 1 < (int64_t)loop->residual_end)
            return false;
    }
    return true;
}

/* Projects the operation-space box [low, high] (inclusive) on a tensor, as
 * Timeloop's ProjectLowHigh does (negative coefficients swap the bounds). */
static void project_box(const ln_plan_tensor *tensor, const int64_t *low, const int64_t *high, ln_sim_box *box)
{
    for (uint32_t r = 0; r < tensor->rank_count; r++) {
        int64_t rank_low = 0, rank_high = 0;
        for (uint32_t k = 0; k < tensor->term_count[r]; k++) {
            const ln_plan_term *term = &tensor->terms[r][k];
            int64_t coefficient = term->coefficient;
            if (coefficient < 0) {
                rank_low += high[term->dimension] * coefficient;
                rank_high += low[term->dimension] * coefficient;
            } else {
                rank_low += low[term->dimension] * coefficient;
                rank_high += high[term->dimension] * coefficient;
            }
        }
        box->low[r] = rank_low;
        box->high[r] = rank_high + 1;
    }
}

/* The working set of loop `loop` (a boundary or a fan-out's outermost
 * loop) for every tensor, into sim->working_set. */
static void current_working_set(ln_simulation *sim, uint32_t loop, const int64_t *mold,
                                const int64_t *mold_residual)
{
    uint32_t not_last = not_last_dimensions(sim, loop + 1);
    int64_t low[LN_MAX_DIMENSIONS], high[LN_MAX_DIMENSIONS];
    for (uint32_t d = 0; d < sim->dimension_count; d++) {
        low[d] = sim->transform[d];
        high[d] = sim->transform[d] + ((not_last >> d) & 1u ? mold[d] : mold_residual[d]);
    }
    for (uint32_t t = 0; t < sim->tensor_count; t++)
        project_box(&sim->engine->tensors[t], low, high, &sim->working_set[t]);
}

/* SaveAndSubtractIfSameStride for one tensor at a tiling boundary: the
 * delta delivered, and the remembered set and stride updated. */
static void save_and_subtract(ln_simulation *sim, ln_sim_level *level, uint32_t level_index, uint32_t tensor,
                              const ln_sim_box *current, ln_sim_delta *delta)
{
    uint32_t ranks = sim->engine->tensors[tensor].rank_count;
    delta->current = *current;
    delta->subtract = false;
    if (sim->mapping->levels[level_index].no_temporal_reuse & (1u << tensor))
        return; /* nothing is subtracted, nothing remembered */

    bool stationary_or_first = true;
    int64_t translation[LN_MAX_RANKS] = {0};
    if (level->has_last_set[tensor]) {
        working_set_translation(&level->last_set[tensor], current, ranks, translation);
        for (uint32_t r = 0; r < ranks; r++)
            if (translation[r] != 0)
                stationary_or_first = false;
    }
    bool subtract = true;
    if (!stationary_or_first) {
        if (!level->has_last_translation[tensor]) {
            level->has_last_translation[tensor] = true;
            memcpy(level->last_translation[tensor], translation, sizeof translation);
        } else if (memcmp(level->last_translation[tensor], translation, ranks * sizeof translation[0]) != 0) {
            /* The stride changed: the residual is dropped. */
            subtract = false;
            level->has_last_translation[tensor] = false;
        }
    }
    if (subtract && level->has_last_set[tensor]) {
        delta->previous = level->last_set[tensor];
        delta->subtract = true;
    }
    level->last_set[tensor] = *current;
    level->has_last_set[tensor] = true;
}

/* ------------------------------------------------------------------ */
/* Records                                                              */
/* ------------------------------------------------------------------ */

static void record_access(ln_simulation *sim, ln_movement_tile *tile, uint64_t multicast, uint64_t scatter,
                          double accesses)
{
    if (accesses == 0)
        return;
    /* Kept in (multicast, scatter) order, as Timeloop's map sums them. */
    uint32_t position = 0;
    while (position < tile->entry_count &&
           (tile->entries[position].multicast < multicast ||
            (tile->entries[position].multicast == multicast && tile->entries[position].scatter < scatter)))
        position++;
    if (position < tile->entry_count && tile->entries[position].multicast == multicast &&
        tile->entries[position].scatter == scatter) {
        tile->entries[position].accesses += accesses;
        return;
    }
    if (tile->entry_count == LN_MAX_ACCESS_ENTRIES) {
        fail(sim, LN_EVALUATION_UNSUPPORTED, -1, "too many distinct multicast patterns");
        return;
    }
    memmove(&tile->entries[position + 1], &tile->entries[position],
            (tile->entry_count - position) * sizeof tile->entries[0]);
    tile->entries[position].multicast = (uint32_t)multicast;
    tile->entries[position].scatter = (uint32_t)scatter;
    tile->entries[position].accesses = accesses;
    tile->entry_count++;
}

/* ------------------------------------------------------------------ */
/* Spatial fan-outs                                                     */
/* ------------------------------------------------------------------ */

/* Data offset of each instance's delta from instance 0's: the sum of its
 * loop indices times the loops' projected steps (innermost loop fastest,
 * as Timeloop numbers the instances). */
static void run_offsets(ln_simulation *sim, const ln_plan_tensor *tensor, uint32_t first, uint32_t loop_count,
                        const uint32_t *ends, uint64_t count)
{
    uint32_t ranks = tensor->rank_count;
    int64_t step[LN_SIMULATION_MAX_RUN_LOOPS][LN_MAX_RANKS];
    for (uint32_t i = 0; i < loop_count; i++) {
        const ln_loop *loop = &sim->nest->loops[first + i];
        for (uint32_t r = 0; r < ranks; r++)
            step[i][r] = tensor->step[loop->dimension][r] * sim->stride[first + i];
    }
    uint32_t digit[LN_SIMULATION_MAX_RUN_LOOPS] = {0};
    ln_rank_vector current;
    memset(&current, 0, sizeof current);
    for (uint64_t k = 0; k < count; k++) {
        sim->offsets[k] = current;
        for (uint32_t i = 0; i < loop_count; i++) {
            digit[i]++;
            for (uint32_t r = 0; r < ranks; r++)
                current.value[r] += step[i][r];
            if (digit[i] < ends[i])
                break;
            for (uint32_t r = 0; r < ranks; r++)
                current.value[r] -= step[i][r] * (int64_t)ends[i];
            digit[i] = 0;
        }
    }
}

/* The offset of instance `key` of a fan-out whose loops had `ends`. */
static void instance_offset(const ln_simulation *sim, const ln_plan_tensor *tensor, uint32_t first,
                            uint32_t loop_count, const uint32_t *ends, uint64_t key, int64_t *offset)
{
    uint32_t ranks = tensor->rank_count;
    for (uint32_t r = 0; r < ranks; r++)
        offset[r] = 0;
    for (uint32_t i = 0; i < loop_count; i++) {
        uint64_t digit = key % ends[i];
        key /= ends[i];
        const ln_loop *loop = &sim->nest->loops[first + i];
        for (uint32_t r = 0; r < ranks; r++)
            offset[r] += (int64_t)digit * tensor->step[loop->dimension][r] * sim->stride[first + i];
    }
}

static uint64_t hash_offset(const ln_rank_vector *vector, uint32_t ranks)
{
    uint64_t hash = 0x9e3779b97f4a7c15ull;
    for (uint32_t r = 0; r < ranks; r++) {
        hash ^= (uint64_t)vector->value[r] + 0x9e3779b97f4a7c15ull + (hash << 6) + (hash >> 2);
        hash *= 0xff51afd7ed558ccdull;
    }
    return hash ^ (hash >> 29);
}

/* Groups the instances not served over links by equal deltas (equal
 * offsets), or leaves each alone without multicast, and counts the groups
 * of each size. Returns the number of groups. */
static uint64_t group_instances(ln_simulation *sim, uint32_t ranks, uint64_t count, bool skip_linked,
                                bool no_multicast, ln_sim_group_sizes *sizes)
{
    sizes->count = 0;
    uint64_t groups = 0;
    uint64_t table_size = group_table_size_for(count);
    for (uint64_t i = 0; i < table_size; i++)
        sim->group_table[i] = -1;
    for (uint64_t key = 0; key < count; key++) {
        if (skip_linked && sim->linked[key])
            continue;
        if (no_multicast) {
            sim->group_of[key] = (uint32_t)groups;
            sim->group_size[groups++] = 1;
            continue;
        }
        uint64_t slot = hash_offset(&sim->offsets[key], ranks) & (table_size - 1);
        for (;;) {
            int64_t member = sim->group_table[slot];
            if (member < 0) {
                sim->group_table[slot] = (int64_t)key;
                sim->group_of[key] = (uint32_t)groups;
                sim->group_size[groups++] = 1;
                break;
            }
            if (memcmp(sim->offsets[member].value, sim->offsets[key].value, ranks * sizeof(int64_t)) == 0) {
                uint32_t group = sim->group_of[member];
                sim->group_of[key] = group;
                sim->group_size[group]++;
                break;
            }
            slot = (slot + 1) & (table_size - 1);
        }
    }
    for (uint64_t g = 0; g < groups; g++) {
        uint32_t i = 0;
        while (i < sizes->count && sizes->multicast[i] != sim->group_size[g])
            i++;
        if (i == sizes->count) {
            if (sizes->count == LN_SIMULATION_MAX_GROUP_SIZES) {
                fail(sim, LN_EVALUATION_UNSUPPORTED, -1, "too many distinct multicast patterns");
                return groups;
            }
            sizes->multicast[sizes->count] = sim->group_size[g];
            sizes->groups[sizes->count++] = 0;
        }
        sizes->groups[i]++;
    }
    return groups;
}

/* Which instances can take their delta from a mesh neighbour that received
 * the same data at the fan-out's previous visit (ComputeNetworkLinkTransfers).
 * Neighbours follow Timeloop's mesh: instance k at column k mod h, row
 * k div h, with h the larger of the physical and logical X fan-outs. */
static uint64_t mark_linked(ln_simulation *sim, const ln_sim_level *level, const ln_plan_tensor *tensor,
                            uint32_t tensor_index, uint64_t count, uint64_t width, uint64_t height,
                            uint32_t loop_count)
{
    uint32_t ranks = tensor->rank_count;
    memset(sim->linked, 0, count);
    int64_t shift[LN_MAX_RANKS];
    if (!level->has_previous_run ||
        !delta_shift(&level->previous_run_delta[tensor_index], &level->run_delta[tensor_index], ranks, shift))
        return 0;
    uint64_t linked = 0;
    for (uint64_t key = 0; key < count; key++) {
        uint64_t neighbours[4];
        uint32_t neighbour_count = ln_mesh_neighbours(key, width, height, neighbours);
        for (uint32_t n = 0; n < neighbour_count && !sim->linked[key]; n++) {
            if (neighbours[n] >= level->previous_run_count)
                continue;
            /* Equal when the neighbour's previous offset equals this
             * instance's offset plus the shift between the deliveries. */
            int64_t previous[LN_MAX_RANKS];
            instance_offset(sim, tensor, level->run_first, loop_count, level->previous_run_end, neighbours[n],
                            previous);
            bool equal = true;
            for (uint32_t r = 0; r < ranks && equal; r++)
                equal = previous[r] == sim->offsets[key].value[r] + shift[r];
            if (equal)
                sim->linked[key] = 1;
        }
        linked += sim->linked[key];
    }
    return linked;
}

static void simulate_loop(ln_simulation *sim, uint32_t loop_index, uint64_t *sizes);

/* A fan-out's visit (ComputeSpatialWorkingSet with FillSpatialDeltas): the
 * first instance's delta is walked, the others are translated copies; the
 * parent's accesses are recorded per multicast group, with link transfers
 * when they lower the parent's accesses. */
static void simulate_run(ln_simulation *sim, uint32_t master)
{
    uint32_t level_index = sim->level_of[master];
    ln_sim_level *level = &sim->levels[level_index];
    const ln_loop *loops = sim->nest->loops;
    uint32_t first = level->run_first;
    uint32_t loop_count = master - first + 1;
    uint32_t ends[LN_SIMULATION_MAX_RUN_LOOPS];
    uint64_t count = 1;
    for (uint32_t l = first; l <= master; l++)
        sim->index[l] = 0;
    for (uint32_t l = first; l <= master; l++) {
        ends[l - first] = is_last_global(sim, l + 1, loops[l].dimension) ? loops[l].residual_end : loops[l].end;
        count *= ends[l - first];
    }
    if (count > sim->capacity) {
        fail(sim, LN_EVALUATION_UNSUPPORTED, (int32_t)level_index, "spatial fan-out too large to simulate");
        return;
    }

    if (first == 0) {
        /* Fan-out to the compute units: each instance computes one point,
         * instance 0 the one at the current origin. */
        int64_t point[LN_MAX_DIMENSIONS];
        for (uint32_t d = 0; d < sim->dimension_count; d++)
            point[d] = sim->transform[d];
        for (uint32_t t = 0; t < sim->tensor_count; t++) {
            project_box(&sim->engine->tensors[t], point, point, &level->run_delta[t].current);
            level->run_delta[t].subtract = false;
        }
        for (uint64_t k = 0; k < count; k++)
            sim->compute_accesses[k] += (double)sim->epochs;
        if (count > sim->compute_keys)
            sim->compute_keys = count;
    } else {
        uint64_t unused[LN_MAX_TENSORS];
        simulate_loop(sim, first - 1, unused);
        if (sim->failed)
            return;
        memcpy(level->run_delta, sim->returned, sim->tensor_count * sizeof sim->returned[0]);
    }

    const ln_mapping_level *entry = &sim->mapping->levels[level_index];
    uint32_t all_tensors = (1u << sim->tensor_count) - 1;
    bool links_active = (entry->no_link_transfer & all_tensors) != all_tensors;
    uint64_t physical_x = sim->engine->levels[level_index].fanout_x;
    uint64_t physical_y = sim->engine->levels[level_index].fanout_y;
    uint64_t width = physical_x > level->logical_x ? physical_x : level->logical_x;
    uint64_t height = physical_y > level->logical_y ? physical_y : level->logical_y;

    for (uint32_t t = 0; t < sim->tensor_count && !sim->failed; t++) {
        const ln_plan_tensor *tensor = &sim->engine->tensors[t];
        ln_movement_tile *tile = &sim->analysis->tiles[t][level_index];
        uint32_t bit = 1u << t;
        uint64_t size = delta_size(&level->run_delta[t], tensor->rank_count);
        if (size == 0)
            continue; /* Timeloop records nothing for empty deltas */
        run_offsets(sim, tensor, first, loop_count, ends, count);
        bool no_multicast = (entry->no_multicast & bit) != 0;
        ln_sim_group_sizes without, with;
        uint64_t groups_without = group_instances(sim, tensor->rank_count, count, false, no_multicast, &without);
        const ln_sim_group_sizes *chosen = &without;
        if (links_active && !(entry->no_link_transfer & bit)) {
            uint64_t linked = mark_linked(sim, level, tensor, t, count, width, height, loop_count);
            if (linked > 0) {
                uint64_t groups_with = group_instances(sim, tensor->rank_count, count, true, no_multicast, &with);
                if (groups_with * size * sim->epochs < groups_without * size * sim->epochs) {
                    chosen = &with;
                    tile->link_transfers += (double)(linked * size * sim->epochs);
                }
            }
        }
        for (uint32_t i = 0; i < chosen->count; i++)
            record_access(sim, tile, chosen->multicast[i], chosen->groups[i],
                          (double)(chosen->groups[i] * size * sim->epochs));
    }
    if (links_active) {
        level->has_previous_run = true;
        level->previous_run_count = count;
        memcpy(level->previous_run_end, ends, loop_count * sizeof ends[0]);
        memcpy(level->previous_run_delta, level->run_delta, sim->tensor_count * sizeof level->run_delta[0]);
    }
}

/* ------------------------------------------------------------------ */
/* Temporal loops                                                       */
/* ------------------------------------------------------------------ */

/* Deltas of the iterations a temporal loop runs, with the weights Timeloop
 * gives them: a pushed delta is weighted, and a later iteration may add one
 * to the last weight instead of pushing its own delta. */
typedef struct ln_sim_delta_sum {
    uint64_t total[LN_MAX_TENSORS];
    uint64_t pending[LN_MAX_TENSORS];
    uint64_t pending_weight;
} ln_sim_delta_sum;

static void delta_sum_push(ln_sim_delta_sum *sum, uint32_t tensor_count, const uint64_t *sizes, uint64_t weight)
{
    for (uint32_t t = 0; t < tensor_count; t++) {
        sum->total[t] += sum->pending[t] * sum->pending_weight;
        sum->pending[t] = sizes[t];
    }
    sum->pending_weight = weight;
}

static void simulate_temporal(ln_simulation *sim, uint32_t loop_index)
{
    const ln_loop *loop = &sim->nest->loops[loop_index];
    uint32_t dimension = loop->dimension;
    bool last_global = is_last_global(sim, loop_index + 1, dimension);
    uint64_t iterations = last_global ? loop->residual_end : loop->end;
    uint32_t level_index = sim->level_of[loop_index];

    if (loop_index == 0) {
        /* The compute units' operands, one per operation. */
        uint64_t body = iterations * sim->epochs;
        sim->compute_accesses[0] += (double)body;
        sim->compute_keys = 1;
        for (uint32_t t = 0; t < sim->tensor_count; t++)
            record_access(sim, &sim->analysis->tiles[t][0], 1, 1, (double)body);
        return;
    }

    /* Only the innermost loop of a block records what its child boundary
     * delivers; the other loops' deltas are never read. */
    bool record = sim->boundary[loop_index - 1];
    bool imperfect_below = sim->innermost_imperfect[dimension] >= 0 &&
                           (uint32_t)sim->innermost_imperfect[dimension] < loop_index;
    bool run_last = imperfect_below && last_global;
    bool run_second_last = loop->end != loop->residual_end && run_last;
    int64_t scale = sim->stride[loop_index];
    int64_t saved_transform = sim->transform[dimension];
    ln_sim_delta_sum sum;
    memset(&sum, 0, sizeof sum);
    uint64_t sizes[LN_MAX_TENSORS] = {0};
    uint32_t tensors = record ? sim->tensor_count : 0;

    /* Iteration 0. */
    sim->index[loop_index] = 0;
    simulate_loop(sim, loop_index - 1, sizes);
    delta_sum_push(&sum, tensors, sizes, 1);
    sim->transform[dimension] += scale;
    sim->index[loop_index] = 1;

    /* Iteration 1, standing for the iterations up to the last ones run. */
    if ((run_second_last && iterations >= 4) || (run_last && !run_second_last && iterations >= 3) ||
        (!run_last && iterations >= 2)) {
        uint64_t virtual_iterations = run_last ? iterations - 2 : iterations - 1;
        if (run_second_last)
            virtual_iterations--;
        uint64_t saved_epochs = sim->epochs;
        sim->epochs *= virtual_iterations;
        simulate_loop(sim, loop_index - 1, sizes);
        sim->epochs = saved_epochs;
        delta_sum_push(&sum, tensors, sizes, virtual_iterations);
        sim->transform[dimension] += scale * (int64_t)virtual_iterations;
        sim->index[loop_index] += (int64_t)virtual_iterations;
    }

    /* The second-to-last iteration, for a loop with its own residual. */
    if (run_second_last && iterations >= 3) {
        simulate_loop(sim, loop_index - 1, sizes);
        if (iterations >= 4)
            sum.pending_weight++;
        else
            delta_sum_push(&sum, tensors, sizes, 1);
        sim->transform[dimension] += scale;
        sim->index[loop_index]++;
    }

    /* The last iteration. Its delta is only used when no scaled iteration
     * stands for it; it is still walked, for the levels below. */
    if (run_last && iterations >= 2) {
        simulate_loop(sim, loop_index - 1, sizes);
        if (!run_second_last && iterations >= 3) {
            sum.pending_weight++;
        } else {
            delta_sum_push(&sum, tensors, sizes, 1);
            sim->transform[dimension] += scale;
        }
        sim->index[loop_index]++;
    }
    sim->transform[dimension] = saved_transform;

    if (record) {
        uint64_t none[LN_MAX_TENSORS] = {0};
        delta_sum_push(&sum, tensors, none, 0);
        for (uint32_t t = 0; t < sim->tensor_count; t++)
            record_access(sim, &sim->analysis->tiles[t][level_index], 1, 1, (double)(sum.total[t] * sim->epochs));
    }
}

/* One invocation of a loop (Timeloop's ComputeDeltas). For a tiling
 * boundary, `sizes` receives the size of each tensor's delta and
 * sim->returned the deltas themselves. */
static void simulate_loop(ln_simulation *sim, uint32_t loop_index, uint64_t *sizes)
{
    if (sim->failed)
        return;
    if (++sim->visits > LN_SIMULATION_MAX_VISITS) {
        fail(sim, LN_EVALUATION_UNSUPPORTED, -1,
             "too many temporal loops to simulate Timeloop's walk of a mapping with residual factors");
        return;
    }
    if (sim->nest->loops[loop_index].spatial != LN_LOOP_TEMPORAL)
        simulate_run(sim, loop_index);
    else
        simulate_temporal(sim, loop_index);
    if (sim->failed)
        return;

    uint32_t level_index = sim->level_of[loop_index];
    ln_sim_level *level = &sim->levels[level_index];
    if (sim->master[loop_index]) {
        current_working_set(sim, loop_index, level->run_mold, level->run_mold_residual);
        for (uint32_t t = 0; t < sim->tensor_count; t++) {
            uint64_t size = box_size(&sim->working_set[t], sim->engine->tensors[t].rank_count);
            if (size > level->run_size[t])
                level->run_size[t] = size;
        }
    } else if (sim->boundary[loop_index]) {
        current_working_set(sim, loop_index, level->boundary_mold, level->boundary_mold_residual);
        for (uint32_t t = 0; t < sim->tensor_count; t++) {
            uint32_t ranks = sim->engine->tensors[t].rank_count;
            ln_movement_tile *tile = &sim->analysis->tiles[t][level_index];
            uint64_t size = box_size(&sim->working_set[t], ranks);
            if (size > tile->size)
                tile->size = size;
            save_and_subtract(sim, level, level_index, t, &sim->working_set[t], &sim->returned[t]);
            sizes[t] = delta_size(&sim->returned[t], ranks);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Set-up and results                                                   */
/* ------------------------------------------------------------------ */

/* Timeloop's utilized_spatial_elems_: the average number of instances
 * above each loop. A spatial loop with a residual counts its average
 * iterations over the combinations of the outer loops of its dimension. */
static bool compute_utilized_spatial(ln_simulation *sim)
{
    const ln_loop *loops = sim->nest->loops;
    double utilized = 1;
    for (uint32_t l = sim->loop_count; l-- > 0;) {
        sim->utilized_spatial[l] = utilized;
        const ln_loop *loop = &loops[l];
        if (loop->spatial == LN_LOOP_TEMPORAL)
            continue;
        if (loop->residual_end == loop->end) {
            utilized *= loop->end;
            continue;
        }
        double outer_size = 1;
        bool found = false;
        for (uint32_t outer = sim->loop_count; outer-- > l + 1;) {
            if (loops[outer].dimension == loop->dimension) {
                outer_size = (double)loops[outer].residual_end + (double)loops[outer].end * (outer_size - 1);
                found = true;
            }
        }
        if (!found) {
            /* Timeloop exits here: nothing outside can absorb the residual. */
            fail(sim, LN_EVALUATION_INVALID_MAPPING, (int32_t)loop->level,
                 "a spatial loop with a residual factor needs a loop of the same dimension further out "
                 "(Timeloop refuses it)");
            return false;
        }
        double end = (double)loop->end, residual_end = (double)loop->residual_end;
        utilized = utilized * (residual_end + end * (outer_size - 1)) / outer_size;
    }
    return true;
}

static void prepare_molds(const ln_simulation *sim, uint32_t loop_index, int64_t *mold, int64_t *mold_residual)
{
    for (uint32_t d = 0; d < sim->dimension_count; d++)
        mold[d] = mold_residual[d] = 0;
    for (uint32_t l = 0; l <= loop_index; l++) {
        const ln_loop *loop = &sim->nest->loops[l];
        mold[loop->dimension] += sim->stride[l] * ((int64_t)loop->end - 1);
        mold_residual[loop->dimension] += sim->stride[l] * ((int64_t)loop->residual_end - 1);
    }
}

static bool prepare(ln_simulation *sim)
{
    const ln_loop_nest *nest = sim->nest;
    uint64_t product[LN_MAX_DIMENSIONS];
    for (uint32_t d = 0; d < LN_MAX_DIMENSIONS; d++) {
        product[d] = 1;
        sim->transform[d] = 0;
        sim->innermost_imperfect[d] = -1;
    }
    uint32_t level = 0;
    for (uint32_t l = 0; l < sim->loop_count; l++) {
        const ln_loop *loop = &nest->loops[l];
        sim->stride[l] = (int64_t)product[loop->dimension];
        product[loop->dimension] *= loop->end;
        sim->index[l] = 0;
        while (level < nest->level_count && nest->boundary[level] < l)
            level++;
        sim->level_of[l] = level;
        sim->boundary[l] = nest->boundary[level] == l;
        sim->master[l] = loop->spatial != LN_LOOP_TEMPORAL &&
                         (l + 1 == sim->loop_count || nest->loops[l + 1].spatial == LN_LOOP_TEMPORAL);
        if (loop->end != loop->residual_end && sim->innermost_imperfect[loop->dimension] < 0)
            sim->innermost_imperfect[loop->dimension] = (int32_t)l;
    }
    for (level = 0; level < sim->level_count; level++) {
        ln_sim_level *state = &sim->levels[level];
        memset(state, 0, sizeof *state);
        uint32_t first = level == 0 ? 0 : nest->boundary[level - 1] + 1;
        state->boundary = nest->boundary[level];
        prepare_molds(sim, state->boundary, state->boundary_mold, state->boundary_mold_residual);
        state->has_run = nest->loops[first].spatial != LN_LOOP_TEMPORAL;
        if (!state->has_run)
            continue;
        state->run_first = first;
        uint32_t master = first;
        while (master + 1 <= state->boundary && nest->loops[master + 1].spatial != LN_LOOP_TEMPORAL)
            master++;
        state->run_master = master;
        if (master - first + 1 > LN_SIMULATION_MAX_RUN_LOOPS) {
            fail(sim, LN_EVALUATION_UNSUPPORTED, (int32_t)level, "too many spatial loops in one fan-out");
            return false;
        }
        state->logical_x = state->logical_y = 1;
        for (uint32_t l = first; l <= master; l++) {
            if (nest->loops[l].spatial == LN_LOOP_SPATIAL_X)
                state->logical_x *= nest->loops[l].end;
            else
                state->logical_y *= nest->loops[l].end;
        }
        prepare_molds(sim, master, state->run_mold, state->run_mold_residual);
    }
    return compute_utilized_spatial(sim);
}

static void initialize_tiles(ln_simulation *sim)
{
    const ln_loop_nest *nest = sim->nest;
    for (uint32_t t = 0; t < sim->tensor_count; t++) {
        uint32_t bit = 1u << t;
        for (uint32_t level = 0; level < sim->level_count; level++) {
            ln_movement_tile *tile = &sim->analysis->tiles[t][level];
            memset(tile, 0, sizeof *tile);
            uint32_t boundary = nest->boundary[level];
            /* Timeloop stores the average instance count in an integer. */
            tile->replication_factor = (double)(uint64_t)sim->utilized_spatial[boundary];
            uint64_t x = 1, y = 1;
            for (uint32_t l = boundary + 1; l < sim->loop_count; l++) {
                if (nest->loops[l].spatial == LN_LOOP_SPATIAL_X)
                    x *= nest->loops[l].end;
                else if (nest->loops[l].spatial == LN_LOOP_SPATIAL_Y)
                    y *= nest->loops[l].end;
            }
            tile->max_x_expansion = x;
            tile->max_y_expansion = y;
            tile->fanout = sim->levels[level].has_run ? sim->levels[level].logical_x * sim->levels[level].logical_y : 1;
            tile->rmw_first_update = (sim->mapping->levels[level].rmw_first_update & bit) != 0;
            tile->no_coalesce = (sim->mapping->levels[level].no_coalesce & bit) != 0;
        }
    }
}

static void finish_records(ln_simulation *sim)
{
    const ln_loop_nest *nest = sim->nest;
    ln_tile_analysis *analysis = sim->analysis;
    for (uint32_t t = 0; t < sim->tensor_count; t++) {
        for (uint32_t level = 0; level < sim->level_count; level++) {
            ln_movement_tile *tile = &analysis->tiles[t][level];
            double total = 0;
            for (uint32_t e = 0; e < tile->entry_count; e++)
                total += tile->entries[e].accesses;
            tile->content_accesses = total;
            /* The child's share of this level's partition: its tile over
             * the fan-out's working set, or over itself without a fan-out. */
            if (level > 0)
                analysis->tiles[t][level - 1].partition_fraction_denominator =
                    sim->levels[level].has_run ? sim->levels[level].run_size[t] : analysis->tiles[t][level - 1].size;
        }
    }

    /* The compute units: Timeloop reads them at the innermost loop that
     * is temporal or the outermost of a fan-out. */
    uint32_t innermost = 0;
    uint64_t logical_fanout = 1;
    if (nest->loops[0].spatial != LN_LOOP_TEMPORAL) {
        innermost = sim->levels[0].run_master;
        logical_fanout = sim->levels[0].logical_x * sim->levels[0].logical_y;
    }
    double sum = 0;
    for (uint64_t k = 0; k < sim->compute_keys; k++)
        sum += sim->compute_accesses[k];
    analysis->compute_accesses = sim->compute_keys ? sum / (double)sim->compute_keys : 0;
    analysis->compute_replication =
        (double)(uint64_t)(sim->utilized_spatial[innermost] * (double)logical_fanout);
    uint64_t x = 1, y = 1, temporal = 1;
    bool imperfect = false;
    for (uint32_t l = 0; l < sim->loop_count; l++) {
        const ln_loop *loop = &nest->loops[l];
        if (loop->spatial == LN_LOOP_SPATIAL_X)
            x *= loop->end;
        else if (loop->spatial == LN_LOOP_SPATIAL_Y)
            y *= loop->end;
        else
            temporal *= loop->end;
        imperfect |= loop->end != loop->residual_end;
    }
    analysis->compute_max_x = x;
    analysis->compute_max_y = y;
    analysis->max_temporal_iterations = temporal;
    analysis->imperfect = imperfect;
}

bool ln_nest_simulation_records(const ln_engine *engine, const ln_mapping *mapping, const ln_loop_nest *nest,
                                void *scratch, ln_tile_analysis *analysis, ln_evaluation_failure *failure)
{
    uint64_t capacity = engine->max_block_instances ? engine->max_block_instances : 1;
    ln_simulation *sim = simulation_layout(scratch, capacity);
    sim->engine = engine;
    sim->mapping = mapping;
    sim->nest = nest;
    sim->analysis = analysis;
    sim->loop_count = nest->loop_count;
    sim->level_count = nest->level_count;
    sim->tensor_count = engine->tensor_count;
    sim->dimension_count = engine->problem->dimension_count;
    sim->epochs = 1;
    sim->visits = 0;
    sim->failed = false;
    sim->compute_keys = 0;
    memset(sim->compute_accesses, 0, capacity * sizeof sim->compute_accesses[0]);

    memset(failure, 0, sizeof *failure);
    failure->level = -1;
    failure->tensor = -1;
    for (uint32_t t = 0; t < sim->tensor_count; t++) {
        bool kept = false;
        for (uint32_t level = 0; level < sim->level_count; level++)
            kept |= ln_mapping_keeps(mapping, level, t);
        if (!kept) {
            failure->status = LN_EVALUATION_INVALID_MAPPING;
            failure->tensor = (int32_t)t;
            snprintf(failure->message, sizeof failure->message, "the tensor is bypassed at every storage level");
            return false;
        }
    }

    if (prepare(sim)) {
        initialize_tiles(sim);
        simulate_loop(sim, sim->loop_count - 1, (uint64_t[LN_MAX_TENSORS]){0});
    }
    if (sim->failed) {
        failure->status = sim->failure_status;
        failure->level = sim->failure_level;
        snprintf(failure->message, sizeof failure->message, "%s", sim->failure_message);
        return false;
    }
    finish_records(sim);
    return true;
}
