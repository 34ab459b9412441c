/* The refinement: a local search from the best mapping an algorithm found,
 * run by each thread after its algorithm stops (loopnest's addition to
 * Timeloop's searches; `--no-refine` turns it off).
 *
 * A neighbour differs from the current mapping by one move that keeps every
 * constraint: a prime factor of a dimension moved from one tiling level to
 * another; two prime factors exchanged between two levels (one step where
 * two single moves would pass through a mapping that does not fit, such as
 * trading a factor of 2 for a factor of 3 on a full fan-out); two free
 * loops of a level swapped; a split moved by one loop; one free keep/bypass
 * choice flipped. Each step takes the best neighbour that is better under
 * the metrics (Timeloop's comparison); it stops when none is, so the result
 * is never worse than where it started. Neighbours are tried in a fixed
 * order, so the outcome does not depend on timing. */
#include <string.h>

#include "runtime/mapper.h"
#include "runtime/mapspace_internal.h"
#include "runtime/search.h"

enum { MAX_PRIME_INSTANCES = 512 };

/* A divisor of one dimension's factor at one tiling level (a part that can
 * move elsewhere). */
typedef struct prime_instance {
    uint8_t level;
    uint8_t dimension;
    uint32_t prime;
} prime_instance;

typedef struct refinement {
    const ln_mapspace *mapspace;
    const ln_engine *engine;
    const ln_search_settings *settings;
    ln_refinement_control *control;
    void *scratch;
    ln_evaluation *evaluation;
    ln_search_statistics *statistics;

    ln_mapspace_point current;
    double current_metrics[LN_MAX_METRICS];

    bool have_best;
    ln_mapspace_point best;
    double best_metrics[LN_MAX_METRICS];

    uint64_t random;  /* splitmix64 state of the kicks */

    ln_tiling tiling; /* of the neighbour being tried */
    ln_mapspace_point neighbour;
    ln_mapping mapping;
    bool stopped;
} refinement;

static bool factor_free(const ln_mapspace *mapspace, uint32_t level, uint32_t dimension)
{
    return mapspace->dimensions[dimension].fixed[level] == 0;
}

/* Orders and splits of `neighbour` (whose factors are set) follow the
 * current point: the free loops keep their relative order, a split keeps
 * its number of loops on X. */
static void arrange_like_current(refinement *search)
{
    const ln_mapspace *mapspace = search->mapspace;
    uint32_t dimensions = mapspace->problem->dimension_count;
    ln_tiling *tiling = &search->tiling;
    memcpy(tiling->factors, search->neighbour.factors, sizeof tiling->factors);
    ln_mapspace_arrange(mapspace, tiling);
    for (uint32_t t = 0; t < mapspace->tiling_level_count; t++) {
        uint8_t *order = search->neighbour.order[t];
        memcpy(order, tiling->order[t], dimensions);
        uint32_t begin = tiling->order_begin[t], length = tiling->order_length[t];
        uint8_t position[LN_MAX_DIMENSIONS];
        for (uint32_t i = 0; i < dimensions; i++)
            position[search->current.order[t][i]] = (uint8_t)i;
        /* Insertion sort of the free part by where each loop stood. */
        for (uint32_t i = begin + 1; i < begin + length; i++) {
            uint8_t moving = order[i];
            uint32_t j = i;
            while (j > begin && position[order[j - 1]] > position[moving]) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = moving;
        }
        uint32_t choices = tiling->split_choices[t];
        if (choices > 1) {
            uint32_t old_units = 0;
            for (uint32_t d = 0; d < dimensions; d++)
                old_units += search->current.factors[t][d] == 1;
            uint32_t on_x = search->current.split[t] > old_units ? search->current.split[t] - old_units : 0;
            search->neighbour.split[t] = (uint8_t)(tiling->split_base[t] + (on_x < choices ? on_x : choices - 1));
        } else {
            search->neighbour.split[t] = tiling->split_base[t];
        }
    }
}

/* Evaluates the neighbour; keeps it when it is the best improvement so far. */
static void try_neighbour(refinement *search)
{
    ln_refinement_control *control = search->control;
    if (search->stopped || (control->stop && atomic_load_explicit(control->stop, memory_order_relaxed))) {
        search->stopped = true;
        return;
    }
    const ln_search_settings *settings = search->settings;
    ln_search_statistics *statistics = search->statistics;
    if (search->tiling.infeasible != LN_REJECTION_REASON_COUNT)
        return;
    statistics->refinement_visited++;
    ln_candidate_rejection rejection;
    if (ln_mapspace_check(search->mapspace, &search->tiling, &search->neighbour, &rejection) != LN_CANDIDATE_OK)
        return;
    ln_mapspace_write_mapping(search->mapspace, &search->neighbour, &search->mapping);
    statistics->refinement_evaluated++;
    if (ln_engine_evaluate(search->engine, &search->mapping, search->scratch, search->evaluation) !=
        LN_EVALUATION_OK)
        return;
    double metrics[LN_MAX_METRICS];
    for (uint32_t m = 0; m < settings->metric_count; m++)
        metrics[m] = ln_mapper_metric(search->evaluation, settings->metrics[m]);
    if (!ln_mapper_is_better(metrics, search->current_metrics, settings->metric_count))
        return;
    if (search->have_best && !ln_mapper_is_better(metrics, search->best_metrics, settings->metric_count))
        return;
    search->have_best = true;
    search->best = search->neighbour;
    memcpy(search->best_metrics, metrics, sizeof metrics);
}

static uint32_t prime_instances(const refinement *search, prime_instance *instances)
{
    const ln_mapspace *mapspace = search->mapspace;
    uint32_t count = 0;
    for (uint32_t t = 0; t < mapspace->tiling_level_count; t++)
        for (uint32_t d = 0; d < mapspace->problem->dimension_count; d++) {
            if (!factor_free(mapspace, t, d))
                continue;
            /* Every divisor, not only the primes: moving a whole factor of
             * 4 at once is one move. */
            uint32_t factor = search->current.factors[t][d];
            for (uint32_t p = 2; p <= factor && count < MAX_PRIME_INSTANCES; p++) {
                if (factor % p)
                    continue;
                instances[count].level = (uint8_t)t;
                instances[count].dimension = (uint8_t)d;
                instances[count].prime = p;
                count++;
            }
        }
    return count;
}

/* Multiplies factor (t, d) of the neighbour by `up` / `down` within its
 * bounds. */
static bool scale_factor(refinement *search, uint32_t t, uint32_t d, uint32_t up, uint32_t down)
{
    const dimension_space *space = &search->mapspace->dimensions[d];
    uint64_t value = (uint64_t)search->neighbour.factors[t][d] * up / down;
    if (value < space->minimum[t] || value > space->maximum[t])
        return false;
    search->neighbour.factors[t][d] = (uint32_t)value;
    return true;
}

/* After a factor move: every split of the fan-outs whose loops changed
 * (a loop that appears on a fan-out may belong on either axis). */
static void try_with_splits(refinement *search)
{
    const ln_mapspace *mapspace = search->mapspace;
    uint32_t dimensions = mapspace->problem->dimension_count;
    uint32_t changed[2], changed_count = 0;
    for (uint32_t t = 0; t < mapspace->tiling_level_count && changed_count < 2; t++) {
        if (search->tiling.split_choices[t] < 2)
            continue;
        for (uint32_t d = 0; d < dimensions; d++)
            if ((search->current.factors[t][d] == 1) != (search->neighbour.factors[t][d] == 1)) {
                changed[changed_count++] = t;
                break;
            }
    }
    if (!changed_count) {
        try_neighbour(search);
        return;
    }
    uint32_t first = changed[0], second = changed_count > 1 ? changed[1] : changed[0];
    uint32_t first_choices = search->tiling.split_choices[first];
    uint32_t second_choices = changed_count > 1 ? search->tiling.split_choices[second] : 1;
    for (uint32_t i = 0; i < first_choices; i++)
        for (uint32_t j = 0; j < second_choices; j++) {
            search->neighbour.split[first] = (uint8_t)(search->tiling.split_base[first] + i);
            if (changed_count > 1)
                search->neighbour.split[second] = (uint8_t)(search->tiling.split_base[second] + j);
            try_neighbour(search);
        }
}

static void factor_moves(refinement *search)
{
    const ln_mapspace *mapspace = search->mapspace;
    prime_instance instances[MAX_PRIME_INSTANCES];
    uint32_t count = prime_instances(search, instances);
    /* One prime to another level. */
    for (uint32_t i = 0; i < count && !search->stopped; i++) {
        const prime_instance *from = &instances[i];
        for (uint32_t t = 0; t < mapspace->tiling_level_count; t++) {
            if (t == from->level || !factor_free(mapspace, t, from->dimension))
                continue;
            search->neighbour = search->current;
            if (!scale_factor(search, from->level, from->dimension, 1, from->prime) ||
                !scale_factor(search, t, from->dimension, from->prime, 1))
                continue;
            arrange_like_current(search);
            try_with_splits(search);
        }
    }
    /* Two primes exchanged between their levels. */
    for (uint32_t i = 0; i < count && !search->stopped; i++)
        for (uint32_t j = i + 1; j < count; j++) {
            const prime_instance *a = &instances[i], *b = &instances[j];
            if (a->level == b->level || (a->dimension == b->dimension && a->prime == b->prime))
                continue;
            if (!factor_free(mapspace, b->level, a->dimension) || !factor_free(mapspace, a->level, b->dimension))
                continue;
            search->neighbour = search->current;
            if (!scale_factor(search, a->level, a->dimension, 1, a->prime) ||
                !scale_factor(search, b->level, a->dimension, a->prime, 1) ||
                !scale_factor(search, b->level, b->dimension, 1, b->prime) ||
                !scale_factor(search, a->level, b->dimension, b->prime, 1))
                continue;
            arrange_like_current(search);
            try_with_splits(search);
        }
}

static void order_split_and_bypass_moves(refinement *search)
{
    const ln_mapspace *mapspace = search->mapspace;
    /* The current factors: the base arrangement tells which loops are free. */
    search->neighbour = search->current;
    arrange_like_current(search);
    ln_tiling base = search->tiling;
    for (uint32_t t = 0; t < mapspace->tiling_level_count && !search->stopped; t++) {
        uint32_t begin = base.order_begin[t], length = base.order_length[t];
        for (uint32_t i = begin; i < begin + length; i++)
            for (uint32_t j = i + 1; j < begin + length; j++) {
                search->neighbour = search->current;
                uint8_t swapped = search->neighbour.order[t][i];
                search->neighbour.order[t][i] = search->neighbour.order[t][j];
                search->neighbour.order[t][j] = swapped;
                try_neighbour(search);
            }
        uint32_t lowest = base.split_base[t], highest = base.split_base[t] + base.split_choices[t] - 1;
        if (base.split_choices[t] > 1) {
            if (search->current.split[t] > lowest) {
                search->neighbour = search->current;
                search->neighbour.split[t]--;
                try_neighbour(search);
            }
            if (search->current.split[t] < highest) {
                search->neighbour = search->current;
                search->neighbour.split[t]++;
                try_neighbour(search);
            }
        }
    }
    for (uint32_t k = 0; k < mapspace->free_bypass_count && !search->stopped; k++) {
        search->neighbour = search->current;
        search->neighbour.keep[mapspace->free_bypass_level[k]] ^=
            (ln_tensor_mask)(1u << mapspace->free_bypass_tensor[k]);
        try_neighbour(search);
    }
}

static uint64_t next_random(refinement *search)
{
    uint64_t z = (search->random += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint32_t random_below(refinement *search, uint32_t bound)
{
    return bound ? (uint32_t)(next_random(search) % bound) : 0;
}

/* Steepest descent from search->current; true when it moved. */
static bool descend(refinement *search, ln_search_statistics *statistics)
{
    bool moved = false;
    for (uint32_t step = 0; step < 100000 && !search->stopped; step++) {
        search->have_best = false;
        factor_moves(search);
        order_split_and_bypass_moves(search);
        if (!search->have_best || search->stopped)
            break;
        search->current = search->best;
        memcpy(search->current_metrics, search->best_metrics, sizeof search->current_metrics);
        statistics->refinement_steps++;
        moved = true;
    }
    return moved;
}

/* One random move of the current point's factors (a prime to another
 * level), then the orders rearranged; false when the draw led nowhere. */
static bool random_factor_move(refinement *search)
{
    const ln_mapspace *mapspace = search->mapspace;
    prime_instance instances[MAX_PRIME_INSTANCES];
    uint32_t count = prime_instances(search, instances);
    if (!count)
        return false;
    const prime_instance *from = &instances[random_below(search, count)];
    uint32_t target = random_below(search, mapspace->tiling_level_count);
    if (target == from->level || !factor_free(mapspace, target, from->dimension))
        return false;
    search->neighbour = search->current;
    if (!scale_factor(search, from->level, from->dimension, 1, from->prime) ||
        !scale_factor(search, target, from->dimension, from->prime, 1))
        return false;
    arrange_like_current(search);
    search->current = search->neighbour;
    return true;
}

/* A kick: a few random factor moves and a random order at every level,
 * retried until the result is a valid mapping. */
static bool kick(refinement *search, const ln_mapspace_point *from)
{
    const ln_mapspace *mapspace = search->mapspace;
    const ln_search_settings *settings = search->settings;
    for (uint32_t attempt = 0; attempt < 200 && !search->stopped; attempt++) {
        search->current = *from;
        uint32_t moves = 2 + random_below(search, 3);
        for (uint32_t m = 0; m < moves; m++)
            random_factor_move(search);
        search->neighbour = search->current;
        arrange_like_current(search);
        for (uint32_t t = 0; t < mapspace->tiling_level_count; t++) {
            if (search->tiling.split_choices[t] > 1)
                search->neighbour.split[t] =
                    (uint8_t)(search->tiling.split_base[t] + random_below(search, search->tiling.split_choices[t]));
            uint32_t begin = search->tiling.order_begin[t], length = search->tiling.order_length[t];
            for (uint32_t i = length; i > 1; i--) {
                uint32_t j = random_below(search, i);
                uint8_t swapped = search->neighbour.order[t][begin + i - 1];
                search->neighbour.order[t][begin + i - 1] = search->neighbour.order[t][begin + j];
                search->neighbour.order[t][begin + j] = swapped;
            }
        }
        if (search->tiling.infeasible != LN_REJECTION_REASON_COUNT)
            continue;
        ln_candidate_rejection rejection;
        if (ln_mapspace_check(mapspace, &search->tiling, &search->neighbour, &rejection) != LN_CANDIDATE_OK)
            continue;
        ln_mapspace_write_mapping(mapspace, &search->neighbour, &search->mapping);
        search->statistics->refinement_evaluated++;
        if (ln_engine_evaluate(search->engine, &search->mapping, search->scratch, search->evaluation) !=
            LN_EVALUATION_OK)
            continue;
        search->current = search->neighbour;
        for (uint32_t m = 0; m < settings->metric_count; m++)
            search->current_metrics[m] = ln_mapper_metric(search->evaluation, settings->metrics[m]);
        return true;
    }
    return false;
}

bool ln_search_refine(const ln_engine *engine, const ln_mapspace *mapspace, const ln_search_settings *settings,
                      ln_refinement_control *control, ln_mapspace_point *point, double *metrics, ln_mapping *mapping,
                      ln_search_statistics *statistics)
{
    refinement *search = control->workspace;
    memset(search, 0, sizeof *search);
    search->mapspace = mapspace;
    search->engine = engine;
    search->settings = settings;
    search->control = control;
    search->scratch = control->scratch;
    search->evaluation = control->evaluation;
    search->statistics = statistics;
    search->random = control->seed;
    search->current = *point;
    memcpy(search->current_metrics, metrics, sizeof search->current_metrics);
    bool improved = descend(search, statistics);
    /* The best so far is in *point and metrics from here on. */
    if (improved) {
        *point = search->current;
        memcpy(metrics, search->current_metrics, sizeof search->current_metrics);
        if (control->improved)
            control->improved(control, point, metrics);
    }
    /* Iterated local search: kick the best, descend, keep what is better. */
    for (uint32_t fruitless = 0; fruitless < control->kicks && !search->stopped;) {
        if (!kick(search, point))
            break;
        statistics->refinement_kicks++;
        descend(search, statistics);
        if (!search->stopped &&
            ln_mapper_is_better(search->current_metrics, metrics, settings->metric_count)) {
            *point = search->current;
            memcpy(metrics, search->current_metrics, sizeof search->current_metrics);
            improved = true;
            fruitless = 0;
            if (control->improved)
                control->improved(control, point, metrics);
        } else {
            fruitless++;
        }
    }
    if (improved)
        ln_mapspace_write_mapping(mapspace, point, mapping);
    return improved;
}

size_t ln_search_refinement_workspace_size(void)
{
    return sizeof(refinement);
}
