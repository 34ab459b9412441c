/* A problem's loop statement -> ln_problem.
 *
 *   Outputs[n][m][p][q] += Weights[m][c][r][s] * Inputs[n][c][Wstride*p + r][q + s];
 *
 * Each bracket is one rank of the tensor's projection; each `+`-separated
 * term is a dimension, alone or times a named coefficient. The operands
 * become the tensors in the order written and the output last (Timeloop's
 * Weights, Inputs, Outputs), unless a `tensors` statement gives the order;
 * `+=` makes the output read-write. Indices name dimensions in any case
 * (`p` is P) so that statements read as the tutorials write them. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "frontend/nest_lower.h"

typedef struct ln_problem_source {
    const ln_nest_node *body; /* the SHAPE or PROBLEM node */
    const ln_nest_node *instance; /* the INSTANCE node, or NULL */
} ln_problem_source;

static bool declare_dimensions(ln_nest_lowering *lowering, const ln_nest_node *body,
                               ln_problem *problem, bool *bounded)
{
    bool ok = true;
    for (size_t i = 0; i < body->child_count; i++) {
        const ln_nest_node *statement = body->children[i];
        if (statement->kind != LN_NEST_DIMS)
            continue;
        for (size_t j = 0; j < statement->child_count; j++) {
            const ln_nest_node *dim = statement->children[j];
            if (ln_problem_find_dimension(problem, dim->name) >= 0) {
                ln_error(lowering->diagnostics, dim->name_location,
                         "give each dimension a different name", "dimension `%s` is declared twice",
                         dim->name);
                ok = false;
                continue;
            }
            for (uint8_t d = 0; d < problem->dimension_count; d++)
                if (strcasecmp(problem->dimension_names[d], dim->name) == 0) {
                    char hint[256];
                    snprintf(hint, sizeof hint,
                             "indices name dimensions in any case, so `%s` and `%s` would be the "
                             "same index; rename one",
                             problem->dimension_names[d], dim->name);
                    ln_error(lowering->diagnostics, dim->name_location, hint,
                             "dimensions `%s` and `%s` differ only in case",
                             problem->dimension_names[d], dim->name);
                    ok = false;
                }
            if (problem->dimension_count >= LN_MAX_DIMENSIONS) {
                ln_error(lowering->diagnostics, dim->name_location,
                         "combine dimensions; raise LN_MAX_DIMENSIONS in ir/spec.h if this is real",
                         "too many dimensions: loopnest allows at most %d", LN_MAX_DIMENSIONS);
                return false;
            }
            uint8_t d = problem->dimension_count++;
            problem->dimension_names[d] = ln_arena_strdup(lowering->arena, dim->name);
            problem->dimension_locations[d] = dim->name_location;
            bounded[d] = (dim->flags & LN_NEST_HAS_VALUE) != 0;
            problem->dimension_bounds[d] = bounded[d] ? dim->value : 0;
            if (bounded[d] && dim->value < 1) {
                ln_error(lowering->diagnostics, dim->value_location,
                         "a dimension runs at least once", "the bound of `%s` must be at least 1",
                         dim->name);
                ok = false;
            }
        }
    }
    return ok;
}

static bool declare_coefficients(ln_nest_lowering *lowering, const ln_nest_node *body,
                                 ln_problem *problem)
{
    bool ok = true;
    for (size_t i = 0; i < body->child_count; i++) {
        const ln_nest_node *statement = body->children[i];
        if (statement->kind != LN_NEST_COEFS)
            continue;
        for (size_t j = 0; j < statement->child_count; j++) {
            const ln_nest_node *coef = statement->children[j];
            if (ln_problem_find_coefficient(problem, coef->name) >= 0 ||
                ln_nest_find_dimension(problem, coef->name) >= 0) {
                ln_error(lowering->diagnostics, coef->name_location,
                         "give coefficients names different from each other and from the dimensions",
                         "`%s` is declared twice", coef->name);
                ok = false;
                continue;
            }
            if (problem->coefficient_count >= LN_MAX_COEFFICIENTS) {
                ln_error(lowering->diagnostics, coef->name_location,
                         "raise LN_MAX_COEFFICIENTS in ir/spec.h if this is real",
                         "too many coefficients: loopnest allows at most %d", LN_MAX_COEFFICIENTS);
                return false;
            }
            if (coef->value < INT32_MIN || coef->value > INT32_MAX ||
                coef->value2 < INT32_MIN || coef->value2 > INT32_MAX) {
                ln_error(lowering->diagnostics, coef->value_location, "use a smaller coefficient",
                         "coefficient `%s` does not fit in 32 bits", coef->name);
                ok = false;
                continue;
            }
            uint8_t c = problem->coefficient_count++;
            problem->coefficient_names[c] = ln_arena_strdup(lowering->arena, coef->name);
            problem->coefficient_values[c] = coef->value;
            problem->coefficient_defaults[c] =
                coef->flags & LN_NEST_HAS_VALUE2 ? coef->value2 : coef->value;
        }
    }
    return ok;
}

static bool add_term(ln_nest_lowering *lowering, ln_problem *problem, ln_tensor *tensor,
                     ln_projection_rank *rank, const ln_nest_node *term)
{
    if (term->text) {
        char hint[256];
        snprintf(hint, sizeof hint, "coefficients are named: declare `coef S = %s;` and write `S*%s`",
                 term->text, term->name);
        ln_error(lowering->diagnostics, term->value_location, hint,
                 "a number cannot multiply an index in a projection");
        return false;
    }
    const char *index = term->name;
    ln_source_location index_location = term->name_location;
    int coefficient = -1;
    if (term->name2) {
        /* Either order: `Wstride*p` or `p*Wstride`. */
        int first = ln_problem_find_coefficient(problem, term->name);
        int second = ln_problem_find_coefficient(problem, term->name2);
        if (first >= 0 && second < 0) {
            coefficient = first;
            index = term->name2;
            index_location = term->name2_location;
        } else if (second >= 0 && first < 0) {
            coefficient = second;
        } else if (first >= 0) {
            ln_error(lowering->diagnostics, term->location,
                     "a term is an index, or an index times one coefficient",
                     "`%s*%s` multiplies two coefficients", term->name, term->name2);
            return false;
        } else if (ln_nest_find_dimension(problem, term->name) >= 0 &&
                   ln_nest_find_dimension(problem, term->name2) >= 0) {
            ln_error(lowering->diagnostics, term->location,
                     "a term is an index, or an index times one coefficient",
                     "`%s*%s` multiplies two indices", term->name, term->name2);
            return false;
        } else {
            /* One of them is unknown: say which. */
            bool first_is_dimension = ln_nest_find_dimension(problem, term->name) >= 0;
            const char *unknown = first_is_dimension ? term->name2 : term->name;
            ln_source_location where = first_is_dimension ? term->name2_location : term->name_location;
            const char *candidates[LN_MAX_COEFFICIENTS];
            for (uint8_t c = 0; c < problem->coefficient_count; c++)
                candidates[c] = problem->coefficient_names[c];
            char hint[512];
            if (problem->coefficient_count)
                ln_nest_name_hint(hint, sizeof hint, unknown, candidates,
                                  problem->coefficient_count, "coefficients");
            else
                snprintf(hint, sizeof hint, "declare it: `coef %s = 1;`", unknown);
            ln_error(lowering->diagnostics, where, hint, "unknown coefficient `%s` in the projection of %s",
                     unknown, tensor->name);
            return false;
        }
    }
    char context[160];
    snprintf(context, sizeof context, "(in the projection of %s)", tensor->name);
    int dimension = ln_nest_resolve_dimension(lowering, index, index_location, context);
    if (dimension < 0)
        return false;
    if (rank->term_count >= LN_MAX_TERMS) {
        ln_error(lowering->diagnostics, term->location, "raise LN_MAX_TERMS in ir/spec.h if this is real",
                 "too many terms in a rank of %s: loopnest allows at most %d", tensor->name,
                 LN_MAX_TERMS);
        return false;
    }
    rank->terms[rank->term_count].dimension = (uint8_t)dimension;
    rank->terms[rank->term_count].coefficient = (int8_t)coefficient;
    rank->term_count++;
    return true;
}

static bool add_tensor(ln_nest_lowering *lowering, ln_problem *problem, const ln_nest_node *access,
                       bool read_write)
{
    int existing = ln_problem_find_tensor(problem, access->name);
    if (existing >= 0) {
        ln_error(lowering->diagnostics, access->name_location,
                 "each tensor appears once in the statement",
                 "tensor `%s` appears twice", access->name);
        return false;
    }
    if (problem->tensor_count >= LN_MAX_TENSORS) {
        ln_error(lowering->diagnostics, access->name_location,
                 "raise LN_MAX_TENSORS in ir/spec.h if this is real",
                 "too many tensors: loopnest allows at most %d", LN_MAX_TENSORS);
        return false;
    }
    ln_tensor *tensor = &problem->tensors[problem->tensor_count];
    memset(tensor, 0, sizeof *tensor);
    tensor->name = ln_arena_strdup(lowering->arena, access->name);
    tensor->read_write = read_write;
    tensor->location = access->name_location;
    if (access->child_count > LN_MAX_RANKS) {
        ln_error(lowering->diagnostics, access->location, "raise LN_MAX_RANKS in ir/spec.h if this is real",
                 "too many ranks in %s: loopnest allows at most %d", access->name, LN_MAX_RANKS);
        return false;
    }
    problem->tensor_count++;
    bool ok = true;
    for (size_t r = 0; r < access->child_count; r++) {
        const ln_nest_node *index = access->children[r];
        ln_projection_rank *rank = &tensor->ranks[tensor->rank_count++];
        for (size_t t = 0; t < index->child_count; t++)
            if (!add_term(lowering, problem, tensor, rank, index->children[t]))
                ok = false;
    }
    return ok;
}

/* The tensors in the order of a `tensors` statement. */
static bool reorder_tensors(ln_nest_lowering *lowering, ln_problem *problem,
                            const ln_nest_node *order)
{
    ln_tensor sorted[LN_MAX_TENSORS];
    uint32_t used = 0;
    bool ok = true;
    for (size_t i = 0; i < order->child_count; i++) {
        const ln_nest_node *name = order->children[i];
        int tensor = ln_nest_resolve_tensor(lowering, name->name, name->name_location);
        if (tensor < 0) {
            ok = false;
            continue;
        }
        if (used & (1u << tensor)) {
            ln_error(lowering->diagnostics, name->name_location, "list each tensor once",
                     "tensor `%s` is listed twice", name->name);
            ok = false;
            continue;
        }
        sorted[__builtin_popcount(used)] = problem->tensors[tensor];
        used |= 1u << tensor;
    }
    if (ok && (uint32_t)__builtin_popcount(used) != problem->tensor_count) {
        for (uint8_t t = 0; t < problem->tensor_count; t++)
            if (!(used & (1u << t))) {
                ln_error(lowering->diagnostics, order->location,
                         "list every tensor of the statement", "`tensors` leaves out `%s`",
                         problem->tensors[t].name);
                break;
            }
        ok = false;
    }
    if (ok)
        memcpy(problem->tensors, sorted, problem->tensor_count * sizeof *sorted);
    return ok;
}

static bool lower_statement(ln_nest_lowering *lowering, const ln_nest_node *body, ln_problem *problem)
{
    const ln_nest_node *einsum = NULL;
    const ln_nest_node *order = NULL;
    bool ok = true;
    for (size_t i = 0; i < body->child_count; i++) {
        const ln_nest_node *statement = body->children[i];
        if (statement->kind == LN_NEST_EINSUM) {
            if (einsum) {
                ln_error(lowering->diagnostics, statement->location,
                         "a problem is one loop statement; define another problem for the second",
                         "a second statement in problem `%s`", body->name);
                ok = false;
            } else {
                einsum = statement;
            }
        } else if (statement->kind == LN_NEST_TENSORS) {
            if (order) {
                ln_error(lowering->diagnostics, statement->location, "give the order once",
                         "a second `tensors` statement");
                ok = false;
            }
            order = statement;
        }
    }
    if (!einsum) {
        ln_error(lowering->diagnostics, body->name_location,
                 "write its loop statement, e.g. `Outputs[k][p] += Weights[k][r] * Inputs[p + r];`",
                 "%s `%s` has no statement", body->kind == LN_NEST_SHAPE ? "shape" : "problem",
                 body->name);
        return false;
    }
    if (!ok)
        return false;
    for (size_t i = 1; i < einsum->child_count; i++)
        if (!add_tensor(lowering, problem, einsum->children[i], false))
            ok = false;
    if (!add_tensor(lowering, problem, einsum->children[0], (einsum->flags & LN_NEST_ACCUMULATE) != 0))
        ok = false;
    if (ok && order)
        ok = reorder_tensors(lowering, problem, order);
    return ok;
}

static bool apply_bindings(ln_nest_lowering *lowering, const ln_nest_node *instance,
                           ln_problem *problem, bool *bounded)
{
    bool ok = true;
    uint32_t seen_dimensions = 0, seen_coefficients = 0;
    for (size_t i = 0; i < instance->child_count; i++) {
        const ln_nest_node *binding = instance->children[i];
        int dimension = ln_problem_find_dimension(problem, binding->name);
        int coefficient = ln_problem_find_coefficient(problem, binding->name);
        if (dimension >= 0) {
            if (seen_dimensions & (1u << dimension)) {
                ln_error(lowering->diagnostics, binding->name_location, "give each bound once",
                         "`%s` is bound twice", binding->name);
                ok = false;
                continue;
            }
            seen_dimensions |= 1u << dimension;
            if (binding->value < 1 || binding->value > INT32_MAX) {
                ln_error(lowering->diagnostics, binding->value_location,
                         "a dimension runs at least once (and at most 2^31-1 times)",
                         "the bound of `%s` must be at least 1", binding->name);
                ok = false;
                continue;
            }
            problem->dimension_bounds[dimension] = binding->value;
            bounded[dimension] = true;
        } else if (coefficient >= 0) {
            if (seen_coefficients & (1u << coefficient)) {
                ln_error(lowering->diagnostics, binding->name_location, "give each value once",
                         "`%s` is bound twice", binding->name);
                ok = false;
                continue;
            }
            seen_coefficients |= 1u << coefficient;
            problem->coefficient_values[coefficient] = binding->value;
        } else {
            const char *candidates[LN_MAX_DIMENSIONS + LN_MAX_COEFFICIENTS];
            size_t count = 0;
            for (uint8_t d = 0; d < problem->dimension_count; d++)
                candidates[count++] = problem->dimension_names[d];
            for (uint8_t c = 0; c < problem->coefficient_count; c++)
                candidates[count++] = problem->coefficient_names[c];
            char hint[512];
            ln_nest_name_hint(hint, sizeof hint, binding->name, candidates, count,
                              "dimensions and coefficients");
            ln_error(lowering->diagnostics, binding->name_location, hint,
                     "`%s` is no dimension or coefficient of shape `%s`", binding->name,
                     instance->name2);
            ok = false;
        }
    }
    return ok;
}

bool ln_nest_lower_problem(ln_nest_lowering *lowering, const ln_nest_node *declaration,
                           ln_problem *problem)
{
    ln_problem_source source = {declaration, NULL};
    /* Follow instantiations down to the body they instantiate. */
    const ln_nest_node *chain[16];
    size_t chain_length = 0;
    while (source.body->kind == LN_NEST_INSTANCE) {
        if (chain_length == sizeof chain / sizeof *chain) {
            ln_error(lowering->diagnostics, declaration->location,
                     "instantiate the shape directly", "instantiations nest too deeply (or in a circle)");
            return false;
        }
        chain[chain_length++] = source.body;
        const ln_nest_node *shape = ln_nest_find_declaration(&lowering->problems, source.body->name2);
        if (!shape) {
            const char *candidates[64];
            size_t count = 0;
            for (size_t i = 0; i < lowering->problems.count && count < 64; i++)
                if (lowering->problems.items[i]->kind != LN_NEST_INSTANCE)
                    candidates[count++] = lowering->problems.items[i]->name;
            char hint[512];
            const char *closest = ln_closest_name(source.body->name2, candidates, count);
            if (closest)
                snprintf(hint, sizeof hint, "did you mean `%s`?", closest);
            else
                snprintf(hint, sizeof hint,
                         "include the file that defines it; the stdlib has conv1d, conv2d, "
                         "depthwise_conv2d, gemm and batched_gemm (`include \"conv2d.nest\";`)");
            ln_error(lowering->diagnostics, source.body->name2_location, hint, "unknown shape `%s`",
                     source.body->name2);
            return false;
        }
        source.body = shape;
    }

    memset(problem, 0, sizeof *problem);
    problem->name = ln_arena_strdup(lowering->arena, declaration->name);
    problem->location = declaration->location;
    bool bounded[LN_MAX_DIMENSIONS] = {false};
    if (!declare_dimensions(lowering, source.body, problem, bounded) ||
        !declare_coefficients(lowering, source.body, problem))
        return false;
    if (problem->dimension_count == 0) {
        ln_error(lowering->diagnostics, source.body->name_location,
                 "declare the dimensions, e.g. `dims K = 32, R = 3, P = 16;`",
                 "%s `%s` has no dimensions", source.body->kind == LN_NEST_SHAPE ? "shape" : "problem",
                 source.body->name);
        return false;
    }
    /* The innermost instantiation's bindings first: outer ones override. */
    bool ok = true;
    for (size_t i = chain_length; i-- > 0;)
        if (!apply_bindings(lowering, chain[i], problem, bounded))
            ok = false;
    if (!ok)
        return false;
    /* Indices resolve against this problem's names while the statement is read. */
    ln_problem saved = lowering->spec->problem;
    lowering->spec->problem = *problem;
    ok = lower_statement(lowering, source.body, &lowering->spec->problem);
    *problem = lowering->spec->problem;
    lowering->spec->problem = saved;
    if (!ok)
        return false;
    for (uint8_t d = 0; d < problem->dimension_count; d++) {
        if (bounded[d])
            continue;
        char hint[256];
        if (declaration->kind == LN_NEST_INSTANCE)
            snprintf(hint, sizeof hint, "bind it: `problem %s = %s(%s = ..., ...);`", declaration->name,
                     declaration->name2, problem->dimension_names[d]);
        else
            snprintf(hint, sizeof hint, "give it a bound: `dims %s = ...`", problem->dimension_names[d]);
        ln_error(lowering->diagnostics,
                 declaration->kind == LN_NEST_INSTANCE ? declaration->name_location
                                                       : problem->dimension_locations[d],
                 hint, "dimension `%s` of %s `%s` has no bound", problem->dimension_names[d],
                 declaration->kind == LN_NEST_SHAPE ? "shape" : "problem", declaration->name);
        ok = false;
    }
    return ok;
}
