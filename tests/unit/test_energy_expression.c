/* The expression evaluator of compound component classes: Python's
 * semantics for what the component files use, and a located, bounded
 * failure for everything else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "runtime/energy_expression.h"

static ln_arena arena;

static int setup(void **state)
{
    (void)state;
    ln_arena_init(&arena);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ln_arena_release(&arena);
    return 0;
}

static const ln_energy_binding sizes[] = {
    {"depth", {LN_VALUE_NUMBER, false, 12, NULL}},
    {"width", {LN_VALUE_NUMBER, false, 16, NULL}},
    {"technology", {LN_VALUE_STRING, false, 0, "45nm"}},
    {"zero", {LN_VALUE_NUMBER, false, 0, NULL}},
    {"flag", {LN_VALUE_BOOL, true, 1, NULL}},
};
static const ln_energy_scope scope = {sizes, sizeof sizes / sizeof *sizes, NULL};

static double number(const char *text)
{
    ln_energy_value value;
    ln_expression_failure failure;
    ln_expression_status status = ln_expression_evaluate(text, &scope, &arena, &value, &failure);
    if (status != LN_EXPRESSION_OK)
        fprintf(stderr, "'%s': %s\n", text, failure.message);
    assert_int_equal(status, LN_EXPRESSION_OK);
    double result;
    assert_true(ln_energy_value_number(&value, &result));
    return result;
}

static ln_expression_failure failing(const char *text, ln_expression_status expected)
{
    ln_energy_value value;
    ln_expression_failure failure;
    ln_expression_status status = ln_expression_evaluate(text, &scope, &arena, &value, &failure);
    if (status != expected)
        fprintf(stderr, "'%s': status %d, expected %d (%s)\n", text, status, expected, failure.message);
    assert_int_equal(status, expected);
    return failure;
}

static void test_arithmetic_follows_python(void **state)
{
    (void)state;
    assert_true(number("1 + 2 * 3") == 7);
    assert_true(number("(1 + 2) * 3") == 9);
    assert_true(number("7 / 2") == 3.5);   /* true division */
    assert_true(number("7 // 2") == 3);
    assert_true(number("-7 // 2") == -4);  /* floors */
    assert_true(number("-7 % 3") == 2);    /* sign of the divisor */
    assert_true(number("2 ** 3 ** 2") == 512); /* right-associative */
    assert_true(number("-2 ** 2") == -4);  /* ** binds tighter than unary minus */
    assert_true(number("2 ** -1") == 0.5);
    assert_true(number("1e-9 * 1e9") == 1);
    assert_true(number(".5 + 1.") == 1.5);
    assert_true(number("True + 1") == 2);
}

static void test_names_and_functions_of_the_component_files(void **state)
{
    (void)state;
    /* Lines from the reference component files. */
    assert_true(number("max(1, ceil(log2(depth))) if depth >= 1 else 1") == 4);
    assert_true(number("max(32, width)") == 32);
    assert_true(number("width / max(32, width)") == 0.5);
    double scale = number("(width / 32) * ((depth / 64) ** (1.56 / 2))");
    assert_true(fabs(scale - 0.5 * pow(12.0 / 64, 0.78)) < 1e-12);
    assert_true(fabs(number("log(depth)") - log(12)) < 1e-12); /* natural log, as Python */
    assert_true(number("log(8, 2)") == 3);
    assert_true(number("min(3, 1, 2)") == 1);
    assert_true(number("floor(-1.5)") == -2);
    assert_true(number("abs(-3)") == 3);
    assert_true(number("int(-2.7)") == -2);
    assert_true(number("int('12')") == 12);
    assert_true(number("float(3)") == 3);
    assert_true(number("round(2.5)") == 2); /* halves to even */
    assert_true(number("round(3.5)") == 4);
    assert_true(number("round(2.675, 2)") == 2.67); /* 2.675 is 2.67499... in binary */
    assert_true(number("sqrt(16) + pow(2, 3) + log10(100)") == 14);
    assert_true(fabs(number("pi") - 3.14159265358979) < 1e-12);
}

static void test_logic_and_conditionals(void **state)
{
    (void)state;
    assert_true(number("1 if flag else 2") == 1);
    assert_true(number("1 if not flag else 2") == 2);
    assert_true(number("1 < depth < 16") == 1); /* chained */
    assert_true(number("1 < depth > 16") == 0);
    assert_true(number("depth == 12 and width != 12") == 1);
    assert_true(number("zero or 5") == 5);      /* `or` returns an operand */
    assert_true(number("zero and 1/zero") == 0); /* short-circuit: no division */
    /* Only the branch taken is evaluated. */
    assert_true(number("log2(zero) if zero >= 1 else 0") == 0);

    ln_energy_value value;
    ln_expression_failure failure;
    assert_int_equal(ln_expression_evaluate("technology == '45nm'", &scope, &arena, &value, &failure),
                     LN_EXPRESSION_OK);
    assert_true(value.kind == LN_VALUE_BOOL && value.boolean);
    assert_int_equal(ln_expression_evaluate("'a' + \"b\"", &scope, &arena, &value, &failure), LN_EXPRESSION_OK);
    assert_string_equal(value.text, "ab");
    assert_int_equal(ln_expression_evaluate("technology", &scope, &arena, &value, &failure), LN_EXPRESSION_OK);
    assert_string_equal(value.text, "45nm");
}

static void test_failures_are_located(void **state)
{
    (void)state;
    ln_expression_failure failure = failing("width + depht", LN_EXPRESSION_UNKNOWN_NAME);
    assert_int_equal(failure.offset, 8);
    assert_string_equal(failure.name, "depht");

    failure = failing("width / zero", LN_EXPRESSION_DOMAIN);
    assert_non_null(strstr(failure.message, "division by zero"));
    assert_int_equal(failure.offset, 6);
    failing("width // (depth - 12)", LN_EXPRESSION_DOMAIN);
    failing("width % zero", LN_EXPRESSION_DOMAIN);
    failing("log2(zero)", LN_EXPRESSION_DOMAIN);
    failing("zero ** -1", LN_EXPRESSION_DOMAIN);
    failing("technology * 2", LN_EXPRESSION_DOMAIN);
    failing("10 ** 400", LN_EXPRESSION_DOMAIN); /* not a finite number */

    failure = failing("max(1, ceil(log2(depth))", LN_EXPRESSION_SYNTAX);
    assert_int_equal(failure.offset, strlen("max(1, ceil(log2(depth))"));
    failing("1 +", LN_EXPRESSION_SYNTAX);
    failing("", LN_EXPRESSION_SYNTAX);
    failing("1 if flag", LN_EXPRESSION_SYNTAX);
    failing("45nm", LN_EXPRESSION_SYNTAX);
    failing("width width", LN_EXPRESSION_SYNTAX);
    failing("__import__('os')", LN_EXPRESSION_UNKNOWN_NAME);
    failing("width.real", LN_EXPRESSION_SYNTAX);
    failing("[1, 2]", LN_EXPRESSION_SYNTAX);
    failing("lambda: 1", LN_EXPRESSION_SYNTAX);
    failing("'unclosed", LN_EXPRESSION_SYNTAX);
    failing("max()", LN_EXPRESSION_SYNTAX);
    failing("ceil(1, 2)", LN_EXPRESSION_SYNTAX);
    failing("system('ls')", LN_EXPRESSION_UNKNOWN_NAME);
}

static void test_nesting_and_length_are_bounded(void **state)
{
    (void)state;
    char deep[4096];
    size_t used = 0;
    for (int i = 0; i < 1000; i++)
        deep[used++] = '(';
    deep[used++] = '1';
    for (int i = 0; i < 1000; i++)
        deep[used++] = ')';
    deep[used] = '\0';
    failing(deep, LN_EXPRESSION_LIMIT);

    used = 0;
    for (int i = 0; i < 1000; i++) {
        deep[used++] = '-';
    }
    deep[used++] = '1';
    deep[used] = '\0';
    failing(deep, LN_EXPRESSION_LIMIT);

    char *wide = malloc(64 * 1024);
    used = 0;
    for (int i = 0; i < 5000; i++) {
        memcpy(wide + used, "1+", 2);
        used += 2;
    }
    wide[used++] = '1';
    wide[used] = '\0';
    failing(wide, LN_EXPRESSION_LIMIT);
    free(wide);

    /* Within the limits, long flat sums evaluate. */
    char sum[1024];
    used = 0;
    for (int i = 0; i < 200; i++) {
        memcpy(sum + used, "1+", 2);
        used += 2;
    }
    sum[used++] = '1';
    sum[used] = '\0';
    assert_true(number(sum) == 201);
}

/* Random bytes never crash the evaluator and always end in a status. */
static void test_garbage_never_crashes(void **state)
{
    (void)state;
    static const char alphabet[] = "()+-*/%<>=!andorifelsenot0123456789.eE_xyzwidthdepth '\",[]{}#\\\t\n";
    unsigned seed = 12345;
    char text[96];
    for (int round_index = 0; round_index < 20000; round_index++) {
        size_t length = (size_t)(seed % 90);
        for (size_t i = 0; i < length; i++) {
            seed = seed * 1103515245u + 12345u;
            text[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        text[length] = '\0';
        seed = seed * 1103515245u + 12345u;
        ln_energy_value value;
        ln_expression_failure failure;
        ln_expression_status status = ln_expression_evaluate(text, &scope, &arena, &value, &failure);
        assert_true(status >= LN_EXPRESSION_OK && status <= LN_EXPRESSION_LIMIT);
        if (status != LN_EXPRESSION_OK)
            assert_true(failure.offset <= length);
    }
}

static void test_report_points_into_the_text(void **state)
{
    (void)state;
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    ln_expression expression = {"width + depht", {"class.yaml", 7, 15}, false};
    ln_energy_value value;
    ln_expression_failure failure;
    ln_expression_evaluate(expression.text, &scope, &arena, &value, &failure);
    ln_expression_report(&diagnostics, &expression, &failure, &scope, "attribute 'x' of class 'c'");
    assert_int_equal(diagnostics.error_count, 1);
    assert_int_equal(diagnostics.items[0].location.line, 7);
    assert_int_equal(diagnostics.items[0].location.column, 23);
    assert_non_null(strstr(diagnostics.items[0].message, "unknown name 'depht'"));
    assert_non_null(diagnostics.items[0].hint);
    assert_non_null(strstr(diagnostics.items[0].hint, "depth"));
    ln_diagnostics_release(&diagnostics);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arithmetic_follows_python),
        cmocka_unit_test(test_names_and_functions_of_the_component_files),
        cmocka_unit_test(test_logic_and_conditionals),
        cmocka_unit_test(test_failures_are_located),
        cmocka_unit_test(test_nesting_and_length_are_bounded),
        cmocka_unit_test(test_garbage_never_crashes),
        cmocka_unit_test(test_report_points_into_the_text),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
