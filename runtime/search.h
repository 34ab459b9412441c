/* The search algorithms' common interface, as Timeloop's search/search.hpp:
 * an algorithm proposes the next candidate of its worker's share of the
 * mapspace (next) and hears how it went (report). One file per algorithm:
 * search_exhaustive.c, search_linear_pruned.c, search_random.c,
 * search_random_pruned.c, search_hybrid.c. Internal to runtime/. */
#ifndef LOOPNEST_RUNTIME_SEARCH_H
#define LOOPNEST_RUNTIME_SEARCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/count.h"
#include "ir/search_result.h"
#include "runtime/engine.h"
#include "runtime/mapspace.h"

/* What became of the candidate an algorithm proposed. */
typedef enum ln_search_outcome {
    LN_SEARCH_VALID,
    /* The spatial loops do not fit the fan-outs (no keep/bypass choice can
     * help; Timeloop's MappingConstructionFailure). */
    LN_SEARCH_CONSTRUCTION_FAILED,
    /* The tiles do not fit: the cheap check, which depends only on the
     * factorization and the keep/bypass choice. */
    LN_SEARCH_CHECK_FAILED,
    /* The model refused the mapping. */
    LN_SEARCH_EVALUATION_FAILED,
    /* No candidate of the current factorization can be valid (its spatial
     * factors exceed a fan-out, too many temporal loops, too little
     * parallelism); move to another factorization. */
    LN_SEARCH_FACTORIZATION_INFEASIBLE,
} ln_search_outcome;

/* A candidate: the factorization as an index into the worker's share, and
 * the choices within it. */
typedef struct ln_search_position {
    ln_count factorization;
    ln_count permutation;
    ln_count split;
    ln_count bypass;
} ln_search_position;

/* A set of 128-bit keys (filter_revisits). */
typedef struct ln_visited_set {
    ln_count *keys;
    uint8_t *used;
    uint64_t capacity;
    uint64_t count;
} ln_visited_set;

typedef struct ln_search_state {
    const ln_mapspace *mapspace;
    ln_tiling *tiling;       /* the current factorization; enter one with ln_search_enter */
    uint32_t share;          /* this worker's index */
    uint32_t shares;         /* workers */
    ln_count factorizations; /* in this share: ids share, share + shares, ... */
    ln_count bypass_choices;
    ln_count mapspace_size;  /* Timeloop's size of the whole */
    uint64_t max_permutations_per_visit;
    bool filter_revisits;
    uint64_t random[4];      /* xoshiro256** state */

    bool done;
    uint64_t factorizations_entered;
    ln_search_position position;
    uint64_t check_failures; /* in the current (permutation, split) */
    uint64_t valid;
    ln_count permutations_to_visit;
    ln_count permutations_visited;
    ln_count bypass_covered;
    ln_visited_set visited;
} ln_search_state;

typedef struct ln_search_algorithm {
    const char *name; /* Timeloop's spelling */
    void (*start)(ln_search_state *state);
    bool (*next)(ln_search_state *state, ln_search_position *position);
    void (*report)(ln_search_state *state, ln_search_outcome outcome);
} ln_search_algorithm;

extern const ln_search_algorithm ln_search_exhaustive;
extern const ln_search_algorithm ln_search_linear_pruned;
extern const ln_search_algorithm ln_search_random;
extern const ln_search_algorithm ln_search_random_pruned;
extern const ln_search_algorithm ln_search_hybrid;

/* The algorithm of a name ("linear_pruned" or "linear-pruned"); NULL when
 * unknown. */
const ln_search_algorithm *ln_search_algorithm_named(const char *name);

/* Enters factorization `local` of the state's share (decodes it into
 * state->tiling). */
void ln_search_enter(ln_search_state *state, ln_count local);

/* Uniform in [0, bound) from the state's generator; bound > 0. */
ln_count ln_search_random_below(ln_search_state *state, ln_count bound);

/* Adds `key`; false when it was there already. */
bool ln_visited_set_insert(ln_visited_set *set, ln_count key);
void ln_visited_set_release(ln_visited_set *set);

/* The walk Timeloop's linear searches share: bypass fastest, then split,
 * then permutation; false when the permutations of the factorization are
 * used up (the caller then moves to another factorization). */
bool ln_search_advance_within(ln_search_state *state);

/* The `next` of the walks that keep their position in state->position:
 * that position, until the algorithm is done. */
bool ln_search_next_position(ln_search_state *state, ln_search_position *position);

/* Which failures, all over the keep/bypass choices of an (order, split),
 * make a search skip the factorization's remaining orders and splits. */
typedef enum ln_search_skip {
    /* Timeloop's guess: any failure, checks or model (its counter carries
     * over a construction failure, as Timeloop's does). */
    LN_SKIP_ON_ANY_FAILURE,
    /* The safe rule: only failures of the capacity check, which no order
     * or split can change; counted afresh for every (order, split). */
    LN_SKIP_ON_CHECK_FAILURES,
} ln_search_skip;

/* After a report, the bookkeeping the linear walks share: a construction
 * failure skips the remaining keep/bypass choices; when every keep/bypass
 * choice of a (permutation, split) failed (as `skip` counts failures), the
 * remaining permutations and splits are skipped too; a factorization
 * rejected whole is left at once. */
void ln_search_after_report(ln_search_state *state, ln_search_outcome outcome, ln_search_skip skip);

/* The searches that walk every factorization in order (exhaustive,
 * linear_pruned): start at the first; after each report, the bookkeeping
 * above with `skip`, then the next candidate or the next factorization. */
void ln_search_start_in_order(ln_search_state *state);
void ln_search_report_in_order(ln_search_state *state, ln_search_outcome outcome, ln_search_skip skip);

/* The refinement after an algorithm (runtime/search_refinement.c). */
typedef struct ln_refinement_control {
    const atomic_int *stop;    /* nonzero: stop at once, keeping the best so far */
    void *workspace;           /* ln_search_refinement_workspace_size() bytes */
    void *scratch;             /* the engine's scratch */
    ln_evaluation *evaluation; /* the engine's result buffer */
    /* Called after each improving step with the new point; may be NULL. */
    void (*improved)(struct ln_refinement_control *control, const ln_mapspace_point *point, const double *metrics);
    void *context;
    uint64_t seed;             /* of the kicks */
    uint32_t kicks;            /* kicks in a row without improvement before it stops */
} ln_refinement_control;

size_t ln_search_refinement_workspace_size(void);

/* Local search from `point` (whose metrics are `metrics`): on improvement
 * updates point, metrics and `mapping` and returns true. */
bool ln_search_refine(const ln_engine *engine, const ln_mapspace *mapspace, const ln_search_settings *settings,
                      ln_refinement_control *control, ln_mapspace_point *point, double *metrics, ln_mapping *mapping,
                      ln_search_statistics *statistics);

#endif
