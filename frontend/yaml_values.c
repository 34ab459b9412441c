/* Readers shared by the section importers: numbers that may name a
 * variable, level/tensor/dimension names, permutations and factors. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/yaml_import.h"

/* ------------------------------------------------------------------ */
/* Scalars                                                              */
/* ------------------------------------------------------------------ */

const ln_yaml_node *ln_import_variable(const ln_yaml_import *import, const char *name)
{
    if (!import->variables || !name)
        return NULL;
    const ln_yaml_node *value = ln_yaml_find(import->variables, name);
    if (!value || value->kind != LN_YAML_SCALAR)
        return NULL;
    return value;
}

/* Timeloop retries a failed numeric lookup as the name of a top-level
 * variable; do the same for text that is not a number. */
static const ln_yaml_node *resolve_variable(const ln_yaml_import *import, const ln_yaml_node *node)
{
    if (node && node->kind == LN_YAML_SCALAR && ln_yaml_scalar_type_of(node) == LN_YAML_TYPE_STRING) {
        const ln_yaml_node *value = ln_import_variable(import, node->text);
        if (value)
            return value;
    }
    return node;
}

bool ln_import_int(ln_yaml_import *import, const ln_yaml_node *node, const char *what,
                   int64_t minimum, int64_t maximum, int64_t *value)
{
    return ln_yaml_get_int64(resolve_variable(import, node), import->diagnostics, import->arena,
                             what, minimum, maximum, value);
}

bool ln_import_double(ln_yaml_import *import, const ln_yaml_node *node, const char *what,
                      double *value)
{
    return ln_yaml_get_double(resolve_variable(import, node), import->diagnostics, import->arena,
                              what, value);
}

bool ln_import_bool(ln_yaml_import *import, const ln_yaml_node *node, const char *what, bool *value)
{
    return ln_yaml_get_bool(resolve_variable(import, node), import->diagnostics, import->arena,
                            what, value);
}

const char *ln_import_text(ln_yaml_import *import, const ln_yaml_node *node, const char *what)
{
    const char *text = ln_yaml_get_text(node, import->diagnostics, import->arena, what);
    return text ? ln_arena_strdup(import->arena, text) : NULL;
}

void ln_import_missing_key(ln_yaml_import *import, const ln_yaml_node *mapping, const char *key,
                           const char *context, const char *hint)
{
    ln_error(import->diagnostics, mapping ? mapping->location : ln_location_none(), hint,
             "missing required key '%s' in %s", key, context);
}

/* Where character `offset` of a one-line scalar is, for carets that point
 * into a string like "R=3 P=x". */
static ln_source_location offset_in_scalar(const ln_yaml_node *node, size_t offset)
{
    ln_source_location location = node->location;
    if (!memchr(node->text, '\n', node->length))
        location.column += (uint32_t)offset + (node->quoted ? 1u : 0u);
    return location;
}

/* ------------------------------------------------------------------ */
/* Names                                                                */
/* ------------------------------------------------------------------ */

static void append_list(char *buffer, size_t size, const char *prefix, const char *const *names,
                        size_t count)
{
    size_t used = strlen(buffer);
    if (used < size)
        used += (size_t)snprintf(buffer + used, size - used, "%s", prefix);
    for (size_t i = 0; i < count && used < size; i++)
        used += (size_t)snprintf(buffer + used, size - used, "%s%s", i ? ", " : "", names[i]);
}

int ln_import_find_level(ln_yaml_import *import, const ln_yaml_node *target)
{
    const ln_arch *arch = &import->spec->arch;
    const char *text = ln_yaml_get_text(target, import->diagnostics, import->arena, "'target'");
    if (!text)
        return -1;
    int level = ln_arch_find_storage(arch, text);
    if (level >= 0)
        return level;
    /* A nodes-form container's fan-out lives in its dummy level. */
    char dummy_name[256];
    snprintf(dummy_name, sizeof dummy_name, "inter_%s_spatial", text);
    level = ln_arch_find_storage(arch, dummy_name);
    if (level >= 0 && arch->storage[level].is_dummy)
        return level;
    int64_t index;
    bool overflow;
    if (ln_yaml_scalar_type_of(target) == LN_YAML_TYPE_INTEGER &&
        ln_yaml_parse_integer_text(text, &index, &overflow)) {
        if (index >= 0 && index < (int64_t)arch->storage_count)
            return (int)index;
        ln_error(import->diagnostics, target->location,
                 "storage levels are numbered from 0 (innermost)",
                 "level index %" PRId64 " is out of range: the architecture has %u storage levels",
                 index, arch->storage_count);
        return -1;
    }
    const char *names[LN_MAX_STORAGE_LEVELS];
    for (uint32_t i = 0; i < arch->storage_count; i++)
        names[i] = arch->storage[i].name;
    char hint[1024] = "";
    const char *closest = ln_closest_name(text, names, arch->storage_count);
    if (closest)
        snprintf(hint, sizeof hint, "did you mean '%s'? ", closest);
    append_list(hint, sizeof hint, "the storage levels are (innermost first): ", names,
                arch->storage_count);
    if (arch->compute.name && strcmp(arch->compute.name, text) == 0)
        ln_error(import->diagnostics, target->location, hint,
                 "'%s' is the compute level; directives target storage levels", text);
    else
        ln_error(import->diagnostics, target->location, hint, "unknown level '%s'", text);
    return -1;
}

int ln_import_find_tensor(ln_yaml_import *import, const char *name, ln_source_location location)
{
    const ln_problem *problem = &import->spec->problem;
    int tensor = ln_problem_find_tensor(problem, name);
    if (tensor >= 0)
        return tensor;
    const char *names[LN_MAX_TENSORS];
    for (uint8_t i = 0; i < problem->tensor_count; i++)
        names[i] = problem->tensors[i].name;
    char hint[512] = "";
    const char *closest = ln_closest_name(name, names, problem->tensor_count);
    if (closest)
        snprintf(hint, sizeof hint, "did you mean '%s'? ", closest);
    append_list(hint, sizeof hint, "the tensors are ", names, problem->tensor_count);
    ln_error(import->diagnostics, location, hint, "unknown tensor '%s'", name);
    return -1;
}

int ln_import_find_dimension(ln_yaml_import *import, const char *name, size_t length,
                             ln_source_location location, const char *context)
{
    const ln_problem *problem = &import->spec->problem;
    for (uint8_t d = 0; d < problem->dimension_count; d++) {
        const char *candidate = problem->dimension_names[d];
        if (strlen(candidate) == length && strncmp(candidate, name, length) == 0)
            return d;
    }
    char hint[512] = "";
    append_list(hint, sizeof hint, "the dimensions are ", problem->dimension_names,
                problem->dimension_count);
    ln_error(import->diagnostics, location, hint, "unknown dimension '%.*s' in %s", (int)length,
             name, context);
    return -1;
}

bool ln_import_tensor_list(ln_yaml_import *import, const ln_yaml_node *node, const char *what,
                           ln_tensor_mask *mask)
{
    *mask = 0;
    if (ln_yaml_is_null(node))
        return true;
    if (node->kind == LN_YAML_SCALAR) {
        int tensor = ln_import_find_tensor(import, node->text, node->location);
        if (tensor < 0)
            return false;
        *mask = (ln_tensor_mask)(1u << tensor);
        return true;
    }
    if (!ln_yaml_expect_kind(node, LN_YAML_SEQUENCE, import->diagnostics, import->arena, what))
        return false;
    bool ok = true;
    for (size_t i = 0; i < node->item_count; i++) {
        const char *name = ln_yaml_get_text(node->items[i], import->diagnostics, import->arena,
                                            "a tensor name");
        if (!name) {
            ok = false;
            continue;
        }
        int tensor = ln_import_find_tensor(import, name, node->items[i]->location);
        if (tensor < 0) {
            ok = false;
            continue;
        }
        *mask = (ln_tensor_mask)(*mask | (1u << tensor));
    }
    return ok;
}

/* ------------------------------------------------------------------ */
/* Permutations                                                         */
/* ------------------------------------------------------------------ */

typedef struct ln_permutation_builder {
    uint8_t *prefix, *prefix_count, *suffix, *suffix_count;
    bool in_suffix;
    uint32_t seen;
} ln_permutation_builder;

static bool permutation_add(ln_yaml_import *import, ln_permutation_builder *builder,
                            const char *name, size_t length, ln_source_location location)
{
    int dimension = ln_import_find_dimension(import, name, length, location, "the permutation");
    if (dimension < 0)
        return false;
    if (builder->seen & (1u << dimension)) {
        ln_error(import->diagnostics, location, "list each dimension once",
                 "dimension '%.*s' appears twice in the permutation", (int)length, name);
        return false;
    }
    builder->seen |= 1u << dimension;
    if (builder->in_suffix)
        builder->suffix[(*builder->suffix_count)++] = (uint8_t)dimension;
    else
        builder->prefix[(*builder->prefix_count)++] = (uint8_t)dimension;
    return true;
}

static bool permutation_from_text(ln_yaml_import *import, ln_permutation_builder *builder,
                                  const ln_yaml_node *node, bool allow_separator)
{
    const char *text = node->text;
    size_t length = strcspn(text, "#");
    bool comma_separated = memchr(text, ',', length) != NULL;
    size_t i = 0;
    while (i < length) {
        unsigned char c = (unsigned char)text[i];
        if (isspace(c) || (comma_separated && c == ',')) {
            i++;
            continue;
        }
        size_t start = i;
        if (comma_separated) {
            while (i < length && text[i] != ',')
                i++;
            size_t end = i;
            while (end > start && isspace((unsigned char)text[end - 1]))
                end--;
            if (allow_separator && end - start == 1 && text[start] == '_') {
                builder->in_suffix = true;
                continue;
            }
            if (!permutation_add(import, builder, text + start, end - start,
                                 offset_in_scalar(node, start)))
                return false;
        } else {
            i++;
            if (allow_separator && c == '_') {
                builder->in_suffix = true;
                continue;
            }
            if (!permutation_add(import, builder, text + start, 1, offset_in_scalar(node, start)))
                return false;
        }
    }
    return true;
}

bool ln_import_permutation(ln_yaml_import *import, const ln_yaml_node *node, bool allow_separator,
                           uint8_t *prefix, uint8_t *prefix_count, uint8_t *suffix,
                           uint8_t *suffix_count)
{
    uint8_t unused_suffix[LN_MAX_DIMENSIONS];
    uint8_t unused_suffix_count = 0;
    ln_permutation_builder builder = {prefix, prefix_count, suffix ? suffix : unused_suffix,
                                      suffix_count ? suffix_count : &unused_suffix_count, false, 0};
    *builder.prefix_count = 0;
    *builder.suffix_count = 0;
    if (ln_yaml_is_null(node))
        return true;
    if (node->kind == LN_YAML_SCALAR)
        return permutation_from_text(import, &builder, node, allow_separator);
    if (!ln_yaml_expect_kind(node, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                             "'permutation'"))
        return false;
    for (size_t i = 0; i < node->item_count; i++) {
        const ln_yaml_node *item = node->items[i];
        const char *name = ln_yaml_get_text(item, import->diagnostics, import->arena,
                                            "a permutation entry");
        if (!name)
            return false;
        if (allow_separator && strcmp(name, "_") == 0) {
            builder.in_suffix = true;
            continue;
        }
        if (!permutation_add(import, &builder, name, strlen(name), item->location))
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Factors                                                              */
/* ------------------------------------------------------------------ */

typedef struct ln_factor_list {
    ln_factor_entry *entries;
    size_t capacity;
    size_t *count;
} ln_factor_list;

static bool add_factor(ln_yaml_import *import, ln_factor_list *list, ln_factor_entry entry)
{
    for (size_t i = 0; i < *list->count; i++) {
        const ln_factor_entry *other = &list->entries[i];
        if (other->dimension == entry.dimension && other->operator_kind == entry.operator_kind) {
            ln_error(import->diagnostics, entry.location, "give each dimension's factor once",
                     "the factor of dimension '%s' is given twice",
                     import->spec->problem.dimension_names[entry.dimension]);
            return false;
        }
    }
    if (*list->count >= list->capacity) {
        ln_error(import->diagnostics, entry.location, "give each dimension one factor", "too many factors");
        return false;
    }
    list->entries[(*list->count)++] = entry;
    return true;
}

static bool read_digits(ln_yaml_import *import, const ln_yaml_node *node, const char *text,
                        size_t *cursor, int64_t *value)
{
    size_t start = *cursor;
    uint64_t number = 0;
    bool overflow = false;
    while (isdigit((unsigned char)text[*cursor])) {
        unsigned digit = (unsigned)(text[*cursor] - '0');
        if (number > (UINT32_MAX - digit) / 10)
            overflow = true;
        else
            number = number * 10 + digit;
        (*cursor)++;
    }
    if (overflow) {
        ln_error(import->diagnostics, offset_in_scalar(node, start), "use a smaller factor",
                 "integer overflow: factor %.*s is larger than %" PRIu32, (int)(*cursor - start),
                 text + start, UINT32_MAX);
        return false;
    }
    *value = (int64_t)number;
    return true;
}

/* Timeloop applies ([A-Za-z]+)\s*=*\s*([0-9]+)(,([0-9]+))? repeatedly and
 * silently skips what does not match; here anything that is not a factor,
 * a separator or a comment is reported instead. */
static bool factors_from_text(ln_yaml_import *import, ln_factor_list *list,
                              const ln_yaml_node *node, bool allow_inequalities)
{
    const char *text = node->text;
    size_t length = strcspn(text, "#");
    size_t i = 0;
    while (i < length) {
        unsigned char c = (unsigned char)text[i];
        if (isspace(c) || c == ',') {
            i++;
            continue;
        }
        if (!isalpha(c)) {
            ln_error(import->diagnostics, offset_in_scalar(node, i),
                     "write factors as `R=3 P=16` (or `R3 P16`, `R=3,P=16`)",
                     "unexpected '%c' in factors '%.*s'", c, (int)length, text);
            return false;
        }
        size_t name_start = i;
        while (i < length && isalpha((unsigned char)text[i]))
            i++;
        size_t name_length = i - name_start;
        while (i < length && isspace((unsigned char)text[i]))
            i++;
        ln_factor_entry entry;
        memset(&entry, 0, sizeof entry);
        entry.location = offset_in_scalar(node, name_start);
        entry.operator_kind = LN_FACTOR_OPERATOR_EQUAL;
        if (i + 1 < length && (text[i] == '<' || text[i] == '>') && text[i + 1] == '=') {
            if (!allow_inequalities) {
                ln_error(import->diagnostics, offset_in_scalar(node, i),
                         "a mapping fixes every factor: write `R=4`",
                         "a mapping cannot bound a factor with '%c='", text[i]);
                return false;
            }
            entry.operator_kind = text[i] == '<' ? LN_FACTOR_OPERATOR_AT_MOST : LN_FACTOR_OPERATOR_AT_LEAST;
            i += 2;
        } else {
            while (i < length && text[i] == '=')
                i++;
        }
        while (i < length && isspace((unsigned char)text[i]))
            i++;
        if (i >= length || !isdigit((unsigned char)text[i])) {
            ln_error(import->diagnostics, offset_in_scalar(node, i < length ? i : name_start),
                     "write factors as `R=3 P=16`", "expected a number after '%.*s' in factors '%.*s'",
                     (int)name_length, text + name_start, (int)length, text);
            return false;
        }
        if (!read_digits(import, node, text, &i, &entry.value))
            return false;
        if (i + 1 < length && text[i] == ',' && isdigit((unsigned char)text[i + 1])) {
            if (allow_inequalities || entry.operator_kind != LN_FACTOR_OPERATOR_EQUAL) {
                ln_error(import->diagnostics, offset_in_scalar(node, i + 1),
                         "separate factors with spaces or `name=` pairs",
                         "residual factors ('R=3,2') are only allowed in mappings");
                return false;
            }
            i++;
            entry.has_residual = true;
            if (!read_digits(import, node, text, &i, &entry.residual))
                return false;
        }
        int dimension = ln_import_find_dimension(import, text + name_start, name_length,
                                                 entry.location, "the factors");
        if (dimension < 0)
            return false;
        entry.dimension = (uint8_t)dimension;
        if (!add_factor(import, list, entry))
            return false;
    }
    return true;
}

bool ln_import_factors(ln_yaml_import *import, const ln_yaml_node *node, bool allow_inequalities,
                       ln_factor_entry *entries, size_t capacity, size_t *count)
{
    *count = 0;
    ln_factor_list list = {entries, capacity, count};
    if (ln_yaml_is_null(node))
        return true;
    if (node->kind == LN_YAML_SCALAR)
        return factors_from_text(import, &list, node, allow_inequalities);
    if (node->kind == LN_YAML_SEQUENCE) {
        for (size_t i = 0; i < node->item_count; i++) {
            const ln_yaml_node *item = node->items[i];
            if (!ln_yaml_get_text(item, import->diagnostics, import->arena, "a factor"))
                return false;
            if (!factors_from_text(import, &list, item, allow_inequalities))
                return false;
        }
        return true;
    }
    /* {R: 3, P: 16}; a value may carry a residual as "3,2". */
    for (size_t i = 0; i < node->pair_count; i++) {
        const ln_yaml_pair *pair = &node->pairs[i];
        ln_factor_entry entry;
        memset(&entry, 0, sizeof entry);
        entry.location = pair->key->location;
        entry.operator_kind = LN_FACTOR_OPERATOR_EQUAL;
        int dimension = ln_import_find_dimension(import, pair->key->text, strlen(pair->key->text),
                                                 pair->key->location, "the factors");
        if (dimension < 0)
            return false;
        entry.dimension = (uint8_t)dimension;
        const ln_yaml_node *value = pair->value;
        char what[128];
        snprintf(what, sizeof what, "the factor of '%s'", pair->key->text);
        if (value->kind == LN_YAML_SCALAR && strchr(value->text, ',') && !allow_inequalities) {
            size_t cursor = 0;
            const char *text = value->text;
            if (!isdigit((unsigned char)text[0]) ||
                !read_digits(import, value, text, &cursor, &entry.value) || text[cursor] != ',' ||
                !isdigit((unsigned char)text[cursor + 1])) {
                ln_error(import->diagnostics, value->location, "write `factor` or `factor,residual`",
                         "%s must be an integer, not %s", what, ln_yaml_describe(import->arena, value));
                return false;
            }
            cursor++;
            entry.has_residual = true;
            if (!read_digits(import, value, text, &cursor, &entry.residual))
                return false;
            if (text[cursor]) {
                ln_error(import->diagnostics, value->location, "write `factor` or `factor,residual`",
                         "%s must be an integer, not %s", what, ln_yaml_describe(import->arena, value));
                return false;
            }
        } else if (!ln_import_int(import, value, what, 0, UINT32_MAX, &entry.value)) {
            return false;
        }
        if (!add_factor(import, &list, entry))
            return false;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Constraints and fan-outs                                             */
/* ------------------------------------------------------------------ */

ln_constraint *ln_import_new_constraint(ln_yaml_import *import)
{
    ln_constraint_list *list = &import->spec->constraints;
    if (list->count >= import->constraint_capacity || !list->items) {
        uint32_t capacity = import->constraint_capacity ? import->constraint_capacity * 2 : 32;
        if (capacity < list->count + 1)
            capacity = list->count + 1;
        ln_constraint *items = ln_arena_alloc_array(import->arena, capacity, sizeof *items);
        if (list->count)
            memcpy(items, list->items, list->count * sizeof *items);
        list->items = items;
        import->constraint_capacity = capacity;
    }
    ln_constraint *constraint = &list->items[list->count++];
    memset(constraint, 0, sizeof *constraint);
    constraint->level = -1;
    return constraint;
}

uint64_t ln_import_fanout(const ln_arch *arch, uint32_t level)
{
    return ln_arch_fanout_x(arch, level) * ln_arch_fanout_y(arch, level);
}
