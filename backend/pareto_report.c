#include "backend/pareto_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json_writer.h"
#include "backend/nest_export.h"
#include "backend/nest_printer.h"
#include "backend/svg_plot.h"

static double computes_of(const ln_spec *spec)
{
    double computes = 1;
    for (uint32_t d = 0; d < spec->problem.dimension_count; d++)
        computes *= (double)spec->problem.dimension_bounds[d];
    return computes;
}

/* The point's mapping as a .nest mapping block (malloc'ed; NULL when out
 * of memory). */
static char *mapping_text(const ln_spec *spec, const ln_mapping *mapping)
{
    ln_spec copy = *spec;
    copy.mapping = *mapping;
    copy.has_mapping = true;
    ln_nest_node *program = ln_nest_mapping_from_spec(&copy, NULL);
    if (!program)
        return NULL;
    char *text = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&text, &size);
    bool ok = stream && ln_nest_print(stream, program);
    if (stream && fclose(stream) != 0)
        ok = false;
    ln_nest_node_free(program);
    if (!ok) {
        free(text);
        return NULL;
    }
    return text;
}

/* The point the search's metrics rank first (the front holds it when the
 * metrics are delay, energy and EDP in any order). */
static int32_t best_point(const ln_search_result *result)
{
    if (!result->found)
        return -1;
    for (uint32_t i = 0; i < result->pareto_count; i++)
        if (memcmp(&result->pareto[i].mapping, &result->best, sizeof result->best) == 0)
            return (int32_t)i;
    return -1;
}

bool ln_write_pareto_json(FILE *out, const ln_spec *spec, const ln_search_result *result)
{
    ln_json_writer writer;
    ln_json_writer *json = &writer;
    ln_json_init(json, out);
    ln_json_begin_object(json);
    ln_json_member_uint(json, "version", LN_PARETO_REPORT_FORMAT_VERSION);
    ln_json_member_string(json, "problem", spec->problem.name);
    /* Complete: every mapping of the mapspace is on the front or
     * dominated by a point of it (the search was not cut short). */
    ln_json_member_bool(json, "complete", result->certificate.optimal);
    ln_json_member_double(json, "computes", computes_of(spec));
    ln_json_member_int(json, "best_index", best_point(result));
    ln_json_key(json, "points");
    ln_json_begin_array(json);
    double computes = computes_of(spec);
    bool ok = true;
    for (uint32_t i = 0; i < result->pareto_count; i++) {
        const ln_pareto_point *point = &result->pareto[i];
        ln_json_begin_object(json);
        ln_json_member_uint(json, "cycles", point->cycles);
        ln_json_member_double(json, "energy_pJ", point->energy);
        ln_json_member_double(json, "energy_per_compute_pJ", point->energy / computes);
        ln_json_member_double(json, "edp", point->energy * (double)point->cycles);
        char *text = mapping_text(spec, &point->mapping);
        if (!text)
            ok = false;
        ln_json_member_string(json, "mapping", text ? text : "");
        free(text);
        ln_json_end_object(json);
    }
    ln_json_end_array(json);
    ln_json_end_object(json);
    fputc('\n', out);
    return ok && !ferror(out);
}

bool ln_write_pareto_svg(FILE *out, const ln_spec *spec, const ln_search_result *result)
{
    uint32_t count = result->pareto_count;
    double *x = calloc(count ? count : 1, sizeof *x);
    double *y = calloc(count ? count : 1, sizeof *y);
    char **labels = calloc(count ? count : 1, sizeof *labels);
    bool ok = x && y && labels;
    for (uint32_t i = 0; ok && i < count; i++) {
        x[i] = (double)result->pareto[i].cycles;
        y[i] = result->pareto[i].energy;
        char text[160];
        snprintf(text, sizeof text, "%llu cycles, %.6g pJ (%.4g pJ/compute), EDP %.4g",
                 (unsigned long long)result->pareto[i].cycles, result->pareto[i].energy,
                 result->pareto[i].energy / computes_of(spec), result->pareto[i].energy * x[i]);
        labels[i] = strdup(text);
        ok = labels[i] != NULL;
    }
    if (ok) {
        int32_t best = best_point(result);
        double best_x = best >= 0 ? x[best] : 0, best_y = best >= 0 ? y[best] : 0;
        const char *best_label = best >= 0 ? labels[best] : NULL;
        char best_name[64];
        snprintf(best_name, sizeof best_name, "best %s", ln_metric_name(result->settings.metrics[0]));
        ln_svg_series series[2] = {
            {.name = "Pareto front", .x = x, .y = y, .count = count, .style = LN_SVG_STEPS,
             .labels = (const char *const *)labels},
            {.name = best_name, .x = &best_x, .y = &best_y, .count = best >= 0 ? 1 : 0,
             .style = LN_SVG_POINTS, .labels = &best_label, .highlight = true},
        };
        char title[256], note[256];
        snprintf(title, sizeof title, "Energy against cycles: %s", spec->problem.name ? spec->problem.name : "");
        snprintf(note, sizeof note, "%u mappings on the front%s", count,
                 result->certificate.optimal ? "; complete (every other mapping is dominated)"
                                             : "; the search was cut short, so the front may be incomplete");
        bool wide_x = count > 1 && x[count - 1] > 100 * x[0];
        bool wide_y = count > 1 && y[0] > 100 * y[count - 1];
        ln_svg_chart chart = {
            .title = title,
            .x_label = "cycles",
            .y_label = "energy (pJ)",
            .x_log = wide_x,
            .y_log = wide_y,
            .series = series,
            .series_count = best >= 0 ? 2 : 1,
            .note = note,
        };
        ok = ln_svg_write_chart(out, &chart);
    }
    for (uint32_t i = 0; labels && i < count; i++)
        free(labels[i]);
    free(labels);
    free(x);
    free(y);
    return ok && !ferror(out);
}
