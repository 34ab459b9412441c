/* Reading .nest source into a syntax tree (ir/nest_ast.h).
 *
 * Every fault is a located diagnostic (`file:line:col: error: ...` with the
 * source line and a caret when rendered); the parser recovers at the next
 * statement, so one call reports every syntax error of a file. Comments
 * are attached to the statements they precede or end, so that the tree can
 * be printed back with them (backend/nest_printer.h). */
#ifndef LOOPNEST_FRONTEND_NEST_READER_H
#define LOOPNEST_FRONTEND_NEST_READER_H

#include <stddef.h>

#include "ir/diagnostic.h"
#include "ir/nest_ast.h"

/* Parses `text`, registered with the diagnostics under `path` unless it
 * already is. Returns the tree (a LN_NEST_PROGRAM, to be freed with
 * ln_nest_node_free), or NULL when there was any error. */
ln_nest_node *ln_nest_parse_text(ln_diagnostics *diagnostics, const char *path, const char *text,
                                 size_t length);

/* Reads the file and parses it. */
ln_nest_node *ln_nest_parse_file(ln_diagnostics *diagnostics, const char *path);

#endif
