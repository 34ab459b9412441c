/* `component` blocks -> compound component classes (ir/component.h).
 *
 *   component smartbuffer_SRAM {
 *     depth = must_specify;                        class attributes, defaults
 *     n_rw_ports = 1;
 *     storage : SRAM { depth = depth; }             subcomponents
 *     address_generators[0..1] : intadder { width = max(1, ceil(log2(depth))); }
 *     write {                                       actions and their parts
 *       storage.write;
 *       address_generators[0].add;
 *     }
 *   }
 *
 * Values are expressions kept as written; the energy estimator evaluates
 * them, as it does those read from Accelergy's YAML. Every class of the
 * program is added to the spec's library (a later class of a name shadows
 * an earlier one, a user's the stdlib's). */
#include <stdio.h>
#include <string.h>

#include "frontend/nest_lower.h"
#include "ir/component.h"

static ln_expression expression_of(ln_nest_lowering *lowering, const ln_nest_node *value)
{
    ln_expression expression;
    memset(&expression, 0, sizeof expression);
    if (!value)
        return expression;
    expression.text = ln_arena_strdup(lowering->arena, value->text ? value->text : "");
    expression.location = value->location;
    expression.quoted = value->detail == LN_NEST_VALUE_STRING;
    return expression;
}

static void fill_attribute(ln_nest_lowering *lowering, ln_component_attribute *attribute,
                           const ln_nest_node *node)
{
    attribute->name = ln_arena_strdup(lowering->arena, node->name);
    attribute->location = node->name_location;
    attribute->value = expression_of(lowering, node->child_count ? node->children[0] : NULL);
    /* As the YAML reader takes it: the word, quoted or not. */
    attribute->must_specify = attribute->value.text && strcmp(attribute->value.text, "must_specify") == 0;
}

static bool is_scale(const char *name)
{
    return strcmp(name, "area_scale") == 0 || strcmp(name, "area_share") == 0 ||
           strcmp(name, "energy_scale") == 0;
}

static bool lower_subcomponent(ln_nest_lowering *lowering, ln_component_class *component_class,
                               const ln_nest_node *node)
{
    const char *base;
    ln_component_range range;
    if (!ln_component_split_name(lowering->arena, lowering->diagnostics, node->name, node->name_location,
                                 &base, &range))
        return false;
    for (uint32_t i = 0; i < component_class->subcomponent_count; i++) {
        if (strcmp(component_class->subcomponents[i].name, base) == 0) {
            char hint[256];
            snprintf(hint, sizeof hint, "the other is at line %u; give each subcomponent its own name",
                     component_class->subcomponents[i].location.line);
            ln_error(lowering->diagnostics, node->name_location, hint,
                     "class `%s` has two subcomponents named `%s`", component_class->name, base);
            return false;
        }
    }
    ln_component_subcomponent *subcomponent = ln_component_class_add_subcomponent(component_class,
                                                                                 lowering->arena);
    subcomponent->name = base;
    subcomponent->written_name = ln_arena_strdup(lowering->arena, node->name);
    subcomponent->range = range;
    subcomponent->class_name = ln_arena_strdup(lowering->arena, node->name2);
    subcomponent->class_location = node->name2_location;
    subcomponent->location = node->location;
    for (size_t i = 0; i < node->child_count; i++) {
        const ln_nest_node *attribute = node->children[i];
        if (attribute->kind != LN_NEST_ATTRIBUTE)
            continue;
        const ln_nest_node *value = attribute->child_count ? attribute->children[0] : NULL;
        if (strcmp(attribute->name, "energy_scale") == 0)
            subcomponent->energy_scale = expression_of(lowering, value);
        else if (is_scale(attribute->name))
            subcomponent->area_scale = expression_of(lowering, value);
        else
            fill_attribute(lowering, ln_component_subcomponent_add_attribute(subcomponent, lowering->arena),
                           attribute);
    }
    return true;
}

static bool lower_action(ln_nest_lowering *lowering, ln_component_class *component_class,
                         const ln_nest_node *node)
{
    for (uint32_t i = 0; i < component_class->action_count; i++) {
        if (strcmp(component_class->actions[i].name, node->name) == 0) {
            char hint[256];
            snprintf(hint, sizeof hint, "the other is at line %u; give each action once",
                     component_class->actions[i].location.line);
            ln_error(lowering->diagnostics, node->name_location, hint,
                     "class `%s` has two actions named `%s`", component_class->name, node->name);
            return false;
        }
    }
    ln_component_action *action = ln_component_class_add_action(component_class, lowering->arena);
    action->name = ln_arena_strdup(lowering->arena, node->name);
    action->location = node->location;
    bool ok = true;
    const char *previous = NULL;
    for (size_t i = 0; i < node->child_count; i++) {
        const ln_nest_node *item = node->children[i];
        if (item->kind == LN_NEST_ARGUMENT) {
            fill_attribute(lowering, ln_component_action_add_argument(action, lowering->arena), item);
            continue;
        }
        if (item->kind == LN_NEST_ATTRIBUTE) {
            if (strcmp(item->name, "energy_scale") != 0) {
                ln_error(lowering->diagnostics, item->name_location,
                         "an action holds its subcomponents' actions and `energy_scale = ...;`",
                         "`%s = ...` in action `%s`", item->name, node->name);
                ok = false;
                continue;
            }
            action->energy_scale = expression_of(lowering, item->child_count ? item->children[0] : NULL);
            continue;
        }
        if (item->kind != LN_NEST_PART)
            continue;
        const char *base;
        ln_component_range range;
        if (!ln_component_split_name(lowering->arena, lowering->diagnostics, item->name,
                                     item->name_location, &base, &range)) {
            ok = false;
            continue;
        }
        if (!ln_component_class_find_subcomponent(component_class, base)) {
            const char *candidates[64];
            size_t count = 0;
            for (uint32_t s = 0; s < component_class->subcomponent_count && count < 64; s++)
                candidates[count++] = component_class->subcomponents[s].name;
            char hint[512];
            ln_nest_name_hint(hint, sizeof hint, base, candidates, count, "subcomponents");
            ln_error(lowering->diagnostics, item->name_location, hint,
                     "action `%s` of class `%s` uses `%s`, which is no subcomponent of it", node->name,
                     component_class->name, base);
            ok = false;
            continue;
        }
        /* Consecutive statements on one subcomponent form one part with
         * several actions, as Accelergy's YAML writes them. */
        if (!previous || strcmp(previous, item->name) != 0) {
            ln_component_action_part *part = ln_component_action_add_part(action, lowering->arena);
            part->subcomponent = base;
            part->written_name = ln_arena_strdup(lowering->arena, item->name);
            part->range = range;
            part->location = item->location;
        }
        previous = item->name;
        ln_component_action_part *part = &action->parts[action->part_count - 1];
        ln_component_subaction *subaction = ln_component_action_part_add_action(part, lowering->arena);
        subaction->name = ln_arena_strdup(lowering->arena, item->name2);
        subaction->location = item->name2_location;
        if (item->text) {
            subaction->energy_scale.text = ln_arena_strdup(lowering->arena, item->text);
            subaction->energy_scale.location = item->value_location;
        }
        for (size_t a = 0; a < item->child_count; a++)
            if (item->children[a]->kind == LN_NEST_ARGUMENT)
                fill_attribute(lowering, ln_component_subaction_add_argument(subaction, lowering->arena),
                               item->children[a]);
    }
    return ok;
}

static bool lower_class(ln_nest_lowering *lowering, const ln_nest_node *node)
{
    ln_component_class *component_class = ln_component_library_add(
        &lowering->spec->component_library, lowering->arena, ln_arena_strdup(lowering->arena, node->name),
        node->name_location);
    component_class->version = "0.4";
    component_class->from_stdlib = false;
    if (node->name2)
        component_class->primitive_type = ln_arena_strdup(lowering->arena, node->name2);
    bool ok = true;
    for (size_t i = 0; i < node->child_count; i++) {
        const ln_nest_node *item = node->children[i];
        switch (item->kind) {
        case LN_NEST_ATTRIBUTE:
            fill_attribute(lowering, ln_component_class_add_attribute(component_class, lowering->arena), item);
            break;
        case LN_NEST_SUBCOMPONENT:
            ok = lower_subcomponent(lowering, component_class, item) && ok;
            break;
        default:
            break;
        }
    }
    /* Actions after every subcomponent is known, wherever they are written. */
    for (size_t i = 0; i < node->child_count; i++)
        if (node->children[i]->kind == LN_NEST_ACTION)
            ok = lower_action(lowering, component_class, node->children[i]) && ok;
    return ok;
}

bool ln_nest_lower_components(ln_nest_lowering *lowering)
{
    bool ok = true;
    const ln_nest_node *seen[256];
    size_t seen_count = 0;
    for (size_t u = 0; u < lowering->unit_count; u++) {
        const ln_nest_node *tree = lowering->units[u].tree;
        for (size_t i = 0; i < tree->child_count; i++) {
            const ln_nest_node *item = tree->children[i];
            if (item->kind != LN_NEST_COMPONENT_CLASS)
                continue;
            bool duplicate = false;
            for (size_t k = 0; k < seen_count && !duplicate; k++) {
                if (strcmp(seen[k]->name, item->name) == 0) {
                    char hint[512];
                    snprintf(hint, sizeof hint, "the other is at %s:%u:%u; rename one of them",
                             seen[k]->location.file ? seen[k]->location.file : "", seen[k]->location.line,
                             seen[k]->location.column);
                    ln_error(lowering->diagnostics, item->name_location, hint,
                             "component `%s` is defined twice", item->name);
                    duplicate = true;
                    ok = false;
                }
            }
            if (duplicate)
                continue;
            if (seen_count < sizeof seen / sizeof *seen)
                seen[seen_count++] = item;
            ok = lower_class(lowering, item) && ok;
        }
    }
    return ok;
}
