/* Timeloop's random_pruned search (search/random-pruned.cpp): a random
 * factorization, up to max_permutations_per_if_visit random orders of it
 * (drawn among its distinct orders), and for each every split and
 * keep/bypass choice. */
#include "runtime/search.h"

static void random_pruned_enter(ln_search_state *state)
{
    ln_search_enter(state, ln_search_random_below(state, state->factorizations));
    ln_count orders = state->tiling->permutations;
    state->permutations_to_visit =
        state->max_permutations_per_visit < orders ? state->max_permutations_per_visit : orders;
    if (state->permutations_to_visit == 0)
        state->permutations_to_visit = 1;
    state->permutations_visited = 0;
    state->position.permutation = ln_search_random_below(state, orders);
    state->position.split = 0;
    state->position.bypass = 0;
}

static void random_pruned_start(ln_search_state *state)
{
    state->done = state->factorizations == 0;
    if (!state->done)
        random_pruned_enter(state);
}

static void random_pruned_report(ln_search_state *state, ln_search_outcome outcome)
{
    ln_search_position *position = &state->position;
    if (outcome == LN_SEARCH_VALID)
        state->valid++;
    if (outcome == LN_SEARCH_FACTORIZATION_INFEASIBLE) {
        random_pruned_enter(state);
        return;
    }
    if (outcome == LN_SEARCH_CHECK_FAILED || outcome == LN_SEARCH_EVALUATION_FAILED)
        state->check_failures++;
    if (position->bypass + 1 == state->bypass_choices) {
        if (state->check_failures == state->bypass_choices) {
            position->split = state->tiling->splits - 1;
            state->permutations_visited = state->permutations_to_visit - 1;
        }
        state->check_failures = 0;
    }
    if (outcome == LN_SEARCH_CONSTRUCTION_FAILED)
        position->bypass = state->bypass_choices - 1;

    if (position->bypass + 1 < state->bypass_choices) {
        position->bypass++;
        return;
    }
    position->bypass = 0;
    if (position->split + 1 < state->tiling->splits) {
        position->split++;
        return;
    }
    position->split = 0;
    if (state->permutations_visited + 1 < state->permutations_to_visit) {
        position->permutation = ln_search_random_below(state, state->tiling->permutations);
        state->permutations_visited++;
        return;
    }
    random_pruned_enter(state);
}

const ln_search_algorithm ln_search_random_pruned = {"random_pruned", random_pruned_start, ln_search_next_position,
                                                     random_pruned_report};
