/* Compares a loopnest report with Timeloop's.
 *
 *   compare_reports stats REFERENCE.stats.txt OURS.stats.txt
 *   compare_reports map   REFERENCE.map.txt   OURS.map.txt
 *
 * stats: every numeric figure of the reference (per level, per tensor, the
 * operational-intensity and summary sections) must appear in ours under the
 * same section, level, tensor and key. Counts must be equal; energies (keys
 * that name an energy, fJ/Compute, EDP) may differ by 0.5% of the reference
 * plus half a unit of the last printed digit on each side, because both
 * files print two decimals. The summary "Area:" line is skipped: loopnest
 * deliberately prints the real area where Timeloop prints 0.
 * map: the files must be identical.
 * Exit status 0 when they match, 1 with every difference listed otherwise. */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct figure {
    char key[512];   /* section/level/tensor/name */
    char value[128]; /* first token of the value */
    int line;
} figure;

typedef struct figure_list {
    figure *items;
    size_t count, capacity;
} figure_list;

static char *read_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "compare_reports: cannot open %s\n", path);
        return NULL;
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, file) != (size_t)size) {
        fclose(file);
        free(text);
        return NULL;
    }
    text[size] = '\0';
    fclose(file);
    return text;
}

static void trim(char *text)
{
    size_t length = strlen(text);
    while (length && isspace((unsigned char)text[length - 1]))
        text[--length] = '\0';
    size_t start = 0;
    while (isspace((unsigned char)text[start]))
        start++;
    memmove(text, text + start, length - start + 1);
}

static void add_figure(figure_list *list, const char *key, const char *value, int line)
{
    if (list->count == list->capacity) {
        list->capacity = list->capacity ? list->capacity * 2 : 256;
        list->items = realloc(list->items, list->capacity * sizeof *list->items);
        if (!list->items)
            abort();
    }
    figure *item = &list->items[list->count++];
    snprintf(item->key, sizeof item->key, "%.511s", key);
    snprintf(item->value, sizeof item->value, "%.127s", value);
    item->line = line;
}

static bool is_number(const char *token)
{
    char *end;
    strtod(token, &end);
    return end != token && (*end == '\0' || *end == '%');
}

/* Splits a stats.txt into keyed figures. */
static void parse_stats(char *text, figure_list *list)
{
    char section[128] = "", level[128] = "", tensor[128] = "";
    int line_number = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        line_number++;
        char buffer[1024];
        snprintf(buffer, sizeof buffer, "%s", line);
        bool indented_tensor = strncmp(line, "    ", 4) == 0 && line[4] != ' ';
        trim(buffer);
        if (buffer[0] == '\0' || strspn(buffer, "-") == strlen(buffer))
            continue;
        if (strcmp(buffer, "Buffer and Arithmetic Levels") == 0 || strcmp(buffer, "Networks") == 0 ||
            strcmp(buffer, "Operational Intensity Stats") == 0 || strcmp(buffer, "Summary Stats") == 0) {
            snprintf(section, sizeof section, "%.127s", buffer);
            level[0] = tensor[0] = '\0';
            continue;
        }
        if (strncmp(buffer, "=== ", 4) == 0) {
            snprintf(level, sizeof level, "%.127s", buffer + 4);
            char *end = strstr(level, " ===");
            if (end)
                *end = '\0';
            tensor[0] = '\0';
            continue;
        }
        if (strcmp(buffer, "fJ/Compute") == 0) {
            snprintf(tensor, sizeof tensor, "%.127s", buffer);
            continue;
        }
        if (strcmp(buffer, "SPECS") == 0 || strcmp(buffer, "STATS") == 0) {
            tensor[0] = '\0';
            continue;
        }
        size_t length = strlen(buffer);
        if (indented_tensor && length > 1 && buffer[length - 1] == ':' && !strchr(buffer, ' ')) {
            snprintf(tensor, sizeof tensor, "%.*s", (int)(length - 1 < 127 ? length - 1 : 127), buffer);
            continue;
        }
        char *separator = strstr(buffer, " : ");
        if (!separator)
            separator = strstr(buffer, ": ");
        if (!separator)
            separator = strstr(buffer, " = ");
        if (!separator && strncmp(buffer, "Computes = ", 11) == 0)
            separator = buffer + 8;
        if (!separator)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(separator - buffer < 255 ? separator - buffer : 255), buffer);
        trim(name);
        char *value = separator + (separator[0] == ' ' ? 3 : 2);
        char token[128];
        if (sscanf(value, "%127s", token) != 1 || !is_number(token))
            continue;
        if (strcmp(section, "Summary Stats") == 0 && strcmp(name, "Area") == 0)
            continue;
        char key[512];
        snprintf(key, sizeof key, "%.100s/%.100s/%.100s/%.200s", section, level, tensor, name);
        add_figure(list, key, token, line_number);
    }
}

static bool is_energy_key(const char *key)
{
    return strstr(key, "nergy") || strstr(key, "fJ/Compute") || strstr(key, "EDP");
}

static int compare_stats(const char *reference_path, const char *ours_path)
{
    char *reference_text = read_file(reference_path), *ours_text = read_file(ours_path);
    if (!reference_text || !ours_text)
        return 1;
    figure_list reference = {0}, ours = {0};
    parse_stats(reference_text, &reference);
    parse_stats(ours_text, &ours);
    int mismatches = 0;
    size_t compared = 0;
    for (size_t i = 0; i < reference.count; i++) {
        const figure *expected = &reference.items[i];
        const figure *actual = NULL;
        for (size_t j = 0; j < ours.count && !actual; j++)
            if (strcmp(ours.items[j].key, expected->key) == 0)
                actual = &ours.items[j];
        if (!actual) {
            printf("missing: %s (reference line %d: %s)\n", expected->key, expected->line, expected->value);
            mismatches++;
            continue;
        }
        compared++;
        if (strcmp(actual->value, expected->value) == 0)
            continue;
        double want = strtod(expected->value, NULL), got = strtod(actual->value, NULL);
        if (is_energy_key(expected->key) && fabs(got - want) <= 0.005 * fabs(want) + 0.0101)
            continue;
        printf("differs: %s: reference %s (line %d), loopnest %s (line %d)\n", expected->key, expected->value,
               expected->line, actual->value, actual->line);
        mismatches++;
    }
    printf("%zu figures compared, %d mismatches\n", compared, mismatches);
    free(reference.items);
    free(ours.items);
    free(reference_text);
    free(ours_text);
    return mismatches ? 1 : 0;
}

static int compare_map(const char *reference_path, const char *ours_path)
{
    char *reference_text = read_file(reference_path), *ours_text = read_file(ours_path);
    if (!reference_text || !ours_text)
        return 1;
    int status = 0;
    if (strcmp(reference_text, ours_text) != 0) {
        int line = 1;
        const char *a = reference_text, *b = ours_text;
        while (*a && *a == *b) {
            if (*a == '\n')
                line++;
            a++;
            b++;
        }
        printf("map differs from line %d\n--- reference\n%s\n--- loopnest\n%s\n", line, reference_text,
               ours_text);
        status = 1;
    } else {
        printf("map identical\n");
    }
    free(reference_text);
    free(ours_text);
    return status;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fputs("usage: compare_reports stats|map REFERENCE OURS\n", stderr);
        return 2;
    }
    if (strcmp(argv[1], "stats") == 0)
        return compare_stats(argv[2], argv[3]);
    if (strcmp(argv[1], "map") == 0)
        return compare_map(argv[2], argv[3]);
    fputs("usage: compare_reports stats|map REFERENCE OURS\n", stderr);
    return 2;
}
