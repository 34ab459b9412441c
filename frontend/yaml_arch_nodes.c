/* The v0.4 `nodes` architecture, read as Timeloop's front end (timeloopfe)
 * flattens it: containers pass their attributes down, a fan-out becomes a
 * dummy level `inter_<name>_spatial` holding the mesh before the fan-out,
 * and the constraints written on nodes become architecture constraints
 * together with those the front end derives from the structure. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/yaml_arch_internal.h"

/* ------------------------------------------------------------------ */
/* nodes form                                                           */
/* ------------------------------------------------------------------ */

typedef enum ln_node_kind {
    LN_NODE_CONTAINER,
    LN_NODE_COMPONENT,
    LN_NODE_PARALLEL,
    LN_NODE_HIERARCHICAL,
    LN_NODE_NOTHING,
    LN_NODE_UNKNOWN,
} ln_node_kind;

static ln_node_kind node_kind(const ln_yaml_node *node)
{
    if (node->kind != LN_YAML_MAPPING)
        return LN_NODE_UNKNOWN;
    if (node->tag) {
        if (strcmp(node->tag, "!Container") == 0)
            return LN_NODE_CONTAINER;
        if (strcmp(node->tag, "!Component") == 0)
            return LN_NODE_COMPONENT;
        if (strcmp(node->tag, "!Parallel") == 0)
            return LN_NODE_PARALLEL;
        if (strcmp(node->tag, "!Hierarchical") == 0)
            return LN_NODE_HIERARCHICAL;
        if (strcmp(node->tag, "!Nothing") == 0)
            return LN_NODE_NOTHING;
        return LN_NODE_UNKNOWN;
    }
    /* Untagged nodes are read by their keys. */
    if (ln_yaml_find(node, "nodes"))
        return LN_NODE_HIERARCHICAL;
    if (ln_yaml_find(node, "class"))
        return LN_NODE_COMPONENT;
    return LN_NODE_CONTAINER;
}

static const char *const container_keys[] = {"name",        "attributes", "spatial",
                                             "constraints", "networks",   "sparse_optimizations",
                                             "enabled",     NULL};
static const char *const branch_keys[] = {"nodes", "name", NULL};
static const char *const spatial_keys[] = {"meshX", "meshY", NULL};
static const char *const group_keys[] = {"spatial", "temporal", "dataspace",
                                         "max_overbooked_proportion", "utilization", NULL};

static bool node_enabled(ln_arch_builder *builder, const ln_yaml_node *node)
{
    const ln_yaml_node *enabled = ln_yaml_find(node, "enabled");
    bool value = true;
    if (enabled && !ln_yaml_is_null(enabled) &&
        !ln_import_bool(builder->import, enabled, "'enabled'", &value))
        builder->ok = false;
    return value;
}

/* The keep list of a node's dataspace constraint, read quietly: errors in
 * it are reported when the constraint itself is imported. */
static ln_tensor_mask node_keep(const ln_yaml_import *import, const ln_yaml_node *node)
{
    const ln_yaml_node *constraints = ln_yaml_find(node, "constraints");
    const ln_yaml_node *keep = ln_yaml_find(ln_yaml_find(constraints, "dataspace"), "keep");
    ln_tensor_mask mask = 0;
    if (!keep)
        return 0;
    if (keep->kind == LN_YAML_SCALAR) {
        int tensor = ln_problem_find_tensor(&import->spec->problem, keep->text);
        return tensor >= 0 ? (ln_tensor_mask)(1u << tensor) : 0;
    }
    for (size_t i = 0; keep->kind == LN_YAML_SEQUENCE && i < keep->item_count; i++) {
        if (keep->items[i]->kind != LN_YAML_SCALAR)
            continue;
        int tensor = ln_problem_find_tensor(&import->spec->problem, keep->items[i]->text);
        if (tensor >= 0)
            mask = (ln_tensor_mask)(mask | (1u << tensor));
    }
    return mask;
}

static const ln_yaml_node *branch_nodes(const ln_yaml_node *node)
{
    const ln_yaml_node *nodes = ln_yaml_find(node, "nodes");
    return nodes && nodes->kind == LN_YAML_SEQUENCE ? nodes : NULL;
}

static ln_tensor_mask subtree_keep(const ln_yaml_import *import, const ln_yaml_node *node)
{
    ln_tensor_mask mask = node_keep(import, node);
    const ln_yaml_node *nodes = branch_nodes(node);
    for (size_t i = 0; nodes && i < nodes->item_count; i++)
        mask = (ln_tensor_mask)(mask | subtree_keep(import, nodes->items[i]));
    return mask;
}

static void add_branch_bypass(ln_arch_builder *builder, const ln_yaml_node *node,
                              ln_tensor_mask bypass)
{
    const ln_yaml_node *nodes = branch_nodes(node);
    if (nodes) {
        for (size_t i = 0; i < nodes->item_count; i++)
            add_branch_bypass(builder, nodes->items[i], bypass);
        return;
    }
    for (uint32_t i = 0; i < builder->branch_bypass_count; i++) {
        if (builder->branch_bypasses[i].node == node) {
            builder->branch_bypasses[i].bypass |= bypass;
            return;
        }
    }
    if (builder->branch_bypass_count < sizeof builder->branch_bypasses / sizeof *builder->branch_bypasses) {
        builder->branch_bypasses[builder->branch_bypass_count].node = node;
        builder->branch_bypasses[builder->branch_bypass_count].bypass = bypass;
        builder->branch_bypass_count++;
    }
}

static void tensor_names(const ln_problem *problem, ln_tensor_mask mask, char *buffer, size_t size)
{
    size_t used = 0;
    buffer[0] = '\0';
    for (uint8_t t = 0; t < problem->tensor_count && used < size; t++)
        if (mask & (1u << t))
            used += (size_t)snprintf(buffer + used, size - used, "%s%s", used ? ", " : "",
                                     problem->tensors[t].name);
}

/* Timeloop's front end (Dataspace2Branch): each tensor goes down exactly
 * one branch of a !Parallel, and every branch bypasses the tensors the
 * other branches keep. */
static void resolve_parallels(ln_arch_builder *builder, const ln_yaml_node *node)
{
    const ln_yaml_import *import = builder->import;
    const ln_problem *problem = &import->spec->problem;
    const ln_yaml_node *nodes = branch_nodes(node);
    if (!nodes)
        return;
    if (node_kind(node) == LN_NODE_PARALLEL) {
        ln_tensor_mask all = (ln_tensor_mask)((1u << problem->tensor_count) - 1);
        ln_tensor_mask kept = 0;
        for (size_t i = 0; i < nodes->item_count; i++) {
            ln_tensor_mask keep = subtree_keep(import, nodes->items[i]);
            if (keep & kept) {
                char names[256];
                tensor_names(problem, keep & kept, names, sizeof names);
                ln_error(import->diagnostics, nodes->items[i]->location,
                         "keep each tensor in only one branch of a !Parallel",
                         "%s kept in two branches of a !Parallel", names);
                builder->ok = false;
            }
            kept = (ln_tensor_mask)(kept | keep);
        }
        if ((kept & all) != all) {
            char names[256];
            tensor_names(problem, all & ~kept, names, sizeof names);
            char hint[512];
            snprintf(hint, sizeof hint,
                     "keep them in one branch, or add a branch "
                     "`!Nothing {constraints: {dataspace: {keep: [%s]}}}` to bypass them all",
                     names);
            ln_error(import->diagnostics, node->location, hint,
                     "no branch of the !Parallel keeps %s", names);
            builder->ok = false;
        }
        for (size_t i = 0; i < nodes->item_count; i++)
            add_branch_bypass(builder, nodes->items[i],
                              (ln_tensor_mask)(all & ~subtree_keep(import, nodes->items[i])));
    }
    for (size_t i = 0; i < nodes->item_count; i++)
        resolve_parallels(builder, nodes->items[i]);
}

static ln_tensor_mask branch_bypass_of(const ln_arch_builder *builder, const ln_yaml_node *node)
{
    for (uint32_t i = 0; i < builder->branch_bypass_count; i++)
        if (builder->branch_bypasses[i].node == node)
            return builder->branch_bypasses[i].bypass;
    return 0;
}

/* Storage attributes the front end fills in when they are missing
 * (timeloopfe's StorageAttributes); reduction_supported matters: Timeloop
 * assumes no reduction in a DRAM that leaves it unset. */
static void add_front_end_defaults(ln_arch_builder *builder, ln_arch_component *component,
                                   bool storage)
{
    ln_arena *arena = builder->import->arena;
    ln_source_location where = component->location;
    ln_attribute attribute = ln_arch_bool_attribute("has_power_gating", false, where);
    ln_arch_attribute_put(arena, &component->attributes, &attribute, false);
    if (storage) {
        attribute = ln_arch_number_attribute(arena, "n_banks", 2, where);
        ln_arch_attribute_put(arena, &component->attributes, &attribute, false);
        /* With a block_size the default cluster_size would have to match
         * the width exactly, which the written spec never promised. */
        if (!ln_arch_attribute_find(&component->attributes, "block_size") &&
            !ln_arch_attribute_find(&component->attributes, "n_words")) {
            attribute = ln_arch_number_attribute(arena, "cluster_size", 1, where);
            ln_arch_attribute_put(arena, &component->attributes, &attribute, false);
        }
        attribute = ln_arch_bool_attribute("reduction_supported", true, where);
        ln_arch_attribute_put(arena, &component->attributes, &attribute, false);
        attribute = ln_arch_number_attribute(arena, "multiple_buffering", 1, where);
        ln_arch_attribute_put(arena, &component->attributes, &attribute, false);
        attribute = ln_arch_number_attribute(arena, "min_utilization", 0, where);
        ln_arch_attribute_put(arena, &component->attributes, &attribute, false);
        attribute = ln_arch_bool_attribute("allow_overbooking", false, where);
        ln_arch_attribute_put(arena, &component->attributes, &attribute, false);
    }
    attribute = ln_arch_number_attribute(arena, "meshX", (double)builder->mesh_x, where);
    ln_arch_attribute_put(arena, &component->attributes, &attribute, true);
    attribute = ln_arch_number_attribute(arena, "meshY", (double)builder->mesh_y, where);
    ln_arch_attribute_put(arena, &component->attributes, &attribute, true);
    component->element_count = builder->mesh_x * builder->mesh_y;
}

static bool read_spatial(ln_arch_builder *builder, const ln_yaml_node *node, uint64_t *x, uint64_t *y)
{
    ln_yaml_import *import = builder->import;
    *x = *y = 1;
    const ln_yaml_node *spatial = ln_yaml_find(node, "spatial");
    if (ln_yaml_is_null(spatial))
        return true;
    if (!ln_yaml_expect_kind(spatial, LN_YAML_MAPPING, import->diagnostics, import->arena,
                             "'spatial'"))
        return false;
    ln_yaml_warn_unknown_keys(spatial, import->diagnostics, "'spatial'", spatial_keys);
    int64_t value;
    const ln_yaml_node *mesh_x = ln_yaml_find(spatial, "meshX");
    const ln_yaml_node *mesh_y = ln_yaml_find(spatial, "meshY");
    if (mesh_x) {
        if (!ln_import_int(import, mesh_x, "'meshX'", 1, UINT32_MAX, &value))
            return false;
        *x = (uint64_t)value;
    }
    if (mesh_y) {
        if (!ln_import_int(import, mesh_y, "'meshY'", 1, UINT32_MAX, &value))
            return false;
        *y = (uint64_t)value;
    }
    return true;
}

static ln_arch_component *place_dummy(ln_arch_builder *builder, const ln_yaml_node *node,
                                      const char *name)
{
    ln_yaml_import *import = builder->import;
    ln_arch_component *dummy = ln_arch_add_storage(builder, node->location);
    if (!dummy)
        return NULL;
    ln_arena *arena = import->arena;
    dummy->name = ln_arena_printf(arena, "inter_%s_spatial", name);
    dummy->component_class = "dummy_storage";
    dummy->is_dummy = true;
    ln_attribute attribute = ln_arch_number_attribute(arena, "width", 1, node->location);
    ln_arch_attribute_put(arena, &dummy->attributes, &attribute, true);
    attribute = ln_arch_number_attribute(arena, "depth", 1, node->location);
    ln_arch_attribute_put(arena, &dummy->attributes, &attribute, true);
    attribute = ln_arch_number_attribute(arena, "datawidth", 1, node->location);
    ln_arch_attribute_put(arena, &dummy->attributes, &attribute, true);
    attribute = ln_arch_number_attribute(arena, "technology", -1, node->location);
    ln_arch_attribute_put(arena, &dummy->attributes, &attribute, true);
    add_front_end_defaults(builder, dummy, true);
    ln_arch_inherit(arena, dummy, &builder->inherited);
    const ln_yaml_node *constraints = ln_yaml_find(node, "constraints");
    const ln_yaml_pair *spatial = ln_yaml_find_pair(constraints, "spatial");
    if (spatial && !ln_yaml_is_null(spatial->value)) {
        dummy->spatial_constraint = spatial->value;
        dummy->spatial_constraint_location = spatial->key->location;
    }
    return dummy;
}

static void walk_nodes(ln_arch_builder *builder, const ln_yaml_node *list, bool in_parallel);

static void walk_leaf(ln_arch_builder *builder, const ln_yaml_node *node, ln_node_kind kind,
                      bool in_parallel)
{
    ln_yaml_import *import = builder->import;
    ln_arch *arch = &import->spec->arch;
    ln_yaml_warn_unknown_keys(node, import->diagnostics,
                              kind == LN_NODE_CONTAINER ? "a !Container" : "a !Component",
                              kind == LN_NODE_CONTAINER ? container_keys : ln_arch_component_keys);
    const ln_yaml_node *name_node = ln_yaml_find(node, "name");
    if (!name_node) {
        ln_import_missing_key(import, node, "name",
                              kind == LN_NODE_CONTAINER ? "a !Container" : "a !Component",
                              "give the node a name, e.g. `name: PE`");
        builder->ok = false;
        return;
    }
    const char *name = ln_import_text(import, name_node, "'name'");
    if (!name) {
        builder->ok = false;
        return;
    }
    if (strchr(name, '[')) {
        ln_error(import->diagnostics, name_node->location,
                 "give a fan-out with `spatial: {meshX: N}` instead",
                 "'%s': instance ranges in names belong to the subtree form, not to nodes", name);
        builder->ok = false;
        return;
    }
    const ln_yaml_node *attributes = ln_yaml_find(node, "attributes");
    if (attributes && !ln_yaml_is_null(attributes) &&
        !ln_yaml_expect_kind(attributes, LN_YAML_MAPPING, import->diagnostics, import->arena,
                             "'attributes'")) {
        builder->ok = false;
        return;
    }
    const ln_yaml_node *constraints = ln_yaml_find(node, "constraints");
    if (constraints && !ln_yaml_is_null(constraints)) {
        if (!ln_yaml_expect_kind(constraints, LN_YAML_MAPPING, import->diagnostics, import->arena,
                                 "'constraints'")) {
            builder->ok = false;
            return;
        }
        ln_yaml_warn_unknown_keys(constraints, import->diagnostics, "the constraints of a node",
                                  group_keys);
    }
    uint64_t fanout_x, fanout_y;
    if (!read_spatial(builder, node, &fanout_x, &fanout_y)) {
        builder->ok = false;
        return;
    }
    bool has_fanout = fanout_x * fanout_y != 1;
    if (in_parallel && (kind == LN_NODE_CONTAINER || has_fanout)) {
        ln_error(import->diagnostics, node->location,
                 "move the container or fan-out out of the !Parallel",
                 "%s '%s' cannot be inside a !Parallel",
                 kind == LN_NODE_CONTAINER ? "a container" : "a component with a fan-out", name);
        builder->ok = false;
        return;
    }

    if (kind == LN_NODE_CONTAINER) {
        ln_arch_collect_attributes(import->arena, &builder->inherited, attributes, NULL, true);
        if (!builder->first_node_seen) {
            arch->name = ln_arena_printf(import->arena, "%s_top_level", name);
            ln_attribute_vector top = {NULL, 0, 0};
            for (uint32_t i = 0; import->variables && i < import->variables->pair_count; i++) {
                ln_attribute attribute;
                if (ln_arch_attribute_from_pair(&import->variables->pairs[i], &attribute))
                    ln_arch_attribute_put(import->arena, &top, &attribute, true);
            }
            ln_arch_collect_attributes(import->arena, &top, attributes, NULL, true);
            arch->attributes.count = top.count;
            arch->attributes.items = top.items;
        }
        builder->first_node_seen = true;
        if (has_fanout) {
            place_dummy(builder, node, name);
            builder->mesh_x *= fanout_x;
            builder->mesh_y *= fanout_y;
        }
        if (constraints) {
            for (size_t i = 0; i < constraints->pair_count; i++)
                if (strcmp(constraints->pairs[i].name, "spatial") != 0 &&
                    !ln_yaml_is_null(constraints->pairs[i].value))
                    ln_warning(import->diagnostics, constraints->pairs[i].key->location,
                               "put the constraint on a component inside the container",
                               "a container holds no storage: its '%s' constraint is ignored",
                               constraints->pairs[i].key->text);
        }
        return;
    }

    builder->first_node_seen = true;
    if (has_fanout) {
        const ln_yaml_node *class_node = ln_yaml_find(node, "class");
        if (class_node && class_node->kind == LN_YAML_SCALAR &&
            (ln_arch_is_storage_class(class_node->text) || ln_arch_is_compute_class(class_node->text)))
            place_dummy(builder, node, name);
        builder->mesh_x *= fanout_x;
        builder->mesh_y *= fanout_y;
    }
    ln_arch_component *component = ln_arch_place_component(builder, node, name, 0);
    if (!component)
        return;
    bool storage = component != &builder->compute;
    /* The front end's defaults come with the component's class, before
     * the containers' attributes are copied into what is still missing. */
    add_front_end_defaults(builder, component, storage);
    ln_arch_inherit(import->arena, component, &builder->inherited);
    if (storage) {
        component->constraints = constraints;
        component->branch_bypass = branch_bypass_of(builder, node);
        /* A component's own spatial constraint moves to the dummy in front of it. */
        component->spatial_moved = has_fanout;
    }
}

static void walk_nodes(ln_arch_builder *builder, const ln_yaml_node *list, bool in_parallel)
{
    ln_yaml_import *import = builder->import;
    if (!ln_yaml_expect_kind(list, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                             "'nodes'")) {
        builder->ok = false;
        return;
    }
    for (size_t i = 0; i < list->item_count; i++) {
        const ln_yaml_node *node = list->items[i];
        if (node->kind != LN_YAML_MAPPING) {
            ln_error(import->diagnostics, node->location,
                     "write each node as a tagged mapping, e.g. `- !Component {name: ..., class: ...}`",
                     "an architecture node must be a mapping, not %s",
                     ln_yaml_describe(import->arena, node));
            builder->ok = false;
            continue;
        }
        ln_node_kind kind = node_kind(node);
        if (kind == LN_NODE_UNKNOWN) {
            ln_error(import->diagnostics, node->location,
                     "use !Container, !Component, !Parallel, !Hierarchical or !Nothing",
                     "unsupported architecture node tag '%s'", node->tag);
            builder->ok = false;
            continue;
        }
        if (!node_enabled(builder, node))
            continue;
        switch (kind) {
        case LN_NODE_PARALLEL:
        case LN_NODE_HIERARCHICAL: {
            ln_yaml_warn_unknown_keys(node, import->diagnostics,
                                      kind == LN_NODE_PARALLEL ? "a !Parallel" : "a !Hierarchical",
                                      branch_keys);
            const ln_yaml_node *nodes = ln_yaml_find(node, "nodes");
            if (!nodes) {
                ln_import_missing_key(import, node, "nodes", "a branch node",
                                      "list the nodes of the branch under `nodes:`");
                builder->ok = false;
                continue;
            }
            walk_nodes(builder, nodes, kind == LN_NODE_PARALLEL);
            break;
        }
        case LN_NODE_NOTHING:
            break;
        case LN_NODE_CONTAINER:
        case LN_NODE_COMPONENT:
            walk_leaf(builder, node, kind, in_parallel);
            break;
        case LN_NODE_UNKNOWN:
            break;
        }
    }
}

void ln_arch_import_nodes_form(ln_arch_builder *builder, const ln_yaml_node *nodes)
{
    ln_arch *arch = &builder->import->spec->arch;
    arch->form = LN_ARCH_FORM_NODES;
    arch->name = "top_level";
    builder->mesh_x = builder->mesh_y = 1;
    if (builder->import->problem_ok && nodes->kind == LN_YAML_SEQUENCE) {
        /* The whole list behaves as one hierarchical branch. */
        for (size_t i = 0; i < nodes->item_count; i++)
            resolve_parallels(builder, nodes->items[i]);
    }
    walk_nodes(builder, nodes, false);
}

/* ------------------------------------------------------------------ */
/* Constraints of the nodes form                                        */
/* ------------------------------------------------------------------ */

static ln_constraint *find_node_constraint(ln_yaml_import *import, ln_constraint_kind kind,
                                           uint32_t level)
{
    ln_constraint_list *list = &import->spec->constraints;
    for (uint32_t i = import->node_constraints_begin; i < list->count; i++)
        if (list->items[i].kind == kind && list->items[i].level == (int32_t)level)
            return &list->items[i];
    return NULL;
}

static ln_constraint *node_constraint(ln_yaml_import *import, ln_constraint_kind kind, uint32_t level,
                                      ln_source_location location)
{
    ln_constraint *constraint = find_node_constraint(import, kind, level);
    if (constraint)
        return constraint;
    constraint = ln_import_new_constraint(import);
    constraint->kind = kind;
    constraint->level = (int32_t)level;
    constraint->from_architecture = true;
    constraint->target_name = import->spec->arch.storage[level].name;
    constraint->location = location;
    return constraint;
}

static bool constraint_is_empty(const ln_constraint *constraint)
{
    if (constraint->permutation_count || constraint->permutation_suffix_count ||
        constraint->split_specified || constraint->keep || constraint->bypass)
        return false;
    for (uint32_t d = 0; d < LN_MAX_DIMENSIONS; d++)
        if (constraint->factor_relation[d] != LN_FACTOR_FREE)
            return false;
    return true;
}

/* Dimensions in order, for loops the front end pins with no written order. */
static void optimize_permutation(ln_yaml_import *import, ln_constraint *constraint)
{
    const ln_problem *problem = &import->spec->problem;
    uint8_t units[LN_MAX_DIMENSIONS], count = 0;
    for (uint8_t d = 0; d < problem->dimension_count; d++)
        if ((constraint->factor_relation[d] == LN_FACTOR_EQUAL && constraint->factors[d] == 1) ||
            constraint->max_factors[d] == 1 || constraint->min_factors[d] == 1)
            units[count++] = d;
    ln_import_pin_unit_loops(import, constraint, units, count);
}

static void drop_empty_node_constraints(ln_yaml_import *import)
{
    ln_constraint_list *list = &import->spec->constraints;
    uint32_t kept = import->node_constraints_begin;
    for (uint32_t i = import->node_constraints_begin; i < list->count; i++)
        if (!constraint_is_empty(&list->items[i]) ||
            list->items[i].kind == LN_CONSTRAINT_MAX_OVERBOOKED_PROPORTION ||
            list->items[i].kind == LN_CONSTRAINT_UTILIZATION)
            list->items[kept++] = list->items[i];
    list->count = kept;
}

void ln_arch_import_node_constraints(ln_arch_builder *builder)
{
    ln_yaml_import *import = builder->import;
    ln_arch *arch = &import->spec->arch;
    const ln_problem *problem = &import->spec->problem;
    import->node_constraints_begin = import->spec->constraints.count;
    import->pin_unit_loops = true;
    uint32_t count = builder->storage_count;
    ln_tensor_mask all = (ln_tensor_mask)((1u << problem->tensor_count) - 1);
    for (uint32_t outer = 0; outer < count; outer++) {
        const ln_arch_component *component = &builder->storage[outer];
        uint32_t level = count - 1 - outer;
        const char *name = arch->storage[level].name;
        if (component->is_dummy) {
            if (component->spatial_constraint &&
                !ln_yaml_import_constraint_body(import, "spatial", level, name,
                                                component->spatial_constraint,
                                                component->spatial_constraint_location, true))
                builder->ok = false;
            /* The front end's dummy constraints: no temporal loops, no data. */
            ln_constraint *temporal = node_constraint(import, LN_CONSTRAINT_TEMPORAL, level,
                                                      component->location);
            for (uint8_t d = 0; d < problem->dimension_count; d++) {
                temporal->factor_relation[d] = LN_FACTOR_EQUAL;
                temporal->factors[d] = 1;
                temporal->permutation[d] = d;
            }
            temporal->permutation_count = problem->dimension_count;
            ln_constraint *dataspace = node_constraint(import, LN_CONSTRAINT_DATASPACE, level,
                                                       component->location);
            dataspace->bypass = all;
            continue;
        }
        const ln_yaml_node *group = component->constraints;
        for (size_t i = 0; group && group->kind == LN_YAML_MAPPING && i < group->pair_count; i++) {
            const ln_yaml_pair *pair = &group->pairs[i];
            bool known = false;
            for (size_t k = 0; group_keys[k] && !known; k++)
                known = strcmp(pair->name, group_keys[k]) == 0;
            if (!known || ln_yaml_is_null(pair->value))
                continue;
            if (component->spatial_moved && strcmp(pair->name, "spatial") == 0)
                continue;
            if (!ln_yaml_import_constraint_body(import, pair->name, level, name, pair->value,
                                                pair->key->location, true))
                builder->ok = false;
        }
        if (component->branch_bypass) {
            ln_constraint *dataspace = node_constraint(import, LN_CONSTRAINT_DATASPACE, level,
                                                       component->location);
            dataspace->bypass |= component->branch_bypass;
        }
    }
    for (uint32_t level = 0; level < arch->storage_count; level++) {
        optimize_permutation(import, node_constraint(import, LN_CONSTRAINT_TEMPORAL, level,
                                                     arch->storage[level].location));
        if (ln_import_fanout(arch, level) > 1)
            optimize_permutation(import, node_constraint(import, LN_CONSTRAINT_SPATIAL, level,
                                                         arch->storage[level].location));
    }
    import->pin_unit_loops = false;
    drop_empty_node_constraints(import);
    import->node_constraints_end = import->spec->constraints.count;
}
