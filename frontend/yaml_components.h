/* Accelergy compound component classes in YAML -> ir/component.h.
 *
 * Reads `compound_components` in the forms Accelergy accepts: v0.3 and
 * v0.4 `{version, classes: [...]}`, a bare list of classes, and lists of
 * lists (what several included files concatenate to). Anchors and merge
 * keys are already expanded by the YAML tree. Values stay expressions (text
 * and location); nothing is evaluated here. */
#ifndef LOOPNEST_FRONTEND_YAML_COMPONENTS_H
#define LOOPNEST_FRONTEND_YAML_COMPONENTS_H

#include <stdbool.h>

#include "frontend/yaml_document.h"
#include "ir/component.h"

/* Appends every class under `node` to `library`, in order (a later class of
 * the same name shadows an earlier one). Returns false with located errors
 * for malformed classes; well-formed ones are still added. */
bool ln_yaml_import_components(ln_arena *arena, ln_diagnostics *diagnostics, const ln_yaml_node *node,
                               ln_component_library *library, bool from_stdlib);

/* Parses YAML text (e.g. a stdlib file) and imports its
 * `compound_components` section; `path` names it in messages. */
bool ln_yaml_import_components_text(ln_arena *arena, ln_diagnostics *diagnostics, const char *path,
                                    const char *text, size_t length, ln_component_library *library,
                                    bool from_stdlib);

/* Imports the component classes embedded from stdlib/components (SRAM,
 * DRAM, regfile, smartbuffer_SRAM, smartbuffer_RF, intmac, fpmac) into
 * `library`, which the estimator consults after the spec's own classes. */
bool ln_yaml_load_stdlib_components(ln_arena *arena, ln_diagnostics *diagnostics, ln_component_library *library);

#endif
