#include "frontend/diagnostics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *severity_name(ln_severity severity)
{
    switch (severity) {
    case LN_SEVERITY_ERROR:
        return "error";
    case LN_SEVERITY_WARNING:
        return "warning";
    case LN_SEVERITY_NOTE:
        return "note";
    }
    return "error";
}

/* Finds the start and length of 1-based line `line` in `text`. */
static bool find_line(const char *text, size_t length, uint32_t line, const char **start,
                      size_t *line_length)
{
    const char *cursor = text;
    const char *end = text + length;
    for (uint32_t current = 1; current < line; current++) {
        const char *newline = memchr(cursor, '\n', (size_t)(end - cursor));
        if (!newline)
            return false;
        cursor = newline + 1;
    }
    if (cursor > end)
        return false;
    const char *newline = memchr(cursor, '\n', (size_t)(end - cursor));
    *start = cursor;
    *line_length = newline ? (size_t)(newline - cursor) : (size_t)(end - cursor);
    if (*line_length && cursor[*line_length - 1] == '\r')
        (*line_length)--;
    return true;
}

void ln_diagnostic_render(FILE *out, const ln_diagnostics *diagnostics, const ln_diagnostic *item)
{
    const ln_source_location *location = &item->location;
    if (location->file && location->line)
        fprintf(out, "%s:%u:%u: ", location->file, location->line,
                location->column ? location->column : 1);
    else if (location->file)
        fprintf(out, "%s: ", location->file);
    else
        fputs("loopnest: ", out);
    fprintf(out, "%s: %s", severity_name(item->severity), item->message);
    if (item->hint && *item->hint)
        fprintf(out, "; %s", item->hint);
    fputc('\n', out);

    const ln_source_file *source = ln_diagnostics_find_source(diagnostics, location->file);
    const char *line_start;
    size_t line_length;
    if (!source || !location->line ||
        !find_line(source->text, source->length, location->line, &line_start, &line_length))
        return;
    fprintf(out, "%5u | ", location->line);
    for (size_t i = 0; i < line_length; i++)
        fputc(line_start[i] == '\t' ? ' ' : line_start[i], out);
    fputc('\n', out);
    fputs("      | ", out);
    uint32_t column = location->column ? location->column : 1;
    for (uint32_t i = 1; i < column; i++)
        fputc(' ', out);
    fputs("^\n", out);
}

void ln_diagnostics_render(FILE *out, const ln_diagnostics *diagnostics)
{
    for (size_t i = 0; i < diagnostics->count; i++)
        ln_diagnostic_render(out, diagnostics, &diagnostics->items[i]);
}

const char *ln_read_source_file(ln_diagnostics *diagnostics, const char *path,
                                const char **text, size_t *length)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        ln_error(diagnostics, ln_location_none(), "check the path and that the file is readable",
                 "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t capacity = 4096, used = 0;
    char *buffer = malloc(capacity);
    if (!buffer) {
        fclose(file);
        ln_error(diagnostics, ln_location_none(), NULL, "out of memory reading '%s'", path);
        return NULL;
    }
    for (;;) {
        if (used == capacity) {
            capacity *= 2;
            char *grown = realloc(buffer, capacity);
            if (!grown) {
                free(buffer);
                fclose(file);
                ln_error(diagnostics, ln_location_none(), NULL, "out of memory reading '%s'", path);
                return NULL;
            }
            buffer = grown;
        }
        size_t got = fread(buffer + used, 1, capacity - used, file);
        used += got;
        if (got == 0)
            break;
    }
    bool failed = ferror(file);
    fclose(file);
    if (failed) {
        free(buffer);
        ln_error(diagnostics, ln_location_none(), "check that the path names a readable file",
                 "cannot read '%s'", path);
        return NULL;
    }
    const char *stored = ln_diagnostics_add_source(diagnostics, path, buffer, used);
    free(buffer);
    const ln_source_file *source = ln_diagnostics_find_source(diagnostics, stored);
    *text = source->text;
    *length = source->length;
    return stored;
}
