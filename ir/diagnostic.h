/* Located messages collected while reading, lowering and checking a spec.
 *
 * Every module that can find a fault in user input reports it here with the
 * place in the source it came from; frontend/diagnostics.c renders them with
 * the source line and a caret. The sink lives in ir/ so that lowering and
 * validation (which must not depend on the front ends) can report too. */
#ifndef LOOPNEST_IR_DIAGNOSTIC_H
#define LOOPNEST_IR_DIAGNOSTIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ln_source_location {
    const char *file;   /* NULL when the item was not read from a file */
    uint32_t line;      /* 1-based; 0 when unknown */
    uint32_t column;    /* 1-based; 0 when unknown */
} ln_source_location;

typedef enum ln_severity {
    LN_SEVERITY_ERROR,
    LN_SEVERITY_WARNING,
    LN_SEVERITY_NOTE
} ln_severity;

typedef struct ln_diagnostic {
    ln_severity severity;
    ln_source_location location;
    char *message; /* what is wrong */
    char *hint;    /* what would fix it; may be NULL */
} ln_diagnostic;

/* The text of every file read, so that a diagnostic can quote its line. */
typedef struct ln_source_file {
    char *path;
    char *text;
    size_t length;
} ln_source_file;

typedef struct ln_diagnostics {
    ln_diagnostic *items;
    size_t count;
    size_t capacity;
    size_t error_count;
    size_t warning_count;
    ln_source_file *files;
    size_t file_count;
    size_t file_capacity;
    /* When set, warnings are not recorded (for callers that only probe). */
    bool suppress_warnings;
} ln_diagnostics;

void ln_diagnostics_init(ln_diagnostics *diagnostics);
void ln_diagnostics_release(ln_diagnostics *diagnostics);

/* Keeps a private copy of the text; returns the stored path pointer, which
 * stays valid until release and can be used in ln_source_location.file. */
const char *ln_diagnostics_add_source(ln_diagnostics *diagnostics, const char *path,
                                      const char *text, size_t length);
const ln_source_file *ln_diagnostics_find_source(const ln_diagnostics *diagnostics,
                                                 const char *path);

void ln_diagnostic_report(ln_diagnostics *diagnostics, ln_severity severity,
                          ln_source_location location, const char *hint,
                          const char *format, ...) __attribute__((format(printf, 5, 6)));

#define ln_error(diagnostics, location, hint, ...) \
    ln_diagnostic_report((diagnostics), LN_SEVERITY_ERROR, (location), (hint), __VA_ARGS__)
#define ln_warning(diagnostics, location, hint, ...) \
    ln_diagnostic_report((diagnostics), LN_SEVERITY_WARNING, (location), (hint), __VA_ARGS__)

static inline ln_source_location ln_location_none(void)
{
    ln_source_location location = {NULL, 0, 0};
    return location;
}

#endif
