/* Timeloop's linear_pruned search (search/linear-pruned.cpp): every
 * factorization in order, and within it every distinct order, split and
 * keep/bypass choice, keep/bypass fastest. When every keep/bypass choice of
 * an order fails, the rest of the factorization is skipped: Timeloop's
 * guess that its tiles cannot fit whatever the order. */
#include "runtime/search.h"

static void linear_report(ln_search_state *state, ln_search_outcome outcome)
{
    ln_search_report_in_order(state, outcome, LN_SKIP_ON_ANY_FAILURE);
}

const ln_search_algorithm ln_search_linear_pruned = {"linear_pruned", ln_search_start_in_order,
                                                     ln_search_next_position, linear_report};
