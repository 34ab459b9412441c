/* The JSON report parses as strict JSON (checked by a small validator
 * here, RFC 8259 grammar, valid UTF-8, no duplicate keys), carries the
 * stats.txt figures at full precision, escapes names, and stays valid for
 * failed evaluations and non-finite figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "backend/json_report.h"
#include "backend_fixture.h"

/* ------------------------------------------------------------------ */
/* A strict JSON validator                                             */
/* ------------------------------------------------------------------ */

typedef struct ln_json_cursor {
    const unsigned char *at;
    int depth;
} ln_json_cursor;

static void ln_skip_space(ln_json_cursor *cursor)
{
    while (*cursor->at == ' ' || *cursor->at == '\t' || *cursor->at == '\n' || *cursor->at == '\r')
        cursor->at++;
}

static bool ln_is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool ln_is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* One UTF-8 sequence (lead byte >= 0x80); false when malformed. */
static bool ln_accept_utf8(ln_json_cursor *cursor)
{
    unsigned char lead = *cursor->at;
    int length;
    uint32_t code, minimum;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2, minimum = 0x80, code = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3, minimum = 0x800, code = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4, minimum = 0x10000, code = lead & 0x07;
    } else {
        return false;
    }
    for (int i = 1; i < length; i++) {
        if ((cursor->at[i] & 0xC0) != 0x80)
            return false;
        code = (code << 6) | (cursor->at[i] & 0x3F);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return false;
    cursor->at += length;
    return true;
}

static bool ln_accept_string(ln_json_cursor *cursor)
{
    if (*cursor->at != '"')
        return false;
    cursor->at++;
    for (;;) {
        unsigned char c = *cursor->at;
        if (c == '"') {
            cursor->at++;
            return true;
        }
        if (c < 0x20)
            return false; /* includes the terminating NUL */
        if (c == '\\') {
            cursor->at++;
            c = *cursor->at;
            if (c == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!ln_is_hex(cursor->at[i]))
                        return false;
                cursor->at += 5;
            } else if (strchr("\"\\/bfnrt", c) && c) {
                cursor->at++;
            } else {
                return false;
            }
        } else if (c >= 0x80) {
            if (!ln_accept_utf8(cursor))
                return false;
        } else {
            cursor->at++;
        }
    }
}

static bool ln_accept_number(ln_json_cursor *cursor)
{
    if (*cursor->at == '-')
        cursor->at++;
    if (*cursor->at == '0') {
        cursor->at++;
    } else if (ln_is_digit(*cursor->at)) {
        while (ln_is_digit(*cursor->at))
            cursor->at++;
    } else {
        return false;
    }
    if (*cursor->at == '.') {
        cursor->at++;
        if (!ln_is_digit(*cursor->at))
            return false;
        while (ln_is_digit(*cursor->at))
            cursor->at++;
    }
    if (*cursor->at == 'e' || *cursor->at == 'E') {
        cursor->at++;
        if (*cursor->at == '+' || *cursor->at == '-')
            cursor->at++;
        if (!ln_is_digit(*cursor->at))
            return false;
        while (ln_is_digit(*cursor->at))
            cursor->at++;
    }
    return true;
}

static bool ln_accept_literal(ln_json_cursor *cursor, const char *literal)
{
    size_t length = strlen(literal);
    if (strncmp((const char *)cursor->at, literal, length) != 0)
        return false;
    cursor->at += length;
    return true;
}

static bool ln_accept_value(ln_json_cursor *cursor);

static bool ln_accept_object(ln_json_cursor *cursor)
{
    enum { MAX_KEYS = 128 };
    const unsigned char *keys[MAX_KEYS];
    size_t key_lengths[MAX_KEYS];
    int key_count = 0;

    cursor->at++; /* '{' */
    ln_skip_space(cursor);
    if (*cursor->at == '}') {
        cursor->at++;
        return true;
    }
    for (;;) {
        ln_skip_space(cursor);
        const unsigned char *key = cursor->at;
        if (!ln_accept_string(cursor))
            return false;
        size_t key_length = (size_t)(cursor->at - key);
        for (int i = 0; i < key_count; i++)
            if (key_lengths[i] == key_length && memcmp(keys[i], key, key_length) == 0)
                return false; /* duplicate key */
        if (key_count == MAX_KEYS)
            return false;
        keys[key_count] = key;
        key_lengths[key_count++] = key_length;
        ln_skip_space(cursor);
        if (*cursor->at != ':')
            return false;
        cursor->at++;
        if (!ln_accept_value(cursor))
            return false;
        ln_skip_space(cursor);
        if (*cursor->at == '}') {
            cursor->at++;
            return true;
        }
        if (*cursor->at != ',')
            return false;
        cursor->at++;
    }
}

static bool ln_accept_array(ln_json_cursor *cursor)
{
    cursor->at++; /* '[' */
    ln_skip_space(cursor);
    if (*cursor->at == ']') {
        cursor->at++;
        return true;
    }
    for (;;) {
        if (!ln_accept_value(cursor))
            return false;
        ln_skip_space(cursor);
        if (*cursor->at == ']') {
            cursor->at++;
            return true;
        }
        if (*cursor->at != ',')
            return false;
        cursor->at++;
    }
}

static bool ln_accept_value(ln_json_cursor *cursor)
{
    ln_skip_space(cursor);
    if (++cursor->depth > 64)
        return false;
    bool ok;
    switch (*cursor->at) {
    case '{':
        ok = ln_accept_object(cursor);
        break;
    case '[':
        ok = ln_accept_array(cursor);
        break;
    case '"':
        ok = ln_accept_string(cursor);
        break;
    case 't':
        ok = ln_accept_literal(cursor, "true");
        break;
    case 'f':
        ok = ln_accept_literal(cursor, "false");
        break;
    case 'n':
        ok = ln_accept_literal(cursor, "null");
        break;
    default:
        ok = ln_accept_number(cursor);
    }
    cursor->depth--;
    return ok;
}

static bool ln_is_valid_json(const char *text)
{
    ln_json_cursor cursor = {(const unsigned char *)text, 0};
    if (!ln_accept_value(&cursor))
        return false;
    ln_skip_space(&cursor);
    return *cursor.at == '\0';
}

static void test_validator_rejects_malformed_text(void **state)
{
    (void)state;
    assert_true(ln_is_valid_json("{\"a\": [1, -2.5e+3, true, null, \"\\u00e9\\n\"]}"));
    assert_false(ln_is_valid_json("{\"a\": 1,}"));
    assert_false(ln_is_valid_json("{\"a\": 1, \"a\": 2}"));
    assert_false(ln_is_valid_json("{\"a\": nan}"));
    assert_false(ln_is_valid_json("{\"a\": \"tab\there\"}"));
    assert_false(ln_is_valid_json("{\"a\": \"\xff\"}"));
    assert_false(ln_is_valid_json("[01]"));
    assert_false(ln_is_valid_json("{} {}"));
}

/* ------------------------------------------------------------------ */
/* The report                                                           */
/* ------------------------------------------------------------------ */

static char *ln_render_json(const ln_spec *spec, const ln_evaluation *evaluation)
{
    char *text = ln_fixture_render(ln_write_json_report, spec, evaluation);
    assert_non_null(text);
    if (!ln_is_valid_json(text)) {
        fputs(text, stderr);
        fail_msg("the report is not valid JSON");
    }
    return text;
}

static void ln_assert_contains(const char *text, const char *expected)
{
    if (!strstr(text, expected))
        fail_msg("missing from the report: %s", expected);
}

static void test_conv1d_report_is_valid_and_complete(void **state)
{
    (void)state;
    ln_spec spec;
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    ln_fixture_conv1d_1level(&spec, evaluation);
    char *text = ln_render_json(&spec, evaluation);

    ln_assert_contains(text, "{\n  \"format\": \"loopnest-report\",\n  \"format_version\": 1,\n"
                             "  \"status\": \"ok\",\n  \"failures\": [],\n");
    ln_assert_contains(text, "\"dimensions\": [\n      {\n        \"name\": \"R\",\n        \"bound\": 3\n      },");
    ln_assert_contains(text, "\"size_words\": 64,");
    ln_assert_contains(text, "\"shared_bandwidth_words_per_cycle\": null,");
    ln_assert_contains(text, "\"vector_access_energy_source\": \"ERT\",");

    /* Doubles at full precision, reading back to the same value. */
    char expected[128];
    snprintf(expected, sizeof expected, "\"energy_per_instance_pj\": %.17g,", 0.42564 * 80);
    ln_assert_contains(text, expected);
    snprintf(expected, sizeof expected, "\"shared_bandwidth_per_instance_words_per_cycle\": %.17g,",
             32.0 / 48.0 + 48.0 / 48.0);
    ln_assert_contains(text, expected);
    /* Figures Timeloop computes in single precision keep that value. */
    snprintf(expected, sizeof expected, "\"gflops_at_1ghz\": %.17g,", (double)(80.0f / 48.0f));
    ln_assert_contains(text, expected);
    snprintf(expected, sizeof expected, "\"optimal_op_per_byte\": %.17g,", (double)(80.0f / 37.0f));
    ln_assert_contains(text, expected);
    ln_assert_contains(text, "\"total_scalar_accesses\": 176,");
    ln_assert_contains(text, "\"name\": \"Buffer <==> MACC\",");

    /* The loop nest, outermost loop first. */
    const char *loops = strstr(text, "\"loops\": [");
    assert_non_null(loops);
    const char *p_loop = strstr(loops, "\"dimension\": \"P\"");
    const char *r_loop = strstr(loops, "\"dimension\": \"R\"");
    assert_non_null(p_loop);
    assert_non_null(r_loop);
    assert_true(p_loop < r_loop);

    /* Top-level keys in their documented order. */
    const char *keys[] = {"\n  \"format\"", "\n  \"format_version\"", "\n  \"status\"", "\n  \"failures\"",
                          "\n  \"problem\"", "\n  \"levels\"", "\n  \"networks\"", "\n  \"operational_intensity\"",
                          "\n  \"summary\"", "\n  \"mapping\""};
    const char *previous = text;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *at = strstr(text, keys[i]);
        if (!at || at < previous)
            fail_msg("top-level key out of order: %s", keys[i] + 3);
        previous = at;
    }
    free(text);
    free(evaluation);
    ln_spec_release(&spec);
}

static void test_names_are_escaped(void **state)
{
    (void)state;
    ln_spec spec;
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    ln_fixture_conv1d_1level(&spec, evaluation);
    /* Quote, backslash, newline, a control character, a stray Latin-1
     * byte, and well-formed UTF-8 (which passes through). */
    spec.problem.tensors[0].name = "We\"ig\\hts\n\x01\xff\xc3\xa9";
    spec.arch.storage[0].name = "Buf\tfer";
    char *text = ln_render_json(&spec, evaluation);

    ln_assert_contains(text, "\"name\": \"We\\\"ig\\\\hts\\n\\u0001\\ufffd\xc3\xa9\"");
    ln_assert_contains(text, "\"name\": \"Buf\\tfer <==> MACC\"");
    free(text);
    free(evaluation);
    ln_spec_release(&spec);
}

static void test_non_finite_figures_become_null(void **state)
{
    (void)state;
    ln_spec spec;
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    ln_fixture_conv1d_1level(&spec, evaluation);
    evaluation->computes = 0; /* per-compute energies divide by zero */
    evaluation->cycles = 0;
    char *text = ln_render_json(&spec, evaluation);

    ln_assert_contains(text, "\"fj_per_compute\": null");
    ln_assert_contains(text, "\"total_fj_per_compute\": null");
    ln_assert_contains(text, "\"gflops_at_1ghz\": null");
    free(text);
    free(evaluation);
    ln_spec_release(&spec);
}

static void test_failed_evaluation_lists_failures(void **state)
{
    (void)state;
    ln_spec spec;
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    ln_fixture_conv1d_1level(&spec, evaluation);
    evaluation->status = LN_EVALUATION_CAPACITY;
    evaluation->failure_count = 1;
    ln_evaluation_failure *failure = &evaluation->failures[0];
    failure->status = LN_EVALUATION_CAPACITY;
    failure->level = 0;
    failure->tensor = 1;
    failure->required = 96;
    failure->available = 64;
    /* A message filling the whole buffer, without a terminator. */
    memset(failure->message, 'x', sizeof failure->message);
    char *text = ln_render_json(&spec, evaluation);

    ln_assert_contains(text, "\"status\": \"capacity\",\n  \"failures\": [\n    {\n"
                             "      \"status\": \"capacity\",\n      \"level_index\": 0,\n"
                             "      \"level\": \"Buffer\",\n      \"tensor\": \"Inputs\",\n"
                             "      \"required\": 96,\n      \"available\": 64,\n");
    ln_assert_contains(text, "\"stats\": null");
    ln_assert_contains(text, "\"operational_intensity\": null,");
    ln_assert_contains(text, "\"networks\": null,");
    char message[sizeof failure->message + 32];
    snprintf(message, sizeof message, "\"message\": \"%.*s\"\n", (int)sizeof failure->message, failure->message);
    ln_assert_contains(text, message);
    free(text);
    free(evaluation);
    ln_spec_release(&spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_validator_rejects_malformed_text),
        cmocka_unit_test(test_conv1d_report_is_valid_and_complete),
        cmocka_unit_test(test_names_are_escaped),
        cmocka_unit_test(test_non_finite_figures_become_null),
        cmocka_unit_test(test_failed_evaluation_lists_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
