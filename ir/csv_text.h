/* Comma-separated tables, for the estimator's data files (stdlib/) and the
 * user's energy tables (`--tables DIR`).
 *
 * RFC 4180 quoting ("a, b" and "" inside quotes); fields are trimmed of
 * surrounding blanks; blank lines are skipped; a '#' in the header row
 * starts a comment (the data files annotate their columns that way). */
#ifndef LOOPNEST_IR_CSV_TEXT_H
#define LOOPNEST_IR_CSV_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/arena.h"
#include "ir/diagnostic.h"

typedef struct ln_csv_row {
    uint32_t line;           /* 1-based line in the file */
    const char **fields;     /* column_count entries; missing trailing fields are "" */
} ln_csv_row;

typedef struct ln_csv_table {
    const char *path;
    uint32_t column_count;
    const char **columns;    /* the header row */
    uint32_t row_count;
    ln_csv_row *rows;
} ln_csv_table;

/* Parses `text` into `table` (arena memory). Returns false with a located
 * error when the text has no header or a quote is left open; a row with more
 * fields than the header is an error too, since its meaning is unknown. */
bool ln_csv_parse(ln_arena *arena, ln_diagnostics *diagnostics, const char *path, const char *text,
                  size_t length, ln_csv_table *table);

/* The index of the column named `name` (case-sensitive), or -1. */
int ln_csv_column(const ln_csv_table *table, const char *name);

/* The number in a field ("1e-9", "5.98E+00"); false when it is not one. */
bool ln_csv_number(const char *field, double *value);

#endif
