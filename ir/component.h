/* Compound component classes: Accelergy's `compound_components`, and the
 * `component NAME { ... }` blocks of the .nest language, in one form.
 *
 * A class has attributes (each with a default expression, or required with
 * `must_specify`), subcomponents (`name[a..b]` stands for b-a+1 identical
 * copies), and actions; an action is a list of (subcomponent, sub-actions)
 * parts whose energies add up, each scaled by `energy_scale`.
 *
 * Every expression is kept as its source text with its location: the IR
 * only describes what was written. Evaluating expressions, resolving
 * classes and estimating energy is runtime/'s job (runtime/energy_*.h), so
 * that front ends lower into this without knowing how it is computed, and
 * every error found later can still point at the text that caused it.
 *
 * Everything lives in the arena of the spec that owns the library. */
#ifndef LOOPNEST_IR_COMPONENT_H
#define LOOPNEST_IR_COMPONENT_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/arena.h"
#include "ir/diagnostic.h"

/* An expression as written: `max(1, ceil(log2(depth)))`, `16`, `"45nm"`. */
typedef struct ln_expression {
    const char *text;            /* NULL when absent */
    ln_source_location location; /* of the first character of `text` */
    /* Written as a quoted string: Accelergy takes such a value literally
     * and never evaluates it (except where only numbers are allowed:
     * energy_scale, area_scale, list bounds). */
    bool quoted;
} ln_expression;

/* An attribute of a class or subcomponent, or an argument of an action. */
typedef struct ln_component_attribute {
    const char *name;
    ln_expression value;
    /* The default is the word `must_specify`: the user has to give it. */
    bool must_specify;
    ln_source_location location; /* of the name */
} ln_component_attribute;

/* `name[first..last]`: copies first..last; without brackets, one. A single
 * index (`name[1]`) has first == last. */
typedef struct ln_component_range {
    bool present;
    ln_expression first;
    ln_expression last;
} ln_component_range;

typedef struct ln_component_subcomponent {
    const char *name;            /* base name, without the range */
    const char *written_name;    /* "address_generators[0..1]" as written */
    ln_component_range range;
    const char *class_name;
    ln_source_location class_location;
    uint32_t attribute_count;
    uint32_t attribute_capacity;
    ln_component_attribute *attributes;
    /* Scales the area of every primitive below (v0.4 `area_scale`, legacy
     * `area_share`), and, as newer Accelergy does, the energy of every
     * action of it (`energy_scale`). Text NULL: 1. */
    ln_expression area_scale;
    ln_expression energy_scale;
    ln_source_location location;
} ln_component_subcomponent;

/* One action of a subcomponent inside a compound action. */
typedef struct ln_component_subaction {
    const char *name;
    /* `energy_scale` (v0.4), legacy `repeat` / `action_share`; text NULL: 1. */
    ln_expression energy_scale;
    uint32_t argument_count;
    uint32_t argument_capacity;
    ln_component_attribute *arguments;
    ln_source_location location;
} ln_component_subaction;

/* A subcomponent an action uses: `storage[1..width]` means `width` of its
 * copies perform each of `actions`. */
typedef struct ln_component_action_part {
    const char *subcomponent; /* base name */
    const char *written_name;
    ln_component_range range;
    uint32_t action_count;
    uint32_t action_capacity;
    ln_component_subaction *actions;
    ln_source_location location;
} ln_component_action_part;

typedef struct ln_component_action {
    const char *name;
    /* Declared arguments; a value `a..b` makes one table row per value. */
    uint32_t argument_count;
    uint32_t argument_capacity;
    ln_component_attribute *arguments;
    /* Scales the whole action (rare; legacy `repeat` at this level). */
    ln_expression energy_scale;
    uint32_t part_count;
    uint32_t part_capacity;
    ln_component_action_part *parts;
    ln_source_location location;
} ln_component_action;

typedef struct ln_component_class {
    const char *name;
    /* Accelergy's `primitive_type`: estimate the whole class as this
     * primitive with the class's attributes; NULL when not given. */
    const char *primitive_type;
    uint32_t attribute_count;
    uint32_t attribute_capacity;
    ln_component_attribute *attributes;
    uint32_t subcomponent_count;
    uint32_t subcomponent_capacity;
    ln_component_subcomponent *subcomponents;
    uint32_t action_count;
    uint32_t action_capacity;
    ln_component_action *actions;
    /* "0.3" or "0.4" as the defining file said; 0.3 files may leave strings
     * unquoted (`technology: 45nm`), which then read as strings. */
    const char *version;
    /* Where the class came from, for messages: "stdlib" or the input. */
    bool from_stdlib;
    ln_source_location location;
} ln_component_class;

typedef struct ln_component_library {
    uint32_t count;
    uint32_t capacity;
    ln_component_class *classes;
} ln_component_library;

/* The class named `name`, or NULL. When several share a name the last one
 * added wins, so the user's classes shadow the stdlib's. */
const ln_component_class *ln_component_library_find(const ln_component_library *library,
                                                    const char *name);

/* Builders. Each appends a zeroed element (growing the array in `arena`)
 * and returns it for the caller to fill. Pointers to earlier elements of the
 * same array are invalidated by the next append. */
ln_component_class *ln_component_library_add(ln_component_library *library, ln_arena *arena,
                                             const char *name, ln_source_location location);
ln_component_attribute *ln_component_class_add_attribute(ln_component_class *component_class,
                                                         ln_arena *arena);
ln_component_subcomponent *ln_component_class_add_subcomponent(ln_component_class *component_class,
                                                               ln_arena *arena);
ln_component_action *ln_component_class_add_action(ln_component_class *component_class,
                                                   ln_arena *arena);
ln_component_attribute *ln_component_subcomponent_add_attribute(ln_component_subcomponent *subcomponent,
                                                                ln_arena *arena);
ln_component_attribute *ln_component_action_add_argument(ln_component_action *action,
                                                         ln_arena *arena);
ln_component_action_part *ln_component_action_add_part(ln_component_action *action, ln_arena *arena);
ln_component_subaction *ln_component_action_part_add_action(ln_component_action_part *part,
                                                            ln_arena *arena);
ln_component_attribute *ln_component_subaction_add_argument(ln_component_subaction *subaction,
                                                            ln_arena *arena);

/* Lookups by name within a class; NULL when absent. */
const ln_component_attribute *ln_component_class_find_attribute(const ln_component_class *component_class,
                                                                const char *name);
const ln_component_subcomponent *ln_component_class_find_subcomponent(
    const ln_component_class *component_class, const char *name);
const ln_component_action *ln_component_class_find_action(const ln_component_class *component_class,
                                                          const char *name);

/* Splits a written name `base[first..last]` (or `base[index]`, or `base`)
 * into `base` and the bound expressions, whose locations are derived from
 * `location` (that of the first character of `text`). Returns false with a
 * located error when the brackets are malformed (`a[1..`, `a[]`, `a[1..2]x`). */
bool ln_component_split_name(ln_arena *arena, ln_diagnostics *diagnostics, const char *text,
                             ln_source_location location, const char **base,
                             ln_component_range *range);

#endif
