/* Loading a .nest program (files, includes, declarations), choosing what
 * it evaluates, and the name lookups the lowering steps share. */
/* realpath() is an XSI function. */
#define _XOPEN_SOURCE 700

#include "frontend/nest_spec.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "frontend/diagnostics.h"
#include "frontend/nest_lower.h"
#include "frontend/nest_reader.h"
#include "frontend/yaml_spec.h"

static void *checked(void *pointer)
{
    if (!pointer) {
        fputs("loopnest: error: out of memory\n", stderr);
        abort();
    }
    return pointer;
}

static bool has_suffix(const char *path, const char *suffix)
{
    size_t length = strlen(path), suffix_length = strlen(suffix);
    return length > suffix_length && strcmp(path + length - suffix_length, suffix) == 0;
}

bool ln_is_nest_path(const char *path)
{
    return has_suffix(path, ".nest");
}

/* ------------------------------------------------------------------ */
/* Names                                                                */
/* ------------------------------------------------------------------ */

const ln_nest_node *ln_nest_find_declaration(const ln_nest_declarations *declarations,
                                             const char *name)
{
    for (size_t i = 0; name && i < declarations->count; i++)
        if (declarations->items[i]->name && strcmp(declarations->items[i]->name, name) == 0)
            return declarations->items[i];
    return NULL;
}

int ln_nest_find_dimension(const ln_problem *problem, const char *name)
{
    int exact = ln_problem_find_dimension(problem, name);
    if (exact >= 0)
        return exact;
    int found = -1;
    for (int d = 0; d < problem->dimension_count; d++) {
        if (strcasecmp(problem->dimension_names[d], name) == 0) {
            if (found >= 0)
                return -1;
            found = d;
        }
    }
    return found;
}

void ln_nest_name_hint(char *hint, size_t size, const char *name, const char *const *candidates,
                       size_t count, const char *kind)
{
    const char *closest = ln_closest_name(name, candidates, count);
    if (closest) {
        snprintf(hint, size, "did you mean `%s`?", closest);
        return;
    }
    if (count == 0) {
        snprintf(hint, size, "there are no %s", kind);
        return;
    }
    size_t used = (size_t)snprintf(hint, size, "the %s are", kind);
    for (size_t i = 0; i < count && used < size; i++)
        used += (size_t)snprintf(hint + used, size - used, "%s `%s`", i ? "," : "", candidates[i]);
}

int ln_nest_resolve_dimension(ln_nest_lowering *lowering, const char *name,
                              ln_source_location location, const char *what)
{
    const ln_problem *problem = &lowering->spec->problem;
    int dimension = ln_nest_find_dimension(problem, name);
    if (dimension >= 0)
        return dimension;
    /* Suggest the spelling that was probably meant: indices are usually
     * written in lower case. */
    const char *candidates[2 * LN_MAX_DIMENSIONS];
    char lower[LN_MAX_DIMENSIONS][64];
    size_t count = 0;
    for (uint8_t d = 0; d < problem->dimension_count; d++) {
        candidates[count++] = problem->dimension_names[d];
        snprintf(lower[d], sizeof lower[d], "%s", problem->dimension_names[d]);
        for (char *c = lower[d]; *c; c++)
            *c = (char)tolower((unsigned char)*c);
    }
    for (uint8_t d = 0; d < problem->dimension_count; d++)
        if (strcmp(lower[d], problem->dimension_names[d]) != 0)
            candidates[count++] = lower[d];
    char hint[512];
    const char *closest = ln_closest_name(name, candidates, count);
    if (closest)
        snprintf(hint, sizeof hint, "did you mean `%s`?", closest);
    else
        ln_nest_name_hint(hint, sizeof hint, name, problem->dimension_names,
                          problem->dimension_count, "dimensions");
    if (ln_problem_find_coefficient(problem, name) >= 0)
        ln_error(lowering->diagnostics, location, hint, "`%s` is a coefficient, not a dimension %s",
                 name, what);
    else
        ln_error(lowering->diagnostics, location, hint, "`%s` is no dimension of problem %s %s", name,
                 problem->name ? problem->name : "", what);
    return -1;
}

int ln_nest_resolve_tensor(ln_nest_lowering *lowering, const char *name, ln_source_location location)
{
    const ln_problem *problem = &lowering->spec->problem;
    int tensor = ln_problem_find_tensor(problem, name);
    if (tensor >= 0)
        return tensor;
    const char *candidates[LN_MAX_TENSORS];
    for (uint8_t t = 0; t < problem->tensor_count; t++)
        candidates[t] = problem->tensors[t].name;
    char hint[512];
    ln_nest_name_hint(hint, sizeof hint, name, candidates, problem->tensor_count, "tensors");
    ln_error(lowering->diagnostics, location, hint, "unknown tensor `%s`", name);
    return -1;
}

int ln_nest_resolve_level(ln_nest_lowering *lowering, const char *name, ln_source_location location)
{
    const ln_arch *arch = &lowering->spec->arch;
    int level = ln_arch_find_storage(arch, name);
    if (level >= 0)
        return level;
    char dummy[256];
    snprintf(dummy, sizeof dummy, "inter_%s_spatial", name);
    level = ln_arch_find_storage(arch, dummy);
    if (level >= 0 && arch->storage[level].is_dummy)
        return level;
    if (arch->compute.name && strcmp(arch->compute.name, name) == 0) {
        ln_error(lowering->diagnostics, location,
                 "loops and constraints belong to storage levels; the compute level runs the "
                 "innermost iteration",
                 "`%s` is the compute level, not a storage level", name);
        return -1;
    }
    const char *candidates[2 * LN_MAX_STORAGE_LEVELS];
    char containers[LN_MAX_STORAGE_LEVELS][128];
    size_t count = 0;
    for (uint32_t i = arch->storage_count; i-- > 0;)
        candidates[count++] = arch->storage[i].name;
    size_t first_container = count;
    for (uint32_t i = arch->storage_count; i-- > 0;) {
        const char *storage_name = arch->storage[i].name;
        size_t length = strlen(storage_name);
        if (arch->storage[i].is_dummy && strncmp(storage_name, "inter_", 6) == 0 && length > 14 &&
            strcmp(storage_name + length - 8, "_spatial") == 0) {
            size_t index = count - first_container;
            snprintf(containers[index], sizeof containers[index], "%.*s", (int)(length - 14),
                     storage_name + 6);
            candidates[count++] = containers[index];
        }
    }
    char hint[1024];
    ln_nest_name_hint(hint, sizeof hint, name, candidates, first_container,
                      "storage levels (outermost first)");
    const char *closest = ln_closest_name(name, candidates, count);
    if (closest)
        snprintf(hint, sizeof hint, "did you mean `%s`?", closest);
    ln_error(lowering->diagnostics, location, hint, "unknown level `%s` in architecture %s", name,
             arch->name ? arch->name : "");
    return -1;
}

bool ln_nest_tensor_mask(ln_nest_lowering *lowering, const ln_nest_node *list, ln_tensor_mask *mask)
{
    bool ok = true;
    for (size_t i = 0; i < list->child_count; i++) {
        const ln_nest_node *name = list->children[i];
        int tensor = ln_nest_resolve_tensor(lowering, name->name, name->name_location);
        if (tensor < 0)
            ok = false;
        else
            *mask = (ln_tensor_mask)(*mask | (1u << tensor));
    }
    return ok;
}

ln_nest_flag_kind ln_nest_flag_kind_of(const char *flag)
{
    if (strcmp(flag, "no_multicast") == 0 || strcmp(flag, "no_link_transfer") == 0)
        return LN_NEST_FLAG_SPATIAL;
    if (strcmp(flag, "no_coalesce") == 0)
        return LN_NEST_FLAG_DATASPACE;
    return LN_NEST_FLAG_TEMPORAL;
}

uint64_t ln_nest_fanout(const ln_arch *arch, uint32_t level)
{
    return ln_arch_fanout_x(arch, level) * ln_arch_fanout_y(arch, level);
}

/* ------------------------------------------------------------------ */
/* Files and includes                                                   */
/* ------------------------------------------------------------------ */

static bool file_exists(const char *path)
{
    struct stat status;
    return stat(path, &status) == 0 && S_ISREG(status.st_mode);
}

static char *join_path(const char *directory, size_t directory_length, const char *name)
{
    size_t length = directory_length + strlen(name) + 2;
    char *path = checked(malloc(length));
    if (directory_length)
        snprintf(path, length, "%.*s/%s", (int)directory_length, directory, name);
    else
        snprintf(path, length, "%s", name);
    return path;
}

/* The file an include names: next to the including file, else in the
 * include directories. NULL when none exists. */
static char *resolve_include(const ln_nest_lowering *lowering, const char *including,
                             const char *name)
{
    if (name[0] == '/')
        return file_exists(name) ? ln_nest_strdup(name) : NULL;
    const char *slash = strrchr(including, '/');
    char *candidate = join_path(including, slash ? (size_t)(slash - including) : 0, name);
    if (file_exists(candidate))
        return candidate;
    free(candidate);
    for (size_t i = 0; lowering->options && i < lowering->options->include_directory_count; i++) {
        const char *directory = lowering->options->include_directories[i];
        candidate = join_path(directory, strlen(directory), name);
        if (file_exists(candidate))
            return candidate;
        free(candidate);
    }
    return NULL;
}

static bool load_yaml(ln_nest_lowering *lowering, const char *path)
{
    if (lowering->document_count == lowering->document_capacity) {
        size_t capacity = lowering->document_capacity ? lowering->document_capacity * 2 : 8;
        lowering->documents = checked(realloc(lowering->documents, capacity * sizeof *lowering->documents));
        lowering->document_capacity = capacity;
    }
    ln_yaml_document *document = &lowering->documents[lowering->document_count];
    if (!ln_yaml_parse_file(lowering->arena, lowering->diagnostics, path, document))
        return false;
    lowering->document_count++;
    return true;
}

static bool load_nest(ln_nest_lowering *lowering, const char *path);

static bool load_includes(ln_nest_lowering *lowering, const char *path, const ln_nest_node *tree)
{
    bool ok = true;
    for (size_t i = 0; i < tree->child_count; i++) {
        const ln_nest_node *item = tree->children[i];
        if (item->kind != LN_NEST_INCLUDE)
            continue;
        char *resolved = resolve_include(lowering, path, item->name);
        if (!resolved) {
            char hint[1024];
            size_t used = (size_t)snprintf(hint, sizeof hint,
                                           "looked next to the including file");
            for (size_t d = 0; lowering->options && d < lowering->options->include_directory_count &&
                               used < sizeof hint;
                 d++)
                used += (size_t)snprintf(hint + used, sizeof hint - used, " and in %s",
                                         lowering->options->include_directories[d]);
            ln_error(lowering->diagnostics, item->name_location, hint,
                     "cannot find included file \"%s\"", item->name);
            ok = false;
            continue;
        }
        if (ln_is_nest_path(resolved))
            ok = load_nest(lowering, resolved) && ok;
        else if (has_suffix(resolved, ".yaml") || has_suffix(resolved, ".yml"))
            ok = load_yaml(lowering, resolved) && ok;
        else {
            ln_error(lowering->diagnostics, item->name_location,
                     "include .nest files and .yaml files",
                     "cannot include \"%s\": not a .nest or .yaml file", item->name);
            ok = false;
        }
        free(resolved);
    }
    return ok;
}

static bool load_nest(ln_nest_lowering *lowering, const char *path)
{
    char *real = realpath(path, NULL);
    for (size_t i = 0; real && i < lowering->unit_count; i++) {
        if (strcmp(lowering->units[i].real_path, real) == 0) {
            free(real);
            return true;
        }
    }
    if (!real && !file_exists(path)) {
        ln_error(lowering->diagnostics, ln_location_none(), "check the path",
                 "cannot open '%s'", path);
        return false;
    }
    ln_nest_node *tree = ln_nest_parse_file(lowering->diagnostics, path);
    if (!tree) {
        free(real);
        return false;
    }
    if (lowering->unit_count == lowering->unit_capacity) {
        size_t capacity = lowering->unit_capacity ? lowering->unit_capacity * 2 : 8;
        lowering->units = checked(realloc(lowering->units, capacity * sizeof *lowering->units));
        lowering->unit_capacity = capacity;
    }
    ln_nest_unit *unit = &lowering->units[lowering->unit_count++];
    unit->path = ln_diagnostics_find_source(lowering->diagnostics, path)->path;
    unit->real_path = real ? real : ln_nest_strdup(path);
    unit->tree = tree;
    return load_includes(lowering, unit->path, tree);
}

/* ------------------------------------------------------------------ */
/* Declarations                                                         */
/* ------------------------------------------------------------------ */

static const char *kind_word(ln_nest_kind kind)
{
    switch (kind) {
    case LN_NEST_SHAPE:
        return "shape";
    case LN_NEST_ARCH:
        return "arch";
    case LN_NEST_MAPPING:
        return "mapping";
    case LN_NEST_SEARCH:
        return "search";
    case LN_NEST_COMPONENT_CLASS:
        return "component";
    default:
        return "problem";
    }
}

static void declare(ln_nest_lowering *lowering, ln_nest_declarations *declarations,
                    const ln_nest_node *node)
{
    const ln_nest_node *other = ln_nest_find_declaration(declarations, node->name);
    if (other) {
        char hint[512];
        snprintf(hint, sizeof hint, "the other is at %s:%u:%u; rename one of them",
                 other->location.file ? other->location.file : "", other->location.line,
                 other->location.column);
        ln_error(lowering->diagnostics, node->name_location, hint, "%s `%s` is defined twice",
                 kind_word(node->kind), node->name);
        return;
    }
    if (declarations->count == declarations->capacity) {
        size_t capacity = declarations->capacity ? declarations->capacity * 2 : 8;
        declarations->items = checked(realloc(declarations->items, capacity * sizeof *declarations->items));
        declarations->capacity = capacity;
    }
    declarations->items[declarations->count++] = node;
}

static void collect_declarations(ln_nest_lowering *lowering)
{
    for (size_t u = 0; u < lowering->unit_count; u++) {
        const ln_nest_node *tree = lowering->units[u].tree;
        for (size_t i = 0; i < tree->child_count; i++) {
            const ln_nest_node *item = tree->children[i];
            switch (item->kind) {
            case LN_NEST_SHAPE:
            case LN_NEST_PROBLEM:
            case LN_NEST_INSTANCE:
                declare(lowering, &lowering->problems, item);
                break;
            case LN_NEST_ARCH:
                declare(lowering, &lowering->archs, item);
                break;
            case LN_NEST_MAPPING:
            case LN_NEST_SEARCH: {
                ln_nest_declarations *list = item->kind == LN_NEST_MAPPING ? &lowering->mappings
                                                                           : &lowering->searches;
                if (item->name) {
                    declare(lowering, list, item);
                } else {
                    /* Unnamed ones cannot clash by name; they are counted. */
                    if (list->count == list->capacity) {
                        size_t capacity = list->capacity ? list->capacity * 2 : 4;
                        list->items = checked(realloc(list->items, capacity * sizeof *list->items));
                        list->capacity = capacity;
                    }
                    list->items[list->count++] = item;
                }
                break;
            }
            default:
                break;
            }
        }
    }
}

/* At most one mapping and one search per spec. */
static const ln_nest_node *single(ln_nest_lowering *lowering, const ln_nest_declarations *list,
                                  const char *word)
{
    if (list->count == 0)
        return NULL;
    if (list->count > 1) {
        const ln_nest_node *first = list->items[0];
        char hint[512];
        snprintf(hint, sizeof hint,
                 "the first is at %s:%u; evaluate one %s at a time (keep each in its own file and "
                 "include what they share)",
                 first->location.file ? first->location.file : "", first->location.line, word);
        ln_error(lowering->diagnostics, list->items[1]->location, hint, "a second %s", word);
    }
    return list->items[0];
}

/* The problem or arch that `name` (from `for NAME` / `on NAME`) names, or
 * the only one defined. */
static const ln_nest_node *choose(ln_nest_lowering *lowering, const ln_nest_declarations *list,
                                  const char *name, ln_source_location name_location,
                                  const char *word, const char *clause, bool skip_shapes)
{
    if (name) {
        const ln_nest_node *found = ln_nest_find_declaration(list, name);
        if (found)
            return found;
        const char *candidates[64];
        size_t count = 0;
        for (size_t i = 0; i < list->count && count < 64; i++)
            candidates[count++] = list->items[i]->name;
        char hint[512];
        char kind[32];
        snprintf(kind, sizeof kind, "%ss", word);
        ln_nest_name_hint(hint, sizeof hint, name, candidates, count, kind);
        ln_error(lowering->diagnostics, name_location, hint, "unknown %s `%s`", word, name);
        return NULL;
    }
    const ln_nest_node *chosen = NULL;
    size_t count = 0;
    for (size_t i = 0; i < list->count; i++) {
        if (skip_shapes && list->items[i]->kind == LN_NEST_SHAPE)
            continue;
        if (!chosen)
            chosen = list->items[i];
        count++;
    }
    if (count > 1) {
        char hint[512];
        snprintf(hint, sizeof hint, "say which one with `%s NAME` in the mapping or search header",
                 clause);
        ln_error(lowering->diagnostics, ln_location_none(), hint,
                 "the program defines %zu %ss; which one is evaluated is ambiguous", count, word);
        return NULL;
    }
    return chosen;
}

/* ------------------------------------------------------------------ */
/* Entry point                                                          */
/* ------------------------------------------------------------------ */

static void release(ln_nest_lowering *lowering)
{
    for (size_t i = 0; i < lowering->unit_count; i++) {
        ln_nest_node_free(lowering->units[i].tree);
        free(lowering->units[i].real_path);
    }
    free(lowering->units);
    free(lowering->documents);
    free(lowering->problems.items);
    free(lowering->archs.items);
    free(lowering->mappings.items);
    free(lowering->searches.items);
}

static void lower_program(ln_nest_lowering *lowering)
{
    ln_spec *spec = lowering->spec;
    collect_declarations(lowering);
    const ln_nest_node *mapping = single(lowering, &lowering->mappings, "mapping");
    const ln_nest_node *search = single(lowering, &lowering->searches, "search");

    const char *problem_name = NULL, *arch_name = NULL;
    ln_source_location problem_location = ln_location_none(), arch_location = ln_location_none();
    const ln_nest_node *headers[2] = {mapping, search};
    for (int i = 0; i < 2; i++) {
        const ln_nest_node *header = headers[i];
        if (!header)
            continue;
        if (header->name2) {
            if (problem_name && strcmp(problem_name, header->name2) != 0)
                ln_error(lowering->diagnostics, header->name2_location,
                         "a spec has one problem: make the mapping and the search name the same one",
                         "the search is for problem `%s`, the mapping for `%s`", header->name2,
                         problem_name);
            problem_name = header->name2;
            problem_location = header->name2_location;
        }
        if (header->name3) {
            if (arch_name && strcmp(arch_name, header->name3) != 0)
                ln_error(lowering->diagnostics, header->name3_location,
                         "a spec has one architecture: make the mapping and the search name the same one",
                         "the search is on arch `%s`, the mapping on `%s`", header->name3, arch_name);
            arch_name = header->name3;
            arch_location = header->name3_location;
        }
    }
    const ln_nest_node *problem = choose(lowering, &lowering->problems, problem_name,
                                         problem_location, "problem", "for", true);
    const ln_nest_node *arch = choose(lowering, &lowering->archs, arch_name, arch_location, "arch",
                                      "on", false);
    if (lowering->diagnostics->error_count)
        return;
    ln_nest_lower_components(lowering);

    if (problem) {
        if (spec->has_problem)
            ln_warning(lowering->diagnostics, problem->location,
                       "give the problem in one place only",
                       "problem `%s` replaces the problem read from YAML", problem->name);
        ln_problem lowered;
        memset(&lowered, 0, sizeof lowered);
        spec->has_problem = false;
        if (ln_nest_lower_problem(lowering, problem, &lowered)) {
            spec->problem = lowered;
            spec->has_problem = true;
        } else {
            /* The architecture is still checked; mappings need the problem. */
            if (arch)
                ln_nest_lower_arch(lowering, arch);
            return;
        }
    }
    if (arch) {
        if (spec->has_arch)
            ln_warning(lowering->diagnostics, arch->location,
                       "give the architecture in one place only",
                       "arch `%s` replaces the architecture read from YAML", arch->name);
        if (!ln_nest_lower_arch(lowering, arch))
            return;
    } else if (spec->has_arch && spec->arch.form == LN_ARCH_FORM_NODES) {
        /* A v0.4 YAML architecture: its constraints complete the mapping. */
        lowering->fold_architecture_constraints = true;
        lowering->architecture_constraints_begin = 0;
        lowering->architecture_constraints_end = spec->constraints.count;
    }
    if ((mapping || search) && !spec->has_problem) {
        ln_error(lowering->diagnostics, (mapping ? mapping : search)->location,
                 "define a problem (or include one) or give a YAML problem",
                 "no problem for this %s", mapping ? "mapping" : "search");
        return;
    }
    if ((mapping || search) && !spec->has_arch) {
        ln_error(lowering->diagnostics, (mapping ? mapping : search)->location,
                 "define an arch (or include one) or give a YAML architecture",
                 "no architecture for this %s", mapping ? "mapping" : "search");
        return;
    }
    if (search)
        ln_nest_lower_search(lowering, search);
    if (mapping)
        ln_nest_lower_mapping(lowering, mapping);
}

bool ln_load_spec(ln_spec *spec, ln_diagnostics *diagnostics, const char *const *paths,
                  size_t path_count, const ln_nest_options *options)
{
    size_t errors_before = diagnostics->error_count;
    ln_nest_lowering lowering;
    memset(&lowering, 0, sizeof lowering);
    lowering.spec = spec;
    lowering.diagnostics = diagnostics;
    lowering.arena = &spec->arena;
    lowering.options = options;

    bool any_nest = false;
    for (size_t i = 0; i < path_count; i++) {
        if (ln_is_nest_path(paths[i])) {
            any_nest = true;
            load_nest(&lowering, paths[i]);
        } else {
            load_yaml(&lowering, paths[i]);
        }
    }
    if (diagnostics->error_count == errors_before && lowering.document_count)
        ln_yaml_import_documents(spec, diagnostics, lowering.documents, lowering.document_count);
    if (diagnostics->error_count == errors_before && any_nest)
        lower_program(&lowering);
    release(&lowering);
    return diagnostics->error_count == errors_before;
}
