/* The mapspace's inside, for the searches that walk it by other means
 * than its ids (the refinement, the optimal search). Internal to runtime/. */
#ifndef LOOPNEST_RUNTIME_MAPSPACE_INTERNAL_H
#define LOOPNEST_RUNTIME_MAPSPACE_INTERNAL_H

#include "ir/arena.h"
#include "runtime/mapspace.h"

typedef enum factor_item_kind {
    FACTOR_FIXED,
    FACTOR_AT_LEAST,
    FACTOR_AT_MOST,
} factor_item_kind;

/* One constraint on one factor, with the constraint that gave it. */
typedef struct factor_item {
    factor_item_kind kind;
    uint8_t tiling_level;
    uint32_t value;
    const ln_constraint *source;
} factor_item;

/* A choice of factor at a free tiling level, given what remains of the
 * bound: the factor and the divisor index of what then remains. */
typedef struct factor_choice {
    uint32_t factor;
    uint32_t next;
} factor_choice;

/* The factorizations of one dimension. Free tiling levels are taken from
 * the outermost inward, as Timeloop's Factors::MultiplicativeSplitRecursive
 * does, trying divisors in its order (1, n, 2, n/2, ...); the innermost
 * free level takes what remains. ways[k][j] counts the factorizations of
 * divisors[j] over free levels k.. (ways[free_count][j] is 1 for the
 * divisor 1), so an id decodes level by level without enumeration. */
typedef struct dimension_space {
    uint32_t bound;
    uint32_t fixed[LN_MAX_TILING_LEVELS];   /* 0: free */
    uint32_t minimum[LN_MAX_TILING_LEVELS]; /* 1 when unbounded */
    uint32_t maximum[LN_MAX_TILING_LEVELS]; /* UINT32_MAX when unbounded */
    uint32_t remaining;                     /* bound / product of the fixed factors */
    uint32_t free_count;
    uint8_t free_levels[LN_MAX_TILING_LEVELS]; /* outermost first */
    uint32_t divisor_count;
    uint32_t *divisors;       /* of `remaining`, ascending */
    uint32_t *timeloop_order; /* divisor indices in Timeloop's order */
    ln_count *ways;           /* [(free_count + 1) * divisor_count] */
    uint32_t *choice_begin;   /* [free_count * divisor_count + 1] */
    factor_choice *choices;
    ln_count size;
    ln_count stride;          /* of this dimension in a factorization id */
    uint32_t item_count;
    factor_item *items;
} dimension_space;

typedef struct tiling_level_spec {
    uint8_t storage_level;
    bool spatial;
    /* Timeloop fixes the order of the innermost temporal level and of a
     * fan-out along one axis whose order no constraint gives. */
    bool canonical;
    bool two_dimensional;
    uint8_t prefix_count, suffix_count;
    uint8_t prefix[LN_MAX_DIMENSIONS]; /* innermost, in order */
    uint8_t suffix[LN_MAX_DIMENSIONS]; /* outermost, in order */
    const ln_constraint *order_source;
    bool split_fixed;
    uint32_t split;
    const ln_constraint *split_source;
    uint64_t fanout_x, fanout_y;
} tiling_level_spec;

/* Projection terms with the coefficients' values, for tile sizes. */
typedef struct tile_term {
    uint8_t rank;
    uint8_t dimension;
    uint64_t magnitude;
} tile_term;

struct ln_mapspace {
    const ln_spec *spec;
    const ln_problem *problem;
    const ln_arch *arch;
    ln_arena arena;

    uint32_t tiling_level_count;
    tiling_level_spec levels[LN_MAX_TILING_LEVELS];
    int8_t temporal_tiling[LN_MAX_STORAGE_LEVELS];
    int8_t spatial_tiling[LN_MAX_STORAGE_LEVELS]; /* -1 without a fan-out */

    dimension_space dimensions[LN_MAX_DIMENSIONS];
    ln_count sizes[LN_SUBSPACE_COUNT];

    /* Keep/bypass per tensor and level: '1' keep, '0' bypass, 'X' free,
     * as Timeloop's bypass strings. Free choices in Timeloop's order
     * (tensor by tensor, innermost level first); bit k of a bypass id set
     * keeps the k-th. */
    char bypass[LN_MAX_TENSORS][LN_MAX_STORAGE_LEVELS];
    const ln_constraint *bypass_source[LN_MAX_TENSORS][LN_MAX_STORAGE_LEVELS];
    uint32_t free_bypass_count;
    uint8_t free_bypass_tensor[LN_MAX_TENSORS * LN_MAX_STORAGE_LEVELS];
    uint8_t free_bypass_level[LN_MAX_TENSORS * LN_MAX_STORAGE_LEVELS];
    ln_tensor_mask fixed_keep[LN_MAX_STORAGE_LEVELS];

    /* Per-level flags every generated mapping carries. */
    ln_tensor_mask no_temporal_reuse[LN_MAX_STORAGE_LEVELS];
    ln_tensor_mask no_multicast[LN_MAX_STORAGE_LEVELS];
    ln_tensor_mask no_link_transfer[LN_MAX_STORAGE_LEVELS];
    ln_tensor_mask rmw_first_update[LN_MAX_STORAGE_LEVELS];
    ln_tensor_mask no_coalesce[LN_MAX_STORAGE_LEVELS];

    double min_parallelism;
    const ln_constraint *parallelism_source;
    double confidence[LN_MAX_STORAGE_LEVELS]; /* 1 - max_overbooked_proportion */
    int64_t max_temporal_loops;

    uint32_t term_count[LN_MAX_TENSORS];
    uint8_t rank_count[LN_MAX_TENSORS];
    tile_term terms[LN_MAX_TENSORS][LN_MAX_RANKS * LN_MAX_TERMS];
};

/* Words of a tensor's tile (Timeloop's working set) when each dimension
 * spans extents[d]. */
uint64_t ln_mapspace_tile_words(const ln_mapspace *mapspace, uint32_t tensor, const uint64_t *extents);

/* How many instances a fan-out's loops (its `factors` in `order`, the
 * first `split` on X) use along X and along Y. */
void ln_mapspace_spatial_extent(const ln_mapspace *mapspace, const uint32_t *factors, const uint8_t *order,
                                uint32_t split, uint64_t *x, uint64_t *y);

#endif
