/* Rendering of collected diagnostics for people:
 *
 *   file:line:col: error: what is wrong; what would fix it
 *      12 |     factors: R=3 P=8
 *         |                  ^
 */
#ifndef LOOPNEST_FRONTEND_DIAGNOSTICS_H
#define LOOPNEST_FRONTEND_DIAGNOSTICS_H

#include <stdio.h>

#include "ir/diagnostic.h"

/* Prints every diagnostic in the order reported. */
void ln_diagnostics_render(FILE *out, const ln_diagnostics *diagnostics);

/* Prints one diagnostic. */
void ln_diagnostic_render(FILE *out, const ln_diagnostics *diagnostics, const ln_diagnostic *item);

/* Reads a whole file into memory and registers it as a source; returns the
 * registered path (for locations) or NULL with an error reported. The text
 * is returned through *text and stays owned by the diagnostics registry. */
const char *ln_read_source_file(ln_diagnostics *diagnostics, const char *path,
                                const char **text, size_t *length);

#endif
