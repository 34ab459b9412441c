/* Malformed compound components give a located error (file, line, column)
 * with a hint: an unknown subcomponent class, a missing `must_specify`
 * attribute, an expression that does not parse, one that divides by zero,
 * an unknown name, and a cycle between classes. */
#include "energy_test_support.h"

#define DATA LN_TEST_DATA_DIR "/energy/"

typedef struct expected_error {
    const char *file;
    const char *message; /* a part of the message */
    uint32_t line, column;
    const char *hint;    /* a part of the hint */
} expected_error;

static void check(const expected_error *expected)
{
    yaml_test test;
    yaml_test_init(&test);
    char path[1024];
    snprintf(path, sizeof path, "%s%s", DATA, expected->file);
    const char *paths[] = {path};
    assert_true(yaml_test_load_files(&test, 1, paths));
    ln_energy_estimate estimate;
    bool ok = energy_test_estimate(&test, NULL, &estimate);
    const ln_diagnostic *error = yaml_test_find(&test, LN_SEVERITY_ERROR, expected->message);
    if (!error || ok) {
        fprintf(stderr, "%s: expected an error containing \"%s\"; got:\n", expected->file, expected->message);
        yaml_test_dump(&test);
    }
    assert_false(ok);
    assert_non_null(error);
    assert_non_null(error->location.file);
    assert_non_null(strstr(error->location.file, expected->file));
    if (error->location.line != expected->line || error->location.column != expected->column)
        fprintf(stderr, "%s: at %u:%u, expected %u:%u\n", expected->file, error->location.line,
                error->location.column, expected->line, expected->column);
    assert_int_equal(error->location.line, expected->line);
    assert_int_equal(error->location.column, expected->column);
    assert_non_null(error->hint);
    if (!strstr(error->hint, expected->hint))
        fprintf(stderr, "%s: hint \"%s\" lacks \"%s\"\n", expected->file, error->hint, expected->hint);
    assert_non_null(strstr(error->hint, expected->hint));
    yaml_test_release(&test);
}

static void test_unknown_subcomponent_class(void **state)
{
    (void)state;
    /* Line 23: `      class: intadderr`. */
    expected_error expected = {"unknown_class.yaml", "has unknown class 'intadderr'", 23, 14, "intadder"};
    check(&expected);
}

static void test_missing_must_specify_attribute(void **state)
{
    (void)state;
    /* The architecture's Buffer (line 7) does not give n_ports, which the
     * class requires at line 21; the hint points there. */
    expected_error expected = {"missing_attribute.yaml", "needs attribute 'n_ports' (must_specify)", 7, 11,
                               "missing_attribute.yaml:21"};
    check(&expected);
}

static void test_missing_attribute_of_a_stdlib_class(void **state)
{
    (void)state;
    /* The subcomponent (line 19) uses the stdlib's SRAM without a depth. */
    expected_error expected = {"missing_nested_attribute.yaml", "class 'SRAM' needs attribute 'depth'", 19, 7,
                               "<stdlib>/components/SRAM.yaml"};
    check(&expected);
}

static void test_expression_that_does_not_parse(void **state)
{
    (void)state;
    /* `      address_bits: max(1, ceil(log2(depth))`: the call is not closed;
     * the caret is at the end of the text. */
    expected_error expected = {"parse_error.yaml", "expected ',' or ')'", 21, 45, "close the call"};
    check(&expected);
}

static void test_division_by_zero(void **state)
{
    (void)state;
    /* `      scale: width / (depth - 64)` with depth 64: at the '/'. */
    expected_error expected = {"divide_by_zero.yaml", "division by zero", 21, 20, "guard the divisor"};
    check(&expected);
}

static void test_unknown_name_in_a_range(void **state)
{
    (void)state;
    expected_error expected = {"unknown_name.yaml", "unknown name 'widht'", 19, 24, "did you mean 'width'?"};
    check(&expected);
}

static void test_cycle_between_classes(void **state)
{
    (void)state;
    expected_error expected = {"cycle.yaml", "cycle between compound classes: my_storage -> wrapper -> my_storage",
                               28, 14, "cannot contain itself"};
    check(&expected);
}

/* An error in a class no level uses, or in a level the ERT already covers,
 * is never evaluated, as in Accelergy. */
static void test_an_ert_spares_the_estimator(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    const char *paths[] = {DATA "divide_by_zero.yaml", DATA "given_tables.yaml"};
    assert_true(yaml_test_load_files(&test, 2, paths));
    ln_energy_estimate estimate;
    assert_true(energy_test_estimate(&test, NULL, &estimate));
    assert_int_equal(test.diagnostics.error_count, 0);
    assert_close(energy_test_action(&estimate, "Buffer", "read"), 1.25, 1e-12);
    const ln_component_estimate *buffer = energy_test_component(&estimate, "Buffer");
    assert_string_equal(buffer->energy_source, "ERT");
    assert_string_equal(buffer->area_source, "ART");
    yaml_test_release(&test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_subcomponent_class),
        cmocka_unit_test(test_missing_must_specify_attribute),
        cmocka_unit_test(test_missing_attribute_of_a_stdlib_class),
        cmocka_unit_test(test_expression_that_does_not_parse),
        cmocka_unit_test(test_division_by_zero),
        cmocka_unit_test(test_unknown_name_in_a_range),
        cmocka_unit_test(test_cycle_between_classes),
        cmocka_unit_test(test_an_ert_spares_the_estimator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
