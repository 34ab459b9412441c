/* Helpers for the .nest language's unit tests: write programs into a
 * scratch directory, load them (with the stdlib on the include path) and
 * look diagnostics up. */
#ifndef LOOPNEST_TESTS_DSL_TEST_SUPPORT_H
#define LOOPNEST_TESTS_DSL_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "frontend/diagnostics.h"
#include "frontend/nest_spec.h"


enum { DSL_TEST_MAX_FILES = 16 };

typedef struct dsl_test {
    ln_spec spec;
    ln_diagnostics diagnostics;
    bool ok;
    char directory[64];
    char files[DSL_TEST_MAX_FILES][256];
    size_t file_count;
} dsl_test;

static inline void dsl_test_init(dsl_test *test)
{
    memset(test, 0, sizeof *test);
    ln_spec_init(&test->spec);
    ln_diagnostics_init(&test->diagnostics);
    snprintf(test->directory, sizeof test->directory, "/tmp/loopnest_dsl_XXXXXX");
    assert_non_null(mkdtemp(test->directory));
}

/* Writes `text` to `name` in the test's directory; returns its path. */
static inline const char *dsl_test_write(dsl_test *test, const char *name, const char *text)
{
    assert_true(test->file_count < DSL_TEST_MAX_FILES);
    char *path = test->files[test->file_count++];
    snprintf(path, 256, "%s/%s", test->directory, name);
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs(text, file);
    fclose(file);
    return path;
}

/* Loads files given by path (a written name resolves in the directory). */
static inline bool dsl_test_load_paths(dsl_test *test, const char *const *paths, size_t count)
{
    const char *directories[] = {LN_SOURCE_DIR "/stdlib"};
    ln_nest_options options = {directories, 1};
    test->ok = ln_load_spec(&test->spec, &test->diagnostics, paths, count, &options);
    return test->ok;
}

/* Writes `text` as main.nest and loads it. */
static inline bool dsl_test_load(dsl_test *test, const char *text)
{
    const char *path = dsl_test_write(test, "main.nest", text);
    return dsl_test_load_paths(test, &path, 1);
}

static inline void dsl_test_release(dsl_test *test)
{
    for (size_t i = 0; i < test->file_count; i++)
        unlink(test->files[i]);
    rmdir(test->directory);
    ln_spec_release(&test->spec);
    ln_diagnostics_release(&test->diagnostics);
}

/* The first diagnostic of `severity` whose message contains `text`. */
static inline const ln_diagnostic *dsl_test_find(const dsl_test *test, ln_severity severity,
                                                 const char *text)
{
    for (size_t i = 0; i < test->diagnostics.count; i++) {
        const ln_diagnostic *item = &test->diagnostics.items[i];
        if (item->severity == severity && strstr(item->message, text))
            return item;
    }
    return NULL;
}

static inline void dsl_test_dump(const dsl_test *test)
{
    ln_diagnostics_render(stderr, &test->diagnostics);
}

/* Loads and expects no error (printing them if there are). */
static inline void dsl_test_load_clean(dsl_test *test, const char *text)
{
    if (!dsl_test_load(test, text)) {
        dsl_test_dump(test);
        fail_msg("the program did not load");
    }
}

#endif
