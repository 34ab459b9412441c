/* Accelergy's energy and area tables (ERT / ART) -> spec->energy, as
 * Timeloop's Topology::Specs::ParseAccelergyERT / ParseAccelergyART read
 * them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "frontend/yaml_import.h"

static const char *const table_keys[] = {"version", "tables", NULL};
static const char *const ert_entry_keys[] = {"name", "actions", NULL};
static const char *const ert_action_keys[] = {"name", "arguments", "energy", NULL};
static const char *const art_entry_keys[] = {"name", "area", NULL};

typedef struct ln_table_builder {
    ln_yaml_import *import;
    uint32_t capacity;
    uint32_t *action_capacities; /* parallel to components */
} ln_table_builder;

/* "System_top_level.GlobalBuffer[1..16]" -> "GlobalBuffer": the last
 * dot-separated part once the instance range is gone. */
static const char *level_name_of(ln_arena *arena, const char *name)
{
    size_t length = strlen(name);
    if (length && name[length - 1] == ']') {
        const char *open = strrchr(name, '[');
        if (open)
            length = (size_t)(open - name);
    }
    size_t start = 0;
    for (size_t i = 0; i < length; i++)
        if (name[i] == '.')
            start = i + 1;
    return ln_arena_strndup(arena, name + start, length - start);
}

static ln_component_energy *find_or_add_component(ln_table_builder *builder, const char *name,
                                                  ln_source_location location)
{
    ln_energy_table *table = &builder->import->spec->energy;
    for (uint32_t i = 0; i < table->count; i++)
        if (strcmp(table->components[i].name, name) == 0)
            return &table->components[i];
    ln_arena *arena = builder->import->arena;
    if (table->count >= builder->capacity || !table->components) {
        uint32_t capacity = builder->capacity ? builder->capacity * 2 : 16;
        if (capacity < table->count + 1)
            capacity = table->count + 1;
        ln_component_energy *components = ln_arena_alloc_array(arena, capacity, sizeof *components);
        uint32_t *capacities = ln_arena_alloc_array(arena, capacity, sizeof *capacities);
        if (table->count)
            memcpy(components, table->components, table->count * sizeof *components);
        if (builder->action_capacities)
            memcpy(capacities, builder->action_capacities, builder->capacity * sizeof *capacities);
        else
            for (uint32_t i = 0; i < table->count; i++)
                capacities[i] = table->components[i].action_count;
        table->components = components;
        builder->action_capacities = capacities;
        builder->capacity = capacity;
    }
    ln_component_energy *component = &table->components[table->count++];
    memset(component, 0, sizeof *component);
    component->name = ln_arena_strdup(arena, name);
    component->level_name = level_name_of(arena, name);
    component->location = location;
    builder->action_capacities[table->count - 1] = 0;
    return component;
}

/* Timeloop keeps the most expensive argument row of an action, starting
 * from 0. */
static void add_action_energy(ln_table_builder *builder, ln_component_energy *component,
                              const char *action, double energy)
{
    for (uint32_t i = 0; i < component->action_count; i++) {
        if (strcmp(component->actions[i].action, action) == 0) {
            if (energy > component->actions[i].energy)
                component->actions[i].energy = energy;
            return;
        }
    }
    ln_arena *arena = builder->import->arena;
    uint32_t index = (uint32_t)(component - builder->import->spec->energy.components);
    uint32_t *capacity = &builder->action_capacities[index];
    if (component->action_count >= *capacity) {
        uint32_t grown = *capacity ? *capacity * 2 : 8;
        ln_action_energy *actions = ln_arena_alloc_array(arena, grown, sizeof *actions);
        if (component->action_count)
            memcpy(actions, component->actions, component->action_count * sizeof *actions);
        component->actions = actions;
        *capacity = grown;
    }
    ln_action_energy *entry = &component->actions[component->action_count++];
    entry->action = ln_arena_strdup(arena, action);
    entry->energy = energy > 0 ? energy : 0;
}

static bool read_version(ln_yaml_import *import, const ln_yaml_node *table, const char *what,
                         double *version)
{
    const ln_yaml_node *node = ln_yaml_find(table, "version");
    if (!node) {
        char context[64];
        snprintf(context, sizeof context, "the %s", what);
        ln_import_missing_key(import, table, "version", context, "e.g. `version: 0.4`");
        return false;
    }
    char label[64];
    snprintf(label, sizeof label, "the %s version", what);
    return ln_import_double(import, node, label, version);
}

/* One action's rows: a list of {arguments, energy}, or (ERT 0.2 without
 * arguments) a single {energy}. */
static bool import_action_rows(ln_table_builder *builder, ln_component_energy *component,
                               const char *action, const ln_yaml_node *rows)
{
    ln_yaml_import *import = builder->import;
    const ln_yaml_node *single[1] = {rows};
    const ln_yaml_node *const *items = single;
    size_t count = 1;
    if (rows->kind == LN_YAML_SEQUENCE) {
        items = rows->items;
        count = rows->item_count;
    }
    bool ok = true;
    bool any = false;
    double energy = 0;
    for (size_t i = 0; i < count; i++) {
        const ln_yaml_node *row = items[i];
        if (!ln_yaml_expect_kind(row, LN_YAML_MAPPING, import->diagnostics, import->arena,
                                 "an ERT action")) {
            ok = false;
            continue;
        }
        ln_yaml_warn_unknown_keys(row, import->diagnostics, "an ERT action", ert_action_keys);
        const ln_yaml_node *value = ln_yaml_find(row, "energy");
        double row_energy;
        if (ln_yaml_is_null(value))
            continue;
        if (!ln_import_double(import, value, "an action's 'energy'", &row_energy)) {
            ok = false;
            continue;
        }
        if (!any || row_energy > energy)
            energy = row_energy;
        any = true;
    }
    add_action_energy(builder, component, action, any ? energy : 0);
    return ok;
}

static bool import_ert(ln_table_builder *builder, const ln_yaml_node *ert)
{
    ln_yaml_import *import = builder->import;
    if (!ln_yaml_expect_kind(ert, LN_YAML_MAPPING, import->diagnostics, import->arena, "'ERT'"))
        return false;
    ln_yaml_warn_unknown_keys(ert, import->diagnostics, "the ERT", table_keys);
    double version;
    if (!read_version(import, ert, "ERT", &version))
        return false;
    const ln_yaml_node *tables = ln_yaml_find(ert, "tables");
    if (!tables) {
        ln_import_missing_key(import, ert, "tables", "the ERT", "list the components' actions");
        return false;
    }
    bool ok = true;
    if (version == 0.2) {
        if (!ln_yaml_expect_kind(tables, LN_YAML_MAPPING, import->diagnostics, import->arena,
                                 "the tables of an ERT 0.2"))
            return false;
        for (size_t i = 0; i < tables->pair_count; i++) {
            const ln_yaml_pair *entry = &tables->pairs[i];
            ln_component_energy *component =
                find_or_add_component(builder, entry->key->text, entry->key->location);
            component->energy_source = "ERT";
            if (!ln_yaml_expect_kind(entry->value, LN_YAML_MAPPING, import->diagnostics,
                                     import->arena, "a component's actions")) {
                ok = false;
                continue;
            }
            for (size_t a = 0; a < entry->value->pair_count; a++)
                if (!import_action_rows(builder, component, entry->value->pairs[a].key->text,
                                        entry->value->pairs[a].value))
                    ok = false;
        }
    } else if (version == 0.3 || version == 0.4) {
        if (!ln_yaml_expect_kind(tables, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                                 "the ERT tables"))
            return false;
        for (size_t i = 0; i < tables->item_count; i++) {
            const ln_yaml_node *entry = tables->items[i];
            if (!ln_yaml_expect_kind(entry, LN_YAML_MAPPING, import->diagnostics, import->arena,
                                     "an ERT table")) {
                ok = false;
                continue;
            }
            ln_yaml_warn_unknown_keys(entry, import->diagnostics, "an ERT table", ert_entry_keys);
            const ln_yaml_node *name = ln_yaml_find(entry, "name");
            const ln_yaml_node *actions = ln_yaml_find(entry, "actions");
            if (!name || !actions) {
                ln_import_missing_key(import, entry, name ? "actions" : "name", "an ERT table",
                                      "each table has a `name` and a list of `actions`");
                ok = false;
                continue;
            }
            const char *text = ln_yaml_get_text(name, import->diagnostics, import->arena,
                                                "an ERT table's 'name'");
            if (!text || !ln_yaml_expect_kind(actions, LN_YAML_SEQUENCE, import->diagnostics,
                                              import->arena, "'actions'")) {
                ok = false;
                continue;
            }
            ln_component_energy *component = find_or_add_component(builder, text, entry->location);
            component->energy_source = "ERT";
            for (size_t a = 0; a < actions->item_count; a++) {
                const ln_yaml_node *action = actions->items[a];
                const ln_yaml_node *action_name = ln_yaml_find(action, "name");
                if (action->kind == LN_YAML_MAPPING && !action_name) {
                    ln_import_missing_key(import, action, "name", "an ERT action",
                                          "e.g. `name: read`");
                    ok = false;
                    continue;
                }
                const char *action_text = action_name ? ln_yaml_get_text(action_name, import->diagnostics,
                                                                         import->arena, "an action name")
                                                      : NULL;
                if (action->kind == LN_YAML_MAPPING && !action_text) {
                    ok = false;
                    continue;
                }
                if (!import_action_rows(builder, component, action_text ? action_text : "", action))
                    ok = false;
            }
        }
    } else {
        ln_error(import->diagnostics, ln_yaml_find(ert, "version")->location,
                 "use an ERT of version 0.2, 0.3 or 0.4", "unsupported ERT version %g", version);
        return false;
    }
    import->spec->energy.has_ert = true;
    return ok;
}

static bool import_art(ln_table_builder *builder, const ln_yaml_node *art)
{
    ln_yaml_import *import = builder->import;
    if (!ln_yaml_expect_kind(art, LN_YAML_MAPPING, import->diagnostics, import->arena, "'ART'"))
        return false;
    ln_yaml_warn_unknown_keys(art, import->diagnostics, "the ART", table_keys);
    double version;
    if (!read_version(import, art, "ART", &version))
        return false;
    if (version != 0.3 && version != 0.4) {
        ln_error(import->diagnostics, ln_yaml_find(art, "version")->location,
                 "use an ART of version 0.3 or 0.4", "unsupported ART version %g", version);
        return false;
    }
    const ln_yaml_node *tables = ln_yaml_find(art, "tables");
    if (!tables) {
        ln_import_missing_key(import, art, "tables", "the ART", "list the components' areas");
        return false;
    }
    if (!ln_yaml_expect_kind(tables, LN_YAML_SEQUENCE, import->diagnostics, import->arena,
                             "the ART tables"))
        return false;
    bool ok = true;
    for (size_t i = 0; i < tables->item_count; i++) {
        const ln_yaml_node *entry = tables->items[i];
        if (!ln_yaml_expect_kind(entry, LN_YAML_MAPPING, import->diagnostics, import->arena,
                                 "an ART table")) {
            ok = false;
            continue;
        }
        ln_yaml_warn_unknown_keys(entry, import->diagnostics, "an ART table", art_entry_keys);
        const ln_yaml_node *name = ln_yaml_find(entry, "name");
        if (!name) {
            ln_import_missing_key(import, entry, "name", "an ART table", "e.g. `name: System.PE`");
            ok = false;
            continue;
        }
        const char *text = ln_yaml_get_text(name, import->diagnostics, import->arena,
                                            "an ART table's 'name'");
        double area = 0;
        const ln_yaml_node *area_node = ln_yaml_find(entry, "area");
        if (!text || (area_node && !ln_import_double(import, area_node, "'area'", &area))) {
            ok = false;
            continue;
        }
        ln_component_energy *component = find_or_add_component(builder, text, entry->location);
        component->has_area = area_node != NULL;
        component->area = area;
        component->area_source = "ART";
    }
    import->spec->energy.has_art = true;
    return ok;
}

bool ln_yaml_import_energy_tables(ln_yaml_import *import, const ln_yaml_node *ert,
                                  const ln_yaml_node *art)
{
    ln_table_builder builder = {import, import->spec->energy.count, NULL};
    bool ok = true;
    if (ert && !ln_yaml_is_null(ert) && !import_ert(&builder, ert))
        ok = false;
    if (art && !ln_yaml_is_null(art) && !import_art(&builder, art))
        ok = false;
    return ok;
}
