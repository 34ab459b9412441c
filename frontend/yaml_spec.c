/* Combining spec files by top-level key and importing their sections in
 * dependency order; the mapper options. */
#include "frontend/yaml_spec.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/yaml_components.h"
#include "frontend/yaml_import.h"
#include "ir/mapping_validate.h"

/* ------------------------------------------------------------------ */
/* Mapper options                                                       */
/* ------------------------------------------------------------------ */

static const char *const mapper_keys[] = {
    "version",           "out_prefix",       "num_threads",       "optimization_metric",
    "optimization_metrics", "search_size",   "timeout",           "heartbeat",
    "victory_condition", "sync_interval",    "log_interval",      "log_oaves",
    "log_oaves_mappings", "log_stats",       "log_suboptimal",    "log_all",
    "live_status",       "diagnostics",      "penalize_consecutive_bypass_fails",
    "emit_whoop_nest",   "max_temporal_loops_in_a_mapping",       "algorithm",
    "filter_revisits",   "max_permutations_per_if_visit",         "log_orojenesis_mappings",
    "log_mappings_yaml", "log_mappings_verbose",                  "log_all_mappings",
    NULL};

void ln_yaml_set_mapper_defaults(ln_mapper_options *mapper)
{
    memset(mapper, 0, sizeof *mapper);
    /* Timeloop's defaults (its mapper application and search algorithms). */
    mapper->algorithm = "hybrid";
    mapper->metric_count = 1;
    mapper->metrics[0] = LN_METRIC_EDP;
    mapper->threads = 0;
    mapper->timeout = 1000;
    mapper->victory_condition = 500;
    mapper->search_size = 0;
    mapper->sync_interval = 0;
    mapper->log_interval = 1;
    mapper->max_permutations_per_if_visit = 16;
    mapper->max_temporal_loops_in_a_mapping = -1;
    mapper->out_prefix = "timeloop-mapper";
    mapper->mapspace_template = "uber";
}

static bool metric_of(const char *name, ln_metric *metric)
{
    static const struct {
        const char *name;
        ln_metric metric;
    } metrics[] = {
        {"delay", LN_METRIC_DELAY},
        {"energy", LN_METRIC_ENERGY},
        {"edp", LN_METRIC_EDP},
        {"last_level_accesses", LN_METRIC_LAST_LEVEL_ACCESSES},
        {"last-level-accesses", LN_METRIC_LAST_LEVEL_ACCESSES},
        {"area", LN_METRIC_AREA},
    };
    for (size_t i = 0; i < sizeof metrics / sizeof *metrics; i++) {
        if (strcmp(name, metrics[i].name) == 0) {
            *metric = metrics[i].metric;
            return true;
        }
    }
    return false;
}

static bool import_metrics(ln_yaml_import *import, const ln_yaml_node *node)
{
    ln_mapper_options *mapper = &import->spec->mapper;
    const ln_yaml_node *items[8];
    size_t count = 0;
    if (node->kind == LN_YAML_SCALAR) {
        items[count++] = node;
    } else if (node->kind == LN_YAML_SEQUENCE) {
        if (node->item_count > sizeof items / sizeof *items) {
            ln_error(import->diagnostics, node->location, "list at most 8 metrics",
                     "too many optimization metrics");
            return false;
        }
        for (size_t i = 0; i < node->item_count; i++)
            items[count++] = node->items[i];
    } else {
        ln_yaml_expect_kind(node, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                            "'optimization_metrics'");
        return false;
    }
    ln_metric metrics[8];
    for (size_t i = 0; i < count; i++) {
        const char *name = ln_yaml_get_text(items[i], import->diagnostics, import->arena,
                                            "an optimization metric");
        if (!name)
            return false;
        if (!metric_of(name, &metrics[i])) {
            ln_error(import->diagnostics, items[i]->location,
                     "the metrics are delay, energy, edp, last_level_accesses and area",
                     "unknown optimization metric '%s'", name);
            return false;
        }
    }
    mapper->metric_count = (uint32_t)count;
    memcpy(mapper->metrics, metrics, count * sizeof *metrics);
    return true;
}

static bool import_algorithm(ln_yaml_import *import, const ln_yaml_node *node)
{
    static const char *const algorithms[] = {"hybrid", "linear-pruned", "random-pruned",
                                             "exhaustive", "random", "optimal"};
    const char *text = ln_yaml_get_text(node, import->diagnostics, import->arena, "'algorithm'");
    if (!text)
        return false;
    char *canonical = ln_arena_strdup(import->arena, text);
    for (char *cursor = canonical; *cursor; cursor++)
        if (*cursor == '_')
            *cursor = '-';
    for (size_t i = 0; i < sizeof algorithms / sizeof *algorithms; i++) {
        if (strcmp(canonical, algorithms[i]) == 0) {
            import->spec->mapper.algorithm = algorithms[i];
            return true;
        }
    }
    const char *closest = ln_closest_name(canonical, algorithms, sizeof algorithms / sizeof *algorithms);
    char hint[256];
    if (closest)
        snprintf(hint, sizeof hint, "did you mean '%s'?", closest);
    else
        snprintf(hint, sizeof hint,
                 "the algorithms are hybrid, linear_pruned, random_pruned, exhaustive, random and optimal");
    ln_error(import->diagnostics, node->location, hint, "unknown search algorithm '%s'", text);
    return false;
}

bool ln_yaml_import_mapper_section(ln_yaml_import *import, const ln_yaml_node *node)
{
    ln_mapper_options *mapper = &import->spec->mapper;
    const char *template_name = mapper->mapspace_template;
    ln_yaml_set_mapper_defaults(mapper);
    if (template_name)
        mapper->mapspace_template = template_name;
    if (ln_yaml_is_null(node))
        return true;
    if (!ln_yaml_expect_kind(node, LN_YAML_MAPPING, import->diagnostics, import->arena, "'mapper'"))
        return false;
    mapper->present = true;
    mapper->location = node->location;
    ln_yaml_warn_unknown_keys(node, import->diagnostics, "the mapper options", mapper_keys);
    bool ok = true;

    static const struct {
        const char *name;
        size_t offset;
        int64_t minimum;
    } integers[] = {
        {"num_threads", offsetof(ln_mapper_options, threads), 0},
        {"timeout", offsetof(ln_mapper_options, timeout), 0},
        {"heartbeat", offsetof(ln_mapper_options, timeout), 0},
        {"victory_condition", offsetof(ln_mapper_options, victory_condition), 0},
        {"search_size", offsetof(ln_mapper_options, search_size), 0},
        {"sync_interval", offsetof(ln_mapper_options, sync_interval), 0},
        {"log_interval", offsetof(ln_mapper_options, log_interval), 0},
        {"max_permutations_per_if_visit", offsetof(ln_mapper_options, max_permutations_per_if_visit), 0},
        {"max_temporal_loops_in_a_mapping", offsetof(ln_mapper_options, max_temporal_loops_in_a_mapping), -1},
    };
    for (size_t i = 0; i < sizeof integers / sizeof *integers; i++) {
        const ln_yaml_node *value = ln_yaml_find(node, integers[i].name);
        if (ln_yaml_is_null(value))
            continue;
        char what[96];
        snprintf(what, sizeof what, "'%s'", integers[i].name);
        int64_t number;
        if (ln_import_int(import, value, what, integers[i].minimum, UINT32_MAX, &number))
            *(int64_t *)((char *)mapper + integers[i].offset) = number;
        else
            ok = false;
    }

    for (size_t i = 0; i <= ln_mapper_flag_count; i++) {
        /* Timeloop also reads log_suboptimal as `log_all`. */
        const ln_mapper_flag log_all = {"log_all", offsetof(ln_mapper_options, log_suboptimal)};
        const ln_mapper_flag *flag = i < ln_mapper_flag_count ? &ln_mapper_flags[i] : &log_all;
        const ln_yaml_node *value = ln_yaml_find(node, flag->name);
        if (ln_yaml_is_null(value))
            continue;
        char what[96];
        snprintf(what, sizeof what, "'%s'", flag->name);
        if (!ln_import_bool(import, value, what, ln_mapper_flag_value(mapper, flag)))
            ok = false;
    }

    /* Timeloop takes `optimization_metric` when it is a single name and
     * falls back to `optimization_metrics`; its front end writes an empty
     * `optimization_metric: []` beside the real list. */
    const ln_yaml_node *metric = ln_yaml_find(node, "optimization_metric");
    const ln_yaml_node *metrics = ln_yaml_find(node, "optimization_metrics");
    bool metric_given = !ln_yaml_is_null(metric) &&
                        !(metric->kind == LN_YAML_SEQUENCE && metric->item_count == 0);
    if (metric_given) {
        if (!import_metrics(import, metric))
            ok = false;
    } else if (!ln_yaml_is_null(metrics) &&
               !(metrics->kind == LN_YAML_SEQUENCE && metrics->item_count == 0)) {
        if (!import_metrics(import, metrics))
            ok = false;
    }

    const ln_yaml_node *algorithm = ln_yaml_find(node, "algorithm");
    if (!ln_yaml_is_null(algorithm) && !import_algorithm(import, algorithm))
        ok = false;
    const ln_yaml_node *prefix = ln_yaml_find(node, "out_prefix");
    if (!ln_yaml_is_null(prefix)) {
        mapper->out_prefix = ln_import_text(import, prefix, "'out_prefix'");
        if (!mapper->out_prefix) {
            mapper->out_prefix = "timeloop-mapper";
            ok = false;
        }
    }
    return ok;
}

/* ------------------------------------------------------------------ */
/* Combining files                                                      */
/* ------------------------------------------------------------------ */

static const char *const top_level_keys[] = {
    "architecture", "arch", "problem", "mapping", "architecture_constraints", "arch_constraints",
    "mapspace_constraints", "mapspace", "mapper", "ERT", "ART", "compound_components",
    "components", "globals", "variables", "dumped_by_timeloop_front_end", "model",
    "sparse_optimizations", NULL};

typedef struct ln_sections {
    const ln_yaml_pair *pairs[32];
} ln_sections;

static size_t top_level_index(const char *name)
{
    for (size_t i = 0; top_level_keys[i]; i++)
        if (strcmp(top_level_keys[i], name) == 0)
            return i;
    return SIZE_MAX;
}

static const ln_yaml_pair *section(const ln_sections *sections, const char *name)
{
    size_t index = top_level_index(name);
    return index == SIZE_MAX ? NULL : sections->pairs[index];
}

static const ln_yaml_node *section_value(const ln_sections *sections, const char *name)
{
    const ln_yaml_pair *pair = section(sections, name);
    return pair ? pair->value : NULL;
}

static bool collect_sections(ln_diagnostics *diagnostics, const ln_yaml_document *documents,
                             size_t document_count, ln_sections *sections)
{
    memset(sections, 0, sizeof *sections);
    bool ok = true;
    for (size_t d = 0; d < document_count; d++) {
        const ln_yaml_node *root = documents[d].root;
        if (!root)
            continue;
        if (root->kind != LN_YAML_MAPPING) {
            ln_error(diagnostics, root->location,
                     "a spec file holds sections such as `problem:`, `architecture:`, `mapping:`",
                     "the top level of '%s' must be a mapping of sections",
                     documents[d].path ? documents[d].path : "the document");
            ok = false;
            continue;
        }
        ln_yaml_warn_unknown_keys(root, diagnostics, "the top level", top_level_keys);
        for (size_t i = 0; i < root->pair_count; i++) {
            size_t index = top_level_index(root->pairs[i].name);
            if (index != SIZE_MAX)
                sections->pairs[index] = &root->pairs[i];
        }
    }
    return ok;
}

static void import_sections(ln_yaml_import *import, const ln_sections *sections)
{
    ln_spec *spec = import->spec;
    ln_diagnostics *diagnostics = import->diagnostics;

    const ln_yaml_node *variables = section_value(sections, "variables");
    if (variables && variables->kind == LN_YAML_MAPPING)
        import->variables = variables;
    const ln_yaml_node *components = section_value(sections, "compound_components");
    if (!components)
        components = section_value(sections, "components");
    if (components)
        spec->compound_components = components;
    const ln_yaml_pair *sparse = section(sections, "sparse_optimizations");
    if (sparse && !ln_yaml_is_null(sparse->value))
        ln_warning(diagnostics, sparse->key->location,
                   "remove it, or use Timeloop for sparse accelerators",
                   "'sparse_optimizations' is not modeled; it is ignored and every tensor is dense");

    const ln_yaml_node *problem = section_value(sections, "problem");
    if (problem) {
        import->problem_ok = ln_yaml_import_problem_section(import, problem);
        import->problem_failed = !import->problem_ok;
    } else {
        import->problem_ok = spec->has_problem;
    }

    const ln_yaml_pair *architecture = section(sections, "architecture");
    const ln_yaml_pair *arch = section(sections, "arch");
    if (architecture && arch)
        ln_warning(diagnostics, arch->key->location, "remove one of the two",
                   "both 'architecture' and 'arch' are given; 'architecture' is used");
    if (!architecture)
        architecture = arch;
    if (architecture) {
        import->arch_ok = ln_yaml_import_architecture_section(import, architecture->value);
        import->arch_failed = !import->arch_ok;
    } else {
        import->arch_ok = spec->has_arch;
    }

    const ln_yaml_pair *mapping = section(sections, "mapping");
    if (mapping)
        ln_yaml_import_mapping_section(import, mapping->value);

    if (architecture && import->arch_ok && import->problem_ok) {
        const ln_yaml_node *inline_constraints = ln_yaml_find(architecture->value, "constraints");
        if (inline_constraints)
            ln_yaml_import_constraint_section(import, inline_constraints, true,
                                              "architecture.constraints");
    }
    static const char *const architecture_sections[] = {"architecture_constraints",
                                                        "arch_constraints"};
    for (size_t i = 0; i < 2; i++) {
        const ln_yaml_node *node = section_value(sections, architecture_sections[i]);
        if (node)
            ln_yaml_import_constraint_section(import, node, true, architecture_sections[i]);
    }
    const ln_yaml_node *mapspace_constraints = section_value(sections, "mapspace_constraints");
    if (mapspace_constraints)
        ln_yaml_import_constraint_section(import, mapspace_constraints, false, "mapspace_constraints");
    const ln_yaml_node *mapspace = section_value(sections, "mapspace");
    if (mapspace) {
        ln_yaml_import_constraint_section(import, mapspace, false, "mapspace");
        const ln_yaml_node *template_node = ln_yaml_find(mapspace, "template");
        if (template_node && !ln_yaml_is_null(template_node)) {
            const char *name = ln_import_text(import, template_node, "'template'");
            if (name && strcmp(name, "uber") != 0 && strcmp(name, "ruby") != 0)
                ln_error(diagnostics, template_node->location, "use uber or ruby",
                         "unknown mapspace template '%s'", name);
            else if (name)
                spec->mapper.mapspace_template = name;
        }
    }

    if (spec->has_mapping) {
        ln_yaml_apply_node_constraints_to_mapping(import);
        if (!ln_mapping_validate(&spec->problem, &spec->arch, &spec->mapping, diagnostics))
            spec->has_mapping = false;
    }

    const ln_yaml_node *mapper = section_value(sections, "mapper");
    if (mapper)
        ln_yaml_import_mapper_section(import, mapper);
    else if (!spec->mapper.present) {
        const char *template_name = spec->mapper.mapspace_template;
        ln_yaml_set_mapper_defaults(&spec->mapper);
        if (template_name)
            spec->mapper.mapspace_template = template_name;
    }

    const ln_yaml_node *ert = section_value(sections, "ERT");
    const ln_yaml_node *art = section_value(sections, "ART");
    if (ert || art)
        ln_yaml_import_energy_tables(import, ert, art);
}

bool ln_yaml_import_documents(ln_spec *spec, ln_diagnostics *diagnostics,
                              const ln_yaml_document *documents, size_t document_count)
{
    size_t errors_before = diagnostics->error_count;
    ln_sections sections;
    if (!collect_sections(diagnostics, documents, document_count, &sections))
        return false;
    ln_yaml_import import;
    memset(&import, 0, sizeof import);
    import.spec = spec;
    import.diagnostics = diagnostics;
    import.arena = &spec->arena;
    import.constraint_capacity = spec->constraints.count;
    /* Component classes add up across files (each class file of a design
     * has its own compound_components section), unlike the other sections,
     * where a later file's replaces an earlier one's. */
    for (size_t d = 0; d < document_count; d++) {
        const ln_yaml_node *root = documents[d].root;
        const ln_yaml_node *classes = ln_yaml_find(root, "compound_components");
        if (!classes)
            classes = ln_yaml_find(root, "components");
        if (classes)
            ln_yaml_import_components(&spec->arena, diagnostics, classes, &spec->component_library, false);
    }
    import_sections(&import, &sections);
    return diagnostics->error_count == errors_before;
}

bool ln_yaml_load_spec(ln_spec *spec, ln_diagnostics *diagnostics, const char *const *paths,
                       size_t path_count)
{
    ln_yaml_document *documents = calloc(path_count ? path_count : 1, sizeof *documents);
    if (!documents) {
        ln_error(diagnostics, ln_location_none(), "free some memory and retry", "out of memory");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < path_count; i++)
        if (!ln_yaml_parse_file(&spec->arena, diagnostics, paths[i], &documents[i]))
            ok = false;
    if (ok)
        ok = ln_yaml_import_documents(spec, diagnostics, documents, path_count);
    free(documents);
    return ok;
}
