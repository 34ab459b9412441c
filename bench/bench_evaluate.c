/* Evaluates one mapping many times in one process and reports the rate.
 * Parsing and engine creation are excluded from the timing: the figure is
 * what a mapper pays per candidate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frontend/diagnostics.h"
#include "frontend/yaml_spec.h"
#include "runtime/engine.h"

static double now_seconds(void)
{
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (double)time.tv_sec + (double)time.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    long iterations = 1000000;
    const char *name = "mapping";
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    size_t input_count = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc)
            iterations = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
            name = argv[++i];
        else
            inputs[input_count++] = argv[i];
    }
    if (input_count == 0 || iterations <= 0) {
        fputs("usage: loopnest_bench [--iterations N] [--name TEXT] FILE...\n", stderr);
        free(inputs);
        return 2;
    }
    ln_spec spec;
    ln_spec_init(&spec);
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    int status = 1;
    ln_engine *engine = NULL;
    void *scratch = NULL;
    ln_evaluation *result = calloc(1, sizeof *result);
    if (!ln_yaml_load_spec(&spec, &diagnostics, inputs, input_count) || diagnostics.error_count) {
        ln_diagnostics_render(stderr, &diagnostics);
        fprintf(stderr, "loopnest_bench: cannot read the inputs (is the reference data present?)\n");
        goto done;
    }
    engine = ln_engine_create(&spec, &diagnostics);
    if (!engine) {
        ln_diagnostics_render(stderr, &diagnostics);
        goto done;
    }
    scratch = calloc(1, ln_engine_scratch_size(engine));
    if (ln_engine_evaluate(engine, &spec.mapping, scratch, result) != LN_EVALUATION_OK) {
        fprintf(stderr, "loopnest_bench: the mapping does not evaluate: %s\n", result->failures[0].message);
        goto done;
    }
    double checksum = 0;
    double start = now_seconds();
    for (long i = 0; i < iterations; i++) {
        ln_engine_evaluate(engine, &spec.mapping, scratch, result);
        checksum += result->energy;
    }
    double elapsed = now_seconds() - start;
    printf("%s: %ld evaluations in %.3f s: %.0f evaluations/s, %.1f ns/evaluation "
           "(cycles %llu, energy %.2f pJ, checksum %.6g)\n",
           name, iterations, elapsed, (double)iterations / elapsed, elapsed * 1e9 / (double)iterations,
           (unsigned long long)result->cycles, result->energy, checksum / (double)iterations);
    status = 0;
done:
    free(result);
    free(scratch);
    ln_engine_destroy(engine);
    ln_diagnostics_release(&diagnostics);
    ln_spec_release(&spec);
    free(inputs);
    return status;
}
