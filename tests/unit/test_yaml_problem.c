/* problem: shapes, projections, instances and their diagnostics. */
#include "yaml_test_support.h"

#define DATA LN_TEST_DATA_DIR "/yaml"

static void test_problem_file(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    const char *path = DATA "/conv2d_problem.yaml";
    yaml_test_load_files(&test, 1, &path);
    yaml_test_expect_clean(&test);
    const ln_problem *problem = &test.spec.problem;
    assert_true(test.spec.has_problem);
    assert_string_equal(problem->name, "conv2d_strided");
    assert_int_equal(problem->dimension_count, 6);
    assert_int_equal(problem->dimension_bounds[ln_problem_find_dimension(problem, "P")], 14);
    assert_int_equal(problem->coefficient_count, 2);
    int wstride = ln_problem_find_coefficient(problem, "Wstride");
    int hstride = ln_problem_find_coefficient(problem, "Hstride");
    assert_int_equal(problem->coefficient_values[wstride], 2);
    assert_int_equal(problem->coefficient_defaults[wstride], 1);
    assert_int_equal(problem->coefficient_values[hstride], 1);

    const ln_tensor *weights = &problem->tensors[ln_problem_find_tensor(problem, "Weights")];
    assert_true(weights->projection_is_flat_list);
    assert_int_equal(weights->rank_count, 4);
    assert_int_equal(weights->ranks[3].terms[0].dimension, ln_problem_find_dimension(problem, "S"));
    assert_int_equal(weights->ranks[3].terms[0].coefficient, -1);
    assert_false(weights->read_write);

    const ln_tensor *inputs = &problem->tensors[ln_problem_find_tensor(problem, "Inputs")];
    assert_false(inputs->projection_is_flat_list);
    assert_int_equal(inputs->rank_count, 3);
    assert_string_equal(inputs->ranks[1].name, "W");
    assert_int_equal(inputs->ranks[1].term_count, 2);
    assert_int_equal(inputs->ranks[1].terms[0].coefficient, -1);
    assert_int_equal(inputs->ranks[1].terms[1].dimension, ln_problem_find_dimension(problem, "P"));
    assert_int_equal(inputs->ranks[1].terms[1].coefficient, wstride);
    assert_int_equal(inputs->ranks[2].terms[1].coefficient, hstride);
    assert_int_equal(inputs->location.line, 13);

    /* `read-write` is the hyphenated spelling of read_write. */
    assert_true(problem->tensors[ln_problem_find_tensor(problem, "Outputs")].read_write);
    yaml_test_release(&test);
}

static void test_bounds_directly_under_problem(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    yaml_test_load(&test, "problem:\n"
                          "  shape: {name: mm, dimensions: [M, N, K],\n"
                          "    data_spaces: [{name: A, projection: [M, K]}, {name: B, projection: [K, N]},\n"
                          "                  {name: Z, projection: [M, N], read_write: true}]}\n"
                          "  M: 8\n  N: 4\n  K: 2\n");
    yaml_test_expect_clean(&test);
    assert_int_equal(test.spec.problem.dimension_bounds[2], 2);
    yaml_test_release(&test);
}

static void test_missing_instance_bound(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "problem:\n"
                                       "  shape:\n"
                                       "    dimensions: [R, P]\n"
                                       "    data_spaces: [{name: W, projection: [[[R]]]}]\n"
                                       "  instance:\n"
                                       "    R: 3\n"));
    const ln_diagnostic *error =
        yaml_test_expect_error(&test, "the problem instance has no bound for dimension 'P'", 6, 5);
    assert_string_equal(error->hint, "add `P: <size>` under `instance`");
    assert_false(test.spec.has_problem);
    yaml_test_release(&test);
}

static void test_missing_required_keys(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "problem:\n  instance: {R: 3}\n"));
    yaml_test_expect_error(&test, "missing required key 'shape' in the problem", 2, 3);
    yaml_test_release(&test);

    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "problem:\n  shape:\n    data_spaces: []\n  instance: {}\n"));
    yaml_test_expect_error(&test, "missing required key 'dimensions' in the problem shape", 3, 5);
    yaml_test_release(&test);

    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "problem:\n  shape:\n    dimensions: [R]\n"
                                       "    data_spaces:\n    - {name: W}\n  instance: {R: 1}\n"));
    yaml_test_expect_error(&test, "missing required key 'projection' in data space", 5, 7);
    yaml_test_release(&test);
}

static void test_unknown_dimension_and_coefficient(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "problem:\n"
                                       "  shape:\n"
                                       "    dimensions: [R, P]\n"
                                       "    data_spaces:\n"
                                       "    - {name: Inputs, projection: [[[R], [Q]]]}\n"
                                       "  instance: {R: 3, P: 4}\n"));
    const ln_diagnostic *error =
        yaml_test_expect_error(&test, "unknown dimension 'Q' in the projection of Inputs", 5, 42);
    assert_string_equal(error->hint, "the dimensions are R, P");
    yaml_test_release(&test);

    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "problem:\n"
                                       "  shape:\n"
                                       "    dimensions: [R, P]\n"
                                       "    coefficients: [{name: Wstride, default: 1}]\n"
                                       "    data_spaces:\n"
                                       "    - {name: Inputs, projection: [[[R], [P, Hstride]]]}\n"
                                       "  instance: {R: 3, P: 4}\n"));
    error = yaml_test_expect_error(&test, "unknown coefficient 'Hstride' in the projection of Inputs", 6, 45);
    assert_non_null(strstr(error->hint, "Wstride"));
    yaml_test_release(&test);
}

static void test_wrong_types_and_values(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "problem:\n"
                                       "  shape:\n"
                                       "    dimensions: {R: 1}\n"
                                       "    data_spaces: []\n"
                                       "  instance: {R: 3}\n"));
    yaml_test_expect_error(&test, "'dimensions' must be a list, not a mapping", 3, 17);
    yaml_test_release(&test);

    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "problem:\n"
                                       "  shape: {dimensions: [R, P], data_spaces: [{name: W, projection: [R]}]}\n"
                                       "  instance:\n"
                                       "    R: 0\n"
                                       "    P: lots\n"));
    yaml_test_expect_error(&test, "the bound of dimension 'R' must be at least 1, not 0", 4, 8);
    yaml_test_expect_error(&test, "the bound of dimension 'P' must be an integer, not the text 'lots'", 5, 8);
    yaml_test_release(&test);

    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "problem:\n"
                                       "  shape: {dimensions: [R], data_spaces: [{name: W, projection: [R]}]}\n"
                                       "  instance: {R: 123456789012345678901234567890}\n"));
    yaml_test_expect_error(&test, "integer overflow: the bound of dimension 'R'", 3, 17);
    yaml_test_release(&test);
}

static void test_limits(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "problem:\n"
                                       "  shape:\n"
                                       "    dimensions: [A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q]\n"
                                       "    data_spaces: [{name: W, projection: [A]}]\n"
                                       "  instance: {}\n"));
    yaml_test_expect_error(&test, "too many dimensions: loopnest allows at most 16", 3, 66);
    yaml_test_release(&test);

    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "problem:\n"
                                       "  shape:\n"
                                       "    dimensions: [A, B, C, D, E]\n"
                                       "    data_spaces: [{name: W, projection: [[[A], [B], [C], [D], [E]]]}]\n"
                                       "  instance: {}\n"));
    yaml_test_expect_error(&test, "too many terms in a rank of W: loopnest allows at most 4", 4, 63);
    yaml_test_release(&test);
}

static void test_long_dimension_names_and_densities(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    assert_true(yaml_test_load(&test, "problem:\n"
                                      "  shape: {dimensions: [Batch, N], data_spaces: [{name: X, projection: [Batch, N]}]}\n"
                                      "  instance: {Batch: 2, N: 3, densities: {X: 0.5}}\n"));
    assert_non_null(yaml_test_find(&test, LN_SEVERITY_NOTE, "dimension name 'Batch' is longer than one character"));
    yaml_test_expect_at(&test, LN_SEVERITY_WARNING, "densities are not modeled", 3, 41);
    yaml_test_release(&test);

    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "problem: {shape: cnn_layer}\n"));
    yaml_test_expect_error(&test, "built-in problem shape 'cnn_layer' is not available", 1, 18);
    yaml_test_release(&test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_problem_file),
        cmocka_unit_test(test_bounds_directly_under_problem),
        cmocka_unit_test(test_missing_instance_bound),
        cmocka_unit_test(test_missing_required_keys),
        cmocka_unit_test(test_unknown_dimension_and_coefficient),
        cmocka_unit_test(test_wrong_types_and_values),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_long_dimension_names_and_densities),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
