#include "ir/csv_text.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct ln_csv_cursor {
    const char *text;
    size_t length;
    size_t offset;
    uint32_t line;
} ln_csv_cursor;

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static char *trimmed_copy(ln_arena *arena, const char *text, size_t length)
{
    size_t begin = 0;
    while (begin < length && is_blank(text[begin]))
        begin++;
    while (length > begin && (is_blank(text[length - 1]) || text[length - 1] == '\r'))
        length--;
    return ln_arena_strndup(arena, text + begin, length - begin);
}

/* Reads one record (which may span lines inside quotes) into a growing list
 * of fields. Returns false at the end of the text. */
static bool read_record(ln_arena *arena, ln_diagnostics *diagnostics, const char *path,
                        ln_csv_cursor *cursor, const char ***fields, uint32_t *count, uint32_t *line,
                        bool *ok)
{
    /* Skip blank lines. */
    for (;;) {
        if (cursor->offset >= cursor->length)
            return false;
        size_t end = cursor->offset;
        while (end < cursor->length && cursor->text[end] != '\n')
            end++;
        bool blank = true;
        for (size_t i = cursor->offset; i < end && blank; i++)
            blank = is_blank(cursor->text[i]) || cursor->text[i] == '\r';
        if (!blank)
            break;
        cursor->offset = end + 1;
        cursor->line++;
    }
    *line = cursor->line;
    uint32_t capacity = 8;
    const char **list = ln_arena_alloc_array(arena, capacity, sizeof *list);
    uint32_t n = 0;
    char *buffer = NULL;
    size_t buffer_capacity = 0;
    for (;;) {
        /* One field. */
        size_t start = cursor->offset;
        const char *field;
        if (cursor->offset < cursor->length) {
            size_t probe = start;
            while (probe < cursor->length && is_blank(cursor->text[probe]))
                probe++;
            if (probe < cursor->length && cursor->text[probe] == '"') {
                /* Quoted: collect with "" unescaped. */
                size_t used = 0;
                size_t at = probe + 1;
                bool closed = false;
                while (at < cursor->length) {
                    char c = cursor->text[at];
                    if (c == '"') {
                        if (at + 1 < cursor->length && cursor->text[at + 1] == '"') {
                            at += 2;
                            c = '"';
                        } else {
                            at++;
                            closed = true;
                            break;
                        }
                    } else {
                        if (c == '\n')
                            cursor->line++;
                        at++;
                    }
                    if (used + 1 >= buffer_capacity) {
                        size_t grown = buffer_capacity ? buffer_capacity * 2 : 64;
                        char *larger = ln_arena_alloc(arena, grown);
                        if (used)
                            memcpy(larger, buffer, used);
                        buffer = larger;
                        buffer_capacity = grown;
                    }
                    buffer[used++] = c;
                }
                if (!closed) {
                    ln_source_location location = {path, *line, 1};
                    ln_error(diagnostics, location, "close the quoted field with \"",
                             "a quoted field is never closed");
                    *ok = false;
                    cursor->offset = cursor->length;
                    return false;
                }
                field = trimmed_copy(arena, buffer ? buffer : "", used);
                while (at < cursor->length && cursor->text[at] != ',' && cursor->text[at] != '\n')
                    at++;
                cursor->offset = at;
            } else {
                size_t at = start;
                while (at < cursor->length && cursor->text[at] != ',' && cursor->text[at] != '\n')
                    at++;
                field = trimmed_copy(arena, cursor->text + start, at - start);
                cursor->offset = at;
            }
        } else {
            field = "";
        }
        if (n == capacity) {
            const char **larger = ln_arena_alloc_array(arena, capacity * 2, sizeof *larger);
            memcpy(larger, list, n * sizeof *list);
            list = larger;
            capacity *= 2;
        }
        list[n++] = field;
        if (cursor->offset < cursor->length && cursor->text[cursor->offset] == ',') {
            cursor->offset++;
            continue;
        }
        /* End of record. */
        if (cursor->offset < cursor->length) {
            cursor->offset++;
            cursor->line++;
        }
        break;
    }
    *fields = list;
    *count = n;
    return true;
}

bool ln_csv_parse(ln_arena *arena, ln_diagnostics *diagnostics, const char *path, const char *text,
                  size_t length, ln_csv_table *table)
{
    memset(table, 0, sizeof *table);
    table->path = path;
    ln_csv_cursor cursor = {text, length, 0, 1};
    bool ok = true;
    const char **header;
    uint32_t header_count, header_line;
    if (!read_record(arena, diagnostics, path, &cursor, &header, &header_count, &header_line, &ok)) {
        if (ok) {
            ln_source_location location = {path, 1, 1};
            ln_error(diagnostics, location, "start the table with a header row naming its columns",
                     "the table is empty");
        }
        return false;
    }
    /* Comments in the header: "c   # energy factor = ..." names column c. */
    for (uint32_t i = 0; i < header_count; i++) {
        const char *hash = strchr(header[i], '#');
        if (hash)
            header[i] = trimmed_copy(arena, header[i], (size_t)(hash - header[i]));
    }
    while (header_count > 0 && header[header_count - 1][0] == '\0')
        header_count--;
    table->columns = header;
    table->column_count = header_count;

    uint32_t capacity = 16;
    table->rows = ln_arena_alloc_array(arena, capacity, sizeof *table->rows);
    const char **fields;
    uint32_t count, line;
    while (read_record(arena, diagnostics, path, &cursor, &fields, &count, &line, &ok)) {
        while (count > header_count && fields[count - 1][0] == '\0')
            count--;
        if (count > header_count) {
            ln_source_location location = {path, line, 1};
            ln_error(diagnostics, location, "give every row the columns of the header, no more",
                     "this row has %u fields but the header names %u columns", count, header_count);
            ok = false;
            continue;
        }
        const char **padded = fields;
        if (count < header_count) {
            padded = ln_arena_alloc_array(arena, header_count, sizeof *padded);
            for (uint32_t i = 0; i < header_count; i++)
                padded[i] = i < count ? fields[i] : "";
        }
        if (table->row_count == capacity) {
            ln_csv_row *larger = ln_arena_alloc_array(arena, capacity * 2, sizeof *larger);
            memcpy(larger, table->rows, table->row_count * sizeof *larger);
            table->rows = larger;
            capacity *= 2;
        }
        table->rows[table->row_count].line = line;
        table->rows[table->row_count].fields = padded;
        table->row_count++;
    }
    return ok;
}

int ln_csv_column(const ln_csv_table *table, const char *name)
{
    for (uint32_t i = 0; i < table->column_count; i++)
        if (strcmp(table->columns[i], name) == 0)
            return (int)i;
    return -1;
}

bool ln_csv_number(const char *field, double *value)
{
    if (!field || !*field)
        return false;
    char *end;
    errno = 0;
    double parsed = strtod(field, &end);
    if (end == field || *end != '\0' || errno == ERANGE || !isfinite(parsed))
        return false;
    *value = parsed;
    return true;
}
