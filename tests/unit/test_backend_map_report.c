/* map.txt against Timeloop's reference outputs: the one-level tutorial and
 * the three-level spatial one (a dummy level, a level without loops,
 * spatial loops), plus residual and Spatial-Y loops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "backend/map_report.h"
#include "backend_fixture.h"

static char *ln_render_map(const ln_spec *spec, const ln_evaluation *evaluation)
{
    char *text = ln_fixture_render(ln_write_map_report, spec, evaluation);
    assert_non_null(text);
    return text;
}

static void test_conv1d_1level_matches_reference(void **state)
{
    (void)state;
    char *expected = ln_fixture_read_file(LN_TUTORIAL_DIR "/00-model-conv1d-1level/ref-output/timeloop-model.map.txt");
    assert_non_null(expected);
    ln_spec spec;
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    ln_fixture_conv1d_1level(&spec, evaluation);

    char *actual = ln_render_map(&spec, evaluation);
    assert_string_equal(actual, expected);

    free(actual);
    free(expected);
    free(evaluation);
    ln_spec_release(&spec);
}

static void ln_keep(ln_tensor_level_stats *tensor, uint64_t tile_size)
{
    tensor->kept = true;
    tensor->tile_size = tile_size;
    tensor->utilized_capacity = tile_size;
}

static ln_loop ln_loop_of(uint8_t dimension, uint8_t level, uint8_t spatial, uint32_t end)
{
    return (ln_loop){.dimension = dimension, .level = level, .spatial = spatial, .end = end, .residual_end = end};
}

/* tutorial-2020/timeloop/04-model-conv1d+oc-3levelspatial, the "cp" mapping:
 * C spread over 16 PEs below a dummy container. Factor-1 loops are included
 * as the engine emits them; they must not print. */
static void test_spatial_three_level_matches_reference(void **state)
{
    (void)state;
    char *expected = ln_fixture_read_file(LN_TUTORIAL_DIR
                                          "/04-model-conv1d+oc-3levelspatial/ref-output/cp/timeloop-model.map.txt");
    assert_non_null(expected);
    ln_spec spec;
    ln_spec_init(&spec);
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);

    ln_problem *problem = &spec.problem;
    problem->dimension_count = 4;
    const char *dimensions[] = {"C", "K", "R", "P"};
    for (int d = 0; d < 4; d++)
        problem->dimension_names[d] = dimensions[d];
    problem->tensor_count = 3;
    problem->tensors[0].name = "Weights";
    problem->tensors[1].name = "Inputs";
    problem->tensors[2].name = "Outputs";

    spec.arch.storage_count = 4;
    ln_fixture_storage(&spec.arch.storage[0], "RegisterFile", 64, 16);
    ln_fixture_storage(&spec.arch.storage[1], "GlobalBuffer", 4096, 16);
    ln_fixture_storage(&spec.arch.storage[2], "inter_PE_spatial", 0, 16);
    spec.arch.storage[2].is_dummy = true;
    ln_fixture_storage(&spec.arch.storage[3], "MainMemory", 0, 16);
    spec.arch.compute.name = "MACC";

    ln_keep(&evaluation->levels[0].tensors[0], 1);
    ln_keep(&evaluation->levels[0].tensors[1], 16);
    ln_keep(&evaluation->levels[0].tensors[2], 16);
    ln_keep(&evaluation->levels[1].tensors[0], 192);
    ln_keep(&evaluation->levels[1].tensors[1], 36);
    ln_keep(&evaluation->levels[1].tensors[2], 512);
    ln_keep(&evaluation->levels[3].tensors[0], 3072);
    ln_keep(&evaluation->levels[3].tensors[1], 576);
    ln_keep(&evaluation->levels[3].tensors[2], 512);

    enum { C, K, R, P };
    ln_loop_nest *nest = &evaluation->nest;
    nest->level_count = 4;
    nest->loops[0] = ln_loop_of(P, 0, LN_LOOP_TEMPORAL, 16);
    nest->loops[1] = ln_loop_of(C, 0, LN_LOOP_TEMPORAL, 1);
    nest->boundary[0] = 1;
    nest->loops[2] = ln_loop_of(P, 1, LN_LOOP_TEMPORAL, 1);
    nest->loops[3] = ln_loop_of(R, 1, LN_LOOP_TEMPORAL, 3);
    nest->loops[4] = ln_loop_of(K, 1, LN_LOOP_TEMPORAL, 32);
    nest->loops[5] = ln_loop_of(C, 1, LN_LOOP_TEMPORAL, 2);
    nest->boundary[1] = 5;
    nest->loops[6] = ln_loop_of(C, 2, LN_LOOP_SPATIAL_X, 16);
    nest->loops[7] = ln_loop_of(C, 2, LN_LOOP_TEMPORAL, 1);
    nest->boundary[2] = 7;
    nest->loops[8] = ln_loop_of(P, 3, LN_LOOP_TEMPORAL, 1);
    nest->boundary[3] = 8;
    nest->loop_count = 9;

    char *actual = ln_render_map(&spec, evaluation);
    assert_string_equal(actual, expected);

    free(actual);
    free(expected);
    free(evaluation);
    ln_spec_release(&spec);
}

static void test_residual_and_spatial_y_loops(void **state)
{
    (void)state;
    ln_spec spec;
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    ln_fixture_conv1d_1level(&spec, evaluation);
    ln_loop_nest *nest = &evaluation->nest;
    nest->loops[0] = ln_loop_of(0, 0, LN_LOOP_SPATIAL_Y, 4);
    nest->loops[1] = ln_loop_of(1, 0, LN_LOOP_TEMPORAL, 8);
    nest->loops[1].residual_end = 3;

    char *actual = ln_render_map(&spec, evaluation);
    assert_string_equal(actual, "Buffer [ Weights:3 (3) Inputs:18 (18) Outputs:16 (16) ] \n"
                                "-------------------------------------------------------\n"
                                "| for P in [0:8,3)\n"
                                "|   for R in [0:4) (Spatial-Y)\n"
                                "|     << Compute >>\n");
    free(actual);
    free(evaluation);
    ln_spec_release(&spec);
}

static void test_bypassed_tensors_and_no_loops(void **state)
{
    (void)state;
    ln_spec spec;
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    ln_fixture_conv1d_1level(&spec, evaluation);
    evaluation->levels[0].tensors[1].kept = false;
    evaluation->levels[0].tensors[0].utilized_capacity = 2;
    evaluation->nest.loops[0].end = 1;
    evaluation->nest.loops[1].end = 1;

    char *actual = ln_render_map(&spec, evaluation);
    assert_string_equal(actual, "Buffer [ Weights:3 (2) Outputs:16 (16) ] \n"
                                "----------------------------------------\n"
                                "| << Compute >>\n");
    free(actual);
    free(evaluation);
    ln_spec_release(&spec);
}

int main(void)
{
    ln_fixture_require_reference();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv1d_1level_matches_reference),
        cmocka_unit_test(test_spatial_three_level_matches_reference),
        cmocka_unit_test(test_residual_and_spatial_y_loops),
        cmocka_unit_test(test_bypassed_tensors_and_no_loops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
