/* The mapper's throughput: a search with a fixed budget of valid mappings
 * on one spec, with 1 and 2 threads (or the counts given), printing the
 * candidates visited per second (every proposal, including those the cheap
 * checks reject) and the valid mappings fully evaluated per second. With
 * `--algorithm optimal`, the time to prove the best mapping, the
 * candidates evaluated per second, and what each pruning rule removed.
 * Loading, estimating and building the mapspace are outside the timing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/diagnostics.h"
#include "frontend/yaml_spec.h"
#include "runtime/engine.h"
#include "runtime/mapper.h"
#include "runtime/mapspace.h"

int main(int argc, char **argv)
{
    const char *name = "spec", *algorithm = "random_pruned";
    long valid_budget = 100000;
    uint32_t thread_counts[8] = {1, 2};
    size_t thread_count_count = 2;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    size_t input_count = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strcmp(argv[i], "--valid") == 0 && i + 1 < argc)
            valid_budget = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--algorithm") == 0 && i + 1 < argc)
            algorithm = argv[++i];
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            thread_count_count = 0;
            for (char *item = strtok(argv[++i], ","); item && thread_count_count < 8; item = strtok(NULL, ","))
                thread_counts[thread_count_count++] = (uint32_t)strtoul(item, NULL, 10);
        } else
            inputs[input_count++] = argv[i];
    }
    if (input_count == 0 || valid_budget <= 0) {
        fputs("usage: loopnest_bench_mapper [--name TEXT] [--valid N] [--algorithm NAME] [--threads 1,2] FILE...\n",
              stderr);
        free(inputs);
        return 2;
    }
    ln_spec spec;
    ln_spec_init(&spec);
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    int status = 1;
    ln_engine *engine = NULL;
    ln_mapspace *mapspace = NULL;
    if (!ln_yaml_load_spec(&spec, &diagnostics, inputs, input_count) || diagnostics.error_count) {
        ln_diagnostics_render(stderr, &diagnostics);
        fprintf(stderr, "loopnest_bench_mapper: cannot read the inputs (is the reference data present?)\n");
        goto done;
    }
    mapspace = ln_mapspace_create(&spec, &diagnostics);
    engine = mapspace ? ln_engine_create(&spec, &diagnostics) : NULL;
    if (!engine) {
        ln_diagnostics_render(stderr, &diagnostics);
        goto done;
    }
    for (size_t t = 0; t < thread_count_count; t++) {
        ln_search_settings settings;
        ln_mapper_settings_from_spec(&spec, &settings);
        settings.algorithm = algorithm;
        settings.threads = thread_counts[t];
        bool optimal = strcmp(algorithm, "optimal") == 0;
        settings.search_size = optimal ? 0 : (uint64_t)valid_budget;
        settings.victory_condition = 0;
        settings.timeout = 0;
        settings.refine = false;
        ln_search_result result;
        char error[256];
        if (!ln_mapper_run(engine, mapspace, &settings, NULL, &result, error, sizeof error)) {
            fprintf(stderr, "loopnest_bench_mapper: %s\n", error);
            goto done;
        }
        const ln_search_statistics *statistics = &result.statistics;
        if (optimal) {
            printf("%s, optimal, %u thread%s: %s in %.3f s; %llu candidates visited, %llu evaluated (%.0f/s), "
                   "%llu valid; best",
                   name, settings.threads, settings.threads == 1 ? "" : "s",
                   result.certificate.optimal ? "proven optimal" : "not proven", result.seconds,
                   (unsigned long long)statistics->visited, (unsigned long long)statistics->evaluated,
                   (double)statistics->evaluated / result.seconds, (unsigned long long)statistics->valid);
            for (uint32_t m = 0; m < settings.metric_count; m++)
                printf(" %s %.6g", ln_metric_name(settings.metrics[m]), result.best_metrics[m]);
            printf("\n  removed:");
            for (int rule = 0; rule < LN_PRUNING_RULE_COUNT; rule++) {
                const ln_pruning_count *count = &result.certificate.pruned[rule];
                if (count->events)
                    printf(" %s %.3g factorizations / %.3g candidates;", ln_pruning_rule_name((ln_pruning_rule)rule),
                           ln_count_to_double(count->factorizations), ln_count_to_double(count->candidates));
            }
            printf("\n");
            ln_search_result_release(&result);
            continue;
        }
        /* A factorization rejected whole stands for all its candidates,
         * which Timeloop would propose and reject one by one. */
        printf("%s, %s, %u thread%s: %llu candidates (%llu valid) and %llu factorizations rejected whole in "
               "%.3f s: %.0f candidates/s, %.0f valid mappings evaluated/s\n",
               name, settings.algorithm, settings.threads, settings.threads == 1 ? "" : "s",
               (unsigned long long)statistics->visited, (unsigned long long)statistics->valid,
               (unsigned long long)statistics->factorizations_rejected, result.seconds,
               (double)statistics->visited / result.seconds, (double)statistics->valid / result.seconds);
        ln_search_result_release(&result);
    }
    status = 0;
done:
    ln_engine_destroy(engine);
    ln_mapspace_destroy(mapspace);
    ln_diagnostics_release(&diagnostics);
    ln_spec_release(&spec);
    free(inputs);
    return status;
}
