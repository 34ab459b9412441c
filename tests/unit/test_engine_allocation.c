/* The evaluate call is the hot path of every search: it must not allocate.
 * malloc, calloc and realloc are wrapped at link time (see
 * tests/CMakeLists.txt) and counted while ln_engine_evaluate runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/engine.h"
#include "spec_builder.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *pointer, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t count, size_t size);
void *__wrap_realloc(void *pointer, size_t size);

static int allocations;

void *__wrap_malloc(size_t size)
{
    allocations++;
    return __real_malloc(size);
}

void *__wrap_calloc(size_t count, size_t size)
{
    allocations++;
    return __real_calloc(count, size);
}

void *__wrap_realloc(void *pointer, size_t size)
{
    allocations++;
    return __real_realloc(pointer, size);
}

static void evaluate_allocates_nothing(void **state)
{
    (void)state;
    ln_spec spec;
    memset(&spec, 0, sizeof spec);
    ln_problem *problem = &spec.problem;
    test_add_dimension(problem, "C", 8);
    test_add_dimension(problem, "K", 16);
    test_add_dimension(problem, "R", 3);
    test_add_dimension(problem, "P", 16);
    test_add_tensor(problem, "Weights", "C,K,R", false);
    test_add_tensor(problem, "Inputs", "C,R+P", false);
    test_add_tensor(problem, "Outputs", "K,P", true);
    spec.has_problem = true;
    test_add_storage(&spec.arch, "MainMemory", true, 0, 4, 1, 1);
    test_add_storage(&spec.arch, "RegisterFile", false, 256, 1, 16, 4);
    test_finish_arch(&spec.arch, 16, 4);
    spec.has_arch = true;
    ln_mapping_init_neutral(&spec.mapping, problem, 2);
    /* A 4 x 4 fan-out over P (X) and R... split 1: P in X, K in Y, so
     * inputs slide across the array (link transfers are considered). */
    test_set_loops(&spec.mapping, problem, 1, true, "P4 K4", "PK");
    spec.mapping.levels[1].spatial_split = 1;
    test_set_loops(&spec.mapping, problem, 1, false, "C8 K4", "CK");
    test_set_loops(&spec.mapping, problem, 0, false, "R3 P4", "RP");

    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    ln_engine *engine = ln_engine_create(&spec, &diagnostics);
    assert_non_null(engine);
    void *scratch = calloc(1, ln_engine_scratch_size(engine));
    ln_evaluation *result = calloc(1, sizeof *result);
    assert_non_null(scratch);
    assert_non_null(result);

    /* The wrappers see the setup's allocations, so they would see the
     * engine's too. */
    assert_true(allocations > 0);
    allocations = 0;
    for (int i = 0; i < 3; i++)
        assert_int_equal(ln_engine_evaluate(engine, &spec.mapping, scratch, result), LN_EVALUATION_OK);
    assert_int_equal(allocations, 0);

    /* A residual factor (P = 4 across the array times 5,1 in each register
     * file: 3 * 5 + 1 = 16) takes the simulation of Timeloop's walk, which
     * works in the same scratch. */
    int p = ln_problem_find_dimension(problem, "P");
    spec.mapping.levels[0].temporal_factors[p] = 5;
    spec.mapping.levels[0].temporal_residuals[p] = 1;
    for (int i = 0; i < 3; i++)
        assert_int_equal(ln_engine_evaluate(engine, &spec.mapping, scratch, result), LN_EVALUATION_OK);
    assert_int_equal(allocations, 0);
    /* Timeloop walks only the first register file, whose P loop never
     * reaches its residual (that is the last register file's), and counts
     * 5 P iterations everywhere: 16 * (8 * 4 * 3 * 5), not 8 * 16 * 3 * 16. */
    assert_int_equal(result->computes, 16 * 8 * 4 * 3 * 5);

    free(result);
    free(scratch);
    ln_engine_destroy(engine);
    ln_diagnostics_release(&diagnostics);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evaluate_allocates_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
