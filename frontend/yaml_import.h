/* Internal to the YAML importer (frontend/yaml_*.c): the state shared by
 * the section importers and the value readers they have in common. Not for
 * use outside the importer; frontend/yaml_spec.h is the public interface. */
#ifndef LOOPNEST_FRONTEND_YAML_IMPORT_H
#define LOOPNEST_FRONTEND_YAML_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend/yaml_document.h"
#include "ir/spec.h"

typedef struct ln_yaml_import {
    ln_spec *spec;
    ln_diagnostics *diagnostics;
    ln_arena *arena; /* &spec->arena */
    /* Top-level `variables`: Timeloop lets a numeric setting name one. */
    const ln_yaml_node *variables;

    bool problem_ok;
    bool arch_ok;
    /* Given but rejected: later sections stay quiet about them being missing. */
    bool problem_failed;
    bool arch_failed;
    uint32_t constraint_capacity;

    /* Constraints the Timeloop front end derives from a nodes-form
     * architecture occupy [node_constraints_begin, node_constraints_end)
     * of spec->constraints; for a model run it folds them into the
     * mapping, and so do we. */
    bool arch_from_nodes;
    uint32_t node_constraints_begin, node_constraints_end;
    /* Set while importing those: pin one-iteration loops innermost in
     * their permutations, as timeloopfe's PermutationOptimizer does. */
    bool pin_unit_loops;

    /* What the mapping wrote per level, so that the architecture's
     * constraints only fill what the mapping left open. */
    bool temporal_permutation_written[LN_MAX_STORAGE_LEVELS];
    bool spatial_permutation_written[LN_MAX_STORAGE_LEVELS];
} ln_yaml_import;

/* ---- Section importers (one per file) ---------------------------------- */

bool ln_yaml_import_problem_section(ln_yaml_import *import, const ln_yaml_node *problem);
bool ln_yaml_import_architecture_section(ln_yaml_import *import, const ln_yaml_node *architecture);
bool ln_yaml_import_mapping_section(ln_yaml_import *import, const ln_yaml_node *mapping);
/* Applies constraints from the nodes-form architecture to the mapping as
 * the Timeloop front end does for timeloop-model. */
void ln_yaml_apply_node_constraints_to_mapping(ln_yaml_import *import);
/* `architecture_constraints`, `mapspace_constraints`, `mapspace`: a list, or a
 * mapping holding `targets` or `constraints`. */
bool ln_yaml_import_constraint_section(ln_yaml_import *import, const ln_yaml_node *section,
                                       bool from_architecture, const char *section_name);
/* One constraint whose type and target are already known (nodes form). */
bool ln_yaml_import_constraint_body(ln_yaml_import *import, const char *type, uint32_t level,
                                    const char *target_name, const ln_yaml_node *body,
                                    ln_source_location location, bool from_architecture);
bool ln_yaml_import_mapper_section(ln_yaml_import *import, const ln_yaml_node *mapper);
void ln_yaml_set_mapper_defaults(ln_mapper_options *mapper);
bool ln_yaml_import_energy_tables(ln_yaml_import *import, const ln_yaml_node *ert,
                                  const ln_yaml_node *art);

/* ---- Values ------------------------------------------------------------- */

/* Numeric readers that also accept the name of a top-level variable. */
bool ln_import_int(ln_yaml_import *import, const ln_yaml_node *node, const char *what,
                   int64_t minimum, int64_t maximum, int64_t *value);
bool ln_import_double(ln_yaml_import *import, const ln_yaml_node *node, const char *what,
                      double *value);
bool ln_import_bool(ln_yaml_import *import, const ln_yaml_node *node, const char *what,
                    bool *value);
/* A scalar's text copied into the spec's arena; NULL with an error otherwise. */
const char *ln_import_text(ln_yaml_import *import, const ln_yaml_node *node, const char *what);
/* The value of `name` in the top-level variables, or NULL. */
const ln_yaml_node *ln_import_variable(const ln_yaml_import *import, const char *name);

/* Reports a missing required key of `mapping` (located at the mapping). */
void ln_import_missing_key(ln_yaml_import *import, const ln_yaml_node *mapping, const char *key,
                           const char *context, const char *hint);

/* ---- Names of the problem and the architecture -------------------------- */

/* Resolves a mapping or constraint target: a storage level's name, the
 * name of a nodes-form container whose fan-out became
 * `inter_<name>_spatial`, or an index. Reports an unknown level listing the
 * levels. Returns -1 on error. */
int ln_import_find_level(ln_yaml_import *import, const ln_yaml_node *target);

/* A tensor name; unknown ones are reported with the closest name. -1 on error. */
int ln_import_find_tensor(ln_yaml_import *import, const char *name, ln_source_location location);
/* A dimension name; unknown ones are reported listing the dimensions. */
int ln_import_find_dimension(ln_yaml_import *import, const char *name, size_t length,
                             ln_source_location location, const char *context);

/* A list of tensor names (a single name is accepted too) as a mask. */
bool ln_import_tensor_list(ln_yaml_import *import, const ln_yaml_node *node, const char *what,
                           ln_tensor_mask *mask);

/* A permutation: a string of one-letter dimension names (or names separated
 * by commas) or a list of names, innermost first. With allow_separator, a
 * '_' splits off the outermost part (Timeloop's constraint syntax) into
 * `suffix`. Repeated dimensions are errors. */
bool ln_import_permutation(ln_yaml_import *import, const ln_yaml_node *node, bool allow_separator,
                           uint8_t *prefix, uint8_t *prefix_count, uint8_t *suffix,
                           uint8_t *suffix_count);

typedef enum ln_factor_operator {
    LN_FACTOR_OPERATOR_EQUAL,
    LN_FACTOR_OPERATOR_AT_MOST,
    LN_FACTOR_OPERATOR_AT_LEAST,
} ln_factor_operator;

typedef struct ln_factor_entry {
    uint8_t dimension;
    ln_factor_operator operator_kind;
    int64_t value;
    bool has_residual;
    int64_t residual;
    ln_source_location location;
} ln_factor_entry;

/* Factors in every spelling Timeloop accepts: "R=3 P=16", "R3 P16",
 * "R=1,P=1", "R=3,2" (residual), a list of such strings, or a mapping
 * {R: 3}. Inequalities ("R<=4", "R>=2") only when `allow_inequalities`. */
bool ln_import_factors(ln_yaml_import *import, const ln_yaml_node *node, bool allow_inequalities,
                       ln_factor_entry *entries, size_t capacity, size_t *count);

/* timeloopfe's PermutationOptimizer: each dimension of `unit_dimensions`
 * (factors written as 1, in written order) and then each dimension whose
 * bound is 1 is put innermost in the permutation unless it is already in
 * it. */
void ln_import_pin_unit_loops(const ln_yaml_import *import, ln_constraint *constraint,
                              const uint8_t *unit_dimensions, uint8_t unit_count);

/* Appends a zeroed constraint to spec->constraints. */
ln_constraint *ln_import_new_constraint(ln_yaml_import *import);

/* The fan-out from storage level `level` to the next-inner level. */
uint64_t ln_import_fanout(const ln_arch *arch, uint32_t level);

#endif
