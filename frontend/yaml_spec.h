/* The YAML importer: Timeloop spec files -> the spec IR.
 *
 * Reads what `timeloop-model` / `timeloop-mapper` read, in every spelling
 * the tutorials and example designs use: the v0.4 `nodes` architecture and
 * the `subtree` form its front end dumps, problems, mappings, mapspace
 * constraints, mapper options, and Accelergy's ERT / ART tables. Several
 * files combine by top-level key, a later file's section replacing an
 * earlier one's (so `parsed-processed-input.yaml` followed by a found
 * `map.yaml` replaces its empty `mapping: []`).
 *
 * Sections are imported in dependency order: problem, architecture,
 * mapping and constraints (which name levels, tensors and dimensions),
 * mapper options, energy tables. Every fault is a located diagnostic with a
 * hint; unknown keys are warnings. */
#ifndef LOOPNEST_FRONTEND_YAML_SPEC_H
#define LOOPNEST_FRONTEND_YAML_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "frontend/yaml_document.h"
#include "ir/spec.h"

/* Parses the files into spec->arena and imports them into `spec`, which the
 * caller has initialized with ln_spec_init. Returns false when any error
 * was reported. */
bool ln_yaml_load_spec(ln_spec *spec, ln_diagnostics *diagnostics, const char *const *paths,
                       size_t path_count);

/* The same from documents already parsed (e.g. by a front end that mixes
 * YAML sections with its own): the documents must live as long as the spec
 * (parse them into spec->arena). Sections absent from the documents keep
 * what `spec` already holds, so a problem or architecture set beforehand
 * serves the mapping and constraints read here. */
bool ln_yaml_import_documents(ln_spec *spec, ln_diagnostics *diagnostics,
                              const ln_yaml_document *documents, size_t document_count);

#endif
