/* The exhaustive search: every distinct mapping of the worker's share, in
 * the order linear_pruned walks them, with no guess. The one skip is safe:
 * when every keep/bypass choice of an order failed the cheap check (tiles
 * that do not fit, which depends on the factors and keep/bypass alone),
 * every other order and split of the factorization fails it the same way. */
#include "runtime/search.h"

static void exhaustive_start(ln_search_state *state)
{
    state->done = state->factorizations == 0;
    state->check_failures = 0;
    if (!state->done)
        ln_search_enter(state, 0);
}

static void exhaustive_report(ln_search_state *state, ln_search_outcome outcome)
{
    ln_search_after_report(state, outcome, LN_SKIP_ON_CHECK_FAILURES);
    if (ln_search_advance_within(state))
        return;
    if (state->position.factorization + 1 < state->factorizations)
        ln_search_enter(state, state->position.factorization + 1);
    else
        state->done = true;
}

const ln_search_algorithm ln_search_exhaustive = {"exhaustive", exhaustive_start, ln_search_next_position,
                                                  exhaustive_report};
