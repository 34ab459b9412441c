#include "ir/diagnostic.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *checked_realloc(void *pointer, size_t size)
{
    void *result = realloc(pointer, size);
    if (!result) {
        fputs("loopnest: error: out of memory\n", stderr);
        abort();
    }
    return result;
}

static char *checked_strdup(const char *text)
{
    size_t length = strlen(text);
    char *copy = checked_realloc(NULL, length + 1);
    memcpy(copy, text, length + 1);
    return copy;
}

void ln_diagnostics_init(ln_diagnostics *diagnostics)
{
    memset(diagnostics, 0, sizeof *diagnostics);
}

void ln_diagnostics_release(ln_diagnostics *diagnostics)
{
    for (size_t i = 0; i < diagnostics->count; i++) {
        free(diagnostics->items[i].message);
        free(diagnostics->items[i].hint);
    }
    free(diagnostics->items);
    for (size_t i = 0; i < diagnostics->file_count; i++) {
        free(diagnostics->files[i].path);
        free(diagnostics->files[i].text);
    }
    free(diagnostics->files);
    memset(diagnostics, 0, sizeof *diagnostics);
}

const char *ln_diagnostics_add_source(ln_diagnostics *diagnostics, const char *path,
                                      const char *text, size_t length)
{
    for (size_t i = 0; i < diagnostics->file_count; i++) {
        if (strcmp(diagnostics->files[i].path, path) == 0) {
            free(diagnostics->files[i].text);
            diagnostics->files[i].text = checked_realloc(NULL, length + 1);
            memcpy(diagnostics->files[i].text, text, length);
            diagnostics->files[i].text[length] = '\0';
            diagnostics->files[i].length = length;
            return diagnostics->files[i].path;
        }
    }
    if (diagnostics->file_count == diagnostics->file_capacity) {
        diagnostics->file_capacity = diagnostics->file_capacity ? diagnostics->file_capacity * 2 : 8;
        diagnostics->files = checked_realloc(diagnostics->files,
                                             diagnostics->file_capacity * sizeof *diagnostics->files);
    }
    ln_source_file *file = &diagnostics->files[diagnostics->file_count++];
    file->path = checked_strdup(path);
    file->text = checked_realloc(NULL, length + 1);
    memcpy(file->text, text, length);
    file->text[length] = '\0';
    file->length = length;
    return file->path;
}

const ln_source_file *ln_diagnostics_find_source(const ln_diagnostics *diagnostics,
                                                 const char *path)
{
    if (!path)
        return NULL;
    for (size_t i = 0; i < diagnostics->file_count; i++)
        if (diagnostics->files[i].path == path || strcmp(diagnostics->files[i].path, path) == 0)
            return &diagnostics->files[i];
    return NULL;
}

void ln_diagnostic_report(ln_diagnostics *diagnostics, ln_severity severity,
                          ln_source_location location, const char *hint,
                          const char *format, ...)
{
    if (severity == LN_SEVERITY_WARNING && diagnostics->suppress_warnings)
        return;
    if (diagnostics->count == diagnostics->capacity) {
        diagnostics->capacity = diagnostics->capacity ? diagnostics->capacity * 2 : 16;
        diagnostics->items = checked_realloc(diagnostics->items,
                                             diagnostics->capacity * sizeof *diagnostics->items);
    }
    va_list arguments;
    va_start(arguments, format);
    char probe[1];
    int length = vsnprintf(probe, sizeof probe, format, arguments);
    va_end(arguments);
    char *message = checked_realloc(NULL, length > 0 ? (size_t)length + 1 : 1);
    va_start(arguments, format);
    vsnprintf(message, length > 0 ? (size_t)length + 1 : 1, format, arguments);
    va_end(arguments);

    ln_diagnostic *item = &diagnostics->items[diagnostics->count++];
    item->severity = severity;
    item->location = location;
    item->message = message;
    item->hint = hint ? checked_strdup(hint) : NULL;
    if (severity == LN_SEVERITY_ERROR)
        diagnostics->error_count++;
    else if (severity == LN_SEVERITY_WARNING)
        diagnostics->warning_count++;
}
