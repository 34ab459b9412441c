#include "backend/nest_export.h"

#include "ir/component.h"

#include <ctype.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ln_nest_node *node_of(ln_nest_kind kind)
{
    return ln_nest_node_new(kind, ln_location_none());
}

static ln_nest_node *named_node(ln_nest_kind kind, const char *name)
{
    ln_nest_node *node = node_of(kind);
    node->name = ln_nest_strdup(name);
    return node;
}

static ln_nest_node *value_node(ln_nest_value_kind kind, const char *text)
{
    ln_nest_node *node = node_of(LN_NEST_VALUE);
    node->detail = (int)kind;
    node->text = ln_nest_strdup(text);
    return node;
}

/* A number as the lexer reads it: digits with an optional fraction and
 * exponent, an optional leading minus. */
static bool is_number_literal(const char *text)
{
    const char *cursor = text;
    if (*cursor == '-')
        cursor++;
    bool digits = false;
    while (isdigit((unsigned char)*cursor)) {
        cursor++;
        digits = true;
    }
    if (*cursor == '.') {
        cursor++;
        while (isdigit((unsigned char)*cursor)) {
            cursor++;
            digits = true;
        }
    }
    if (!digits)
        return false;
    if (*cursor == 'e' || *cursor == 'E') {
        cursor++;
        if (*cursor == '+' || *cursor == '-')
            cursor++;
        if (!isdigit((unsigned char)*cursor))
            return false;
        while (isdigit((unsigned char)*cursor))
            cursor++;
    }
    return *cursor == '\0';
}

/* The shortest text that reads back as `value`. */
static void format_number(char *buffer, size_t size, double value)
{
    for (int precision = 6; precision <= 17; precision++) {
        snprintf(buffer, size, "%.*g", precision, value);
        if (strtod(buffer, NULL) == value)
            return;
    }
}

static ln_nest_node *attribute_value(const ln_attribute *attribute)
{
    char number[64];
    switch (attribute->kind) {
    case LN_VALUE_NULL:
        return value_node(LN_NEST_VALUE_NULL, "null");
    case LN_VALUE_BOOL:
        return value_node(LN_NEST_VALUE_BOOL, attribute->boolean ? "true" : "false");
    case LN_VALUE_NUMBER:
        if (attribute->text && is_number_literal(attribute->text))
            return value_node(LN_NEST_VALUE_NUMBER, attribute->text);
        format_number(number, sizeof number, attribute->number);
        if (!is_number_literal(number)) /* infinities and NaN have no spelling */
            return value_node(LN_NEST_VALUE_STRING, attribute->text ? attribute->text : number);
        return value_node(LN_NEST_VALUE_NUMBER, number);
    case LN_VALUE_STRING:
        break;
    }
    return value_node(LN_NEST_VALUE_STRING, attribute->text ? attribute->text : "");
}

static ln_nest_node *attribute_node(const ln_attribute *attribute)
{
    ln_nest_node *node = named_node(LN_NEST_ATTRIBUTE, attribute->name);
    ln_nest_node_append(node, attribute_value(attribute));
    return node;
}

static ln_nest_node *number_attribute(const char *name, uint64_t value)
{
    char text[32];
    snprintf(text, sizeof text, "%" PRIu64, value);
    ln_nest_node *node = named_node(LN_NEST_ATTRIBUTE, name);
    ln_nest_node_append(node, value_node(LN_NEST_VALUE_NUMBER, text));
    return node;
}

static ln_nest_node *name_list(ln_nest_kind kind, const ln_problem *problem, ln_tensor_mask mask)
{
    ln_nest_node *list = node_of(kind);
    for (uint8_t t = 0; t < problem->tensor_count; t++)
        if (mask & (1u << t))
            ln_nest_node_append(list, named_node(LN_NEST_NAME, problem->tensors[t].name));
    return list;
}

static ln_nest_node *flag_node(const char *flag, const ln_problem *problem, ln_tensor_mask mask)
{
    ln_nest_node *node = name_list(LN_NEST_FLAG, problem, mask);
    node->name = ln_nest_strdup(flag);
    return node;
}

/* ------------------------------------------------------------------ */
/* Problem                                                              */
/* ------------------------------------------------------------------ */

/* The index that names dimension d: its name in lower case when that is
 * unambiguous (the lowering matches indices to dimensions in any case). */
static void index_name(const ln_problem *problem, uint8_t d, char *buffer, size_t size)
{
    const char *name = problem->dimension_names[d];
    snprintf(buffer, size, "%s", name);
    for (char *c = buffer; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    bool usable = ln_nest_is_plain_identifier(buffer) && strcmp(buffer, name) != 0;
    for (uint8_t other = 0; usable && other < problem->dimension_count; other++) {
        if (other == d)
            continue;
        char lower[128];
        snprintf(lower, sizeof lower, "%s", problem->dimension_names[other]);
        for (char *c = lower; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        if (strcmp(lower, buffer) == 0)
            usable = false;
    }
    for (uint8_t c = 0; usable && c < problem->coefficient_count; c++)
        if (strcmp(problem->coefficient_names[c], buffer) == 0)
            usable = false;
    if (!usable)
        snprintf(buffer, size, "%s", name);
}

static ln_nest_node *access_node(const ln_problem *problem, const ln_tensor *tensor)
{
    ln_nest_node *access = named_node(LN_NEST_ACCESS, tensor->name);
    for (uint8_t r = 0; r < tensor->rank_count; r++) {
        ln_nest_node *index = node_of(LN_NEST_INDEX);
        for (uint8_t t = 0; t < tensor->ranks[r].term_count; t++) {
            const ln_projection_term *term = &tensor->ranks[r].terms[t];
            char name[128];
            index_name(problem, term->dimension, name, sizeof name);
            ln_nest_node *node;
            if (term->coefficient >= 0) {
                node = named_node(LN_NEST_TERM, problem->coefficient_names[term->coefficient]);
                node->name2 = ln_nest_strdup(name);
            } else {
                node = named_node(LN_NEST_TERM, name);
            }
            ln_nest_node_append(index, node);
        }
        ln_nest_node_append(access, index);
    }
    return access;
}

static ln_nest_node *problem_node(const ln_problem *problem, ln_diagnostics *diagnostics)
{
    int output = -1;
    for (uint8_t t = 0; t < problem->tensor_count; t++) {
        if (!problem->tensors[t].read_write)
            continue;
        if (output >= 0) {
            ln_error(diagnostics, problem->tensors[t].location,
                     "the .nest language writes a problem as one statement with one output",
                     "problem %s has two read-write tensors (%s and %s)",
                     problem->name ? problem->name : "", problem->tensors[output].name,
                     problem->tensors[t].name);
            return NULL;
        }
        output = t;
    }
    if (problem->tensor_count == 0) {
        ln_error(diagnostics, problem->location, NULL, "the problem has no tensors");
        return NULL;
    }
    bool accumulate = output >= 0;
    if (output < 0)
        output = problem->tensor_count - 1;

    ln_nest_node *node = named_node(LN_NEST_PROBLEM, problem->name ? problem->name : "problem");
    ln_nest_node *dims = node_of(LN_NEST_DIMS);
    for (uint8_t d = 0; d < problem->dimension_count; d++) {
        ln_nest_node *dim = named_node(LN_NEST_DIM, problem->dimension_names[d]);
        dim->flags |= LN_NEST_HAS_VALUE;
        dim->value = problem->dimension_bounds[d];
        ln_nest_node_append(dims, dim);
    }
    ln_nest_node_append(node, dims);
    if (problem->coefficient_count) {
        ln_nest_node *coefs = node_of(LN_NEST_COEFS);
        for (uint8_t c = 0; c < problem->coefficient_count; c++) {
            ln_nest_node *coef = named_node(LN_NEST_COEF, problem->coefficient_names[c]);
            coef->value = problem->coefficient_values[c];
            if (problem->coefficient_defaults[c] != problem->coefficient_values[c]) {
                coef->flags |= LN_NEST_HAS_VALUE2;
                coef->value2 = problem->coefficient_defaults[c];
            }
            ln_nest_node_append(coefs, coef);
        }
        ln_nest_node_append(node, coefs);
    }
    /* The statement lists the output last; any other order needs saying. */
    if (output != problem->tensor_count - 1) {
        ln_nest_node *order = node_of(LN_NEST_TENSORS);
        for (uint8_t t = 0; t < problem->tensor_count; t++)
            ln_nest_node_append(order, named_node(LN_NEST_NAME, problem->tensors[t].name));
        ln_nest_node_append(node, order);
    }
    ln_nest_node *einsum = node_of(LN_NEST_EINSUM);
    if (accumulate)
        einsum->flags |= LN_NEST_ACCUMULATE;
    ln_nest_node_append(einsum, access_node(problem, &problem->tensors[output]));
    for (uint8_t t = 0; t < problem->tensor_count; t++)
        if (t != output)
            ln_nest_node_append(einsum, access_node(problem, &problem->tensors[t]));
    ln_nest_node_append(node, einsum);
    return node;
}

/* ------------------------------------------------------------------ */
/* Constraints                                                          */
/* ------------------------------------------------------------------ */

static ln_nest_node *constraint_loop(const ln_problem *problem, const ln_constraint *constraint,
                                     uint8_t d, bool spatial)
{
    char name[128];
    index_name(problem, d, name, sizeof name);
    ln_nest_node *loop = named_node(LN_NEST_LOOP, name);
    if (spatial)
        loop->flags |= LN_NEST_SPATIAL;
    if (constraint->factor_relation[d] == LN_FACTOR_EQUAL) {
        loop->detail = LN_NEST_BOUND_EXACT;
        loop->value = loop->value2 = constraint->factors[d];
    } else {
        loop->detail = LN_NEST_BOUND_HOLE;
    }
    return loop;
}

static bool in_permutation(const ln_constraint *constraint, uint8_t d)
{
    for (uint8_t i = 0; i < constraint->permutation_count; i++)
        if (constraint->permutation[i] == d)
            return true;
    for (uint8_t i = 0; i < constraint->permutation_suffix_count; i++)
        if (constraint->permutation_suffix[i] == d)
            return true;
    return false;
}

static void add_factor(ln_nest_node *factors, const char *name, ln_nest_factor_operator operator_kind,
                       uint32_t value)
{
    ln_nest_node *factor = named_node(LN_NEST_FACTOR, name);
    factor->detail = (int)operator_kind;
    factor->value = value;
    ln_nest_node_append(factors, factor);
}

static void loop_constraint_statements(ln_nest_node *block, const ln_problem *problem,
                                       const ln_constraint *constraint)
{
    bool spatial = constraint->kind == LN_CONSTRAINT_SPATIAL;
    /* `on X`/`on Y` say the split when they can say it exactly. */
    bool markers = false;
    if (spatial && constraint->split_specified && constraint->permutation_suffix_count == 0 &&
        constraint->permutation_count > 0)
        markers = constraint->split <= constraint->permutation_count ||
                  constraint->split >= problem->dimension_count;
    if (markers && constraint->split == constraint->permutation_count &&
        constraint->split < problem->dimension_count)
        markers = false; /* all X, but not "past the last dimension" */
    for (uint8_t i = constraint->permutation_suffix_count; i-- > 0;)
        ln_nest_node_append(block, constraint_loop(problem, constraint,
                                                   constraint->permutation_suffix[i], spatial));
    if (constraint->permutation_suffix_count)
        ln_nest_node_append(block, node_of(LN_NEST_ELLIPSIS));
    for (uint8_t i = constraint->permutation_count; i-- > 0;) {
        ln_nest_node *loop = constraint_loop(problem, constraint, constraint->permutation[i], spatial);
        if (markers)
            loop->axis = i < constraint->split ? LN_NEST_AXIS_X : LN_NEST_AXIS_Y;
        ln_nest_node_append(block, loop);
    }
    ln_nest_node *factors = node_of(LN_NEST_FACTORS);
    if (spatial)
        factors->flags |= LN_NEST_SPATIAL;
    for (uint8_t d = 0; d < problem->dimension_count; d++) {
        const char *name = problem->dimension_names[d];
        if (constraint->factor_relation[d] == LN_FACTOR_EQUAL && !in_permutation(constraint, d))
            add_factor(factors, name, LN_NEST_FACTOR_EQUAL, constraint->factors[d]);
        if (constraint->max_factors[d])
            add_factor(factors, name, LN_NEST_FACTOR_AT_MOST, constraint->max_factors[d]);
        if (constraint->min_factors[d])
            add_factor(factors, name, LN_NEST_FACTOR_AT_LEAST, constraint->min_factors[d]);
    }
    if (factors->child_count)
        ln_nest_node_append(block, factors);
    else
        ln_nest_node_free(factors);
    if (spatial && constraint->split_specified && !markers) {
        ln_nest_node *split = node_of(LN_NEST_SPLIT);
        split->value = constraint->split;
        ln_nest_node_append(block, split);
    }
    if (constraint->remainders_specified) {
        ln_nest_node *remainders = node_of(LN_NEST_REMAINDERS);
        if (spatial)
            remainders->flags |= LN_NEST_SPATIAL;
        remainders->value = constraint->max_remainders;
        ln_nest_node_append(block, remainders);
    }
    if (spatial) {
        if (constraint->no_link_transfer_specified)
            ln_nest_node_append(block, flag_node("no_link_transfer", problem, constraint->no_link_transfer));
        if (constraint->no_multicast_specified)
            ln_nest_node_append(block, flag_node("no_multicast", problem, constraint->no_multicast));
    } else {
        if (constraint->no_temporal_reuse_specified)
            ln_nest_node_append(block, flag_node("no_temporal_reuse", problem, constraint->no_temporal_reuse));
        if (constraint->rmw_first_update_specified)
            ln_nest_node_append(block, flag_node("rmw_first_update", problem, constraint->rmw_first_update));
    }
}

static ln_nest_node *real_statement(ln_nest_kind kind, double value)
{
    ln_nest_node *node = node_of(kind);
    char text[64];
    format_number(text, sizeof text, value);
    node->text = ln_nest_strdup(text);
    return node;
}

static void constraint_statements(ln_nest_node *block, const ln_problem *problem,
                                  const ln_constraint *constraint)
{
    switch (constraint->kind) {
    case LN_CONSTRAINT_TEMPORAL:
    case LN_CONSTRAINT_SPATIAL:
        loop_constraint_statements(block, problem, constraint);
        break;
    case LN_CONSTRAINT_DATASPACE:
        if (constraint->keep)
            ln_nest_node_append(block, name_list(LN_NEST_KEEP, problem, constraint->keep));
        if (constraint->bypass)
            ln_nest_node_append(block, name_list(LN_NEST_BYPASS, problem, constraint->bypass));
        if (constraint->no_coalesce_specified)
            ln_nest_node_append(block, flag_node("no_coalesce", problem, constraint->no_coalesce));
        break;
    case LN_CONSTRAINT_UTILIZATION:
        ln_nest_node_append(block, real_statement(LN_NEST_MIN_UTILIZATION, constraint->min_utilization));
        break;
    case LN_CONSTRAINT_MAX_OVERBOOKED_PROPORTION:
        ln_nest_node_append(block, real_statement(LN_NEST_MAX_OVERBOOKED,
                                                  constraint->max_overbooked_proportion));
        break;
    }
}

/* A level's constraints (those from the architecture, or the mapspace's),
 * kind by kind in the order of ln_constraint_kind, each kind in list
 * order: the reader may list a block's constraints in another order than
 * the text gives them, and a canonical order makes printing a fixed point
 * (.nest -> spec -> .nest gives the same text again). */
static void level_constraint_statements(ln_nest_node *block, const ln_spec *spec, uint32_t level,
                                        bool from_architecture)
{
    for (int kind = LN_CONSTRAINT_TEMPORAL; kind <= LN_CONSTRAINT_MAX_OVERBOOKED_PROPORTION; kind++)
        for (uint32_t c = 0; c < spec->constraints.count; c++) {
            const ln_constraint *constraint = &spec->constraints.items[c];
            if (constraint->from_architecture == from_architecture && constraint->level == (int32_t)level &&
                (int)constraint->kind == kind)
                constraint_statements(block, &spec->problem, constraint);
        }
}

/* ------------------------------------------------------------------ */
/* Architecture                                                         */
/* ------------------------------------------------------------------ */

static bool same_attribute(const ln_attribute *a, const ln_attribute *b)
{
    if (strcmp(a->name, b->name) != 0 || a->kind != b->kind)
        return false;
    switch (a->kind) {
    case LN_VALUE_NULL:
        return true;
    case LN_VALUE_BOOL:
        return a->boolean == b->boolean;
    case LN_VALUE_NUMBER:
        return a->number == b->number;
    case LN_VALUE_STRING:
        return a->text && b->text && strcmp(a->text, b->text) == 0;
    }
    return false;
}

/* Attributes the level does not inherit unchanged from the top. */
static void add_own_attributes(ln_nest_node *component, const ln_arch *arch,
                               const ln_attribute_list *attributes)
{
    for (uint32_t i = 0; i < attributes->count; i++) {
        const ln_attribute *attribute = &attributes->items[i];
        const ln_attribute *top = ln_attribute_find(&arch->attributes, attribute->name);
        if (top && same_attribute(top, attribute))
            continue;
        ln_nest_node_append(component, attribute_node(attribute));
    }
}

/* The mesh, written out when the instance count alone would not give it. */
static void add_mesh(ln_nest_node *component, const ln_attribute_list *attributes,
                     uint64_t instances, uint64_t mesh_x, uint64_t mesh_y)
{
    if (ln_attribute_find(attributes, "meshX") || ln_attribute_find(attributes, "meshY"))
        return;
    if (mesh_x == instances && mesh_y == 1)
        return;
    ln_nest_node_append(component, number_attribute("meshX", mesh_x));
    ln_nest_node_append(component, number_attribute("meshY", mesh_y));
}

static ln_nest_node *component_node(const char *name, const char *component_class,
                                    const char *subclass, uint64_t instances)
{
    ln_nest_node *component = named_node(LN_NEST_COMPONENT, name);
    component->name2 = ln_nest_strdup(component_class ? component_class : "storage");
    component->name3 = ln_nest_strdup(subclass);
    component->flags |= LN_NEST_HAS_COUNT;
    component->value = (int64_t)instances;
    return component;
}

static ln_nest_node *arch_node(const ln_spec *spec)
{
    const ln_arch *arch = &spec->arch;
    const ln_problem *problem = &spec->problem;
    ln_nest_node *node = named_node(LN_NEST_ARCH, arch->name ? arch->name : "arch");
    for (uint32_t i = 0; i < arch->attributes.count; i++)
        ln_nest_node_append(node, attribute_node(&arch->attributes.items[i]));
    for (uint32_t level = arch->storage_count; level-- > 0;) {
        const ln_storage_level *storage = &arch->storage[level];
        ln_nest_node *component = component_node(storage->name, storage->component_class,
                                                  storage->subclass, storage->instances);
        add_own_attributes(component, arch, &storage->attributes);
        add_mesh(component, &storage->attributes, storage->instances, storage->mesh_x, storage->mesh_y);
        bool scaled = false;
        for (uint8_t t = 0; t < problem->tensor_count; t++)
            scaled = scaled || storage->bandwidth_consumption_scale[t] != 1.0;
        if (scaled) {
            ln_nest_node *map = value_node(LN_NEST_VALUE_MAP, NULL);
            for (uint8_t t = 0; t < problem->tensor_count; t++) {
                char text[64];
                format_number(text, sizeof text, storage->bandwidth_consumption_scale[t]);
                ln_nest_node *entry = named_node(LN_NEST_ATTRIBUTE, problem->tensors[t].name);
                ln_nest_node_append(entry, value_node(LN_NEST_VALUE_NUMBER, text));
                ln_nest_node_append(map, entry);
            }
            ln_nest_node *attribute = named_node(LN_NEST_ATTRIBUTE, "per_dataspace_bandwidth_consumption_scale");
            ln_nest_node_append(attribute, map);
            ln_nest_node_append(component, attribute);
        }
        level_constraint_statements(component, spec, level, true);
        ln_nest_node_append(node, component);
    }
    const ln_compute_level *compute = &arch->compute;
    ln_nest_node *component = component_node(compute->name ? compute->name : "compute",
                                              compute->component_class ? compute->component_class
                                                                       : "compute",
                                              compute->subclass, compute->instances);
    add_own_attributes(component, arch, &compute->attributes);
    add_mesh(component, &compute->attributes, compute->instances, compute->mesh_x, compute->mesh_y);
    ln_nest_node_append(node, component);
    return node;
}

/* ------------------------------------------------------------------ */
/* Mapping                                                              */
/* ------------------------------------------------------------------ */

static ln_nest_node *mapping_loop(const ln_problem *problem, uint8_t d, uint32_t factor,
                                  uint32_t residual, bool spatial)
{
    ln_nest_node *loop = named_node(LN_NEST_LOOP, problem->dimension_names[d]);
    char name[128];
    index_name(problem, d, name, sizeof name);
    ln_nest_set_text(&loop->name, name);
    if (spatial)
        loop->flags |= LN_NEST_SPATIAL;
    loop->detail = residual != factor ? LN_NEST_BOUND_RESIDUAL : LN_NEST_BOUND_EXACT;
    loop->value = factor;
    loop->value2 = residual;
    return loop;
}

static ln_nest_node *mapping_node(const ln_spec *spec)
{
    const ln_problem *problem = &spec->problem;
    const ln_mapping *mapping = &spec->mapping;
    ln_nest_node *node = node_of(LN_NEST_MAPPING);
    for (uint32_t level = mapping->level_count; level-- > 0;) {
        const ln_mapping_level *entry = &mapping->levels[level];
        ln_nest_node *section = named_node(LN_NEST_SECTION, spec->arch.storage[level].name);
        if (entry->keep)
            ln_nest_node_append(section, name_list(LN_NEST_KEEP, problem, entry->keep));
        if (entry->bypass)
            ln_nest_node_append(section, name_list(LN_NEST_BYPASS, problem, entry->bypass));
        static const struct {
            const char *name;
            size_t offset;
        } flags[] = {
            {"no_temporal_reuse", offsetof(ln_mapping_level, no_temporal_reuse)},
            {"rmw_first_update", offsetof(ln_mapping_level, rmw_first_update)},
            {"no_multicast", offsetof(ln_mapping_level, no_multicast)},
            {"no_link_transfer", offsetof(ln_mapping_level, no_link_transfer)},
            {"no_coalesce", offsetof(ln_mapping_level, no_coalesce)},
        };
        for (size_t f = 0; f < sizeof flags / sizeof *flags; f++) {
            ln_tensor_mask mask = *(const ln_tensor_mask *)((const char *)entry + flags[f].offset);
            if (mask)
                ln_nest_node_append(section, flag_node(flags[f].name, problem, mask));
        }
        for (uint8_t i = problem->dimension_count; i-- > 0;) {
            uint8_t d = entry->temporal_permutation[i];
            if (entry->temporal_factors[d] != 1 || entry->temporal_residuals[d] != 1)
                ln_nest_node_append(section, mapping_loop(problem, d, entry->temporal_factors[d],
                                                          entry->temporal_residuals[d], false));
        }
        for (uint8_t i = problem->dimension_count; i-- > 0;) {
            uint8_t d = entry->spatial_permutation[i];
            if (entry->spatial_factors[d] == 1 && entry->spatial_residuals[d] == 1)
                continue;
            ln_nest_node *loop = mapping_loop(problem, d, entry->spatial_factors[d],
                                              entry->spatial_residuals[d], true);
            if (entry->split_specified)
                loop->axis = i < entry->spatial_split ? LN_NEST_AXIS_X : LN_NEST_AXIS_Y;
            ln_nest_node_append(section, loop);
        }
        if (section->child_count)
            ln_nest_node_append(node, section);
        else
            ln_nest_node_free(section);
    }
    return node;
}

/* ------------------------------------------------------------------ */
/* Search                                                               */
/* ------------------------------------------------------------------ */

static ln_nest_node *integer_setting(ln_nest_kind kind, int64_t value)
{
    ln_nest_node *node = node_of(kind);
    node->value = value;
    return node;
}

static ln_nest_node *set_node(const char *name, ln_nest_node *value)
{
    ln_nest_node *node = named_node(LN_NEST_SET, name);
    ln_nest_node_append(node, value);
    return node;
}

static ln_nest_node *set_integer(const char *name, int64_t value)
{
    char text[32];
    snprintf(text, sizeof text, "%" PRId64, value);
    return set_node(name, value_node(LN_NEST_VALUE_NUMBER, text));
}

static ln_nest_node *search_node(const ln_spec *spec)
{
    const ln_mapper_options *mapper = &spec->mapper;
    ln_nest_node *node = node_of(LN_NEST_SEARCH);
    if (mapper->present) {
        ln_nest_node *minimize = node_of(LN_NEST_MINIMIZE);
        for (uint32_t i = 0; i < mapper->metric_count; i++)
            ln_nest_node_append(minimize, named_node(LN_NEST_NAME, ln_metric_name(mapper->metrics[i])));
        if (minimize->child_count)
            ln_nest_node_append(node, minimize);
        else
            ln_nest_node_free(minimize);
        /* Timeloop's defaults (frontend/yaml_spec.c sets the same) are left
         * out; everything else is written. */
        if (mapper->algorithm && strcmp(mapper->algorithm, "hybrid") != 0) {
            char name[64];
            snprintf(name, sizeof name, "%s", mapper->algorithm);
            for (char *c = name; *c; c++)
                if (*c == '-')
                    *c = '_';
            ln_nest_node_append(node, named_node(LN_NEST_ALGORITHM, name));
        }
        if (mapper->threads != 0)
            ln_nest_node_append(node, integer_setting(LN_NEST_THREADS, mapper->threads));
        static const struct {
            const char *rule;
            size_t offset;
            int64_t fallback;
        } stops[] = {
            {"without improvement", offsetof(ln_mapper_options, victory_condition), 500},
            {"invalid", offsetof(ln_mapper_options, timeout), 1000},
            {"mappings", offsetof(ln_mapper_options, search_size), 0},
        };
        for (size_t i = 0; i < sizeof stops / sizeof *stops; i++) {
            int64_t value = *(const int64_t *)((const char *)mapper + stops[i].offset);
            if (value == stops[i].fallback)
                continue;
            ln_nest_node *stop = integer_setting(LN_NEST_STOP, value);
            stop->name = ln_nest_strdup(stops[i].rule);
            ln_nest_node_append(node, stop);
        }
        static const struct {
            const char *name;
            size_t offset;
            int64_t fallback;
        } integers[] = {
            {"sync_interval", offsetof(ln_mapper_options, sync_interval), 0},
            {"log_interval", offsetof(ln_mapper_options, log_interval), 1},
            {"max_permutations_per_if_visit", offsetof(ln_mapper_options, max_permutations_per_if_visit), 16},
            {"max_temporal_loops_in_a_mapping", offsetof(ln_mapper_options, max_temporal_loops_in_a_mapping), -1},
        };
        for (size_t i = 0; i < sizeof integers / sizeof *integers; i++) {
            int64_t value = *(const int64_t *)((const char *)mapper + integers[i].offset);
            if (value != integers[i].fallback)
                ln_nest_node_append(node, set_integer(integers[i].name, value));
        }
        for (size_t i = 0; i < ln_mapper_flag_count; i++)
            if (ln_mapper_flag_is_set(mapper, &ln_mapper_flags[i]))
                ln_nest_node_append(node, set_node(ln_mapper_flags[i].name, value_node(LN_NEST_VALUE_BOOL, "true")));
        if (mapper->out_prefix && strcmp(mapper->out_prefix, "timeloop-mapper") != 0)
            ln_nest_node_append(node, set_node("out_prefix", value_node(LN_NEST_VALUE_STRING, mapper->out_prefix)));
    }
    if (mapper->mapspace_template && strcmp(mapper->mapspace_template, "uber") != 0)
        ln_nest_node_append(node, set_node("template", value_node(LN_NEST_VALUE_STRING,
                                                                  mapper->mapspace_template)));
    for (uint32_t level = spec->arch.storage_count; level-- > 0;) {
        ln_nest_node *section = named_node(LN_NEST_SECTION, spec->arch.storage[level].name);
        level_constraint_statements(section, spec, level, false);
        if (section->child_count)
            ln_nest_node_append(node, section);
        else
            ln_nest_node_free(section);
    }
    return node;
}

/* ------------------------------------------------------------------ */
/* Compound components                                                  */
/* ------------------------------------------------------------------ */

static ln_nest_node *expression_value(const ln_expression *expression)
{
    return value_node(expression->quoted ? LN_NEST_VALUE_STRING : LN_NEST_VALUE_EXPRESSION,
                      expression->text ? expression->text : "");
}

static ln_nest_node *expression_attribute(ln_nest_kind kind, const char *name,
                                          const ln_expression *expression)
{
    ln_nest_node *node = named_node(kind, name);
    ln_nest_node_append(node, expression_value(expression));
    return node;
}

static void add_attributes(ln_nest_node *node, ln_nest_kind kind, const ln_component_attribute *items,
                           uint32_t count)
{
    for (uint32_t i = 0; i < count; i++)
        ln_nest_node_append(node, expression_attribute(kind, items[i].name, &items[i].value));
}

static ln_nest_node *component_class_node(const ln_component_class *component_class)
{
    ln_nest_node *node = named_node(LN_NEST_COMPONENT_CLASS, component_class->name);
    node->name2 = ln_nest_strdup(component_class->primitive_type);
    add_attributes(node, LN_NEST_ATTRIBUTE, component_class->attributes, component_class->attribute_count);
    for (uint32_t i = 0; i < component_class->subcomponent_count; i++) {
        const ln_component_subcomponent *subcomponent = &component_class->subcomponents[i];
        ln_nest_node *sub = named_node(LN_NEST_SUBCOMPONENT, subcomponent->written_name ? subcomponent->written_name
                                                                                        : subcomponent->name);
        sub->name2 = ln_nest_strdup(subcomponent->class_name);
        add_attributes(sub, LN_NEST_ATTRIBUTE, subcomponent->attributes, subcomponent->attribute_count);
        if (subcomponent->area_scale.text)
            ln_nest_node_append(sub, expression_attribute(LN_NEST_ATTRIBUTE, "area_scale", &subcomponent->area_scale));
        if (subcomponent->energy_scale.text)
            ln_nest_node_append(sub, expression_attribute(LN_NEST_ATTRIBUTE, "energy_scale",
                                                          &subcomponent->energy_scale));
        ln_nest_node_append(node, sub);
    }
    for (uint32_t i = 0; i < component_class->action_count; i++) {
        const ln_component_action *action = &component_class->actions[i];
        ln_nest_node *action_node = named_node(LN_NEST_ACTION, action->name);
        add_attributes(action_node, LN_NEST_ARGUMENT, action->arguments, action->argument_count);
        for (uint32_t p = 0; p < action->part_count; p++) {
            const ln_component_action_part *part = &action->parts[p];
            for (uint32_t a = 0; a < part->action_count; a++) {
                const ln_component_subaction *subaction = &part->actions[a];
                ln_nest_node *statement = named_node(LN_NEST_PART, part->written_name ? part->written_name
                                                                                      : part->subcomponent);
                statement->name2 = ln_nest_strdup(subaction->name);
                statement->text = ln_nest_strdup(subaction->energy_scale.text);
                add_attributes(statement, LN_NEST_ARGUMENT, subaction->arguments, subaction->argument_count);
                ln_nest_node_append(action_node, statement);
            }
        }
        if (action->energy_scale.text)
            ln_nest_node_append(action_node, expression_attribute(LN_NEST_ATTRIBUTE, "energy_scale",
                                                                  &action->energy_scale));
        ln_nest_node_append(node, action_node);
    }
    return node;
}

ln_nest_node *ln_nest_from_spec(const ln_spec *spec, ln_diagnostics *diagnostics)
{
    ln_nest_node *program = node_of(LN_NEST_PROGRAM);
    /* The classes the inputs define (the stdlib's are built in). */
    for (uint32_t i = 0; i < spec->component_library.count; i++)
        if (!spec->component_library.classes[i].from_stdlib)
            ln_nest_node_append(program, component_class_node(&spec->component_library.classes[i]));
    if (spec->has_problem) {
        ln_nest_node *problem = problem_node(&spec->problem, diagnostics);
        if (!problem) {
            ln_nest_node_free(program);
            return NULL;
        }
        ln_nest_node_append(program, problem);
    }
    if (spec->has_arch && spec->has_problem) {
        ln_nest_node *arch = arch_node(spec);
        if (spec->energy.has_ert || spec->energy.has_art)
            ln_nest_node_add_comment(arch, "// Energy and area tables are not part of this file: give the "
                                           "ERT/ART files to `loopnest eval` beside it.");
        ln_nest_node_append(program, arch);
    }
    if (spec->has_mapping && spec->has_arch && spec->has_problem)
        ln_nest_node_append(program, mapping_node(spec));
    bool mapspace = false;
    for (uint32_t c = 0; c < spec->constraints.count; c++)
        mapspace = mapspace || !spec->constraints.items[c].from_architecture;
    if (spec->has_arch && spec->has_problem &&
        (spec->mapper.present || mapspace ||
         (spec->mapper.mapspace_template && strcmp(spec->mapper.mapspace_template, "uber") != 0)))
        ln_nest_node_append(program, search_node(spec));
    return program;
}

ln_nest_node *ln_nest_mapping_from_spec(const ln_spec *spec, const char *comment)
{
    ln_nest_node *program = node_of(LN_NEST_PROGRAM);
    if (!spec->has_mapping || !spec->has_arch || !spec->has_problem)
        return program;
    ln_nest_node *mapping = mapping_node(spec);
    if (comment)
        ln_nest_node_add_comment(mapping, comment);
    ln_nest_node_append(program, mapping);
    return program;
}
