/* Timeloop's hybrid search (search/hybrid.cpp): factorizations drawn at
 * random (each once with filter_revisits), each walked linearly like
 * linear_pruned. */
#include "runtime/search.h"

static bool hybrid_draw(ln_search_state *state)
{
    for (;;) {
        ln_count local = ln_search_random_below(state, state->factorizations);
        if (state->filter_revisits) {
            if ((ln_count)state->visited.count >= state->factorizations)
                return false;
            if (!ln_visited_set_insert(&state->visited, local))
                continue;
        }
        ln_search_enter(state, local);
        return true;
    }
}

static void hybrid_start(ln_search_state *state)
{
    state->done = state->factorizations == 0;
    if (!state->done) {
        /* Timeloop starts from factorization 0, then draws. */
        if (state->filter_revisits)
            ln_visited_set_insert(&state->visited, 0);
        ln_search_enter(state, 0);
    }
}

static void hybrid_report(ln_search_state *state, ln_search_outcome outcome)
{
    ln_search_after_report(state, outcome, LN_SKIP_ON_ANY_FAILURE);
    if (ln_search_advance_within(state))
        return;
    if (!hybrid_draw(state))
        state->done = true;
}

const ln_search_algorithm ln_search_hybrid = {"hybrid", hybrid_start, ln_search_next_position, hybrid_report};
