/* `problem:` -> ln_problem (Timeloop's Shape::Parse and ParseWorkload). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/yaml_import.h"

static const char *const problem_keys[] = {"version", "shape", "instance", NULL};
static const char *const shape_keys[] = {"version",     "name",    "dimensions", "coefficients",
                                          "data_spaces", "flatten", NULL};
static const char *const coefficient_keys[] = {"name", "default", NULL};
static const char *const data_space_keys[] = {"name", "projection", "read_write", "ranks", NULL};

static bool import_dimensions(ln_yaml_import *import, const ln_yaml_node *shape)
{
    ln_problem *problem = &import->spec->problem;
    const ln_yaml_node *dimensions = ln_yaml_find(shape, "dimensions");
    if (!dimensions) {
        ln_import_missing_key(import, shape, "dimensions", "the problem shape",
                              "list the dimensions, e.g. `dimensions: [C, K, R, P]`");
        return false;
    }
    if (!ln_yaml_expect_kind(dimensions, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                             "'dimensions'"))
        return false;
    bool ok = true;
    bool long_name_noted = false;
    for (size_t i = 0; i < dimensions->item_count; i++) {
        const ln_yaml_node *item = dimensions->items[i];
        const char *name = ln_import_text(import, item, "a dimension name");
        if (!name) {
            ok = false;
            continue;
        }
        if (!*name) {
            ln_error(import->diagnostics, item->location, "give the dimension a name such as `K`",
                     "a dimension name cannot be empty");
            ok = false;
            continue;
        }
        if (ln_problem_find_dimension(problem, name) >= 0) {
            ln_error(import->diagnostics, item->location, "give each dimension a different name",
                     "dimension '%s' is listed twice", name);
            ok = false;
            continue;
        }
        if (problem->dimension_count >= LN_MAX_DIMENSIONS) {
            ln_error(import->diagnostics, item->location,
                     "combine dimensions; raise LN_MAX_DIMENSIONS in ir/spec.h if this is real",
                     "too many dimensions: loopnest allows at most %d", LN_MAX_DIMENSIONS);
            return false;
        }
        if (strlen(name) != 1 && !long_name_noted) {
            ln_diagnostic_report(import->diagnostics, LN_SEVERITY_NOTE, item->location,
                                 "write permutations as lists or comma-separated names",
                                 "dimension name '%s' is longer than one character (Timeloop requires one); "
                                 "permutation strings like \"RP\" cannot name it",
                                 name);
            long_name_noted = true;
        }
        problem->dimension_names[problem->dimension_count] = name;
        problem->dimension_locations[problem->dimension_count] = item->location;
        problem->dimension_count++;
    }
    if (ok && problem->dimension_count == 0) {
        ln_error(import->diagnostics, dimensions->location, "list at least one dimension",
                 "the problem has no dimensions");
        ok = false;
    }
    return ok;
}

static bool import_coefficients(ln_yaml_import *import, const ln_yaml_node *shape)
{
    ln_problem *problem = &import->spec->problem;
    const ln_yaml_node *coefficients = ln_yaml_find(shape, "coefficients");
    if (ln_yaml_is_null(coefficients))
        return true;
    if (!ln_yaml_expect_kind(coefficients, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                             "'coefficients'"))
        return false;
    bool ok = true;
    for (size_t i = 0; i < coefficients->item_count; i++) {
        const ln_yaml_node *item = coefficients->items[i];
        if (!ln_yaml_expect_kind(item, LN_YAML_MAPPING, import->diagnostics, import->arena,
                                 "a coefficient")) {
            ok = false;
            continue;
        }
        ln_yaml_warn_unknown_keys(item, import->diagnostics, "a coefficient", coefficient_keys);
        const ln_yaml_node *name_node = ln_yaml_find(item, "name");
        const ln_yaml_node *default_node = ln_yaml_find(item, "default");
        if (!name_node) {
            ln_import_missing_key(import, item, "name", "a coefficient", "e.g. `name: Wstride`");
            ok = false;
            continue;
        }
        if (!default_node) {
            ln_import_missing_key(import, item, "default", "a coefficient", "e.g. `default: 1`");
            ok = false;
            continue;
        }
        const char *name = ln_import_text(import, name_node, "a coefficient name");
        int64_t value;
        if (!name || !ln_import_int(import, default_node, "a coefficient's default", INT32_MIN,
                                    INT32_MAX, &value)) {
            ok = false;
            continue;
        }
        if (ln_problem_find_coefficient(problem, name) >= 0 ||
            ln_problem_find_dimension(problem, name) >= 0) {
            ln_error(import->diagnostics, name_node->location,
                     "give coefficients names different from each other and from the dimensions",
                     "coefficient '%s' is defined twice", name);
            ok = false;
            continue;
        }
        if (problem->coefficient_count >= LN_MAX_COEFFICIENTS) {
            ln_error(import->diagnostics, item->location,
                     "raise LN_MAX_COEFFICIENTS in ir/spec.h if this is real",
                     "too many coefficients: loopnest allows at most %d", LN_MAX_COEFFICIENTS);
            return false;
        }
        problem->coefficient_names[problem->coefficient_count] = name;
        problem->coefficient_defaults[problem->coefficient_count] = value;
        problem->coefficient_values[problem->coefficient_count] = value;
        problem->coefficient_count++;
    }
    return ok;
}

static bool add_term(ln_yaml_import *import, ln_tensor *tensor, ln_projection_rank *rank,
                     const ln_yaml_node *dimension_node, const ln_yaml_node *coefficient_node,
                     const ln_yaml_node *where)
{
    const ln_problem *problem = &import->spec->problem;
    const char *name = ln_yaml_get_text(dimension_node, import->diagnostics, import->arena,
                                        "a projection term's dimension");
    if (!name)
        return false;
    char context[160];
    snprintf(context, sizeof context, "the projection of %s", tensor->name);
    int dimension = ln_import_find_dimension(import, name, strlen(name), dimension_node->location,
                                             context);
    if (dimension < 0) {
        if (ln_problem_find_coefficient(problem, name) >= 0)
            ln_error(import->diagnostics, dimension_node->location,
                     "write a term with a coefficient as its own list, e.g. [[P, Wstride], [R]]",
                     "'%s' is a coefficient, not a dimension: a term lists the dimension first", name);
        return false;
    }
    int coefficient = -1;
    if (coefficient_node) {
        const char *coefficient_name = ln_yaml_get_text(coefficient_node, import->diagnostics,
                                                        import->arena, "a projection coefficient");
        if (!coefficient_name)
            return false;
        coefficient = ln_problem_find_coefficient(problem, coefficient_name);
        if (coefficient < 0) {
            char hint[512];
            size_t used = (size_t)snprintf(hint, sizeof hint, "declare it under shape.coefficients");
            if (problem->coefficient_count) {
                used += (size_t)snprintf(hint + used, sizeof hint - used, "; the coefficients are");
                for (uint8_t i = 0; i < problem->coefficient_count && used < sizeof hint; i++)
                    used += (size_t)snprintf(hint + used, sizeof hint - used, "%s %s", i ? "," : "",
                                             problem->coefficient_names[i]);
            }
            ln_error(import->diagnostics, coefficient_node->location, hint,
                     "unknown coefficient '%s' in the projection of %s", coefficient_name,
                     tensor->name);
            return false;
        }
    }
    if (rank->term_count >= LN_MAX_TERMS) {
        ln_error(import->diagnostics, where->location,
                 "raise LN_MAX_TERMS in ir/spec.h if this is real",
                 "too many terms in a rank of %s: loopnest allows at most %d", tensor->name,
                 LN_MAX_TERMS);
        return false;
    }
    rank->terms[rank->term_count].dimension = (uint8_t)dimension;
    rank->terms[rank->term_count].coefficient = (int8_t)coefficient;
    rank->term_count++;
    return true;
}

static ln_projection_rank *new_rank(ln_yaml_import *import, ln_tensor *tensor,
                                    const ln_yaml_node *where)
{
    if (tensor->rank_count >= LN_MAX_RANKS) {
        ln_error(import->diagnostics, where->location,
                 "raise LN_MAX_RANKS in ir/spec.h if this is real",
                 "too many ranks in the projection of %s: loopnest allows at most %d", tensor->name,
                 LN_MAX_RANKS);
        return NULL;
    }
    return &tensor->ranks[tensor->rank_count++];
}

static bool import_term(ln_yaml_import *import, ln_tensor *tensor, ln_projection_rank *rank,
                        const ln_yaml_node *term)
{
    if (term->kind == LN_YAML_SCALAR)
        return add_term(import, tensor, rank, term, NULL, term);
    if (term->kind != LN_YAML_SEQUENCE || term->item_count < 1 || term->item_count > 2) {
        ln_error(import->diagnostics, term->location,
                 "write a term as [dimension] or [dimension, coefficient]",
                 "a projection term of %s must be a list of one or two names, not %s", tensor->name,
                 ln_yaml_describe(import->arena, term));
        return false;
    }
    return add_term(import, tensor, rank, term->items[0],
                    term->item_count == 2 ? term->items[1] : NULL, term);
}

static bool import_projection(ln_yaml_import *import, ln_tensor *tensor,
                              const ln_yaml_node *projection)
{
    if (!ln_yaml_expect_kind(projection, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                             "a projection"))
        return false;
    if (projection->item_count == 0)
        return true;
    /* Timeloop reads a list of plain names as one single-term rank each. */
    if (projection->items[0]->kind == LN_YAML_SCALAR) {
        tensor->projection_is_flat_list = true;
        for (size_t i = 0; i < projection->item_count; i++) {
            const ln_yaml_node *item = projection->items[i];
            if (item->kind != LN_YAML_SCALAR) {
                ln_error(import->diagnostics, item->location,
                         "write either a list of dimension names [C, K] or a list of ranks "
                         "[[[C]], [[K]]], not a mix",
                         "the projection of %s mixes names and lists", tensor->name);
                return false;
            }
            ln_projection_rank *rank = new_rank(import, tensor, item);
            if (!rank || !add_term(import, tensor, rank, item, NULL, item))
                return false;
        }
        return true;
    }
    for (size_t i = 0; i < projection->item_count; i++) {
        const ln_yaml_node *rank_node = projection->items[i];
        if (rank_node->kind != LN_YAML_SEQUENCE) {
            ln_error(import->diagnostics, rank_node->location,
                     "write each rank as a list of terms, e.g. [[R], [P]] for R+P",
                     "a rank of the projection of %s must be a list of terms, not %s", tensor->name,
                     ln_yaml_describe(import->arena, rank_node));
            return false;
        }
        ln_projection_rank *rank = new_rank(import, tensor, rank_node);
        if (!rank)
            return false;
        if (rank_node->item_count == 0) {
            ln_error(import->diagnostics, rank_node->location,
                     "give the rank at least one term, e.g. [[K]]",
                     "a rank of the projection of %s has no terms", tensor->name);
            return false;
        }
        for (size_t t = 0; t < rank_node->item_count; t++)
            if (!import_term(import, tensor, rank, rank_node->items[t]))
                return false;
    }
    return true;
}

static bool import_data_space(ln_yaml_import *import, const ln_yaml_node *item)
{
    ln_problem *problem = &import->spec->problem;
    if (!ln_yaml_expect_kind(item, LN_YAML_MAPPING, import->diagnostics, import->arena,
                             "a data space"))
        return false;
    ln_yaml_warn_unknown_keys(item, import->diagnostics, "a data space", data_space_keys);
    const ln_yaml_node *name_node = ln_yaml_find(item, "name");
    const ln_yaml_node *projection = ln_yaml_find(item, "projection");
    if (!name_node) {
        ln_import_missing_key(import, item, "name", "a data space", "e.g. `name: Weights`");
        return false;
    }
    const char *name = ln_import_text(import, name_node, "a data space name");
    if (!name)
        return false;
    if (!projection) {
        ln_import_missing_key(import, item, "projection", "data space",
                              "e.g. `projection: [[[C]], [[K]]]`");
        return false;
    }
    if (ln_problem_find_tensor(problem, name) >= 0) {
        ln_error(import->diagnostics, name_node->location, "give each data space a different name",
                 "data space '%s' is defined twice", name);
        return false;
    }
    if (problem->tensor_count >= LN_MAX_TENSORS) {
        ln_error(import->diagnostics, item->location,
                 "raise LN_MAX_TENSORS in ir/spec.h if this is real",
                 "too many data spaces: loopnest allows at most %d", LN_MAX_TENSORS);
        return false;
    }
    ln_tensor *tensor = &problem->tensors[problem->tensor_count];
    memset(tensor, 0, sizeof *tensor);
    tensor->name = name;
    tensor->location = item->location;
    const ln_yaml_node *read_write = ln_yaml_find(item, "read_write");
    if (read_write && !ln_yaml_is_null(read_write) &&
        !ln_import_bool(import, read_write, "'read_write'", &tensor->read_write))
        return false;
    if (!import_projection(import, tensor, projection))
        return false;
    const ln_yaml_node *ranks = ln_yaml_find(item, "ranks");
    if (ranks && !ln_yaml_is_null(ranks)) {
        if (!ln_yaml_expect_kind(ranks, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                                 "'ranks'"))
            return false;
        if (ranks->item_count != tensor->rank_count) {
            ln_error(import->diagnostics, ranks->location,
                     "name every rank of the projection, in order",
                     "%s has %zu rank names but its projection has %u ranks", name,
                     ranks->item_count, tensor->rank_count);
            return false;
        }
        for (size_t i = 0; i < ranks->item_count; i++) {
            tensor->ranks[i].name = ln_import_text(import, ranks->items[i], "a rank name");
            if (!tensor->ranks[i].name)
                return false;
        }
    }
    problem->tensor_count++;
    return true;
}

static bool import_instance(ln_yaml_import *import, const ln_yaml_node *instance,
                            const ln_yaml_node *problem_node)
{
    ln_problem *problem = &import->spec->problem;
    bool ok = true;
    for (uint8_t d = 0; d < problem->dimension_count; d++) {
        const char *name = problem->dimension_names[d];
        const ln_yaml_node *bound = ln_yaml_find(instance, name);
        if (!bound) {
            char hint[160];
            snprintf(hint, sizeof hint, "add `%s: <size>` under `instance`", name);
            ln_error(import->diagnostics, instance == problem_node ? problem_node->location
                                                                   : instance->location,
                     hint, "the problem instance has no bound for dimension '%s'", name);
            ok = false;
            continue;
        }
        char what[160];
        snprintf(what, sizeof what, "the bound of dimension '%s'", name);
        int64_t value;
        if (!ln_import_int(import, bound, what, 1, INT32_MAX, &value)) {
            ok = false;
            continue;
        }
        problem->dimension_bounds[d] = value;
    }
    for (uint8_t c = 0; c < problem->coefficient_count; c++) {
        const ln_yaml_node *value_node = ln_yaml_find(instance, problem->coefficient_names[c]);
        if (!value_node)
            continue;
        char what[160];
        snprintf(what, sizeof what, "coefficient '%s'", problem->coefficient_names[c]);
        int64_t value;
        if (!ln_import_int(import, value_node, what, INT32_MIN, INT32_MAX, &value)) {
            ok = false;
            continue;
        }
        problem->coefficient_values[c] = value;
    }
    const ln_yaml_node *densities = ln_yaml_find(instance, "densities");
    if (densities && !ln_yaml_is_null(densities) &&
        !(densities->kind == LN_YAML_MAPPING && densities->pair_count == 0))
        ln_warning(import->diagnostics, densities->location,
                   "remove `densities` or use Timeloop for sparse workloads",
                   "densities are not modeled; every tensor is treated as dense");
    const ln_yaml_node *common_density = ln_yaml_find(instance, "commonDensity");
    if (common_density)
        ln_warning(import->diagnostics, common_density->location,
                   "remove `commonDensity` or use Timeloop for sparse workloads",
                   "densities are not modeled; every tensor is treated as dense");
    return ok;
}

bool ln_yaml_import_problem_section(ln_yaml_import *import, const ln_yaml_node *problem_node)
{
    ln_problem *problem = &import->spec->problem;
    memset(problem, 0, sizeof *problem);
    import->spec->has_problem = false;
    if (!ln_yaml_expect_kind(problem_node, LN_YAML_MAPPING, import->diagnostics, import->arena,
                             "'problem'"))
        return false;
    problem->location = problem_node->location;
    const ln_yaml_node *shape = ln_yaml_find(problem_node, "shape");
    const ln_yaml_node *instance = ln_yaml_find(problem_node, "instance");
    if (instance)
        ln_yaml_warn_unknown_keys(problem_node, import->diagnostics, "the problem", problem_keys);
    if (!shape) {
        ln_import_missing_key(import, problem_node, "shape", "the problem",
                              "describe the shape inline: `shape: {name, dimensions, data_spaces}`");
        return false;
    }
    if (shape->kind == LN_YAML_SCALAR) {
        ln_error(import->diagnostics, shape->location,
                 "describe the shape inline: `shape: {name, dimensions, data_spaces}`",
                 "built-in problem shape '%s' is not available", shape->text);
        return false;
    }
    if (!ln_yaml_expect_kind(shape, LN_YAML_MAPPING, import->diagnostics, import->arena,
                             "the problem 'shape'"))
        return false;
    ln_yaml_warn_unknown_keys(shape, import->diagnostics, "the problem shape", shape_keys);
    const ln_yaml_node *flatten = ln_yaml_find(shape, "flatten");
    if (flatten && !ln_yaml_is_null(flatten)) {
        ln_error(import->diagnostics, flatten->location, "list the factorized dimensions instead",
                 "flattened dimensions ('flatten') are not supported");
        return false;
    }
    const ln_yaml_node *name = ln_yaml_find(shape, "name");
    if (name && !ln_yaml_is_null(name)) {
        problem->name = ln_import_text(import, name, "the shape's 'name'");
        if (!problem->name)
            return false;
    }
    if (!import_dimensions(import, shape) || !import_coefficients(import, shape))
        return false;

    const ln_yaml_node *data_spaces = ln_yaml_find(shape, "data_spaces");
    if (!data_spaces) {
        ln_import_missing_key(import, shape, "data_spaces", "the problem shape",
                              "list the tensors with their projections");
        return false;
    }
    if (!ln_yaml_expect_kind(data_spaces, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                             "'data_spaces'"))
        return false;
    bool ok = true;
    for (size_t i = 0; i < data_spaces->item_count; i++)
        if (!import_data_space(import, data_spaces->items[i]))
            ok = false;
    if (!ok)
        return false;
    if (problem->tensor_count == 0) {
        ln_error(import->diagnostics, data_spaces->location, "list at least one data space",
                 "the problem has no data spaces");
        return false;
    }

    /* Older specs put the bounds directly under `problem`. */
    const ln_yaml_node *bounds = instance ? instance : problem_node;
    if (!ln_yaml_expect_kind(bounds, LN_YAML_MAPPING, import->diagnostics, import->arena,
                             "the problem 'instance'"))
        return false;
    if (!import_instance(import, bounds, problem_node))
        return false;
    import->spec->has_problem = true;
    return true;
}
