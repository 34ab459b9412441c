/* The mapper's threads and what they share, for the files that run a
 * search in them (runtime/mapper.c, runtime/search_optimal.c). Internal to
 * runtime/. */
#ifndef LOOPNEST_RUNTIME_MAPPER_INTERNAL_H
#define LOOPNEST_RUNTIME_MAPPER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "runtime/mapper.h"
#include "runtime/search.h"

struct optimal_shared;
struct optimal_worker;

typedef struct mapper_worker mapper_worker;

typedef struct mapper_shared {
    const ln_engine *engine;
    const ln_mapspace *mapspace;
    const ln_search_settings *settings;
    const ln_search_algorithm *algorithm; /* NULL for the optimal search */
    struct optimal_shared *optimal;       /* the optimal search's shared state */
    uint32_t threads;
    uint64_t search_size; /* per thread */
    ln_count mapspace_size;
    double start;
    /* 0 while running, else the ln_search_stop + 1 that ends every thread. */
    atomic_int stop;

    pthread_mutex_t mutex;
    pthread_cond_t changed; /* a worker finished, or the barrier moved */
    uint32_t running;

    /* The best any thread has published, and its history. */
    bool found;
    double best_metrics[LN_MAX_METRICS];
    uint32_t improvement_count, improvement_capacity;
    ln_search_improvement *improvements;

    /* The barrier of sync_interval. */
    uint32_t active;
    uint32_t arrived;
    uint64_t generation;
    bool global_found;
    double global_metrics[LN_MAX_METRICS];
    ln_mapping global_best;

    mapper_worker *workers;
} mapper_shared;

struct mapper_worker {
    mapper_shared *shared;
    uint32_t index;
    pthread_t thread;
    bool started;
    ln_search_state search;
    ln_tiling tiling;
    void *scratch;
    ln_evaluation *evaluation;
    ln_mapspace_point point;
    ln_mapping candidate;
    bool found;
    ln_mapspace_point best_point;
    ln_mapping best;
    double best_metrics[LN_MAX_METRICS];
    atomic_uint_fast64_t visited_now;
    atomic_uint_fast64_t valid_now;
    ln_search_statistics statistics;
    ln_search_stop stop;
    /* At the barrier: arrived in this generation. */
    uint64_t arrived_generation;
    bool deposited;
    struct optimal_worker *optimal;       /* the optimal search's per-thread state */
};


/* Seconds on a monotonic clock. */
double ln_mapper_now(void);

/* Records a thread's new best (worker->best_metrics) when it is the best of
 * all threads so far, with the time and `visited`. */
void ln_mapper_publish(mapper_worker *worker, uint64_t visited);

/* The optimal search (runtime/search_optimal.c): prepares the shared state
 * (false with a message when it cannot; `seed`, when not NULL, is a quick
 * search's result: a bound from the start), runs one thread, and puts the
 * result and the certificate into `result` once the threads are done. */
bool ln_optimal_prepare(mapper_shared *shared, const ln_search_result *seed, char *error, size_t error_size);
void ln_optimal_run_worker(mapper_worker *worker);
void ln_optimal_finish(mapper_shared *shared, ln_search_result *result);
void ln_optimal_release(mapper_shared *shared);

#endif
