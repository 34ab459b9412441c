/* The mapper's threads: Timeloop's MapperThread::Run loop (termination
 * rules, failure bookkeeping, best-so-far) around the search algorithms of
 * runtime/search_*.c, with the cheap checks of the mapspace before every
 * full evaluation. */
#include "runtime/mapper.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/mapper_internal.h"
#include "runtime/search.h"

/* ------------------------------------------------------------------ */
/* Settings and metrics                                                 */
/* ------------------------------------------------------------------ */

static bool is_optimal(const char *name)
{
    return strcmp(name, "optimal") == 0;
}

void ln_mapper_settings_from_spec(const ln_spec *spec, ln_search_settings *settings)
{
    const ln_mapper_options *options = &spec->mapper;
    memset(settings, 0, sizeof *settings);
    const char *name = options->present && options->algorithm ? options->algorithm : "hybrid";
    const ln_search_algorithm *algorithm = ln_search_algorithm_named(name);
    settings->algorithm = is_optimal(name) ? "optimal" : algorithm ? algorithm->name : "hybrid";
    settings->metric_count = 1;
    settings->metrics[0] = LN_METRIC_EDP;
    settings->timeout = 1000;
    settings->victory_condition = 500;
    settings->max_permutations_per_if_visit = 16;
    settings->max_temporal_loops = -1;
    settings->seed = 1;
    settings->refine = true;
    if (!options->present)
        return;
    if (options->metric_count) {
        settings->metric_count = options->metric_count < LN_MAX_METRICS ? options->metric_count : LN_MAX_METRICS;
        memcpy(settings->metrics, options->metrics, settings->metric_count * sizeof *settings->metrics);
    }
    settings->threads = options->threads > 0 ? (uint32_t)options->threads : 0;
    settings->search_size = options->search_size > 0 ? (uint64_t)options->search_size : 0;
    settings->timeout = options->timeout > 0 ? (uint64_t)options->timeout : 0;
    settings->victory_condition = options->victory_condition > 0 ? (uint64_t)options->victory_condition : 0;
    settings->max_permutations_per_if_visit =
        options->max_permutations_per_if_visit > 0 ? (uint64_t)options->max_permutations_per_if_visit : 16;
    settings->sync_interval = options->sync_interval > 0 ? (uint64_t)options->sync_interval : 0;
    settings->max_temporal_loops = options->max_temporal_loops_in_a_mapping;
    settings->filter_revisits = options->filter_revisits;
    settings->penalize_consecutive_bypass_fails = options->penalize_consecutive_bypass_fails;
}

bool ln_mapper_algorithm_known(const char *name)
{
    return is_optimal(name) || ln_search_algorithm_named(name) != NULL;
}

double ln_mapper_metric(const ln_evaluation *evaluation, ln_metric metric)
{
    switch (metric) {
    case LN_METRIC_DELAY:
        return (double)evaluation->cycles;
    case LN_METRIC_ENERGY:
        return evaluation->energy;
    case LN_METRIC_EDP:
        return evaluation->energy * (double)evaluation->cycles;
    case LN_METRIC_LAST_LEVEL_ACCESSES:
        return (double)evaluation->levels[evaluation->level_count - 1].total_scalar_accesses;
    case LN_METRIC_AREA:
        return evaluation->area;
    }
    return evaluation->energy * (double)evaluation->cycles;
}

typedef enum betterness {
    BETTER,
    SLIGHTLY_BETTER,
    SLIGHTLY_WORSE,
    WORSE,
} betterness;

static betterness compare_metrics(const double *candidate, const double *incumbent, uint32_t index, uint32_t count)
{
    const double tolerance = 0.001;
    double improvement = incumbent[index] - candidate[index];
    double relative = incumbent[index] == 0 ? (candidate[index] == 0 ? 0 : improvement / candidate[index])
                                            : improvement / incumbent[index];
    if (fabs(relative) > tolerance)
        return relative > 0 ? BETTER : WORSE;
    if (index + 1 < count) {
        betterness rest = compare_metrics(candidate, incumbent, index + 1, count);
        if (rest == BETTER || rest == WORSE)
            return rest;
    }
    /* Equal counts as slightly worse: the incumbent stays. */
    return relative > 0 ? SLIGHTLY_BETTER : SLIGHTLY_WORSE;
}

bool ln_mapper_is_better(const double *candidate, const double *incumbent, uint32_t metric_count)
{
    betterness result = compare_metrics(candidate, incumbent, 0, metric_count);
    return result == BETTER || result == SLIGHTLY_BETTER;
}

/* ------------------------------------------------------------------ */
/* Shared state                                                         */
/* ------------------------------------------------------------------ */


double ln_mapper_now(void)
{
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (double)time.tv_sec + (double)time.tv_nsec * 1e-9;
}

static uint64_t split_mix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void tally(ln_search_statistics *statistics, ln_rejection_reason reason, int32_t level, int32_t tensor,
                  uint64_t required, uint64_t available)
{
    uint32_t level_slot = level >= 0 && level < LN_MAX_STORAGE_LEVELS ? (uint32_t)level + 1 : 0;
    uint32_t tensor_slot = tensor >= 0 && tensor < LN_MAX_TENSORS ? (uint32_t)tensor + 1 : 0;
    ln_rejection_tally *rejections = &statistics->rejections;
    uint64_t seen = 0;
    for (uint32_t t = 0; t <= LN_MAX_TENSORS; t++)
        seen += rejections->count[reason][level_slot][t];
    if (!seen) {
        rejections->required[reason][level_slot] = required;
        rejections->available[reason][level_slot] = available;
    }
    rejections->count[reason][level_slot][tensor_slot]++;
}

static void tally_evaluation(ln_search_statistics *statistics, const ln_evaluation *evaluation)
{
    const ln_evaluation_failure *failure = &evaluation->failures[0];
    ln_rejection_reason reason = LN_REJECTED_EVALUATION;
    if (evaluation->failure_count) {
        switch (failure->status) {
        case LN_EVALUATION_CAPACITY:
            reason = LN_REJECTED_CAPACITY;
            break;
        case LN_EVALUATION_MIN_UTILIZATION:
            reason = LN_REJECTED_MIN_UTILIZATION;
            break;
        case LN_EVALUATION_FANOUT:
            reason = LN_REJECTED_FANOUT;
            break;
        default:
            break;
        }
    }
    if (evaluation->failure_count)
        tally(statistics, reason, failure->level, failure->tensor, failure->required, failure->available);
    else
        tally(statistics, reason, -1, -1, 0, 0);
}

/* ------------------------------------------------------------------ */
/* Publishing and the barrier                                           */
/* ------------------------------------------------------------------ */

void ln_mapper_publish(mapper_worker *worker, uint64_t visited)
{
    mapper_shared *shared = worker->shared;
    uint32_t metrics = shared->settings->metric_count;
    pthread_mutex_lock(&shared->mutex);
    if (!shared->found || ln_mapper_is_better(worker->best_metrics, shared->best_metrics, metrics)) {
        shared->found = true;
        memcpy(shared->best_metrics, worker->best_metrics, sizeof shared->best_metrics);
        if (shared->improvement_count == shared->improvement_capacity) {
            uint32_t capacity = shared->improvement_capacity ? 2 * shared->improvement_capacity : 64;
            ln_search_improvement *grown = realloc(shared->improvements, capacity * sizeof *grown);
            if (grown) {
                shared->improvements = grown;
                shared->improvement_capacity = capacity;
            }
        }
        if (shared->improvement_count < shared->improvement_capacity) {
            ln_search_improvement *entry = &shared->improvements[shared->improvement_count++];
            entry->seconds = ln_mapper_now() - shared->start;
            entry->visited = visited;
            entry->thread = worker->index;
            memcpy(entry->metrics, worker->best_metrics, sizeof entry->metrics);
        }
    }
    pthread_mutex_unlock(&shared->mutex);
}

/* Every active worker arrives; the last merges their bests in worker order
 * (so the outcome does not depend on who came first) and each adopts the
 * merged best when it is better than its own. */
static void merge_deposits(mapper_shared *shared)
{
    uint32_t metrics = shared->settings->metric_count;
    for (uint32_t i = 0; i < shared->threads; i++) {
        mapper_worker *other = &shared->workers[i];
        if (!other->deposited || !other->found)
            continue;
        if (!shared->global_found || ln_mapper_is_better(other->best_metrics, shared->global_metrics, metrics)) {
            shared->global_found = true;
            memcpy(shared->global_metrics, other->best_metrics, sizeof shared->global_metrics);
            shared->global_best = other->best;
        }
    }
    for (uint32_t i = 0; i < shared->threads; i++)
        shared->workers[i].deposited = false;
    shared->arrived = 0;
    shared->generation++;
    pthread_cond_broadcast(&shared->changed);
}

static void synchronize(mapper_worker *worker)
{
    mapper_shared *shared = worker->shared;
    uint32_t metrics = shared->settings->metric_count;
    pthread_mutex_lock(&shared->mutex);
    worker->deposited = true;
    shared->arrived++;
    uint64_t generation = shared->generation;
    if (shared->arrived == shared->active)
        merge_deposits(shared);
    else
        while (shared->generation == generation && !atomic_load(&shared->stop))
            pthread_cond_wait(&shared->changed, &shared->mutex);
    if (shared->generation != generation && shared->global_found &&
        (!worker->found || ln_mapper_is_better(shared->global_metrics, worker->best_metrics, metrics))) {
        worker->found = true;
        worker->best = shared->global_best;
        memcpy(worker->best_metrics, shared->global_metrics, sizeof worker->best_metrics);
    }
    pthread_mutex_unlock(&shared->mutex);
}

static void leave(mapper_worker *worker)
{
    mapper_shared *shared = worker->shared;
    pthread_mutex_lock(&shared->mutex);
    shared->active--;
    if (shared->arrived && shared->arrived == shared->active)
        merge_deposits(shared);
    pthread_mutex_unlock(&shared->mutex);
}

static void finish(mapper_worker *worker)
{
    mapper_shared *shared = worker->shared;
    pthread_mutex_lock(&shared->mutex);
    shared->running--;
    pthread_cond_broadcast(&shared->changed);
    pthread_mutex_unlock(&shared->mutex);
}

/* Kicks in a row without improvement that end the refinement. */
enum { REFINEMENT_KICKS = 50 };

static void refinement_improved(ln_refinement_control *control, const ln_mapspace_point *point,
                                const double *metrics)
{
    mapper_worker *worker = control->context;
    (void)point;
    memcpy(worker->best_metrics, metrics, sizeof worker->best_metrics);
    ln_mapper_publish(worker, worker->statistics.visited + worker->statistics.refinement_visited);
}

static void refine(mapper_worker *worker)
{
    mapper_shared *shared = worker->shared;
    void *workspace = malloc(ln_search_refinement_workspace_size());
    if (!workspace)
        return;
    ln_refinement_control control = {&shared->stop, workspace, worker->scratch, worker->evaluation,
                                     refinement_improved, worker, worker->search.random[0] ^ 0x5851f42d4c957f2dull,
                                     REFINEMENT_KICKS};
    ln_search_refine(shared->engine, shared->mapspace, shared->settings, &control, &worker->best_point,
                     worker->best_metrics, &worker->best, &worker->statistics);
    free(workspace);
}

/* ------------------------------------------------------------------ */
/* A worker                                                             */
/* ------------------------------------------------------------------ */

static bool same_except_bypass(const ln_search_position *a, const ln_search_position *b)
{
    return a->factorization == b->factorization && a->permutation == b->permutation && a->split == b->split &&
           a->bypass != b->bypass;
}

static void *worker_run(void *argument)
{
    mapper_worker *worker = argument;
    mapper_shared *shared = worker->shared;
    const ln_search_settings *settings = shared->settings;
    const ln_search_algorithm *algorithm = shared->algorithm;
    ln_search_state *search = &worker->search;
    ln_search_statistics *statistics = &worker->statistics;
    uint32_t metric_count = settings->metric_count;
    uint64_t visited = 0, valid = 0, invalid = 0, since_improvement = 0;
    ln_search_position position, previous;
    memset(&previous, 0, sizeof previous);
    double metrics[LN_MAX_METRICS];

    if (shared->optimal) {
        ln_optimal_run_worker(worker);
        leave(worker);
        /* A quick first pass of the walk (it stopped at its visit limit)
         * hands its best to the refinement; a proof needs none. */
        if (settings->refine && worker->found && worker->stop == LN_SEARCH_STOP_VISIT_LIMIT)
            refine(worker);
        finish(worker);
        return NULL;
    }
    algorithm->start(search);
    for (;;) {
        int stop = atomic_load_explicit(&shared->stop, memory_order_relaxed);
        if (stop) {
            worker->stop = (ln_search_stop)(stop - 1);
            break;
        }
        if (shared->search_size && valid >= shared->search_size) {
            worker->stop = LN_SEARCH_STOP_SEARCH_SIZE;
            break;
        }
        if (settings->victory_condition && since_improvement >= settings->victory_condition) {
            worker->stop = LN_SEARCH_STOP_VICTORY;
            break;
        }
        if (settings->timeout && invalid >= settings->timeout) {
            worker->stop = LN_SEARCH_STOP_TIMEOUT;
            break;
        }
        if (settings->visit_limit && visited >= settings->visit_limit) {
            worker->stop = LN_SEARCH_STOP_VISIT_LIMIT;
            break;
        }
        if (!algorithm->next(search, &position)) {
            worker->stop = LN_SEARCH_STOP_EXHAUSTED;
            break;
        }
        if (settings->sync_interval && visited && visited % settings->sync_interval == 0)
            synchronize(worker);

        const ln_tiling *tiling = search->tiling;
        if (tiling->infeasible != LN_REJECTION_REASON_COUNT) {
            statistics->factorizations_rejected++;
            tally(statistics, tiling->infeasible, tiling->infeasible_level, -1, 0, 0);
            invalid++;
            algorithm->report(search, LN_SEARCH_FACTORIZATION_INFEASIBLE);
            continue;
        }
        bool only_bypass_changed = visited > 1 && same_except_bypass(&position, &previous);
        bool counts = settings->penalize_consecutive_bypass_fails || !only_bypass_changed;
        previous = position;
        visited++;
        atomic_store_explicit(&worker->visited_now, visited, memory_order_relaxed);

        ln_candidate_rejection rejection;
        ln_candidate_status status =
            ln_mapspace_build(shared->mapspace, tiling, position.permutation, position.split, position.bypass,
                              &worker->point, &worker->candidate, &rejection);
        if (status == LN_CANDIDATE_CONSTRUCTION_FAILED) {
            tally(statistics, rejection.reason, rejection.level, rejection.tensor, rejection.required,
                  rejection.available);
            invalid++;
            algorithm->report(search, LN_SEARCH_CONSTRUCTION_FAILED);
            continue;
        }
        if (status == LN_CANDIDATE_CHECK_FAILED) {
            tally(statistics, rejection.reason, rejection.level, rejection.tensor, rejection.required,
                  rejection.available);
            if (counts)
                invalid++;
            algorithm->report(search, LN_SEARCH_CHECK_FAILED);
            continue;
        }
        statistics->evaluated++;
        if (ln_engine_evaluate(shared->engine, &worker->candidate, worker->scratch, worker->evaluation) !=
            LN_EVALUATION_OK) {
            tally_evaluation(statistics, worker->evaluation);
            if (counts)
                invalid++;
            algorithm->report(search, LN_SEARCH_EVALUATION_FAILED);
            continue;
        }
        valid++;
        atomic_store_explicit(&worker->valid_now, valid, memory_order_relaxed);
        invalid = 0;
        algorithm->report(search, LN_SEARCH_VALID);
        for (uint32_t m = 0; m < metric_count; m++)
            metrics[m] = ln_mapper_metric(worker->evaluation, settings->metrics[m]);
        if (!worker->found || ln_mapper_is_better(metrics, worker->best_metrics, metric_count)) {
            worker->found = true;
            worker->best = worker->candidate;
            worker->best_point = worker->point;
            memcpy(worker->best_metrics, metrics, metric_count * sizeof *metrics);
            since_improvement = 0;
            uint64_t all_visited = 0;
            for (uint32_t i = 0; i < shared->threads; i++)
                all_visited += atomic_load_explicit(&shared->workers[i].visited_now, memory_order_relaxed);
            ln_mapper_publish(worker, all_visited);
        } else if (counts) {
            since_improvement++;
        }
    }
    statistics->visited = visited;
    statistics->valid = valid;
    statistics->rejected = visited - valid;
    statistics->factorizations = search->factorizations_entered;
    /* Threads still at the barrier must not wait for this one. */
    leave(worker);
    bool out_of_time = worker->stop == LN_SEARCH_STOP_TIME_LIMIT || worker->stop == LN_SEARCH_STOP_INTERRUPTED;
    if (settings->refine && worker->found && !out_of_time)
        refine(worker);
    finish(worker);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Running                                                              */
/* ------------------------------------------------------------------ */

static void add_statistics(ln_search_statistics *total, const ln_search_statistics *part)
{
    total->visited += part->visited;
    total->evaluated += part->evaluated;
    total->valid += part->valid;
    total->rejected += part->rejected;
    total->factorizations += part->factorizations;
    total->factorizations_rejected += part->factorizations_rejected;
    total->refinement_visited += part->refinement_visited;
    total->refinement_evaluated += part->refinement_evaluated;
    total->refinement_steps += part->refinement_steps;
    total->refinement_kicks += part->refinement_kicks;
    const uint64_t *from = &part->rejections.count[0][0][0];
    uint64_t *to = &total->rejections.count[0][0][0];
    size_t cells = sizeof part->rejections.count / sizeof part->rejections.count[0][0][0];
    for (size_t i = 0; i < cells; i++)
        to[i] += from[i];
    for (int reason = 0; reason < LN_REJECTION_REASON_COUNT; reason++)
        for (int level = 0; level <= LN_MAX_STORAGE_LEVELS; level++)
            if (!total->rejections.required[reason][level] && !total->rejections.available[reason][level]) {
                total->rejections.required[reason][level] = part->rejections.required[reason][level];
                total->rejections.available[reason][level] = part->rejections.available[reason][level];
            }
}

static uint32_t processor_count(void)
{
    long count = sysconf(_SC_NPROCESSORS_ONLN);
    return count > 0 ? (uint32_t)count : 1;
}

static void wait_briefly(mapper_shared *shared, double seconds)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    long nanoseconds = deadline.tv_nsec + (long)(seconds * 1e9);
    deadline.tv_sec += nanoseconds / 1000000000L;
    deadline.tv_nsec = nanoseconds % 1000000000L;
    pthread_mutex_lock(&shared->mutex);
    if (shared->running)
        pthread_cond_timedwait(&shared->changed, &shared->mutex, &deadline);
    pthread_mutex_unlock(&shared->mutex);
}

static void request_stop(mapper_shared *shared, ln_search_stop stop)
{
    int expected = 0;
    atomic_compare_exchange_strong(&shared->stop, &expected, (int)stop + 1);
    pthread_mutex_lock(&shared->mutex);
    pthread_cond_broadcast(&shared->changed);
    pthread_mutex_unlock(&shared->mutex);
}

static void report_progress(mapper_shared *shared, const ln_mapper_control *control)
{
    ln_mapper_progress progress;
    memset(&progress, 0, sizeof progress);
    progress.seconds = ln_mapper_now() - shared->start;
    for (uint32_t i = 0; i < shared->threads; i++) {
        progress.visited += atomic_load_explicit(&shared->workers[i].visited_now, memory_order_relaxed);
        progress.valid += atomic_load_explicit(&shared->workers[i].valid_now, memory_order_relaxed);
    }
    pthread_mutex_lock(&shared->mutex);
    progress.found = shared->found;
    memcpy(progress.best_metrics, shared->best_metrics, sizeof progress.best_metrics);
    pthread_mutex_unlock(&shared->mutex);
    control->progress(&progress, control->progress_context);
}

static ln_search_stop overall_stop(const ln_search_result *result, int requested)
{
    /* A time limit or an interrupt that came after every thread had gone
     * through its whole share ended nothing. */
    uint64_t threads = 0;
    for (int reason = 0; reason < LN_SEARCH_STOP_COUNT; reason++)
        threads += result->stops[reason];
    if (threads && result->stops[LN_SEARCH_STOP_EXHAUSTED] == threads)
        return LN_SEARCH_STOP_EXHAUSTED;
    if (requested)
        return (ln_search_stop)(requested - 1);
    ln_search_stop stop = LN_SEARCH_STOP_EXHAUSTED;
    uint64_t most = 0;
    for (int reason = 0; reason < LN_SEARCH_STOP_COUNT; reason++)
        if (reason != LN_SEARCH_STOP_EXHAUSTED && result->stops[reason] > most) {
            most = result->stops[reason];
            stop = (ln_search_stop)reason;
        }
    return stop;
}

bool ln_mapper_run(const ln_engine *engine, const ln_mapspace *mapspace, const ln_search_settings *settings,
                   const ln_mapper_control *control, ln_search_result *result, char *error, size_t error_size)
{
    memset(result, 0, sizeof *result);
    result->settings = *settings;
    for (int s = 0; s < LN_SUBSPACE_COUNT; s++)
        result->subspace_sizes[s] = ln_mapspace_subspace_size(mapspace, (ln_subspace)s);
    if (!ln_mapspace_size(mapspace, &result->size))
        result->size = LN_COUNT_MAX;

    const ln_search_algorithm *algorithm = ln_search_algorithm_named(settings->algorithm);
    bool optimal = is_optimal(settings->algorithm);
    if (!algorithm && !optimal) {
        snprintf(error, error_size, "unknown search algorithm '%s'", settings->algorithm);
        return false;
    }
    mapper_shared *shared = calloc(1, sizeof *shared);
    uint32_t threads = settings->threads ? settings->threads : processor_count();
    if (threads > 1024)
        threads = 1024;
    result->settings.threads = threads;
    mapper_worker *workers = shared ? calloc(threads, sizeof *workers) : NULL;
    if (!shared || !workers) {
        free(shared);
        snprintf(error, error_size, "out of memory starting the mapper");
        return false;
    }
    shared->engine = engine;
    shared->mapspace = mapspace;
    shared->settings = &result->settings;
    shared->algorithm = algorithm;
    shared->threads = threads;
    shared->workers = workers;
    shared->mapspace_size = result->size;
    /* Timeloop divides search_size between the threads. */
    shared->search_size = settings->search_size ? 1 + (settings->search_size - 1) / threads : 0;
    pthread_mutex_init(&shared->mutex, NULL);
    pthread_cond_init(&shared->changed, NULL);
    shared->active = threads;
    shared->running = threads;
    /* The optimal search starts with a bound from a quick heuristic search
     * (the answer still comes from the proof's own walk). */
    ln_search_result seed;
    memset(&seed, 0, sizeof seed);
    if (optimal && !settings->pareto && !settings->cold_start) {
        ln_search_settings quick = *settings;
        quick.algorithm = "random_pruned";
        quick.refine = true;
        quick.victory_condition = 200;
        quick.timeout = 2000;
        quick.search_size = 0;
        /* A bound worth having costs a small part of the proof: where
         * valid mappings are rare the rules above would not stop it. */
        quick.visit_limit = 20000;
        quick.time_limit = settings->time_limit > 0 && settings->time_limit < 2 ? settings->time_limit / 4 : 0.5;
        char ignored[64];
        if (!ln_mapper_run(engine, mapspace, &quick, control, &seed, ignored, sizeof ignored))
            seed.found = false;
        /* Where valid mappings are too rare for random draws, the walk's
         * own first valid mappings, refined, give the bound. */
        if (!seed.found) {
            ln_search_result_release(&seed);
            quick.algorithm = "optimal";
            quick.cold_start = true;
            if (!ln_mapper_run(engine, mapspace, &quick, control, &seed, ignored, sizeof ignored))
                seed.found = false;
        }
    }
    if (optimal && !ln_optimal_prepare(shared, &seed, error, error_size)) {
        ln_optimal_release(shared);
        pthread_cond_destroy(&shared->changed);
        pthread_mutex_destroy(&shared->mutex);
        free(workers);
        free(shared);
        return false;
    }
    shared->start = ln_mapper_now();

    ln_count factorizations = ln_mapspace_subspace_size(mapspace, LN_SUBSPACE_FACTORIZATION);
    uint64_t seed_state = settings->seed;
    bool ok = true;
    for (uint32_t i = 0; i < threads && ok; i++) {
        mapper_worker *worker = &workers[i];
        worker->shared = shared;
        worker->index = i;
        ln_search_state *search = &worker->search;
        search->mapspace = mapspace;
        search->tiling = &worker->tiling;
        search->share = i;
        search->shares = threads;
        search->factorizations = factorizations > i ? (factorizations - i + threads - 1) / threads : 0;
        search->bypass_choices = ln_mapspace_bypass_choices(mapspace);
        search->mapspace_size = result->size;
        search->max_permutations_per_visit = settings->max_permutations_per_if_visit;
        search->filter_revisits = settings->filter_revisits;
        for (int k = 0; k < 4; k++)
            search->random[k] = split_mix(&seed_state);
        worker->scratch = calloc(1, ln_engine_scratch_size(engine));
        worker->evaluation = calloc(1, sizeof *worker->evaluation);
        if (!worker->scratch || !worker->evaluation) {
            snprintf(error, error_size, "out of memory starting the mapper");
            ok = false;
        }
    }
    /* An interrupt that came before the threads: they stop at once. */
    if (control && control->interrupt && *control->interrupt)
        request_stop(shared, LN_SEARCH_STOP_INTERRUPTED);
    for (uint32_t i = 0; i < threads && ok; i++) {
        int failed = pthread_create(&workers[i].thread, NULL, worker_run, &workers[i]);
        if (failed) {
            snprintf(error, error_size, "cannot start mapper thread %u: %s", i, strerror(failed));
            ok = false;
            /* The ones not started count as finished. */
            pthread_mutex_lock(&shared->mutex);
            shared->active -= threads - i;
            shared->running -= threads - i;
            pthread_mutex_unlock(&shared->mutex);
            request_stop(shared, LN_SEARCH_STOP_INTERRUPTED);
            break;
        }
        workers[i].started = true;
    }
    if (!ok && !workers[0].started) {
        shared->running = 0;
    }

    double interval = control && control->progress_interval > 0 ? control->progress_interval : 0.25;
    double last_progress = shared->start;
    for (;;) {
        pthread_mutex_lock(&shared->mutex);
        uint32_t running = shared->running;
        pthread_mutex_unlock(&shared->mutex);
        if (!running)
            break;
        wait_briefly(shared, 0.05);
        double now = ln_mapper_now();
        if (control && control->interrupt && *control->interrupt)
            request_stop(shared, LN_SEARCH_STOP_INTERRUPTED);
        if (settings->time_limit > 0 && now - shared->start >= settings->time_limit)
            request_stop(shared, LN_SEARCH_STOP_TIME_LIMIT);
        if (control && control->progress && now - last_progress >= interval) {
            last_progress = now;
            report_progress(shared, control);
        }
    }
    for (uint32_t i = 0; i < threads; i++)
        if (workers[i].started)
            pthread_join(workers[i].thread, NULL);

    result->seconds = ln_mapper_now() - shared->start;
    for (uint32_t i = 0; i < threads; i++) {
        mapper_worker *worker = &workers[i];
        add_statistics(&result->statistics, &worker->statistics);
        if (worker->started)
            result->stops[worker->stop]++;
        if (worker->found &&
            (!result->found || ln_mapper_is_better(worker->best_metrics, result->best_metrics, settings->metric_count))) {
            result->found = true;
            result->best = worker->best;
            memcpy(result->best_metrics, worker->best_metrics, sizeof result->best_metrics);
        }
    }
    if (optimal) {
        ln_optimal_finish(shared, result);
        ln_optimal_release(shared);
        ln_search_result_release(&seed);
    }
    result->stop = overall_stop(result, atomic_load(&shared->stop));
    result->improvements = shared->improvements;
    result->improvement_count = shared->improvement_count;

    for (uint32_t i = 0; i < threads; i++) {
        free(workers[i].scratch);
        free(workers[i].evaluation);
        ln_visited_set_release(&workers[i].search.visited);
    }
    pthread_cond_destroy(&shared->changed);
    pthread_mutex_destroy(&shared->mutex);
    free(workers);
    free(shared);
    return ok;
}
