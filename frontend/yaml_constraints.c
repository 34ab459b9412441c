/* Mapspace constraints -> spec->constraints (Timeloop's
 * mapping/constraints.cpp: Constraints::Parse and ParseSingleConstraint). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/yaml_import.h"

static const char *const constraint_keys[] = {
    "target",  "name",     "type",  "factors",        "permutation",        "split",
    "keep",    "bypass",   "no_reuse", "no_link_transfer", "no_multicast_no_reduction",
    "no_temporal_reuse", "rmw_first_update", "no_coalesce", "remainders", "proportion",
    "min",     "default_max_factor", "default_min_factor", "attributes", "constraints",
    "version", "origin", NULL};

static const char *const constraint_types =
    "temporal, spatial, dataspace (or bypass, datatype), utilization, max_overbooked_proportion";

static bool constraint_kind_of(const char *type, ln_constraint_kind *kind)
{
    if (strcmp(type, "temporal") == 0)
        *kind = LN_CONSTRAINT_TEMPORAL;
    else if (strcmp(type, "spatial") == 0)
        *kind = LN_CONSTRAINT_SPATIAL;
    else if (strcmp(type, "datatype") == 0 || strcmp(type, "bypass") == 0 ||
             strcmp(type, "bypassing") == 0 || strcmp(type, "dataspace") == 0)
        *kind = LN_CONSTRAINT_DATASPACE;
    else if (strcmp(type, "utilization") == 0 || strcmp(type, "parallelism") == 0)
        *kind = LN_CONSTRAINT_UTILIZATION;
    else if (strcmp(type, "max_overbooked_proportion") == 0)
        *kind = LN_CONSTRAINT_MAX_OVERBOOKED_PROPORTION;
    else
        return false;
    return true;
}

/* Timeloop reads some settings from a constraint's `attributes` and others
 * from the constraint itself; accept each in either place. */
static const ln_yaml_pair *setting_pair(const ln_yaml_node *body, const char *const *names)
{
    const ln_yaml_node *attributes = ln_yaml_find(body, "attributes");
    const ln_yaml_pair *pair = attributes && attributes->kind == LN_YAML_MAPPING
                                   ? ln_yaml_find_first(attributes, names)
                                   : NULL;
    return pair ? pair : ln_yaml_find_first(body, names);
}

static const ln_yaml_node *setting(const ln_yaml_node *body, const char *name)
{
    const char *const names[] = {name, NULL};
    const ln_yaml_pair *pair = setting_pair(body, names);
    return pair ? pair->value : NULL;
}

static bool tensor_flags(ln_yaml_import *import, const ln_yaml_node *body, const char *const *names,
                         bool *specified, ln_tensor_mask *mask)
{
    const ln_yaml_pair *pair = setting_pair(body, names);
    if (!pair)
        return true;
    char what[96];
    snprintf(what, sizeof what, "'%s'", pair->key->text);
    if (!ln_import_tensor_list(import, pair->value, what, mask))
        return false;
    *specified = true;
    return true;
}

static bool permutation_has(const ln_constraint *constraint, uint8_t dimension)
{
    for (uint8_t i = 0; i < constraint->permutation_count; i++)
        if (constraint->permutation[i] == dimension)
            return true;
    for (uint8_t i = 0; i < constraint->permutation_suffix_count; i++)
        if (constraint->permutation_suffix[i] == dimension)
            return true;
    return false;
}

static void permutation_push_front(ln_constraint *constraint, uint8_t dimension)
{
    if (constraint->permutation_count + constraint->permutation_suffix_count >= LN_MAX_DIMENSIONS)
        return;
    memmove(constraint->permutation + 1, constraint->permutation, constraint->permutation_count);
    constraint->permutation[0] = dimension;
    constraint->permutation_count++;
}

void ln_import_pin_unit_loops(const ln_yaml_import *import, ln_constraint *constraint,
                              const uint8_t *unit_dimensions, uint8_t unit_count)
{
    const ln_problem *problem = &import->spec->problem;
    for (uint8_t i = 0; i < unit_count; i++)
        if (!permutation_has(constraint, unit_dimensions[i]))
            permutation_push_front(constraint, unit_dimensions[i]);
    for (uint8_t d = 0; d < problem->dimension_count; d++)
        if (problem->dimension_bounds[d] == 1 && !permutation_has(constraint, d))
            permutation_push_front(constraint, d);
}

/* Reads the factors; `unit_dimensions` receives, in written order, the
 * dimensions whose factor or bound was written as 1. */
static bool import_factor_constraints(ln_yaml_import *import, ln_constraint *constraint,
                                      const ln_yaml_node *body, uint8_t *unit_dimensions,
                                      uint8_t *unit_count)
{
    const ln_problem *problem = &import->spec->problem;
    ln_factor_entry entries[3 * LN_MAX_DIMENSIONS];
    size_t count;
    if (!ln_import_factors(import, setting(body, "factors"), true, entries,
                           sizeof entries / sizeof *entries, &count))
        return false;
    bool exact[LN_MAX_DIMENSIONS] = {false};
    *unit_count = 0;
    for (size_t i = 0; i < count; i++) {
        const ln_factor_entry *entry = &entries[i];
        uint8_t d = entry->dimension;
        if (entry->value == 1 && *unit_count < LN_MAX_DIMENSIONS)
            unit_dimensions[(*unit_count)++] = d;
        int64_t bound = problem->dimension_bounds[d];
        int64_t value = entry->value;
        switch (entry->operator_kind) {
        case LN_FACTOR_OPERATOR_EQUAL:
            if (value == 0) {
                ln_warning(import->diagnostics, entry->location, "write the bound itself",
                           "factor 0 of '%s' is read as the whole dimension (%" PRId64 ")",
                           problem->dimension_names[d], bound);
                value = bound;
            } else if (value > bound) {
                /* Timeloop warns and drops such a constraint. */
                ln_warning(import->diagnostics, entry->location, "remove it or lower it",
                           "constraint %s=%" PRId64 " exceeds the dimension's bound %" PRId64
                           "; it is ignored",
                           problem->dimension_names[d], value, bound);
                continue;
            }
            constraint->factors[d] = (uint32_t)value;
            exact[d] = true;
            break;
        case LN_FACTOR_OPERATOR_AT_MOST:
        case LN_FACTOR_OPERATOR_AT_LEAST:
            if (value <= 0) {
                ln_error(import->diagnostics, entry->location, "bound factors by 1 or more",
                         "a factor bound must be positive");
                return false;
            }
            if (entry->operator_kind == LN_FACTOR_OPERATOR_AT_MOST)
                constraint->max_factors[d] = (uint32_t)value;
            else
                constraint->min_factors[d] = (uint32_t)value;
            break;
        }
    }
    static const char *const default_names[] = {"default_max_factor", "default_min_factor"};
    for (int which = 0; which < 2; which++) {
        const ln_yaml_node *node = setting(body, default_names[which]);
        if (ln_yaml_is_null(node))
            continue;
        int64_t value;
        char what[64];
        snprintf(what, sizeof what, "'%s'", default_names[which]);
        if (!ln_import_int(import, node, what, 1, UINT32_MAX, &value))
            return false;
        uint32_t *bounds = which == 0 ? constraint->max_factors : constraint->min_factors;
        for (uint8_t d = 0; d < problem->dimension_count; d++)
            if (bounds[d] == 0)
                bounds[d] = (uint32_t)value;
    }
    for (uint8_t d = 0; d < problem->dimension_count; d++) {
        if (exact[d])
            constraint->factor_relation[d] = LN_FACTOR_EQUAL;
        else if (constraint->max_factors[d]) {
            constraint->factor_relation[d] = LN_FACTOR_AT_MOST;
            constraint->factors[d] = constraint->max_factors[d];
        } else if (constraint->min_factors[d]) {
            constraint->factor_relation[d] = LN_FACTOR_AT_LEAST;
            constraint->factors[d] = constraint->min_factors[d];
        }
    }
    return true;
}

bool ln_yaml_import_constraint_body(ln_yaml_import *import, const char *type, uint32_t level,
                                    const char *target_name, const ln_yaml_node *body,
                                    ln_source_location location, bool from_architecture)
{
    const ln_arch *arch = &import->spec->arch;
    const ln_problem *problem = &import->spec->problem;
    ln_constraint_kind kind;
    if (!constraint_kind_of(type, &kind)) {
        char hint[256];
        snprintf(hint, sizeof hint, "the types are %s", constraint_types);
        ln_error(import->diagnostics, location, hint, "unknown constraint type '%s'", type);
        return false;
    }
    if (!ln_yaml_expect_kind(body, LN_YAML_MAPPING, import->diagnostics, import->arena,
                             "a constraint"))
        return false;
    ln_yaml_warn_unknown_keys(body, import->diagnostics, "a constraint", constraint_keys);
    const ln_yaml_node *attributes = ln_yaml_find(body, "attributes");
    if (attributes && !ln_yaml_is_null(attributes)) {
        if (!ln_yaml_expect_kind(attributes, LN_YAML_MAPPING, import->diagnostics, import->arena,
                                 "a constraint's 'attributes'"))
            return false;
        ln_yaml_warn_unknown_keys(attributes, import->diagnostics, "a constraint's attributes",
                                  constraint_keys);
    }

    if (kind == LN_CONSTRAINT_SPATIAL && ln_import_fanout(arch, level) <= 1) {
        char hint[512];
        if (level > 0)
            snprintf(hint, sizeof hint,
                     "the next-inner level (%s) has as many instances as %s, so there is no "
                     "spatial fan-out to constrain; target a level with a fan-out",
                     arch->storage[level - 1].name, target_name);
        else
            snprintf(hint, sizeof hint,
                     "the compute level has as many instances as %s, so there is no spatial "
                     "fan-out to constrain; target a level with a fan-out",
                     target_name);
        ln_error(import->diagnostics, location, hint,
                 "spatial constraint on %s, which has no spatial fan-out", target_name);
        return false;
    }
    if (kind == LN_CONSTRAINT_UTILIZATION && level != 0) {
        ln_error(import->diagnostics, location,
                 "target the innermost storage level; the utilization counts the whole fan-out above it",
                 "a utilization constraint must target the innermost storage level (%s), not %s",
                 arch->storage[0].name, target_name);
        return false;
    }

    ln_constraint *constraint = ln_import_new_constraint(import);
    constraint->kind = kind;
    constraint->level = (int32_t)level;
    constraint->from_architecture = from_architecture;
    constraint->location = location;
    constraint->target_name = target_name;
    bool ok = true;

    switch (kind) {
    case LN_CONSTRAINT_TEMPORAL:
    case LN_CONSTRAINT_SPATIAL: {
        uint8_t unit_dimensions[LN_MAX_DIMENSIONS], unit_count = 0;
        if (!import_factor_constraints(import, constraint, body, unit_dimensions, &unit_count))
            ok = false;
        if (!ln_import_permutation(import, setting(body, "permutation"), true,
                                   constraint->permutation, &constraint->permutation_count,
                                   constraint->permutation_suffix,
                                   &constraint->permutation_suffix_count))
            ok = false;
        if (ok && import->pin_unit_loops)
            ln_import_pin_unit_loops(import, constraint, unit_dimensions, unit_count);
        const ln_yaml_node *remainders = setting(body, "remainders");
        int64_t value;
        if (!ln_yaml_is_null(remainders)) {
            if (ln_import_int(import, remainders, "'remainders'", 0, UINT32_MAX, &value)) {
                constraint->remainders_specified = true;
                constraint->max_remainders = (uint32_t)value;
            } else {
                ok = false;
            }
        }
        if (kind == LN_CONSTRAINT_SPATIAL) {
            const ln_yaml_node *split = setting(body, "split");
            if (!ln_yaml_is_null(split)) {
                if (ln_import_int(import, split, "'split'", 0, UINT32_MAX, &value)) {
                    constraint->split_specified = true;
                    /* Any split past the last dimension puts all on X. */
                    constraint->split = (uint8_t)(value > problem->dimension_count
                                                      ? problem->dimension_count
                                                      : value);
                } else {
                    ok = false;
                }
            }
            static const char *const link[] = {"no_link_transfer", NULL};
            static const char *const multicast[] = {"no_reuse", "no_multicast_no_reduction", NULL};
            if (!tensor_flags(import, body, link, &constraint->no_link_transfer_specified,
                              &constraint->no_link_transfer) ||
                !tensor_flags(import, body, multicast, &constraint->no_multicast_specified,
                              &constraint->no_multicast))
                ok = false;
        } else {
            static const char *const reuse[] = {"no_reuse", "no_temporal_reuse", NULL};
            static const char *const rmw[] = {"rmw_first_update", NULL};
            if (!tensor_flags(import, body, reuse, &constraint->no_temporal_reuse_specified,
                              &constraint->no_temporal_reuse) ||
                !tensor_flags(import, body, rmw, &constraint->rmw_first_update_specified,
                              &constraint->rmw_first_update))
                ok = false;
        }
        break;
    }
    case LN_CONSTRAINT_DATASPACE: {
        const ln_yaml_node *keep = setting(body, "keep");
        const ln_yaml_node *bypass = setting(body, "bypass");
        if (!ln_import_tensor_list(import, keep, "'keep'", &constraint->keep) ||
            !ln_import_tensor_list(import, bypass, "'bypass'", &constraint->bypass)) {
            ok = false;
            break;
        }
        if (constraint->keep & constraint->bypass) {
            for (uint8_t t = 0; t < problem->tensor_count; t++) {
                if (constraint->keep & constraint->bypass & (1u << t)) {
                    ln_error(import->diagnostics, bypass->location,
                             "list each tensor under either keep or bypass",
                             "tensor '%s' is both kept and bypassed at %s",
                             problem->tensors[t].name, target_name);
                    break;
                }
            }
            ok = false;
        }
        static const char *const coalesce[] = {"no_coalesce", NULL};
        if (!tensor_flags(import, body, coalesce, &constraint->no_coalesce_specified,
                          &constraint->no_coalesce))
            ok = false;
        break;
    }
    case LN_CONSTRAINT_UTILIZATION: {
        const ln_yaml_node *minimum = setting(body, "min");
        if (!minimum) {
            ln_import_missing_key(import, body, "min", "a utilization constraint",
                                  "e.g. `min: 0.5`");
            ok = false;
        } else if (!ln_import_double(import, minimum, "'min'", &constraint->min_utilization)) {
            ok = false;
        }
        break;
    }
    case LN_CONSTRAINT_MAX_OVERBOOKED_PROPORTION: {
        const ln_yaml_node *proportion = setting(body, "proportion");
        if (!proportion) {
            ln_import_missing_key(import, body, "proportion", "a max_overbooked_proportion constraint",
                                  "e.g. `proportion: 0.1`");
            ok = false;
        } else if (!ln_import_double(import, proportion, "'proportion'",
                                     &constraint->max_overbooked_proportion)) {
            ok = false;
        }
        break;
    }
    }
    if (!ok)
        import->spec->constraints.count--;
    return ok;
}

/* One entry of a constraint list: {target, type, ...}, or {target,
 * constraints: [{type, ...}, ...]}. */
static bool import_constraint_entry(ln_yaml_import *import, const ln_yaml_node *holder,
                                    const ln_yaml_node *constraint, bool from_architecture)
{
    if (!ln_yaml_expect_kind(constraint, LN_YAML_MAPPING, import->diagnostics, import->arena,
                             "a constraint"))
        return false;
    const ln_yaml_node *type = ln_yaml_find(constraint, "type");
    if (!type) {
        ln_import_missing_key(import, constraint, "type", "a constraint",
                              "add e.g. `type: temporal` (temporal, spatial, dataspace, ...)");
        return false;
    }
    const ln_yaml_node *target = ln_yaml_find(holder, "target");
    if (!target)
        target = ln_yaml_find(holder, "name");
    if (!target) {
        ln_import_missing_key(import, holder, "target", "a constraint",
                              "name the storage level it constrains, e.g. `target: GlobalBuffer`");
        return false;
    }
    const char *type_text = ln_yaml_get_text(type, import->diagnostics, import->arena, "'type'");
    if (!type_text)
        return false;
    ln_constraint_kind kind;
    if (!constraint_kind_of(type_text, &kind)) {
        char hint[256];
        snprintf(hint, sizeof hint, "the types are %s", constraint_types);
        ln_error(import->diagnostics, type->location, hint, "unknown constraint type '%s'",
                 type_text);
        return false;
    }
    int level = ln_import_find_level(import, target);
    if (level < 0)
        return false;
    /* loopnest's YAML export lists architecture constraints among the mapspace
     * constraints when it also writes a mapping (see backend/yaml_export.c);
     * `origin` brings them back where they came from. */
    const ln_yaml_node *origin = ln_yaml_find(constraint, "origin");
    if (origin) {
        const char *origin_text =
            ln_yaml_get_text(origin, import->diagnostics, import->arena, "'origin'");
        if (!origin_text)
            return false;
        if (strcmp(origin_text, "architecture") == 0) {
            from_architecture = true;
        } else if (strcmp(origin_text, "mapspace") == 0) {
            from_architecture = false;
        } else {
            ln_error(import->diagnostics, origin->location,
                     "write `origin: architecture` or `origin: mapspace`",
                     "unknown constraint origin '%s'", origin_text);
            return false;
        }
    }
    return ln_yaml_import_constraint_body(import, type_text, (uint32_t)level,
                                          ln_arena_strdup(import->arena, target->text), constraint,
                                          constraint->location, from_architecture);
}

static const char *const section_keys[] = {"version", "targets", "constraints", "template", NULL};

bool ln_yaml_import_constraint_section(ln_yaml_import *import, const ln_yaml_node *section,
                                       bool from_architecture, const char *section_name)
{
    if (ln_yaml_is_null(section))
        return true;
    const ln_yaml_node *list = NULL;
    if (section->kind == LN_YAML_SEQUENCE) {
        list = section;
    } else if (section->kind == LN_YAML_MAPPING) {
        char context[128];
        snprintf(context, sizeof context, "'%s'", section_name);
        ln_yaml_warn_unknown_keys(section, import->diagnostics, context, section_keys);
        const ln_yaml_node *targets = ln_yaml_find(section, "targets");
        const ln_yaml_node *constraints = ln_yaml_find(section, "constraints");
        if (constraints && constraints->kind == LN_YAML_SCALAR && !ln_yaml_is_null(constraints)) {
            ln_error(import->diagnostics, constraints->location,
                     "write the constraints as a list under `constraints:`",
                     "named constraint sets ('constraints: %s') are not supported", constraints->text);
            return false;
        }
        list = !ln_yaml_is_null(targets) ? targets : constraints;
        if (ln_yaml_is_null(list))
            return true;
    } else {
        ln_yaml_expect_kind(section, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                            section_name);
        return false;
    }
    if (!ln_yaml_expect_kind(list, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                             "the constraint list"))
        return false;
    if (list->item_count == 0)
        return true;
    if (!import->spec->has_problem || !import->spec->has_arch) {
        if (!import->problem_failed && !import->arch_failed)
            ln_error(import->diagnostics, section->location,
                     "give the problem and the architecture too",
                     "'%s' needs the problem and the architecture", section_name);
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < list->item_count; i++) {
        const ln_yaml_node *item = list->items[i];
        if (!ln_yaml_expect_kind(item, LN_YAML_MAPPING, import->diagnostics, import->arena,
                                 "a constraint")) {
            ok = false;
            continue;
        }
        const ln_yaml_node *nested = ln_yaml_find(item, "constraints");
        if (nested && nested->kind == LN_YAML_SEQUENCE) {
            for (size_t j = 0; j < nested->item_count; j++)
                if (!import_constraint_entry(import, item, nested->items[j], from_architecture))
                    ok = false;
        } else if (!import_constraint_entry(import, item, item, from_architecture)) {
            ok = false;
        }
    }
    return ok;
}
