/* The mapspace: every mapping the mapper may generate for a spec, under its
 * architecture and mapspace constraints, as Timeloop's "uber" mapspace
 * defines it.
 *
 * A mapping is chosen in four sub-spaces. The index factorization splits
 * every dimension's bound into one factor per tiling level (per storage
 * level a temporal level and, above a fan-out, a spatial one, innermost
 * first). The loop permutation orders each tiling level's loops; the
 * spatial split puts each spatial loop on meshX or meshY; the bypass
 * sub-space keeps or bypasses each tensor at each level. Each sub-space is
 * indexable: an id decodes to its choice without enumerating the ones
 * before it.
 *
 * Loops whose factor is 1 do not exist in the nest, so orders that differ
 * only in where they stand are the same mapping. Once a factorization is
 * chosen (ln_mapspace_enter), its permutation and split sub-spaces hold
 * only distinct mappings: the free loops with factor above 1 are permuted,
 * and a split only moves those loops between the axes. On a fan-out along
 * one axis only, the loops all go on that axis (the other placements cannot
 * fit). Timeloop's mapper prunes the same way for its pruned searches.
 *
 * Constraints are checked when the mapspace is built: one that cannot be
 * met is an error at its source, and constraints that together leave no
 * factorization are reported with the smallest conflicting set found. */
#ifndef LOOPNEST_RUNTIME_MAPSPACE_H
#define LOOPNEST_RUNTIME_MAPSPACE_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/count.h"
#include "ir/diagnostic.h"
#include "ir/search_result.h"
#include "ir/spec.h"

enum {
    /* A temporal and a spatial tiling level per storage level. */
    LN_MAX_TILING_LEVELS = 2 * LN_MAX_STORAGE_LEVELS,
};

typedef struct ln_mapspace ln_mapspace;

/* Builds the mapspace of `spec` (its problem, architecture and
 * constraints). Returns NULL with located errors when a constraint cannot
 * be met or the constraints leave no mapping. The mapspace keeps pointers
 * into `spec`. */
ln_mapspace *ln_mapspace_create(const ln_spec *spec, ln_diagnostics *diagnostics);
void ln_mapspace_destroy(ln_mapspace *mapspace);

/* Timeloop's size of each sub-space (before pruning equivalent orders) and
 * their product; false when the product exceeds 2^128. */
ln_count ln_mapspace_subspace_size(const ln_mapspace *mapspace, ln_subspace subspace);
bool ln_mapspace_size(const ln_mapspace *mapspace, ln_count *size);

/* One factorization and its distinct orders and splits. */
typedef struct ln_tiling {
    ln_count factorization;
    uint32_t factors[LN_MAX_TILING_LEVELS][LN_MAX_DIMENSIONS];
    /* Per tiling level: the loop order innermost first with its free part
     * (order_begin, order_length) in dimension order, and the spatial
     * split as split_base + k for k < split_choices. */
    uint8_t order[LN_MAX_TILING_LEVELS][LN_MAX_DIMENSIONS];
    uint8_t order_begin[LN_MAX_TILING_LEVELS];
    uint8_t order_length[LN_MAX_TILING_LEVELS];
    uint8_t split_base[LN_MAX_TILING_LEVELS];
    uint8_t split_choices[LN_MAX_TILING_LEVELS];
    ln_count permutations; /* distinct orders of all levels together */
    ln_count splits;       /* distinct splits of all levels together */
    /* Why no mapping of this factorization can be valid, whatever its
     * orders, splits and keep/bypass; LN_REJECTION_REASON_COUNT when some
     * may be. */
    ln_rejection_reason infeasible;
    int32_t infeasible_level;
    /* Words of each tensor's tile at each storage level (Timeloop's
     * working sets), for the capacity check. */
    uint64_t tile_words[LN_MAX_TENSORS][LN_MAX_STORAGE_LEVELS];
} ln_tiling;

/* Decodes factorization `factorization` (< the factorization sub-space's
 * size) into `tiling`. */
void ln_mapspace_enter(const ln_mapspace *mapspace, ln_count factorization, ln_tiling *tiling);

/* Keep/bypass choices (the same for every factorization). */
ln_count ln_mapspace_bypass_choices(const ln_mapspace *mapspace);

/* A candidate that failed the cheap checks: why, where, and by how much. */
typedef struct ln_candidate_rejection {
    ln_rejection_reason reason;
    int32_t level;  /* storage level, -1 for the compute level or none */
    int32_t tensor; /* -1 for none */
    uint64_t required;
    uint64_t available;
} ln_candidate_rejection;

typedef enum ln_candidate_status {
    LN_CANDIDATE_OK,
    /* The spatial loops do not fit the fan-outs (Timeloop: the mapping
     * cannot be constructed); no keep/bypass choice changes that. */
    LN_CANDIDATE_CONSTRUCTION_FAILED,
    /* The tiles do not fit (Timeloop: the pre-evaluation check failed). */
    LN_CANDIDATE_CHECK_FAILED,
} ln_candidate_status;

/* A mapping as the mapspace sees it: each tiling level's factors, loop
 * order (innermost first) and split, and what each storage level keeps. */
typedef struct ln_mapspace_point {
    uint32_t factors[LN_MAX_TILING_LEVELS][LN_MAX_DIMENSIONS];
    uint8_t order[LN_MAX_TILING_LEVELS][LN_MAX_DIMENSIONS];
    uint8_t split[LN_MAX_TILING_LEVELS];
    ln_tensor_mask keep[LN_MAX_STORAGE_LEVELS];
} ln_mapspace_point;

/* The candidate (tiling, permutation, split, bypass) as a point. */
void ln_mapspace_point_of(const ln_mapspace *mapspace, const ln_tiling *tiling, ln_count permutation,
                          ln_count split, ln_count bypass, ln_mapspace_point *point);

/* The cheap checks of a point whose factors are `tiling`'s: the fan-out
 * along each axis (Timeloop's mapping construction), then every tensor
 * kept somewhere and the tiles fitting every level (its pre-evaluation
 * check). On a failure `rejection` says why. */
ln_candidate_status ln_mapspace_check(const ln_mapspace *mapspace, const ln_tiling *tiling,
                                      const ln_mapspace_point *point, ln_candidate_rejection *rejection);

/* The mapping of a point, with the flags the constraints set. */
void ln_mapspace_write_mapping(const ln_mapspace *mapspace, const ln_mapspace_point *point, ln_mapping *mapping);

/* All three: the point of a candidate, its checks and, when they pass, its
 * mapping. */
ln_candidate_status ln_mapspace_build(const ln_mapspace *mapspace, const ln_tiling *tiling, ln_count permutation,
                                      ln_count split, ln_count bypass, ln_mapspace_point *point, ln_mapping *mapping,
                                      ln_candidate_rejection *rejection);

/* Fills the rest of `tiling` from its factors: each level's base order and
 * split choices, whether some mapping of it can be valid, and the tiles'
 * words. (ln_mapspace_enter decodes the factors, then calls this.) */
void ln_mapspace_arrange(const ln_mapspace *mapspace, ln_tiling *tiling);

/* Tiling levels, and which storage level and kind each is. */
uint32_t ln_mapspace_tiling_levels(const ln_mapspace *mapspace);
uint32_t ln_mapspace_tiling_storage_level(const ln_mapspace *mapspace, uint32_t tiling_level);
bool ln_mapspace_tiling_is_spatial(const ln_mapspace *mapspace, uint32_t tiling_level);

#endif
