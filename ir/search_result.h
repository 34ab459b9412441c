/* What a mapper search produced: the best mapping, how the search went
 * (candidates visited, valid, rejected and why, the best metric over time)
 * and the mapspace it searched. Filled by runtime/mapper, written by
 * backend/search_report and the command line. */
#ifndef LOOPNEST_IR_SEARCH_RESULT_H
#define LOOPNEST_IR_SEARCH_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/count.h"
#include "ir/spec.h"

/* The mapspace's sub-spaces, as Timeloop names them. */
typedef enum ln_subspace {
    LN_SUBSPACE_FACTORIZATION, /* index factorization: every dimension over the tiling levels */
    LN_SUBSPACE_PERMUTATION,   /* loop orders per tiling level */
    LN_SUBSPACE_SPATIAL_SPLIT, /* which spatial loops go to meshX and which to meshY */
    LN_SUBSPACE_BYPASS,        /* keep or bypass each tensor at each level */
    LN_SUBSPACE_COUNT
} ln_subspace;

const char *ln_subspace_name(ln_subspace subspace);

/* Why a candidate mapping was not a valid one. */
typedef enum ln_rejection_reason {
    LN_REJECTED_FANOUT,          /* spatial loops exceed a level's fan-out along an axis */
    LN_REJECTED_PARALLELISM,     /* below the utilization (min parallelism) constraint */
    LN_REJECTED_TEMPORAL_LOOPS,  /* more temporal loops than max_temporal_loops_in_a_mapping */
    LN_REJECTED_BYPASS,          /* a tensor is kept at no level */
    LN_REJECTED_CAPACITY,        /* the tiles overflow a level */
    LN_REJECTED_MIN_UTILIZATION, /* the tiles fill less of a level than its min_utilization */
    LN_REJECTED_EVALUATION,      /* the engine refused it (instances or mesh of a level) */
    LN_REJECTION_REASON_COUNT
} ln_rejection_reason;

const char *ln_rejection_reason_name(ln_rejection_reason reason);

/* Rejections by reason, storage level (index + 1; 0 for the compute level or
 * the whole mapping) and tensor (index + 1; 0 for none). One example of the
 * amounts per reason and level: the first candidate rejected there. */
typedef struct ln_rejection_tally {
    uint64_t count[LN_REJECTION_REASON_COUNT][LN_MAX_STORAGE_LEVELS + 1][LN_MAX_TENSORS + 1];
    uint64_t required[LN_REJECTION_REASON_COUNT][LN_MAX_STORAGE_LEVELS + 1];
    uint64_t available[LN_REJECTION_REASON_COUNT][LN_MAX_STORAGE_LEVELS + 1];
} ln_rejection_tally;

typedef struct ln_search_statistics {
    uint64_t visited;          /* candidate mappings considered */
    uint64_t evaluated;        /* candidates that passed the cheap checks and ran the full model */
    uint64_t valid;            /* candidates the model accepted */
    uint64_t rejected;         /* visited - valid */
    uint64_t factorizations;   /* factorizations (tile shapes) entered */
    uint64_t factorizations_rejected; /* rejected whole: their fan-out or loop count can never fit */
    uint64_t refinement_visited;   /* neighbours the refinement tried */
    uint64_t refinement_evaluated; /* of which passed the cheap checks */
    uint64_t refinement_steps;     /* improving steps it took */
    uint64_t refinement_kicks;     /* random restarts from its best */
    ln_rejection_tally rejections;
} ln_search_statistics;

/* Why the search stopped. */
typedef enum ln_search_stop {
    LN_SEARCH_STOP_EXHAUSTED,   /* the algorithm went through its whole space */
    LN_SEARCH_STOP_SEARCH_SIZE, /* search_size valid mappings */
    LN_SEARCH_STOP_VICTORY,     /* victory_condition valid mappings without improvement */
    LN_SEARCH_STOP_TIMEOUT,     /* timeout invalid mappings in a row */
    LN_SEARCH_STOP_TIME_LIMIT,  /* --time-limit */
    LN_SEARCH_STOP_INTERRUPTED, /* SIGINT or SIGTERM */
    LN_SEARCH_STOP_VISIT_LIMIT, /* visit_limit candidates */
    LN_SEARCH_STOP_COUNT
} ln_search_stop;

const char *ln_search_stop_name(ln_search_stop stop);

enum { LN_MAX_METRICS = 8 };

/* The optimal search's rules for leaving candidates out, each argued in
 * docs/mapper.md. */
typedef enum ln_pruning_rule {
    LN_PRUNE_EQUIVALENT,        /* orders and splits that differ only in unit loops */
    LN_PRUNE_SAME_REUSE,        /* orders every tensor reuses alike (the same accesses) */
    LN_PRUNE_INFEASIBLE,        /* factorizations no order, split or keep choice can fit */
    LN_PRUNE_FANOUT,            /* a fan-out's spatial factors exceed it (a subtree) */
    LN_PRUNE_CAPACITY,          /* inner tiles overflow a level with what it must keep (a subtree) */
    LN_PRUNE_CONSTRUCTION,      /* a candidate's loops do not fit a fan-out along an axis */
    LN_PRUNE_CHECK,             /* a candidate's tiles do not fit, or a tensor is kept nowhere */
    LN_PRUNE_CHECK_ALL_ORDERS,  /* every keep/bypass choice overflows: so do the other orders */
    /* Lower bounds on the metrics no better than the best (or, for the
     * Pareto front, dominated by a point of it): */
    LN_PRUNE_BOUND,             /* compute cycles and compulsory traffic (a subtree) */
    LN_PRUNE_INNER_BOUND,       /* the inner levels' least energy (a subtree) */
    LN_PRUNE_TENSOR_BOUND,      /* each tensor's least energy over every order (a factorization) */
    LN_PRUNE_CANDIDATE_BOUND,   /* tensors' energies known from a candidate with the same reuse */
    LN_PRUNING_RULE_COUNT
} ln_pruning_rule;

const char *ln_pruning_rule_name(ln_pruning_rule rule);

typedef struct ln_pruning_count {
    uint64_t events;          /* times the rule fired */
    ln_count factorizations;  /* whole factorizations it removed */
    ln_count candidates;      /* candidates it removed (distinct mappings, or Timeloop's
                                 equivalent ones for LN_PRUNE_EQUIVALENT) */
} ln_pruning_count;

/* What the optimal search covered: with `optimal` true, every mapping of
 * the mapspace was evaluated or removed by one of the rules. */
typedef struct ln_search_certificate {
    bool present;
    bool optimal;
    ln_pruning_count pruned[LN_PRUNING_RULE_COUNT];
    ln_count factorizations_walked; /* whose candidates were walked; each rule counts the ones it removed */
    bool has_lower_bound;
    double lower_bound;       /* on the first metric, over what was not covered */
} ln_search_certificate;

/* A point of the (energy, cycles) Pareto front. */
typedef struct ln_pareto_point {
    double energy;  /* pJ */
    uint64_t cycles;
    ln_mapping mapping;
} ln_pareto_point;

/* The best mapping improved. */
typedef struct ln_search_improvement {
    double seconds;
    uint64_t visited;        /* over all threads, when it happened */
    uint32_t thread;
    double metrics[LN_MAX_METRICS];
} ln_search_improvement;

typedef struct ln_search_settings {
    const char *algorithm;   /* Timeloop's spelling: "linear_pruned", ... */
    uint32_t metric_count;
    ln_metric metrics[LN_MAX_METRICS];
    uint32_t threads;
    uint64_t seed;
    uint64_t search_size;    /* per thread; 0 disables */
    uint64_t timeout;        /* consecutive invalid; 0 disables */
    uint64_t victory_condition; /* consecutive valid without improvement; 0 disables */
    uint64_t max_permutations_per_if_visit;
    uint64_t sync_interval;  /* 0: threads share their best only at the end */
    int64_t max_temporal_loops; /* -1: unlimited */
    bool filter_revisits;
    bool penalize_consecutive_bypass_fails;
    bool refine;             /* local search from each thread's best (loopnest's addition) */
    bool pareto;             /* optimal search: every mapping of the (energy, cycles) front */
    bool cold_start;         /* optimal search without the heuristic's first bound (tests the bounds alone) */
    double time_limit;       /* seconds; 0 disables */
    uint64_t visit_limit;    /* candidates per thread; 0 disables (the optimal search's first pass) */
} ln_search_settings;

typedef struct ln_search_result {
    ln_search_settings settings;
    ln_count subspace_sizes[LN_SUBSPACE_COUNT]; /* Timeloop's sizes */
    ln_count size;           /* their product */
    ln_search_statistics statistics;
    uint64_t stops[LN_SEARCH_STOP_COUNT]; /* threads that stopped for each reason */
    ln_search_stop stop;     /* the reason the search as a whole stopped */
    double seconds;
    bool found;
    ln_mapping best;
    double best_metrics[LN_MAX_METRICS];
    uint32_t improvement_count;
    ln_search_improvement *improvements; /* malloc'ed; ln_search_result_release frees it */
    ln_search_certificate certificate;
    uint32_t pareto_count;   /* by cycles, then energy */
    ln_pareto_point *pareto; /* malloc'ed */
} ln_search_result;

void ln_search_result_release(ln_search_result *result);

#endif
