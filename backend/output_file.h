/* Output files written whole: a reader never sees a half-written report.
 *
 * The text goes to a temporary file next to the final path, which is renamed
 * over the final path only once everything was written and flushed to disk.
 * rename() within one directory is atomic, so the final path holds either
 * the previous complete file or the new complete file. Any failure removes
 * the temporary file and leaves a diagnostic naming the path and the
 * system's reason. */
#ifndef LOOPNEST_BACKEND_OUTPUT_FILE_H
#define LOOPNEST_BACKEND_OUTPUT_FILE_H

#include <stdbool.h>
#include <stdio.h>

#include "ir/diagnostic.h"

typedef struct ln_output_file {
    FILE *stream;     /* write the contents here; NULL when not open */
    char *path;       /* the final path */
    char *temp_path;  /* the temporary file in the same directory */
} ln_output_file;

/* Creates the temporary file for `path`. On failure reports an error and
 * leaves `file` closed (safe to abort). */
bool ln_output_file_open(ln_output_file *file, const char *path, ln_diagnostics *diagnostics);

/* Flushes, syncs and closes the temporary file, then renames it over the
 * final path. On any failure (including an earlier write error on the
 * stream) removes the temporary file and reports an error. The file is
 * closed afterwards either way. */
bool ln_output_file_commit(ln_output_file *file, ln_diagnostics *diagnostics);

/* Discards the temporary file; the final path is left untouched. Safe on a
 * file that is closed or was never opened successfully. */
void ln_output_file_abort(ln_output_file *file);

/* Writes `path` whole with `write` (which returns false on failure). */
typedef bool (*ln_output_writer)(FILE *out, const void *context);
bool ln_output_file_write(const char *path, ln_output_writer write, const void *context,
                          ln_diagnostics *diagnostics);

/* Creates `path` and any missing parent directories (mkdir -p); succeeds
 * when it already is a directory. */
bool ln_output_directory_create(const char *path, ln_diagnostics *diagnostics);

#endif
