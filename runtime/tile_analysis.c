/* Tile analysis: which data each storage level holds and how often it moves.
 *
 * This computes what Timeloop's delta-based nest analysis computes, without
 * walking the loop nest (docs/engine.md explains why the two agree).
 * Timeloop visits each temporal loop's iteration 0 once and iteration 1 once
 * with a weight of (factor - 1), only the first instance of each spatial
 * fan-out, and derives the other instances by translation. A level's working
 * set is a box in each tensor's coordinate space whose shape never changes
 * under perfect factorization, so the delta delivered at a visit depends only
 * on how the box moved since the previous visit and on a little state (the
 * last stride, to detect stride changes). The visits form a binary tree over
 * the loops above a level; it is walked as a DAG of (loop, state) nodes, so a
 * level costs O(loops x states) instead of O(2^loops).
 *
 * With a residual factor the shapes do change, and the records come from
 * the simulation of Timeloop's walk instead (runtime/nest_simulation.c).
 *
 * After the per-level deltas, the records are collapsed per storage level
 * (partition sizes, parent access shares, bypass masking, peer transfers,
 * read/fill/update split) exactly as Timeloop's tiling post-processing does. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "runtime/engine_internal.h"

enum {
    LN_MAX_TRANSITIONS = 64,
    LN_MAX_COEFFICIENTS_TRACKED = LN_MAX_TRANSITIONS + 1,
    LN_MAX_VISIT_NODES = (LN_MAX_TRANSITIONS + 1) * LN_MAX_MEMO_STATES,
    LN_MAX_CONTRIBUTION_SLOTS = 8,
    LN_MAX_HISTOGRAM = 16,
};

/* What a visit delivers, as far as comparing it with the previous visit's
 * delivery needs: two consecutive deliveries can only be equal up to a
 * shift when both are whole working sets, or both are the slices added by
 * the same stride (the second is then the first moved by that stride). */
typedef enum ln_delta_kind {
    LN_DELTA_NONE = 0, /* no visit yet */
    LN_DELTA_EMPTY,    /* the working set did not move */
    LN_DELTA_WHOLE,    /* a whole working set: first visit, stride change, no overlap */
    LN_DELTA_PARTIAL,  /* the slices a move adds to an overlapping working set */
} ln_delta_kind;

/* Multicast signature: `scatter` groups of `multicast` children each. */
typedef struct ln_signature {
    uint32_t multicast;
    uint32_t scatter;
} ln_signature;

typedef struct ln_histogram {
    uint32_t count;
    ln_signature signatures[LN_MAX_HISTOGRAM];
} ln_histogram;

/* Children served over a link from a neighbour instead of the parent, for
 * one offset between neighbouring children's data. */
typedef struct ln_link_pattern {
    ln_rank_vector offset;
    uint64_t linked_count;
    uint64_t remaining_groups;
    ln_histogram remaining;
} ln_link_pattern;

/* A spatial fan-out (a run of spatial loops) seen by one tensor. */
typedef struct ln_spatial_block {
    uint32_t first_loop, master_loop;
    uint64_t instance_count; /* logical fan-out */
    uint64_t group_count;    /* distinct deltas among instances */
    ln_histogram all_groups;
    bool no_multicast;
    bool links_enabled;
    bool patterns_built;
    bool pattern_overflow;
    uint64_t mesh_width, mesh_height; /* Timeloop's h_size, v_size */
    uint64_t logical_x, logical_y;
    uint32_t pattern_count;
    ln_link_pattern patterns[LN_MAX_LINK_PATTERNS];
} ln_spatial_block;

typedef struct ln_visit_state {
    int16_t previous_translation; /* canonical transition id, -1 = none */
    int16_t last_transition;      /* canonical id of the last partial delivery's stride */
    uint8_t last_kind;            /* ln_delta_kind of the last visit, tracked for links only */
} ln_visit_state;

typedef struct ln_contribution {
    double slot[LN_MAX_CONTRIBUTION_SLOTS];
} ln_contribution;

typedef struct ln_visit_node {
    int16_t entry_state;
    int16_t exit_state;
    int16_t first_half;  /* node of loops 1..j-1 before the visit, -1 when j == 1 */
    int16_t second_half; /* node of loops 1..j-1 after the visit */
    uint8_t loop;        /* j */
    int8_t coefficient;  /* -1: the visit delivers nothing; 0: a whole tile; c: slices of stride c */
} ln_visit_node;

typedef struct ln_memo_entry {
    ln_visit_state in, out;
    ln_contribution contribution;
} ln_memo_entry;

/* The visits one storage level's working set receives for one tensor. */
typedef struct ln_sequence {
    uint32_t rank_count;
    int64_t extent[LN_MAX_RANKS];
    uint64_t tile_size;
    uint32_t transition_count;
    uint64_t weight_minus_one[LN_MAX_TRANSITIONS + 1];
    ln_rank_vector translation[LN_MAX_TRANSITIONS + 1];
    uint64_t fingerprint[LN_MAX_TRANSITIONS + 1]; /* cheap pre-check for equal translations */
    int16_t canonical[LN_MAX_TRANSITIONS + 1];
    bool translation_is_zero[LN_MAX_TRANSITIONS + 1];
    uint64_t overlap[LN_MAX_TRANSITIONS + 1]; /* points a box keeps when moved by transition j */
    bool raw_points;       /* the compute level's operands: no reuse state */
    bool no_temporal_reuse;
    bool track_links;
    /* Link pattern serving a delivery moved by transition j, or -1. */
    int32_t pattern_of[LN_MAX_TRANSITIONS + 1];
    ln_spatial_block *block;
    uint32_t slot_count;
    int32_t slot_pattern[LN_MAX_CONTRIBUTION_SLOTS];
    bool failed;
    uint32_t memo_count[LN_MAX_TRANSITIONS + 1];
    ln_memo_entry memo[LN_MAX_TRANSITIONS + 1][LN_MAX_MEMO_STATES];
    /* Without link transfers the state is only the last stride, and the
     * delivered amount is linear in the tile size and the overlaps:
     *   tile_size * coefficient[0] - sum over strides c of coefficient[c] * overlap(c)
     * The coefficients depend only on which strides are equal or zero, so
     * levels whose tiles sit below the same temporal loops share them. */
    uint32_t coefficient_count;                 /* 1 + distinct non-zero strides */
    uint8_t coefficient_of[LN_MAX_TRANSITIONS + 1]; /* canonical stride -> coefficient */
    int16_t coefficient_stride[LN_MAX_COEFFICIENTS_TRACKED];
    bool coefficients_valid;
    double coefficients[LN_MAX_COEFFICIENTS_TRACKED];
    int32_t first_temporal;                     /* position of the first loop above the tile */
    int32_t prepared_tensor;                    /* tensor the transitions were prepared for */
    /* The visit tree without link transfers, as a DAG: one node per
     * (loop, entry state), children created before parents. */
    uint32_t node_count;
    ln_visit_node nodes[LN_MAX_VISIT_NODES];
    int16_t node_of[LN_MAX_TRANSITIONS + 1][LN_MAX_MEMO_STATES];
    int16_t node_state_of[LN_MAX_TRANSITIONS + 1][LN_MAX_MEMO_STATES];
    double multiplicity[LN_MAX_VISIT_NODES];
} ln_sequence;

/* Per-mapping facts about the loops, computed once per evaluation. */
typedef struct ln_nest_facts {
    uint64_t stride[LN_MAX_LOOPS];           /* points one step of the loop moves */
    uint64_t spatial_above[LN_MAX_LOOPS];    /* product of spatial factors of outer loops */
    uint64_t spatial_x_above[LN_MAX_LOOPS];
    uint64_t spatial_y_above[LN_MAX_LOOPS];
    uint32_t temporal_loops[LN_MAX_LOOPS];   /* indices of non-trivial temporal loops */
    uint32_t temporal_count;
    bool perfect;                            /* no loop has a residual factor */
    /* Per storage level: its spatial run [first, master] if any. */
    bool has_run[LN_MAX_STORAGE_LEVELS];
    uint32_t run_first[LN_MAX_STORAGE_LEVELS];
    uint32_t run_master[LN_MAX_STORAGE_LEVELS];
    /* Points per dimension of each level's tile, and of its spatial run's
     * working set (the union over the children it fans out to). */
    uint64_t tile_extent[LN_MAX_STORAGE_LEVELS][LN_MAX_DIMENSIONS];
    /* Position in temporal_loops of the first loop above the tile of the
     * level's child (all of them for level 0). */
    uint32_t first_temporal_above_child[LN_MAX_STORAGE_LEVELS];
    uint64_t run_extent[LN_MAX_STORAGE_LEVELS][LN_MAX_DIMENSIONS];
} ln_nest_facts;

struct ln_engine_scratch {
    ln_sequence sequence;
    ln_nest_facts facts;
    int64_t rank_extent[LN_MAX_STORAGE_LEVELS][LN_MAX_RANKS]; /* one tensor's tile boxes */
    ln_spatial_block block;
    uint64_t capacity; /* instances the arrays below hold */
    ln_rank_vector *instance_offsets;
    uint32_t *instance_class;
    uint64_t *instance_patterns;
    int64_t *class_table; /* open addressing: instance index of the class's first member, -1 empty */
    uint64_t class_table_size;
    uint64_t *class_sizes;
    uint64_t *class_remaining;
};

/* ------------------------------------------------------------------ */
/* Small vector and box helpers                                         */
/* ------------------------------------------------------------------ */

static bool rank_vector_equal(const ln_rank_vector *a, const ln_rank_vector *b, uint32_t ranks)
{
    for (uint32_t r = 0; r < ranks; r++)
        if (a->value[r] != b->value[r])
            return false;
    return true;
}

static bool rank_vector_is_zero(const ln_rank_vector *a, uint32_t ranks)
{
    for (uint32_t r = 0; r < ranks; r++)
        if (a->value[r] != 0)
            return false;
    return true;
}

/* Extent of a tensor's box per rank for a tile of `dimension_extent` points
 * per dimension. */
static uint64_t project_extent(const ln_plan_tensor *tensor, const uint64_t *dimension_extent,
                               uint32_t dimension_count, int64_t *extent)
{
    (void)dimension_count;
    for (uint32_t r = 0; r < tensor->rank_count; r++)
        extent[r] = 1;
    for (uint32_t t = 0; t < tensor->flat_term_count; t++)
        extent[tensor->flat_rank[t]] +=
            tensor->flat_magnitude[t] * ((int64_t)dimension_extent[tensor->flat_dimension[t]] - 1);
    uint64_t size = 1;
    for (uint32_t r = 0; r < tensor->rank_count; r++)
        size *= (uint64_t)extent[r];
    return size;
}

/* ------------------------------------------------------------------ */
/* Spatial fan-outs: multicast groups and link-transfer patterns         */
/* ------------------------------------------------------------------ */

static void histogram_add(ln_histogram *histogram, uint32_t multicast, bool *overflow)
{
    for (uint32_t i = 0; i < histogram->count; i++) {
        if (histogram->signatures[i].multicast == multicast) {
            histogram->signatures[i].scatter++;
            return;
        }
    }
    if (histogram->count == LN_MAX_HISTOGRAM) {
        *overflow = true;
        return;
    }
    histogram->signatures[histogram->count].multicast = multicast;
    histogram->signatures[histogram->count].scatter = 1;
    histogram->count++;
}

/* Data offset of one step of a loop, projected on a tensor. */
static void loop_step(const ln_plan_tensor *tensor, const ln_loop *loop, uint64_t stride,
                      ln_rank_vector *out)
{
    for (uint32_t r = 0; r < tensor->rank_count; r++)
        out->value[r] = tensor->step[loop->dimension][r] * (int64_t)stride;
}

typedef struct ln_block_loops {
    uint32_t count;
    uint32_t end[LN_MAX_DIMENSIONS * 2];
    uint8_t axis[LN_MAX_DIMENSIONS * 2];        /* LN_LOOP_SPATIAL_X or _Y */
    ln_rank_vector step[LN_MAX_DIMENSIONS * 2]; /* innermost first */
} ln_block_loops;

static void block_loops_collect(const ln_plan_tensor *tensor, const ln_loop_nest *nest,
                                const uint64_t *strides, uint32_t first, uint32_t master,
                                ln_block_loops *loops)
{
    loops->count = 0;
    for (uint32_t i = first; i <= master; i++) {
        loops->end[loops->count] = nest->loops[i].end;
        loops->axis[loops->count] = nest->loops[i].spatial;
        loop_step(tensor, &nest->loops[i], strides[i], &loops->step[loops->count]);
        loops->count++;
    }
}

/* Walks the instances of a fan-out in key order (outermost loop most
 * significant) and stores each instance's data offset. */
static void enumerate_offsets(const ln_block_loops *loops, uint32_t ranks, uint64_t count,
                              ln_rank_vector *offsets)
{
    uint32_t index[LN_MAX_DIMENSIONS * 2] = {0};
    ln_rank_vector current;
    memset(&current, 0, sizeof current);
    for (uint64_t key = 0; key < count; key++) {
        offsets[key] = current;
        /* Increment the mixed-radix counter, innermost loop fastest. */
        for (uint32_t l = 0; l < loops->count; l++) {
            index[l]++;
            for (uint32_t r = 0; r < ranks; r++)
                current.value[r] += loops->step[l].value[r];
            if (index[l] < loops->end[l])
                break;
            for (uint32_t r = 0; r < ranks; r++)
                current.value[r] -= loops->step[l].value[r] * (int64_t)loops->end[l];
            index[l] = 0;
        }
    }
}

static uint64_t hash_rank_vector(const ln_rank_vector *vector, uint32_t ranks)
{
    uint64_t hash = 0x9e3779b97f4a7c15ull;
    for (uint32_t r = 0; r < ranks; r++) {
        hash ^= (uint64_t)vector->value[r] + 0x9e3779b97f4a7c15ull + (hash << 6) + (hash >> 2);
        hash *= 0xff51afd7ed558ccdull;
    }
    return hash ^ (hash >> 29);
}

/* Assigns each instance to the class of instances holding identical data. */
static uint64_t classify_instances(ln_engine_scratch *scratch, uint32_t ranks, uint64_t count)
{
    uint64_t table_size = 1;
    while (table_size < 2 * count)
        table_size <<= 1;
    for (uint64_t i = 0; i < table_size; i++)
        scratch->class_table[i] = -1;
    uint64_t classes = 0;
    for (uint64_t key = 0; key < count; key++) {
        uint64_t slot = hash_rank_vector(&scratch->instance_offsets[key], ranks) & (table_size - 1);
        for (;;) {
            int64_t member = scratch->class_table[slot];
            if (member < 0) {
                scratch->class_table[slot] = (int64_t)key;
                scratch->instance_class[key] = (uint32_t)classes;
                scratch->class_sizes[classes] = 1;
                classes++;
                break;
            }
            if (rank_vector_equal(&scratch->instance_offsets[member], &scratch->instance_offsets[key],
                                  ranks)) {
                uint32_t class_id = scratch->instance_class[member];
                scratch->instance_class[key] = class_id;
                scratch->class_sizes[class_id]++;
                break;
            }
            slot = (slot + 1) & (table_size - 1);
        }
    }
    return classes;
}

/* Groups of children receiving identical data, without link transfers. */
static bool block_group_children(ln_engine_scratch *scratch, const ln_plan_tensor *tensor,
                                 const ln_block_loops *loops, ln_spatial_block *block)
{
    bool overflow = false;
    block->all_groups.count = 0;
    if (block->no_multicast) {
        block->group_count = block->instance_count;
        block->all_groups.count = 1;
        block->all_groups.signatures[0].multicast = 1;
        block->all_groups.signatures[0].scatter = (uint32_t)block->instance_count;
        return true;
    }
    /* Fast path: when every loop that moves the data has a rank no other such
     * loop touches, distinct loop indices give distinct data, so the groups
     * are the products of the loops that do not move the data. */
    bool independent = true;
    uint64_t moving = 1, still = 1;
    for (uint32_t l = 0; l < loops->count && independent; l++) {
        if (rank_vector_is_zero(&loops->step[l], tensor->rank_count)) {
            still *= loops->end[l];
            continue;
        }
        moving *= loops->end[l];
        bool has_private_rank = false;
        for (uint32_t r = 0; r < tensor->rank_count && !has_private_rank; r++) {
            if (loops->step[l].value[r] == 0)
                continue;
            bool shared = false;
            for (uint32_t o = 0; o < loops->count; o++)
                if (o != l && loops->step[o].value[r] != 0)
                    shared = true;
            has_private_rank = !shared;
        }
        independent = has_private_rank;
    }
    if (independent) {
        block->group_count = moving;
        block->all_groups.count = 1;
        block->all_groups.signatures[0].multicast = (uint32_t)still;
        block->all_groups.signatures[0].scatter = (uint32_t)moving;
        return true;
    }
    if (block->instance_count > scratch->capacity)
        return false;
    enumerate_offsets(loops, tensor->rank_count, block->instance_count, scratch->instance_offsets);
    uint64_t classes = classify_instances(scratch, tensor->rank_count, block->instance_count);
    block->group_count = classes;
    for (uint64_t c = 0; c < classes; c++)
        histogram_add(&block->all_groups, (uint32_t)scratch->class_sizes[c], &overflow);
    return !overflow;
}

static int32_t find_pattern(const ln_spatial_block *block, const ln_rank_vector *offset, uint32_t ranks)
{
    for (uint32_t p = 0; p < block->pattern_count; p++)
        if (rank_vector_equal(&block->patterns[p].offset, offset, ranks))
            return (int32_t)p;
    return -1;
}

/* Builds, for every offset between neighbouring children, which children
 * could take their data from a neighbour and how the rest group. Neighbours
 * follow Timeloop's mesh: a child's key k sits at (k mod h, k div h) with h
 * the larger of the physical and logical X fan-outs. */
static bool block_build_patterns(ln_engine_scratch *scratch, const ln_plan_tensor *tensor,
                                 const ln_block_loops *loops, ln_spatial_block *block)
{
    block->patterns_built = true;
    block->pattern_count = 0;
    uint64_t count = block->instance_count;
    if (count > scratch->capacity)
        return false;
    uint32_t ranks = tensor->rank_count;
    enumerate_offsets(loops, ranks, count, scratch->instance_offsets);
    uint64_t classes;
    if (block->no_multicast) {
        classes = count;
        for (uint64_t k = 0; k < count; k++) {
            scratch->instance_class[k] = (uint32_t)k;
            scratch->class_sizes[k] = 1;
        }
    } else {
        classes = classify_instances(scratch, ranks, count);
    }

    uint64_t width = block->mesh_width, height = block->mesh_height;
    for (uint64_t key = 0; key < count; key++) {
        uint64_t neighbours[4];
        uint32_t neighbour_count = ln_mesh_neighbours(key, width, height, neighbours);
        uint64_t mask = 0;
        for (uint32_t n = 0; n < neighbour_count; n++) {
            uint64_t other = neighbours[n];
            if (other >= count)
                continue;
            ln_rank_vector offset;
            for (uint32_t r = 0; r < ranks; r++)
                offset.value[r] = scratch->instance_offsets[other].value[r] -
                                  scratch->instance_offsets[key].value[r];
            int32_t pattern = find_pattern(block, &offset, ranks);
            if (pattern < 0) {
                if (block->pattern_count == LN_MAX_LINK_PATTERNS) {
                    block->pattern_overflow = true;
                    return false;
                }
                pattern = (int32_t)block->pattern_count++;
                memset(&block->patterns[pattern], 0, sizeof block->patterns[pattern]);
                block->patterns[pattern].offset = offset;
            }
            mask |= 1ull << pattern;
        }
        scratch->instance_patterns[key] = mask;
    }

    bool overflow = false;
    for (uint32_t p = 0; p < block->pattern_count; p++) {
        ln_link_pattern *pattern = &block->patterns[p];
        for (uint64_t c = 0; c < classes; c++)
            scratch->class_remaining[c] = scratch->class_sizes[c];
        for (uint64_t key = 0; key < count; key++) {
            if (scratch->instance_patterns[key] & (1ull << p)) {
                pattern->linked_count++;
                scratch->class_remaining[scratch->instance_class[key]]--;
            }
        }
        for (uint64_t c = 0; c < classes; c++) {
            if (scratch->class_remaining[c] > 0) {
                pattern->remaining_groups++;
                histogram_add(&pattern->remaining, (uint32_t)scratch->class_remaining[c], &overflow);
            }
        }
    }
    return !overflow;
}

/* ------------------------------------------------------------------ */
/* The visit recursion                                                  */
/* ------------------------------------------------------------------ */

static int32_t slot_for_pattern(ln_sequence *sequence, int32_t pattern)
{
    for (uint32_t s = 1; s < sequence->slot_count; s++)
        if (sequence->slot_pattern[s] == pattern)
            return (int32_t)s;
    if (sequence->slot_count == LN_MAX_CONTRIBUTION_SLOTS) {
        sequence->failed = true;
        return 0;
    }
    sequence->slot_pattern[sequence->slot_count] = pattern;
    return (int32_t)sequence->slot_count++;
}

/* One visit: the delta it delivers and the state after it. */
static void visit(ln_sequence *sequence, ln_visit_state state, uint32_t transition, int32_t *slot,
                  double *amount, ln_visit_state *next)
{
    *next = state;
    ln_delta_kind kind;
    uint64_t size = sequence->tile_size;
    int16_t id = transition ? sequence->canonical[transition] : 0;
    if (transition == 0 || sequence->raw_points || sequence->no_temporal_reuse) {
        kind = LN_DELTA_WHOLE;
    } else if (sequence->translation_is_zero[id]) {
        kind = LN_DELTA_EMPTY;
        size = 0;
    } else if (state.previous_translation >= 0 && state.previous_translation != id) {
        /* The stride changed: Timeloop drops the residual and refills. */
        kind = LN_DELTA_WHOLE;
        next->previous_translation = -1;
    } else {
        next->previous_translation = id;
        uint64_t overlap = sequence->overlap[id];
        kind = overlap ? LN_DELTA_PARTIAL : LN_DELTA_WHOLE;
        size -= overlap;
    }

    *slot = 0;
    if (sequence->track_links) {
        /* A child takes the delivery from a neighbour when the neighbour got
         * exactly this data on the previous visit: the previous delivery
         * moved by this visit's stride (see ln_delta_kind). */
        bool repeats_last = (kind == LN_DELTA_WHOLE && state.last_kind == LN_DELTA_WHOLE) ||
                            (kind == LN_DELTA_PARTIAL && state.last_kind == LN_DELTA_PARTIAL &&
                             state.last_transition == id);
        if (repeats_last && transition != 0 && sequence->pattern_of[id] >= 0)
            *slot = slot_for_pattern(sequence, sequence->pattern_of[id]);
        next->last_kind = (uint8_t)kind;
        next->last_transition = kind == LN_DELTA_PARTIAL ? id : 0;
    }
    *amount = (double)size;
}

static bool state_equal(ln_visit_state a, ln_visit_state b)
{
    return a.previous_translation == b.previous_translation && a.last_kind == b.last_kind &&
           a.last_transition == b.last_transition;
}

/* All visits of the subtree of loops 1..j after its first visit. */
static void visit_subtree(ln_sequence *sequence, uint32_t j, ln_visit_state state,
                          ln_contribution *contribution, ln_visit_state *state_out)
{
    if (j == 0) {
        for (uint32_t s = 0; s < LN_MAX_CONTRIBUTION_SLOTS; s++)
            contribution->slot[s] = 0;
        *state_out = state;
        return;
    }
    for (uint32_t m = 0; m < sequence->memo_count[j]; m++) {
        if (state_equal(sequence->memo[j][m].in, state)) {
            *contribution = sequence->memo[j][m].contribution;
            *state_out = sequence->memo[j][m].out;
            return;
        }
    }
    ln_contribution first_half, second_half;
    ln_visit_state after_first_half, after_visit;
    visit_subtree(sequence, j - 1, state, &first_half, &after_first_half);
    int32_t slot;
    double amount;
    visit(sequence, after_first_half, j, &slot, &amount, &after_visit);
    visit_subtree(sequence, j - 1, after_visit, &second_half, state_out);
    double weight = (double)sequence->weight_minus_one[j];
    second_half.slot[slot] += amount;
    for (uint32_t s = 0; s < LN_MAX_CONTRIBUTION_SLOTS; s++)
        contribution->slot[s] = first_half.slot[s] + weight * second_half.slot[s];

    if (sequence->memo_count[j] < LN_MAX_MEMO_STATES) {
        ln_memo_entry *entry = &sequence->memo[j][sequence->memo_count[j]++];
        entry->in = state;
        entry->out = *state_out;
        entry->contribution = *contribution;
    }
}

/* The same walk without link transfers. Instead of summing amounts, the
 * walk builds the visit DAG once; a second pass pushes multiplicities from
 * the root down and counts how often each kind of delivery happens (see
 * ln_sequence), in time linear in the number of nodes. */
static int16_t build_visit_node(ln_sequence *sequence, uint32_t j, int16_t entry, int16_t *exit_state)
{
    if (j == 0) {
        *exit_state = entry;
        return -1;
    }
    uint32_t memo_count = sequence->memo_count[j];
    for (uint32_t m = 0; m < memo_count; m++) {
        if (sequence->node_state_of[j][m] == entry) {
            int16_t node = sequence->node_of[j][m];
            *exit_state = sequence->nodes[node].exit_state;
            return node;
        }
    }
    int16_t before_visit, after_visit;
    int16_t first_half = build_visit_node(sequence, j - 1, entry, &before_visit);
    int16_t id = sequence->canonical[j];
    int8_t coefficient;
    if (sequence->translation_is_zero[id]) {
        after_visit = before_visit;
        coefficient = -1;
    } else if (before_visit >= 0 && before_visit != id) {
        after_visit = -1; /* stride change: a whole refill */
        coefficient = 0;
    } else {
        after_visit = id;
        coefficient = (int8_t)sequence->coefficient_of[id];
    }
    int16_t second_half = build_visit_node(sequence, j - 1, after_visit, exit_state);
    if (sequence->node_count == LN_MAX_VISIT_NODES) {
        sequence->failed = true;
        return -1;
    }
    int16_t node = (int16_t)sequence->node_count++;
    ln_visit_node *record = &sequence->nodes[node];
    record->entry_state = entry;
    record->exit_state = *exit_state;
    record->first_half = first_half;
    record->second_half = second_half;
    record->loop = (uint8_t)j;
    record->coefficient = coefficient;
    if (memo_count < LN_MAX_MEMO_STATES) {
        sequence->node_state_of[j][memo_count] = entry;
        sequence->node_of[j][memo_count] = node;
        sequence->memo_count[j] = memo_count + 1;
    }
    return node;
}

static void count_deliveries(ln_sequence *sequence)
{
    for (uint32_t c = 0; c < sequence->coefficient_count; c++)
        sequence->coefficients[c] = 0;
    sequence->node_count = 0;
    int16_t exit_state;
    int16_t root = build_visit_node(sequence, sequence->transition_count, -1, &exit_state);
    if (root < 0)
        return;
    for (uint32_t n = 0; n < sequence->node_count; n++)
        sequence->multiplicity[n] = 0;
    sequence->multiplicity[root] = 1;
    /* Children were created before their parents, so descending order
     * visits every parent before its children. */
    for (int32_t n = (int32_t)sequence->node_count - 1; n >= 0; n--) {
        double multiplicity = sequence->multiplicity[n];
        if (multiplicity == 0)
            continue;
        const ln_visit_node *node = &sequence->nodes[n];
        double repeated = multiplicity * (double)sequence->weight_minus_one[node->loop];
        if (node->coefficient >= 0) {
            sequence->coefficients[0] += repeated;
            if (node->coefficient > 0)
                sequence->coefficients[node->coefficient] += repeated;
        }
        if (node->first_half >= 0)
            sequence->multiplicity[node->first_half] += multiplicity;
        if (node->second_half >= 0)
            sequence->multiplicity[node->second_half] += repeated;
    }
}

/* Runs all visits of a sequence; contribution slot 0 holds deltas served
 * without link transfers, slot s > 0 those served with pattern
 * slot_pattern[s]. */
static void run_sequence(ln_sequence *sequence, ln_contribution *total)
{
    for (uint32_t j = 0; j <= sequence->transition_count; j++)
        sequence->memo_count[j] = 0;
    sequence->slot_count = 1;
    sequence->slot_pattern[0] = -1;
    if (!sequence->track_links) {
        memset(total, 0, sizeof *total);
        if (sequence->raw_points || sequence->no_temporal_reuse) {
            /* Every visit delivers the whole tile. */
            double visits = 1;
            for (uint32_t j = 1; j <= sequence->transition_count; j++)
                visits *= (double)(sequence->weight_minus_one[j] + 1);
            total->slot[0] = visits * (double)sequence->tile_size;
            return;
        }
        if (!sequence->coefficients_valid) {
            count_deliveries(sequence);
            sequence->coefficients_valid = true;
        }
        /* The first visit delivers the whole tile. */
        double amount = (double)sequence->tile_size * (1 + sequence->coefficients[0]);
        for (uint32_t c = 1; c < sequence->coefficient_count; c++)
            amount -= sequence->coefficients[c] *
                      (double)sequence->overlap[sequence->coefficient_stride[c]];
        total->slot[0] = amount;
        return;
    }
    ln_visit_state start = {-1, 0, LN_DELTA_NONE};
    ln_visit_state after_first;
    int32_t slot;
    double amount;
    visit(sequence, start, 0, &slot, &amount, &after_first);
    ln_contribution rest;
    ln_visit_state final_state;
    visit_subtree(sequence, sequence->transition_count, after_first, &rest, &final_state);
    *total = rest;
    total->slot[slot] += amount;
}

/* Offsets between neighbouring children's data. When the mesh rows are
 * exactly the logical X fan-out, a child's neighbours differ by one step of
 * the X (or Y) counter, with carries; the offsets are then a short list.
 * Returns false when the mesh is wider than the X loops and rows wrap
 * around, in which case only the exact enumeration can tell. */
static bool quick_neighbour_offsets(const ln_spatial_block *block, const ln_block_loops *loops,
                                    uint32_t ranks, ln_rank_vector *offsets, uint32_t *count)
{
    if (block->mesh_width != block->logical_x)
        return false;
    *count = 0;
    for (uint8_t axis = LN_LOOP_SPATIAL_X; axis <= LN_LOOP_SPATIAL_Y; axis++) {
        ln_rank_vector carried;
        memset(&carried, 0, sizeof carried);
        for (uint32_t l = 0; l < loops->count; l++) {
            if (loops->axis[l] != axis)
                continue;
            ln_rank_vector offset, negated;
            for (uint32_t r = 0; r < ranks; r++) {
                offset.value[r] = loops->step[l].value[r] - carried.value[r];
                negated.value[r] = -offset.value[r];
                carried.value[r] += loops->step[l].value[r] * (int64_t)(loops->end[l] - 1);
            }
            offsets[(*count)++] = offset;
            offsets[(*count)++] = negated;
        }
    }
    return true;
}

/* Decides, per stride, which link pattern (if any) would serve a delivery
 * that repeats the previous one moved by that stride; turns link tracking
 * off when no stride matches a neighbour offset. */
static bool prepare_links(ln_engine_scratch *scratch, const ln_plan_tensor *tensor,
                          const ln_block_loops *loops, ln_sequence *sequence)
{
    ln_spatial_block *block = sequence->block;
    uint32_t ranks = tensor->rank_count;
    sequence->track_links = false;
    if (!block->links_enabled || sequence->transition_count == 0)
        return true;
    /* Two children's data differ by a combination of the fan-out's loop
     * steps, so a stride that moves a rank no fan-out loop moves, or moves
     * it further than the fan-out spans, can never match a neighbour. */
    int64_t span[LN_MAX_RANKS] = {0};
    for (uint32_t l = 0; l < loops->count; l++)
        for (uint32_t r = 0; r < ranks; r++) {
            int64_t step = loops->step[l].value[r];
            span[r] += (step < 0 ? -step : step) * (int64_t)(loops->end[l] - 1);
        }
    bool reachable = false;
    for (uint32_t j = 1; j <= sequence->transition_count && !reachable; j++) {
        /* Without reuse, a box that did not move is delivered whole again,
         * and neighbours holding the same data can pass it on. */
        bool redelivered = sequence->raw_points || sequence->no_temporal_reuse;
        if (sequence->canonical[j] != (int16_t)j || (sequence->translation_is_zero[j] && !redelivered))
            continue;
        bool fits = true;
        for (uint32_t r = 0; r < ranks && fits; r++) {
            int64_t moved = sequence->translation[j].value[r];
            fits = (moved < 0 ? -moved : moved) <= span[r];
        }
        reachable = fits;
    }
    if (!reachable)
        return true;
    ln_rank_vector candidates[LN_MAX_DIMENSIONS * 4];
    uint32_t candidate_count;
    if (quick_neighbour_offsets(block, loops, ranks, candidates, &candidate_count)) {
        bool any = false;
        for (uint32_t j = 1; j <= sequence->transition_count && !any; j++)
            for (uint32_t c = 0; c < candidate_count && !any; c++)
                any = rank_vector_equal(&sequence->translation[j], &candidates[c], ranks);
        if (!any)
            return true;
    }
    if (!block_build_patterns(scratch, tensor, loops, block))
        return false;
    for (uint32_t j = 1; j <= sequence->transition_count; j++) {
        sequence->pattern_of[j] = -1;
        if (sequence->canonical[j] != (int16_t)j)
            continue;
        int32_t pattern = find_pattern(block, &sequence->translation[j], ranks);
        if (pattern >= 0 && block->patterns[pattern].remaining_groups < block->group_count) {
            sequence->pattern_of[j] = pattern;
            sequence->track_links = true;
        }
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Per-level records                                                    */
/* ------------------------------------------------------------------ */

static void add_access(ln_movement_tile *tile, uint32_t multicast, uint32_t scatter, double accesses,
                       bool *overflow)
{
    if (accesses == 0)
        return;
    /* Kept in (multicast, scatter) order, the order Timeloop sums them in. */
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
        *overflow = true;
        return;
    }
    memmove(&tile->entries[position + 1], &tile->entries[position],
            (tile->entry_count - position) * sizeof tile->entries[0]);
    tile->entries[position].multicast = multicast;
    tile->entries[position].scatter = scatter;
    tile->entries[position].accesses = accesses;
    tile->entry_count++;
}

static double total_accesses(const ln_movement_tile *tile)
{
    double total = 0;
    for (uint32_t i = 0; i < tile->entry_count; i++)
        total += tile->entries[i].accesses;
    return total;
}

static double weighted_accesses(const ln_movement_tile *tile)
{
    double total = 0;
    for (uint32_t i = 0; i < tile->entry_count; i++)
        total += tile->entries[i].accesses * tile->entries[i].multicast;
    return total;
}

static void set_failure(ln_evaluation_failure *failure, ln_evaluation_status status, int32_t level,
                        int32_t tensor, const char *message)
{
    failure->status = status;
    failure->level = level;
    failure->tensor = tensor;
    failure->required = 0;
    failure->available = 0;
    strncpy(failure->message, message, sizeof failure->message - 1);
    failure->message[sizeof failure->message - 1] = '\0';
}

size_t ln_tile_analysis_scratch_size(uint64_t max_block_instances)
{
    uint64_t capacity = max_block_instances ? max_block_instances : 1;
    uint64_t table_size = 1;
    while (table_size < 2 * capacity)
        table_size <<= 1;
    size_t size = sizeof(ln_engine_scratch);
    size += capacity * sizeof(ln_rank_vector);
    size += capacity * sizeof(uint32_t);
    size += capacity * sizeof(uint64_t);
    size += table_size * sizeof(int64_t);
    size += 2 * capacity * sizeof(uint64_t);
    return size + 64;
}

static void scratch_layout(ln_engine_scratch *scratch, uint64_t capacity)
{
    uint64_t table_size = 1;
    while (table_size < 2 * capacity)
        table_size <<= 1;
    char *cursor = (char *)(scratch + 1);
    scratch->capacity = capacity;
    scratch->instance_offsets = (ln_rank_vector *)cursor;
    cursor += capacity * sizeof(ln_rank_vector);
    scratch->instance_patterns = (uint64_t *)cursor;
    cursor += capacity * sizeof(uint64_t);
    scratch->class_table = (int64_t *)cursor;
    cursor += table_size * sizeof(int64_t);
    scratch->class_table_size = table_size;
    scratch->class_sizes = (uint64_t *)cursor;
    cursor += capacity * sizeof(uint64_t);
    scratch->class_remaining = (uint64_t *)cursor;
    cursor += capacity * sizeof(uint64_t);
    scratch->instance_class = (uint32_t *)cursor;
}


static void compute_nest_facts(const ln_loop_nest *nest, uint32_t dimension_count, ln_nest_facts *facts)
{
    uint64_t product[LN_MAX_DIMENSIONS];
    for (uint32_t d = 0; d < LN_MAX_DIMENSIONS; d++)
        product[d] = 1;
    facts->temporal_count = 0;
    uint32_t level = 0;
    bool perfect = true;
    for (uint32_t i = 0; i < nest->loop_count; i++) {
        const ln_loop *loop = &nest->loops[i];
        perfect &= loop->residual_end == loop->end;
        facts->stride[i] = product[loop->dimension];
        product[loop->dimension] *= loop->end;
        if (loop->spatial == LN_LOOP_TEMPORAL && loop->end > 1)
            facts->temporal_loops[facts->temporal_count++] = i;
        bool spatial = loop->spatial != LN_LOOP_TEMPORAL;
        bool next_spatial = i + 1 < nest->loop_count && nest->loops[i + 1].spatial != LN_LOOP_TEMPORAL &&
                            nest->loops[i + 1].level == loop->level;
        if (spatial && !next_spatial)
            memcpy(facts->run_extent[loop->level], product, dimension_count * sizeof product[0]);
        while (level < nest->level_count && nest->boundary[level] == i) {
            memcpy(facts->tile_extent[level], product, dimension_count * sizeof product[0]);
            level++;
        }
    }
    facts->perfect = perfect;
    uint64_t all = 1, x = 1, y = 1;
    for (uint32_t i = nest->loop_count; i-- > 0;) {
        facts->spatial_above[i] = all;
        facts->spatial_x_above[i] = x;
        facts->spatial_y_above[i] = y;
        const ln_loop *loop = &nest->loops[i];
        if (loop->spatial != LN_LOOP_TEMPORAL) {
            all *= loop->end;
            if (loop->spatial == LN_LOOP_SPATIAL_X)
                x *= loop->end;
            else
                y *= loop->end;
        }
    }
    for (level = 0; level < nest->level_count; level++) {
        uint32_t first = level == 0 ? 0 : nest->boundary[level - 1] + 1;
        uint32_t position = 0;
        while (position < facts->temporal_count && facts->temporal_loops[position] < first)
            position++;
        facts->first_temporal_above_child[level] = position;
        facts->has_run[level] = nest->loops[first].spatial != LN_LOOP_TEMPORAL;
        facts->run_first[level] = first;
        uint32_t master = first;
        while (master + 1 <= nest->boundary[level] && nest->loops[master + 1].spatial != LN_LOOP_TEMPORAL)
            master++;
        facts->run_master[level] = master;
    }
}

/* Fills the sequence's transitions for the temporal loops above `boundary`. */
static bool prepare_transitions(const ln_plan_tensor *tensor, const ln_loop_nest *nest,
                                const ln_nest_facts *facts, uint32_t first_position, ln_sequence *sequence)
{
    int64_t prefix[LN_MAX_RANKS] = {0};
    uint32_t count = 0, ranks = tensor->rank_count;
    sequence->coefficient_count = 1;
    sequence->coefficients_valid = false;
    for (uint32_t t = first_position; t < facts->temporal_count; t++) {
        uint32_t loop_index = facts->temporal_loops[t];
        if (count == LN_MAX_TRANSITIONS)
            return false;
        count++;
        const ln_loop *loop = &nest->loops[loop_index];
        /* Moving to iteration 1 of this loop resets every inner loop of the
         * tree to iteration 0. */
        int64_t stride = (int64_t)facts->stride[loop_index];
        ln_rank_vector *translation = &sequence->translation[count];
        bool zero = true;
        uint64_t fingerprint = 0;
        for (uint32_t r = 0; r < ranks; r++) {
            int64_t step = tensor->step[loop->dimension][r] * stride;
            translation->value[r] = step - prefix[r];
            prefix[r] += step;
            zero &= translation->value[r] == 0;
            fingerprint = fingerprint * 0x100000001b3ull + (uint64_t)translation->value[r];
        }
        sequence->fingerprint[count] = fingerprint;
        sequence->weight_minus_one[count] = loop->end - 1;
        sequence->translation_is_zero[count] = zero;
        sequence->canonical[count] = (int16_t)count;
        for (uint32_t earlier = 1; earlier < count; earlier++) {
            if (sequence->fingerprint[earlier] == fingerprint &&
                rank_vector_equal(&sequence->translation[earlier], translation, ranks)) {
                sequence->canonical[count] = sequence->canonical[earlier];
                break;
            }
        }
        if (sequence->canonical[count] == (int16_t)count && !zero) {
            if (sequence->coefficient_count < LN_MAX_COEFFICIENTS_TRACKED) {
                sequence->coefficient_of[count] = (uint8_t)sequence->coefficient_count;
                sequence->coefficient_stride[sequence->coefficient_count++] = (int16_t)count;
            } else {
                return false;
            }
        }
    }
    sequence->transition_count = count;
    return true;
}

/* Points a tile keeps when moved by each distinct stride. */
static void prepare_overlaps(ln_sequence *sequence)
{
    for (uint32_t c = 1; c < sequence->coefficient_count; c++) {
        int16_t id = sequence->coefficient_stride[c];
        uint64_t overlap = 1;
        for (uint32_t r = 0; r < sequence->rank_count && overlap; r++) {
            int64_t moved = sequence->translation[id].value[r];
            int64_t remaining = sequence->extent[r] - (moved < 0 ? -moved : moved);
            overlap *= remaining > 0 ? (uint64_t)remaining : 0;
        }
        sequence->overlap[id] = overlap;
    }
}

/* Fan-out grouping for the spatial run of `level`, for one tensor. */
static bool prepare_block(const ln_engine *engine, const ln_mapping *mapping, const ln_loop_nest *nest,
                          const ln_nest_facts *facts, uint32_t level, uint32_t tensor_index,
                          ln_engine_scratch *scratch, ln_block_loops *loops)
{
    const ln_plan_tensor *tensor = &engine->tensors[tensor_index];
    ln_spatial_block *block = &scratch->block;
    block->first_loop = facts->run_first[level];
    block->master_loop = facts->run_master[level];
    block_loops_collect(tensor, nest, facts->stride, block->first_loop, block->master_loop, loops);
    uint64_t count = 1, logical_x = 1, logical_y = 1;
    for (uint32_t i = block->first_loop; i <= block->master_loop; i++) {
        count *= nest->loops[i].end;
        if (nest->loops[i].spatial == LN_LOOP_SPATIAL_X)
            logical_x *= nest->loops[i].end;
        else
            logical_y *= nest->loops[i].end;
    }
    block->instance_count = count;
    uint64_t physical_x = engine->levels[level].fanout_x, physical_y = engine->levels[level].fanout_y;
    block->logical_x = logical_x;
    block->logical_y = logical_y;
    block->mesh_width = physical_x > logical_x ? physical_x : logical_x;
    block->mesh_height = physical_y > logical_y ? physical_y : logical_y;
    uint8_t bit = (uint8_t)(1u << tensor_index);
    block->no_multicast = (mapping->levels[level].no_multicast & bit) != 0;
    block->links_enabled = (mapping->levels[level].no_link_transfer & bit) == 0;
    block->patterns_built = false;
    block->pattern_overflow = false;
    block->pattern_count = 0;
    return block_group_children(scratch, tensor, loops, block);
}

/* Adds the accesses a sequence produced to the parent's record. */
static bool record_sequence(const ln_sequence *sequence, const ln_contribution *total,
                            ln_movement_tile *parent)
{
    bool overflow = false;
    const ln_spatial_block *block = sequence->block;
    if (!block) {
        add_access(parent, 1, 1, total->slot[0], &overflow);
        return !overflow;
    }
    for (uint32_t s = 0; s < sequence->slot_count; s++) {
        double amount = total->slot[s];
        if (amount == 0)
            continue;
        const ln_histogram *histogram = &block->all_groups;
        if (s > 0) {
            const ln_link_pattern *pattern = &block->patterns[sequence->slot_pattern[s]];
            histogram = &pattern->remaining;
            parent->link_transfers += amount * (double)pattern->linked_count;
        }
        for (uint32_t h = 0; h < histogram->count; h++)
            add_access(parent, histogram->signatures[h].multicast, histogram->signatures[h].scatter,
                       amount * histogram->signatures[h].scatter, &overflow);
    }
    return !overflow;
}

/* Timeloop's post-processing of the per-level records of one tensor.
 * Inlined into the closed form's per-tensor loop, the hot path of every
 * search, as it was before the simulation became its second caller. */
static inline __attribute__((always_inline)) void collapse_tensor(ln_movement_tile *tiles, uint32_t level_count,
                                                                  const bool *keep, bool read_write)
{
    /* Partition sizes: the outermost level holds the whole tensor; each inner
     * level gets its share of its parent's partition. */
    uint64_t partition = tiles[level_count - 1].size;
    tiles[level_count - 1].partition_size = partition;
    for (int level = (int)level_count - 2; level >= 0; level--) {
        if (tiles[level].partition_fraction_denominator != 0)
            partition = (uint64_t)((unsigned __int128)partition * tiles[level].size /
                                   tiles[level].partition_fraction_denominator);
        tiles[level].partition_size = partition;
    }

    /* Share of the parent's deliveries each instance receives. */
    for (uint32_t level = 0; level < level_count; level++) {
        tiles[level].parent_access_share = 0;
        if (level + 1 >= level_count)
            continue;
        const ln_movement_tile *outer = &tiles[level + 1];
        double share = 0;
        for (uint32_t e = 0; e < outer->entry_count; e++)
            share += (outer->entries[e].accesses * outer->entries[e].multicast) / (double)outer->fanout;
        tiles[level].parent_access_share = share;
    }

    /* Bypass: a bypassed level's children are served by the next kept level. */
    for (uint32_t level = 0; level < level_count; level++) {
        ln_movement_tile *current = &tiles[level];
        if (current->size == 0 || (keep[level] && !current->no_coalesce))
            continue;
        uint32_t outer_index = level + 1;
        while (outer_index < level_count && tiles[outer_index].size == 0)
            outer_index++;
        if (outer_index == level_count) {
            current->size = 0;
            current->partition_size = 0;
            current->content_accesses = 0;
            current->parent_access_share = 0;
            break;
        }
        ln_movement_tile *outer = &tiles[outer_index];
        double all_children = current->content_accesses * (double)outer->fanout;
        double child_temporal_factor = all_children / weighted_accesses(outer);
        for (uint32_t e = 0; e < outer->entry_count; e++) {
            if (outer->entries[e].accesses == 0)
                continue;
            outer->entries[e].accesses *= child_temporal_factor;
            outer->link_transfers = 0;
        }
        outer->content_accesses = total_accesses(outer);
        if (!keep[level]) {
            current->size = 0;
            current->partition_size = 0;
            current->content_accesses = 0;
            current->parent_access_share = 0;
        }
    }

    /* Outermost bypassed levels hold nothing; the first kept one below them
     * is filled by nobody. */
    for (int level = (int)level_count - 1; level >= 0; level--) {
        ln_movement_tile *current = &tiles[level];
        if (!keep[level] || current->no_coalesce) {
            double replication = current->replication_factor;
            uint64_t max_x = current->max_x_expansion, max_y = current->max_y_expansion;
            bool rmw = current->rmw_first_update, no_coalesce = current->no_coalesce;
            memset(current, 0, sizeof *current);
            current->replication_factor = replication;
            current->max_x_expansion = max_x;
            current->max_y_expansion = max_y;
            current->rmw_first_update = rmw;
            current->no_coalesce = no_coalesce;
        } else {
            current->parent_access_share = 0;
            break;
        }
    }

    /* Link transfers among a level's children become accesses and fills at
     * those children. */
    for (uint32_t level = level_count - 1; level > 0; level--) {
        if (tiles[level].link_transfers != 0) {
            double spatial_size = tiles[level - 1].replication_factor;
            tiles[level - 1].peer_accesses += tiles[level].link_transfers / spatial_size;
            tiles[level - 1].peer_fills += tiles[level].link_transfers / spatial_size;
        }
    }

    for (uint32_t level = 0; level < level_count; level++) {
        ln_movement_tile *tile = &tiles[level];
        if (tile->size == 0) {
            tile->reads = tile->updates = tile->fills = 0;
            tile->temporal_reductions = 0;
            continue;
        }
        if (read_write) {
            tile->updates = (uint64_t)llround(tile->content_accesses);
            if (tile->no_coalesce) {
                double child_accesses = round(tile->content_accesses + tile->peer_accesses);
                tile->reads = (uint64_t)child_accesses;
                tile->temporal_reductions = child_accesses;
                tile->fills = (uint64_t)child_accesses;
            } else if (!tile->rmw_first_update) {
                double reads = round(tile->content_accesses + tile->peer_accesses -
                                     (double)tile->partition_size);
                tile->reads = (uint64_t)(int64_t)reads;
                tile->temporal_reductions = reads;
                bool outermost = true;
                for (uint32_t outer = level + 1; outer < level_count; outer++)
                    if (tiles[outer].size > 0)
                        outermost = false;
                double fills = outermost
                                   ? round(tile->parent_access_share + tile->peer_fills)
                                   : round(tile->parent_access_share + tile->peer_fills -
                                           (double)tile->partition_size);
                tile->fills = (uint64_t)(int64_t)fills;
            } else {
                double reads = round(tile->content_accesses + tile->peer_accesses);
                tile->reads = (uint64_t)reads;
                tile->temporal_reductions = reads;
                tile->fills = (uint64_t)round(tile->parent_access_share + tile->peer_fills);
            }
        } else {
            tile->reads = (uint64_t)round(tile->content_accesses + tile->peer_accesses);
            tile->updates = 0;
            tile->fills = (uint64_t)(tile->parent_access_share + tile->peer_fills);
            tile->temporal_reductions = 0;
        }
    }
}

void ln_collapse_tensor(ln_movement_tile *tiles, uint32_t level_count, const bool *keep, bool read_write)
{
    collapse_tensor(tiles, level_count, keep, read_write);
}

void ln_collapse_records(const ln_engine *engine, const ln_mapping *mapping, uint32_t level_count,
                         ln_tile_analysis *analysis)
{
    for (uint32_t tensor_index = 0; tensor_index < engine->tensor_count; tensor_index++) {
        bool keep[LN_MAX_STORAGE_LEVELS];
        for (uint32_t level = 0; level < level_count; level++)
            keep[level] = ln_mapping_keeps(mapping, level, tensor_index);
        collapse_tensor(analysis->tiles[tensor_index], level_count, keep, engine->tensors[tensor_index].read_write);
    }
}

typedef enum ln_closed_form_outcome {
    LN_CLOSED_FORM_DONE,
    LN_CLOSED_FORM_FAILED,
    LN_CLOSED_FORM_IMPERFECT, /* a residual factor: nothing was computed */
} ln_closed_form_outcome;

static ln_closed_form_outcome closed_form_records(const ln_engine *engine, const ln_mapping *mapping,
                                                  const ln_loop_nest *nest, void *scratch_memory,
                                                  ln_tile_analysis *analysis, bool collapse, ln_tensor_mask tensors,
                                                  ln_evaluation_failure *failure);

static bool refuse_imperfect(const ln_loop_nest *nest, ln_evaluation_failure *failure)
{
    for (uint32_t i = 0; i < nest->loop_count; i++) {
        if (nest->loops[i].residual_end != nest->loops[i].end) {
            set_failure(failure, LN_EVALUATION_UNSUPPORTED, (int32_t)nest->loops[i].level, -1,
                        "the closed-form analysis needs perfect factorization");
            break;
        }
    }
    return false;
}

bool ln_tile_analysis_run(const ln_engine *engine, const ln_mapping *mapping,
                          const ln_loop_nest *nest, void *scratch, ln_tile_analysis *analysis,
                          ln_analysis_method method, ln_tensor_mask tensors, ln_evaluation_failure *failure)
{
    /* The closed form needs every working set to keep its shape, which a
     * residual factor breaks: those mappings replay Timeloop's walk. The
     * closed form notices residuals while reading the nest, at no cost to
     * the perfect mappings of a search. The walk also takes the rare
     * perfect mappings whose fan-outs the closed form cannot classify. */
    if (method != LN_ANALYSIS_SIMULATION) {
        ln_closed_form_outcome outcome =
            closed_form_records(engine, mapping, nest, scratch, analysis, true, tensors, failure);
        if (outcome == LN_CLOSED_FORM_DONE)
            return true;
        if (method == LN_ANALYSIS_CLOSED_FORM)
            return outcome == LN_CLOSED_FORM_IMPERFECT ? refuse_imperfect(nest, failure) : false;
        if (outcome == LN_CLOSED_FORM_FAILED && failure->status != LN_EVALUATION_UNSUPPORTED)
            return false;
    }
    if (!ln_nest_simulation_records(engine, mapping, nest, scratch, analysis, failure))
        return false;
    ln_collapse_records(engine, mapping, nest->level_count, analysis);
    return true;
}

bool ln_tile_analysis_records(const ln_engine *engine, const ln_mapping *mapping, const ln_loop_nest *nest,
                              void *scratch, ln_tile_analysis *analysis, ln_evaluation_failure *failure)
{
    ln_closed_form_outcome outcome =
        closed_form_records(engine, mapping, nest, scratch, analysis, false, (ln_tensor_mask)~0u, failure);
    if (outcome == LN_CLOSED_FORM_IMPERFECT)
        return refuse_imperfect(nest, failure);
    return outcome == LN_CLOSED_FORM_DONE;
}

static ln_closed_form_outcome closed_form_records(const ln_engine *engine, const ln_mapping *mapping,
                                                  const ln_loop_nest *nest, void *scratch_memory,
                                                  ln_tile_analysis *analysis, bool collapse, ln_tensor_mask tensors,
                                                  ln_evaluation_failure *failure)
{
    ln_engine_scratch *scratch = scratch_memory;
    scratch_layout(scratch, engine->max_block_instances ? engine->max_block_instances : 1);
    uint32_t level_count = nest->level_count;
    uint32_t dimension_count = engine->problem->dimension_count;

    ln_nest_facts *facts = &scratch->facts;
    compute_nest_facts(nest, dimension_count, facts);
    if (!facts->perfect)
        return LN_CLOSED_FORM_IMPERFECT;

    double temporal_product = 1;
    for (uint32_t t = 0; t < facts->temporal_count; t++)
        temporal_product *= nest->loops[facts->temporal_loops[t]].end;
    uint64_t spatial_x = 1, spatial_y = 1;
    for (uint32_t i = 0; i < nest->loop_count; i++) {
        if (nest->loops[i].spatial == LN_LOOP_SPATIAL_X)
            spatial_x *= nest->loops[i].end;
        else if (nest->loops[i].spatial == LN_LOOP_SPATIAL_Y)
            spatial_y *= nest->loops[i].end;
    }
    analysis->compute_accesses = temporal_product;
    analysis->compute_replication = (double)(spatial_x * spatial_y);
    analysis->compute_max_x = spatial_x;
    analysis->compute_max_y = spatial_y;
    analysis->max_temporal_iterations = (uint64_t)temporal_product;
    analysis->imperfect = false;

    ln_sequence *sequence = &scratch->sequence;
    sequence->prepared_tensor = -1;
    ln_block_loops block_loops;

    for (uint32_t tensor_index = 0; tensor_index < engine->tensor_count; tensor_index++) {
        const ln_plan_tensor *tensor = &engine->tensors[tensor_index];
        ln_movement_tile *tiles = analysis->tiles[tensor_index];
        bool keep[LN_MAX_STORAGE_LEVELS];
        uint8_t bit = (uint8_t)(1u << tensor_index);
        if (!(tensors & bit)) {
            /* Left out (a search's bound looks at one tensor): no data. */
            memset(tiles, 0, level_count * sizeof *tiles);
            continue;
        }
        bool kept_anywhere = false;

        for (uint32_t level = 0; level < level_count; level++) {
            ln_movement_tile *tile = &tiles[level];
            uint32_t boundary = nest->boundary[level];
            tile->size = project_extent(tensor, facts->tile_extent[level], dimension_count,
                                        scratch->rank_extent[level]);
            tile->partition_size = 0;
            tile->partition_fraction_denominator = 0;
            tile->content_accesses = 0;
            tile->parent_access_share = 0;
            tile->link_transfers = 0;
            tile->peer_accesses = 0;
            tile->peer_fills = 0;
            tile->replication_factor = (double)facts->spatial_above[boundary];
            tile->fanout = 1;
            tile->max_x_expansion = facts->spatial_x_above[boundary];
            tile->max_y_expansion = facts->spatial_y_above[boundary];
            tile->rmw_first_update = (mapping->levels[level].rmw_first_update & bit) != 0;
            tile->no_coalesce = (mapping->levels[level].no_coalesce & bit) != 0;
            tile->entry_count = 0;
            tile->reads = tile->fills = tile->updates = 0;
            tile->temporal_reductions = 0;
            keep[level] = ln_mapping_keeps(mapping, level, tensor_index);
            kept_anywhere |= keep[level];
        }
        if (!kept_anywhere) {
            set_failure(failure, LN_EVALUATION_INVALID_MAPPING, -1, (int32_t)tensor_index,
                        "the tensor is bypassed at every storage level");
            return LN_CLOSED_FORM_FAILED;
        }

        for (uint32_t level = 0; level < level_count; level++) {
            ln_movement_tile *tile = &tiles[level];
            bool overflow = false;
            /* What this level delivers to its children (or to the compute
             * units for level 0). */
            if (level == 0 && !facts->has_run[0]) {
                add_access(tile, 1, 1, temporal_product, &overflow);
                tile->content_accesses = temporal_product;
                continue;
            }
            if (level > 0 && !keep[level - 1] && !tiles[level - 1].no_coalesce && !facts->has_run[level]) {
                /* The child bypasses this tensor, so the post-processing
                 * rescales what this level serves it to what the child's own
                 * children need; with no fan-out in between that is exactly
                 * the child's accesses, whatever the deltas were. */
                tiles[level - 1].partition_fraction_denominator = tiles[level - 1].size;
                add_access(tile, 1, 1, tiles[level - 1].content_accesses, &overflow);
                tile->content_accesses = tiles[level - 1].content_accesses;
                continue;
            }
            sequence->rank_count = tensor->rank_count;
            sequence->raw_points = level == 0;
            sequence->no_temporal_reuse = false;
            sequence->track_links = false;
            sequence->block = NULL;
            sequence->failed = false;
            if (level == 0) {
                for (uint32_t r = 0; r < tensor->rank_count; r++)
                    sequence->extent[r] = 1;
                sequence->tile_size = 1;
            } else {
                sequence->tile_size = tiles[level - 1].size;
                memcpy(sequence->extent, scratch->rank_extent[level - 1], sizeof sequence->extent);
                sequence->no_temporal_reuse = (mapping->levels[level - 1].no_temporal_reuse & bit) != 0;
            }
            /* Levels whose tiles sit below the same temporal loops share
             * their transitions (and, without link transfers, the counts). */
            int32_t first_position = (int32_t)facts->first_temporal_above_child[level];
            if (sequence->prepared_tensor != (int32_t)tensor_index ||
                sequence->first_temporal != first_position) {
                if (!prepare_transitions(tensor, nest, facts, (uint32_t)first_position, sequence)) {
                    sequence->prepared_tensor = -1;
                    set_failure(failure, LN_EVALUATION_UNSUPPORTED, (int32_t)level, (int32_t)tensor_index,
                                "more than 64 temporal loops above a level");
                    return LN_CLOSED_FORM_FAILED;
                }
                sequence->prepared_tensor = (int32_t)tensor_index;
                sequence->first_temporal = first_position;
            }
            prepare_overlaps(sequence);
            if (facts->has_run[level]) {
                if (!prepare_block(engine, mapping, nest, facts, level, tensor_index, scratch, &block_loops)) {
                    set_failure(failure, LN_EVALUATION_UNSUPPORTED, (int32_t)level, (int32_t)tensor_index,
                                "spatial fan-out too irregular to analyse");
                    return LN_CLOSED_FORM_FAILED;
                }
                sequence->block = &scratch->block;
                if (!prepare_links(scratch, tensor, &block_loops, sequence)) {
                    set_failure(failure, LN_EVALUATION_UNSUPPORTED, (int32_t)level, (int32_t)tensor_index,
                                "spatial fan-out too irregular to analyse");
                    return LN_CLOSED_FORM_FAILED;
                }
                tile->fanout = scratch->block.instance_count;
                /* The spatial working set sets the children's partition share. */
                if (level > 0) {
                    int64_t unused[LN_MAX_RANKS];
                    tiles[level - 1].partition_fraction_denominator =
                        project_extent(tensor, facts->run_extent[level], dimension_count, unused);
                }
            } else if (level > 0) {
                tiles[level - 1].partition_fraction_denominator = tiles[level - 1].size;
            }
            ln_contribution total;
            run_sequence(sequence, &total);
            if (sequence->failed || !record_sequence(sequence, &total, tile)) {
                set_failure(failure, LN_EVALUATION_UNSUPPORTED, (int32_t)level, (int32_t)tensor_index,
                            "too many distinct multicast or link-transfer patterns");
                return LN_CLOSED_FORM_FAILED;
            }
            tile->content_accesses = total_accesses(tile);
        }
        if (collapse)
            collapse_tensor(tiles, level_count, keep, tensor->read_write);
    }
    return LN_CLOSED_FORM_DONE;
}
