/* The exhaustive search: every distinct mapping of the worker's share, in
 * the order linear_pruned walks them, with no guess. The one skip is safe:
 * when every keep/bypass choice of an order failed the cheap check (tiles
 * that do not fit, which depends on the factors and keep/bypass alone),
 * every other order and split of the factorization fails it the same way. */
#include "runtime/search.h"

static void exhaustive_report(ln_search_state *state, ln_search_outcome outcome)
{
    ln_search_report_in_order(state, outcome, LN_SKIP_ON_CHECK_FAILURES);
}

const ln_search_algorithm ln_search_exhaustive = {"exhaustive", ln_search_start_in_order, ln_search_next_position,
                                                  exhaustive_report};
