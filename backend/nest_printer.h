/* Canonical .nest source from a syntax tree (ir/nest_ast.h): what
 * `loopnest fmt` writes and `loopnest convert --to nest` produces.
 *
 * The canonical layout: two-space indentation, one statement per line,
 * every loop of a nest on its own line under its `@LEVEL`, one space around
 * `=`, `+=`, `*` between operands and `+` between terms, none in `a*b`
 * terms, one blank line between top-level items, and blank lines inside
 * blocks kept where the source had them (several collapse into one).
 * Comments stay with the statements they were written with. Printing a
 * tree parsed from canonical text gives the same text back. */
#ifndef LOOPNEST_BACKEND_NEST_PRINTER_H
#define LOOPNEST_BACKEND_NEST_PRINTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ir/nest_ast.h"

/* Writes `program` (a LN_NEST_PROGRAM); false when the stream failed. */
bool ln_nest_print(FILE *out, const ln_nest_node *program);

/* The same into a malloc'ed, NUL-terminated string (NULL on
 * out-of-memory); *length receives its length when not NULL. */
char *ln_nest_print_to_string(const ln_nest_node *program, size_t *length);

#endif
