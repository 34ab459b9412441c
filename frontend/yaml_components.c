#include "frontend/yaml_components.h"

#include <string.h>

#include "ir/stdlib_data.h"

typedef struct ln_component_import {
    ln_arena *arena;
    ln_diagnostics *diagnostics;
    const char *version;
    bool ok;
} ln_component_import;

static const char *const class_keys[] = {"name", "attributes", "subcomponents", "actions",
                                         "primitive_type", "description", NULL};
static const char *const subcomponent_keys[] = {"name", "class", "attributes", "area_scale",
                                                "area_share", "energy_scale", NULL};
static const char *const action_keys[] = {"name", "arguments", "subcomponents", "energy_scale",
                                          "repeat", "action_share", NULL};
static const char *const part_keys[] = {"name", "actions", NULL};
static const char *const subaction_keys[] = {"name", "arguments", "energy_scale", "repeat",
                                             "action_share", NULL};

static ln_expression expression_of(const ln_yaml_node *node)
{
    ln_expression expression;
    memset(&expression, 0, sizeof expression);
    if (!node || node->kind != LN_YAML_SCALAR || ln_yaml_is_null(node))
        return expression;
    expression.text = node->text;
    expression.location = node->location;
    expression.quoted = node->quoted;
    return expression;
}

/* A required name: a non-empty scalar. */
static const char *required_name(ln_component_import *import, const ln_yaml_node *mapping,
                                 const char *what)
{
    const ln_yaml_node *node = ln_yaml_find(mapping, "name");
    if (!node || ln_yaml_is_null(node)) {
        ln_error(import->diagnostics, mapping->location, "add `name: ...`", "%s has no name", what);
        import->ok = false;
        return NULL;
    }
    if (node->kind != LN_YAML_SCALAR || node->text[0] == '\0') {
        ln_error(import->diagnostics, node->location, "write the name as a single word",
                 "the name of %s must be a non-empty text, not %s", what,
                 ln_yaml_describe(import->arena, node));
        import->ok = false;
        return NULL;
    }
    return node->text;
}

/* The expression under one of several spellings (energy_scale, repeat,
 * action_share); the first present wins, as in Accelergy. */
static ln_expression scale_of(ln_component_import *import, const ln_yaml_node *mapping,
                              const char *const *names)
{
    for (size_t i = 0; names[i]; i++) {
        const ln_yaml_node *node = ln_yaml_find(mapping, names[i]);
        if (!node || ln_yaml_is_null(node))
            continue;
        if (node->kind != LN_YAML_SCALAR) {
            ln_error(import->diagnostics, node->location, "write a number or an expression",
                     "'%s' must be a single value, not %s", names[i], ln_yaml_describe(import->arena, node));
            import->ok = false;
            break;
        }
        return expression_of(node);
    }
    ln_expression none;
    memset(&none, 0, sizeof none);
    return none;
}

typedef ln_component_attribute *(*ln_attribute_adder)(void *owner, ln_arena *arena);

static ln_component_attribute *add_class_attribute(void *owner, ln_arena *arena)
{
    return ln_component_class_add_attribute(owner, arena);
}

static ln_component_attribute *add_subcomponent_attribute(void *owner, ln_arena *arena)
{
    return ln_component_subcomponent_add_attribute(owner, arena);
}

static ln_component_attribute *add_action_argument(void *owner, ln_arena *arena)
{
    return ln_component_action_add_argument(owner, arena);
}

static ln_component_attribute *add_subaction_argument(void *owner, ln_arena *arena)
{
    return ln_component_subaction_add_argument(owner, arena);
}

static void import_attributes(ln_component_import *import, const ln_yaml_node *mapping, const char *what,
                              void *owner, ln_attribute_adder add)
{
    if (!mapping || ln_yaml_is_null(mapping))
        return;
    if (!ln_yaml_expect_kind(mapping, LN_YAML_MAPPING, import->diagnostics, import->arena, what)) {
        import->ok = false;
        return;
    }
    for (size_t i = 0; i < mapping->pair_count; i++) {
        const ln_yaml_pair *pair = &mapping->pairs[i];
        if (pair->value->kind != LN_YAML_SCALAR) {
            ln_error(import->diagnostics, pair->value->location, "write a number, a text or an expression",
                     "attribute '%s' must be a single value, not %s", pair->key->text,
                     ln_yaml_describe(import->arena, pair->value));
            import->ok = false;
            continue;
        }
        ln_component_attribute *attribute = add(owner, import->arena);
        /* Canonical spelling, as architecture attributes have: expressions
         * can only name identifiers, which have no hyphens. */
        attribute->name = pair->name;
        attribute->location = pair->key->location;
        attribute->value = expression_of(pair->value);
        attribute->must_specify = attribute->value.text && strcmp(attribute->value.text, "must_specify") == 0;
    }
}

/* A mapping whose `name` may stand for copies (`adder[0..3]`): its written
 * name, the base name and the range. */
static bool read_copies_entry(ln_component_import *import, const ln_yaml_node *node, const char *what,
                              const char *const *keys, const char **name, const char **base,
                              ln_component_range *range)
{
    if (!ln_yaml_expect_kind(node, LN_YAML_MAPPING, import->diagnostics, import->arena, what)) {
        import->ok = false;
        return false;
    }
    ln_yaml_warn_unknown_keys(node, import->diagnostics, what, keys);
    *name = required_name(import, node, what);
    if (!*name)
        return false;
    if (!ln_component_split_name(import->arena, import->diagnostics, *name, ln_yaml_find(node, "name")->location,
                                 base, range)) {
        import->ok = false;
        return false;
    }
    return true;
}

static void import_subcomponent(ln_component_import *import, ln_component_class *component_class,
                                const ln_yaml_node *node)
{
    const char *name, *base;
    ln_component_range range;
    if (!read_copies_entry(import, node, "a subcomponent", subcomponent_keys, &name, &base, &range))
        return;
    const ln_yaml_node *class_node = ln_yaml_find(node, "class");
    if (!class_node || ln_yaml_is_null(class_node) || class_node->kind != LN_YAML_SCALAR) {
        ln_error(import->diagnostics, class_node ? class_node->location : node->location,
                 "add `class: ...` naming a primitive or compound class",
                 "subcomponent '%s' of '%s' has no class", name, component_class->name);
        import->ok = false;
        return;
    }
    ln_component_subcomponent *subcomponent = ln_component_class_add_subcomponent(component_class,
                                                                                 import->arena);
    subcomponent->name = base;
    subcomponent->written_name = name;
    subcomponent->range = range;
    subcomponent->class_name = class_node->text;
    subcomponent->class_location = class_node->location;
    subcomponent->location = node->location;
    static const char *const area_names[] = {"area_scale", "area_share", NULL};
    static const char *const energy_names[] = {"energy_scale", NULL};
    subcomponent->area_scale = scale_of(import, node, area_names);
    subcomponent->energy_scale = scale_of(import, node, energy_names);
    import_attributes(import, ln_yaml_find(node, "attributes"), "the attributes of a subcomponent",
                      subcomponent, add_subcomponent_attribute);
}

static const char *const subaction_scale_names[] = {"energy_scale", "repeat", "action_share", NULL};

static void import_part(ln_component_import *import, ln_component_action *action, const ln_yaml_node *node)
{
    const char *name, *base;
    ln_component_range range;
    if (!read_copies_entry(import, node, "a subcomponent of an action", part_keys, &name, &base, &range))
        return;
    ln_component_action_part *part = ln_component_action_add_part(action, import->arena);
    part->subcomponent = base;
    part->written_name = name;
    part->range = range;
    part->location = node->location;
    const ln_yaml_node *actions = ln_yaml_find(node, "actions");
    if (!actions || ln_yaml_is_null(actions))
        return;
    if (!ln_yaml_expect_kind(actions, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                             "'actions' of a subcomponent")) {
        import->ok = false;
        return;
    }
    for (size_t i = 0; i < actions->item_count; i++) {
        const ln_yaml_node *item = actions->items[i];
        if (!ln_yaml_expect_kind(item, LN_YAML_MAPPING, import->diagnostics, import->arena,
                                 "a subcomponent action")) {
            import->ok = false;
            continue;
        }
        ln_yaml_warn_unknown_keys(item, import->diagnostics, "a subcomponent action", subaction_keys);
        const char *action_name = required_name(import, item, "a subcomponent action");
        if (!action_name)
            continue;
        ln_component_subaction *subaction = ln_component_action_part_add_action(part, import->arena);
        subaction->name = action_name;
        subaction->location = item->location;
        subaction->energy_scale = scale_of(import, item, subaction_scale_names);
        import_attributes(import, ln_yaml_find(item, "arguments"), "the arguments of a subcomponent action",
                          subaction, add_subaction_argument);
    }
}

static void import_action(ln_component_import *import, ln_component_class *component_class,
                          const ln_yaml_node *node)
{
    if (!ln_yaml_expect_kind(node, LN_YAML_MAPPING, import->diagnostics, import->arena, "an action")) {
        import->ok = false;
        return;
    }
    ln_yaml_warn_unknown_keys(node, import->diagnostics, "an action", action_keys);
    const char *name = required_name(import, node, "an action");
    if (!name)
        return;
    ln_component_action *action = ln_component_class_add_action(component_class, import->arena);
    action->name = name;
    action->location = node->location;
    action->energy_scale = scale_of(import, node, subaction_scale_names);
    import_attributes(import, ln_yaml_find(node, "arguments"), "the arguments of an action", action,
                      add_action_argument);
    const ln_yaml_node *parts = ln_yaml_find(node, "subcomponents");
    if (!parts || ln_yaml_is_null(parts))
        return;
    if (!ln_yaml_expect_kind(parts, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                             "'subcomponents' of an action")) {
        import->ok = false;
        return;
    }
    for (size_t i = 0; i < parts->item_count; i++)
        import_part(import, action, parts->items[i]);
}

static void import_class(ln_component_import *import, ln_component_library *library,
                         const ln_yaml_node *node, bool from_stdlib)
{
    if (!ln_yaml_expect_kind(node, LN_YAML_MAPPING, import->diagnostics, import->arena,
                             "a compound component class")) {
        import->ok = false;
        return;
    }
    ln_yaml_warn_unknown_keys(node, import->diagnostics, "a compound component class", class_keys);
    const char *name = required_name(import, node, "a compound component class");
    if (!name)
        return;
    ln_component_class *component_class = ln_component_library_add(library, import->arena, name,
                                                                   ln_yaml_find(node, "name")->location);
    component_class->version = import->version;
    component_class->from_stdlib = from_stdlib;
    const ln_yaml_node *primitive_type = ln_yaml_find(node, "primitive_type");
    if (primitive_type && primitive_type->kind == LN_YAML_SCALAR && !ln_yaml_is_null(primitive_type))
        component_class->primitive_type = primitive_type->text;
    import_attributes(import, ln_yaml_find(node, "attributes"), "the attributes of a class",
                      component_class, add_class_attribute);

    const ln_yaml_node *subcomponents = ln_yaml_find(node, "subcomponents");
    if (subcomponents && !ln_yaml_is_null(subcomponents)) {
        if (ln_yaml_expect_kind(subcomponents, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                                "'subcomponents'")) {
            for (size_t i = 0; i < subcomponents->item_count; i++)
                import_subcomponent(import, component_class, subcomponents->items[i]);
        } else {
            import->ok = false;
        }
    }
    const ln_yaml_node *actions = ln_yaml_find(node, "actions");
    if (actions && !ln_yaml_is_null(actions)) {
        if (ln_yaml_expect_kind(actions, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                                "'actions'")) {
            for (size_t i = 0; i < actions->item_count; i++)
                import_action(import, component_class, actions->items[i]);
        } else {
            import->ok = false;
        }
    }
    /* A subcomponent named twice, or an action named twice, would make the
     * later one silently unreachable. */
    for (uint32_t i = 0; i < component_class->subcomponent_count; i++)
        for (uint32_t k = 0; k < i; k++)
            if (strcmp(component_class->subcomponents[i].name, component_class->subcomponents[k].name) == 0) {
                ln_error(import->diagnostics, component_class->subcomponents[i].location,
                         "give each subcomponent its own name",
                         "class '%s' has two subcomponents named '%s'", name,
                         component_class->subcomponents[i].name);
                import->ok = false;
            }
}

/* Lists of classes may nest (included files concatenate); depth is bounded
 * by the YAML tree, which has no cycles. */
static void import_class_list(ln_component_import *import, ln_component_library *library,
                              const ln_yaml_node *list, bool from_stdlib, unsigned depth)
{
    if (depth > 16) {
        ln_error(import->diagnostics, list->location, "flatten the list of classes",
                 "lists of compound component classes are nested too deeply");
        import->ok = false;
        return;
    }
    for (size_t i = 0; i < list->item_count; i++) {
        const ln_yaml_node *item = list->items[i];
        if (item->kind == LN_YAML_SEQUENCE)
            import_class_list(import, library, item, from_stdlib, depth + 1);
        else
            import_class(import, library, item, from_stdlib);
    }
}

bool ln_yaml_import_components(ln_arena *arena, ln_diagnostics *diagnostics, const ln_yaml_node *node,
                               ln_component_library *library, bool from_stdlib)
{
    ln_component_import import = {arena, diagnostics, "0.4", true};
    if (!node || ln_yaml_is_null(node))
        return true;
    if (node->kind == LN_YAML_SEQUENCE) {
        import_class_list(&import, library, node, from_stdlib, 0);
        return import.ok;
    }
    if (!ln_yaml_expect_kind(node, LN_YAML_MAPPING, diagnostics, arena, "'compound_components'"))
        return false;
    static const char *const section_keys[] = {"version", "classes", NULL};
    ln_yaml_warn_unknown_keys(node, diagnostics, "'compound_components'", section_keys);
    const ln_yaml_node *version = ln_yaml_find(node, "version");
    if (version && version->kind == LN_YAML_SCALAR && !ln_yaml_is_null(version))
        import.version = version->text;
    const ln_yaml_node *classes = ln_yaml_find(node, "classes");
    if (!classes || ln_yaml_is_null(classes))
        return true;
    if (!ln_yaml_expect_kind(classes, LN_YAML_SEQUENCE, diagnostics, arena, "'classes'"))
        return false;
    import_class_list(&import, library, classes, from_stdlib, 0);
    return import.ok;
}

bool ln_yaml_import_components_text(ln_arena *arena, ln_diagnostics *diagnostics, const char *path,
                                    const char *text, size_t length, ln_component_library *library,
                                    bool from_stdlib)
{
    ln_yaml_document document;
    if (!ln_yaml_parse(arena, diagnostics, path, text, length, &document))
        return false;
    if (!document.root)
        return true;
    const ln_yaml_node *section = ln_yaml_find(document.root, "compound_components");
    if (!section)
        section = ln_yaml_find(document.root, "components");
    if (!section) {
        ln_error(diagnostics, document.root->location, "put the classes under `compound_components:`",
                 "'%s' has no compound_components section", path);
        return false;
    }
    return ln_yaml_import_components(arena, diagnostics, section, library, from_stdlib);
}

bool ln_yaml_load_stdlib_components(ln_arena *arena, ln_diagnostics *diagnostics, ln_component_library *library)
{
    size_t count;
    const ln_stdlib_file *files = ln_stdlib_files(&count);
    bool ok = true;
    for (size_t i = 0; i < count; i++) {
        const char *path = files[i].path;
        size_t length = strlen(path);
        if (strncmp(path, "components/", 11) != 0 || length < 5 || strcmp(path + length - 5, ".yaml") != 0)
            continue;
        /* Named so that a message about a stdlib class says where it lives. */
        const char *shown = ln_arena_printf(arena, "<stdlib>/%s", path);
        if (!ln_yaml_import_components_text(arena, diagnostics, shown, files[i].text, files[i].length, library,
                                            true))
            ok = false;
    }
    return ok;
}
