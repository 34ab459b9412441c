#include "ir/search_result.h"

#include <stdlib.h>

const char *ln_subspace_name(ln_subspace subspace)
{
    switch (subspace) {
    case LN_SUBSPACE_FACTORIZATION:
        return "index_factorization";
    case LN_SUBSPACE_PERMUTATION:
        return "loop_permutation";
    case LN_SUBSPACE_SPATIAL_SPLIT:
        return "spatial_split";
    case LN_SUBSPACE_BYPASS:
        return "datatype_bypass";
    case LN_SUBSPACE_COUNT:
        break;
    }
    return "unknown";
}

const char *ln_rejection_reason_name(ln_rejection_reason reason)
{
    switch (reason) {
    case LN_REJECTED_FANOUT:
        return "fanout";
    case LN_REJECTED_PARALLELISM:
        return "parallelism";
    case LN_REJECTED_TEMPORAL_LOOPS:
        return "temporal_loops";
    case LN_REJECTED_BYPASS:
        return "bypass";
    case LN_REJECTED_CAPACITY:
        return "capacity";
    case LN_REJECTED_MIN_UTILIZATION:
        return "min_utilization";
    case LN_REJECTED_EVALUATION:
        return "evaluation";
    case LN_REJECTION_REASON_COUNT:
        break;
    }
    return "unknown";
}

const char *ln_search_stop_name(ln_search_stop stop)
{
    switch (stop) {
    case LN_SEARCH_STOP_EXHAUSTED:
        return "exhausted";
    case LN_SEARCH_STOP_SEARCH_SIZE:
        return "search_size";
    case LN_SEARCH_STOP_VICTORY:
        return "victory_condition";
    case LN_SEARCH_STOP_TIMEOUT:
        return "timeout";
    case LN_SEARCH_STOP_TIME_LIMIT:
        return "time_limit";
    case LN_SEARCH_STOP_INTERRUPTED:
        return "interrupted";
    case LN_SEARCH_STOP_VISIT_LIMIT:
        return "visit_limit";
    case LN_SEARCH_STOP_COUNT:
        break;
    }
    return "unknown";
}

const char *ln_pruning_rule_name(ln_pruning_rule rule)
{
    switch (rule) {
    case LN_PRUNE_EQUIVALENT:
        return "equivalent_orders";
    case LN_PRUNE_SAME_REUSE:
        return "same_reuse_orders";
    case LN_PRUNE_INFEASIBLE:
        return "infeasible_factorization";
    case LN_PRUNE_FANOUT:
        return "fanout";
    case LN_PRUNE_CAPACITY:
        return "capacity";
    case LN_PRUNE_CONSTRUCTION:
        return "construction";
    case LN_PRUNE_CHECK:
        return "capacity_check";
    case LN_PRUNE_CHECK_ALL_ORDERS:
        return "capacity_check_all_orders";
    case LN_PRUNE_BOUND:
        return "lower_bound";
    case LN_PRUNE_INNER_BOUND:
        return "inner_levels_bound";
    case LN_PRUNE_TENSOR_BOUND:
        return "tensor_orders_bound";
    case LN_PRUNE_CANDIDATE_BOUND:
        return "candidate_bound";
    case LN_PRUNING_RULE_COUNT:
        break;
    }
    return "unknown";
}

void ln_search_result_release(ln_search_result *result)
{
    free(result->improvements);
    result->improvements = NULL;
    result->improvement_count = 0;
    free(result->pareto);
    result->pareto = NULL;
    result->pareto_count = 0;
}
