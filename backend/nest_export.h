/* The spec IR as a .nest syntax tree, for `loopnest convert --to nest`
 * (print it with backend/nest_printer.h).
 *
 * The tree says exactly what the IR holds, so that reading it back gives
 * the same levels, mapping and constraints:
 *   - the problem as its loop statement (indices in lower case where that
 *     names the dimension unambiguously), coefficients with their defaults;
 *   - the architecture flat, as Timeloop's model reads it: every level a
 *     component with its instance count and attributes (dummy levels
 *     included), attributes the whole architecture shares written once at
 *     its top, its constraints in the level's block;
 *   - the mapping with every level's non-trivial loops, keep and bypass;
 *   - mapspace constraints and mapper options as a search;
 *   - the compound component classes the inputs define as `component`
 *     blocks.
 * Energy tables are not part of the language and are left out (give the
 * ERT/ART files beside the .nest file). */
#ifndef LOOPNEST_BACKEND_NEST_EXPORT_H
#define LOOPNEST_BACKEND_NEST_EXPORT_H

#include "ir/diagnostic.h"
#include "ir/nest_ast.h"
#include "ir/spec.h"

/* NULL with an error when something cannot be written (a problem with
 * more than one read-write tensor); free with ln_nest_node_free. */
ln_nest_node *ln_nest_from_spec(const ln_spec *spec, ln_diagnostics *diagnostics);

/* A program holding only the spec's mapping block (with `comment`, a
 * `//` line, above it when not NULL), ready to paste into a program on the
 * same problem and architecture. */
ln_nest_node *ln_nest_mapping_from_spec(const ln_spec *spec, const char *comment);

#endif
