/* Timeloop's random search (search/random.cpp): a random factorization,
 * order and split (each drawn among the distinct ones), then every
 * keep/bypass choice of it in turn; with filter_revisits each drawn
 * (factorization, order, split) is visited once. */
#include "runtime/search.h"

static bool random_roll(ln_search_state *state)
{
    for (int attempt = 0;; attempt++) {
        ln_search_enter(state, ln_search_random_below(state, state->factorizations));
        state->position.permutation = ln_search_random_below(state, state->tiling->permutations);
        state->position.split = ln_search_random_below(state, state->tiling->splits);
        state->position.bypass = 0;
        if (!state->filter_revisits)
            return true;
        /* One key per (factorization, order, split); collisions only cost a
         * revisit. */
        ln_count key = state->position.factorization * 0x9e3779b97f4a7c15ull ^
                       (state->position.permutation << 40) ^ (state->position.split << 20);
        if (ln_visited_set_insert(&state->visited, key))
            return true;
        if (attempt > 1000000)
            return false;
    }
}

static void random_start(ln_search_state *state)
{
    state->done = state->factorizations == 0;
    state->bypass_covered = state->bypass_choices;
}

static bool random_next(ln_search_state *state, ln_search_position *position)
{
    if (state->done)
        return false;
    if (state->bypass_covered >= state->bypass_choices) {
        if (!random_roll(state)) {
            state->done = true;
            return false;
        }
        state->bypass_covered = 1;
    } else {
        state->position.bypass = state->bypass_covered % state->bypass_choices;
        state->bypass_covered++;
    }
    *position = state->position;
    return true;
}

static void random_report(ln_search_state *state, ln_search_outcome outcome)
{
    if (outcome == LN_SEARCH_VALID)
        state->valid++;
    /* Nothing to try in this factorization: roll again. Timeloop goes on
     * through the keep/bypass choices, which fail the same way. */
    if (outcome == LN_SEARCH_FACTORIZATION_INFEASIBLE || outcome == LN_SEARCH_CONSTRUCTION_FAILED)
        state->bypass_covered = state->bypass_choices;
    if ((ln_count)state->valid >= state->mapspace_size)
        state->done = true;
}

const ln_search_algorithm ln_search_random = {"random", random_start, random_next, random_report};
