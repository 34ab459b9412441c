/* The files of stdlib/ (energy data tables, component classes), embedded in
 * the binary at build time by cmake/embed_stdlib.cmake.
 *
 * Embedding rather than installing a data directory means a copied or
 * installed `loopnest` always finds the data it was built and tested with,
 * and the estimator's numbers cannot drift with a stray data folder. */
#ifndef LOOPNEST_IR_STDLIB_DATA_H
#define LOOPNEST_IR_STDLIB_DATA_H

#include <stddef.h>

typedef struct ln_stdlib_file {
    const char *path;   /* relative to stdlib/, e.g. "energy-data/aladdin-40nm/adder.csv" */
    const char *text;   /* NUL-terminated */
    size_t length;      /* without the terminating NUL */
} ln_stdlib_file;

/* Every embedded file, sorted by path. */
const ln_stdlib_file *ln_stdlib_files(size_t *count);

/* The file at `path` (relative to stdlib/), or NULL. */
const ln_stdlib_file *ln_stdlib_find(const char *path);

#endif
