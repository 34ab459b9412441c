#include "ir/component.h"

#include <string.h>

/* Appends one zeroed element to an arena array; the array moves when it
 * grows, which is cheap next to parsing and keeps the IR plain arrays. */
static void *append(ln_arena *arena, void **items, uint32_t *count, uint32_t *capacity, size_t size)
{
    if (*count == *capacity) {
        uint32_t grown = *capacity ? *capacity * 2 : 4;
        void *larger = ln_arena_alloc_array(arena, grown, size);
        if (*count)
            memcpy(larger, *items, (size_t)*count * size);
        *items = larger;
        *capacity = grown;
    }
    char *element = (char *)*items + (size_t)(*count)++ * size;
    memset(element, 0, size);
    return element;
}

#define LN_APPEND(arena, owner, field, count_field, capacity_field)                                    \
    append((arena), (void **)&(owner)->field, &(owner)->count_field, &(owner)->capacity_field,       \
           sizeof *(owner)->field)

const ln_component_class *ln_component_library_find(const ln_component_library *library,
                                                    const char *name)
{
    if (!library || !name)
        return NULL;
    for (uint32_t i = library->count; i-- > 0;)
        if (library->classes[i].name && strcmp(library->classes[i].name, name) == 0)
            return &library->classes[i];
    return NULL;
}

ln_component_class *ln_component_library_add(ln_component_library *library, ln_arena *arena,
                                             const char *name, ln_source_location location)
{
    ln_component_class *added = LN_APPEND(arena, library, classes, count, capacity);
    added->name = name;
    added->location = location;
    return added;
}

ln_component_attribute *ln_component_class_add_attribute(ln_component_class *component_class,
                                                         ln_arena *arena)
{
    return LN_APPEND(arena, component_class, attributes, attribute_count, attribute_capacity);
}

ln_component_subcomponent *ln_component_class_add_subcomponent(ln_component_class *component_class,
                                                               ln_arena *arena)
{
    return LN_APPEND(arena, component_class, subcomponents, subcomponent_count, subcomponent_capacity);
}

ln_component_action *ln_component_class_add_action(ln_component_class *component_class,
                                                   ln_arena *arena)
{
    return LN_APPEND(arena, component_class, actions, action_count, action_capacity);
}

ln_component_attribute *ln_component_subcomponent_add_attribute(ln_component_subcomponent *subcomponent,
                                                                ln_arena *arena)
{
    return LN_APPEND(arena, subcomponent, attributes, attribute_count, attribute_capacity);
}

ln_component_attribute *ln_component_action_add_argument(ln_component_action *action,
                                                         ln_arena *arena)
{
    return LN_APPEND(arena, action, arguments, argument_count, argument_capacity);
}

ln_component_action_part *ln_component_action_add_part(ln_component_action *action, ln_arena *arena)
{
    return LN_APPEND(arena, action, parts, part_count, part_capacity);
}

ln_component_subaction *ln_component_action_part_add_action(ln_component_action_part *part,
                                                            ln_arena *arena)
{
    return LN_APPEND(arena, part, actions, action_count, action_capacity);
}

ln_component_attribute *ln_component_subaction_add_argument(ln_component_subaction *subaction,
                                                            ln_arena *arena)
{
    return LN_APPEND(arena, subaction, arguments, argument_count, argument_capacity);
}

const ln_component_attribute *ln_component_class_find_attribute(const ln_component_class *component_class,
                                                                const char *name)
{
    for (uint32_t i = 0; i < component_class->attribute_count; i++)
        if (strcmp(component_class->attributes[i].name, name) == 0)
            return &component_class->attributes[i];
    return NULL;
}

const ln_component_subcomponent *ln_component_class_find_subcomponent(
    const ln_component_class *component_class, const char *name)
{
    for (uint32_t i = 0; i < component_class->subcomponent_count; i++)
        if (strcmp(component_class->subcomponents[i].name, name) == 0)
            return &component_class->subcomponents[i];
    return NULL;
}

const ln_component_action *ln_component_class_find_action(const ln_component_class *component_class,
                                                          const char *name)
{
    for (uint32_t i = 0; i < component_class->action_count; i++)
        if (strcmp(component_class->actions[i].name, name) == 0)
            return &component_class->actions[i];
    return NULL;
}

/* The location of text[offset], assuming `location` is that of text[0];
 * a multi-line text moves to the right line. */
static ln_source_location location_at(ln_source_location location, const char *text, size_t offset)
{
    if (location.line == 0)
        return location;
    for (size_t i = 0; i < offset && text[i]; i++) {
        if (text[i] == '\n') {
            location.line++;
            location.column = 1;
        } else {
            location.column++;
        }
    }
    return location;
}

static ln_expression trimmed_expression(ln_arena *arena, const char *text, size_t begin, size_t end,
                                        ln_source_location location)
{
    while (begin < end && (text[begin] == ' ' || text[begin] == '\t'))
        begin++;
    while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        end--;
    ln_expression expression;
    expression.text = ln_arena_strndup(arena, text + begin, end - begin);
    expression.location = location_at(location, text, begin);
    expression.quoted = false;
    return expression;
}

bool ln_component_split_name(ln_arena *arena, ln_diagnostics *diagnostics, const char *text,
                             ln_source_location location, const char **base,
                             ln_component_range *range)
{
    memset(range, 0, sizeof *range);
    const char *open = strchr(text, '[');
    if (!open) {
        if (strchr(text, ']')) {
            ln_error(diagnostics, location_at(location, text, (size_t)(strchr(text, ']') - text)),
                     "write copies as name[first..last]", "'%s' has a ']' without a '['", text);
            return false;
        }
        *base = ln_arena_strdup(arena, text);
        return true;
    }
    size_t open_offset = (size_t)(open - text);
    const char *close = strchr(open, ']');
    if (!close) {
        ln_error(diagnostics, location_at(location, text, open_offset),
                 "write copies as name[first..last]", "'%s' has a '[' without a ']'", text);
        return false;
    }
    size_t close_offset = (size_t)(close - text);
    if (text[close_offset + 1] != '\0') {
        ln_error(diagnostics, location_at(location, text, close_offset + 1),
                 "write copies as name[first..last], with nothing after the ']'",
                 "unexpected text after the range in '%s'", text);
        return false;
    }
    if (open_offset == 0) {
        ln_error(diagnostics, location, "write copies as name[first..last]", "'%s' has no name before '['",
                 text);
        return false;
    }
    *base = ln_arena_strndup(arena, text, open_offset);
    const char *dots = strstr(open, "..");
    if (dots && dots < close) {
        size_t dots_offset = (size_t)(dots - text);
        range->first = trimmed_expression(arena, text, open_offset + 1, dots_offset, location);
        range->last = trimmed_expression(arena, text, dots_offset + 2, close_offset, location);
    } else {
        range->first = trimmed_expression(arena, text, open_offset + 1, close_offset, location);
        range->last = range->first;
    }
    if (range->first.text[0] == '\0' || range->last.text[0] == '\0') {
        ln_error(diagnostics, location_at(location, text, open_offset), "write copies as name[first..last]",
                 "the range in '%s' is missing a bound", text);
        return false;
    }
    range->present = true;
    return true;
}
