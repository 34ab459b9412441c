/* `architecture:` -> ln_arch.
 *
 * Three spellings are read: the v0.4 `nodes` form written by hand (tagged
 * !Container / !Component / !Parallel nodes), the `subtree`/`local` form
 * that Timeloop itself reads (and that its front end dumps), and the older
 * `arch: {storage: [...], arithmetic: {...}}`. Each is first gathered into
 * a list of components with their attributes, outermost first, exactly as
 * Timeloop's front end would hand them to Timeloop; the per-level values
 * are then derived from the attributes by one routine that follows
 * Timeloop's BufferLevel::ParseSpecs and ArithmeticUnits::ParseSpecs. The
 * nodes form's gathering lives in yaml_arch_nodes.c. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/yaml_arch_internal.h"

/* ------------------------------------------------------------------ */
/* Attribute vectors                                                    */
/* ------------------------------------------------------------------ */

ln_attribute *ln_arch_attribute_find(const ln_attribute_vector *vector, const char *name)
{
    for (uint32_t i = 0; i < vector->count; i++)
        if (strcmp(vector->items[i].name, name) == 0)
            return &vector->items[i];
    return NULL;
}

/* Sets an attribute; an existing one is replaced only when `replace`. */
void ln_arch_attribute_put(ln_arena *arena, ln_attribute_vector *vector,
                                 const ln_attribute *attribute, bool replace)
{
    ln_attribute *existing = ln_arch_attribute_find(vector, attribute->name);
    if (existing) {
        if (replace)
            *existing = *attribute;
        return;
    }
    if (vector->count == vector->capacity) {
        uint32_t capacity = vector->capacity ? vector->capacity * 2 : 16;
        ln_attribute *items = ln_arena_alloc_array(arena, capacity, sizeof *items);
        if (vector->count)
            memcpy(items, vector->items, vector->count * sizeof *items);
        vector->items = items;
        vector->capacity = capacity;
    }
    vector->items[vector->count++] = *attribute;
}

/* Scalars become attributes; lists and mappings (such as
 * per_dataspace_bandwidth_consumption_scale) are read from the YAML. */
bool ln_arch_attribute_from_pair(const ln_yaml_pair *pair, ln_attribute *attribute)
{
    const ln_yaml_node *value = pair->value;
    if (value->kind != LN_YAML_SCALAR)
        return false;
    memset(attribute, 0, sizeof *attribute);
    attribute->name = pair->name;
    attribute->text = value->text;
    attribute->location = value->location;
    int64_t integer;
    bool overflow;
    switch (ln_yaml_scalar_type_of(value)) {
    case LN_YAML_TYPE_NULL:
        attribute->kind = LN_VALUE_NULL;
        break;
    case LN_YAML_TYPE_BOOL:
        attribute->kind = LN_VALUE_BOOL;
        ln_yaml_parse_bool_text(value->text, &attribute->boolean);
        break;
    case LN_YAML_TYPE_INTEGER:
        attribute->kind = LN_VALUE_NUMBER;
        if (ln_yaml_parse_integer_text(value->text, &integer, &overflow))
            attribute->number = (double)integer;
        else
            attribute->number = value->text[0] == '-' ? -HUGE_VAL : HUGE_VAL;
        break;
    case LN_YAML_TYPE_FLOAT:
        attribute->kind = LN_VALUE_NUMBER;
        ln_yaml_parse_float_text(value->text, &attribute->number);
        break;
    case LN_YAML_TYPE_STRING:
        attribute->kind = LN_VALUE_STRING;
        break;
    }
    return true;
}

void ln_arch_collect_attributes(ln_arena *arena, ln_attribute_vector *vector,
                               const ln_yaml_node *mapping, const char *const *skip, bool replace)
{
    if (!mapping || mapping->kind != LN_YAML_MAPPING)
        return;
    for (size_t i = 0; i < mapping->pair_count; i++) {
        bool skipped = false;
        for (size_t k = 0; skip && skip[k] && !skipped; k++)
            skipped = strcmp(mapping->pairs[i].name, skip[k]) == 0;
        ln_attribute attribute;
        if (!skipped && ln_arch_attribute_from_pair(&mapping->pairs[i], &attribute))
            ln_arch_attribute_put(arena, vector, &attribute, replace);
    }
}

ln_attribute ln_arch_number_attribute(ln_arena *arena, const char *name, double value,
                                     ln_source_location location)
{
    ln_attribute attribute;
    memset(&attribute, 0, sizeof attribute);
    attribute.name = name;
    attribute.kind = LN_VALUE_NUMBER;
    attribute.number = value;
    attribute.text = ln_arena_printf(arena, "%.17g", value);
    attribute.location = location;
    return attribute;
}

ln_attribute ln_arch_bool_attribute(const char *name, bool value, ln_source_location location)
{
    ln_attribute attribute;
    memset(&attribute, 0, sizeof attribute);
    attribute.name = name;
    attribute.kind = LN_VALUE_BOOL;
    attribute.boolean = value;
    attribute.text = value ? "true" : "false";
    attribute.location = location;
    return attribute;
}

/* ------------------------------------------------------------------ */
/* Components gathered from the spec                                    */
/* ------------------------------------------------------------------ */

static bool class_contains_any(const char *component_class, const char *const *words)
{
    for (size_t i = 0; words[i]; i++)
        if (strstr(component_class, words[i]))
            return true;
    return false;
}

/* Timeloop's bufferClasses / computeClasses: a substring match. */
bool ln_arch_is_storage_class(const char *component_class)
{
    static const char *const words[] = {"DRAM", "SRAM", "regfile", "smartbuffer", "storage", NULL};
    return class_contains_any(component_class, words);
}

bool ln_arch_is_compute_class(const char *component_class)
{
    static const char *const words[] = {"mac", "intmac", "fpmac", "compute", NULL};
    return class_contains_any(component_class, words);
}

/* "GlobalBuffer[1..16]" -> "GlobalBuffer" and 16; a name without a range
 * counts 1. */
static const char *split_name_range(ln_arch_builder *builder, const ln_yaml_node *name_node,
                                    uint64_t *count)
{
    ln_yaml_import *import = builder->import;
    *count = 1;
    const char *text = ln_yaml_get_text(name_node, import->diagnostics, import->arena, "'name'");
    if (!text)
        return NULL;
    const char *open = strchr(text, '[');
    if (!open)
        return ln_arena_strdup(import->arena, text);
    const char *dots = strstr(open, "..");
    const char *close = strchr(open, ']');
    char *end_first, *end_last;
    unsigned long long first = 0, last = 0;
    bool ok = dots && close && dots < close && close[1] == '\0';
    if (ok) {
        first = strtoull(open + 1, &end_first, 10);
        last = strtoull(dots + 2, &end_last, 10);
        ok = end_first == dots && end_last == close && end_first != open + 1 &&
             end_last != dots + 2 && last >= first && last - first < UINT32_MAX;
    }
    if (!ok) {
        ln_error(import->diagnostics, name_node->location,
                 "write an instance range as `Name[first..last]` with first <= last, e.g. `PE[0..15]`",
                 "malformed instance range in name '%s'", text);
        builder->ok = false;
        return NULL;
    }
    *count = last - first + 1;
    return ln_arena_strndup(import->arena, text, (size_t)(open - text));
}

ln_arch_component *ln_arch_add_storage(ln_arch_builder *builder, ln_source_location location)
{
    if (builder->storage_count >= LN_MAX_STORAGE_LEVELS) {
        ln_error(builder->import->diagnostics, location,
                 "merge levels; raise LN_MAX_STORAGE_LEVELS in ir/spec.h if this is real",
                 "too many storage levels: loopnest allows at most %d", LN_MAX_STORAGE_LEVELS);
        builder->ok = false;
        return NULL;
    }
    ln_arch_component *component = &builder->storage[builder->storage_count++];
    memset(component, 0, sizeof *component);
    component->location = location;
    return component;
}

static ln_arch_component *add_compute(ln_arch_builder *builder, ln_source_location location,
                                      const char *name)
{
    if (builder->has_compute) {
        char hint[256];
        snprintf(hint, sizeof hint, "the first compute component is '%s' at line %u",
                 builder->compute.name, builder->compute.location.line);
        ln_error(builder->import->diagnostics, location, hint,
                 "a second compute component '%s': the architecture may hold only one", name);
        builder->ok = false;
        return NULL;
    }
    builder->has_compute = true;
    memset(&builder->compute, 0, sizeof builder->compute);
    builder->compute.location = location;
    return &builder->compute;
}

/* ------------------------------------------------------------------ */
/* Deriving a level from its attributes                                 */
/* ------------------------------------------------------------------ */

/* Null attributes (`power_gated_at: null`) read as absent, as in Timeloop. */
static const ln_attribute *find_attribute(const ln_arch_component *component, const char *name)
{
    const ln_attribute *attribute = ln_arch_attribute_find(&component->attributes, name);
    return attribute && attribute->kind != LN_VALUE_NULL ? attribute : NULL;
}

static const ln_attribute *find_first_attribute(const ln_arch_component *component,
                                                const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        const ln_attribute *attribute = find_attribute(component, names[i]);
        if (attribute)
            return attribute;
    }
    return NULL;
}

static const char *attribute_what(ln_arch_builder *builder, const ln_arch_component *component,
                                  const ln_attribute *attribute)
{
    return ln_arena_printf(builder->import->arena, "'%s' of %s", attribute->name, component->name);
}

static bool attribute_number(ln_arch_builder *builder, const ln_arch_component *component,
                             const ln_attribute *attribute, double *value)
{
    ln_yaml_import *import = builder->import;
    if (attribute->kind == LN_VALUE_NUMBER) {
        *value = attribute->number;
        return true;
    }
    if (attribute->kind == LN_VALUE_STRING) {
        const ln_yaml_node *variable = ln_import_variable(import, attribute->text);
        if (variable)
            return ln_import_double(import, variable, attribute_what(builder, component, attribute),
                                    value);
        int64_t integer;
        bool overflow;
        if (ln_yaml_parse_float_text(attribute->text, value))
            return true;
        if (ln_yaml_parse_integer_text(attribute->text, &integer, &overflow)) {
            *value = (double)integer;
            return true;
        }
    }
    ln_error(import->diagnostics, attribute->location, "write a number",
             "%s must be a number, not %s '%s'", attribute_what(builder, component, attribute),
             attribute->kind == LN_VALUE_BOOL ? "the value" : "the text",
             attribute->text ? attribute->text : "");
    builder->ok = false;
    return false;
}

static bool attribute_unsigned(ln_arch_builder *builder, const ln_arch_component *component,
                               const ln_attribute *attribute, uint64_t minimum, uint64_t maximum,
                               uint64_t *value)
{
    ln_yaml_import *import = builder->import;
    const char *what = attribute_what(builder, component, attribute);
    double number;
    if (attribute->kind == LN_VALUE_STRING) {
        const ln_yaml_node *variable = ln_import_variable(import, attribute->text);
        if (variable) {
            int64_t integer;
            if (!ln_import_int(import, variable, what, (int64_t)minimum,
                               maximum > INT64_MAX ? INT64_MAX : (int64_t)maximum, &integer)) {
                builder->ok = false;
                return false;
            }
            *value = (uint64_t)integer;
            return true;
        }
    }
    if (attribute->kind == LN_VALUE_NUMBER || attribute->kind == LN_VALUE_STRING) {
        int64_t integer;
        bool overflow = false;
        if (attribute->text && ln_yaml_parse_integer_text(attribute->text, &integer, &overflow)) {
            number = (double)integer;
        } else if (overflow) {
            number = HUGE_VAL;
        } else if (attribute->kind == LN_VALUE_NUMBER) {
            number = attribute->number;
        } else if (!ln_yaml_parse_float_text(attribute->text, &number)) {
            goto wrong_type;
        }
        if (number != floor(number) || isnan(number)) {
            ln_error(import->diagnostics, attribute->location, "write a whole number",
                     "%s must be a whole number, not %s", what, attribute->text);
            builder->ok = false;
            return false;
        }
        if (number > (double)maximum ||
            (attribute->text && overflow)) {
            ln_error(import->diagnostics, attribute->location, "use a smaller value",
                     "integer overflow: %s is %s, larger than the largest allowed value %" PRIu64,
                     what, attribute->text, maximum);
            builder->ok = false;
            return false;
        }
        if (number < (double)minimum) {
            char hint[64];
            snprintf(hint, sizeof hint, "use %" PRIu64 " or more", minimum);
            ln_error(import->diagnostics, attribute->location, hint,
                     "%s must be at least %" PRIu64 ", not %s", what, minimum, attribute->text);
            builder->ok = false;
            return false;
        }
        *value = (uint64_t)number;
        return true;
    }
wrong_type:
    ln_error(import->diagnostics, attribute->location, "write a whole number",
             "%s must be an integer, not %s '%s'", what,
             attribute->kind == LN_VALUE_BOOL ? "the value" : "the text",
             attribute->text ? attribute->text : "");
    builder->ok = false;
    return false;
}

static bool attribute_boolean(ln_arch_builder *builder, const ln_arch_component *component,
                              const ln_attribute *attribute, bool *value)
{
    if (attribute->kind == LN_VALUE_BOOL) {
        *value = attribute->boolean;
        return true;
    }
    if (attribute->kind == LN_VALUE_STRING) {
        const ln_yaml_node *variable = ln_import_variable(builder->import, attribute->text);
        if (variable)
            return ln_import_bool(builder->import, variable,
                                  attribute_what(builder, component, attribute), value);
        if (ln_yaml_parse_bool_text(attribute->text, value))
            return true;
    }
    ln_error(builder->import->diagnostics, attribute->location, "write true or false",
             "%s must be true or false, not %s", attribute_what(builder, component, attribute),
             attribute->text ? attribute->text : "");
    builder->ok = false;
    return false;
}

static bool optional_unsigned(ln_arch_builder *builder, const ln_arch_component *component,
                              const char *const *names, uint64_t minimum, uint64_t maximum,
                              uint64_t *value, const ln_attribute **found)
{
    const ln_attribute *attribute = find_first_attribute(component, names);
    if (found)
        *found = attribute;
    if (!attribute)
        return false;
    return attribute_unsigned(builder, component, attribute, minimum, maximum, value);
}

static bool optional_number(ln_arch_builder *builder, const ln_arch_component *component,
                            const char *name, ln_optional_number *value)
{
    const ln_attribute *attribute = find_attribute(component, name);
    if (!attribute)
        return false;
    double number;
    if (!attribute_number(builder, component, attribute, &number))
        return false;
    value->specified = true;
    value->value = number;
    return true;
}

/* Timeloop's ValidateTopology: instances and the mesh must agree. */
static void derive_mesh(ln_arch_builder *builder, const ln_arch_component *component,
                        uint64_t instances, uint64_t *mesh_x, uint64_t *mesh_y)
{
    static const char *const x_names[] = {"meshX", NULL};
    static const char *const y_names[] = {"meshY", NULL};
    const ln_attribute *x_attribute, *y_attribute;
    uint64_t x = 0, y = 0;
    bool has_x = optional_unsigned(builder, component, x_names, 1, UINT32_MAX, &x, &x_attribute);
    bool has_y = optional_unsigned(builder, component, y_names, 1, UINT32_MAX, &y, &y_attribute);
    if ((x_attribute && !has_x) || (y_attribute && !has_y))
        return;
    ln_diagnostics *diagnostics = builder->import->diagnostics;
    if (has_x && has_y) {
        if (x * y != instances) {
            ln_error(diagnostics, x_attribute->location,
                     "make meshX * meshY equal the number of instances",
                     "%s has meshX %" PRIu64 " * meshY %" PRIu64 " = %" PRIu64
                     " but %" PRIu64 " instances",
                     component->name, x, y, x * y, instances);
            builder->ok = false;
            return;
        }
    } else if (has_x) {
        if (instances % x != 0) {
            ln_error(diagnostics, x_attribute->location,
                     "make the number of instances a multiple of meshX",
                     "%s has %" PRIu64 " instances, which meshX %" PRIu64 " does not divide",
                     component->name, instances, x);
            builder->ok = false;
            return;
        }
        y = instances / x;
    } else if (has_y) {
        if (instances % y != 0) {
            ln_error(diagnostics, y_attribute->location,
                     "make the number of instances a multiple of meshY",
                     "%s has %" PRIu64 " instances, which meshY %" PRIu64 " does not divide",
                     component->name, instances, y);
            builder->ok = false;
            return;
        }
        x = instances / y;
    } else {
        x = instances;
        y = 1;
    }
    *mesh_x = x;
    *mesh_y = y;
}

static uint64_t derive_instances(ln_arch_builder *builder, const ln_arch_component *component)
{
    static const char *const names[] = {"instances", NULL};
    uint64_t instances = component->element_count;
    const ln_attribute *attribute;
    if (!optional_unsigned(builder, component, names, 1, UINT32_MAX, &instances, &attribute) &&
        attribute)
        return 0;
    if (instances == 0) {
        ln_error(builder->import->diagnostics, component->location,
                 "give the component an `instances` attribute (or meshX and meshY)",
                 "%s: the number of instances is not specified", component->name);
        builder->ok = false;
    }
    return instances;
}

static void derive_bandwidth_scales(ln_arch_builder *builder, const ln_arch_component *component,
                                    ln_storage_level *level)
{
    ln_yaml_import *import = builder->import;
    for (uint32_t t = 0; t < LN_MAX_TENSORS; t++)
        level->bandwidth_consumption_scale[t] = 1.0;
    const ln_yaml_node *scales = ln_yaml_find(component->attribute_node,
                                              "per_dataspace_bandwidth_consumption_scale");
    if (ln_yaml_is_null(scales))
        return;
    if (!ln_yaml_expect_kind(scales, LN_YAML_MAPPING, import->diagnostics, import->arena,
                             "'per_dataspace_bandwidth_consumption_scale'")) {
        builder->ok = false;
        return;
    }
    if (!import->problem_ok)
        return;
    for (size_t i = 0; i < scales->pair_count; i++) {
        const ln_yaml_pair *pair = &scales->pairs[i];
        int tensor = ln_import_find_tensor(import, pair->key->text, pair->key->location);
        double scale;
        char what[256];
        snprintf(what, sizeof what, "the bandwidth consumption scale of %s", pair->key->text);
        if (tensor < 0 || !ln_import_double(import, pair->value, what, &scale)) {
            builder->ok = false;
            continue;
        }
        level->bandwidth_consumption_scale[tensor] = scale;
    }
}

static void derive_storage(ln_arch_builder *builder, const ln_arch_component *component,
                           ln_storage_level *level)
{
    static const char *const word_bits_names[] = {"word_bits", "word_width", "datawidth", NULL};
    static const char *const block_names[] = {"block_size", "n_words", NULL};
    static const char *const cluster_names[] = {"cluster_size", NULL};
    static const char *const width_names[] = {"width", "memory_width", "data_storage_width", NULL};
    static const char *const entries_names[] = {"entries", NULL};
    static const char *const depth_names[] = {"depth", "memory_depth", "data_storage_depth", NULL};
    static const char *const size_kb_names[] = {"sizeKB", NULL};
    static const char *const port_names[] = {"num_ports", "n_ports", NULL};
    static const char *const bank_names[] = {"num_banks", "n_banks", NULL};
    static const char *const fill_names[] = {"network_fill_latency", NULL};
    static const char *const drain_names[] = {"network_drain_latency", NULL};
    ln_yaml_import *import = builder->import;
    ln_diagnostics *diagnostics = import->diagnostics;

    memset(level, 0, sizeof *level);
    level->name = component->name;
    level->component_class = component->component_class;
    level->subclass = component->subclass;
    level->is_dummy = component->is_dummy;
    level->attributes.count = component->attributes.count;
    level->attributes.items = component->attributes.items;
    level->location = component->location;

    uint64_t value;
    if (optional_unsigned(builder, component, fill_names, 0, UINT64_MAX, &value, NULL))
        level->network_fill_latency = value;
    if (optional_unsigned(builder, component, drain_names, 0, UINT64_MAX, &value, NULL))
        level->network_drain_latency = value;

    level->word_bits = 16;
    if (optional_unsigned(builder, component, word_bits_names, 1, UINT32_MAX, &value, NULL))
        level->word_bits = (uint32_t)value;
    const ln_attribute *block_attribute, *cluster_attribute, *width_attribute;
    level->block_size = 1;
    bool block_given = optional_unsigned(builder, component, block_names, 1, UINT32_MAX, &value,
                                         &block_attribute);
    if (block_given)
        level->block_size = (uint32_t)value;
    level->cluster_size = 1;
    bool cluster_given = optional_unsigned(builder, component, cluster_names, 1, UINT32_MAX,
                                           &value, &cluster_attribute);
    if (cluster_given)
        level->cluster_size = (uint32_t)value;
    uint64_t width;
    if (optional_unsigned(builder, component, width_names, 0, UINT32_MAX, &width,
                          &width_attribute)) {
        uint64_t word_bits = level->word_bits, block = level->block_size;
        if (width % (word_bits * block) != 0) {
            char hint[256];
            snprintf(hint, sizeof hint, "make the width a multiple of %" PRIu64, word_bits * block);
            ln_error(diagnostics, width_attribute->location, hint,
                     "%s: width %" PRIu64 " is not a multiple of word_bits (%" PRIu64
                     ") x block_size (%" PRIu64 ")",
                     component->name, width, word_bits, block);
            builder->ok = false;
        } else if (block_given && cluster_given) {
            if (block * word_bits * level->cluster_size != width) {
                ln_error(diagnostics, width_attribute->location,
                         "give only one of block_size and cluster_size, or make them consistent",
                         "%s: block_size (%" PRIu64 ") x word_bits (%" PRIu64
                         ") x cluster_size (%u) is not the width %" PRIu64,
                         component->name, block, word_bits, level->cluster_size, width);
                builder->ok = false;
            }
        } else if (cluster_given) {
            uint64_t derived = width / level->cluster_size / word_bits;
            if (derived == 0) {
                ln_error(diagnostics, cluster_attribute->location,
                         "make the width at least cluster_size x word_bits",
                         "%s: width %" PRIu64 " is too narrow for %u clusters of %" PRIu64
                         "-bit words",
                         component->name, width, level->cluster_size, word_bits);
                builder->ok = false;
            } else {
                level->block_size = (uint32_t)derived;
            }
        } else if (block_given) {
            level->cluster_size = (uint32_t)(width / (word_bits * block));
            if (level->cluster_size == 0) {
                ln_error(diagnostics, width_attribute->location,
                         "make the width at least block_size x word_bits",
                         "%s: width %" PRIu64 " is narrower than one block", component->name, width);
                builder->ok = false;
            }
        } else {
            level->block_size = (uint32_t)(width / word_bits);
            level->cluster_size = 1;
            if (level->block_size == 0) {
                ln_error(diagnostics, width_attribute->location,
                         "make the width at least word_bits",
                         "%s: width %" PRIu64 " is narrower than one %u-bit word", component->name,
                         width, level->word_bits);
                builder->ok = false;
            }
        }
    }

    const ln_attribute *entries_attribute, *depth_attribute, *size_kb_attribute;
    uint64_t entries = 0, depth = 0, size_kb = 0;
    bool has_entries = optional_unsigned(builder, component, entries_names, 0, UINT32_MAX,
                                         &entries, &entries_attribute);
    bool has_depth = optional_unsigned(builder, component, depth_names, 0, UINT32_MAX, &depth,
                                       &depth_attribute);
    bool has_size_kb = optional_unsigned(builder, component, size_kb_names, 0, UINT32_MAX,
                                         &size_kb, &size_kb_attribute);
    if (size_kb_attribute && (entries_attribute || depth_attribute)) {
        ln_error(diagnostics, size_kb_attribute->location,
                 "give the size once: entries, depth, or sizeKB",
                 "%s gives sizeKB together with %s", component->name,
                 entries_attribute ? "entries" : "depth");
        builder->ok = false;
    } else if (has_entries) {
        level->size_specified = true;
        level->size = entries;
    } else if (has_depth) {
        level->size_specified = true;
        level->size = depth * level->block_size;
    } else if (has_size_kb) {
        level->size_specified = true;
        level->size = size_kb * 1024 * 8 / level->word_bits;
    }

    level->technology = strstr(component->component_class, "DRAM") ? LN_TECHNOLOGY_DRAM
                                                                   : LN_TECHNOLOGY_SRAM;
    const ln_attribute *technology = find_attribute(component, "technology");
    if (technology && technology->text && strcmp(technology->text, "DRAM") == 0)
        level->technology = LN_TECHNOLOGY_DRAM;

    level->ports = 2;
    const ln_attribute *ports_attribute;
    if (optional_unsigned(builder, component, port_names, 1, UINT32_MAX, &value, &ports_attribute)) {
        if (value != 1 && value != 2) {
            ln_error(diagnostics, ports_attribute->location, "use 1 or 2 ports",
                     "%s: %s must be 1 or 2, not %" PRIu64, component->name,
                     ports_attribute->name, value);
            builder->ok = false;
        } else {
            level->ports = (uint32_t)value;
        }
    }
    const ln_attribute *reduction = find_attribute(component, "reduction_supported");
    if (reduction && attribute_boolean(builder, component, reduction, &level->reduction_supported))
        level->reduction_supported_specified = true;
    level->banks = 2;
    if (optional_unsigned(builder, component, bank_names, 1, UINT32_MAX, &value, NULL))
        level->banks = (uint32_t)value;

    const ln_attribute *bandwidth = find_attribute(component, "bandwidth");
    double number;
    if (bandwidth && attribute_number(builder, component, bandwidth, &number)) {
        ln_warning(diagnostics, bandwidth->location,
                   "give read_bandwidth and write_bandwidth (or shared_bandwidth) instead",
                   "%s: 'bandwidth' is deprecated; using read_bandwidth = write_bandwidth = "
                   "bandwidth / 2",
                   component->name);
        level->read_bandwidth.specified = level->write_bandwidth.specified = true;
        level->read_bandwidth.value = level->write_bandwidth.value = number / 2;
    }
    optional_number(builder, component, "shared_bandwidth", &level->shared_bandwidth);
    optional_number(builder, component, "read_bandwidth", &level->read_bandwidth);
    optional_number(builder, component, "write_bandwidth", &level->write_bandwidth);
    derive_bandwidth_scales(builder, component, level);

    level->multiple_buffering = 1.0;
    const ln_attribute *buffering = find_attribute(component, "multiple_buffering");
    if (buffering && attribute_number(builder, component, buffering, &number)) {
        if (!(number > 0)) {
            ln_error(diagnostics, buffering->location, "use 1 for single buffering, 2 for double",
                     "%s: multiple_buffering must be positive", component->name);
            builder->ok = false;
        } else {
            level->multiple_buffering = number;
        }
    }
    if (level->size_specified)
        level->effective_size = (uint64_t)floor((double)level->size / level->multiple_buffering);

    const ln_attribute *utilization = find_attribute(component, "min_utilization");
    if (utilization && attribute_number(builder, component, utilization, &number)) {
        level->min_utilization = number;
        if (number != 0.0 && !level->size_specified) {
            ln_error(diagnostics, utilization->location, "give the level a size (depth or entries)",
                     "%s: min_utilization needs a level with a size", component->name);
            builder->ok = false;
        }
    }

    uint64_t instances = derive_instances(builder, component);
    level->instances = instances;
    if (instances)
        derive_mesh(builder, component, instances, &level->mesh_x, &level->mesh_y);

    const ln_attribute *overbooking = find_attribute(component, "allow_overbooking");
    if (overbooking)
        attribute_boolean(builder, component, overbooking, &level->allow_overbooking);

    optional_number(builder, component, "vector_access_energy", &level->vector_access_energy);
    optional_number(builder, component, "addr_gen_energy", &level->addr_gen_energy);
    ln_optional_number cluster_area = {false, 0};
    /* Timeloop only takes a positive cluster area as an override. */
    if (optional_number(builder, component, "cluster_area", &cluster_area) && cluster_area.value > 0)
        level->cluster_area = cluster_area;

    if (level->technology == LN_TECHNOLOGY_DRAM && level->cluster_size != 1) {
        ln_error(diagnostics, cluster_attribute ? cluster_attribute->location : component->location,
                 "DRAM levels have one cluster; drop cluster_size or block_size",
                 "%s: a DRAM level must have cluster_size 1, not %u", component->name,
                 level->cluster_size);
        builder->ok = false;
    }
}

static void derive_compute(ln_arch_builder *builder, const ln_arch_component *component,
                           ln_compute_level *level)
{
    static const char *const word_bits_names[] = {"word_bits", "datawidth", NULL};
    memset(level, 0, sizeof *level);
    level->name = component->name;
    level->component_class = component->component_class;
    level->subclass = component->subclass;
    level->attributes.count = component->attributes.count;
    level->attributes.items = component->attributes.items;
    level->location = component->location;
    level->instances = derive_instances(builder, component);
    level->word_bits = 16;
    uint64_t value;
    if (optional_unsigned(builder, component, word_bits_names, 1, UINT32_MAX, &value, NULL))
        level->word_bits = (uint32_t)value;
    if (level->instances)
        derive_mesh(builder, component, level->instances, &level->mesh_x, &level->mesh_y);
    optional_number(builder, component, "energy", &level->energy_override);
    optional_number(builder, component, "area", &level->area_override);
}

/* ------------------------------------------------------------------ */
/* subtree / local form                                                 */
/* ------------------------------------------------------------------ */

static const char *const subtree_keys[] = {"name", "attributes", "local", "subtree", "version",
                                           "constraints", NULL};
const char *const ln_arch_component_keys[] = {"name",       "class",      "subclass",
                                             "attributes", "required_actions", "enabled",
                                             "area_share", "actions",    "constraints",
                                             "sparse_optimizations", "spatial", "networks",
                                             NULL};

/* Places a component of the subtree or nodes form; other classes (networks,
 * "nothing") are ignored as Timeloop ignores them. Returns the component
 * or NULL. */
ln_arch_component *ln_arch_place_component(ln_arch_builder *builder, const ln_yaml_node *node,
                                          const char *name, uint64_t element_count)
{
    ln_yaml_import *import = builder->import;
    const ln_yaml_node *class_node = ln_yaml_find(node, "class");
    if (!class_node) {
        char context[256];
        snprintf(context, sizeof context, "component '%s'", name);
        ln_import_missing_key(import, node, "class", context,
                              "give the component a class such as `class: SRAM` or `class: intmac`");
        builder->ok = false;
        return NULL;
    }
    const char *component_class = ln_import_text(import, class_node, "'class'");
    if (!component_class) {
        builder->ok = false;
        return NULL;
    }
    bool storage = ln_arch_is_storage_class(component_class);
    if (!storage && !ln_arch_is_compute_class(component_class))
        return NULL;
    ln_arch_component *component = storage ? ln_arch_add_storage(builder, node->location)
                                           : add_compute(builder, node->location, name);
    if (!component)
        return NULL;
    component->name = name;
    component->component_class = component_class;
    /* The front end's stand-in for a fan-out, once dumped to the subtree form. */
    component->is_dummy = storage && strstr(component_class, "dummy") != NULL;
    const ln_yaml_node *subclass = ln_yaml_find(node, "subclass");
    if (subclass && !ln_yaml_is_null(subclass))
        component->subclass = ln_import_text(import, subclass, "'subclass'");
    component->element_count = element_count;
    const ln_yaml_node *attributes = ln_yaml_find(node, "attributes");
    if (attributes && !ln_yaml_is_null(attributes)) {
        if (!ln_yaml_expect_kind(attributes, LN_YAML_MAPPING, import->diagnostics, import->arena,
                                 "'attributes'")) {
            builder->ok = false;
        } else {
            component->attribute_node = attributes;
            ln_arch_collect_attributes(import->arena, &component->attributes, attributes, NULL, true);
        }
    }
    return component;
}

void ln_arch_inherit(ln_arena *arena, ln_arch_component *component, const ln_attribute_vector *inherited)
{
    for (uint32_t i = 0; i < inherited->count; i++)
        ln_arch_attribute_put(arena, &component->attributes, &inherited->items[i], false);
}

static void import_local(ln_arch_builder *builder, const ln_yaml_node *local, uint64_t multiplication,
                         const ln_attribute_vector *inherited)
{
    ln_yaml_import *import = builder->import;
    if (!ln_yaml_expect_kind(local, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                             "'local'")) {
        builder->ok = false;
        return;
    }
    for (size_t i = 0; i < local->item_count; i++) {
        const ln_yaml_node *node = local->items[i];
        if (!ln_yaml_expect_kind(node, LN_YAML_MAPPING, import->diagnostics, import->arena,
                                 "a component of 'local'")) {
            builder->ok = false;
            continue;
        }
        ln_yaml_warn_unknown_keys(node, import->diagnostics, "a component", ln_arch_component_keys);
        const ln_yaml_node *name_node = ln_yaml_find(node, "name");
        if (!name_node) {
            ln_import_missing_key(import, node, "name", "a component", "e.g. `name: GlobalBuffer`");
            builder->ok = false;
            continue;
        }
        uint64_t count;
        const char *name = split_name_range(builder, name_node, &count);
        if (!name)
            continue;
        ln_arch_component *component = ln_arch_place_component(builder, node, name, multiplication * count);
        if (component)
            ln_arch_inherit(import->arena, component, inherited);
    }
}

static void import_subtree_form(ln_arch_builder *builder, const ln_yaml_node *root)
{
    ln_yaml_import *import = builder->import;
    ln_arch *arch = &import->spec->arch;
    arch->form = LN_ARCH_FORM_SUBTREE;
    ln_attribute_vector inherited = {NULL, 0, 0};
    uint64_t multiplication = 1;
    /* Timeloop reads components only inside `subtree`; a `local` list at the
     * top is read too rather than silently dropped. */
    const ln_yaml_node *top_local = ln_yaml_find(root, "local");
    if (top_local)
        import_local(builder, top_local, 1, &inherited);
    const ln_yaml_node *current = root;
    bool first = true;
    for (;;) {
        const ln_yaml_node *subtree = ln_yaml_find(current, "subtree");
        if (ln_yaml_is_null(subtree))
            break;
        if (!ln_yaml_expect_kind(subtree, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                                 "'subtree'")) {
            builder->ok = false;
            return;
        }
        if (subtree->item_count == 0)
            break;
        if (subtree->item_count > 1) {
            ln_error(import->diagnostics, subtree->items[1]->location,
                     "nest the second subtree inside the first; Timeloop supports one subtree per level",
                     "more than one subtree at one level");
            builder->ok = false;
            return;
        }
        current = subtree->items[0];
        if (!ln_yaml_expect_kind(current, LN_YAML_MAPPING, import->diagnostics, import->arena,
                                 "a subtree")) {
            builder->ok = false;
            return;
        }
        ln_yaml_warn_unknown_keys(current, import->diagnostics, "a subtree", subtree_keys);
        const ln_yaml_node *name_node = ln_yaml_find(current, "name");
        uint64_t count = 1;
        const char *name = NULL;
        if (name_node) {
            name = split_name_range(builder, name_node, &count);
            if (!name)
                return;
        }
        multiplication *= count;
        const ln_yaml_node *attributes = ln_yaml_find(current, "attributes");
        if (attributes && !ln_yaml_is_null(attributes) &&
            !ln_yaml_expect_kind(attributes, LN_YAML_MAPPING, import->diagnostics, import->arena,
                                 "'attributes'")) {
            builder->ok = false;
            return;
        }
        ln_arch_collect_attributes(import->arena, &inherited, attributes, NULL, true);
        if (first) {
            arch->name = name;
            ln_attribute_vector top = {NULL, 0, 0};
            ln_arch_collect_attributes(import->arena, &top, attributes, NULL, true);
            arch->attributes.count = top.count;
            arch->attributes.items = top.items;
            first = false;
        }
        const ln_yaml_node *local = ln_yaml_find(current, "local");
        if (!ln_yaml_is_null(local))
            import_local(builder, local, multiplication, &inherited);
    }
}

/* ------------------------------------------------------------------ */
/* storage-list form                                                    */
/* ------------------------------------------------------------------ */

static const char *const listed_level_skip[] = {"name", "class", "subclass", "attributes", NULL};

static ln_arch_component *listed_level(ln_arch_builder *builder, const ln_yaml_node *node,
                                       bool compute, uint32_t index)
{
    ln_yaml_import *import = builder->import;
    if (!ln_yaml_expect_kind(node, LN_YAML_MAPPING, import->diagnostics, import->arena,
                             compute ? "'arithmetic'" : "a storage level")) {
        builder->ok = false;
        return NULL;
    }
    const ln_yaml_node *name_node = ln_yaml_find(node, "name");
    const char *name = NULL;
    uint64_t count = 1;
    if (name_node)
        name = split_name_range(builder, name_node, &count);
    if (!name)
        name = compute ? "__ARITH__" : ln_arena_printf(import->arena, "Level%u", index);
    ln_arch_component *component = compute ? add_compute(builder, node->location, name)
                                           : ln_arch_add_storage(builder, node->location);
    if (!component)
        return NULL;
    component->name = name;
    const ln_yaml_node *class_node = ln_yaml_find(node, "class");
    component->component_class =
        class_node && class_node->kind == LN_YAML_SCALAR ? ln_arena_strdup(import->arena, class_node->text)
                                                         : (compute ? "compute" : "storage");
    const ln_yaml_node *attributes = ln_yaml_find(node, "attributes");
    if (attributes && attributes->kind == LN_YAML_MAPPING) {
        component->attribute_node = attributes;
        ln_arch_collect_attributes(import->arena, &component->attributes, attributes, NULL, true);
    } else {
        component->attribute_node = node;
        ln_arch_collect_attributes(import->arena, &component->attributes, node, listed_level_skip, true);
    }
    return component;
}

static void import_storage_list_form(ln_arch_builder *builder, const ln_yaml_node *root)
{
    ln_yaml_import *import = builder->import;
    import->spec->arch.form = LN_ARCH_FORM_STORAGE_LIST;
    const ln_yaml_node *storage = ln_yaml_find(root, "storage");
    const ln_yaml_node *arithmetic = ln_yaml_find(root, "arithmetic");
    if (!arithmetic) {
        ln_import_missing_key(import, root, "arithmetic", "the architecture",
                              "describe the compute units under `arithmetic:`");
        builder->ok = false;
    } else {
        listed_level(builder, arithmetic, true, 0);
    }
    if (!ln_yaml_expect_kind(storage, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                             "'storage'")) {
        builder->ok = false;
        return;
    }
    /* This form lists levels innermost first; gather outermost first. */
    for (size_t i = storage->item_count; i-- > 0;)
        listed_level(builder, storage->items[i], false, (uint32_t)i);
}

/* ------------------------------------------------------------------ */
/* Assembly                                                             */
/* ------------------------------------------------------------------ */

static void check_fanouts(ln_arch_builder *builder)
{
    ln_arch *arch = &builder->import->spec->arch;
    for (uint32_t level = 0; level < arch->storage_count; level++) {
        const ln_storage_level *outer = &arch->storage[level];
        const char *inner_name = level ? arch->storage[level - 1].name : arch->compute.name;
        uint64_t inner_x = level ? arch->storage[level - 1].mesh_x : arch->compute.mesh_x;
        uint64_t inner_y = level ? arch->storage[level - 1].mesh_y : arch->compute.mesh_y;
        ln_source_location where = level ? arch->storage[level - 1].location : arch->compute.location;
        const char *axis = NULL;
        uint64_t inner = 0, outer_mesh = 0;
        if (outer->mesh_x == 0 || inner_x % outer->mesh_x != 0) {
            axis = "meshX";
            inner = inner_x;
            outer_mesh = outer->mesh_x;
        } else if (outer->mesh_y == 0 || inner_y % outer->mesh_y != 0) {
            axis = "meshY";
            inner = inner_y;
            outer_mesh = outer->mesh_y;
        }
        if (!axis)
            continue;
        char hint[256];
        snprintf(hint, sizeof hint,
                 "an inner level's %s must be a whole multiple of the %s of the level above it", axis,
                 axis);
        ln_error(builder->import->diagnostics, where, hint,
                 "fan-out from %s (%s %" PRIu64 ") to %s (%s %" PRIu64 ") is not whole: %" PRIu64
                 " is not a multiple of %" PRIu64,
                 outer->name, axis, outer_mesh, inner_name, axis, inner, inner, outer_mesh);
        builder->ok = false;
    }
}

static const char *const architecture_keys[] = {"version", "nodes",   "subtree",    "local",
                                                "constraints", "storage", "arithmetic", "name",
                                                NULL};

bool ln_yaml_import_architecture_section(ln_yaml_import *import, const ln_yaml_node *root)
{
    ln_arch *arch = &import->spec->arch;
    memset(arch, 0, sizeof *arch);
    import->spec->has_arch = false;
    import->arch_from_nodes = false;
    if (!ln_yaml_expect_kind(root, LN_YAML_MAPPING, import->diagnostics, import->arena,
                             "'architecture'"))
        return false;
    ln_yaml_warn_unknown_keys(root, import->diagnostics, "the architecture", architecture_keys);
    arch->location = root->location;
    const ln_yaml_node *version = ln_yaml_find(root, "version");
    if (version && version->kind == LN_YAML_SCALAR)
        arch->version = ln_arena_strdup(import->arena, version->text);

    ln_arch_builder *builder = calloc(1, sizeof *builder);
    if (!builder) {
        ln_error(import->diagnostics, root->location, "free some memory and retry", "out of memory");
        return false;
    }
    builder->import = import;
    builder->ok = true;
    const ln_yaml_node *nodes = ln_yaml_find(root, "nodes");
    if (nodes) {
        import->arch_from_nodes = true;
        ln_arch_import_nodes_form(builder, nodes);
    } else if (ln_yaml_find(root, "subtree") || ln_yaml_find(root, "local")) {
        import_subtree_form(builder, root);
    } else if (ln_yaml_find(root, "storage") || ln_yaml_find(root, "arithmetic")) {
        import_storage_list_form(builder, root);
    } else {
        ln_error(import->diagnostics, root->location,
                 "describe the hierarchy under `nodes:` (v0.4) or `subtree:` (v0.3)",
                 "the architecture has neither 'nodes' nor 'subtree'");
        builder->ok = false;
    }

    if (builder->ok && !builder->has_compute) {
        ln_error(import->diagnostics, root->location,
                 "add a component whose class contains mac, intmac, fpmac or compute",
                 "the architecture has no compute level");
        builder->ok = false;
    }
    if (builder->ok && builder->storage_count == 0) {
        ln_error(import->diagnostics, root->location,
                 "add a storage component (class DRAM, SRAM, regfile, smartbuffer or storage)",
                 "the architecture has no storage level");
        builder->ok = false;
    }
    if (builder->ok) {
        arch->storage_count = builder->storage_count;
        for (uint32_t i = 0; i < builder->storage_count; i++)
            derive_storage(builder, &builder->storage[i],
                           &arch->storage[builder->storage_count - 1 - i]);
        derive_compute(builder, &builder->compute, &arch->compute);
        for (uint32_t i = 0; i < arch->storage_count; i++) {
            int first = ln_arch_find_storage(arch, arch->storage[i].name);
            if (first != (int)i) {
                char hint[160];
                snprintf(hint, sizeof hint, "the other '%s' is at line %u", arch->storage[i].name,
                         arch->storage[first].location.line);
                ln_error(import->diagnostics, arch->storage[i].location, hint,
                         "two storage levels are named '%s'", arch->storage[i].name);
                builder->ok = false;
            }
        }
    }
    if (builder->ok)
        check_fanouts(builder);
    if (builder->ok && import->arch_from_nodes && import->problem_ok)
        ln_arch_import_node_constraints(builder);
    bool ok = builder->ok;
    free(builder);
    if (!ok) {
        memset(arch, 0, sizeof *arch);
        return false;
    }
    import->spec->has_arch = true;
    return true;
}
