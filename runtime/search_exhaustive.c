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

static bool exhaustive_next(ln_search_state *state, ln_search_position *position)
{
    if (state->done)
        return false;
    *position = state->position;
    return true;
}

static void exhaustive_report(ln_search_state *state, ln_search_outcome outcome)
{
    ln_search_position *position = &state->position;
    if (outcome == LN_SEARCH_VALID)
        state->valid++;
    if (outcome == LN_SEARCH_FACTORIZATION_INFEASIBLE) {
        position->bypass = state->bypass_choices - 1;
        position->split = state->tiling->splits - 1;
        position->permutation = state->tiling->permutations - 1;
    } else if (outcome == LN_SEARCH_CONSTRUCTION_FAILED) {
        position->bypass = state->bypass_choices - 1;
    } else {
        if (outcome == LN_SEARCH_CHECK_FAILED)
            state->check_failures++;
        if (position->bypass + 1 == state->bypass_choices &&
            state->check_failures == state->bypass_choices) {
            position->split = state->tiling->splits - 1;
            position->permutation = state->tiling->permutations - 1;
        }
    }
    if (position->bypass + 1 == state->bypass_choices)
        state->check_failures = 0;
    if (ln_search_advance_within(state))
        return;
    if (position->factorization + 1 < state->factorizations)
        ln_search_enter(state, position->factorization + 1);
    else
        state->done = true;
}

const ln_search_algorithm ln_search_exhaustive = {"exhaustive", exhaustive_start, exhaustive_next, exhaustive_report};
