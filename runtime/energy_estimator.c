#include "runtime/energy_estimator.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/energy_data.h"
#include "runtime/energy_expression.h"
#include "runtime/energy_primitives.h"

enum {
    /* Compound classes nest this deep at most; deeper is a runaway. */
    LN_MAX_CLASS_NESTING = 32,
    /* Rows one action may expand to through argument ranges. */
    LN_MAX_ARGUMENT_COMBINATIONS = 4096,
};

/* The keys Accelergy hands down from a compound component to its
 * subcomponents when they do not set them. */
static const char *const inherited_keys[] = {"technology", "global_cycle_seconds", "action_latency_cycles", NULL};

/* ------------------------------------------------------------------ */
/* Instances: a component with its attributes resolved                  */
/* ------------------------------------------------------------------ */

typedef struct ln_instance ln_instance;

struct ln_instance {
    const char *class_name;
    const ln_component_class *component_class; /* NULL: a primitive model */
    const char *primitive;                     /* the primitive class to query when component_class is NULL */
    const char *path;                          /* "storage.comparator[1..64]"; "" for the top */
    ln_energy_binding *bindings;
    uint32_t binding_count;
    uint32_t binding_capacity;
    ln_energy_scope scope;
    double copies;       /* declared copies: name[a..b] */
    double area_scale;   /* this subcomponent's own */
    double energy_scale; /* this subcomponent's own */
    ln_instance *children;
    uint32_t child_count;
    const ln_component_subcomponent *declaration; /* NULL for the top */
    ln_source_location location;                  /* for messages about this instance */
};

typedef struct ln_contributors {
    uint32_t count;
    uint32_t capacity;
    ln_estimate_contributor *items;
} ln_contributors;

typedef struct ln_estimator {
    const ln_spec *spec;
    const ln_energy_estimator_options *options;
    ln_arena *arena;
    ln_diagnostics *diagnostics;
    ln_energy_data data;
    bool data_loaded;
    bool ok;
    const ln_component_class *stack[LN_MAX_CLASS_NESTING];
    uint32_t depth;
} ln_estimator;

static void add_binding(ln_estimator *estimator, ln_instance *instance, const char *name, ln_energy_value value)
{
    if (instance->binding_count == instance->binding_capacity) {
        uint32_t capacity = instance->binding_capacity ? instance->binding_capacity * 2 : 16;
        ln_energy_binding *larger = ln_arena_alloc_array(estimator->arena, capacity, sizeof *larger);
        if (instance->binding_count)
            memcpy(larger, instance->bindings, instance->binding_count * sizeof *larger);
        instance->bindings = larger;
        instance->binding_capacity = capacity;
    }
    instance->bindings[instance->binding_count].name = name;
    instance->bindings[instance->binding_count].value = value;
    instance->binding_count++;
    instance->scope.bindings = instance->bindings;
    instance->scope.count = instance->binding_count;
}

static const ln_energy_value *own_value(const ln_instance *instance, const char *name)
{
    for (uint32_t i = instance->binding_count; i-- > 0;)
        if (strcmp(instance->bindings[i].name, name) == 0)
            return instance->bindings[i].value.kind == LN_VALUE_NULL ? NULL : &instance->bindings[i].value;
    return NULL;
}

static const ln_component_class *find_class(const ln_estimator *estimator, const char *name)
{
    const ln_component_class *found = ln_component_library_find(&estimator->spec->component_library, name);
    if (!found && estimator->options && estimator->options->stdlib)
        found = ln_component_library_find(estimator->options->stdlib, name);
    return found;
}

static bool is_legacy(const ln_component_class *component_class)
{
    return component_class && component_class->version && strncmp(component_class->version, "0.3", 3) == 0;
}

/* Text that cannot be an expression but reads as a word with a unit
 * ("45nm", "1V", "5ns"): Accelergy 0.3 took such unquoted values as text. */
static bool looks_like_word(const char *text)
{
    if (!*text)
        return false;
    for (const char *c = text; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '.' || *c == '-'))
            return false;
    return true;
}

/* Evaluates an attribute-like expression. Quoted text is a string where
 * strings are allowed (attributes, arguments); bounds and scales must be
 * numbers. */
static bool evaluate(ln_estimator *estimator, const ln_expression *expression, const ln_energy_scope *scope,
                     bool strings_allowed, bool legacy, const char *context, ln_energy_value *value)
{
    if (!expression->text) {
        *value = ln_energy_none();
        return true;
    }
    if (expression->quoted && strings_allowed) {
        *value = ln_energy_string(expression->text);
        return true;
    }
    ln_expression_failure failure;
    if (ln_expression_evaluate(expression->text, scope, estimator->arena, value, &failure) == LN_EXPRESSION_OK)
        return true;
    if (strings_allowed && ((legacy && failure.status != LN_EXPRESSION_DOMAIN) ||
                            (failure.status == LN_EXPRESSION_SYNTAX && looks_like_word(expression->text)))) {
        *value = ln_energy_string(expression->text);
        return true;
    }
    ln_expression_report(estimator->diagnostics, expression, &failure, scope, context);
    estimator->ok = false;
    return false;
}

static bool evaluate_number(ln_estimator *estimator, const ln_expression *expression, const ln_energy_scope *scope,
                            const char *context, double *number)
{
    ln_energy_value value;
    if (!evaluate(estimator, expression, scope, false, false, context, &value))
        return false;
    if (!ln_energy_value_number(&value, number)) {
        ln_error(estimator->diagnostics, expression->location, "write a number or a numeric expression",
                 "%s must be a number, not '%s'", context, ln_energy_value_text(estimator->arena, &value));
        estimator->ok = false;
        return false;
    }
    return true;
}

/* The number of copies `name[first..last]` stands for. */
static bool range_copies(ln_estimator *estimator, const ln_component_range *range, const ln_energy_scope *scope,
                         const char *written, double *copies, double *first_out, double *last_out)
{
    *copies = 1;
    if (!range->present)
        return true;
    double first, last;
    char context[192];
    snprintf(context, sizeof context, "the range of '%s'", written);
    if (!evaluate_number(estimator, &range->first, scope, context, &first) ||
        !evaluate_number(estimator, &range->last, scope, context, &last))
        return false;
    first = trunc(first);
    last = trunc(last);
    if (last < first) {
        ln_error(estimator->diagnostics, range->first.location,
                 "a range counts copies first..last, so last must not be below first",
                 "the range of '%s' is %g..%g, which has no copies", written, first, last);
        estimator->ok = false;
        return false;
    }
    *copies = last - first + 1;
    if (first_out)
        *first_out = first;
    if (last_out)
        *last_out = last;
    return true;
}

static const char *range_text(ln_estimator *estimator, const char *base, const ln_component_range *range,
                              double first, double last)
{
    if (!range->present)
        return base;
    if (range->first.text == range->last.text || first == last)
        return ln_arena_printf(estimator->arena, "%s[%.0f]", base, first);
    return ln_arena_printf(estimator->arena, "%s[%.0f..%.0f]", base, first, last);
}

static bool push_class(ln_estimator *estimator, const ln_component_class *component_class,
                       ln_source_location location)
{
    for (uint32_t i = 0; i < estimator->depth; i++) {
        if (estimator->stack[i] == component_class) {
            char chain[512] = "";
            for (uint32_t k = i; k < estimator->depth; k++) {
                size_t used = strlen(chain);
                snprintf(chain + used, sizeof chain - used, "%s -> ", estimator->stack[k]->name);
            }
            size_t used = strlen(chain);
            snprintf(chain + used, sizeof chain - used, "%s", component_class->name);
            ln_error(estimator->diagnostics, location,
                     "a class cannot contain itself; make the innermost subcomponent a primitive",
                     "cycle between compound classes: %s", chain);
            estimator->ok = false;
            return false;
        }
    }
    if (estimator->depth == LN_MAX_CLASS_NESTING) {
        ln_error(estimator->diagnostics, location, "flatten the class hierarchy",
                 "compound classes nest more than %d deep", LN_MAX_CLASS_NESTING);
        estimator->ok = false;
        return false;
    }
    estimator->stack[estimator->depth++] = component_class;
    return true;
}

/* Class defaults for what the instance does not set, in class order, each
 * evaluated against what is known so far; `must_specify` ones are errors. */
static bool apply_defaults(ln_estimator *estimator, ln_instance *instance, ln_source_location where,
                           const char *what)
{
    const ln_component_class *component_class = instance->component_class;
    bool ok = true;
    for (uint32_t i = 0; i < component_class->attribute_count; i++) {
        const ln_component_attribute *attribute = &component_class->attributes[i];
        if (own_value(instance, attribute->name))
            continue;
        if (attribute->must_specify) {
            char hint[384];
            snprintf(hint, sizeof hint, "give '%s' in the attributes of %s (class '%s' requires it at %s:%u)",
                     attribute->name, what, component_class->name,
                     attribute->location.file ? attribute->location.file : "?", attribute->location.line);
            ln_error(estimator->diagnostics, where, hint, "%s: class '%s' needs attribute '%s' (must_specify)",
                     what, component_class->name, attribute->name);
            estimator->ok = false;
            ok = false;
            continue;
        }
        /* Naming the component too: a class default can fail only for some
         * of the components that use the class (intmac's multiplier_width
         * needs width unless the component gives multiplier_width). */
        char context[384];
        snprintf(context, sizeof context, "attribute '%s' of class '%s' (for %s)", attribute->name,
                 component_class->name, what);
        ln_energy_value value;
        if (!evaluate(estimator, &attribute->value, &instance->scope, true, is_legacy(component_class), context,
                      &value)) {
            ok = false;
            continue;
        }
        add_binding(estimator, instance, attribute->name, value);
    }
    return ok;
}

static bool build_children(ln_estimator *estimator, ln_instance *instance);

/* Points an instance at its class: a compound class (whose defaults and
 * subcomponents are then resolved) or a primitive model. */
static bool resolve_class(ln_estimator *estimator, ln_instance *instance, ln_source_location class_location,
                          const char *what)
{
    const ln_component_class *component_class = find_class(estimator, instance->class_name);
    if (component_class) {
        instance->component_class = component_class;
        if (!apply_defaults(estimator, instance, instance->location, what))
            return false;
        if (component_class->primitive_type) {
            /* Accelergy estimates such a class as one primitive. */
            instance->primitive = component_class->primitive_type;
            instance->component_class = NULL;
            return true;
        }
        if (!push_class(estimator, component_class, class_location))
            return false;
        bool ok = build_children(estimator, instance);
        estimator->depth--;
        return ok;
    }
    instance->primitive = instance->class_name;
    return true;
}

static bool table_has_class(const ln_estimator *estimator, const char *class_name);

/* The known class (compound or primitive) closest to a misspelt name. */
static const char *closest_class(ln_estimator *estimator, const char *name)
{
    const ln_component_library *libraries[2] = {&estimator->spec->component_library,
                                                estimator->options ? estimator->options->stdlib : NULL};
    size_t count = 0;
    for (size_t l = 0; l < 2; l++)
        count += libraries[l] ? libraries[l]->count : 0;
    const char *const *primitives = ln_primitive_class_names();
    size_t primitive_count = 0;
    while (primitives[primitive_count])
        primitive_count++;
    const char **names = ln_arena_alloc_array(estimator->arena, count + primitive_count + 1, sizeof *names);
    size_t used = 0;
    for (size_t l = 0; l < 2; l++)
        for (uint32_t i = 0; libraries[l] && i < libraries[l]->count; i++)
            names[used++] = libraries[l]->classes[i].name;
    for (size_t i = 0; i < primitive_count; i++)
        names[used++] = primitives[i];
    return ln_expression_closest_name(name, names, used);
}

static bool build_child(ln_estimator *estimator, ln_instance *parent, const ln_component_subcomponent *declaration,
                        ln_instance *child)
{
    memset(child, 0, sizeof *child);
    child->declaration = declaration;
    child->class_name = declaration->class_name;
    child->location = declaration->location;
    child->scope.parent = &parent->scope;
    child->area_scale = 1;
    child->energy_scale = 1;
    const ln_component_class *parent_class = parent->component_class;
    bool legacy = is_legacy(parent_class);

    double first = 0, last = 0;
    if (!range_copies(estimator, &declaration->range, &parent->scope, declaration->written_name, &child->copies,
                      &first, &last))
        return false;
    const char *name = range_text(estimator, declaration->name, &declaration->range, first, last);
    child->path = parent->path[0] ? ln_arena_printf(estimator->arena, "%s.%s", parent->path, name) : name;

    /* The subcomponent's own attributes, each seeing the parent's and the
     * ones set before it. */
    bool ok = true;
    for (uint32_t i = 0; i < declaration->attribute_count; i++) {
        const ln_component_attribute *attribute = &declaration->attributes[i];
        char context[256];
        snprintf(context, sizeof context, "attribute '%s' of subcomponent '%s' of class '%s'", attribute->name,
                 declaration->written_name, parent_class->name);
        ln_energy_value value;
        if (evaluate(estimator, &attribute->value, &child->scope, true, legacy, context, &value))
            add_binding(estimator, child, attribute->name, value);
        else
            ok = false;
    }
    for (size_t k = 0; inherited_keys[k]; k++) {
        const ln_energy_value *inherited;
        if (!own_value(child, inherited_keys[k]) && (inherited = own_value(parent, inherited_keys[k])))
            add_binding(estimator, child, inherited_keys[k], *inherited);
    }
    if (!ok)
        return false;

    /* Unknown classes are the commonest mistake: say so where it is written. */
    if (!find_class(estimator, child->class_name) && !ln_primitive_is_known(child->class_name) &&
        !table_has_class(estimator, child->class_name)) {
        const char *closest = closest_class(estimator, child->class_name);
        char hint[256];
        if (closest)
            snprintf(hint, sizeof hint, "did you mean '%s'?", closest);
        else
            snprintf(hint, sizeof hint, "name a compound class defined in the inputs or the stdlib, or a "
                                        "primitive such as intadder, intmultiplier, reg, comparator, "
                                        "cacti_sram, dram");
        ln_error(estimator->diagnostics, declaration->class_location, hint,
                 "subcomponent '%s' of class '%s' has unknown class '%s'", declaration->written_name,
                 parent_class->name, child->class_name);
        estimator->ok = false;
        return false;
    }
    char what[256];
    snprintf(what, sizeof what, "subcomponent '%s' of class '%s'", declaration->written_name, parent_class->name);
    if (!resolve_class(estimator, child, declaration->class_location, what))
        return false;

    char context[256];
    if (declaration->area_scale.text) {
        snprintf(context, sizeof context, "area_scale of subcomponent '%s'", declaration->written_name);
        if (!evaluate_number(estimator, &declaration->area_scale, &child->scope, context, &child->area_scale))
            return false;
    }
    if (declaration->energy_scale.text) {
        snprintf(context, sizeof context, "energy_scale of subcomponent '%s'", declaration->written_name);
        if (!evaluate_number(estimator, &declaration->energy_scale, &child->scope, context, &child->energy_scale))
            return false;
    }
    return true;
}

static bool build_children(ln_estimator *estimator, ln_instance *instance)
{
    const ln_component_class *component_class = instance->component_class;
    instance->child_count = component_class->subcomponent_count;
    instance->children = ln_arena_alloc_array(estimator->arena, instance->child_count ? instance->child_count : 1,
                                              sizeof *instance->children);
    bool ok = true;
    for (uint32_t i = 0; i < component_class->subcomponent_count; i++)
        if (!build_child(estimator, instance, &component_class->subcomponents[i], &instance->children[i]))
            ok = false;
    return ok;
}

/* ------------------------------------------------------------------ */
/* User tables                                                          */
/* ------------------------------------------------------------------ */

static bool table_applies_to(const ln_estimation_table *table, const ln_csv_row *row, const char *class_name)
{
    const char *name = table->class_name;
    if (table->class_column >= 0 && row->fields[table->class_column][0])
        name = row->fields[table->class_column];
    return name && strcasecmp(name, class_name) == 0;
}

static bool table_has_class(const ln_estimator *estimator, const char *class_name)
{
    const ln_estimation_tables *tables = estimator->options ? estimator->options->tables : NULL;
    for (uint32_t t = 0; tables && t < tables->count; t++)
        for (uint32_t r = 0; r < tables->tables[t].csv.row_count; r++)
            if (table_applies_to(&tables->tables[t], &tables->tables[t].csv.rows[r], class_name))
                return true;
    return false;
}

static bool same_value(const char *cell, const ln_energy_value *value, ln_arena *arena)
{
    double a, b;
    if (ln_csv_number(cell, &a) && ln_energy_value_number(value, &b))
        return fabs(a - b) <= 1e-12 * fmax(fabs(a), fabs(b));
    return strcasecmp(cell, ln_energy_value_text(arena, value)) == 0;
}

/* The first row of the user's tables for this class (and action, for an
 * energy) whose given attributes all match. */
static bool table_lookup(ln_estimator *estimator, const char *class_name, const ln_energy_scope *attributes,
                         const ln_energy_scope *arguments, const char *action, double *value, const char **source)
{
    const ln_estimation_tables *tables = estimator->options ? estimator->options->tables : NULL;
    for (uint32_t t = 0; tables && t < tables->count; t++) {
        const ln_estimation_table *table = &tables->tables[t];
        int value_column = action ? table->energy_column : table->area_column;
        if (value_column < 0 || (action && table->action_column < 0))
            continue;
        for (uint32_t r = 0; r < table->csv.row_count; r++) {
            const ln_csv_row *row = &table->csv.rows[r];
            if (!table_applies_to(table, row, class_name))
                continue;
            if (action && strcmp(row->fields[table->action_column], action) != 0)
                continue;
            double number;
            if (!ln_csv_number(row->fields[value_column], &number))
                continue;
            bool matches = true;
            for (uint32_t c = 0; c < table->csv.column_count && matches; c++) {
                if ((int)c == table->class_column || (int)c == table->action_column || (int)c == table->energy_column ||
                    (int)c == table->area_column)
                    continue;
                const char *cell = row->fields[c];
                if (!cell[0] || strcmp(cell, "*") == 0)
                    continue;
                const ln_energy_binding *binding = NULL;
                if (arguments)
                    binding = ln_energy_scope_find(arguments, table->csv.columns[c]);
                if (!binding)
                    binding = ln_energy_scope_find(attributes, table->csv.columns[c]);
                if (strcmp(cell, "-") == 0) { /* the component must not set it */
                    matches = !binding;
                    continue;
                }
                /* As the table plug-in: columns the component does not have
                 * do not rule a row out. */
                if (binding && !same_value(cell, &binding->value, estimator->arena))
                    matches = false;
            }
            if (matches) {
                *value = number;
                *source = ln_arena_printf(estimator->arena, "table %s:%u", table->path, row->line);
                return true;
            }
        }
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Energy and area                                                      */
/* ------------------------------------------------------------------ */

static void note_contributor(ln_estimator *estimator, ln_contributors *list, const char *name,
                             const char *estimator_name)
{
    if (!list)
        return;
    for (uint32_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i].name, name) == 0 && strcmp(list->items[i].estimator, estimator_name) == 0)
            return;
    if (list->count == list->capacity) {
        uint32_t capacity = list->capacity ? list->capacity * 2 : 8;
        ln_estimate_contributor *larger = ln_arena_alloc_array(estimator->arena, capacity, sizeof *larger);
        if (list->count)
            memcpy(larger, list->items, list->count * sizeof *larger);
        list->items = larger;
        list->capacity = capacity;
    }
    list->items[list->count].name = name;
    list->items[list->count].estimator = estimator_name;
    list->count++;
}

static void report_primitive_failure(ln_estimator *estimator, const ln_instance *instance,
                                     const ln_primitive_result *result, ln_source_location fallback)
{
    ln_source_location location = instance->declaration ? instance->declaration->class_location : fallback;
    if (result->attribute && instance->declaration) {
        for (uint32_t i = 0; i < instance->declaration->attribute_count; i++)
            if (strcmp(instance->declaration->attributes[i].name, result->attribute) == 0)
                location = instance->declaration->attributes[i].value.location;
    }
    const char *where = instance->path[0] ? instance->path : "the component";
    ln_error(estimator->diagnostics, location, result->hint, "%s: %s", where, result->message);
    estimator->ok = false;
}

/* One primitive action (or area when action is NULL) of an instance. */
static bool primitive_value(ln_estimator *estimator, const ln_instance *instance, const char *action,
                            const ln_energy_scope *arguments, ln_source_location where, double *value,
                            const char **model)
{
    /* A model sees the instance's own attributes only: a register bit must
     * not pick up the `width` of the register file around it. */
    ln_energy_scope own = {instance->bindings, instance->binding_count, NULL};
    ln_energy_scope own_arguments;
    if (arguments) {
        own_arguments = *arguments;
        own_arguments.parent = NULL;
        arguments = &own_arguments;
    }
    if (table_lookup(estimator, instance->class_name, &own, arguments, action, value, model))
        return true;
    ln_primitive_query query = {instance->primitive, &own, action, arguments};
    ln_primitive_result result;
    if (ln_primitive_estimate(&estimator->data, estimator->arena, &query, &result) != LN_PRIMITIVE_OK) {
        report_primitive_failure(estimator, instance, &result, where);
        return false;
    }
    *value = result.value;
    *model = result.model;
    return true;
}

static const ln_instance *find_child(const ln_instance *instance, const char *name)
{
    for (uint32_t i = 0; i < instance->child_count; i++)
        if (strcmp(instance->children[i].declaration->name, name) == 0)
            return &instance->children[i];
    return NULL;
}

/* Evaluates the arguments a sub-action passes, against the caller's scope. */
static bool subaction_arguments(ln_estimator *estimator, const ln_component_subaction *subaction,
                                const ln_energy_scope *scope, bool legacy, ln_energy_scope *arguments)
{
    memset(arguments, 0, sizeof *arguments);
    if (subaction->argument_count == 0)
        return true;
    ln_energy_binding *bindings = ln_arena_alloc_array(estimator->arena, subaction->argument_count, sizeof *bindings);
    for (uint32_t i = 0; i < subaction->argument_count; i++) {
        char context[192];
        snprintf(context, sizeof context, "argument '%s' of action '%s'", subaction->arguments[i].name,
                 subaction->name);
        bindings[i].name = subaction->arguments[i].name;
        if (!evaluate(estimator, &subaction->arguments[i].value, scope, true, legacy, context, &bindings[i].value))
            return false;
    }
    arguments->bindings = bindings;
    arguments->count = subaction->argument_count;
    return true;
}

/* The energy of `action` of a compound instance: its parts' sub-actions,
 * each times its energy_scale, the copies the part names, and the scales
 * of the enclosing actions (`scale`) and copies (`copies`). */
static bool action_energy(ln_estimator *estimator, const ln_instance *instance, const ln_component_action *action,
                          const ln_energy_scope *aggregate, double scale, double copies, const char *prefix,
                          ln_contributors *contributors, double *energy)
{
    bool legacy = is_legacy(instance->component_class);
    for (uint32_t p = 0; p < action->part_count; p++) {
        const ln_component_action_part *part = &action->parts[p];
        const ln_instance *child = find_child(instance, part->subcomponent);
        if (!child) {
            ln_error(estimator->diagnostics, part->location, "name one of the class's subcomponents",
                     "action '%s' of class '%s' uses '%s', which is not a subcomponent of the class", action->name,
                     instance->component_class->name, part->written_name);
            estimator->ok = false;
            return false;
        }
        double part_copies, first = 0, last = 0;
        if (!range_copies(estimator, &part->range, aggregate, part->written_name, &part_copies, &first, &last))
            return false;
        const char *part_name = range_text(estimator, part->subcomponent, &part->range, first, last);
        const char *path = prefix[0] ? ln_arena_printf(estimator->arena, "%s.%s", prefix, part_name) : part_name;
        for (uint32_t s = 0; s < part->action_count; s++) {
            const ln_component_subaction *subaction = &part->actions[s];
            double subaction_scale = 1;
            if (subaction->energy_scale.text) {
                char context[192];
                snprintf(context, sizeof context, "energy_scale of action '%s' of '%s'", subaction->name,
                         part->written_name);
                if (!evaluate_number(estimator, &subaction->energy_scale, aggregate, context, &subaction_scale))
                    return false;
            }
            ln_energy_scope arguments;
            if (!subaction_arguments(estimator, subaction, aggregate, legacy, &arguments))
                return false;
            double total_scale = scale * subaction_scale * child->energy_scale;
            double value;
            const char *model;
            ln_energy_scope child_own = {child->bindings, child->binding_count, NULL};
            if (child->component_class &&
                table_lookup(estimator, child->class_name, &child_own, &arguments, subaction->name, &value,
                             &model)) {
                note_contributor(estimator, contributors, path, model);
                *energy += value * total_scale * part_copies * copies;
            } else if (child->component_class) {
                const ln_component_action *inner = ln_component_class_find_action(child->component_class,
                                                                                  subaction->name);
                if (!inner) {
                    /* Accelergy counts an undefined action as free; say so. */
                    ln_warning(estimator->diagnostics, subaction->location,
                               "define the action in the class, or use one it has",
                               "class '%s' has no action '%s'; it is counted as 0 pJ",
                               child->component_class->name, subaction->name);
                    continue;
                }
                arguments.parent = &child->scope;
                if (!push_class(estimator, child->component_class, subaction->location))
                    return false;
                bool ok = action_energy(estimator, child, inner, arguments.count ? &arguments : &child->scope,
                                        total_scale, part_copies * copies, path, contributors, energy);
                estimator->depth--;
                if (!ok)
                    return false;
            } else {
                if (!primitive_value(estimator, child, subaction->name, arguments.count ? &arguments : NULL,
                                     subaction->location, &value, &model))
                    return false;
                note_contributor(estimator, contributors, path, model);
                *energy += value * total_scale * part_copies * copies;
            }
        }
    }
    return true;
}

/* Area of an instance: every declared copy of every primitive below it,
 * scaled by the area_scale of each enclosing subcomponent. */
static bool instance_area(ln_estimator *estimator, const ln_instance *instance, double copies, double scale,
                          ln_contributors *contributors, double *area)
{
    for (uint32_t i = 0; i < instance->child_count; i++) {
        const ln_instance *child = &instance->children[i];
        double child_copies = copies * child->copies;
        double child_scale = scale * child->area_scale;
        double value;
        const char *model;
        ln_energy_scope child_own = {child->bindings, child->binding_count, NULL};
        if (table_lookup(estimator, child->class_name, &child_own, NULL, NULL, &value, &model)) {
            note_contributor(estimator, contributors, child->path, model);
            *area += value * child_copies * child_scale;
        } else if (child->component_class) {
            if (!instance_area(estimator, child, child_copies, child_scale, contributors, area))
                return false;
        } else {
            if (!primitive_value(estimator, child, NULL, NULL, child->location, &value, &model))
                return false;
            note_contributor(estimator, contributors, child->path, model);
            *area += value * child_copies * child_scale;
        }
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Top-level components                                                 */
/* ------------------------------------------------------------------ */

typedef struct ln_row_list {
    uint32_t count;
    uint32_t capacity;
    ln_estimate_action *items;
} ln_row_list;

static void add_row(ln_estimator *estimator, ln_row_list *rows, const char *action, ln_estimate_argument *arguments,
                    uint32_t argument_count, double energy)
{
    if (rows->count == rows->capacity) {
        uint32_t capacity = rows->capacity ? rows->capacity * 2 : 8;
        ln_estimate_action *larger = ln_arena_alloc_array(estimator->arena, capacity, sizeof *larger);
        if (rows->count)
            memcpy(larger, rows->items, rows->count * sizeof *larger);
        rows->items = larger;
        rows->capacity = capacity;
    }
    ln_estimate_action *row = &rows->items[rows->count++];
    row->action = action;
    row->arguments = arguments;
    row->argument_count = argument_count;
    row->energy = energy;
}

/* The argument combinations of a top-level action: each declared argument
 * `first..last` takes every value in turn (the first argument varying
 * fastest, as Accelergy lists them). */
static bool top_action_rows(ln_estimator *estimator, const ln_instance *top, const ln_component_action *action,
                            ln_row_list *rows, ln_contributors *contributors)
{
    uint32_t count = action->argument_count;
    double firsts[16], lasts[16];
    if (count > 16) {
        ln_error(estimator->diagnostics, action->location, NULL, "action '%s' declares more than 16 arguments",
                 action->name);
        estimator->ok = false;
        return false;
    }
    double combinations = 1;
    for (uint32_t i = 0; i < count; i++) {
        const ln_component_attribute *argument = &action->arguments[i];
        const char *text = argument->value.text ? argument->value.text : "";
        const char *dots = strstr(text, "..");
        char context[192];
        snprintf(context, sizeof context, "argument '%s' of action '%s'", argument->name, action->name);
        if (dots) {
            ln_expression first = argument->value, last = argument->value;
            first.text = ln_arena_strndup(estimator->arena, text, (size_t)(dots - text));
            last.text = dots + 2;
            last.location = ln_expression_location_at(&argument->value, (size_t)(dots - text) + 2);
            last.quoted = false;
            first.quoted = false;
            if (!evaluate_number(estimator, &first, &top->scope, context, &firsts[i]) ||
                !evaluate_number(estimator, &last, &top->scope, context, &lasts[i]))
                return false;
            firsts[i] = trunc(firsts[i]);
            lasts[i] = trunc(lasts[i]);
            if (lasts[i] < firsts[i]) {
                ln_error(estimator->diagnostics, argument->value.location, NULL,
                         "%s ranges over %g..%g, which is empty", context, firsts[i], lasts[i]);
                estimator->ok = false;
                return false;
            }
        } else {
            if (!evaluate_number(estimator, &argument->value, &top->scope, context, &firsts[i]))
                return false;
            lasts[i] = firsts[i];
        }
        combinations *= lasts[i] - firsts[i] + 1;
    }
    if (combinations > LN_MAX_ARGUMENT_COMBINATIONS) {
        ln_error(estimator->diagnostics, action->location, "narrow the argument ranges",
                 "action '%s' expands to %.0f argument combinations (at most %d)", action->name, combinations,
                 LN_MAX_ARGUMENT_COMBINATIONS);
        estimator->ok = false;
        return false;
    }
    double scale = 1;
    if (action->energy_scale.text) {
        char context[192];
        snprintf(context, sizeof context, "energy_scale of action '%s'", action->name);
        if (!evaluate_number(estimator, &action->energy_scale, &top->scope, context, &scale))
            return false;
    }
    for (uint32_t combination = 0; combination < (uint32_t)combinations; combination++) {
        ln_energy_binding *bindings = ln_arena_alloc_array(estimator->arena, count ? count : 1, sizeof *bindings);
        ln_estimate_argument *shown = ln_arena_alloc_array(estimator->arena, count ? count : 1, sizeof *shown);
        uint32_t rest = combination;
        for (uint32_t i = 0; i < count; i++) {
            uint32_t span = (uint32_t)(lasts[i] - firsts[i] + 1);
            double value = firsts[i] + rest % span;
            rest /= span;
            bindings[i].name = action->arguments[i].name;
            bindings[i].value = ln_energy_number(value);
            shown[i].name = action->arguments[i].name;
            shown[i].value = ln_energy_value_text(estimator->arena, &bindings[i].value);
        }
        ln_energy_scope arguments = {bindings, count, &top->scope};
        double energy = 0;
        if (!push_class(estimator, top->component_class, action->location))
            return false;
        bool ok = action_energy(estimator, top, action, &arguments, scale, 1, "", contributors, &energy);
        estimator->depth--;
        if (!ok)
            return false;
        add_row(estimator, rows, action->name, shown, count, energy);
    }
    return true;
}

static const ln_component_energy *given_tables(const ln_spec *spec, const char *level_name)
{
    const ln_component_energy *found = NULL;
    for (uint32_t i = 0; i < spec->energy.count; i++)
        if (spec->energy.components[i].level_name && strcmp(spec->energy.components[i].level_name, level_name) == 0)
            found = &spec->energy.components[i];
    return found;
}

static const char *summary_source(ln_estimator *estimator, const char *class_name, const ln_contributors *list)
{
    char text[1024];
    snprintf(text, sizeof text, "estimator: %s (", class_name);
    bool first = true;
    for (uint32_t i = 0; i < list->count; i++) {
        bool repeated = false;
        for (uint32_t k = 0; k < i && !repeated; k++)
            repeated = strcmp(list->items[k].estimator, list->items[i].estimator) == 0;
        if (repeated)
            continue;
        size_t used = strlen(text);
        snprintf(text + used, sizeof text - used, "%s%s", first ? "" : "; ", list->items[i].estimator);
        first = false;
    }
    size_t used = strlen(text);
    snprintf(text + used, sizeof text - used, ")");
    return ln_arena_strdup(estimator->arena, text);
}

typedef struct ln_level_view {
    const char *name;
    const char *component_class;
    const char *subclass;
    const ln_attribute_list *attributes;
    uint64_t instances;
    bool is_compute;
    bool is_dummy;
    ln_source_location location;
} ln_level_view;

static bool estimate_level(ln_estimator *estimator, const ln_level_view *level, ln_component_estimate *out)
{
    memset(out, 0, sizeof *out);
    const ln_spec *spec = estimator->spec;
    out->level_name = level->name;
    out->is_compute = level->is_compute;
    out->name = spec->arch.name ? ln_arena_printf(estimator->arena, "%s.%s[1..%llu]", spec->arch.name, level->name,
                                                  (unsigned long long)level->instances)
                                : ln_arena_printf(estimator->arena, "%s[1..%llu]", level->name,
                                                  (unsigned long long)level->instances);
    const char *class_name = level->subclass ? level->subclass : level->component_class;
    out->class_name = class_name;

    const ln_component_energy *given = given_tables(spec, level->name);
    bool need_energy = !(given && given->action_count > 0);
    bool need_area = !(given && given->has_area);
    if (given && !need_energy) {
        out->has_energy = true;
        out->action_count = given->action_count;
        out->actions = ln_arena_alloc_array(estimator->arena, given->action_count, sizeof *out->actions);
        for (uint32_t i = 0; i < given->action_count; i++) {
            out->actions[i].action = given->actions[i].action;
            out->actions[i].energy = given->actions[i].energy;
        }
        out->energy_source = given->energy_source ? given->energy_source : "ERT";
        out->name = given->name;
    }
    if (given && !need_area) {
        out->has_area = true;
        out->area = given->area;
        out->area_source = given->area_source ? given->area_source : "ART";
    }
    if (!need_energy && !need_area)
        return true;

    /* Spatial stand-ins have no energy of their own; Timeloop gives them its
     * built-in figures, and Accelergy's dummy table an area of 1 um^2. */
    if (level->is_dummy || (class_name && strncmp(class_name, "dummy", 5) == 0)) {
        if (need_area) {
            out->has_area = true;
            out->area = 1;
            out->area_source = "estimator: dummy table (technology -1)";
        }
        return true;
    }
    if (!class_name) {
        ln_warning(estimator->diagnostics, level->location, "give the component a class",
                   "'%s' has no class, so its energy cannot be estimated; Timeloop's built-in figures are used",
                   level->name);
        return true;
    }

    ln_instance top;
    memset(&top, 0, sizeof top);
    top.class_name = class_name;
    top.path = "";
    top.copies = 1;
    top.area_scale = 1;
    top.energy_scale = 1;
    top.location = level->location;
    for (uint32_t i = 0; i < level->attributes->count; i++) {
        const ln_attribute *attribute = &level->attributes->items[i];
        ln_energy_value value;
        switch (attribute->kind) {
        case LN_VALUE_NULL:
            continue;
        case LN_VALUE_BOOL:
            value = ln_energy_bool(attribute->boolean);
            break;
        case LN_VALUE_NUMBER:
            value = ln_energy_number(attribute->number);
            break;
        case LN_VALUE_STRING:
            value = ln_energy_string(attribute->text);
            break;
        }
        add_binding(estimator, &top, attribute->name, value);
    }
    /* Accelergy 0.3 took the clock period from a `latency` attribute
     * ("5ns") where no global_cycle_seconds was given. */
    const ln_energy_value *latency = own_value(&top, "latency");
    if (!own_value(&top, "global_cycle_seconds") && latency) {
        double seconds;
        char *end = NULL;
        if (ln_energy_value_number(latency, &seconds)) {
            add_binding(estimator, &top, "global_cycle_seconds", ln_energy_number(seconds));
        } else if (latency->kind == LN_VALUE_STRING && (seconds = strtod(latency->text, &end), end != latency->text)) {
            while (*end == ' ')
                end++;
            double unit = strcmp(end, "ns") == 0 ? 1e-9 : strcmp(end, "us") == 0 ? 1e-6 : strcmp(end, "ps") == 0 ? 1e-12
                        : strcmp(end, "s") == 0 || *end == '\0' ? 1 : 0;
            if (unit > 0)
                add_binding(estimator, &top, "global_cycle_seconds", ln_energy_number(seconds * unit));
        }
    }
    if (!find_class(estimator, class_name) && !ln_primitive_is_known(class_name) &&
        !table_has_class(estimator, class_name)) {
        ln_warning(estimator->diagnostics, level->location,
                   "define the class in compound_components, use a stdlib class (SRAM, DRAM, regfile, "
                   "smartbuffer_SRAM, smartbuffer_RF, intmac, fpmac), or give an ERT",
                   "no compound class or primitive model named '%s' for '%s'; Timeloop's built-in figures are used",
                   class_name, level->name);
        return true;
    }
    /* The data is read once, and only when some level needs a model. */
    if (!estimator->data_loaded) {
        if (!ln_energy_data_load(&estimator->data, estimator->arena, estimator->diagnostics))
            return false;
        estimator->data_loaded = true;
    }
    char what[256];
    snprintf(what, sizeof what, "'%s'", level->name);
    size_t errors_before = estimator->diagnostics->error_count;
    if (!resolve_class(estimator, &top, level->location, what) ||
        estimator->diagnostics->error_count != errors_before)
        return false;

    /* Accelergy's special keys: an attribute named area_scale (or
     * energy_scale) scales the whole component. */
    double top_area_scale = 1;
    const ln_energy_value *special = own_value(&top, "area_scale");
    if (special)
        ln_energy_value_number(special, &top_area_scale);
    double top_energy_scale = 1;
    special = own_value(&top, "energy_scale");
    if (special)
        ln_energy_value_number(special, &top_energy_scale);

    ln_contributors energy_contributors = {0, 0, NULL}, area_contributors = {0, 0, NULL};
    if (need_energy) {
        ln_row_list rows = {0, 0, NULL};
        double value;
        const char *model;
        if (top.component_class) {
            for (uint32_t a = 0; a < top.component_class->action_count; a++) {
                const ln_component_action *action = &top.component_class->actions[a];
                if (table_lookup(estimator, class_name, &top.scope, NULL, action->name, &value, &model)) {
                    add_row(estimator, &rows, action->name, NULL, 0, value);
                    note_contributor(estimator, &energy_contributors, level->name, model);
                    continue;
                }
                if (!top_action_rows(estimator, &top, action, &rows, &energy_contributors))
                    return false;
            }
        } else {
            static const char *const storage_actions[] = {"read", "write", "update", "leak", NULL};
            static const char *const compute_actions[] = {"compute", NULL};
            const char *const *actions = level->is_compute ? compute_actions : storage_actions;
            for (size_t a = 0; actions[a]; a++) {
                if (!primitive_value(estimator, &top, actions[a], NULL, level->location, &value, &model))
                    return false;
                add_row(estimator, &rows, actions[a], NULL, 0, value);
                note_contributor(estimator, &energy_contributors, level->name, model);
            }
        }
        for (uint32_t r = 0; r < rows.count; r++)
            rows.items[r].energy *= top_energy_scale;
        out->has_energy = true;
        out->action_count = rows.count;
        out->actions = rows.items;
        out->energy_contributor_count = energy_contributors.count;
        out->energy_contributors = energy_contributors.items;
        out->energy_source = summary_source(estimator, class_name, &energy_contributors);
    }
    if (need_area) {
        double area = 0, value;
        const char *model;
        if (table_lookup(estimator, class_name, &top.scope, NULL, NULL, &value, &model)) {
            area = value;
            note_contributor(estimator, &area_contributors, level->name, model);
        } else if (top.component_class) {
            if (!instance_area(estimator, &top, 1, 1, &area_contributors, &area))
                return false;
        } else {
            if (!primitive_value(estimator, &top, NULL, NULL, level->location, &area, &model))
                return false;
            note_contributor(estimator, &area_contributors, level->name, model);
        }
        out->has_area = true;
        out->area = area * top_area_scale;
        out->area_contributor_count = area_contributors.count;
        out->area_contributors = area_contributors.items;
        out->area_source = summary_source(estimator, class_name, &area_contributors);
    }
    return true;
}

bool ln_energy_estimate_needed(const ln_spec *spec)
{
    if (!spec->has_arch)
        return false;
    for (uint32_t i = 0; i <= spec->arch.storage_count; i++) {
        const char *name = i < spec->arch.storage_count ? spec->arch.storage[i].name : spec->arch.compute.name;
        if (!name)
            continue;
        const ln_component_energy *given = given_tables(spec, name);
        if (!given || given->action_count == 0 || !given->has_area)
            return true;
    }
    return false;
}

bool ln_energy_estimate_spec(const ln_spec *spec, const ln_energy_estimator_options *options, ln_arena *arena,
                             ln_diagnostics *diagnostics, ln_energy_estimate *estimate)
{
    memset(estimate, 0, sizeof *estimate);
    if (!spec->has_arch)
        return true;
    ln_estimator estimator;
    memset(&estimator, 0, sizeof estimator);
    estimator.spec = spec;
    estimator.options = options;
    estimator.arena = arena;
    estimator.diagnostics = diagnostics;
    estimator.ok = true;

    const ln_arch *arch = &spec->arch;
    uint32_t total = arch->storage_count + 1;
    estimate->components = ln_arena_alloc_array(arena, total, sizeof *estimate->components);
    /* Accelergy lists components outermost first. */
    for (uint32_t i = arch->storage_count; i-- > 0;) {
        const ln_storage_level *level = &arch->storage[i];
        ln_level_view view = {level->name, level->component_class, level->subclass, &level->attributes,
                              level->instances, false, level->is_dummy, level->location};
        ln_component_estimate *out = &estimate->components[estimate->count];
        if (estimate_level(&estimator, &view, out))
            estimate->count++;
        else
            estimator.ok = false;
        estimator.depth = 0;
    }
    const ln_compute_level *compute = &arch->compute;
    if (compute->name) {
        ln_level_view view = {compute->name, compute->component_class, compute->subclass, &compute->attributes,
                              compute->instances, true, false, compute->location};
        ln_component_estimate *out = &estimate->components[estimate->count];
        if (estimate_level(&estimator, &view, out))
            estimate->count++;
        else
            estimator.ok = false;
    }
    return estimator.ok;
}

/* ------------------------------------------------------------------ */
/* Into the spec's energy table                                         */
/* ------------------------------------------------------------------ */

static ln_component_energy *find_entry(ln_spec *spec, const char *level_name)
{
    ln_component_energy *found = NULL;
    for (uint32_t i = 0; i < spec->energy.count; i++)
        if (spec->energy.components[i].level_name && strcmp(spec->energy.components[i].level_name, level_name) == 0)
            found = &spec->energy.components[i];
    return found;
}

void ln_energy_estimate_apply(ln_spec *spec, const ln_energy_estimate *estimate)
{
    for (uint32_t c = 0; c < estimate->count; c++) {
        const ln_component_estimate *component = &estimate->components[c];
        ln_component_energy *entry = find_entry(spec, component->level_name);
        bool energy_missing = component->has_energy && (!entry || entry->action_count == 0);
        bool area_missing = component->has_area && (!entry || !entry->has_area);
        if (!energy_missing && !area_missing)
            continue;
        if (!entry) {
            ln_energy_table *table = &spec->energy;
            ln_component_energy *larger = ln_arena_alloc_array(&spec->arena, table->count + 1, sizeof *larger);
            if (table->count)
                memcpy(larger, table->components, table->count * sizeof *larger);
            table->components = larger;
            entry = &table->components[table->count++];
            entry->name = component->name;
            entry->level_name = component->level_name;
        }
        if (energy_missing) {
            /* Timeloop keeps the most expensive argument row of an action. */
            uint32_t capacity = component->action_count ? component->action_count : 1;
            ln_action_energy *actions = ln_arena_alloc_array(&spec->arena, capacity, sizeof *actions);
            uint32_t count = 0;
            for (uint32_t r = 0; r < component->action_count; r++) {
                uint32_t k = 0;
                while (k < count && strcmp(actions[k].action, component->actions[r].action) != 0)
                    k++;
                if (k == count) {
                    actions[count].action = component->actions[r].action;
                    actions[count].energy = component->actions[r].energy;
                    count++;
                } else if (component->actions[r].energy > actions[k].energy) {
                    actions[k].energy = component->actions[r].energy;
                }
            }
            entry->actions = actions;
            entry->action_count = count;
            entry->energy_source = component->energy_source;
        }
        if (area_missing) {
            entry->has_area = true;
            entry->area = component->area;
            entry->area_source = component->area_source;
        }
    }
}
