/* Helpers for the YAML importer's unit tests: load specs from strings or
 * files and look diagnostics up by their text. */
#ifndef LOOPNEST_TESTS_YAML_TEST_SUPPORT_H
#define LOOPNEST_TESTS_YAML_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frontend/diagnostics.h"
#include "frontend/yaml_document.h"
#include "frontend/yaml_spec.h"

typedef struct yaml_test {
    ln_spec spec;
    ln_diagnostics diagnostics;
    bool ok;
} yaml_test;

static inline void yaml_test_init(yaml_test *test)
{
    ln_spec_init(&test->spec);
    ln_diagnostics_init(&test->diagnostics);
    test->ok = false;
}

static inline void yaml_test_release(yaml_test *test)
{
    ln_spec_release(&test->spec);
    ln_diagnostics_release(&test->diagnostics);
}

/* Loads inline texts, each registered as a source named "<name>.yaml". */
static inline bool yaml_test_load_texts(yaml_test *test, size_t count, const char *const *names,
                                        const char *const *texts)
{
    ln_yaml_document documents[8];
    bool parsed = true;
    for (size_t i = 0; i < count && i < 8; i++)
        if (!ln_yaml_parse(&test->spec.arena, &test->diagnostics, names[i], texts[i],
                           strlen(texts[i]), &documents[i]))
            parsed = false;
    test->ok = parsed && ln_yaml_import_documents(&test->spec, &test->diagnostics, documents, count);
    return test->ok;
}

static inline bool yaml_test_load(yaml_test *test, const char *text)
{
    const char *name = "test.yaml";
    return yaml_test_load_texts(test, 1, &name, &text);
}

static inline bool yaml_test_load_files(yaml_test *test, size_t count, const char *const *paths)
{
    test->ok = ln_yaml_load_spec(&test->spec, &test->diagnostics, paths, count);
    return test->ok;
}

/* The first diagnostic of `severity` whose message contains `text`. */
static inline const ln_diagnostic *yaml_test_find(const yaml_test *test, ln_severity severity,
                                                  const char *text)
{
    for (size_t i = 0; i < test->diagnostics.count; i++) {
        const ln_diagnostic *item = &test->diagnostics.items[i];
        if (item->severity == severity && strstr(item->message, text))
            return item;
    }
    return NULL;
}

static inline void yaml_test_dump(const yaml_test *test)
{
    ln_diagnostics_render(stderr, &test->diagnostics);
}

/* Asserts a diagnostic exists with that text at line:column (column 0
 * skips the column check) and that it carries a hint. */
static inline const ln_diagnostic *yaml_test_expect_at(const yaml_test *test, ln_severity severity,
                                                       const char *text, uint32_t line,
                                                       uint32_t column)
{
    const ln_diagnostic *item = yaml_test_find(test, severity, text);
    if (!item) {
        yaml_test_dump(test);
        fail_msg("no %s containing \"%s\"", severity == LN_SEVERITY_ERROR ? "error" : "warning", text);
    }
    if (item->location.line != line || (column && item->location.column != column)) {
        yaml_test_dump(test);
        fail_msg("\"%s\" reported at %u:%u, expected %u:%u", item->message, item->location.line,
                 item->location.column, line, column);
    }
    assert_non_null(item->hint);
    assert_true(strlen(item->hint) > 0);
    return item;
}

static inline const ln_diagnostic *yaml_test_expect_error(const yaml_test *test, const char *text,
                                                          uint32_t line, uint32_t column)
{
    return yaml_test_expect_at(test, LN_SEVERITY_ERROR, text, line, column);
}

static inline void yaml_test_expect_clean(const yaml_test *test)
{
    if (test->diagnostics.error_count || test->diagnostics.warning_count || !test->ok) {
        yaml_test_dump(test);
        fail_msg("expected a clean load (%zu errors, %zu warnings)", test->diagnostics.error_count,
                 test->diagnostics.warning_count);
    }
}

static inline void yaml_test_expect_no_errors(const yaml_test *test)
{
    if (test->diagnostics.error_count || !test->ok) {
        yaml_test_dump(test);
        fail_msg("expected no errors (%zu errors)", test->diagnostics.error_count);
    }
}

#endif
