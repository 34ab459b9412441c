/* Internal to the architecture importer (yaml_architecture.c and
 * yaml_arch_nodes.c): the components gathered from any architecture form
 * before Timeloop's per-level derivations, and the helpers both files use. */
#ifndef LOOPNEST_FRONTEND_YAML_ARCH_INTERNAL_H
#define LOOPNEST_FRONTEND_YAML_ARCH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend/yaml_import.h"

typedef struct ln_attribute_vector {
    ln_attribute *items;
    uint32_t count, capacity;
} ln_attribute_vector;

typedef struct ln_arch_component {
    const char *name;
    const char *component_class;
    const char *subclass;
    ln_source_location location;
    ln_attribute_vector attributes;
    const ln_yaml_node *attribute_node; /* the written `attributes` mapping, may be NULL */
    uint64_t element_count;             /* instances implied by ranges or meshes; 0 = none */
    bool is_dummy;

    /* Nodes form: the constraints written on the node, and for a dummy
     * level the spatial constraint of the container it stands for. */
    const ln_yaml_node *constraints;
    const ln_yaml_node *spatial_constraint;
    ln_source_location spatial_constraint_location;
    ln_tensor_mask branch_bypass; /* bypasses implied by a !Parallel */
    bool spatial_moved;           /* its spatial constraint went to its dummy level */
} ln_arch_component;

typedef struct ln_branch_bypass {
    const ln_yaml_node *node;
    ln_tensor_mask bypass;
} ln_branch_bypass;

typedef struct ln_arch_builder {
    ln_yaml_import *import;
    ln_arch_component storage[LN_MAX_STORAGE_LEVELS]; /* outermost first while gathering */
    uint32_t storage_count;
    bool has_compute;
    ln_arch_component compute;
    bool ok;

    /* Nodes form */
    ln_attribute_vector inherited;
    uint64_t mesh_x, mesh_y;
    bool first_node_seen;
    ln_branch_bypass branch_bypasses[LN_MAX_STORAGE_LEVELS * 2];
    uint32_t branch_bypass_count;
} ln_arch_builder;

/* ---- Attribute vectors (in the spec's arena) ---------------------------- */

ln_attribute *ln_arch_attribute_find(const ln_attribute_vector *vector, const char *name);
/* Sets an attribute; an existing one is replaced only when `replace`. */
void ln_arch_attribute_put(ln_arena *arena, ln_attribute_vector *vector,
                           const ln_attribute *attribute, bool replace);
/* A scalar pair as an attribute; false for lists and mappings. */
bool ln_arch_attribute_from_pair(const ln_yaml_pair *pair, ln_attribute *attribute);
/* Every scalar pair of `mapping` except the NULL-terminated `skip` names. */
void ln_arch_collect_attributes(ln_arena *arena, ln_attribute_vector *vector,
                                const ln_yaml_node *mapping, const char *const *skip, bool replace);
ln_attribute ln_arch_number_attribute(ln_arena *arena, const char *name, double value,
                                      ln_source_location location);
ln_attribute ln_arch_bool_attribute(const char *name, bool value, ln_source_location location);

/* ---- Components ---------------------------------------------------------- */

/* Timeloop's bufferClasses / computeClasses: substring matches. */
bool ln_arch_is_storage_class(const char *component_class);
bool ln_arch_is_compute_class(const char *component_class);

/* The keys a component may have, for unknown-key warnings. */
extern const char *const ln_arch_component_keys[];

/* Appends a storage component (outermost first); NULL past the limit. */
ln_arch_component *ln_arch_add_storage(ln_arch_builder *builder, ln_source_location location);
/* Places a component by its class: storage, compute, or (NULL) ignored as
 * Timeloop ignores networks and other classes. */
ln_arch_component *ln_arch_place_component(ln_arch_builder *builder, const ln_yaml_node *node,
                                           const char *name, uint64_t element_count);
/* Copies inherited attributes the component does not set itself. */
void ln_arch_inherit(ln_arena *arena, ln_arch_component *component,
                     const ln_attribute_vector *inherited);

/* ---- The nodes form (yaml_arch_nodes.c) --------------------------------- */

void ln_arch_import_nodes_form(ln_arch_builder *builder, const ln_yaml_node *nodes);
/* After the levels are derived: the constraints written on nodes and those
 * the front end derives (dummy levels, !Parallel bypasses, pinned loops). */
void ln_arch_import_node_constraints(ln_arch_builder *builder);

#endif
