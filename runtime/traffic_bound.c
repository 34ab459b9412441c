/* Orojenesis's data-movement bound by exhaustive evaluation of the
 * single-buffer mapspace (runtime/traffic_bound.h says what and why).
 *
 * The walk visits every tile shape (a divisor of each bound per dimension)
 * and, for each, the orders of its outer loops that can differ; each
 * candidate is one engine evaluation. A tile's footprint does not depend on
 * the order, so each tile offers its least traffic once to the frontier,
 * which keeps only the points no other point beats on both footprint and
 * traffic. */
#include "runtime/traffic_bound.h"

#include <stdlib.h>
#include <string.h>

#include "runtime/divisors.h"

typedef struct bound_walk {
    const ln_spec *spec;
    const ln_engine *engine;
    const ln_traffic_bound_control *control;
    ln_diagnostics *diagnostics;
    ln_traffic_bound *result;
    uint64_t cap;
    bool stopped; /* the cap was reached */
    bool failed;  /* an evaluation the model refused, or out of memory */

    uint32_t dimensions, tensors;
    uint32_t buffer, backing;
    uint32_t divisor_count[LN_MAX_DIMENSIONS];
    uint32_t *divisors[LN_MAX_DIMENSIONS]; /* ascending */
    uint32_t relevant[LN_MAX_TENSORS];     /* dimensions each tensor's projection follows */
    /* Every tensor's ranks each follow one dimension: orders with the same
     * loops inside each tensor's innermost relevant loop are equivalent. */
    bool classes_apply;

    ln_mapping mapping;
    void *scratch;
    ln_evaluation *evaluation;
    uint32_t frontier_capacity;

    /* The tile being walked. */
    uint32_t tile[LN_MAX_DIMENSIONS];
    uint32_t outer_count;               /* loops above the buffer with a factor above 1 */
    uint8_t outer[LN_MAX_DIMENSIONS];   /* their dimensions, ascending */
    uint64_t footprint;
    bool tile_evaluated;
    uint64_t tile_best;
    uint8_t tile_best_order[LN_MAX_DIMENSIONS]; /* innermost first */

    /* Order classes seen for this tile: an open-addressing set of keys
     * (every tensor's inside loops, 16 bits per tensor). */
    uint64_t (*class_keys)[2];
    uint32_t *class_stamps;
    uint32_t class_capacity, class_count, class_stamp;
} bound_walk;

/* ------------------------------------------------------------------ */
/* Setup                                                                */
/* ------------------------------------------------------------------ */

int32_t ln_traffic_bound_buffer_level(const ln_arch *arch)
{
    if (arch->storage_count < 2)
        return -1;
    for (uint32_t level = arch->storage_count - 1; level-- > 0;)
        if (!arch->storage[level].is_dummy)
            return (int32_t)level;
    return -1;
}

bool ln_traffic_bound_check(const ln_spec *spec, ln_diagnostics *diagnostics)
{
    if (!spec->has_problem) {
        ln_error(diagnostics, ln_location_none(), "add a problem: section (or a problem block in a .nest file)",
                 "no problem to bound");
        return false;
    }
    if (!spec->has_arch || spec->arch.storage_count == 0) {
        ln_error(diagnostics, ln_location_none(),
                 "add an architecture: section with a backing store and a buffer below it",
                 "no architecture to bound");
        return false;
    }
    const ln_arch *arch = &spec->arch;
    const ln_storage_level *backing = &arch->storage[arch->storage_count - 1];
    if (ln_traffic_bound_buffer_level(arch) < 0) {
        ln_error(diagnostics, backing->location.file ? backing->location : arch->location,
                 "add a storage level (a buffer) between the backing store and the compute units",
                 "the bound needs a storage level below the outermost one (%s), and the architecture has none",
                 backing->name ? backing->name : "the backing store");
        return false;
    }
    const ln_problem *problem = &spec->problem;
    for (uint32_t d = 0; d < problem->dimension_count; d++) {
        int64_t bound = problem->dimension_bounds[d];
        if (bound < 1 || bound > (int64_t)UINT32_MAX) {
            ln_error(diagnostics,
                     problem->dimension_locations[d].file ? problem->dimension_locations[d] : problem->location,
                     "give every dimension a bound from 1 to 4294967295",
                     "dimension %s has bound %lld; the bound needs every dimension's bound from 1 to 4294967295",
                     problem->dimension_names[d] ? problem->dimension_names[d] : "?", (long long)bound);
            return false;
        }
    }
    return true;
}

static bool find_divisors(bound_walk *walk, uint32_t d, uint32_t bound)
{
    uint32_t all[LN_MAX_DIVISORS];
    uint32_t count = ln_divisors_ascending(bound, all);
    uint32_t *divisors = malloc(count * sizeof *divisors);
    if (!divisors)
        return false;
    memcpy(divisors, all, count * sizeof *all);
    walk->divisors[d] = divisors;
    walk->divisor_count[d] = count;
    return true;
}

static void find_relevance(bound_walk *walk)
{
    const ln_problem *problem = &walk->spec->problem;
    walk->classes_apply = true;
    for (uint32_t t = 0; t < walk->tensors; t++) {
        const ln_tensor *tensor = &problem->tensors[t];
        for (uint32_t r = 0; r < tensor->rank_count; r++) {
            const ln_projection_rank *rank = &tensor->ranks[r];
            if (rank->term_count > 1)
                walk->classes_apply = false;
            for (uint32_t k = 0; k < rank->term_count; k++) {
                const ln_projection_term *term = &rank->terms[k];
                /* A zero coefficient makes a dimension look relevant that
                 * moves nothing; the classes would then merge orders that
                 * differ, so such a problem walks every order. */
                if (term->coefficient >= 0 && problem->coefficient_values[term->coefficient] == 0)
                    walk->classes_apply = false;
                walk->relevant[t] |= 1u << term->dimension;
            }
        }
    }
}

/* The candidate mapping's fixed part: every level bypassed by every tensor
 * with factors of 1, but the buffer and the backing store, which keep
 * everything. */
static void prepare_mapping(bound_walk *walk)
{
    const ln_arch *arch = &walk->spec->arch;
    ln_mapping *mapping = &walk->mapping;
    ln_mapping_init_neutral(mapping, &walk->spec->problem, arch->storage_count);
    ln_tensor_mask all = (ln_tensor_mask)((1u << walk->tensors) - 1);
    for (uint32_t level = 0; level < arch->storage_count; level++) {
        ln_mapping_level *entry = &mapping->levels[level];
        bool kept = level == walk->buffer || level == walk->backing;
        entry->keep = kept ? all : 0;
        entry->bypass = kept ? 0 : all;
        entry->has_temporal = kept;
    }
}

/* ------------------------------------------------------------------ */
/* Frontier                                                             */
/* ------------------------------------------------------------------ */

/* Adds (footprint, traffic) unless a point needs no more words and moves
 * no more; drops the points it beats. */
static bool frontier_offer(bound_walk *walk, uint64_t footprint, uint64_t traffic, const uint8_t *inner_first)
{
    ln_traffic_bound *result = walk->result;
    uint32_t low = 0, high = result->point_count;
    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        if (result->points[middle].footprint <= footprint)
            low = middle + 1;
        else
            high = middle;
    }
    /* points[low - 1] has the least traffic of the points that fit in
     * `footprint` words. */
    if (low > 0 && result->points[low - 1].traffic <= traffic)
        return true;
    uint32_t first = low > 0 && result->points[low - 1].footprint == footprint ? low - 1 : low;
    uint32_t last = low;
    while (last < result->point_count && result->points[last].traffic >= traffic)
        last++;
    /* Points [first, last) are beaten; one slot takes the new point. */
    if (first == last) {
        if (result->point_count == walk->frontier_capacity) {
            uint32_t capacity = walk->frontier_capacity ? 2 * walk->frontier_capacity : 64;
            ln_traffic_bound_point *points = realloc(result->points, capacity * sizeof *points);
            if (!points)
                return false;
            result->points = points;
            walk->frontier_capacity = capacity;
        }
        memmove(result->points + first + 1, result->points + first,
                (result->point_count - first) * sizeof *result->points);
        result->point_count++;
    } else if (last - first > 1) {
        memmove(result->points + first + 1, result->points + last,
                (result->point_count - last) * sizeof *result->points);
        result->point_count -= last - first - 1;
    }
    ln_traffic_bound_point *point = &result->points[first];
    memset(point, 0, sizeof *point);
    point->footprint = footprint;
    point->traffic = traffic;
    memcpy(point->tile, walk->tile, walk->dimensions * sizeof *point->tile);
    point->order_length = (uint8_t)walk->outer_count;
    for (uint32_t i = 0; i < walk->outer_count; i++)
        point->order[i] = inner_first[walk->outer_count - 1 - i];
    return true;
}

/* ------------------------------------------------------------------ */
/* Candidates                                                           */
/* ------------------------------------------------------------------ */

/* Evaluates the current tile with the outer loops in `inner_first` order
 * (innermost first). False stops the walk. */
static bool evaluate_order(bound_walk *walk, const uint8_t *inner_first)
{
    ln_traffic_bound *result = walk->result;
    if (walk->cap && result->evaluations >= walk->cap) {
        walk->stopped = true;
        return false;
    }
    ln_mapping_level *top = &walk->mapping.levels[walk->backing];
    uint8_t *permutation = top->temporal_permutation;
    uint32_t placed = 0;
    for (uint32_t i = 0; i < walk->outer_count; i++)
        permutation[placed++] = inner_first[i];
    for (uint32_t d = 0; d < walk->dimensions; d++)
        if (top->temporal_factors[d] == 1)
            permutation[placed++] = (uint8_t)d;
    ln_evaluation_status status =
        ln_engine_evaluate(walk->engine, &walk->mapping, walk->scratch, walk->evaluation);
    result->evaluations++;
    /* The buffer is the variable: a tile that overflows it (or fills too
     * little of it) still has the counts the bound is made of. */
    if (status != LN_EVALUATION_OK && status != LN_EVALUATION_CAPACITY &&
        status != LN_EVALUATION_MIN_UTILIZATION) {
        const ln_evaluation_failure *failure = walk->evaluation->failure_count ? &walk->evaluation->failures[0] : NULL;
        ln_error(walk->diagnostics, walk->spec->arch.location,
                 "the single-buffer mappings of this architecture cannot be evaluated; check its levels",
                 "the model refused a single-buffer mapping: %s",
                 failure ? failure->message : "no reason given");
        walk->failed = true;
        return false;
    }
    uint64_t traffic = walk->evaluation->levels[walk->backing].total_scalar_accesses;
    if (!walk->tile_evaluated) {
        uint64_t footprint = 0;
        for (uint32_t t = 0; t < walk->tensors; t++)
            footprint += walk->evaluation->levels[walk->buffer].tensors[t].tile_size;
        walk->footprint = footprint;
    }
    if (!walk->tile_evaluated || traffic < walk->tile_best) {
        walk->tile_evaluated = true;
        walk->tile_best = traffic;
        memcpy(walk->tile_best_order, inner_first, walk->outer_count);
    }
    if (walk->control && walk->control->progress && result->evaluations % LN_TRAFFIC_BOUND_PROGRESS_EVERY == 0)
        walk->control->progress(result, walk->control->context);
    return true;
}

/* Every order of the outer loops, in lexicographic order of their dimensions. */
static bool walk_every_order(bound_walk *walk)
{
    uint32_t count = walk->outer_count;
    uint8_t order[LN_MAX_DIMENSIONS];
    memcpy(order, walk->outer, count);
    for (;;) {
        if (!evaluate_order(walk, order))
            return false;
        /* The next permutation (order starts ascending). */
        if (count < 2)
            return true;
        int32_t i = (int32_t)count - 2;
        while (i >= 0 && order[i] >= order[i + 1])
            i--;
        if (i < 0)
            return true;
        uint32_t j = count - 1;
        while (order[j] <= order[i])
            j--;
        uint8_t swap = order[i];
        order[i] = order[j];
        order[j] = swap;
        for (uint32_t a = (uint32_t)i + 1, b = count - 1; a < b; a++, b--) {
            swap = order[a];
            order[a] = order[b];
            order[b] = swap;
        }
    }
}

static uint64_t class_hash(const uint64_t key[2])
{
    return (key[0] * 0x9e3779b97f4a7c15ull) ^ (key[1] * 0xc2b2ae3d27d4eb4full);
}

static bool grow_classes(bound_walk *walk)
{
    uint32_t capacity = walk->class_capacity ? 2 * walk->class_capacity : 256;
    uint64_t(*keys)[2] = calloc(capacity, sizeof *keys);
    uint32_t *stamps = calloc(capacity, sizeof *stamps);
    if (!keys || !stamps) {
        free(keys);
        free(stamps);
        return false;
    }
    for (uint32_t i = 0; i < walk->class_capacity; i++) {
        if (walk->class_stamps[i] != walk->class_stamp)
            continue;
        uint64_t hash = class_hash(walk->class_keys[i]);
        for (uint32_t probe = 0;; probe++) {
            uint32_t slot = (uint32_t)((hash + probe) & (capacity - 1));
            if (stamps[slot] != walk->class_stamp) {
                stamps[slot] = walk->class_stamp;
                keys[slot][0] = walk->class_keys[i][0];
                keys[slot][1] = walk->class_keys[i][1];
                break;
            }
        }
    }
    free(walk->class_keys);
    free(walk->class_stamps);
    walk->class_keys = keys;
    walk->class_stamps = stamps;
    walk->class_capacity = capacity;
    return true;
}

/* True when the order's class is new for this tile (and records it). */
static bool new_class(bound_walk *walk, const uint8_t *inner_first, bool *fresh)
{
    uint64_t inside[2] = {0, 0};
    for (uint32_t t = 0; t < walk->tensors; t++) {
        uint64_t mask = 0;
        for (uint32_t i = 0; i < walk->outer_count; i++) {
            if (walk->relevant[t] & (1u << inner_first[i]))
                break;
            mask |= 1u << inner_first[i];
        }
        inside[t / 4] |= mask << (16 * (t % 4));
    }
    if (2 * (walk->class_count + 1) > walk->class_capacity && !grow_classes(walk))
        return false;
    uint64_t hash = class_hash(inside);
    for (uint32_t probe = 0;; probe++) {
        uint32_t slot = (uint32_t)((hash + probe) & (walk->class_capacity - 1));
        if (walk->class_stamps[slot] != walk->class_stamp) {
            walk->class_stamps[slot] = walk->class_stamp;
            walk->class_keys[slot][0] = inside[0];
            walk->class_keys[slot][1] = inside[1];
            walk->class_count++;
            *fresh = true;
            return true;
        }
        if (walk->class_keys[slot][0] == inside[0] && walk->class_keys[slot][1] == inside[1]) {
            *fresh = false;
            return true;
        }
    }
}

/* The orders of the outer loops built innermost first, stopping once every
 * tensor has met a relevant loop: the loops placed after that cannot change
 * any tensor's inside set, so they go in ascending order. Prefixes that
 * give a class already seen are not evaluated. */
static bool walk_classes_from(bound_walk *walk, uint8_t *order, uint32_t placed, uint32_t used, uint32_t met)
{
    uint32_t all_tensors = (1u << walk->tensors) - 1;
    if (met == all_tensors || placed == walk->outer_count) {
        for (uint32_t i = 0; i < walk->outer_count; i++)
            if (!(used & (1u << walk->outer[i])))
                order[placed++] = walk->outer[i];
        bool fresh;
        if (!new_class(walk, order, &fresh)) {
            walk->failed = true;
            return false;
        }
        return !fresh || evaluate_order(walk, order);
    }
    for (uint32_t i = 0; i < walk->outer_count; i++) {
        uint32_t d = walk->outer[i];
        if (used & (1u << d))
            continue;
        uint32_t now_met = met;
        for (uint32_t t = 0; t < walk->tensors; t++)
            if (walk->relevant[t] & (1u << d))
                now_met |= 1u << t;
        order[placed] = (uint8_t)d;
        if (!walk_classes_from(walk, order, placed + 1, used | (1u << d), now_met))
            return false;
    }
    return true;
}

static bool walk_tile(bound_walk *walk, const uint32_t *index)
{
    const ln_problem *problem = &walk->spec->problem;
    ln_mapping_level *buffer = &walk->mapping.levels[walk->buffer];
    ln_mapping_level *top = &walk->mapping.levels[walk->backing];
    walk->outer_count = 0;
    for (uint32_t d = 0; d < walk->dimensions; d++) {
        uint32_t tile = walk->divisors[d][index[d]];
        uint32_t outer = (uint32_t)(problem->dimension_bounds[d] / tile);
        walk->tile[d] = tile;
        buffer->temporal_factors[d] = buffer->temporal_residuals[d] = tile;
        top->temporal_factors[d] = top->temporal_residuals[d] = outer;
        if (outer > 1)
            walk->outer[walk->outer_count++] = (uint8_t)d;
    }
    walk->tile_evaluated = false;
    walk->result->tiles_visited++;
    bool going;
    if (walk->classes_apply) {
        if (++walk->class_stamp == 0) {
            memset(walk->class_stamps, 0, walk->class_capacity * sizeof *walk->class_stamps);
            walk->class_stamp = 1;
        }
        walk->class_count = 0;
        uint8_t order[LN_MAX_DIMENSIONS];
        going = walk_classes_from(walk, order, 0, 0, 0);
    } else {
        going = walk_every_order(walk);
    }
    /* A tile cut short by the cap still offers what it reached: a real
     * candidate's traffic. */
    if (walk->tile_evaluated && !walk->failed &&
        !frontier_offer(walk, walk->footprint, walk->tile_best, walk->tile_best_order)) {
        walk->failed = true;
        return false;
    }
    return going;
}

/* ------------------------------------------------------------------ */
/* The walk                                                             */
/* ------------------------------------------------------------------ */

static void release_walk(bound_walk *walk)
{
    for (uint32_t d = 0; d < LN_MAX_DIMENSIONS; d++)
        free(walk->divisors[d]);
    free(walk->scratch);
    free(walk->evaluation);
    free(walk->class_keys);
    free(walk->class_stamps);
}

static void out_of_memory(ln_diagnostics *diagnostics)
{
    ln_error(diagnostics, ln_location_none(), NULL, "out of memory computing the traffic bound");
}

bool ln_traffic_bound_compute(const ln_spec *spec, const ln_engine *engine, uint64_t evaluation_cap,
                              const ln_traffic_bound_control *control, ln_traffic_bound *result,
                              ln_diagnostics *diagnostics)
{
    memset(result, 0, sizeof *result);
    if (!ln_traffic_bound_check(spec, diagnostics))
        return false;
    bound_walk *walk = calloc(1, sizeof *walk);
    if (!walk) {
        out_of_memory(diagnostics);
        return false;
    }
    walk->spec = spec;
    walk->engine = engine;
    walk->control = control;
    walk->diagnostics = diagnostics;
    walk->result = result;
    walk->cap = evaluation_cap;
    walk->dimensions = spec->problem.dimension_count;
    walk->tensors = spec->problem.tensor_count;
    walk->backing = spec->arch.storage_count - 1;
    walk->buffer = (uint32_t)ln_traffic_bound_buffer_level(&spec->arch);

    result->buffer_level = walk->buffer;
    result->backing_level = walk->backing;
    const ln_storage_level *buffer = &spec->arch.storage[walk->buffer];
    result->capacity_known = buffer->size_specified;
    if (buffer->size_specified) {
        uint64_t instances = buffer->instances ? buffer->instances : 1;
        result->capacity = buffer->effective_size > UINT64_MAX / instances ? UINT64_MAX
                                                                            : buffer->effective_size * instances;
    }

    bool ok = true;
    walk->scratch = calloc(1, ln_engine_scratch_size(engine));
    walk->evaluation = calloc(1, sizeof *walk->evaluation);
    ok = walk->scratch && walk->evaluation;
    result->tile_count = 1;
    for (uint32_t d = 0; ok && d < walk->dimensions; d++) {
        ok = find_divisors(walk, d, (uint32_t)spec->problem.dimension_bounds[d]);
        result->tile_count *= ok ? walk->divisor_count[d] : 1;
    }
    if (!ok) {
        out_of_memory(diagnostics);
        release_walk(walk);
        free(walk);
        ln_traffic_bound_release(result);
        return false;
    }
    find_relevance(walk);
    prepare_mapping(walk);

    /* The whole problem as one tile first: the compulsory traffic. */
    uint32_t index[LN_MAX_DIMENSIONS];
    for (uint32_t d = 0; d < walk->dimensions; d++)
        index[d] = walk->divisor_count[d] - 1;
    bool going = walk_tile(walk, index);
    result->compulsory = walk->tile_best;
    /* Then every tile, the first dimension's divisors counting fastest. */
    memset(index, 0, sizeof index);
    while (going) {
        going = walk_tile(walk, index);
        uint32_t d = 0;
        while (d < walk->dimensions && ++index[d] == walk->divisor_count[d])
            index[d++] = 0;
        if (d == walk->dimensions)
            break;
    }
    /* The whole-problem tile came first, so it was visited twice. */
    result->tiles_visited--;
    result->complete = !walk->stopped && !walk->failed;
    bool failed = walk->failed;
    release_walk(walk);
    free(walk);
    if (failed) {
        ln_traffic_bound_release(result);
        return false;
    }
    return true;
}

void ln_traffic_bound_release(ln_traffic_bound *result)
{
    free(result->points);
    result->points = NULL;
    result->point_count = 0;
}

const ln_traffic_bound_point *ln_traffic_bound_point_at(const ln_traffic_bound *result, uint64_t capacity)
{
    /* Traffic falls as the footprint grows: the last point that fits. */
    uint32_t low = 0, high = result->point_count;
    while (low < high) {
        uint32_t middle = low + (high - low) / 2;
        if (result->points[middle].footprint <= capacity)
            low = middle + 1;
        else
            high = middle;
    }
    return low > 0 ? &result->points[low - 1] : NULL;
}

bool ln_traffic_bound_at(const ln_traffic_bound *result, uint64_t capacity, uint64_t *traffic)
{
    const ln_traffic_bound_point *point = ln_traffic_bound_point_at(result, capacity);
    if (!point)
        return false;
    *traffic = point->traffic;
    return true;
}
