/* The optimal search: every mapping of the mapspace is evaluated or left
 * out by a rule that cannot remove a best one (docs/mapper.md argues each),
 * so the best found is the best there is, in the engine's exact model.
 *
 * A depth-first walk assigns the factors tiling level by tiling level: the
 * fan-outs first (they fix the compute cycles), then the temporal levels
 * from the innermost outward (each fixes the tiles of its storage level).
 * Every dimension's choices at a level are the divisors that still leave a
 * factorization of what remains (counted per dimension like the mapspace's
 * ids), so the walk never reaches a dead end. Subtrees are cut when a
 * fan-out's factors exceed it, when the tiles of a level overflow it with
 * the tensors a constraint makes it keep, and when a lower bound on the
 * metrics is no better than the best found (or, for the Pareto front,
 * dominated by a point of it). A complete factorization is walked like the
 * exhaustive search: every distinct order, split and keep/bypass choice.
 *
 * Threads take the walk's top subtrees in turn. The best is the least in
 * the metrics' order, ties going to the first in the walk's order (subtree,
 * then position), and bounds cut only what is strictly worse, so the answer
 * is the same for any thread count. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/divisors.h"
#include "runtime/mapper_internal.h"
#include "runtime/mapspace_internal.h"

enum {
    MAX_ITEM_SLOTS = 3,
    REFRESH_EVERY = 256,
    MEMO_SIZE = 1024,
    KEY_WORDS = 2 * LN_MAX_TILING_LEVELS + 2,
    MAX_CLASSED_ORDERS = 5040, /* 7!: a level with more free loops walks every order */
    CLASS_TABLE_SIZE = 16384,
};

/* An order class seen at a level: every tensor's loops inside its first
 * relevant one. */
typedef struct class_slot {
    uint32_t generation;
    uint64_t inside[2];
} class_slot;

/* A keyed tensor's energy under one key. */
typedef struct memo_entry {
    uint32_t generation;
    uint32_t length;
    uint32_t key[KEY_WORDS];
    double energy;
} memo_entry;

/* ------------------------------------------------------------------ */
/* Shared data                                                          */
/* ------------------------------------------------------------------ */

/* A dimension's factors in walk order: at slot j the factor f of what
 * remains (a divisor r) is allowed when ways[j + 1][r / f] > 0. */
typedef struct walk_dimension {
    uint32_t divisor_count;
    uint32_t *divisors;    /* of the bound, ascending */
    ln_count *ways;        /* [(slots + 1) * divisors] */
    uint32_t *choice_begin;
    uint32_t *choices;     /* divisor indices of the factor, in the slot's order */
} walk_dimension;

/* A top subtree: the factors of the first `depth` slots. */
typedef struct walk_item {
    uint32_t factors[MAX_ITEM_SLOTS][LN_MAX_DIMENSIONS];
    double lower_bound[LN_MAX_METRICS];
    bool done;
} walk_item;

typedef struct optimal_shared {
    const ln_mapspace *mapspace;
    ln_engine_costs costs;
    uint32_t dimensions, tensors, slot_count;
    uint8_t slot_level[LN_MAX_TILING_LEVELS]; /* tiling level of each walk slot */
    uint32_t top_tiling;                      /* the outermost level's temporal tiling level */
    walk_dimension walk[LN_MAX_DIMENSIONS];
    ln_arena arena;

    /* Bound ingredients. */
    double computes;
    uint64_t tensor_words[LN_MAX_TENSORS]; /* distinct elements (tensor_elements) */
    /* Each element read from (or written back to) the outermost level once;
     * 0 where that level is replicated or clustered. */
    double compulsory[LN_MAX_TENSORS];
    uint32_t relevant[LN_MAX_TENSORS];  /* dimensions in the tensor's projection */
    bool sliding[LN_MAX_TENSORS];       /* a rank sums several dimensions (p + r) */
    /* Its energy depends on the temporal orders only through which loops
     * stand inside its first relevant one at each level: not sliding, and
     * no flag changes how it reuses data. */
    bool keyed[LN_MAX_TENSORS];
    bool energy_matters;                /* a metric (or the front) involves energy */
    double area;
    bool area_known;

    /* Top subtrees. */
    uint32_t item_depth;
    uint64_t item_count;
    walk_item *items;
    atomic_uint_fast64_t next_item;

    /* The best of every thread, for the bounds (not for the answer). */
    pthread_mutex_t mutex;
    bool found;
    double best_metrics[LN_MAX_METRICS];

    /* The quick search's mapping: the answer when the walk is cut short
     * before it finds a better one. */
    bool seeded;
    double seed_metrics[LN_MAX_METRICS];
    ln_mapping seed;
} optimal_shared;

typedef struct pareto_entry {
    double energy;
    uint64_t cycles;
    uint64_t item, sequence;
    ln_mapping mapping;
} pareto_entry;

typedef struct optimal_worker {
    mapper_worker *worker;
    optimal_shared *shared;
    const ln_search_settings *settings;
    uint32_t metric_count;

    uint32_t factors[LN_MAX_TILING_LEVELS][LN_MAX_DIMENSIONS]; /* by walk slot */
    uint32_t remaining[LN_MAX_DIMENSIONS];                     /* divisor index */
    uint64_t item, sequence;
    uint64_t leaves;

    /* This thread's best, and the bound it prunes with. */
    bool found;
    double best_metrics[LN_MAX_METRICS];
    uint64_t best_item, best_sequence;
    bool bound_known;
    double bound[LN_MAX_METRICS];

    uint32_t front_count, front_capacity;
    pareto_entry *front;

    ln_search_certificate certificate;
    ln_tiling tiling;
    ln_tiling partial; /* a partial walk completed for its bound (cut_inside) */
    /* Per temporal level, the orders walked (order_classes), and the set
     * that finds them. */
    uint32_t *class_orders[LN_MAX_TILING_LEVELS];
    uint32_t class_count[LN_MAX_TILING_LEVELS];
    struct class_slot *class_table;
    uint32_t class_generation;
    ln_mapspace_point point;
    ln_mapspace_point probe;
    ln_mapping probe_mapping;

    /* The current factorization's bound: cycles, the energy no order
     * changes, and each tensor's least energy over every choice. */
    double bound_cycles;
    double fixed_energy;
    double tensor_least[LN_MAX_TENSORS];
    /* Keyed tensors' energy by key, for this factorization. */
    uint32_t memo_generation;
    struct memo_entry *memo; /* [tensors][MEMO_SIZE] */
} optimal_worker;

/* ------------------------------------------------------------------ */
/* Preparation                                                          */
/* ------------------------------------------------------------------ */

static uint32_t index_of(const walk_dimension *walk, uint32_t value)
{
    return ln_divisor_index(walk->divisors, walk->divisor_count, value);
}

/* The walk order: fan-outs (outermost first: they fix the compute
 * cycles), the outermost level's loops (they fix its traffic, the largest
 * cost), then the other temporal levels from the innermost outward (each
 * fixes the tiles of its level); the last one takes what remains. */
static void order_slots(optimal_shared *optimal)
{
    const ln_mapspace *mapspace = optimal->mapspace;
    uint32_t count = 0;
    uint32_t top = (uint32_t)mapspace->temporal_tiling[mapspace->arch->storage_count - 1];
    optimal->top_tiling = top;
    for (uint32_t t = mapspace->tiling_level_count; t-- > 0;)
        if (mapspace->levels[t].spatial)
            optimal->slot_level[count++] = (uint8_t)t;
    optimal->slot_level[count++] = (uint8_t)top;
    for (uint32_t t = 0; t < mapspace->tiling_level_count; t++)
        if (!mapspace->levels[t].spatial && t != top)
            optimal->slot_level[count++] = (uint8_t)t;
    optimal->slot_count = count;
}

static void prepare_dimension(optimal_shared *optimal, uint32_t d)
{
    const dimension_space *space = &optimal->mapspace->dimensions[d];
    walk_dimension *walk = &optimal->walk[d];
    ln_arena *arena = &optimal->arena;
    uint32_t *all = ln_arena_alloc_array(arena, LN_MAX_DIVISORS, sizeof *all);
    uint32_t count = ln_divisors_ascending(space->bound, all);
    walk->divisor_count = count;
    walk->divisors = all;
    uint32_t slots = optimal->slot_count;
    walk->ways = ln_arena_alloc_array(arena, (size_t)(slots + 1) * count, sizeof *walk->ways);
    walk->ways[(size_t)slots * count + 0] = 1;
    for (uint32_t j = slots; j-- > 0;) {
        uint32_t level = optimal->slot_level[j];
        for (uint32_t r = 0; r < count; r++) {
            ln_count total = 0;
            for (uint32_t f = 0; f < count; f++) {
                uint32_t factor = walk->divisors[f];
                uint32_t value = walk->divisors[r];
                if (factor > value || value % factor)
                    continue;
                if (space->fixed[level] ? factor != space->fixed[level]
                                        : factor < space->minimum[level] || factor > space->maximum[level])
                    continue;
                ln_count ways = walk->ways[(size_t)(j + 1) * count + index_of(walk, value / factor)];
                total = total > LN_COUNT_MAX - ways ? LN_COUNT_MAX : total + ways;
            }
            walk->ways[(size_t)j * count + r] = total;
        }
    }
    /* Choices: at fan-outs the largest factors first (they decide the
     * cycles), elsewhere the smallest. */
    walk->choice_begin = ln_arena_alloc_array(arena, (size_t)slots * count + 1, sizeof *walk->choice_begin);
    walk->choices = ln_arena_alloc_array(arena, (size_t)slots * count * count + 1, sizeof *walk->choices);
    uint32_t used = 0;
    for (uint32_t j = 0; j < slots; j++) {
        uint32_t level = optimal->slot_level[j];
        bool descending = optimal->mapspace->levels[level].spatial;
        for (uint32_t r = 0; r < count; r++) {
            walk->choice_begin[(size_t)j * count + r] = used;
            uint32_t value = walk->divisors[r];
            for (uint32_t k = 0; k < count; k++) {
                uint32_t f = descending ? count - 1 - k : k;
                uint32_t factor = walk->divisors[f];
                if (factor > value || value % factor)
                    continue;
                if (space->fixed[level] ? factor != space->fixed[level]
                                        : factor < space->minimum[level] || factor > space->maximum[level])
                    continue;
                if (!walk->ways[(size_t)(j + 1) * count + index_of(walk, value / factor)])
                    continue;
                walk->choices[used++] = f;
            }
        }
    }
    walk->choice_begin[(size_t)slots * count] = used;
}

enum { MAX_IMAGE_WORK = 1 << 24 };

/* How many values sum(c_k * x_k), 0 <= x_k < b_k, takes: every value of
 * the span when each coefficient (smallest first) is at most one past the
 * reach of the smaller ones (a strided rank leaves gaps otherwise), else
 * counted on a bitset, else (too large to count) at least the most values
 * a single term takes. */
static uint64_t rank_image_size(const uint64_t *magnitudes, const uint64_t *extents, uint32_t count)
{
    uint64_t order[LN_MAX_DIMENSIONS * 2], steps[LN_MAX_DIMENSIONS * 2];
    uint32_t used = 0;
    uint64_t widest = 1;
    for (uint32_t k = 0; k < count; k++) {
        if (!magnitudes[k] || extents[k] < 2)
            continue;
        if (extents[k] > widest)
            widest = extents[k];
        uint32_t at = used++;
        while (at > 0 && order[at - 1] > magnitudes[k]) {
            order[at] = order[at - 1];
            steps[at] = steps[at - 1];
            at--;
        }
        order[at] = magnitudes[k];
        steps[at] = extents[k];
    }
    uint64_t reach = 0;
    bool contiguous = true;
    for (uint32_t k = 0; k < used; k++) {
        if (order[k] > reach + 1)
            contiguous = false;
        reach += order[k] * (steps[k] - 1);
    }
    if (contiguous)
        return reach + 1;
    uint64_t work = 0;
    for (uint32_t k = 0; k < used; k++)
        work += steps[k];
    if (reach + 1 > MAX_IMAGE_WORK || work * ((reach + 64) / 64) > MAX_IMAGE_WORK)
        return widest;
    uint64_t words = (reach + 64) / 64;
    uint64_t *set = calloc(2 * words, sizeof *set);
    if (!set)
        return widest;
    uint64_t *next = set + words;
    set[0] = 1;
    for (uint32_t k = 0; k < used; k++) {
        memcpy(next, set, words * sizeof *set);
        for (uint64_t x = 1; x < steps[k]; x++) {
            /* next |= set << (order[k] * x) */
            uint64_t shift = order[k] * x, whole = shift / 64, part = shift % 64;
            for (uint64_t i = words; i-- > whole;) {
                uint64_t moved = set[i - whole] << part;
                if (part && i - whole > 0)
                    moved |= set[i - whole - 1] >> (64 - part);
                next[i] |= moved;
            }
        }
        memcpy(set, next, words * sizeof *set);
    }
    uint64_t values = 0;
    for (uint64_t i = 0; i < words; i++)
        values += (uint64_t)__builtin_popcountll(set[i]);
    free(set);
    return values;
}

/* A lower bound on the tensor's distinct elements: what the outermost
 * level must deliver (or take back) at least once. Not its bounding box:
 * a strided rank (p * 2 + r with r < 2) touches fewer. Where a dimension
 * feeds several ranks the elements are no product of the ranks' values;
 * the rank with the most values is then the bound. */
static uint64_t tensor_elements(const ln_mapspace *mapspace, uint32_t tensor)
{
    uint32_t seen = 0;
    bool shared_dimension = false;
    for (uint32_t k = 0; k < mapspace->term_count[tensor]; k++) {
        uint32_t bit = 1u << mapspace->terms[tensor][k].dimension;
        shared_dimension = shared_dimension || (seen & bit);
        seen |= bit;
    }
    uint64_t product = 1, largest = 1;
    for (uint32_t r = 0; r < mapspace->rank_count[tensor]; r++) {
        uint64_t magnitudes[LN_MAX_DIMENSIONS * 2], extents[LN_MAX_DIMENSIONS * 2];
        uint32_t count = 0;
        for (uint32_t k = 0; k < mapspace->term_count[tensor] && count < LN_MAX_DIMENSIONS * 2; k++) {
            const tile_term *term = &mapspace->terms[tensor][k];
            if (term->rank != r)
                continue;
            magnitudes[count] = term->magnitude;
            extents[count++] = mapspace->dimensions[term->dimension].bound;
        }
        uint64_t values = rank_image_size(magnitudes, extents, count);
        product = product > UINT64_MAX / values ? UINT64_MAX : product * values;
        if (values > largest)
            largest = values;
    }
    return shared_dimension ? largest : product;
}

typedef struct bounds {
    double cycles;
    double energy;
} bounds;
static bounds item_bounds(optimal_worker *search, const walk_item *item);
static void metric_bounds(const optimal_worker *search, bounds bound, double *values);

/* The first slots' assignments become the items. */
static void collect_items(optimal_shared *optimal, uint32_t depth, uint32_t slot, uint32_t dimension,
                          uint32_t (*factors)[LN_MAX_DIMENSIONS], uint32_t *remaining, bool count_only)
{
    if (slot == depth) {
        if (!count_only)
            memcpy(optimal->items[optimal->item_count].factors, factors, sizeof optimal->items[0].factors);
        optimal->item_count++;
        return;
    }
    if (dimension == optimal->dimensions) {
        collect_items(optimal, depth, slot + 1, 0, factors, remaining, count_only);
        return;
    }
    const walk_dimension *walk = &optimal->walk[dimension];
    uint32_t r = remaining[dimension];
    const uint32_t *choice = &walk->choices[walk->choice_begin[(size_t)slot * walk->divisor_count + r]];
    const uint32_t *end = &walk->choices[walk->choice_begin[(size_t)slot * walk->divisor_count + r + 1]];
    for (; choice < end; choice++) {
        uint32_t factor = walk->divisors[*choice];
        factors[slot][dimension] = factor;
        remaining[dimension] = index_of(walk, walk->divisors[r] / factor);
        collect_items(optimal, depth, slot, dimension + 1, factors, remaining, count_only);
        remaining[dimension] = r;
    }
}

static int compare(const double *a, const double *b, uint32_t count);

/* Items by their bounds, least first; equal bounds keep the walk's order
 * (a stable merge sort), so the order is the same on every run. */
static bool sort_items(optimal_shared *optimal, uint32_t metric_count)
{
    uint64_t count = optimal->item_count;
    if (count < 2)
        return true;
    walk_item *scratch = malloc(count * sizeof *scratch);
    if (!scratch)
        return false;
    walk_item *from = optimal->items, *to = scratch;
    for (uint64_t width = 1; width < count; width *= 2) {
        for (uint64_t left = 0; left < count; left += 2 * width) {
            uint64_t middle = left + width < count ? left + width : count;
            uint64_t right = left + 2 * width < count ? left + 2 * width : count;
            uint64_t i = left, j = middle, k = left;
            while (i < middle && j < right)
                to[k++] = compare(from[j].lower_bound, from[i].lower_bound, metric_count) < 0 ? from[j++] : from[i++];
            while (i < middle)
                to[k++] = from[i++];
            while (j < right)
                to[k++] = from[j++];
        }
        walk_item *swap = from;
        from = to;
        to = swap;
    }
    if (from != optimal->items)
        memcpy(optimal->items, from, count * sizeof *from);
    free(scratch);
    return true;
}

bool ln_optimal_prepare(mapper_shared *shared, const ln_search_result *seed, char *error, size_t error_size)
{
    optimal_shared *optimal = calloc(1, sizeof *optimal);
    if (!optimal) {
        snprintf(error, error_size, "out of memory starting the optimal search");
        return false;
    }
    shared->optimal = optimal;
    if (seed && seed->found) {
        optimal->found = optimal->seeded = true;
        memcpy(optimal->best_metrics, seed->best_metrics, sizeof optimal->best_metrics);
        memcpy(optimal->seed_metrics, seed->best_metrics, sizeof optimal->seed_metrics);
        optimal->seed = seed->best;
    }
    const ln_mapspace *mapspace = shared->mapspace;
    optimal->mapspace = mapspace;
    ln_arena_init(&optimal->arena);
    pthread_mutex_init(&optimal->mutex, NULL);
    ln_engine_get_costs(shared->engine, &optimal->costs);
    optimal->dimensions = mapspace->problem->dimension_count;
    optimal->tensors = mapspace->problem->tensor_count;
    order_slots(optimal);
    optimal->computes = 1;
    for (uint32_t d = 0; d < optimal->dimensions; d++) {
        prepare_dimension(optimal, d);
        optimal->computes *= mapspace->dimensions[d].bound;
    }
    for (uint32_t t = 0; t < optimal->tensors; t++) {
        optimal->tensor_words[t] = tensor_elements(mapspace, t);
        const ln_tensor *tensor = &mapspace->problem->tensors[t];
        for (uint32_t r = 0; r < tensor->rank_count; r++) {
            if (tensor->ranks[r].term_count > 1)
                optimal->sliding[t] = true;
            for (uint32_t k = 0; k < tensor->ranks[r].term_count; k++)
                optimal->relevant[t] |= 1u << tensor->ranks[r].terms[k].dimension;
        }
    }
    const ln_storage_level *outermost = &mapspace->arch->storage[mapspace->arch->storage_count - 1];
    uint32_t top = mapspace->arch->storage_count - 1;
    for (uint32_t t = 0; t < optimal->tensors && outermost->instances == 1 && outermost->cluster_size <= 1; t++)
        optimal->compulsory[t] = (double)optimal->tensor_words[t] / (double)outermost->block_size *
                                 (mapspace->problem->tensors[t].read_write ? optimal->costs.update_energy[top]
                                                                           : optimal->costs.read_energy[top]);
    for (uint32_t t = 0; t < optimal->tensors; t++) {
        optimal->keyed[t] = !optimal->sliding[t];
        for (uint32_t level = 0; level < mapspace->arch->storage_count; level++) {
            ln_tensor_mask flags = (ln_tensor_mask)(mapspace->no_temporal_reuse[level] | mapspace->no_multicast[level] |
                                                    mapspace->rmw_first_update[level] | mapspace->no_coalesce[level]);
            if (flags & (1u << t))
                optimal->keyed[t] = false;
        }
    }
    optimal->energy_matters = shared->settings->pareto;
    for (uint32_t m = 0; m < shared->settings->metric_count; m++)
        optimal->energy_matters = optimal->energy_matters || shared->settings->metrics[m] == LN_METRIC_ENERGY ||
                                  shared->settings->metrics[m] == LN_METRIC_EDP;

    /* Enough items for the threads to share the work evenly. */
    uint32_t remaining[LN_MAX_DIMENSIONS];
    uint32_t factors[MAX_ITEM_SLOTS][LN_MAX_DIMENSIONS];
    for (uint32_t d = 0; d < optimal->dimensions; d++)
        remaining[d] = optimal->walk[d].divisor_count - 1;
    uint32_t depth = 0;
    while (depth < MAX_ITEM_SLOTS && depth < optimal->slot_count) {
        depth++;
        optimal->item_count = 0;
        collect_items(optimal, depth, 0, 0, factors, remaining, true);
        if (optimal->item_count >= 64u * shared->threads || optimal->item_count > 100000)
            break;
    }
    optimal->item_depth = depth;
    uint64_t count = optimal->item_count;
    optimal->items = calloc(count ? count : 1, sizeof *optimal->items);
    if (!optimal->items) {
        snprintf(error, error_size, "out of memory: %llu top subtrees", (unsigned long long)count);
        return false;
    }
    optimal->item_count = 0;
    if (depth)
        collect_items(optimal, depth, 0, 0, factors, remaining, false);
    else
        optimal->item_count = 1;
    /* Each subtree's bound: the most promising subtrees are walked first
     * (a good best early cuts more of the rest), and when the search is cut
     * short the unfinished ones bound what it missed. */
    optimal_worker *probe = calloc(1, sizeof *probe);
    if (!probe) {
        snprintf(error, error_size, "out of memory starting the optimal search");
        return false;
    }
    probe->shared = optimal;
    probe->settings = shared->settings;
    probe->metric_count = shared->settings->metric_count;
    for (uint64_t i = 0; i < optimal->item_count; i++)
        metric_bounds(probe, item_bounds(probe, &optimal->items[i]), optimal->items[i].lower_bound);
    free(probe);
    if (!sort_items(optimal, shared->settings->metric_count)) {
        snprintf(error, error_size, "out of memory starting the optimal search");
        return false;
    }
    return true;
}

void ln_optimal_release(mapper_shared *shared)
{
    optimal_shared *optimal = shared->optimal;
    if (!optimal)
        return;
    free(optimal->items);
    ln_arena_release(&optimal->arena);
    pthread_mutex_destroy(&optimal->mutex);
    free(optimal);
    shared->optimal = NULL;
}

/* ------------------------------------------------------------------ */
/* Comparisons and bounds                                               */
/* ------------------------------------------------------------------ */

/* -1, 0, 1: the metrics compared exactly, in priority order. */
static int compare(const double *a, const double *b, uint32_t count)
{
    for (uint32_t m = 0; m < count; m++) {
        if (a[m] < b[m])
            return -1;
        if (a[m] > b[m])
            return 1;
    }
    return 0;
}

/* Lower bounds on the cycles and energy of every completion of the walk
 * so far (slots [0, slot) assigned): the struct `bounds` above. */

/* Every compute, and every level's leakage over the compute cycles. */
static double unavoidable_energy(const optimal_shared *optimal, double compute_cycles)
{
    double energy = optimal->computes * optimal->costs.compute_energy;
    for (uint32_t level = 0; level < optimal->mapspace->arch->storage_count; level++)
        energy += optimal->costs.leak_energy[level] * compute_cycles;
    return energy;
}

static bounds lower_bounds(const optimal_worker *search, uint32_t slot)
{
    const optimal_shared *optimal = search->shared;
    const ln_mapspace *mapspace = optimal->mapspace;
    /* Compute cycles: the computes over the units the fan-outs can keep
     * busy; an unassigned fan-out at most all of its own. */
    double units = 1;
    for (uint32_t j = 0; j < optimal->slot_count; j++) {
        const tiling_level_spec *level = &mapspace->levels[optimal->slot_level[j]];
        if (!level->spatial)
            continue;
        if (j < slot) {
            for (uint32_t d = 0; d < optimal->dimensions; d++)
                units *= search->factors[j][d];
        } else {
            units *= (double)(level->fanout_x * level->fanout_y);
        }
    }
    double compute_cycles = ceil(optimal->computes / units);
    bounds result;
    result.cycles = compute_cycles + (double)optimal->costs.network_latency;
    /* Energy: what no mapping avoids, and each tensor read from (or
     * written back to) the outermost level at least once. */
    double energy = unavoidable_energy(optimal, compute_cycles);
    for (uint32_t t = 0; t < optimal->tensors; t++)
        energy += optimal->compulsory[t];
    result.energy = energy;
    return result;
}

static void metric_bounds(const optimal_worker *search, bounds bound, double *values)
{
    const optimal_shared *optimal = search->shared;
    for (uint32_t m = 0; m < search->metric_count; m++) {
        switch (search->settings->metrics[m]) {
        case LN_METRIC_DELAY:
            values[m] = bound.cycles;
            break;
        case LN_METRIC_ENERGY:
            values[m] = bound.energy;
            break;
        case LN_METRIC_EDP:
            values[m] = bound.energy * bound.cycles;
            break;
        case LN_METRIC_LAST_LEVEL_ACCESSES: {
            double words = 0;
            for (uint32_t t = 0; t < optimal->tensors; t++)
                words += (double)optimal->tensor_words[t];
            values[m] = words;
            break;
        }
        case LN_METRIC_AREA:
            values[m] = optimal->area_known ? optimal->area : 0;
            break;
        }
    }
}

static void refresh_bound(optimal_worker *search)
{
    optimal_shared *optimal = search->shared;
    pthread_mutex_lock(&optimal->mutex);
    bool shared_found = optimal->found;
    double shared_best[LN_MAX_METRICS];
    memcpy(shared_best, optimal->best_metrics, sizeof shared_best);
    pthread_mutex_unlock(&optimal->mutex);
    search->bound_known = search->found || shared_found;
    if (search->found && (!shared_found || compare(search->best_metrics, shared_best, search->metric_count) <= 0))
        memcpy(search->bound, search->best_metrics, sizeof search->bound);
    else if (shared_found)
        memcpy(search->bound, shared_best, sizeof search->bound);
}

static bool bounds_cut(const optimal_worker *search, bounds bound);

/* True when nothing under the walk so far (slots [0, slot) assigned) can
 * beat the best or join the Pareto front, by the cycles and compulsory
 * traffic alone. */
static bool cut_by_bound(const optimal_worker *search, uint32_t slot)
{
    return bounds_cut(search, lower_bounds(search, slot));
}

/* ------------------------------------------------------------------ */
/* Counting what a rule removes                                         */
/* ------------------------------------------------------------------ */

/* Factorizations under the walk so far: slots [0, slot) assigned, and in
 * `slot` the dimensions below `dimension`. */
static ln_count completions(const optimal_worker *search, uint32_t slot, uint32_t dimension)
{
    const optimal_shared *optimal = search->shared;
    ln_count total = 1;
    for (uint32_t d = 0; d < optimal->dimensions; d++) {
        const walk_dimension *walk = &optimal->walk[d];
        uint32_t from = d < dimension ? slot + 1 : slot;
        ln_count ways = walk->ways[(size_t)from * walk->divisor_count + search->remaining[d]];
        if (!ln_count_multiply(total, ways, &total))
            return LN_COUNT_MAX;
    }
    return total;
}

static void count_pruned(optimal_worker *search, ln_pruning_rule rule, ln_count factorizations,
                         ln_count candidates)
{
    ln_pruning_count *count = &search->certificate.pruned[rule];
    count->events++;
    count->factorizations += factorizations;
    count->candidates += candidates;
}

/* ------------------------------------------------------------------ */
/* A complete factorization                                             */
/* ------------------------------------------------------------------ */

static bool better_than_own(const optimal_worker *search, const double *metrics)
{
    if (!search->found)
        return true;
    int order = compare(metrics, search->best_metrics, search->metric_count);
    if (order)
        return order < 0;
    return search->item < search->best_item ||
           (search->item == search->best_item && search->sequence < search->best_sequence);
}

static void offer_pareto(optimal_worker *search, const ln_evaluation *evaluation, const ln_mapping *mapping)
{
    double energy = evaluation->energy;
    uint64_t cycles = evaluation->cycles;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < search->front_count; i++) {
        pareto_entry *point = &search->front[i];
        bool dominates = point->energy <= energy && point->cycles <= cycles;
        if (dominates && (point->energy < energy || point->cycles < cycles))
            return;
        if (point->energy == energy && point->cycles == cycles)
            return; /* a tie: the point found first in the walk stays */
    }
    for (uint32_t i = 0; i < search->front_count; i++) {
        pareto_entry *point = &search->front[i];
        if (energy <= point->energy && cycles <= point->cycles)
            continue;
        if (kept != i)
            search->front[kept] = search->front[i];
        kept++;
    }
    search->front_count = kept;
    if (search->front_count == search->front_capacity) {
        uint32_t capacity = search->front_capacity ? 2 * search->front_capacity : 16;
        pareto_entry *grown = realloc(search->front, capacity * sizeof *grown);
        if (!grown)
            return;
        search->front = grown;
        search->front_capacity = capacity;
    }
    pareto_entry *entry = &search->front[search->front_count++];
    entry->energy = energy;
    entry->cycles = cycles;
    entry->item = search->item;
    entry->sequence = search->sequence;
    entry->mapping = *mapping;
}

/* The energy tensor `t` costs in an evaluation at one storage level: its
 * accesses, reductions and address generation (leakage belongs to no
 * tensor). */
static double level_energy(const ln_evaluation *evaluation, uint32_t t, uint32_t level)
{
    const ln_tensor_level_stats *stats = &evaluation->levels[level].tensors[t];
    return stats->energy * stats->utilized_instances + stats->temporal_reduction_energy * stats->utilized_instances +
           stats->address_generation_energy * (double)stats->utilized_clusters;
}

/* ... and at storage levels up to `cut`. */
static double tensor_energy(const ln_evaluation *evaluation, uint32_t t, uint32_t cut)
{
    double energy = 0;
    for (uint32_t level = 0; level < evaluation->level_count && level <= cut; level++)
        energy += level_energy(evaluation, t, level);
    return energy;
}

enum { MAX_BOUND_EVALUATIONS = 512 };

/* One choice the bound tries for a tensor: an order of some loops at a
 * level, a split, or keep/bypass at a level. */
typedef struct bound_axis {
    uint8_t kind;  /* 0 order, 1 split, 2 keep, 3 the level that feeds `cut` */
    uint8_t level; /* tiling level (order, split) or storage level (keep) */
    uint8_t begin, length; /* the permuted part of the order */
    uint32_t choices;
} bound_axis;

static uint32_t factorial_of(uint32_t n)
{
    uint32_t value = 1;
    for (uint32_t i = 2; i <= n; i++)
        value *= i;
    return value;
}

/* The index-th permutation (lexicographic) of `items`. */
static void permutation_of(uint8_t *items, uint32_t length, uint32_t index)
{
    uint8_t pool[LN_MAX_DIMENSIONS];
    memcpy(pool, items, length);
    for (uint32_t i = 0; i < length; i++) {
        uint32_t block = factorial_of(length - 1 - i);
        uint32_t pick = index / block;
        index %= block;
        items[i] = pool[pick];
        memmove(pool + pick, pool + pick + 1, length - 1 - i - pick);
    }
}

/* What a tensor bound sums (tensor_bound). */
typedef struct bound_mode {
    uint32_t cut;  /* the tensor's energy at storage levels up to `cut` (UINT32_MAX: all) */
    /* Below the outermost level: also what the level feeding `cut`'s tiles
     * spends on them, and beyond `outer` (what the caller counts for the
     * outermost level) what the outermost level spends when it feeds them. */
    bool feeder;
    double outer;
} bound_mode;

/* A lower bound on what tensor `t` can cost over every order, split and
 * keep/bypass choice of the factorization in `tiling` (its levels' free
 * orders as the caller arranged them): the least it costs over a set of
 * choices that holds a cheapest one for it. A tensor whose ranks each
 * follow one dimension reuses its tile most when at every level its
 * irrelevant loops stand innermost (docs/mapper.md); a sliding one (p + r)
 * tries every order of its relevant loops too. Splits, fan-out orders and
 * the tensor's own keep/bypass choices are all tried. NAN when there are
 * too many choices to try: the caller falls back to the compulsory
 * traffic. */
static double tensor_bound(optimal_worker *search, const ln_tiling *tiling, uint32_t t, const bound_mode *mode)
{
    optimal_shared *optimal = search->shared;
    const ln_mapspace *mapspace = optimal->mapspace;
    mapper_worker *worker = search->worker;
    uint32_t dimensions = optimal->dimensions;
    uint32_t cut = mode->cut;
    bound_axis axes[3 * LN_MAX_TILING_LEVELS + 1];
    uint32_t axis_count = 0;
    uint64_t combinations = 1;
    /* The base: every order arranged for t, every split at its first. */
    ln_mapspace_point *probe = &search->probe;
    for (uint32_t level = 0; level < mapspace->tiling_level_count; level++) {
        memcpy(probe->factors[level], tiling->factors[level], sizeof probe->factors[level]);
        memcpy(probe->order[level], tiling->order[level], dimensions);
        probe->split[level] = tiling->split_base[level];
        uint32_t begin = tiling->order_begin[level], length = tiling->order_length[level];
        if (length > 1) {
            uint8_t *free_part = probe->order[level] + begin;
            uint32_t irrelevant = 0;
            uint8_t sorted[LN_MAX_DIMENSIONS];
            for (uint32_t i = 0; i < length; i++)
                if (!(optimal->relevant[t] & (1u << free_part[i])))
                    sorted[irrelevant++] = free_part[i];
            uint32_t relevant = irrelevant;
            for (uint32_t i = 0; i < length; i++)
                if (optimal->relevant[t] & (1u << free_part[i]))
                    sorted[relevant++] = free_part[i];
            memcpy(free_part, sorted, length);
            bool spatial = mapspace->levels[level].spatial;
            if (spatial || (optimal->sliding[t] && relevant - irrelevant > 1)) {
                bound_axis *axis = &axes[axis_count++];
                axis->kind = 0;
                axis->level = (uint8_t)level;
                axis->begin = (uint8_t)(spatial ? begin : begin + irrelevant);
                axis->length = (uint8_t)(spatial ? length : relevant - irrelevant);
                axis->choices = factorial_of(axis->length);
                combinations *= axis->choices;
            }
        }
        if (tiling->split_choices[level] > 1) {
            bound_axis *axis = &axes[axis_count++];
            axis->kind = 1;
            axis->level = (uint8_t)level;
            axis->choices = tiling->split_choices[level];
            combinations *= axis->choices;
        }
        if (combinations > MAX_BOUND_EVALUATIONS)
            return NAN;
    }
    uint32_t top = mapspace->arch->storage_count - 1;
    ln_tensor_mask bit = (ln_tensor_mask)(1u << t);
    for (uint32_t level = 0; level < mapspace->arch->storage_count; level++)
        probe->keep[level] = mapspace->fixed_keep[level];
    for (uint32_t k = 0; k < mapspace->free_bypass_count; k++) {
        if (mapspace->free_bypass_tensor[k] != t || mapspace->free_bypass_level[k] > cut)
            continue;
        bound_axis *axis = &axes[axis_count++];
        axis->kind = 2;
        axis->level = mapspace->free_bypass_level[k];
        axis->choices = 2;
        combinations *= 2;
        if (combinations > MAX_BOUND_EVALUATIONS)
            return NAN;
    }
    /* The levels that may feed `cut`'s tiles: up to the first that must
     * keep the tensor. */
    uint8_t sources[LN_MAX_STORAGE_LEVELS];
    uint32_t source_count = 0;
    if (mode->feeder && cut < top) {
        for (uint32_t level = cut + 1; level <= top; level++) {
            bool forced = mapspace->fixed_keep[level] & bit, free = false;
            for (uint32_t k = 0; k < mapspace->free_bypass_count && !forced; k++)
                free = free || (mapspace->free_bypass_tensor[k] == t && mapspace->free_bypass_level[k] == level);
            if (forced || free)
                sources[source_count++] = (uint8_t)level;
            if (forced)
                break;
        }
        bound_axis *axis = &axes[axis_count++];
        axis->kind = 3;
        axis->choices = source_count;
        combinations *= source_count;
        if (combinations > MAX_BOUND_EVALUATIONS)
            return NAN;
    }
    bool read_write = mapspace->problem->tensors[t].read_write;
    /* Each choice below rewrites what it sets: the base orders of the
     * permuted levels, their splits and the keep masks. */
    uint8_t base_order[3 * LN_MAX_TILING_LEVELS + 1][LN_MAX_DIMENSIONS];
    for (uint32_t a = 0; a < axis_count; a++)
        if (axes[a].kind == 0)
            memcpy(base_order[a], probe->order[axes[a].level], dimensions);
    ln_tensor_mask base_keep[LN_MAX_STORAGE_LEVELS];
    memcpy(base_keep, probe->keep, sizeof base_keep);
    double least = INFINITY;
    for (uint64_t combination = 0; combination < combinations; combination++) {
        memcpy(probe->keep, base_keep, sizeof base_keep);
        for (uint32_t a = 0; a < axis_count; a++)
            if (axes[a].kind == 0)
                memcpy(probe->order[axes[a].level], base_order[a], dimensions);
        uint64_t rest = combination;
        uint32_t source = top;
        for (uint32_t a = 0; a < axis_count; a++) {
            const bound_axis *axis = &axes[a];
            uint32_t choice = (uint32_t)(rest % axis->choices);
            rest /= axis->choices;
            if (axis->kind == 0) {
                permutation_of(probe->order[axis->level] + axis->begin, axis->length, choice);
            } else if (axis->kind == 1) {
                probe->split[axis->level] = (uint8_t)(tiling->split_base[axis->level] + choice);
            } else if (axis->kind == 2) {
                if (choice)
                    probe->keep[axis->level] |= bit;
            } else {
                source = sources[choice];
                probe->keep[source] |= bit;
            }
        }
        ln_candidate_rejection rejection;
        if (ln_mapspace_check(mapspace, tiling, probe, &rejection) == LN_CANDIDATE_CONSTRUCTION_FAILED) {
            continue;
        }
        ln_mapspace_write_mapping(mapspace, probe, &search->probe_mapping);
        /* The model counts every access even when the tiles do not fit, so
         * such a choice still bounds the tensor's cost. */
        ln_evaluation_status status = ln_engine_evaluate_tensors(worker->shared->engine, &search->probe_mapping,
                                                                 worker->scratch, worker->evaluation, bit);
        if (status != LN_EVALUATION_OK && status != LN_EVALUATION_CAPACITY &&
            status != LN_EVALUATION_MIN_UTILIZATION)
            return NAN;
        double energy = tensor_energy(worker->evaluation, t, cut);
        if (mode->feeder && cut < top) {
            if (source < top) {
                /* What the feeding level spends on `cut`'s tiles: its reads
                 * of them (its updates from them for a read-write tensor;
                 * its reads then also drain upward, which outer loops
                 * change). */
                const ln_level_evaluation *feeder = &worker->evaluation->levels[source];
                const ln_tensor_level_stats *stats = &feeder->tensors[t];
                double expansion = (double)(stats->utilized_x * stats->utilized_y);
                double per_cluster = read_write ? stats->vector_updates * feeder->update_energy
                                                : stats->vector_reads * feeder->read_energy;
                if (stats->utilized_instances > 0 && expansion > 0)
                    energy +=
                        per_cluster * (double)stats->utilized_clusters / expansion * stats->utilized_instances;
            } else {
                /* Fed by the outermost level: all it spends on the tensor,
                 * beyond what the caller counts there. */
                energy += fmax(level_energy(worker->evaluation, t, top) - mode->outer, 0.0);
            }
        }
        if (energy < least)
            least = energy;
    }
    return least;
}


/* Stopped by the mapper (time limit, interrupt), or past the visit limit
 * of a quick first pass. */
static bool stopped(const optimal_worker *search)
{
    uint64_t limit = search->settings->visit_limit;
    return atomic_load_explicit(&search->worker->shared->stop, memory_order_relaxed) != 0 ||
           (limit && search->worker->statistics.visited >= limit);
}

/* True when (cycles, energy) bounds cannot beat the best or join the
 * front. Strict: a completion equal to the best (or to a front point) is
 * kept, so ties are settled by walk order whatever the threads do. */
/* A bound on energy is a sum in another order than the engine's, so it may
 * come out a few units in the last place above a mapping that meets it
 * exactly. It cuts only beyond this relative margin; cycles and access
 * counts are whole numbers, exact in a double, and compare exactly. */
#define LN_BOUND_MARGIN 1e-9

static bool metric_is_exact(ln_metric metric)
{
    return metric == LN_METRIC_DELAY || metric == LN_METRIC_LAST_LEVEL_ACCESSES || metric == LN_METRIC_AREA;
}

static bool bounds_cut(const optimal_worker *search, bounds bound)
{
    if (search->settings->pareto) {
        for (uint32_t i = 0; i < search->front_count; i++) {
            const pareto_entry *point = &search->front[i];
            if ((double)point->cycles <= bound.cycles &&
                point->energy <= bound.energy - fabs(point->energy) * LN_BOUND_MARGIN)
                return true;
        }
        return false;
    }
    if (!search->bound_known)
        return false;
    double values[LN_MAX_METRICS];
    metric_bounds(search, bound, values);
    /* Lexicographic: a later metric decides only where the earlier bounds
     * equal the best exactly. */
    for (uint32_t m = 0; m < search->metric_count; m++) {
        bool exact = metric_is_exact(search->settings->metrics[m]);
        double best = search->bound[m];
        if (values[m] > best + (exact ? 0.0 : fabs(best) * LN_BOUND_MARGIN))
            return true;
        if (!exact || values[m] != best)
            return false;
    }
    return false;
}

static double bound_energy(const optimal_worker *search)
{
    double energy = search->fixed_energy;
    for (uint32_t t = 0; t < search->shared->tensors; t++)
        energy += search->tensor_least[t];
    return energy;
}

/* The factorization's bound, tightened tensor by tensor (the cheap ones
 * first) until it cuts or every tensor is bounded. True when it cuts. */
static bool cut_by_energy(optimal_worker *search)
{
    optimal_shared *optimal = search->shared;
    bounds bound = lower_bounds(search, optimal->slot_count);
    search->bound_cycles = bound.cycles;
    search->fixed_energy = unavoidable_energy(optimal, bound.cycles - (double)optimal->costs.network_latency);
    for (uint32_t t = 0; t < optimal->tensors; t++)
        search->tensor_least[t] = optimal->compulsory[t];
    if (!optimal->energy_matters)
        return false;
    bound.energy = bound_energy(search);
    if (bounds_cut(search, bound))
        return true;
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t t = 0; t < optimal->tensors; t++) {
            if ((pass == 0) != optimal->keyed[t])
                continue;
            bound_mode whole = {UINT32_MAX, false, 0};
            double least = tensor_bound(search, &search->tiling, t, &whole);
            if (!isnan(least) && least > search->tensor_least[t])
                search->tensor_least[t] = least;
            bound.energy = bound_energy(search);
            if (bounds_cut(search, bound))
                return true;
        }
    return false;
}

/* A keyed tensor's key: at each free temporal order, the loops inside its
 * first relevant one; every fan-out's order and split; where it is kept. */
static uint32_t tensor_key(const optimal_worker *search, uint32_t t, uint32_t *key)
{
    const optimal_shared *optimal = search->shared;
    const ln_mapspace *mapspace = optimal->mapspace;
    const ln_tiling *tiling = &search->tiling;
    const ln_mapspace_point *point = &search->point;
    uint32_t used = 0;
    for (uint32_t level = 0; level < mapspace->tiling_level_count && used + 3 <= KEY_WORDS; level++) {
        if (mapspace->levels[level].spatial) {
            if (tiling->order_length[level] > 1 || tiling->split_choices[level] > 1) {
                uint32_t packed = point->split[level];
                for (uint32_t i = 0; i < optimal->dimensions && i < 6; i++)
                    packed = packed * 16 + point->order[level][i];
                key[used++] = packed;
                uint32_t rest = 0;
                for (uint32_t i = 6; i < optimal->dimensions && i < 14; i++)
                    rest = rest * 16 + point->order[level][i];
                key[used++] = rest;
            }
            continue;
        }
        if (tiling->order_length[level] < 2)
            continue;
        uint32_t inside = 0;
        for (uint32_t i = 0; i < optimal->dimensions; i++) {
            uint8_t d = point->order[level][i];
            if (point->factors[level][d] == 1)
                continue;
            if (optimal->relevant[t] & (1u << d))
                break;
            inside |= 1u << d;
        }
        key[used++] = inside;
    }
    uint32_t kept = 0;
    for (uint32_t level = 0; level < mapspace->arch->storage_count; level++)
        if (point->keep[level] & (1u << t))
            kept |= 1u << level;
    key[used++] = kept;
    return used;
}

static memo_entry *memo_slot(optimal_worker *search, uint32_t t, const uint32_t *key, uint32_t length, bool *found)
{
    uint64_t hash = 1469598103934665603ull;
    for (uint32_t i = 0; i < length; i++)
        hash = (hash ^ key[i]) * 1099511628211ull;
    memo_entry *table = &search->memo[(size_t)t * MEMO_SIZE];
    for (uint32_t probe = 0; probe < MEMO_SIZE; probe++) {
        memo_entry *entry = &table[(hash + probe) & (MEMO_SIZE - 1)];
        if (entry->generation != search->memo_generation) {
            *found = false;
            return entry;
        }
        if (entry->length == length && memcmp(entry->key, key, length * sizeof *key) == 0) {
            *found = true;
            return entry;
        }
    }
    *found = false;
    return NULL;
}

/* A candidate's bound: keyed tensors' energies where an earlier candidate
 * with the same key told them, the factorization's least elsewhere. */
static bool cut_candidate(optimal_worker *search)
{
    const optimal_shared *optimal = search->shared;
    if (!optimal->energy_matters || !search->memo)
        return false;
    bounds bound = {search->bound_cycles, search->fixed_energy};
    uint32_t key[KEY_WORDS];
    for (uint32_t t = 0; t < optimal->tensors; t++) {
        double energy = search->tensor_least[t];
        if (optimal->keyed[t]) {
            bool found;
            uint32_t length = tensor_key(search, t, key);
            const memo_entry *entry = memo_slot(search, t, key, length, &found);
            if (found && entry->energy > energy)
                energy = entry->energy;
        }
        bound.energy += energy;
    }
    return bounds_cut(search, bound);
}

static void remember_candidate(optimal_worker *search, const ln_evaluation *evaluation)
{
    const optimal_shared *optimal = search->shared;
    if (!search->memo)
        return;
    uint32_t key[KEY_WORDS];
    for (uint32_t t = 0; t < optimal->tensors; t++) {
        if (!optimal->keyed[t])
            continue;
        bool found;
        uint32_t length = tensor_key(search, t, key);
        memo_entry *entry = memo_slot(search, t, key, length, &found);
        if (!entry || found)
            continue;
        entry->generation = search->memo_generation;
        entry->length = length;
        memcpy(entry->key, key, length * sizeof *key);
        entry->energy = tensor_energy(evaluation, t, UINT32_MAX);
    }
}

/* The orders of temporal level `level` worth walking, into
 * search->class_orders (indices into the level's free orders) and
 * search->class_count; 0 when every order is walked. Where every tensor is
 * keyed, two orders with the same loops inside each tensor's first
 * relevant one give every tensor the same accesses, so the same energy and
 * cycles (docs/mapper.md): the first of each class stands for the rest (it
 * is the one a tie would keep). */
static uint32_t order_classes(optimal_worker *search, uint32_t level)
{
    const optimal_shared *optimal = search->shared;
    const ln_tiling *tiling = &search->tiling;
    uint32_t length = tiling->order_length[level];
    search->class_count[level] = 0;
    if (optimal->mapspace->levels[level].spatial || length < 2 || length > 7)
        return 0;
    for (uint32_t t = 0; t < optimal->tensors; t++)
        if (!optimal->keyed[t])
            return 0;
    if (!search->class_table) {
        search->class_table = calloc(CLASS_TABLE_SIZE, sizeof *search->class_table);
        if (!search->class_table)
            return 0;
    }
    if (!search->class_orders[level]) {
        search->class_orders[level] = malloc(MAX_CLASSED_ORDERS * sizeof *search->class_orders[level]);
        if (!search->class_orders[level])
            return 0;
    }
    if (++search->class_generation == 0) {
        memset(search->class_table, 0, CLASS_TABLE_SIZE * sizeof *search->class_table);
        search->class_generation = 1;
    }
    uint32_t dimensions = optimal->dimensions, begin = tiling->order_begin[level];
    uint32_t orders = factorial_of(length), count = 0;
    const uint32_t *factors = tiling->factors[level];
    for (uint32_t p = 0; p < orders; p++) {
        uint8_t order[LN_MAX_DIMENSIONS];
        memcpy(order, tiling->order[level], dimensions);
        permutation_of(order + begin, length, p);
        uint64_t inside[2] = {0, 0};
        for (uint32_t t = 0; t < optimal->tensors; t++) {
            uint64_t mask = 0;
            for (uint32_t i = 0; i < dimensions; i++) {
                uint8_t d = order[i];
                if (factors[d] == 1)
                    continue;
                if (optimal->relevant[t] & (1u << d))
                    break;
                mask |= 1u << d;
            }
            inside[t / 4] |= mask << (16 * (t % 4));
        }
        uint64_t hash = (inside[0] * 0x9e3779b97f4a7c15ull) ^ (inside[1] * 0xc2b2ae3d27d4eb4full);
        for (uint32_t probe = 0;; probe++) {
            class_slot *slot = &search->class_table[(hash + probe) & (CLASS_TABLE_SIZE - 1)];
            if (slot->generation != search->class_generation) {
                slot->generation = search->class_generation;
                slot->inside[0] = inside[0];
                slot->inside[1] = inside[1];
                search->class_orders[level][count++] = p;
                break;
            }
            if (slot->inside[0] == inside[0] && slot->inside[1] == inside[1])
                break;
        }
    }
    search->class_count[level] = count;
    return count;
}

/* Each fan-out's loops fit along X and along Y (Timeloop's construction
 * check, as ln_mapspace_check makes it). */
static bool fanouts_constructible(const optimal_worker *search, const ln_mapspace_point *point)
{
    const ln_mapspace *mapspace = search->shared->mapspace;
    for (uint32_t t = 0; t < mapspace->tiling_level_count; t++) {
        const tiling_level_spec *level = &mapspace->levels[t];
        if (!level->spatial)
            continue;
        uint64_t x, y;
        ln_mapspace_spatial_extent(mapspace, point->factors[t], point->order[t], point->split[t], &x, &y);
        if (x > level->fanout_x || y > level->fanout_y)
            return false;
    }
    return true;
}

/* Every keep/bypass choice of the orders and splits in search->point:
 * checked, bounded, evaluated, offered. Returns how many failed the
 * capacity check. */
static ln_count walk_candidates(optimal_worker *search, ln_count bypasses)
{
    mapper_worker *worker = search->worker;
    optimal_shared *optimal = search->shared;
    const ln_mapspace *mapspace = optimal->mapspace;
    ln_search_statistics *statistics = &worker->statistics;
    ln_mapspace_point *point = &search->point;
    ln_candidate_rejection rejection;
    double metrics[LN_MAX_METRICS];
    ln_count check_failures = 0;
    for (ln_count b = 0; b < bypasses; b++) {
        for (uint32_t level = 0; level < mapspace->arch->storage_count; level++)
            point->keep[level] = mapspace->fixed_keep[level];
        for (uint32_t k = 0; k < mapspace->free_bypass_count; k++)
            if ((b >> k) & 1)
                point->keep[mapspace->free_bypass_level[k]] |= (ln_tensor_mask)(1u << mapspace->free_bypass_tensor[k]);
        ln_candidate_status status = ln_mapspace_check(mapspace, &search->tiling, point, &rejection);
        statistics->visited++;
        atomic_store_explicit(&worker->visited_now, statistics->visited, memory_order_relaxed);
        if (status == LN_CANDIDATE_CONSTRUCTION_FAILED) {
            count_pruned(search, LN_PRUNE_CONSTRUCTION, 0, bypasses - b);
            break;
        }
        if (status == LN_CANDIDATE_CHECK_FAILED) {
            count_pruned(search, LN_PRUNE_CHECK, 0, 1);
            check_failures++;
            continue;
        }
        if (cut_candidate(search)) {
            count_pruned(search, LN_PRUNE_CANDIDATE_BOUND, 0, 1);
            continue;
        }
        ln_mapspace_write_mapping(mapspace, point, &worker->candidate);
        statistics->evaluated++;
        ln_evaluation_status status_of_model =
            ln_engine_evaluate(worker->shared->engine, &worker->candidate, worker->scratch, worker->evaluation);
        if (status_of_model == LN_EVALUATION_OK || status_of_model == LN_EVALUATION_CAPACITY ||
            status_of_model == LN_EVALUATION_MIN_UTILIZATION)
            remember_candidate(search, worker->evaluation);
        if (status_of_model != LN_EVALUATION_OK)
            continue;
        statistics->valid++;
        atomic_store_explicit(&worker->valid_now, statistics->valid, memory_order_relaxed);
        search->sequence++;
        if (!optimal->area_known) {
            optimal->area = worker->evaluation->area; /* the same for every mapping */
            optimal->area_known = true;
        }
        if (search->settings->pareto)
            offer_pareto(search, worker->evaluation, &worker->candidate);
        for (uint32_t m = 0; m < search->metric_count; m++)
            metrics[m] = ln_mapper_metric(worker->evaluation, search->settings->metrics[m]);
        if (!better_than_own(search, metrics))
            continue;
        search->found = true;
        memcpy(search->best_metrics, metrics, sizeof metrics);
        search->best_item = search->item;
        search->best_sequence = search->sequence;
        worker->found = true;
        worker->best = worker->candidate;
        worker->best_point = *point;
        memcpy(worker->best_metrics, metrics, sizeof worker->best_metrics);
        refresh_bound(search);
        pthread_mutex_lock(&optimal->mutex);
        if (!optimal->found || compare(metrics, optimal->best_metrics, search->metric_count) < 0) {
            optimal->found = true;
            memcpy(optimal->best_metrics, metrics, sizeof optimal->best_metrics);
        }
        pthread_mutex_unlock(&optimal->mutex);
        ln_mapper_publish(worker, statistics->visited);
    }
    return check_failures;
}

static void visit_factorization(optimal_worker *search)
{
    mapper_worker *worker = search->worker;
    optimal_shared *optimal = search->shared;
    const ln_mapspace *mapspace = optimal->mapspace;
    ln_search_statistics *statistics = &worker->statistics;
    ln_tiling *tiling = &search->tiling;
    for (uint32_t j = 0; j < optimal->slot_count; j++)
        memcpy(tiling->factors[optimal->slot_level[j]], search->factors[j], sizeof tiling->factors[0]);
    ln_mapspace_arrange(mapspace, tiling);
    statistics->factorizations++;
    ln_count bypasses = ln_mapspace_bypass_choices(mapspace);
    ln_count all = ln_mapspace_subspace_size(mapspace, LN_SUBSPACE_PERMUTATION) *
                   ln_mapspace_subspace_size(mapspace, LN_SUBSPACE_SPATIAL_SPLIT);
    if (tiling->infeasible != LN_REJECTION_REASON_COUNT) {
        statistics->factorizations_rejected++;
        count_pruned(search, LN_PRUNE_INFEASIBLE, 1, all * bypasses);
        return;
    }
    count_pruned(search, LN_PRUNE_EQUIVALENT, 0, (all - tiling->permutations * tiling->splits) * bypasses);
    if (++search->leaves % REFRESH_EVERY == 0)
        refresh_bound(search);
    bool by_lower_bound = cut_by_bound(search, optimal->slot_count);
    if (by_lower_bound || cut_by_energy(search)) {
        count_pruned(search, by_lower_bound ? LN_PRUNE_BOUND : LN_PRUNE_TENSOR_BOUND, 1,
                     tiling->permutations * tiling->splits * bypasses);
        return;
    }
    search->certificate.factorizations_walked++;
    search->memo_generation++;
    /* The fan-outs' orders and splits outside (one that cannot be
     * constructed rules out every temporal order under it), the temporal
     * orders inside, each level's order rewritten only when it changes. */
    uint32_t spatial_levels[LN_MAX_TILING_LEVELS], temporal_levels[LN_MAX_TILING_LEVELS];
    uint32_t spatial_count = 0, temporal_count = 0;
    ln_count spatial_choices = 1, temporal_choices = 1;
    for (uint32_t t = 0; t < mapspace->tiling_level_count; t++) {
        uint32_t orders = factorial_of(tiling->order_length[t]);
        if (mapspace->levels[t].spatial) {
            spatial_levels[spatial_count++] = t;
            spatial_choices *= (ln_count)orders * tiling->split_choices[t];
        } else if (tiling->order_length[t] > 1) {
            uint32_t classes = order_classes(search, t);
            temporal_levels[temporal_count++] = t;
            temporal_choices *= classes ? classes : orders;
        }
    }
    count_pruned(search, LN_PRUNE_SAME_REUSE, 0,
                 (tiling->permutations * tiling->splits - spatial_choices * temporal_choices) * bypasses);
    ln_mapspace_point *point = &search->point;
    ln_mapspace_point_of(mapspace, tiling, 0, 0, 0, point);
    uint32_t current[LN_MAX_TILING_LEVELS];
    for (uint32_t t = 0; t < LN_MAX_TILING_LEVELS; t++)
        current[t] = 0;
    for (ln_count spatial = 0; spatial < spatial_choices; spatial++) {
        ln_count rest = spatial;
        for (uint32_t i = 0; i < spatial_count; i++) {
            uint32_t t = spatial_levels[i], orders = factorial_of(tiling->order_length[t]);
            uint32_t order = (uint32_t)(rest % orders);
            rest /= orders;
            uint32_t split = (uint32_t)(rest % tiling->split_choices[t]);
            rest /= tiling->split_choices[t];
            memcpy(point->order[t], tiling->order[t], optimal->dimensions);
            permutation_of(point->order[t] + tiling->order_begin[t], tiling->order_length[t], order);
            point->split[t] = (uint8_t)(tiling->split_base[t] + split);
        }
        if (!fanouts_constructible(search, point)) {
            count_pruned(search, LN_PRUNE_CONSTRUCTION, 0, temporal_choices * bypasses);
            continue;
        }
        for (ln_count temporal = 0; temporal < temporal_choices; temporal++) {
            if (stopped(search))
                return;
            rest = temporal;
            for (uint32_t i = 0; i < temporal_count; i++) {
                uint32_t t = temporal_levels[i], classes = search->class_count[t];
                uint32_t choices = classes ? classes : factorial_of(tiling->order_length[t]);
                uint32_t index = (uint32_t)(rest % choices);
                rest /= choices;
                uint32_t order = classes ? search->class_orders[t][index] : index;
                if (order != current[t] || temporal == 0) {
                    memcpy(point->order[t], tiling->order[t], optimal->dimensions);
                    permutation_of(point->order[t] + tiling->order_begin[t], tiling->order_length[t], order);
                    current[t] = order;
                }
            }
            if (walk_candidates(search, bypasses) == bypasses) {
                /* The check depends only on the factors and keep/bypass:
                 * every other order and split fails it too. */
                ln_count others = spatial_choices * temporal_choices - (spatial * temporal_choices + temporal + 1);
                count_pruned(search, LN_PRUNE_CHECK_ALL_ORDERS, 0, others * bypasses);
                return;
            }
        }
    }
}

/* ------------------------------------------------------------------ */
/* The walk                                                             */
/* ------------------------------------------------------------------ */

/* Tiles of storage level `level` with only the tensors a constraint makes
 * it keep overflow it? (All tiling levels up to its temporal one are
 * assigned when the walk completes that one.) */
static bool forced_tiles_overflow(const optimal_worker *search, uint32_t level, bool from_above)
{
    const optimal_shared *optimal = search->shared;
    const ln_mapspace *mapspace = optimal->mapspace;
    const ln_storage_level *storage = &mapspace->arch->storage[level];
    ln_tensor_mask forced = mapspace->fixed_keep[level];
    if (!storage->size_specified || !forced)
        return false;
    uint32_t temporal = (uint32_t)mapspace->temporal_tiling[level];
    uint64_t extents[LN_MAX_DIMENSIONS];
    for (uint32_t d = 0; d < optimal->dimensions; d++)
        extents[d] = from_above ? mapspace->dimensions[d].bound : 1;
    for (uint32_t j = 0; j < optimal->slot_count; j++) {
        bool inside = optimal->slot_level[j] <= temporal;
        if (inside != from_above)
            for (uint32_t d = 0; d < optimal->dimensions; d++)
                extents[d] = from_above ? extents[d] / search->factors[j][d] : extents[d] * search->factors[j][d];
    }
    double confidence = storage->allow_overbooking ? mapspace->confidence[level] : 1.0;
    uint64_t required = 0;
    for (uint32_t t = 0; t < optimal->tensors; t++) {
        if (!(forced & (1u << t)))
            continue;
        uint64_t words = ln_mapspace_tile_words(mapspace, t, extents);
        if (confidence < 1.0)
            words = (uint64_t)ceil((double)words * confidence);
        required += words;
    }
    return required > storage->effective_size;
}

/* A partial walk (slots [0, slot] assigned: every fan-out, the outermost
 * level's loops, maybe inner levels) completed for a bound: the loops
 * still unassigned all at level `holder` (below the outermost), the orders
 * of `holder` and of the outermost level all free (a bound may range over
 * more mappings than the mapspace holds). */
static void complete_partially(optimal_worker *search, uint32_t slot, uint32_t holder)
{
    optimal_shared *optimal = search->shared;
    const ln_mapspace *mapspace = optimal->mapspace;
    ln_tiling *tiling = &search->partial;
    uint32_t dimensions = optimal->dimensions;
    for (uint32_t level = 0; level < mapspace->tiling_level_count; level++)
        for (uint32_t d = 0; d < LN_MAX_DIMENSIONS; d++)
            tiling->factors[level][d] = 1;
    for (uint32_t j = 0; j <= slot; j++)
        memcpy(tiling->factors[optimal->slot_level[j]], search->factors[j], sizeof tiling->factors[0]);
    uint32_t rest = (uint32_t)mapspace->temporal_tiling[holder];
    for (uint32_t d = 0; d < dimensions; d++)
        tiling->factors[rest][d] = optimal->walk[d].divisors[search->remaining[d]];
    ln_mapspace_arrange(mapspace, tiling);
    uint32_t relaxed[2] = {optimal->top_tiling, rest};
    for (uint32_t i = 0; i < 2; i++) {
        for (uint32_t d = 0; d < dimensions; d++)
            tiling->order[relaxed[i]][d] = (uint8_t)d;
        tiling->order_begin[relaxed[i]] = 0;
        tiling->order_length[relaxed[i]] = (uint8_t)dimensions;
    }
}


/* The walk has assigned every fan-out, the outermost level's loops and the
 * temporal levels up to storage level `cut` (slots [0, slot]): true when
 * no completion can beat the best. A keyed tensor costs at the levels up
 * to `cut` at least what it costs there when every loop still unassigned
 * stands just above `cut`, its irrelevant loops innermost (its tiles at
 * `cut` then change the fewest times, and everything below follows those
 * changes: docs/mapper.md); the level that feeds those tiles spends at
 * least its reads of them; the outermost level at least the compulsory
 * traffic. */
static bool cut_inside(optimal_worker *search, uint32_t slot, uint32_t cut)
{
    optimal_shared *optimal = search->shared;
    const ln_mapspace *mapspace = optimal->mapspace;
    if (!optimal->energy_matters)
        return false;
    complete_partially(search, slot, mapspace->arch->storage_count - 2);
    bounds bound = lower_bounds(search, optimal->slot_count);
    double energy = bound.energy;
    for (uint32_t t = 0; t < optimal->tensors; t++) {
        if (!optimal->keyed[t])
            continue;
        bound_mode mode = {cut, true, optimal->compulsory[t]};
        double inside = tensor_bound(search, &search->partial, t, &mode);
        if (isnan(inside) || isinf(inside))
            continue;
        energy += inside;
        bound.energy = energy;
        if (bounds_cut(search, bound))
            return true;
    }
    return false;
}

/* A fan-out's factors are assigned (slot `slot`): does some order and
 * split its constraints allow fit them along X and along Y? (The walk
 * checks only their product against the whole fan-out.) */
static bool fanout_fits(optimal_worker *search, uint32_t slot)
{
    optimal_shared *optimal = search->shared;
    const ln_mapspace *mapspace = optimal->mapspace;
    uint32_t level_index = optimal->slot_level[slot];
    const tiling_level_spec *level = &mapspace->levels[level_index];
    ln_tiling *tiling = &search->partial;
    uint32_t dimensions = optimal->dimensions;
    for (uint32_t l = 0; l < mapspace->tiling_level_count; l++)
        for (uint32_t d = 0; d < LN_MAX_DIMENSIONS; d++)
            tiling->factors[l][d] = 1;
    memcpy(tiling->factors[level_index], search->factors[slot], sizeof tiling->factors[0]);
    ln_mapspace_arrange(mapspace, tiling);
    uint32_t begin = tiling->order_begin[level_index], length = tiling->order_length[level_index];
    uint32_t orders = factorial_of(length);
    for (uint32_t p = 0; p < orders; p++) {
        uint8_t order[LN_MAX_DIMENSIONS];
        memcpy(order, tiling->order[level_index], dimensions);
        permutation_of(order + begin, length, p);
        for (uint32_t s = 0; s < tiling->split_choices[level_index]; s++) {
            uint64_t x, y;
            ln_mapspace_spatial_extent(mapspace, search->factors[slot], order, tiling->split_base[level_index] + s,
                                       &x, &y);
            if (x <= level->fanout_x && y <= level->fanout_y)
                return true;
        }
    }
    return false;
}

static void walk(optimal_worker *search, uint32_t slot, uint32_t dimension, uint64_t product);

/* The slot's factors are all assigned: check it, then go on. */
static void finish_slot(optimal_worker *search, uint32_t slot)
{
    const optimal_shared *optimal = search->shared;
    const ln_mapspace *mapspace = optimal->mapspace;
    const tiling_level_spec *level = &mapspace->levels[optimal->slot_level[slot]];
    /* (The outermost level's tiles are the whole tensors, whatever the
     * walk: it is assigned first, before the inner levels this check
     * multiplies.) */
    bool outermost = optimal->slot_level[slot] == optimal->top_tiling;
    if (!level->spatial && !outermost && forced_tiles_overflow(search, level->storage_level, false)) {
        count_pruned(search, LN_PRUNE_CAPACITY, completions(search, slot + 1, 0), 0);
        return;
    }
    if (level->spatial && !fanout_fits(search, slot)) {
        count_pruned(search, LN_PRUNE_FANOUT, completions(search, slot + 1, 0), 0);
        return;
    }
    if (cut_by_bound(search, slot + 1)) {
        count_pruned(search, LN_PRUNE_BOUND,
                     completions(search, slot + 1, 0), 0);
        return;
    }
    /* With the outermost level's loops assigned, the level below holds
     * everything else: its tiles are known. */
    if (outermost && mapspace->arch->storage_count > 1 &&
        forced_tiles_overflow(search, mapspace->arch->storage_count - 2, true)) {
        count_pruned(search, LN_PRUNE_CAPACITY, completions(search, slot + 1, 0), 0);
        return;
    }
    /* Inner levels settled with two or more temporal levels still open
     * (with one, the next step is a whole factorization, bounded there). */
    if (!level->spatial && (uint32_t)level->storage_level + 2 < mapspace->arch->storage_count &&
        cut_inside(search, slot, (uint32_t)level->storage_level)) {
        count_pruned(search, LN_PRUNE_INNER_BOUND,
                     completions(search, slot + 1, 0), 0);
        return;
    }
    walk(search, slot + 1, 0, 1);
}

static void walk(optimal_worker *search, uint32_t slot, uint32_t dimension, uint64_t product)
{
    const optimal_shared *optimal = search->shared;
    if (stopped(search))
        return;
    if (slot == optimal->slot_count) {
        visit_factorization(search);
        return;
    }
    if (dimension == optimal->dimensions) {
        finish_slot(search, slot);
        return;
    }
    const ln_mapspace *mapspace = optimal->mapspace;
    const tiling_level_spec *level = &mapspace->levels[optimal->slot_level[slot]];
    uint64_t fanout = level->spatial ? level->fanout_x * level->fanout_y : UINT64_MAX;
    const walk_dimension *walk_d = &optimal->walk[dimension];
    uint32_t r = search->remaining[dimension];
    const uint32_t *choice = &walk_d->choices[walk_d->choice_begin[(size_t)slot * walk_d->divisor_count + r]];
    const uint32_t *end = &walk_d->choices[walk_d->choice_begin[(size_t)slot * walk_d->divisor_count + r + 1]];
    for (; choice < end; choice++) {
        uint32_t factor = walk_d->divisors[*choice];
        search->factors[slot][dimension] = factor;
        search->remaining[dimension] = index_of(walk_d, walk_d->divisors[r] / factor);
        if (product * factor > fanout) {
            /* A fan-out's loops exceed it whatever the split. */
            count_pruned(search, LN_PRUNE_FANOUT, completions(search, slot, dimension + 1), 0);
        } else {
            walk(search, slot, dimension + 1, product * factor);
        }
        search->remaining[dimension] = r;
    }
}

/* ------------------------------------------------------------------ */
/* Threads                                                              */
/* ------------------------------------------------------------------ */

static bounds item_bounds(optimal_worker *search, const walk_item *item)
{
    const optimal_shared *optimal = search->shared;
    for (uint32_t j = 0; j < optimal->item_depth; j++)
        memcpy(search->factors[j], item->factors[j], sizeof item->factors[j]);
    return lower_bounds(search, optimal->item_depth);
}

void ln_optimal_run_worker(mapper_worker *worker)
{
    mapper_shared *shared = worker->shared;
    optimal_shared *optimal = shared->optimal;
    optimal_worker *search = calloc(1, sizeof *search);
    if (!search) {
        worker->stop = LN_SEARCH_STOP_INTERRUPTED;
        return;
    }
    worker->optimal = search;
    search->worker = worker;
    search->shared = optimal;
    search->settings = shared->settings;
    search->metric_count = shared->settings->metric_count;
    search->certificate.present = true;
    search->memo = calloc((size_t)optimal->tensors * MEMO_SIZE, sizeof *search->memo);
    /* A stop that comes once this thread has finished its last subtree,
     * with none left to take, ends nothing: the walk is complete. */
    bool cut_short = false;
    for (;;) {
        bool left = atomic_load(&optimal->next_item) < optimal->item_count;
        if (stopped(search) && (left || cut_short)) {
            int stop = atomic_load(&shared->stop);
            worker->stop = stop ? (ln_search_stop)(stop - 1) : LN_SEARCH_STOP_VISIT_LIMIT;
            return;
        }
        uint64_t item = atomic_fetch_add(&optimal->next_item, 1);
        if (item >= optimal->item_count)
            break;
        search->item = item;
        search->sequence = 0;
        refresh_bound(search);
        for (uint32_t d = 0; d < optimal->dimensions; d++)
            search->remaining[d] = optimal->walk[d].divisor_count - 1;
        walk_item *top = &optimal->items[item];
        /* Replay the item's factors slot by slot with the walk's checks,
         * then walk below them. A rule that removes the item counts the
         * item's own completions only (other items share its first
         * slots), so the replay goes on to the item's last slot first. */
        int removed_by = -1;
        const ln_mapspace *mapspace = optimal->mapspace;
        for (uint32_t j = 0; j < optimal->item_depth; j++) {
            uint64_t product = 1;
            for (uint32_t d = 0; d < optimal->dimensions; d++) {
                const walk_dimension *walk_d = &optimal->walk[d];
                search->factors[j][d] = top->factors[j][d];
                search->remaining[d] = index_of(walk_d, walk_d->divisors[search->remaining[d]] / top->factors[j][d]);
                product *= top->factors[j][d];
            }
            if (removed_by >= 0)
                continue;
            const tiling_level_spec *level = &mapspace->levels[optimal->slot_level[j]];
            if (level->spatial && (product > level->fanout_x * level->fanout_y || !fanout_fits(search, j)))
                removed_by = LN_PRUNE_FANOUT;
            else if (!level->spatial && optimal->slot_level[j] != optimal->top_tiling &&
                     forced_tiles_overflow(search, level->storage_level, false))
                removed_by = LN_PRUNE_CAPACITY;
            else if (cut_by_bound(search, j + 1))
                removed_by = LN_PRUNE_BOUND;
            else if (optimal->slot_level[j] == optimal->top_tiling && mapspace->arch->storage_count > 1 &&
                     forced_tiles_overflow(search, mapspace->arch->storage_count - 2, true))
                removed_by = LN_PRUNE_CAPACITY;
            else if (!level->spatial && (uint32_t)level->storage_level + 2 < mapspace->arch->storage_count &&
                     cut_inside(search, j, (uint32_t)level->storage_level))
                removed_by = LN_PRUNE_INNER_BOUND;
        }
        if (removed_by >= 0)
            count_pruned(search, (ln_pruning_rule)removed_by, completions(search, optimal->item_depth, 0), 0);
        else
            walk(search, optimal->item_depth, 0, 1);
        if (stopped(search))
            cut_short = true;
        else
            top->done = true;
    }
    worker->stop = LN_SEARCH_STOP_EXHAUSTED;
}

static int compare_points(const void *a, const void *b)
{
    const ln_pareto_point *x = a, *y = b;
    if (x->cycles != y->cycles)
        return x->cycles < y->cycles ? -1 : 1;
    return x->energy < y->energy ? -1 : x->energy > y->energy;
}

void ln_optimal_finish(mapper_shared *shared, ln_search_result *result)
{
    optimal_shared *optimal = shared->optimal;
    uint32_t metrics = shared->settings->metric_count;
    ln_search_certificate *certificate = &result->certificate;
    memset(certificate, 0, sizeof *certificate);
    certificate->present = true;
    /* The best: least metrics, then first in the walk. */
    const optimal_worker *best = NULL;
    uint32_t fronts = 0;
    for (uint32_t i = 0; i < shared->threads; i++) {
        const optimal_worker *search = shared->workers[i].optimal;
        if (!search)
            continue;
        for (int rule = 0; rule < LN_PRUNING_RULE_COUNT; rule++) {
            certificate->pruned[rule].events += search->certificate.pruned[rule].events;
            certificate->pruned[rule].factorizations += search->certificate.pruned[rule].factorizations;
            certificate->pruned[rule].candidates += search->certificate.pruned[rule].candidates;
        }
        certificate->factorizations_walked += search->certificate.factorizations_walked;
        fronts += search->front_count;
        if (!search->found)
            continue;
        if (!best) {
            best = search;
            continue;
        }
        int order = compare(search->worker->best_metrics, best->worker->best_metrics, metrics);
        if (order < 0 || (order == 0 && (search->best_item < best->best_item ||
                                         (search->best_item == best->best_item &&
                                          search->best_sequence < best->best_sequence))))
            best = search;
    }
    result->found = best != NULL;
    if (best) {
        result->best = best->worker->best;
        memcpy(result->best_metrics, best->worker->best_metrics, sizeof result->best_metrics);
    }
    /* Cut short before the walk found anything as good: the quick search's
     * mapping is the best known (the walk finds it, or a tie, when it
     * runs to the end). */
    if (optimal->seeded && (!best || compare(optimal->seed_metrics, result->best_metrics, metrics) < 0)) {
        result->found = true;
        result->best = optimal->seed;
        memcpy(result->best_metrics, optimal->seed_metrics, sizeof result->best_metrics);
    }
    /* Covered when every top subtree was finished. */
    bool covered = true;
    /* Everything covered is no better than the answer (the bounds cut
     * against it or the seed); the rest lies in unfinished subtrees. */
    double lower = result->found ? result->best_metrics[0] : INFINITY;
    for (uint64_t i = 0; i < optimal->item_count; i++) {
        if (optimal->items[i].done)
            continue;
        covered = false;
        if (optimal->items[i].lower_bound[0] < lower)
            lower = optimal->items[i].lower_bound[0];
    }
    certificate->optimal = covered;
    if (!covered) {
        certificate->has_lower_bound = true;
        certificate->lower_bound = lower;
    }
    /* The Pareto front: the threads' fronts merged, ties to the first in
     * the walk. */
    if (shared->settings->pareto && fronts) {
        pareto_entry *all = malloc(fronts * sizeof *all);
        uint32_t count = 0;
        for (uint32_t i = 0; all && i < shared->threads; i++) {
            const optimal_worker *search = shared->workers[i].optimal;
            if (search && search->front_count) {
                memcpy(all + count, search->front, search->front_count * sizeof *all);
                count += search->front_count;
            }
        }
        result->pareto = all ? malloc(count * sizeof *result->pareto) : NULL;
        for (uint32_t i = 0; result->pareto && i < count; i++) {
            bool keep = true;
            for (uint32_t j = 0; j < count && keep; j++) {
                if (i == j)
                    continue;
                const pareto_entry *a = &all[j], *b = &all[i];
                bool weakly = a->energy <= b->energy && a->cycles <= b->cycles;
                bool equal = a->energy == b->energy && a->cycles == b->cycles;
                if (weakly && !equal)
                    keep = false;
                else if (equal && (a->item < b->item || (a->item == b->item && a->sequence < b->sequence)))
                    keep = false;
            }
            if (!keep)
                continue;
            ln_pareto_point *point = &result->pareto[result->pareto_count++];
            point->energy = all[i].energy;
            point->cycles = all[i].cycles;
            point->mapping = all[i].mapping;
        }
        if (result->pareto)
            qsort(result->pareto, result->pareto_count, sizeof *result->pareto, compare_points);
        free(all);
    }
    for (uint32_t i = 0; i < shared->threads; i++) {
        optimal_worker *search = shared->workers[i].optimal;
        if (search) {
            free(search->front);
            free(search->memo);
            free(search->class_table);
            for (uint32_t t = 0; t < LN_MAX_TILING_LEVELS; t++)
                free(search->class_orders[t]);
            free(search);
            shared->workers[i].optimal = NULL;
        }
    }
}
