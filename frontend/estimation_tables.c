#include "frontend/estimation_tables.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ir/stdlib_data.h"

typedef struct ln_path_list {
    char **items;
    size_t count;
    size_t capacity;
} ln_path_list;

static bool push_path(ln_path_list *list, char *path)
{
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 16;
        char **larger = realloc(list->items, capacity * sizeof *larger);
        if (!larger)
            return false;
        list->items = larger;
        list->capacity = capacity;
    }
    list->items[list->count++] = path;
    return true;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects *.csv files below `directory`; depth bounds symlink loops. */
static bool collect(const char *directory, unsigned depth, ln_path_list *list, ln_diagnostics *diagnostics)
{
    if (depth > 8)
        return true;
    DIR *handle = opendir(directory);
    if (!handle) {
        ln_error(diagnostics, ln_location_none(), "give a folder of CSV tables to --tables",
                 "cannot read the tables folder '%s': %s", directory, strerror(errno));
        return false;
    }
    bool ok = true;
    struct dirent *entry;
    while (ok && (entry = readdir(handle)) != NULL) {
        if (entry->d_name[0] == '.')
            continue;
        size_t length = strlen(directory) + strlen(entry->d_name) + 2;
        char *path = malloc(length);
        if (!path) {
            ok = false;
            break;
        }
        snprintf(path, length, "%s/%s", directory, entry->d_name);
        struct stat status;
        if (stat(path, &status) != 0) {
            free(path);
            continue;
        }
        size_t name_length = strlen(entry->d_name);
        if (S_ISDIR(status.st_mode)) {
            ok = collect(path, depth + 1, list, diagnostics);
            free(path);
        } else if (S_ISREG(status.st_mode) && name_length > 4 &&
                   strcasecmp(entry->d_name + name_length - 4, ".csv") == 0) {
            if (!push_path(list, path)) {
                free(path);
                ok = false;
            }
        } else {
            free(path);
        }
    }
    closedir(handle);
    return ok;
}

static char *read_file(const char *path, size_t *length)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    size_t capacity = 4096, used = 0;
    char *text = malloc(capacity);
    while (text) {
        if (used + 1 >= capacity) {
            char *larger = realloc(text, capacity * 2);
            if (!larger) {
                free(text);
                text = NULL;
                break;
            }
            text = larger;
            capacity *= 2;
        }
        size_t got = fread(text + used, 1, capacity - used - 1, file);
        used += got;
        if (got == 0)
            break;
    }
    bool failed = ferror(file);
    fclose(file);
    if (!text || failed) {
        free(text);
        return NULL;
    }
    text[used] = '\0';
    *length = used;
    return text;
}

/* The column whose header starts with `prefix` ("energy", "energy(pJ)"). */
static int column_starting(const ln_csv_table *table, const char *prefix)
{
    size_t length = strlen(prefix);
    for (uint32_t i = 0; i < table->column_count; i++)
        if (strncasecmp(table->columns[i], prefix, length) == 0)
            return (int)i;
    return -1;
}

static bool parse_table(const char *path, const char *text, size_t length, ln_arena *arena,
                        ln_diagnostics *diagnostics, ln_estimation_table *table)
{
    memset(table, 0, sizeof *table);
    /* Registered so that messages about a row can quote it. */
    const char *shown = ln_diagnostics_add_source(diagnostics, path, text, length);
    bool ok = ln_csv_parse(arena, diagnostics, shown, text, length, &table->csv);
    if (!ok)
        return false;
    table->path = shown;
    table->class_column = ln_csv_column(&table->csv, "class");
    table->action_column = ln_csv_column(&table->csv, "action");
    table->energy_column = column_starting(&table->csv, "energy");
    table->area_column = column_starting(&table->csv, "area");
    if (table->class_column < 0) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        table->class_name = ln_arena_strndup(arena, base, strlen(base) - 4);
    }
    ln_source_location header = {shown, 1, 1};
    if (table->energy_column < 0 && table->area_column < 0) {
        ln_error(diagnostics, header, "name a column `energy` (pJ per action) or `area` (um^2)",
                 "the table has neither an energy nor an area column");
        return false;
    }
    if (table->energy_column >= 0 && table->action_column < 0) {
        ln_error(diagnostics, header, "add an `action` column saying which action each energy is for",
                 "the table gives energies but no `action` column");
        return false;
    }
    for (uint32_t r = 0; r < table->csv.row_count; r++) {
        const ln_csv_row *row = &table->csv.rows[r];
        double number;
        int columns[2] = {table->energy_column, table->area_column};
        for (int k = 0; k < 2; k++) {
            if (columns[k] < 0 || row->fields[columns[k]][0] == '\0')
                continue;
            if (!ln_csv_number(row->fields[columns[k]], &number) || number < 0) {
                ln_source_location location = {shown, row->line, 1};
                ln_error(diagnostics, location, "write a non-negative number (pJ or um^2), or leave the cell empty",
                         "'%s' is not a valid %s", row->fields[columns[k]], table->csv.columns[columns[k]]);
                ok = false;
            }
        }
    }
    return ok;
}

static bool load_table(const char *path, ln_arena *arena, ln_diagnostics *diagnostics, ln_estimation_table *table)
{
    size_t length;
    char *text = read_file(path, &length);
    if (!text) {
        memset(table, 0, sizeof *table);
        ln_error(diagnostics, ln_location_none(), NULL, "cannot read the table '%s': %s", path, strerror(errno));
        return false;
    }
    bool ok = parse_table(path, text, length, arena, diagnostics, table);
    free(text);
    return ok;
}

/* `stdlib/...` names a folder of the standard library. When no such folder
 * exists on disk (an installed binary, or another working directory), the
 * copy embedded in the binary is read, so `--tables
 * stdlib/compat/accelergy-2024` works anywhere. False when `directory` is
 * not such a folder. */
static bool load_embedded(const char *directory, ln_arena *arena, ln_diagnostics *diagnostics,
                          ln_estimation_tables *tables, bool *ok)
{
    while (strncmp(directory, "./", 2) == 0)
        directory += 2;
    struct stat status;
    if (strncmp(directory, "stdlib/", 7) != 0 || stat(directory, &status) == 0)
        return false;
    char prefix[512];
    size_t prefix_length = (size_t)snprintf(prefix, sizeof prefix, "%s", directory + 7);
    while (prefix_length > 0 && prefix[prefix_length - 1] == '/')
        prefix[--prefix_length] = '\0';
    if (prefix_length + 2 >= sizeof prefix)
        return false;
    prefix[prefix_length++] = '/';
    prefix[prefix_length] = '\0';
    size_t count, matching = 0;
    const ln_stdlib_file *files = ln_stdlib_files(&count);
    for (size_t i = 0; i < count; i++)
        if (strncmp(files[i].path, prefix, prefix_length) == 0)
            matching++;
    if (matching == 0)
        return false;
    tables->tables = ln_arena_alloc_array(arena, matching, sizeof *tables->tables);
    *ok = true;
    for (size_t i = 0; i < count && *ok; i++) {
        size_t length = strlen(files[i].path);
        if (strncmp(files[i].path, prefix, prefix_length) != 0 || length < 4 ||
            strcasecmp(files[i].path + length - 4, ".csv") != 0)
            continue;
        const char *path = ln_arena_printf(arena, "stdlib/%s", files[i].path);
        if (parse_table(path, files[i].text, files[i].length, arena, diagnostics, &tables->tables[tables->count]))
            tables->count++;
        else
            *ok = false;
    }
    return true;
}

bool ln_load_estimation_tables(const char *directory, ln_arena *arena, ln_diagnostics *diagnostics,
                               ln_estimation_tables *tables)
{
    memset(tables, 0, sizeof *tables);
    bool embedded_ok;
    if (load_embedded(directory, arena, diagnostics, tables, &embedded_ok))
        return embedded_ok;
    ln_path_list list = {NULL, 0, 0};
    bool ok = collect(directory, 0, &list, diagnostics);
    if (ok && list.count == 0)
        ln_warning(diagnostics, ln_location_none(), "put CSV files (one per class, e.g. intadder.csv) in it",
                   "the tables folder '%s' holds no .csv files", directory);
    if (list.count)
        qsort(list.items, list.count, sizeof *list.items, compare_paths);
    tables->tables = ln_arena_alloc_array(arena, list.count ? list.count : 1, sizeof *tables->tables);
    for (size_t i = 0; i < list.count; i++) {
        if (ok && load_table(list.items[i], arena, diagnostics, &tables->tables[tables->count]))
            tables->count++;
        else
            ok = false;
        free(list.items[i]);
    }
    free(list.items);
    return ok;
}
