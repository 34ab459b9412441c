/* An architecture, its constraints and a search -> the spec IR.
 *
 * Timeloop's architecture semantics (sizes from depth, width and word
 * bits; instances and meshes; the v0.4 front end's dummy levels, defaults,
 * inherited attributes, !Parallel bypasses and derived constraints) are
 * implemented once, in the YAML importer. A .nest architecture is a
 * spelling of the same node tree, so it is lowered into that tree (with
 * the .nest locations on every node, so the importer's messages point into
 * the .nest file) and imported:
 *
 *   arch System { technology = "40nm";          !Container {name: System, attributes: ...}
 *     DRAM : DRAM { width = 64; }               !Component {name: DRAM, class: DRAM, ...}
 *     PE[16] {                                  !Container {name: PE, spatial: {meshX: 16}}
 *       RF : regfile { depth = 64; keep W; }    !Component {..., constraints: {dataspace: ...}}
 *       MAC : intmac;                           !Component {name: MAC, class: intmac}
 *   } }
 *
 * An architecture whose components give instance counts (`GB[16] : SRAM`)
 * is the flattened form Timeloop's model reads (`loopnest convert` writes
 * it): it lowers into the subtree form, where each level states its
 * instances and nothing is derived. Constraints and search settings are
 * lowered into constraint and mapper sections the same way. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/nest_lower.h"
#include "frontend/yaml_spec.h"

/* ------------------------------------------------------------------ */
/* Building YAML nodes in the spec's arena                              */
/* ------------------------------------------------------------------ */

static ln_yaml_node *yaml_node(ln_nest_lowering *lowering, ln_yaml_kind kind,
                               ln_source_location location)
{
    ln_yaml_node *node = ln_arena_alloc(lowering->arena, sizeof *node);
    node->kind = kind;
    node->location = location;
    return node;
}

static ln_yaml_node *yaml_scalar(ln_nest_lowering *lowering, const char *text, bool quoted,
                                 ln_source_location location)
{
    ln_yaml_node *node = yaml_node(lowering, LN_YAML_SCALAR, location);
    node->text = ln_arena_strdup(lowering->arena, text ? text : "");
    node->length = strlen(node->text);
    node->quoted = quoted;
    return node;
}

static ln_yaml_node *yaml_integer(ln_nest_lowering *lowering, int64_t value,
                                  ln_source_location location)
{
    char text[32];
    snprintf(text, sizeof text, "%" PRId64, value);
    return yaml_scalar(lowering, text, false, location);
}

static void yaml_push(ln_nest_lowering *lowering, ln_yaml_node *sequence, const ln_yaml_node *item)
{
    const ln_yaml_node **items = ln_arena_alloc_array(lowering->arena, sequence->item_count + 1,
                                                      sizeof *items);
    if (sequence->item_count)
        memcpy(items, sequence->items, sequence->item_count * sizeof *items);
    items[sequence->item_count++] = item;
    sequence->items = items;
}

static void yaml_put(ln_nest_lowering *lowering, ln_yaml_node *mapping, const char *key,
                     const ln_yaml_node *value, ln_source_location location)
{
    ln_yaml_pair *pairs = ln_arena_alloc_array(lowering->arena, mapping->pair_count + 1, sizeof *pairs);
    if (mapping->pair_count)
        memcpy(pairs, mapping->pairs, mapping->pair_count * sizeof *pairs);
    ln_yaml_pair *pair = &pairs[mapping->pair_count++];
    pair->key = yaml_scalar(lowering, key, false, location);
    pair->name = ln_yaml_canonical_name(lowering->arena, key);
    pair->value = value;
    mapping->pairs = pairs;
}

static ln_yaml_node *yaml_name_list(ln_nest_lowering *lowering, const ln_nest_node *list)
{
    ln_yaml_node *sequence = yaml_node(lowering, LN_YAML_SEQUENCE, list->location);
    for (size_t i = 0; i < list->child_count; i++)
        yaml_push(lowering, sequence,
                  yaml_scalar(lowering, list->children[i]->name, false, list->children[i]->name_location));
    return sequence;
}

/* An attribute value as the YAML scalar (or collection) it stands for. */
static ln_yaml_node *yaml_value(ln_nest_lowering *lowering, const ln_nest_node *value)
{
    switch ((ln_nest_value_kind)value->detail) {
    case LN_NEST_VALUE_STRING:
        return yaml_scalar(lowering, value->text, true, value->location);
    case LN_NEST_VALUE_NUMBER:
    case LN_NEST_VALUE_BOOL:
    case LN_NEST_VALUE_NULL:
    case LN_NEST_VALUE_WORD:
    case LN_NEST_VALUE_EXPRESSION:
        return yaml_scalar(lowering, value->text, false, value->location);
    case LN_NEST_VALUE_LIST: {
        ln_yaml_node *sequence = yaml_node(lowering, LN_YAML_SEQUENCE, value->location);
        for (size_t i = 0; i < value->child_count; i++)
            yaml_push(lowering, sequence, yaml_value(lowering, value->children[i]));
        return sequence;
    }
    case LN_NEST_VALUE_MAP: {
        ln_yaml_node *mapping = yaml_node(lowering, LN_YAML_MAPPING, value->location);
        for (size_t i = 0; i < value->child_count; i++) {
            const ln_nest_node *entry = value->children[i];
            yaml_put(lowering, mapping, entry->name, yaml_value(lowering, entry->children[0]),
                     entry->name_location);
        }
        return mapping;
    }
    }
    return yaml_scalar(lowering, value->text, false, value->location);
}

/* ------------------------------------------------------------------ */
/* Constraint statements -> constraint bodies                           */
/* ------------------------------------------------------------------ */

/* The constraints one block (a component, a container, a search section)
 * writes, by Timeloop's constraint type. */
typedef struct ln_constraint_bodies {
    ln_yaml_node *temporal;
    ln_yaml_node *spatial;
    ln_yaml_node *dataspace;
    ln_yaml_node *utilization;
    ln_yaml_node *overbooked;
    ln_source_location temporal_location, spatial_location, dataspace_location;
    ln_source_location utilization_location, overbooked_location;
    bool any;
} ln_constraint_bodies;

static bool is_constraint_statement(const ln_nest_node *node)
{
    switch (node->kind) {
    case LN_NEST_LOOP:
    case LN_NEST_ELLIPSIS:
    case LN_NEST_KEEP:
    case LN_NEST_BYPASS:
    case LN_NEST_FLAG:
    case LN_NEST_FACTORS:
    case LN_NEST_SPLIT:
    case LN_NEST_MIN_UTILIZATION:
    case LN_NEST_MAX_OVERBOOKED:
    case LN_NEST_REMAINDERS:
        return true;
    default:
        return false;
    }
}

static ln_yaml_node *body_for(ln_nest_lowering *lowering, ln_yaml_node **body,
                              ln_source_location *body_location, ln_source_location location)
{
    if (!*body) {
        *body = yaml_node(lowering, LN_YAML_MAPPING, location);
        *body_location = location;
    }
    return *body;
}

static bool letters_only(const char *name)
{
    for (const char *c = name; *c; c++)
        if (!isalpha((unsigned char)*c))
            return false;
    return *name != '\0';
}

typedef struct ln_factor_item {
    uint8_t dimension;
    ln_nest_factor_operator operator_kind;
    int64_t value;
    ln_source_location location;
} ln_factor_item;

/* Factors as Timeloop writes them: ["K=2", "R<=4"] (a mapping {K: 2} for
 * dimension names that are not all letters, which the string form cannot
 * name). */
static ln_yaml_node *yaml_factors(ln_nest_lowering *lowering, const ln_factor_item *items,
                                  size_t count, ln_source_location location)
{
    const ln_problem *problem = &lowering->spec->problem;
    bool plain = true;
    for (size_t i = 0; i < count; i++)
        plain = plain && letters_only(problem->dimension_names[items[i].dimension]);
    if (!plain) {
        ln_yaml_node *mapping = yaml_node(lowering, LN_YAML_MAPPING, location);
        for (size_t i = 0; i < count; i++) {
            if (items[i].operator_kind != LN_NEST_FACTOR_EQUAL) {
                ln_error(lowering->diagnostics, items[i].location,
                         "bound factors only of dimensions whose names are letters",
                         "cannot bound the factor of `%s`: Timeloop's factor syntax needs a name of letters only",
                         problem->dimension_names[items[i].dimension]);
                return NULL;
            }
            yaml_put(lowering, mapping, problem->dimension_names[items[i].dimension],
                     yaml_integer(lowering, items[i].value, items[i].location), items[i].location);
        }
        return mapping;
    }
    ln_yaml_node *sequence = yaml_node(lowering, LN_YAML_SEQUENCE, location);
    for (size_t i = 0; i < count; i++) {
        const char *operator_text = items[i].operator_kind == LN_NEST_FACTOR_AT_MOST   ? "<="
                                    : items[i].operator_kind == LN_NEST_FACTOR_AT_LEAST ? ">="
                                                                                        : "=";
        char text[160];
        snprintf(text, sizeof text, "%s%s%" PRId64, problem->dimension_names[items[i].dimension],
                 operator_text, items[i].value);
        yaml_push(lowering, sequence, yaml_scalar(lowering, text, false, items[i].location));
    }
    return sequence;
}

/* One kind of loops (temporal or spatial) of a block: order, factors and
 * split into `body`. */
typedef struct ln_loop_constraint {
    ln_factor_item factors[3 * LN_MAX_DIMENSIONS];
    size_t factor_count;
    uint8_t before[LN_MAX_DIMENSIONS]; /* written before `...`, outermost first */
    uint8_t after[LN_MAX_DIMENSIONS];  /* written after it (or all, without one) */
    uint8_t before_count, after_count;
    bool ellipsis;
    uint32_t seen;
    uint8_t x_count, y_count;
    bool axis_written;
    uint8_t x_loops[LN_MAX_DIMENSIONS], y_loops[LN_MAX_DIMENSIONS];
    bool any;
    ln_source_location location;
} ln_loop_constraint;

static bool add_factor_item(ln_nest_lowering *lowering, ln_loop_constraint *loops, uint8_t dimension,
                            ln_nest_factor_operator operator_kind, int64_t value,
                            ln_source_location location)
{
    const ln_problem *problem = &lowering->spec->problem;
    for (size_t i = 0; i < loops->factor_count; i++) {
        if (loops->factors[i].dimension == dimension && loops->factors[i].operator_kind == operator_kind) {
            ln_error(lowering->diagnostics, location, "give each dimension's factor once",
                     "the factor of `%s` is given twice here", problem->dimension_names[dimension]);
            return false;
        }
    }
    if (value < 1 || value > UINT32_MAX) {
        ln_error(lowering->diagnostics, location, "factors are whole numbers from 1",
                 "factor %" PRId64 " of `%s` is out of range", value, problem->dimension_names[dimension]);
        return false;
    }
    ln_factor_item *item = &loops->factors[loops->factor_count++];
    item->dimension = dimension;
    item->operator_kind = operator_kind;
    item->value = value;
    item->location = location;
    return true;
}

static bool add_constraint_loop(ln_nest_lowering *lowering, ln_loop_constraint *loops,
                                const ln_nest_node *loop)
{
    const ln_problem *problem = &lowering->spec->problem;
    int dimension = ln_nest_resolve_dimension(lowering, loop->name, loop->name_location, "in the loop");
    if (dimension < 0)
        return false;
    if (!loops->any)
        loops->location = loop->location;
    loops->any = true;
    if (loops->seen & (1u << dimension)) {
        ln_error(lowering->diagnostics, loop->name_location, "give each dimension one loop per level",
                 "a second %s loop over `%s` here", loop->flags & LN_NEST_SPATIAL ? "spatial" : "temporal",
                 problem->dimension_names[dimension]);
        return false;
    }
    loops->seen |= 1u << dimension;
    if (loops->ellipsis)
        loops->after[loops->after_count++] = (uint8_t)dimension;
    else
        loops->before[loops->before_count++] = (uint8_t)dimension;
    if (loop->axis != LN_NEST_AXIS_NONE)
        loops->axis_written = true;
    if (loop->axis == LN_NEST_AXIS_Y)
        loops->y_loops[loops->y_count++] = (uint8_t)dimension;
    else
        loops->x_loops[loops->x_count++] = (uint8_t)dimension;
    switch ((ln_nest_bound_kind)loop->detail) {
    case LN_NEST_BOUND_EXACT:
        return add_factor_item(lowering, loops, (uint8_t)dimension, LN_NEST_FACTOR_EQUAL, loop->value,
                               loop->value_location);
    case LN_NEST_BOUND_RESIDUAL:
        ln_error(lowering->diagnostics, loop->value_location,
                 "constrain the factor (`[0:4)` or `[0:?)`); residuals are a mapping's",
                 "a constraint cannot give a residual factor");
        return false;
    case LN_NEST_BOUND_HOLE:
        break;
    }
    return true;
}

/* Writes order and factors into the body. Without `...` the written loops
 * are the innermost (Timeloop's partial permutation); with it, those
 * before it are pinned outermost (the part after `_`). */
static bool finish_loops(ln_nest_lowering *lowering, ln_loop_constraint *loops, ln_yaml_node *body,
                         bool spatial, const ln_nest_node *split)
{
    const ln_problem *problem = &lowering->spec->problem;
    if (loops->factor_count) {
        ln_yaml_node *factors = yaml_factors(lowering, loops->factors, loops->factor_count,
                                             loops->location);
        if (!factors)
            return false;
        yaml_put(lowering, body, "factors", factors, loops->location);
    }
    uint8_t order[2 * LN_MAX_DIMENSIONS + 1];
    size_t count = 0;
    if (spatial && loops->axis_written && !loops->ellipsis) {
        /* X loops innermost, then Y loops; each group keeps its order. */
        for (uint8_t i = loops->x_count; i-- > 0;)
            order[count++] = loops->x_loops[i];
        for (uint8_t i = loops->y_count; i-- > 0;)
            order[count++] = loops->y_loops[i];
    } else {
        const uint8_t *inner = loops->ellipsis ? loops->after : loops->before;
        uint8_t inner_count = loops->ellipsis ? loops->after_count : loops->before_count;
        for (uint8_t i = inner_count; i-- > 0;)
            order[count++] = inner[i];
        if (loops->ellipsis) {
            order[count++] = UINT8_MAX;
            for (uint8_t i = loops->before_count; i-- > 0;)
                order[count++] = loops->before[i];
        }
    }
    if (count) {
        ln_yaml_node *permutation = yaml_node(lowering, LN_YAML_SEQUENCE, loops->location);
        for (size_t i = 0; i < count; i++)
            yaml_push(lowering, permutation,
                      yaml_scalar(lowering, order[i] == UINT8_MAX ? "_" : problem->dimension_names[order[i]],
                                  false, loops->location));
        yaml_put(lowering, body, "permutation", permutation, loops->location);
    }
    if (spatial && loops->axis_written) {
        if (split) {
            ln_error(lowering->diagnostics, split->location,
                     "give the axes either with `on X`/`on Y` or with `split`, not both",
                     "`split` and loops placed `on X`/`on Y` in one block");
            return false;
        }
        if (loops->ellipsis) {
            ln_error(lowering->diagnostics, loops->location,
                     "place loops on X or Y only in a fully ordered spatial nest (without `...`), "
                     "or give `split`",
                     "`on X`/`on Y` with `...`");
            return false;
        }
        /* All on X: any split past the last dimension; else the X loops. */
        int64_t value = loops->y_count ? loops->x_count : 999;
        yaml_put(lowering, body, "split", yaml_integer(lowering, value, loops->location), loops->location);
    } else if (split) {
        yaml_put(lowering, body, "split", yaml_integer(lowering, split->value, split->value_location),
                 split->location);
    }
    return true;
}

/* The constraint statements of one block (a component, a container, a
 * search section) into one body per constraint type. */
static bool build_constraints(ln_nest_lowering *lowering, const ln_nest_node *block,
                              ln_constraint_bodies *bodies)
{
    memset(bodies, 0, sizeof *bodies);
    /* Constraints name tensors and dimensions: without a problem (an
     * architecture checked on its own) there is nothing to resolve them
     * against, and the importer would not read them either. */
    if (!lowering->spec->has_problem)
        return true;
    ln_loop_constraint loops[2];
    memset(loops, 0, sizeof loops);
    const ln_nest_node *split = NULL;
    ln_tensor_mask keep = 0, bypass = 0;
    bool ok = true;
    /* `...` applies to the kind of loop that follows it (or precedes it). */
    for (size_t i = 0; i < block->child_count; i++) {
        const ln_nest_node *statement = block->children[i];
        if (!is_constraint_statement(statement))
            continue;
        bodies->any = true;
        switch (statement->kind) {
        case LN_NEST_LOOP:
            if (!add_constraint_loop(lowering, &loops[statement->flags & LN_NEST_SPATIAL ? 1 : 0],
                                     statement))
                ok = false;
            break;
        case LN_NEST_ELLIPSIS: {
            int kind = 0;
            bool found = false;
            for (size_t j = i + 1; j < block->child_count && !found; j++)
                if (block->children[j]->kind == LN_NEST_LOOP) {
                    kind = block->children[j]->flags & LN_NEST_SPATIAL ? 1 : 0;
                    found = true;
                }
            for (size_t j = i; j-- > 0 && !found;)
                if (block->children[j]->kind == LN_NEST_LOOP) {
                    kind = block->children[j]->flags & LN_NEST_SPATIAL ? 1 : 0;
                    found = true;
                }
            if (loops[kind].ellipsis) {
                ln_error(lowering->diagnostics, statement->location,
                         "one `...` marks where the free loops go", "a second `...`");
                ok = false;
            }
            loops[kind].ellipsis = true;
            if (!loops[kind].any)
                loops[kind].location = statement->location;
            loops[kind].any = true;
            break;
        }
        case LN_NEST_FACTORS: {
            int kind = statement->flags & LN_NEST_SPATIAL ? 1 : 0;
            if (!loops[kind].any)
                loops[kind].location = statement->location;
            loops[kind].any = true;
            for (size_t j = 0; j < statement->child_count; j++) {
                const ln_nest_node *factor = statement->children[j];
                int dimension = ln_nest_resolve_dimension(lowering, factor->name, factor->name_location,
                                                          "in the factors");
                if (dimension < 0 ||
                    !add_factor_item(lowering, &loops[kind], (uint8_t)dimension,
                                     (ln_nest_factor_operator)factor->detail, factor->value,
                                     factor->value_location))
                    ok = false;
            }
            break;
        }
        case LN_NEST_SPLIT:
            if (split) {
                ln_error(lowering->diagnostics, statement->location, "give the split once",
                         "a second `split`");
                ok = false;
            }
            split = statement;
            if (!loops[1].any)
                loops[1].location = statement->location;
            loops[1].any = true;
            break;
        case LN_NEST_REMAINDERS: {
            int kind = statement->flags & LN_NEST_SPATIAL ? 1 : 0;
            ln_yaml_node **body = kind ? &bodies->spatial : &bodies->temporal;
            ln_source_location *where = kind ? &bodies->spatial_location : &bodies->temporal_location;
            yaml_put(lowering, body_for(lowering, body, where, statement->location), "remainders",
                     yaml_integer(lowering, statement->value, statement->value_location),
                     statement->location);
            break;
        }
        case LN_NEST_KEEP:
        case LN_NEST_BYPASS: {
            ln_tensor_mask mask = 0;
            if (!ln_nest_tensor_mask(lowering, statement, &mask)) {
                ok = false;
                break;
            }
            ln_tensor_mask *own = statement->kind == LN_NEST_KEEP ? &keep : &bypass;
            ln_tensor_mask *other = statement->kind == LN_NEST_KEEP ? &bypass : &keep;
            if (mask & *other) {
                for (uint8_t t = 0; t < lowering->spec->problem.tensor_count; t++)
                    if (mask & *other & (1u << t)) {
                        ln_error(lowering->diagnostics, statement->location,
                                 "list each tensor under either keep or bypass",
                                 "tensor `%s` is both kept and bypassed here",
                                 lowering->spec->problem.tensors[t].name);
                        break;
                    }
                ok = false;
                break;
            }
            *own = (ln_tensor_mask)(*own | mask);
            ln_yaml_node *body = body_for(lowering, &bodies->dataspace, &bodies->dataspace_location,
                                          statement->location);
            const char *key = statement->kind == LN_NEST_KEEP ? "keep" : "bypass";
            if (ln_yaml_find(body, key)) {
                ln_error(lowering->diagnostics, statement->location, "list the tensors in one statement",
                         "a second `%s` statement here", key);
                ok = false;
                break;
            }
            yaml_put(lowering, body, key, yaml_name_list(lowering, statement), statement->location);
            break;
        }
        case LN_NEST_FLAG: {
            ln_tensor_mask mask = 0;
            if (!ln_nest_tensor_mask(lowering, statement, &mask)) {
                ok = false;
                break;
            }
            ln_yaml_node **body;
            ln_source_location *where;
            switch (ln_nest_flag_kind_of(statement->name)) {
            case LN_NEST_FLAG_SPATIAL:
                body = &bodies->spatial;
                where = &bodies->spatial_location;
                break;
            case LN_NEST_FLAG_DATASPACE:
                body = &bodies->dataspace;
                where = &bodies->dataspace_location;
                break;
            case LN_NEST_FLAG_TEMPORAL:
            default:
                body = &bodies->temporal;
                where = &bodies->temporal_location;
                break;
            }
            /* Timeloop's key for the multicast flag is longer. */
            const char *key = strcmp(statement->name, "no_multicast") == 0 ? "no_multicast_no_reduction"
                                                                          : statement->name;
            yaml_put(lowering, body_for(lowering, body, where, statement->location), key,
                     yaml_name_list(lowering, statement), statement->location);
            break;
        }
        case LN_NEST_MIN_UTILIZATION:
            if (bodies->utilization) {
                ln_error(lowering->diagnostics, statement->location, "give it once",
                         "a second `min_utilization`");
                ok = false;
                break;
            }
            yaml_put(lowering, body_for(lowering, &bodies->utilization, &bodies->utilization_location,
                                        statement->location),
                     "min", yaml_scalar(lowering, statement->text, false, statement->value_location),
                     statement->location);
            break;
        case LN_NEST_MAX_OVERBOOKED:
            if (bodies->overbooked) {
                ln_error(lowering->diagnostics, statement->location, "give it once",
                         "a second `max_overbooked_proportion`");
                ok = false;
                break;
            }
            yaml_put(lowering, body_for(lowering, &bodies->overbooked, &bodies->overbooked_location,
                                        statement->location),
                     "proportion", yaml_scalar(lowering, statement->text, false, statement->value_location),
                     statement->location);
            break;
        default:
            break;
        }
    }
    for (int kind = 0; kind < 2 && ok; kind++) {
        if (!loops[kind].any)
            continue;
        ln_yaml_node **body = kind ? &bodies->spatial : &bodies->temporal;
        ln_source_location *where = kind ? &bodies->spatial_location : &bodies->temporal_location;
        if (!finish_loops(lowering, &loops[kind], body_for(lowering, body, where, loops[kind].location),
                          kind == 1, kind ? split : NULL))
            ok = false;
    }
    return ok;
}

/* The bodies as a list of `{target, type, ...}` entries. */
static void push_targets(ln_nest_lowering *lowering, ln_yaml_node *targets,
                         const ln_constraint_bodies *bodies, const char *target,
                         ln_source_location target_location)
{
    struct {
        const ln_yaml_node *body;
        const char *type;
        ln_source_location location;
    } kinds[] = {
        {bodies->temporal, "temporal", bodies->temporal_location},
        {bodies->spatial, "spatial", bodies->spatial_location},
        {bodies->dataspace, "dataspace", bodies->dataspace_location},
        {bodies->utilization, "utilization", bodies->utilization_location},
        {bodies->overbooked, "max_overbooked_proportion", bodies->overbooked_location},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        if (!kinds[i].body)
            continue;
        ln_yaml_node *entry = yaml_node(lowering, LN_YAML_MAPPING, kinds[i].location);
        yaml_put(lowering, entry, "target", yaml_scalar(lowering, target, false, target_location),
                 target_location);
        yaml_put(lowering, entry, "type", yaml_scalar(lowering, kinds[i].type, false, kinds[i].location),
                 kinds[i].location);
        for (size_t p = 0; p < kinds[i].body->pair_count; p++)
            yaml_put(lowering, entry, kinds[i].body->pairs[p].name, kinds[i].body->pairs[p].value,
                     kinds[i].body->pairs[p].key->location);
        yaml_push(lowering, targets, entry);
    }
}

/* The bodies as a node's `constraints` mapping. */
static ln_yaml_node *node_constraints(ln_nest_lowering *lowering, const ln_constraint_bodies *bodies,
                                      ln_source_location location)
{
    ln_yaml_node *constraints = yaml_node(lowering, LN_YAML_MAPPING, location);
    if (bodies->temporal)
        yaml_put(lowering, constraints, "temporal", bodies->temporal, bodies->temporal_location);
    if (bodies->spatial)
        yaml_put(lowering, constraints, "spatial", bodies->spatial, bodies->spatial_location);
    if (bodies->dataspace)
        yaml_put(lowering, constraints, "dataspace", bodies->dataspace, bodies->dataspace_location);
    if (bodies->utilization)
        yaml_put(lowering, constraints, "utilization", bodies->utilization, bodies->utilization_location);
    if (bodies->overbooked)
        yaml_put(lowering, constraints, "max_overbooked_proportion", bodies->overbooked,
                 bodies->overbooked_location);
    return constraints;
}

/* ------------------------------------------------------------------ */
/* Architectures                                                        */
/* ------------------------------------------------------------------ */

static bool has_counted_component(const ln_nest_node *block)
{
    for (size_t i = 0; i < block->child_count; i++) {
        const ln_nest_node *child = block->children[i];
        if (child->kind == LN_NEST_COMPONENT && (child->flags & LN_NEST_HAS_COUNT))
            return true;
        if ((child->kind == LN_NEST_CONTAINER || child->kind == LN_NEST_PARALLEL) &&
            has_counted_component(child))
            return true;
    }
    return false;
}

static ln_yaml_node *collect_attributes(ln_nest_lowering *lowering, const ln_nest_node *block)
{
    ln_yaml_node *attributes = yaml_node(lowering, LN_YAML_MAPPING, block->location);
    for (size_t i = 0; i < block->child_count; i++) {
        const ln_nest_node *child = block->children[i];
        if (child->kind != LN_NEST_ATTRIBUTE)
            continue;
        if (ln_yaml_find(attributes, child->name)) {
            ln_error(lowering->diagnostics, child->name_location, "give each attribute once",
                     "attribute `%s` is set twice", child->name);
            continue;
        }
        yaml_put(lowering, attributes, child->name, yaml_value(lowering, child->children[0]),
                 child->name_location);
    }
    return attributes;
}

/* Everything below a container is inside it, so a container closes its
 * block: only attributes and constraints may follow it there. */
static bool check_container_last(ln_nest_lowering *lowering, const ln_nest_node *block)
{
    const ln_nest_node *container = NULL;
    for (size_t i = 0; i < block->child_count; i++) {
        const ln_nest_node *child = block->children[i];
        if (container && (child->kind == LN_NEST_COMPONENT || child->kind == LN_NEST_CONTAINER ||
                          child->kind == LN_NEST_PARALLEL)) {
            char hint[512];
            snprintf(hint, sizeof hint,
                     "a container holds everything below it: move `%s` into the block of `%s` "
                     "(or before it)",
                     child->name ? child->name : "parallel", container->name);
            ln_error(lowering->diagnostics, child->location, hint,
                     "`%s` comes after container `%s` in the same block",
                     child->name ? child->name : "parallel", container->name);
            return false;
        }
        if (child->kind == LN_NEST_CONTAINER)
            container = child;
    }
    return true;
}

static bool reject_nested_parts(ln_nest_lowering *lowering, const ln_nest_node *component)
{
    for (size_t i = 0; i < component->child_count; i++) {
        const ln_nest_node *child = component->children[i];
        if (child->kind == LN_NEST_COMPONENT || child->kind == LN_NEST_CONTAINER ||
            child->kind == LN_NEST_PARALLEL) {
            ln_error(lowering->diagnostics, child->location,
                     "a component holds attributes and constraints; group components in a container",
                     "component `%s` cannot hold `%s`", component->name,
                     child->name ? child->name : "parallel");
            return false;
        }
    }
    return true;
}

typedef struct ln_arch_lowering {
    ln_nest_lowering *lowering;
    ln_yaml_node *nodes;   /* tree form: the flat node list */
    ln_yaml_node *targets; /* flat form: architecture_constraints */
    bool ok;
} ln_arch_lowering;

static ln_yaml_node *component_node(ln_arch_lowering *state, const ln_nest_node *component, bool tree)
{
    ln_nest_lowering *lowering = state->lowering;
    if (!reject_nested_parts(lowering, component)) {
        state->ok = false;
        return NULL;
    }
    ln_yaml_node *node = yaml_node(lowering, LN_YAML_MAPPING, component->location);
    node->tag = "!Component";
    const char *name = component->name;
    ln_yaml_node *attributes = collect_attributes(lowering, component);
    if (!tree) {
        int64_t count = component->flags & LN_NEST_HAS_COUNT ? component->value : 1;
        if (component->flags & LN_NEST_HAS_COUNT && component->value2) {
            count = component->value * component->value2;
            if (!ln_yaml_find(attributes, "meshX"))
                yaml_put(lowering, attributes, "meshX",
                         yaml_integer(lowering, component->value, component->value_location),
                         component->value_location);
            if (!ln_yaml_find(attributes, "meshY"))
                yaml_put(lowering, attributes, "meshY",
                         yaml_integer(lowering, component->value2, component->value_location),
                         component->value_location);
        }
        if (count < 1 || count > UINT32_MAX) {
            ln_error(lowering->diagnostics, component->value_location,
                     "give at least one instance", "`%s` has %" PRId64 " instances", name, count);
            state->ok = false;
        }
        name = ln_arena_printf(lowering->arena, "%s[1..%" PRId64 "]", component->name, count);
    }
    yaml_put(lowering, node, "name", yaml_scalar(lowering, name, false, component->name_location),
             component->name_location);
    yaml_put(lowering, node, "class", yaml_scalar(lowering, component->name2, false, component->name2_location),
             component->name2_location);
    if (component->name3)
        yaml_put(lowering, node, "subclass",
                 yaml_scalar(lowering, component->name3, false, component->name3_location),
                 component->name3_location);
    yaml_put(lowering, node, "attributes", attributes, component->location);
    ln_constraint_bodies bodies;
    if (!build_constraints(lowering, component, &bodies)) {
        state->ok = false;
    } else if (bodies.any) {
        if (tree)
            yaml_put(lowering, node, "constraints", node_constraints(lowering, &bodies, component->location),
                     component->location);
        else
            push_targets(lowering, state->targets, &bodies, component->name, component->name_location);
    }
    return node;
}

/* A container's constraints: only its fan-out can be constrained. */
static ln_yaml_node *container_constraints(ln_arch_lowering *state, const ln_nest_node *container,
                                           bool has_fanout)
{
    ln_nest_lowering *lowering = state->lowering;
    ln_constraint_bodies bodies;
    if (!build_constraints(lowering, container, &bodies)) {
        state->ok = false;
        return NULL;
    }
    if (!bodies.any)
        return NULL;
    const char *name = container->kind == LN_NEST_ARCH ? "the architecture" : container->name;
    if (bodies.temporal || bodies.dataspace || bodies.utilization || bodies.overbooked) {
        ln_source_location where = bodies.temporal      ? bodies.temporal_location
                                   : bodies.dataspace   ? bodies.dataspace_location
                                   : bodies.utilization ? bodies.utilization_location
                                                        : bodies.overbooked_location;
        ln_error(lowering->diagnostics, where,
                 "a container holds no storage: constrain a component inside it (only a fan-out's "
                 "spatial loops can be constrained here)",
                 "`%s` is a container; it has no temporal loops and keeps no tensor", name);
        state->ok = false;
        return NULL;
    }
    if (!has_fanout) {
        ln_error(lowering->diagnostics, bodies.spatial_location,
                 "give the container a fan-out (`NAME[16] { ... }`) or move the spatial constraint "
                 "to the container that has one",
                 "spatial constraint on `%s`, which has no fan-out", name);
        state->ok = false;
        return NULL;
    }
    return node_constraints(lowering, &bodies, container->location);
}

static void walk_tree(ln_arch_lowering *state, const ln_nest_node *block, bool in_parallel);

static void tree_item(ln_arch_lowering *state, const ln_nest_node *child, bool in_parallel)
{
    ln_nest_lowering *lowering = state->lowering;
    switch (child->kind) {
    case LN_NEST_COMPONENT: {
        ln_yaml_node *node = component_node(state, child, true);
        if (node)
            yaml_push(lowering, state->nodes, node);
        break;
    }
    case LN_NEST_CONTAINER: {
        if (in_parallel) {
            ln_error(lowering->diagnostics, child->location,
                     "put the parallel buffers inside the container instead",
                     "container `%s` inside a `parallel` block", child->name);
            state->ok = false;
            return;
        }
        if (!check_container_last(lowering, child)) {
            state->ok = false;
            return;
        }
        ln_yaml_node *node = yaml_node(lowering, LN_YAML_MAPPING, child->location);
        node->tag = "!Container";
        yaml_put(lowering, node, "name", yaml_scalar(lowering, child->name, false, child->name_location),
                 child->name_location);
        yaml_put(lowering, node, "attributes", collect_attributes(lowering, child), child->location);
        bool fanout = child->flags & LN_NEST_HAS_COUNT;
        if (fanout) {
            int64_t x = child->value, y = child->value2 ? child->value2 : 1;
            if (x < 1 || y < 1 || x > UINT32_MAX || y > UINT32_MAX) {
                ln_error(lowering->diagnostics, child->value_location, "a fan-out is at least 1",
                         "fan-out of `%s` out of range", child->name);
                state->ok = false;
                return;
            }
            ln_yaml_node *spatial = yaml_node(lowering, LN_YAML_MAPPING, child->value_location);
            yaml_put(lowering, spatial, "meshX", yaml_integer(lowering, x, child->value_location),
                     child->value_location);
            if (child->value2)
                yaml_put(lowering, spatial, "meshY", yaml_integer(lowering, y, child->value_location),
                         child->value_location);
            yaml_put(lowering, node, "spatial", spatial, child->value_location);
            fanout = x * y > 1;
        }
        ln_yaml_node *constraints = container_constraints(state, child, fanout);
        if (constraints)
            yaml_put(lowering, node, "constraints", constraints, child->location);
        yaml_push(lowering, state->nodes, node);
        walk_tree(state, child, false);
        break;
    }
    case LN_NEST_PARALLEL: {
        if (in_parallel) {
            ln_error(lowering->diagnostics, child->location, "list all branches in one `parallel`",
                     "`parallel` inside `parallel`");
            state->ok = false;
            return;
        }
        ln_yaml_node *node = yaml_node(lowering, LN_YAML_MAPPING, child->location);
        node->tag = "!Parallel";
        ln_yaml_node *saved = state->nodes;
        state->nodes = yaml_node(lowering, LN_YAML_SEQUENCE, child->location);
        walk_tree(state, child, true);
        yaml_put(lowering, node, "nodes", state->nodes, child->location);
        state->nodes = saved;
        yaml_push(lowering, state->nodes, node);
        break;
    }
    case LN_NEST_NOTHING: {
        ln_yaml_node *node = yaml_node(lowering, LN_YAML_MAPPING, child->location);
        node->tag = "!Nothing";
        ln_constraint_bodies bodies;
        if (!build_constraints(lowering, child, &bodies)) {
            state->ok = false;
            return;
        }
        if (bodies.temporal || bodies.spatial || bodies.utilization || bodies.overbooked ||
            (bodies.dataspace && ln_yaml_find(bodies.dataspace, "bypass"))) {
            ln_error(lowering->diagnostics, child->location,
                     "write `nothing { keep TENSOR; }`: the tensors that go past every buffer of the "
                     "parallel block",
                     "a `nothing` branch only keeps tensors");
            state->ok = false;
            return;
        }
        if (bodies.any)
            yaml_put(lowering, node, "constraints", node_constraints(lowering, &bodies, child->location),
                     child->location);
        yaml_push(lowering, state->nodes, node);
        break;
    }
    default:
        break;
    }
}

static void walk_tree(ln_arch_lowering *state, const ln_nest_node *block, bool in_parallel)
{
    for (size_t i = 0; i < block->child_count; i++)
        tree_item(state, block->children[i], in_parallel);
}

/* The flat form: one subtree per container (none with a fan-out), local
 * components with their instance counts. */
static ln_yaml_node *flat_subtree(ln_arch_lowering *state, const ln_nest_node *block)
{
    ln_nest_lowering *lowering = state->lowering;
    ln_yaml_node *subtree = yaml_node(lowering, LN_YAML_MAPPING, block->location);
    yaml_put(lowering, subtree, "name", yaml_scalar(lowering, block->name, false, block->name_location),
             block->name_location);
    yaml_put(lowering, subtree, "attributes", collect_attributes(lowering, block), block->location);
    ln_yaml_node *local = yaml_node(lowering, LN_YAML_SEQUENCE, block->location);
    ln_yaml_node *inner = NULL;
    if (!check_container_last(lowering, block)) {
        state->ok = false;
        return subtree;
    }
    ln_constraint_bodies bodies;
    if (!build_constraints(lowering, block, &bodies)) {
        state->ok = false;
    } else if (bodies.any) {
        ln_error(lowering->diagnostics, block->location,
                 "in an architecture with instance counts, constrain the levels themselves",
                 "`%s` is a container; it takes no constraints", block->name);
        state->ok = false;
    }
    for (size_t i = 0; i < block->child_count; i++) {
        const ln_nest_node *child = block->children[i];
        switch (child->kind) {
        case LN_NEST_COMPONENT: {
            ln_yaml_node *node = component_node(state, child, false);
            if (node)
                yaml_push(lowering, local, node);
            break;
        }
        case LN_NEST_CONTAINER:
            if (child->flags & LN_NEST_HAS_COUNT) {
                ln_error(lowering->diagnostics, child->value_location,
                         "use one style: either containers with fan-outs (`PE[16] { ... }`, Timeloop "
                         "v0.4) or instance counts on every component (`RF[16] : regfile`), which "
                         "has no dummy levels",
                         "container `%s` has a fan-out, but components of this architecture give "
                         "instance counts",
                         child->name);
                state->ok = false;
                break;
            }
            inner = flat_subtree(state, child);
            break;
        case LN_NEST_PARALLEL:
            ln_error(lowering->diagnostics, child->location,
                     "parallel buffers need the tree form: drop the instance counts and give "
                     "fan-outs with containers",
                     "`parallel` in an architecture with instance counts");
            state->ok = false;
            break;
        default:
            break;
        }
    }
    yaml_put(lowering, subtree, "local", local, block->location);
    if (inner) {
        ln_yaml_node *list = yaml_node(lowering, LN_YAML_SEQUENCE, block->location);
        yaml_push(lowering, list, inner);
        yaml_put(lowering, subtree, "subtree", list, block->location);
    }
    return subtree;
}

bool ln_nest_lower_arch(ln_nest_lowering *lowering, const ln_nest_node *arch)
{
    ln_spec *spec = lowering->spec;
    ln_arch_lowering state = {lowering, NULL, NULL, true};
    size_t errors_before = lowering->diagnostics->error_count;
    bool flat = has_counted_component(arch);
    ln_yaml_node *architecture = yaml_node(lowering, LN_YAML_MAPPING, arch->location);
    yaml_put(lowering, architecture, "version", yaml_scalar(lowering, "0.4", true, arch->location),
             arch->location);
    ln_yaml_node *root = yaml_node(lowering, LN_YAML_MAPPING, arch->location);
    if (flat) {
        state.targets = yaml_node(lowering, LN_YAML_SEQUENCE, arch->location);
        ln_yaml_node *subtree = yaml_node(lowering, LN_YAML_SEQUENCE, arch->location);
        yaml_push(lowering, subtree, flat_subtree(&state, arch));
        yaml_put(lowering, architecture, "subtree", subtree, arch->location);
    } else {
        if (!check_container_last(lowering, arch))
            state.ok = false;
        state.nodes = yaml_node(lowering, LN_YAML_SEQUENCE, arch->location);
        ln_yaml_node *top = yaml_node(lowering, LN_YAML_MAPPING, arch->location);
        top->tag = "!Container";
        yaml_put(lowering, top, "name", yaml_scalar(lowering, arch->name, false, arch->name_location),
                 arch->name_location);
        yaml_put(lowering, top, "attributes", collect_attributes(lowering, arch), arch->location);
        container_constraints(&state, arch, false);
        yaml_push(lowering, state.nodes, top);
        walk_tree(&state, arch, false);
        yaml_put(lowering, architecture, "nodes", state.nodes, arch->location);
    }
    yaml_put(lowering, root, "architecture", architecture, arch->location);
    if (state.targets && state.targets->item_count) {
        ln_yaml_node *section = yaml_node(lowering, LN_YAML_MAPPING, arch->location);
        yaml_put(lowering, section, "targets", state.targets, arch->location);
        yaml_put(lowering, root, "architecture_constraints", section, arch->location);
    }
    if (!state.ok || lowering->diagnostics->error_count != errors_before)
        return false;
    ln_yaml_document document = {arch->location.file, root};
    uint32_t before = spec->constraints.count;
    bool ok = ln_yaml_import_documents(spec, lowering->diagnostics, &document, 1);
    lowering->fold_architecture_constraints = !flat;
    lowering->architecture_constraints_begin = before;
    lowering->architecture_constraints_end = spec->constraints.count;
    return ok && spec->has_arch;
}

/* ------------------------------------------------------------------ */
/* Searches                                                             */
/* ------------------------------------------------------------------ */

static bool check_spatial_level(ln_nest_lowering *lowering, const ln_nest_node *section, int level)
{
    const ln_arch *arch = &lowering->spec->arch;
    for (size_t i = 0; i < section->child_count; i++) {
        const ln_nest_node *statement = section->children[i];
        bool spatial = (statement->kind == LN_NEST_LOOP || statement->kind == LN_NEST_FACTORS ||
                        statement->kind == LN_NEST_REMAINDERS) &&
                       (statement->flags & LN_NEST_SPATIAL);
        spatial = spatial || statement->kind == LN_NEST_SPLIT;
        if (spatial && ln_nest_fanout(arch, (uint32_t)level) <= 1) {
            ln_error(lowering->diagnostics, statement->location,
                     "spatial loops belong to a level above a fan-out (a container with `[N]`)",
                     "`%s` has no fan-out below it, so it has no spatial loops to constrain",
                     section->name);
            return false;
        }
    }
    return true;
}

/* Checks a name against the words a setting takes. */
static bool known_word(ln_nest_lowering *lowering, const char *word, ln_source_location location,
                       const char *const *words, size_t count, const char *what)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(word, words[i]) == 0)
            return true;
    char hint[512];
    ln_nest_name_hint(hint, sizeof hint, word, words, count, what);
    ln_error(lowering->diagnostics, location, hint, "unknown %s `%s`",
             strcmp(what, "metrics") == 0 ? "metric" : "search algorithm", word);
    return false;
}

/* How a setting is written, for "set twice". */
static const char *setting_word(const ln_nest_node *item)
{
    switch (item->kind) {
    case LN_NEST_MINIMIZE:
        return "minimize";
    case LN_NEST_ALGORITHM:
        return "algorithm";
    case LN_NEST_THREADS:
        return "threads";
    case LN_NEST_STOP:
        return item->name;
    default:
        return item->name;
    }
}

bool ln_nest_lower_search(ln_nest_lowering *lowering, const ln_nest_node *search)
{
    static const char *const metrics[] = {"delay", "energy", "edp", "last_level_accesses", "area"};
    static const char *const algorithms[] = {"hybrid", "linear_pruned", "random_pruned", "exhaustive",
                                             "random", "optimal"};
    size_t errors_before = lowering->diagnostics->error_count;
    ln_yaml_node *root = yaml_node(lowering, LN_YAML_MAPPING, search->location);
    ln_yaml_node *mapper = yaml_node(lowering, LN_YAML_MAPPING, search->location);
    ln_yaml_node *targets = yaml_node(lowering, LN_YAML_SEQUENCE, search->location);
    ln_yaml_node *mapspace = NULL;
    for (size_t i = 0; i < search->child_count; i++) {
        const ln_nest_node *item = search->children[i];
        const char *key = NULL;
        const ln_yaml_node *value = NULL;
        switch (item->kind) {
        case LN_NEST_SECTION: {
            if (!item->name) {
                ln_error(lowering->diagnostics, item->location,
                         "start the constraints with the level they apply to: `@GlobalBuffer`",
                         "a constraint before any `@LEVEL`");
                continue;
            }
            int level = ln_nest_resolve_level(lowering, item->name, item->name_location);
            if (level < 0 || !check_spatial_level(lowering, item, level))
                continue;
            ln_constraint_bodies bodies;
            if (build_constraints(lowering, item, &bodies))
                push_targets(lowering, targets, &bodies, lowering->spec->arch.storage[level].name,
                             item->name_location);
            continue;
        }
        case LN_NEST_MINIMIZE: {
            bool known = true;
            for (size_t m = 0; m < item->child_count; m++)
                known = known_word(lowering, item->children[m]->name, item->children[m]->name_location,
                                   metrics, sizeof metrics / sizeof *metrics, "metrics") &&
                        known;
            if (!known)
                continue;
            key = "optimization_metrics";
            value = yaml_name_list(lowering, item);
            break;
        }
        case LN_NEST_ALGORITHM:
            if (!known_word(lowering, item->name, item->name_location, algorithms,
                            sizeof algorithms / sizeof *algorithms, "search algorithms"))
                continue;
            key = "algorithm";
            value = yaml_scalar(lowering, item->name, false, item->name_location);
            break;
        case LN_NEST_THREADS:
            key = "num_threads";
            value = yaml_integer(lowering, item->value, item->value_location);
            break;
        case LN_NEST_STOP:
            key = strcmp(item->name, "without improvement") == 0 ? "victory_condition"
                  : strcmp(item->name, "invalid") == 0            ? "timeout"
                                                                  : "search_size";
            value = yaml_integer(lowering, item->value, item->value_location);
            break;
        case LN_NEST_SET:
            if (strcmp(item->name, "template") == 0) {
                mapspace = yaml_node(lowering, LN_YAML_MAPPING, item->location);
                yaml_put(lowering, mapspace, "template", yaml_value(lowering, item->children[0]),
                         item->name_location);
                continue;
            }
            key = item->name;
            value = yaml_value(lowering, item->children[0]);
            break;
        default:
            continue;
        }
        const ln_yaml_pair *existing = ln_yaml_find_pair(mapper, key);
        if (existing) {
            char hint[256];
            snprintf(hint, sizeof hint, "it is first set at line %u; give each setting once",
                     existing->key->location.line);
            ln_error(lowering->diagnostics, item->location, hint, "the search sets `%s` twice",
                     setting_word(item));
            continue;
        }
        yaml_put(lowering, mapper, key, value, item->location);
    }
    if (lowering->diagnostics->error_count != errors_before)
        return false;
    yaml_put(lowering, root, "mapper", mapper, search->location);
    if (targets->item_count) {
        ln_yaml_node *section = yaml_node(lowering, LN_YAML_MAPPING, search->location);
        yaml_put(lowering, section, "targets", targets, search->location);
        yaml_put(lowering, root, "mapspace_constraints", section, search->location);
    }
    if (mapspace)
        yaml_put(lowering, root, "mapspace", mapspace, search->location);
    ln_yaml_document document = {search->location.file, root};
    bool ok = ln_yaml_import_documents(lowering->spec, lowering->diagnostics, &document, 1);
    lowering->spec->mapper.location = search->location;
    return ok;
}
