#include "backend/yaml_export.h"

#include "backend/json_writer.h"

#include "ir/component.h"

#include <ctype.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* Scalars                                                              */
/* ------------------------------------------------------------------ */

static bool looks_like_number(const char *text)
{
    const char *cursor = text;
    if (*cursor == '-' || *cursor == '+')
        cursor++;
    if (*cursor == '.' && (strcasecmp(cursor, ".inf") == 0 || strcasecmp(cursor, ".nan") == 0))
        return true;
    bool digits = false;
    while (isdigit((unsigned char)*cursor) || *cursor == '_') {
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
        return strncmp(text, "0x", 2) == 0 || strncmp(text, "0o", 2) == 0;
    if (*cursor == 'e' || *cursor == 'E') {
        cursor++;
        if (*cursor == '+' || *cursor == '-')
            cursor++;
        while (isdigit((unsigned char)*cursor))
            cursor++;
    }
    return *cursor == '\0' || strncmp(text, "0x", 2) == 0;
}

/* A string that YAML would read back as this same string when plain. */
static bool plain_string_ok(const char *text)
{
    static const char *const reserved[] = {"true", "false", "null", "yes", "no", "on", "off", "~", "y", "n"};
    if (!*text || isspace((unsigned char)text[0]) || isspace((unsigned char)text[strlen(text) - 1]))
        return false;
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (strcasecmp(text, reserved[i]) == 0)
            return false;
    if (looks_like_number(text))
        return false;
    if (strchr("-?:,[]{}#&*!|>'\"%@`", text[0]))
        return false;
    for (const char *c = text; *c; c++) {
        if (*c == '#' || *c == '\n' || *c == '\t' || (unsigned char)*c < 0x20)
            return false;
        if (*c == ':' && (c[1] == ' ' || c[1] == '\0'))
            return false;
        if (*c == ',' || *c == '[' || *c == ']' || *c == '{' || *c == '}')
            return false;
    }
    return true;
}

/* JSON's string escapes are a subset of YAML's double-quoted ones, and the
 * JSON writer also keeps control characters and stray bytes out of the
 * output (libyaml, and so Timeloop, rejects both). */
static void write_quoted(FILE *out, const char *text)
{
    fputc('"', out);
    ln_json_write_escaped(out, text, strlen(text));
    fputc('"', out);
}

static void write_string(FILE *out, const char *text)
{
    if (!text)
        text = "";
    if (plain_string_ok(text))
        fputs(text, out);
    else
        write_quoted(out, text);
}

static void write_real(FILE *out, double value)
{
    char buffer[64];
    for (int precision = 6; precision <= 17; precision++) {
        snprintf(buffer, sizeof buffer, "%.*g", precision, value);
        if (strtod(buffer, NULL) == value)
            break;
    }
    fputs(buffer, out);
}

static void write_attribute_value(FILE *out, const ln_attribute *attribute)
{
    switch (attribute->kind) {
    case LN_VALUE_NULL:
        fputs("null", out);
        return;
    case LN_VALUE_BOOL:
        fputs(attribute->boolean ? "true" : "false", out);
        return;
    case LN_VALUE_NUMBER:
        if (attribute->text && looks_like_number(attribute->text))
            fputs(attribute->text, out);
        else
            write_real(out, attribute->number);
        return;
    case LN_VALUE_STRING:
        break;
    }
    /* A string attribute must read back as a string, even "0.4". */
    const char *text = attribute->text ? attribute->text : "";
    if (plain_string_ok(text))
        fputs(text, out);
    else
        write_quoted(out, text);
}

static void indent(FILE *out, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("  ", out);
}

static void write_tensor_list(FILE *out, const ln_problem *problem, ln_tensor_mask mask)
{
    fputc('[', out);
    bool first = true;
    for (uint8_t t = 0; t < problem->tensor_count; t++) {
        if (!(mask & (1u << t)))
            continue;
        if (!first)
            fputs(", ", out);
        write_string(out, problem->tensors[t].name);
        first = false;
    }
    fputc(']', out);
}

static bool single_letter_dimensions(const ln_problem *problem)
{
    for (uint8_t d = 0; d < problem->dimension_count; d++)
        if (strlen(problem->dimension_names[d]) != 1 || !isalpha((unsigned char)problem->dimension_names[d][0]))
            return false;
    return true;
}

/* A permutation, innermost first: "PRKC" when every dimension is one
 * letter (Timeloop's string form), else a list; `suffix` after a `_`. */
static void write_permutation(FILE *out, const ln_problem *problem, const uint8_t *prefix,
                              uint8_t prefix_count, const uint8_t *suffix, uint8_t suffix_count)
{
    if (single_letter_dimensions(problem)) {
        for (uint8_t i = 0; i < prefix_count; i++)
            fputs(problem->dimension_names[prefix[i]], out);
        if (suffix_count)
            fputc('_', out);
        for (uint8_t i = 0; i < suffix_count; i++)
            fputs(problem->dimension_names[suffix[i]], out);
        if (prefix_count + suffix_count == 0)
            fputs("\"\"", out);
        return;
    }
    fputc('[', out);
    for (uint8_t i = 0; i < prefix_count; i++) {
        if (i)
            fputs(", ", out);
        write_string(out, problem->dimension_names[prefix[i]]);
    }
    if (suffix_count)
        fputs(prefix_count ? ", _" : "_", out);
    for (uint8_t i = 0; i < suffix_count; i++) {
        fputs(", ", out);
        write_string(out, problem->dimension_names[suffix[i]]);
    }
    fputc(']', out);
}

/* ------------------------------------------------------------------ */
/* Sections                                                             */
/* ------------------------------------------------------------------ */

static void write_problem(FILE *out, const ln_problem *problem)
{
    fputs("problem:\n  version: \"0.4\"\n  shape:\n", out);
    if (problem->name) {
        fputs("    name: ", out);
        write_string(out, problem->name);
        fputc('\n', out);
    }
    fputs("    dimensions: [", out);
    for (uint8_t d = 0; d < problem->dimension_count; d++) {
        if (d)
            fputs(", ", out);
        write_string(out, problem->dimension_names[d]);
    }
    fputs("]\n", out);
    if (problem->coefficient_count) {
        fputs("    coefficients:\n", out);
        for (uint8_t c = 0; c < problem->coefficient_count; c++) {
            fputs("      - name: ", out);
            write_string(out, problem->coefficient_names[c]);
            fprintf(out, "\n        default: %" PRId64 "\n", problem->coefficient_defaults[c]);
        }
    }
    fputs("    data_spaces:\n", out);
    for (uint8_t t = 0; t < problem->tensor_count; t++) {
        const ln_tensor *tensor = &problem->tensors[t];
        fputs("      - name: ", out);
        write_string(out, tensor->name);
        fputs("\n        projection:\n", out);
        for (uint8_t r = 0; r < tensor->rank_count; r++) {
            fputs("          - [", out);
            for (uint8_t k = 0; k < tensor->ranks[r].term_count; k++) {
                const ln_projection_term *term = &tensor->ranks[r].terms[k];
                if (k)
                    fputs(", ", out);
                fputc('[', out);
                write_string(out, problem->dimension_names[term->dimension]);
                if (term->coefficient >= 0) {
                    fputs(", ", out);
                    write_string(out, problem->coefficient_names[term->coefficient]);
                }
                fputc(']', out);
            }
            fputs("]\n", out);
        }
        bool named = false;
        for (uint8_t r = 0; r < tensor->rank_count; r++)
            named = named || tensor->ranks[r].name;
        if (named) {
            fputs("        ranks: [", out);
            for (uint8_t r = 0; r < tensor->rank_count; r++) {
                if (r)
                    fputs(", ", out);
                write_string(out, tensor->ranks[r].name ? tensor->ranks[r].name : "");
            }
            fputs("]\n", out);
        }
        fprintf(out, "        read_write: %s\n", tensor->read_write ? "true" : "false");
    }
    fputs("  instance:\n", out);
    for (uint8_t d = 0; d < problem->dimension_count; d++) {
        fputs("    ", out);
        write_string(out, problem->dimension_names[d]);
        fprintf(out, ": %" PRId64 "\n", problem->dimension_bounds[d]);
    }
    for (uint8_t c = 0; c < problem->coefficient_count; c++) {
        fputs("    ", out);
        write_string(out, problem->coefficient_names[c]);
        fprintf(out, ": %" PRId64 "\n", problem->coefficient_values[c]);
    }
}

static void write_attributes(FILE *out, const ln_attribute_list *attributes, int depth,
                             bool skip_mesh)
{
    for (uint32_t i = 0; i < attributes->count; i++) {
        const ln_attribute *attribute = &attributes->items[i];
        if (skip_mesh && (strcmp(attribute->name, "meshX") == 0 || strcmp(attribute->name, "meshY") == 0))
            continue;
        indent(out, depth);
        write_string(out, attribute->name);
        fputs(": ", out);
        write_attribute_value(out, attribute);
        fputc('\n', out);
    }
}

static void write_component(FILE *out, const char *name, const char *component_class,
                            const char *subclass, uint64_t instances, uint64_t mesh_x, uint64_t mesh_y,
                            const ln_attribute_list *attributes)
{
    char full_name[512];
    snprintf(full_name, sizeof full_name, "%s[1..%" PRIu64 "]", name ? name : "level", instances);
    fputs("        - name: ", out);
    write_string(out, full_name);
    fputs("\n          class: ", out);
    write_string(out, component_class ? component_class : "storage");
    fputc('\n', out);
    if (subclass) {
        fputs("          subclass: ", out);
        write_string(out, subclass);
        fputc('\n', out);
    }
    fputs("          attributes:\n", out);
    write_attributes(out, attributes, 6, true);
    /* The mesh as derived, so the model needs no front end to find it. */
    fprintf(out, "            meshX: %" PRIu64 "\n            meshY: %" PRIu64 "\n", mesh_x, mesh_y);
}

static void write_architecture(FILE *out, const ln_spec *spec)
{
    const ln_arch *arch = &spec->arch;
    const ln_problem *problem = &spec->problem;
    fputs("architecture:\n  version: \"0.4\"\n  subtree:\n    - name: ", out);
    write_string(out, arch->name ? arch->name : "System");
    fputc('\n', out);
    if (arch->attributes.count) {
        fputs("      attributes:\n", out);
        write_attributes(out, &arch->attributes, 4, false);
    }
    fputs("      local:\n", out);
    for (uint32_t level = arch->storage_count; level-- > 0;) {
        const ln_storage_level *storage = &arch->storage[level];
        write_component(out, storage->name, storage->component_class, storage->subclass,
                        storage->instances, storage->mesh_x, storage->mesh_y, &storage->attributes);
        bool scaled = false;
        for (uint8_t t = 0; t < problem->tensor_count; t++)
            scaled = scaled || storage->bandwidth_consumption_scale[t] != 1.0;
        if (scaled) {
            fputs("            per_dataspace_bandwidth_consumption_scale:\n", out);
            for (uint8_t t = 0; t < problem->tensor_count; t++) {
                fputs("              ", out);
                write_string(out, problem->tensors[t].name);
                fputs(": ", out);
                write_real(out, storage->bandwidth_consumption_scale[t]);
                fputc('\n', out);
            }
        }
    }
    const ln_compute_level *compute = &arch->compute;
    write_component(out, compute->name, compute->component_class, compute->subclass,
                    compute->instances, compute->mesh_x, compute->mesh_y, &compute->attributes);
}

static void write_factors(FILE *out, const ln_problem *problem, const uint32_t *factors,
                          const uint32_t *residuals)
{
    for (uint8_t d = 0; d < problem->dimension_count; d++) {
        if (d)
            fputc(' ', out);
        fprintf(out, "%s=%" PRIu32, problem->dimension_names[d], factors[d]);
        if (residuals && residuals[d] != factors[d])
            fprintf(out, ",%" PRIu32, residuals[d]);
    }
}

static void write_flag(FILE *out, const ln_problem *problem, const char *name, ln_tensor_mask mask,
                       int depth)
{
    indent(out, depth);
    fprintf(out, "%s: ", name);
    write_tensor_list(out, problem, mask);
    fputc('\n', out);
}

static void write_mapping(FILE *out, const ln_spec *spec)
{
    const ln_problem *problem = &spec->problem;
    const ln_mapping *mapping = &spec->mapping;
    fputs("mapping:\n", out);
    for (uint32_t level = mapping->level_count; level-- > 0;) {
        const ln_mapping_level *entry = &mapping->levels[level];
        const char *name = spec->arch.storage[level].name;
        fputs("  - target: ", out);
        write_string(out, name);
        fputs("\n    type: temporal\n    factors: ", out);
        write_factors(out, problem, entry->temporal_factors, entry->temporal_residuals);
        fputs("\n    permutation: ", out);
        write_permutation(out, problem, entry->temporal_permutation, problem->dimension_count, NULL, 0);
        fputc('\n', out);
        if (entry->no_temporal_reuse)
            write_flag(out, problem, "no_temporal_reuse", entry->no_temporal_reuse, 2);
        if (entry->rmw_first_update)
            write_flag(out, problem, "rmw_first_update", entry->rmw_first_update, 2);
        if (ln_arch_fanout_x(&spec->arch, level) * ln_arch_fanout_y(&spec->arch, level) > 1) {
            fputs("  - target: ", out);
            write_string(out, name);
            fputs("\n    type: spatial\n    factors: ", out);
            write_factors(out, problem, entry->spatial_factors, NULL);
            fputs("\n    permutation: ", out);
            write_permutation(out, problem, entry->spatial_permutation, problem->dimension_count, NULL, 0);
            fprintf(out, "\n    split: %u\n", entry->spatial_split);
            /* In a spatial directive Timeloop's model reads `no_reuse`. */
            if (entry->no_multicast)
                write_flag(out, problem, "no_reuse", entry->no_multicast, 2);
            if (entry->no_link_transfer)
                write_flag(out, problem, "no_link_transfer", entry->no_link_transfer, 2);
        }
        if (entry->keep || entry->bypass || entry->no_coalesce) {
            fputs("  - target: ", out);
            write_string(out, name);
            fputs("\n    type: datatype\n    keep: ", out);
            write_tensor_list(out, problem, entry->keep);
            fputs("\n    bypass: ", out);
            write_tensor_list(out, problem, entry->bypass);
            fputc('\n', out);
            if (entry->no_coalesce)
                write_flag(out, problem, "no_coalesce", entry->no_coalesce, 2);
        }
    }
}

static const char *constraint_type(ln_constraint_kind kind)
{
    switch (kind) {
    case LN_CONSTRAINT_TEMPORAL:
        return "temporal";
    case LN_CONSTRAINT_SPATIAL:
        return "spatial";
    case LN_CONSTRAINT_DATASPACE:
        return "bypass";
    case LN_CONSTRAINT_UTILIZATION:
        return "utilization";
    case LN_CONSTRAINT_MAX_OVERBOOKED_PROPORTION:
        return "max_overbooked_proportion";
    }
    return "temporal";
}

static void write_constraint(FILE *out, const ln_spec *spec, const ln_constraint *constraint)
{
    const ln_problem *problem = &spec->problem;
    fputs("    - target: ", out);
    write_string(out, spec->arch.storage[constraint->level].name);
    fprintf(out, "\n      type: %s\n", constraint_type(constraint->kind));
    switch (constraint->kind) {
    case LN_CONSTRAINT_TEMPORAL:
    case LN_CONSTRAINT_SPATIAL: {
        bool spatial = constraint->kind == LN_CONSTRAINT_SPATIAL;
        bool any = false;
        for (uint8_t d = 0; d < problem->dimension_count; d++)
            any = any || constraint->factor_relation[d] != LN_FACTOR_FREE || constraint->max_factors[d] ||
                  constraint->min_factors[d];
        if (any) {
            fputs("      factors: [", out);
            bool first = true;
            for (uint8_t d = 0; d < problem->dimension_count; d++) {
                const char *name = problem->dimension_names[d];
                if (constraint->factor_relation[d] == LN_FACTOR_EQUAL) {
                    fprintf(out, "%s%s=%" PRIu32, first ? "" : ", ", name, constraint->factors[d]);
                    first = false;
                }
                if (constraint->max_factors[d]) {
                    fprintf(out, "%s\"%s<=%" PRIu32 "\"", first ? "" : ", ", name, constraint->max_factors[d]);
                    first = false;
                }
                if (constraint->min_factors[d]) {
                    fprintf(out, "%s\"%s>=%" PRIu32 "\"", first ? "" : ", ", name, constraint->min_factors[d]);
                    first = false;
                }
            }
            fputs("]\n", out);
        }
        if (constraint->permutation_count || constraint->permutation_suffix_count) {
            fputs("      permutation: ", out);
            write_permutation(out, problem, constraint->permutation, constraint->permutation_count,
                              constraint->permutation_suffix, constraint->permutation_suffix_count);
            fputc('\n', out);
        }
        if (spatial && constraint->split_specified)
            fprintf(out, "      split: %u\n", constraint->split);
        if (constraint->remainders_specified)
            fprintf(out, "      remainders: %" PRIu32 "\n", constraint->max_remainders);
        if (spatial && constraint->no_link_transfer_specified)
            write_flag(out, problem, "no_link_transfer", constraint->no_link_transfer, 3);
        if (spatial && constraint->no_multicast_specified)
            write_flag(out, problem, "no_multicast_no_reduction", constraint->no_multicast, 3);
        if (!spatial && constraint->no_temporal_reuse_specified)
            write_flag(out, problem, "no_temporal_reuse", constraint->no_temporal_reuse, 3);
        if (!spatial && constraint->rmw_first_update_specified)
            write_flag(out, problem, "rmw_first_update", constraint->rmw_first_update, 3);
        break;
    }
    case LN_CONSTRAINT_DATASPACE:
        fputs("      keep: ", out);
        write_tensor_list(out, problem, constraint->keep);
        fputs("\n      bypass: ", out);
        write_tensor_list(out, problem, constraint->bypass);
        fputc('\n', out);
        if (constraint->no_coalesce_specified)
            write_flag(out, problem, "no_coalesce", constraint->no_coalesce, 3);
        break;
    case LN_CONSTRAINT_UTILIZATION:
        fputs("      min: ", out);
        write_real(out, constraint->min_utilization);
        fputc('\n', out);
        break;
    case LN_CONSTRAINT_MAX_OVERBOOKED_PROPORTION:
        fputs("      proportion: ", out);
        write_real(out, constraint->max_overbooked_proportion);
        fputc('\n', out);
        break;
    }
}

static void write_constraint_section(FILE *out, const ln_spec *spec, const char *section,
                                     bool include_architecture, bool include_mapspace,
                                     bool mark_architecture)
{
    bool any = false;
    for (uint32_t i = 0; i < spec->constraints.count; i++) {
        const ln_constraint *constraint = &spec->constraints.items[i];
        bool included = constraint->from_architecture ? include_architecture : include_mapspace;
        any = any || (included && constraint->level >= 0 &&
                      (uint32_t)constraint->level < spec->arch.storage_count);
    }
    if (!any)
        return;
    fprintf(out, "%s:\n  targets:\n", section);
    for (uint32_t i = 0; i < spec->constraints.count; i++) {
        const ln_constraint *constraint = &spec->constraints.items[i];
        bool included = constraint->from_architecture ? include_architecture : include_mapspace;
        if (!included || constraint->level < 0 ||
            (uint32_t)constraint->level >= spec->arch.storage_count)
            continue;
        write_constraint(out, spec, constraint);
        if (mark_architecture && constraint->from_architecture)
            fputs("      origin: architecture\n", out);
    }
}

/* timeloop-model checks a mapping against architecture_constraints by
 * comparing spellings (a split of 999 against the mapping's split of 1, a
 * permutation letter by letter) and rejects, or asserts on, mappings that
 * satisfy them, including timeloop-mapper's own results. When a mapping is
 * written, the architecture constraints therefore go into
 * mapspace_constraints: timeloop-model ignores that list, timeloop-mapper
 * merges both lists into one set, so the search space is unchanged, and
 * `origin: architecture` lets loopnest read them back as they were. */
static void write_constraints(FILE *out, const ln_spec *spec, bool with_mapping)
{
    if (with_mapping) {
        bool any_architecture = false;
        for (uint32_t i = 0; i < spec->constraints.count; i++)
            any_architecture = any_architecture || spec->constraints.items[i].from_architecture;
        if (any_architecture)
            fputs("# The architecture constraints are listed with the mapspace constraints\n"
                  "# (origin: architecture) so that timeloop-model, which compares them with\n"
                  "# the mapping by spelling, accepts the mapping; timeloop-mapper merges both.\n",
                  out);
        write_constraint_section(out, spec, "mapspace_constraints", true, true, true);
        return;
    }
    write_constraint_section(out, spec, "architecture_constraints", true, false, false);
    write_constraint_section(out, spec, "mapspace_constraints", false, true, false);
}

static void write_mapper(FILE *out, const ln_mapper_options *mapper)
{
    fputs("mapper:\n  version: \"0.4\"\n", out);
    fputs("  algorithm: ", out);
    write_string(out, mapper->algorithm ? mapper->algorithm : "hybrid");
    fputs("\n  optimization_metrics: [", out);
    for (uint32_t i = 0; i < mapper->metric_count; i++)
        fprintf(out, "%s%s", i ? ", " : "", ln_metric_name(mapper->metrics[i]));
    fputs("]\n", out);
    fprintf(out,
            "  num_threads: %" PRId64 "\n  timeout: %" PRId64 "\n  victory_condition: %" PRId64
            "\n  search_size: %" PRId64 "\n  sync_interval: %" PRId64 "\n  log_interval: %" PRId64
            "\n  max_permutations_per_if_visit: %" PRId64 "\n  max_temporal_loops_in_a_mapping: %" PRId64
            "\n",
            mapper->threads, mapper->timeout, mapper->victory_condition, mapper->search_size,
            mapper->sync_interval, mapper->log_interval, mapper->max_permutations_per_if_visit,
            mapper->max_temporal_loops_in_a_mapping);
    for (size_t i = 0; i < ln_mapper_flag_count; i++)
        fprintf(out, "  %s: %s\n", ln_mapper_flags[i].name,
                ln_mapper_flag_is_set(mapper, &ln_mapper_flags[i]) ? "true" : "false");
    if (mapper->out_prefix) {
        fputs("  out_prefix: ", out);
        write_string(out, mapper->out_prefix);
        fputc('\n', out);
    }
}

static void write_tables(FILE *out, const ln_energy_table *table)
{
    if (table->has_ert) {
        fputs("ERT:\n  version: \"0.4\"\n  tables:\n", out);
        for (uint32_t i = 0; i < table->count; i++) {
            const ln_component_energy *component = &table->components[i];
            if (!component->action_count)
                continue;
            fputs("    - name: ", out);
            write_string(out, component->name);
            fputs("\n      actions:\n", out);
            for (uint32_t a = 0; a < component->action_count; a++) {
                fputs("        - name: ", out);
                write_string(out, component->actions[a].action);
                fputs("\n          energy: ", out);
                write_real(out, component->actions[a].energy);
                fputc('\n', out);
            }
        }
    }
    if (table->has_art) {
        fputs("ART:\n  version: \"0.4\"\n  tables:\n", out);
        for (uint32_t i = 0; i < table->count; i++) {
            const ln_component_energy *component = &table->components[i];
            if (!component->has_area)
                continue;
            fputs("    - name: ", out);
            write_string(out, component->name);
            fputs("\n      area: ", out);
            write_real(out, component->area);
            fputc('\n', out);
        }
    }
}

/* ------------------------------------------------------------------ */
/* Compound components                                                  */
/* ------------------------------------------------------------------ */

/* An expression plain when YAML reads it back as the same unquoted text
 * (in block context commas and brackets are fine), quoted when it was. */
static void write_expression(FILE *out, const ln_expression *expression)
{
    const char *text = expression->text ? expression->text : "";
    bool plain = !expression->quoted && *text && !strchr(text, '\n') && !strstr(text, ": ") &&
                 !strstr(text, " #") && text[0] != ' ' && text[strlen(text) - 1] != ' ' &&
                 !strchr("?:,[]{}#&*!|>'\"%@`", text[0]) && !(text[0] == '-' && text[1] == ' ');
    if (plain)
        fputs(text, out);
    else
        write_quoted(out, text);
}

static void write_component_attributes(FILE *out, const char *key, const ln_component_attribute *items,
                                       uint32_t count, int depth)
{
    if (!count)
        return;
    indent(out, depth);
    fprintf(out, "%s:\n", key);
    for (uint32_t i = 0; i < count; i++) {
        indent(out, depth + 1);
        write_string(out, items[i].name);
        fputs(": ", out);
        write_expression(out, &items[i].value);
        fputc('\n', out);
    }
}

static void write_scale(FILE *out, const char *key, const ln_expression *expression, int depth)
{
    if (!expression->text)
        return;
    indent(out, depth);
    fprintf(out, "%s: ", key);
    write_expression(out, expression);
    fputc('\n', out);
}

static void write_components(FILE *out, const ln_component_library *library)
{
    bool any = false;
    for (uint32_t i = 0; i < library->count; i++)
        any = any || !library->classes[i].from_stdlib;
    if (!any)
        return;
    fputs("compound_components:\n  version: \"0.4\"\n  classes:\n", out);
    for (uint32_t i = 0; i < library->count; i++) {
        const ln_component_class *component_class = &library->classes[i];
        if (component_class->from_stdlib)
            continue;
        fputs("    - name: ", out);
        write_string(out, component_class->name);
        fputc('\n', out);
        if (component_class->primitive_type) {
            fputs("      primitive_type: ", out);
            write_string(out, component_class->primitive_type);
            fputc('\n', out);
        }
        write_component_attributes(out, "attributes", component_class->attributes,
                                   component_class->attribute_count, 3);
        if (component_class->subcomponent_count)
            fputs("      subcomponents:\n", out);
        for (uint32_t s = 0; s < component_class->subcomponent_count; s++) {
            const ln_component_subcomponent *subcomponent = &component_class->subcomponents[s];
            fputs("        - name: ", out);
            write_string(out, subcomponent->written_name ? subcomponent->written_name : subcomponent->name);
            fputs("\n          class: ", out);
            write_string(out, subcomponent->class_name);
            fputc('\n', out);
            write_scale(out, "area_scale", &subcomponent->area_scale, 5);
            write_scale(out, "energy_scale", &subcomponent->energy_scale, 5);
            write_component_attributes(out, "attributes", subcomponent->attributes,
                                       subcomponent->attribute_count, 5);
        }
        if (component_class->action_count)
            fputs("      actions:\n", out);
        for (uint32_t a = 0; a < component_class->action_count; a++) {
            const ln_component_action *action = &component_class->actions[a];
            fputs("        - name: ", out);
            write_string(out, action->name);
            fputc('\n', out);
            write_component_attributes(out, "arguments", action->arguments, action->argument_count, 5);
            write_scale(out, "energy_scale", &action->energy_scale, 5);
            if (action->part_count)
                fputs("          subcomponents:\n", out);
            for (uint32_t p = 0; p < action->part_count; p++) {
                const ln_component_action_part *part = &action->parts[p];
                fputs("            - name: ", out);
                write_string(out, part->written_name ? part->written_name : part->subcomponent);
                fputs("\n              actions:\n", out);
                for (uint32_t k = 0; k < part->action_count; k++) {
                    const ln_component_subaction *subaction = &part->actions[k];
                    fputs("                - name: ", out);
                    write_string(out, subaction->name);
                    fputc('\n', out);
                    write_scale(out, "energy_scale", &subaction->energy_scale, 9);
                    write_component_attributes(out, "arguments", subaction->arguments,
                                               subaction->argument_count, 9);
                }
            }
        }
    }
}

bool ln_write_yaml_spec(FILE *out, const ln_spec *spec)
{
    fputs("# Written by loopnest convert: Timeloop's v0.4 input, every level flattened\n"
          "# with its instances and mesh.\n",
          out);
    if (spec->has_problem)
        write_problem(out, &spec->problem);
    if (spec->has_arch)
        write_architecture(out, spec);
    if (spec->has_arch && spec->has_problem) {
        write_constraints(out, spec, spec->has_mapping);
    }
    if (spec->has_mapping && spec->has_arch && spec->has_problem)
        write_mapping(out, spec);
    if (spec->mapper.present)
        write_mapper(out, &spec->mapper);
    if (spec->mapper.mapspace_template) {
        fputs("mapspace:\n  template: ", out);
        write_string(out, spec->mapper.mapspace_template);
        fputc('\n', out);
    }
    write_tables(out, &spec->energy);
    write_components(out, &spec->component_library);
    return !ferror(out);
}

bool ln_write_yaml_mapping(FILE *out, const ln_spec *spec)
{
    if (spec->has_mapping && spec->has_arch && spec->has_problem)
        write_mapping(out, spec);
    return !ferror(out);
}
