/* What the search algorithms share: entering a factorization of the
 * worker's share, the random generator, the visited set, and Timeloop's
 * linear walk over one factorization's candidates. */
#include "runtime/search.h"

#include <stdlib.h>
#include <string.h>

const ln_search_algorithm *ln_search_algorithm_named(const char *name)
{
    static const ln_search_algorithm *const algorithms[] = {
        &ln_search_exhaustive, &ln_search_linear_pruned, &ln_search_random,
        &ln_search_random_pruned, &ln_search_hybrid,
    };
    char canonical[64];
    size_t length = 0;
    for (; name[length] && length + 1 < sizeof canonical; length++)
        canonical[length] = name[length] == '-' ? '_' : name[length];
    canonical[length] = '\0';
    for (size_t i = 0; i < sizeof algorithms / sizeof *algorithms; i++)
        if (strcmp(canonical, algorithms[i]->name) == 0)
            return algorithms[i];
    return NULL;
}

void ln_search_enter(ln_search_state *state, ln_count local)
{
    state->position.factorization = local;
    state->factorizations_entered++;
    ln_mapspace_enter(state->mapspace, local * state->shares + state->share, state->tiling);
}

static uint64_t rotate_left(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next_random(ln_search_state *state)
{
    uint64_t *s = state->random;
    uint64_t result = rotate_left(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotate_left(s[3], 45);
    return result;
}

ln_count ln_search_random_below(ln_search_state *state, ln_count bound)
{
    if (bound <= 1)
        return 0;
    if (bound <= UINT64_MAX) {
        /* Rejection keeps it exactly uniform. */
        uint64_t limit = (uint64_t)bound;
        uint64_t threshold = (0 - limit) % limit;
        for (;;) {
            uint64_t value = next_random(state);
            if (value >= threshold)
                return value % limit;
        }
    }
    ln_count threshold = (0 - bound) % bound;
    for (;;) {
        ln_count value = ((ln_count)next_random(state) << 64) | next_random(state);
        if (value >= threshold)
            return value % bound;
    }
}

static uint64_t hash_key(ln_count key)
{
    uint64_t x = (uint64_t)key ^ ((uint64_t)(key >> 64) * 0x9e3779b97f4a7c15ull);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

bool ln_visited_set_insert(ln_visited_set *set, ln_count key)
{
    if (2 * (set->count + 1) > set->capacity) {
        uint64_t capacity = set->capacity ? 2 * set->capacity : 1024;
        ln_count *keys = calloc(capacity, sizeof *keys);
        uint8_t *used = calloc(capacity, 1);
        if (!keys || !used) {
            free(keys);
            free(used);
            return true; /* cannot remember: treat it as new */
        }
        for (uint64_t i = 0; i < set->capacity; i++) {
            if (!set->used[i])
                continue;
            uint64_t slot = hash_key(set->keys[i]) & (capacity - 1);
            while (used[slot])
                slot = (slot + 1) & (capacity - 1);
            used[slot] = 1;
            keys[slot] = set->keys[i];
        }
        free(set->keys);
        free(set->used);
        set->keys = keys;
        set->used = used;
        set->capacity = capacity;
    }
    uint64_t slot = hash_key(key) & (set->capacity - 1);
    while (set->used[slot]) {
        if (set->keys[slot] == key)
            return false;
        slot = (slot + 1) & (set->capacity - 1);
    }
    set->used[slot] = 1;
    set->keys[slot] = key;
    set->count++;
    return true;
}

void ln_visited_set_release(ln_visited_set *set)
{
    free(set->keys);
    free(set->used);
    memset(set, 0, sizeof *set);
}

bool ln_search_advance_within(ln_search_state *state)
{
    ln_search_position *position = &state->position;
    if (position->bypass + 1 < state->bypass_choices) {
        position->bypass++;
        return true;
    }
    position->bypass = 0;
    if (position->split + 1 < state->tiling->splits) {
        position->split++;
        return true;
    }
    position->split = 0;
    if (position->permutation + 1 < state->tiling->permutations) {
        position->permutation++;
        return true;
    }
    position->permutation = 0;
    return false;
}

bool ln_search_next_position(ln_search_state *state, ln_search_position *position)
{
    if (state->done)
        return false;
    *position = state->position;
    return true;
}

void ln_search_after_report(ln_search_state *state, ln_search_outcome outcome, ln_search_skip skip)
{
    ln_search_position *position = &state->position;
    if (outcome == LN_SEARCH_VALID)
        state->valid++;
    if (outcome == LN_SEARCH_FACTORIZATION_INFEASIBLE) {
        position->bypass = state->bypass_choices - 1;
        position->split = state->tiling->splits - 1;
        position->permutation = state->tiling->permutations - 1;
        state->check_failures = 0;
        return;
    }
    bool counted = outcome == LN_SEARCH_CHECK_FAILED ||
                   (skip == LN_SKIP_ON_ANY_FAILURE && outcome == LN_SEARCH_EVALUATION_FAILED);
    if (counted)
        state->check_failures++;
    bool last = position->bypass + 1 == state->bypass_choices;
    if (last) {
        if (state->check_failures == state->bypass_choices) {
            position->split = state->tiling->splits - 1;
            position->permutation = state->tiling->permutations - 1;
        }
        state->check_failures = 0;
    }
    if (outcome == LN_SEARCH_CONSTRUCTION_FAILED) {
        position->bypass = state->bypass_choices - 1;
        if (skip == LN_SKIP_ON_CHECK_FAILURES)
            state->check_failures = 0;
    }
}

void ln_search_start_in_order(ln_search_state *state)
{
    state->done = state->factorizations == 0;
    state->check_failures = 0;
    if (!state->done)
        ln_search_enter(state, 0);
}

void ln_search_report_in_order(ln_search_state *state, ln_search_outcome outcome, ln_search_skip skip)
{
    ln_search_after_report(state, outcome, skip);
    if (ln_search_advance_within(state))
        return;
    if (state->position.factorization + 1 < state->factorizations)
        ln_search_enter(state, state->position.factorization + 1);
    else
        state->done = true;
}
