/* The .nest front end: .nest (and YAML) files -> the spec IR.
 *
 * A .nest program is every declaration of the files given and of the
 * files they `include` (each file once, wherever it is included from).
 * From it one problem, one architecture, one mapping and one search are
 * lowered into the same ln_spec the YAML importer produces:
 *   - the problem's loop statement becomes dimensions, coefficients and
 *     tensors with their projections (frontend/nest_lower_problem.c);
 *   - the architecture tree is handed to the YAML importer as the v0.4
 *     node list it stands for (or, written flat with instance counts, as
 *     the subtree form Timeloop's model reads), so that Timeloop's
 *     derivations (dummy levels, defaults, inherited attributes, sizes)
 *     exist once (frontend/nest_lower_arch.c);
 *   - the mapping's nest becomes factors, permutations, splits and
 *     keep/bypass per level, completed by the architecture's constraints
 *     as Timeloop's front end does (frontend/nest_lower_mapping.c);
 *   - a search becomes mapspace constraints and mapper options.
 * YAML files given beside the .nest files (or included by them) are
 * imported first; what the .nest program defines replaces their sections.
 * Every fault is a located diagnostic. */
#ifndef LOOPNEST_FRONTEND_NEST_SPEC_H
#define LOOPNEST_FRONTEND_NEST_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "ir/diagnostic.h"
#include "ir/spec.h"

typedef struct ln_nest_options {
    /* Searched, in order, for an included file that is not found next to
     * the file including it (the stdlib directory, typically). */
    const char *const *include_directories;
    size_t include_directory_count;
} ln_nest_options;

/* True for a path that names a .nest file (by its extension). */
bool ln_is_nest_path(const char *path);

/* Loads .nest and YAML files (told apart by extension) into `spec`, which
 * the caller initialized with ln_spec_init. Returns false when any error
 * was reported. A mapping that is given is validated (its factors must
 * multiply out, its fan-outs fit). */
bool ln_load_spec(ln_spec *spec, ln_diagnostics *diagnostics, const char *const *paths,
                  size_t path_count, const ln_nest_options *options);

#endif
