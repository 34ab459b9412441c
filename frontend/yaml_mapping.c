/* `mapping:` -> ln_mapping (Timeloop's mapping/parser.cpp). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/yaml_import.h"
#include "ir/mapping_fold.h"

static const char *const directive_keys[] = {
    "target",    "type",   "factors",  "permutation",       "split",
    "keep",      "bypass", "no_reuse", "no_link_transfer",  "no_multicast_no_reduction",
    "no_temporal_reuse", "rmw_first_update", "no_coalesce", NULL};

static const char *const directive_types = "temporal, spatial, dataspace (or bypass, datatype)";

static bool read_tensor_flags(ln_yaml_import *import, const ln_yaml_node *directive,
                              const char *const *names, ln_tensor_mask *mask)
{
    const ln_yaml_pair *pair = ln_yaml_find_first(directive, names);
    if (!pair)
        return true;
    char what[96];
    snprintf(what, sizeof what, "'%s'", pair->key->text);
    return ln_import_tensor_list(import, pair->value, what, mask);
}

static bool import_loops(ln_yaml_import *import, const ln_yaml_node *directive, uint32_t level,
                         bool spatial)
{
    const ln_problem *problem = &import->spec->problem;
    ln_mapping_level *entry = &import->spec->mapping.levels[level];
    uint32_t *factors = spatial ? entry->spatial_factors : entry->temporal_factors;
    uint32_t *residuals = spatial ? entry->spatial_residuals : entry->temporal_residuals;
    uint8_t *permutation = spatial ? entry->spatial_permutation : entry->temporal_permutation;
    uint32_t *specified = spatial ? &entry->spatial_factors_specified
                                  : &entry->temporal_factors_specified;
    bool *has = spatial ? &entry->has_spatial : &entry->has_temporal;
    const char *level_name = import->spec->arch.storage[level].name;

    if (*has)
        ln_warning(import->diagnostics, directive->location,
                   "merge the two directives into one",
                   "a second %s directive for %s replaces the first", spatial ? "spatial" : "temporal",
                   level_name);
    for (uint8_t d = 0; d < LN_MAX_DIMENSIONS; d++) {
        factors[d] = 1;
        residuals[d] = 1;
        permutation[d] = d;
    }
    *specified = 0;

    ln_factor_entry entries[LN_MAX_DIMENSIONS];
    size_t count;
    if (!ln_import_factors(import, ln_yaml_find(directive, "factors"), false, entries,
                           LN_MAX_DIMENSIONS, &count))
        return false;
    for (size_t i = 0; i < count; i++) {
        const ln_factor_entry *factor = &entries[i];
        uint8_t d = factor->dimension;
        int64_t value = factor->value;
        if (value == 0) {
            ln_warning(import->diagnostics, factor->location, "write the bound itself",
                       "factor 0 of '%s' is read as the whole dimension (%" PRId64 ")",
                       problem->dimension_names[d], problem->dimension_bounds[d]);
            value = problem->dimension_bounds[d];
        }
        int64_t residual = factor->has_residual ? factor->residual : value;
        if (residual < 1 || residual > value) {
            ln_error(import->diagnostics, factor->location,
                     "the last iteration's factor must be between 1 and the factor",
                     "residual %" PRId64 " of '%s' is not between 1 and its factor %" PRId64,
                     residual, problem->dimension_names[d], value);
            return false;
        }
        factors[d] = (uint32_t)value;
        residuals[d] = (uint32_t)residual;
        *specified |= 1u << d;
    }

    uint8_t written[LN_MAX_DIMENSIONS], written_count;
    if (!ln_import_permutation(import, ln_yaml_find(directive, "permutation"), false, written,
                               &written_count, NULL, NULL))
        return false;
    ln_permutation_complete(problem, written, written_count, NULL, 0, permutation);
    bool *permutation_written = spatial ? import->spatial_permutation_written
                                        : import->temporal_permutation_written;
    permutation_written[level] = written_count > 0;
    *has = true;
    if (spatial) {
        entry->spatial_location = directive->location;
        entry->spatial_split = problem->dimension_count;
        entry->split_specified = false;
        const ln_yaml_node *split = ln_yaml_find(directive, "split");
        int64_t value;
        if (!ln_yaml_is_null(split)) {
            if (!ln_import_int(import, split, "'split'", 0, UINT32_MAX, &value))
                return false;
            /* Past the last dimension every loop is on X anyway. */
            entry->spatial_split = (uint8_t)(value > problem->dimension_count ? problem->dimension_count
                                                                            : value);
            entry->split_specified = true;
        }
        static const char *const link[] = {"no_link_transfer", NULL};
        static const char *const multicast[] = {"no_reuse", NULL};
        const ln_yaml_pair *ignored = ln_yaml_find_pair(directive, "no_multicast_no_reduction");
        if (ignored)
            /* Timeloop's mapping parser looks up no_reuse twice instead of
             * this key, so the model never applies it; ignoring it keeps the
             * numbers equal to Timeloop's. */
            ln_warning(import->diagnostics, ignored->key->location,
                       "write `no_reuse: [...]` in the spatial directive to turn multicast off",
                       "'no_multicast_no_reduction' has no effect in a mapping (Timeloop's model ignores it)");
        return read_tensor_flags(import, directive, link, &entry->no_link_transfer) &&
               read_tensor_flags(import, directive, multicast, &entry->no_multicast);
    }
    entry->temporal_location = directive->location;
    static const char *const reuse[] = {"no_reuse", "no_temporal_reuse", NULL};
    static const char *const rmw[] = {"rmw_first_update", NULL};
    return read_tensor_flags(import, directive, reuse, &entry->no_temporal_reuse) &&
           read_tensor_flags(import, directive, rmw, &entry->rmw_first_update);
}

static bool import_dataspace(ln_yaml_import *import, const ln_yaml_node *directive, uint32_t level)
{
    const ln_problem *problem = &import->spec->problem;
    ln_mapping_level *entry = &import->spec->mapping.levels[level];
    ln_tensor_mask keep, bypass;
    const ln_yaml_node *bypass_node = ln_yaml_find(directive, "bypass");
    if (!ln_import_tensor_list(import, ln_yaml_find(directive, "keep"), "'keep'", &keep) ||
        !ln_import_tensor_list(import, bypass_node, "'bypass'", &bypass))
        return false;
    if (keep & bypass) {
        for (uint8_t t = 0; t < problem->tensor_count; t++)
            if (keep & bypass & (1u << t)) {
                ln_error(import->diagnostics, bypass_node->location,
                         "list each tensor under either keep or bypass",
                         "tensor '%s' is both kept and bypassed at %s", problem->tensors[t].name,
                         import->spec->arch.storage[level].name);
                break;
            }
        return false;
    }
    /* A later directive for the same level overrides per tensor, as in
     * Timeloop's bypass strings. */
    entry->keep = (ln_tensor_mask)((entry->keep & ~bypass) | keep);
    entry->bypass = (ln_tensor_mask)((entry->bypass & ~keep) | bypass);
    entry->dataspace_location = directive->location;
    static const char *const coalesce[] = {"no_coalesce", NULL};
    return read_tensor_flags(import, directive, coalesce, &entry->no_coalesce);
}

static bool import_directive(ln_yaml_import *import, const ln_yaml_node *directive)
{
    const ln_arch *arch = &import->spec->arch;
    if (!ln_yaml_expect_kind(directive, LN_YAML_MAPPING, import->diagnostics, import->arena,
                             "a mapping directive"))
        return false;
    const ln_yaml_node *type = ln_yaml_find(directive, "type");
    const ln_yaml_node *target = ln_yaml_find(directive, "target");
    if (type && type->kind == LN_YAML_SCALAR && strcmp(type->text, "skew") == 0) {
        ln_error(import->diagnostics, type->location, "remove the skew directive",
                 "skew directives are not supported yet");
        return false;
    }
    ln_yaml_warn_unknown_keys(directive, import->diagnostics, "a mapping directive", directive_keys);
    if (!type) {
        ln_import_missing_key(import, directive, "type", "a mapping directive",
                              "add `type: temporal`, `type: spatial` or `type: dataspace`");
        return false;
    }
    if (!target) {
        ln_import_missing_key(import, directive, "target", "a mapping directive",
                              "name the storage level, e.g. `target: GlobalBuffer`");
        return false;
    }
    const char *type_text = ln_yaml_get_text(type, import->diagnostics, import->arena, "'type'");
    if (!type_text)
        return false;
    bool temporal = strcmp(type_text, "temporal") == 0;
    bool spatial = strcmp(type_text, "spatial") == 0;
    bool dataspace = strcmp(type_text, "datatype") == 0 || strcmp(type_text, "bypass") == 0 ||
                     strcmp(type_text, "dataspace") == 0;
    if (!temporal && !spatial && !dataspace) {
        char hint[128];
        snprintf(hint, sizeof hint, "the types are %s", directive_types);
        ln_error(import->diagnostics, type->location, hint, "unknown mapping directive type '%s'",
                 type_text);
        return false;
    }
    int level = ln_import_find_level(import, target);
    if (level < 0)
        return false;
    if (spatial && ln_import_fanout(arch, (uint32_t)level) <= 1) {
        const char *inner = level > 0 ? arch->storage[level - 1].name : arch->compute.name;
        char hint[512];
        snprintf(hint, sizeof hint,
                 "the next-inner level (%s) has as many instances as %s, so there is no spatial "
                 "fan-out here; put the spatial factors on a level above a fan-out",
                 inner, arch->storage[level].name);
        ln_error(import->diagnostics, type->location, hint,
                 "cannot find a spatial tiling level for storage level %s",
                 arch->storage[level].name);
        return false;
    }
    if (dataspace)
        return import_dataspace(import, directive, (uint32_t)level);
    return import_loops(import, directive, (uint32_t)level, spatial);
}

bool ln_yaml_import_mapping_section(ln_yaml_import *import, const ln_yaml_node *node)
{
    ln_spec *spec = import->spec;
    spec->has_mapping = false;
    /* `mapping: {mapping: [...]}`, as a map.yaml included under a key. */
    if (node && node->kind == LN_YAML_MAPPING && ln_yaml_find(node, "mapping"))
        node = ln_yaml_find(node, "mapping");
    if (ln_yaml_is_null(node) || (node->kind == LN_YAML_SEQUENCE && node->item_count == 0))
        return true;
    if (!ln_yaml_expect_kind(node, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                             "'mapping'"))
        return false;
    if (!spec->has_problem || !spec->has_arch) {
        if (!import->problem_failed && !import->arch_failed)
            ln_error(import->diagnostics, node->location,
                     "give the problem and the architecture too",
                     "a mapping needs the problem and the architecture");
        return false;
    }
    ln_mapping_init_neutral(&spec->mapping, &spec->problem, spec->arch.storage_count);
    spec->mapping.location = node->location;
    memset(import->temporal_permutation_written, 0, sizeof import->temporal_permutation_written);
    memset(import->spatial_permutation_written, 0, sizeof import->spatial_permutation_written);
    bool ok = true;
    for (size_t i = 0; i < node->item_count; i++)
        if (!import_directive(import, node->items[i]))
            ok = false;
    if (!ok)
        return false;
    spec->has_mapping = true;
    return true;
}

void ln_yaml_apply_node_constraints_to_mapping(ln_yaml_import *import)
{
    ln_spec *spec = import->spec;
    if (!spec->has_mapping || !import->arch_from_nodes)
        return;
    ln_permutations_written written;
    memcpy(written.temporal, import->temporal_permutation_written, sizeof written.temporal);
    memcpy(written.spatial, import->spatial_permutation_written, sizeof written.spatial);
    if (import->node_constraints_end > import->node_constraints_begin)
        ln_mapping_fold_constraints(&spec->problem, &spec->mapping,
                                    &spec->constraints.items[import->node_constraints_begin],
                                    import->node_constraints_end - import->node_constraints_begin,
                                    &written);
    memcpy(import->temporal_permutation_written, written.temporal, sizeof written.temporal);
    memcpy(import->spatial_permutation_written, written.spatial, sizeof written.spatial);
}
