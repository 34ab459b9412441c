/* The data-movement lower bound of Orojenesis (Huang et al., ISCA 2024, the
 * "ski slope"): for the spec's problem, the least traffic to and from the
 * backing store (the outermost storage level) that any mapping can reach
 * with a given capacity in the level just below it, as a function of that
 * capacity.
 *
 * The mapspace is Orojenesis's single-buffer one: the buffer holds one tile
 * of every tensor, every tile shape whose extent in each dimension divides
 * the dimension's bound, and the loops above the buffer (the bound over the
 * tile, per dimension) run in every order. Orojenesis runs Timeloop
 * exhaustively on a two-level architecture (DRAM and one unbounded buffer)
 * and keeps, for each buffer size, the least DRAM accesses; this does the
 * same with this project's engine, so the counts are Timeloop's exactly.
 * Each candidate is a mapping of the spec's own architecture: the tile's
 * loops at the buffer level, the rest at the outermost level in the
 * candidate's order, every other level bypassed by every tensor with
 * factors of 1. The buffer's size is not checked (it is the variable);
 * the traffic is the outermost level's scalar reads, fills and updates over
 * all tensors (Timeloop's last_level_accesses) and the footprint the words
 * of all tensors' tiles at the buffer.
 *
 * Orders that cannot give different counts are walked once: where every
 * tensor's ranks each follow one dimension (no p + r), a tensor's traffic
 * depends only on the loops inside its innermost relevant loop, so one
 * order per combination of those sets stands for the rest (as the optimal
 * search's order classes, runtime/search_optimal.c). A sliding tensor
 * (p + r) reuses data between neighbouring tiles in ways that depend on
 * the whole order, so with one in the problem every order of the loops
 * with a factor above 1 is evaluated.
 *
 * What it bounds: every mapping in which every tensor is kept at the
 * buffer level and whose factors divide the bounds moves at least
 * ln_traffic_bound_at(its footprint) words to and from the backing store,
 * since its buffer tiles and outer loops are one of the candidates. A
 * mapping that lets a tensor bypass the buffer (held lower down, in many
 * instances) or uses imperfect factors is outside the model, as it is in
 * Orojenesis. No I/O; memory is malloc'ed and checked. */
#ifndef LOOPNEST_RUNTIME_TRAFFIC_BOUND_H
#define LOOPNEST_RUNTIME_TRAFFIC_BOUND_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/diagnostic.h"
#include "ir/spec.h"
#include "runtime/engine.h"

enum {
    /* Evaluations the command allows before it gives up on completeness;
     * the example designs need about half a million. */
    LN_TRAFFIC_BOUND_DEFAULT_EVALUATIONS = 5000000,
    /* Evaluations between progress calls. */
    LN_TRAFFIC_BOUND_PROGRESS_EVERY = 1u << 16,
};

/* One point of the frontier and a mapping that reaches it. */
typedef struct ln_traffic_bound_point {
    uint64_t footprint; /* words of every tensor's tile at the buffer */
    uint64_t traffic;   /* words read, filled and updated at the backing store */
    uint32_t tile[LN_MAX_DIMENSIONS];   /* the tile's extent per dimension */
    /* The loops above the buffer with a factor above 1, outermost first
     * (dimension indices); their factors are bound / tile. */
    uint8_t order_length;
    uint8_t order[LN_MAX_DIMENSIONS];
} ln_traffic_bound_point;

typedef struct ln_traffic_bound {
    uint32_t buffer_level;  /* storage level index of the buffer */
    uint32_t backing_level; /* the outermost storage level */
    /* The buffer's capacity in words: the size tiles are checked against
     * (after multiple buffering) times its instances, since replicated
     * buffers hold at most that much distinct data together. Unknown when
     * the architecture gives no size. */
    bool capacity_known;
    uint64_t capacity;
    /* The traffic of the tile that is the whole problem: each tensor read
     * once and each output written once. */
    uint64_t compulsory;
    /* Every candidate was evaluated; false when the evaluation cap cut the
     * enumeration, and then the frontier is only an upper estimate of the
     * bound (a candidate left out may lie below it). */
    bool complete;
    uint64_t evaluations;
    uint64_t tiles_visited;
    double tile_count; /* tile shapes in the mapspace */
    /* Footprint ascending, traffic strictly descending: each point needs
     * more words and moves strictly less than the one before. Among equal
     * candidates the first in the walk is kept. malloc'ed. */
    uint32_t point_count;
    ln_traffic_bound_point *points;
} ln_traffic_bound;

/* Optional progress reports, from the calling thread. */
typedef struct ln_traffic_bound_control {
    /* Called every LN_TRAFFIC_BOUND_PROGRESS_EVERY evaluations. */
    void (*progress)(const ln_traffic_bound *partial, void *context);
    void *context;
} ln_traffic_bound_control;

/* The buffer level of the bound: the outermost storage level below the
 * backing store that is not a placeholder (dummy_storage); -1 when there
 * is none. */
int32_t ln_traffic_bound_buffer_level(const ln_arch *arch);

/* The spec's problem and architecture can be bounded: both present, a
 * level below the backing store, every dimension's bound from 1 to 2^32 - 1.
 * Otherwise false with located errors. (ln_traffic_bound_compute checks the
 * same; a caller may check first to report this before other work.) */
bool ln_traffic_bound_check(const ln_spec *spec, ln_diagnostics *diagnostics);

/* Computes the frontier of `spec` with `engine` (created on the same spec).
 * At most `evaluation_cap` mappings are evaluated (0: no cap); reaching it
 * leaves result->complete false. `control` may be NULL. False, with
 * located errors in `diagnostics` and an empty `result`, when the spec has
 * no level below the backing store, a dimension bound is below 1, or
 * memory runs out. Release the result with ln_traffic_bound_release in
 * every case. */
bool ln_traffic_bound_compute(const ln_spec *spec, const ln_engine *engine, uint64_t evaluation_cap,
                              const ln_traffic_bound_control *control, ln_traffic_bound *result,
                              ln_diagnostics *diagnostics);

void ln_traffic_bound_release(ln_traffic_bound *result);

/* The least traffic of a candidate whose footprint is at most `capacity`
 * words, in *traffic; false when no candidate fits (then the smallest
 * footprint is the first point's). For a search, the gap between its best
 * mapping's evaluation->levels[backing_level].total_scalar_accesses and
 * this at result->capacity says how much traffic is left to win. */
bool ln_traffic_bound_at(const ln_traffic_bound *result, uint64_t capacity, uint64_t *traffic);

/* The point that gives ln_traffic_bound_at(capacity); NULL when none fits. */
const ln_traffic_bound_point *ln_traffic_bound_point_at(const ln_traffic_bound *result, uint64_t capacity);

#endif
