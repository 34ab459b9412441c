#include "backend/accelergy_tables.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

static const char *const table_version = "'0.4'";

void ln_format_accelergy_number(char *buffer, size_t size, double value)
{
    if (!isfinite(value)) {
        snprintf(buffer, size, "%s", value != value ? ".nan" : (value > 0 ? ".inf" : "-.inf"));
        return;
    }
    if (value != 0 && fabs(value) < 1e-3) {
        snprintf(buffer, size, "%.6g", value);
        return;
    }
    snprintf(buffer, size, "%.6f", round(value * 1e6) / 1e6);
    char *dot = strchr(buffer, '.');
    if (!dot)
        return;
    size_t length = strlen(buffer);
    while (length > (size_t)(dot - buffer) + 2 && buffer[length - 1] == '0')
        buffer[--length] = '\0';
}

/* Plain when YAML reads it back as the same text; double-quoted otherwise. */
static void put_string(FILE *out, const char *text)
{
    bool plain = text[0] != '\0' && (isalpha((unsigned char)text[0]) || text[0] == '_');
    for (const char *c = text; *c && plain; c++)
        plain = isalnum((unsigned char)*c) || *c == '_' || *c == '.' || *c == '[' || *c == ']' || *c == '-';
    static const char *const words[] = {"true", "false", "null", "yes", "no", "on", "off", "True", "False",
                                        "Null", "NULL", "TRUE", "FALSE", "Yes", "No", NULL};
    for (size_t i = 0; words[i] && plain; i++)
        plain = strcmp(text, words[i]) != 0;
    if (plain) {
        fputs(text, out);
        return;
    }
    fputc('"', out);
    for (const char *c = text; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if ((unsigned char)*c < 0x20)
            fprintf(out, "\\x%02x", (unsigned char)*c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

static void put_number(FILE *out, double value)
{
    char buffer[64];
    ln_format_accelergy_number(buffer, sizeof buffer, value);
    fputs(buffer, out);
}

/* A comment line; newlines in the text would end the comment early. */
static void put_comment(FILE *out, const char *indent, const char *label, const char *text)
{
    fprintf(out, "%s# %s", indent, label);
    for (const char *c = text; *c; c++)
        fputc(*c == '\n' ? ' ' : *c, out);
    fputc('\n', out);
}

bool ln_write_ert(FILE *out, const ln_energy_estimate *estimate)
{
    fprintf(out, "ERT:\n    version: %s\n    tables:\n", table_version);
    for (uint32_t c = 0; c < estimate->count; c++) {
        const ln_component_estimate *component = &estimate->components[c];
        if (!component->has_energy)
            continue;
        if (component->energy_source)
            put_comment(out, "      ", "energy from ", component->energy_source);
        fputs("      - name: ", out);
        put_string(out, component->name);
        fputs("\n        actions:\n", out);
        for (uint32_t a = 0; a < component->action_count; a++) {
            const ln_estimate_action *action = &component->actions[a];
            fputs("          - name: ", out);
            put_string(out, action->action);
            if (action->argument_count == 0) {
                fputs("\n            arguments: {}\n", out);
            } else {
                fputs("\n            arguments:\n", out);
                for (uint32_t i = 0; i < action->argument_count; i++) {
                    fputs("                ", out);
                    put_string(out, action->arguments[i].name);
                    fprintf(out, ": %s\n", action->arguments[i].value);
                }
            }
            fputs("            energy: ", out);
            put_number(out, action->energy);
            fputc('\n', out);
        }
    }
    return !ferror(out);
}

bool ln_write_art(FILE *out, const ln_energy_estimate *estimate)
{
    fprintf(out, "ART:\n    version: %s\n    tables:\n", table_version);
    for (uint32_t c = 0; c < estimate->count; c++) {
        const ln_component_estimate *component = &estimate->components[c];
        if (!component->has_area)
            continue;
        if (component->area_source)
            put_comment(out, "      ", "area from ", component->area_source);
        fputs("      - name: ", out);
        put_string(out, component->name);
        fputs("\n        area: ", out);
        put_number(out, component->area);
        fputc('\n', out);
    }
    return !ferror(out);
}

static void put_contributors(FILE *out, const char *key, const char *indent, const ln_estimate_contributor *items,
                             uint32_t count, const char *fallback)
{
    if (count == 0) {
        fprintf(out, "%s%s: ", indent, key);
        put_string(out, fallback ? fallback : "none");
        fputc('\n', out);
        return;
    }
    fprintf(out, "%s%s:\n", indent, key);
    for (uint32_t i = 0; i < count; i++) {
        fprintf(out, "%s  - name: ", indent);
        put_string(out, items[i].name);
        fprintf(out, "\n%s    estimator: ", indent);
        put_string(out, items[i].estimator);
        fputc('\n', out);
    }
}

bool ln_write_ert_summary(FILE *out, const ln_energy_estimate *estimate)
{
    fprintf(out, "ERT_summary:\n    version: %s\n    table_summary:\n", table_version);
    for (uint32_t c = 0; c < estimate->count; c++) {
        const ln_component_estimate *component = &estimate->components[c];
        if (!component->has_energy)
            continue;
        fputs("      - name: ", out);
        put_string(out, component->name);
        fputs("\n        actions:\n", out);
        /* One entry per action name, in first-seen order; actions with
         * several argument rows give their average, largest and smallest. */
        for (uint32_t a = 0; a < component->action_count; a++) {
            const char *name = component->actions[a].action;
            bool seen = false;
            for (uint32_t k = 0; k < a && !seen; k++)
                seen = strcmp(component->actions[k].action, name) == 0;
            if (seen)
                continue;
            uint32_t rows = 0;
            double sum = 0, largest = -INFINITY, smallest = INFINITY;
            for (uint32_t k = a; k < component->action_count; k++) {
                if (strcmp(component->actions[k].action, name) != 0)
                    continue;
                double energy = component->actions[k].energy;
                rows++;
                sum += energy;
                largest = fmax(largest, energy);
                smallest = fmin(smallest, energy);
            }
            fputs("          - name: ", out);
            put_string(out, name);
            if (rows == 1) {
                fputs("\n            energy: ", out);
                put_number(out, component->actions[a].energy);
            } else {
                fputs("\n            average_energy: ", out);
                put_number(out, sum / rows);
                fputs("\n            max_energy: ", out);
                put_number(out, largest);
                fputs("\n            min_energy: ", out);
                put_number(out, smallest);
            }
            fputc('\n', out);
        }
        put_contributors(out, "primitive_estimation(s)", "        ", component->energy_contributors,
                         component->energy_contributor_count, component->energy_source);
    }
    return !ferror(out);
}

bool ln_write_art_summary(FILE *out, const ln_energy_estimate *estimate)
{
    fprintf(out, "ART_summary:\n    version: %s\n    table_summary:\n", table_version);
    for (uint32_t c = 0; c < estimate->count; c++) {
        const ln_component_estimate *component = &estimate->components[c];
        if (!component->has_area)
            continue;
        fputs("      - name: ", out);
        put_string(out, component->name);
        fputs("\n        area: ", out);
        put_number(out, component->area);
        fputc('\n', out);
        put_contributors(out, "primitive_estimations", "        ", component->area_contributors,
                         component->area_contributor_count, component->area_source);
    }
    return !ferror(out);
}
