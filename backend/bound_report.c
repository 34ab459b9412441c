#include "backend/bound_report.h"

#include <stdlib.h>
#include <string.h>

#include "backend/json_writer.h"
#include "backend/svg_plot.h"

const ln_bound_report_point *ln_bound_report_point_at(const ln_bound_report *report, uint64_t capacity)
{
    const ln_bound_report_point *found = NULL;
    for (uint32_t i = 0; i < report->point_count && report->points[i].footprint <= capacity; i++)
        found = &report->points[i];
    return found;
}

void ln_bound_report_order_text(const ln_problem *problem, const ln_bound_report_point *point, char *text,
                                size_t size)
{
    size_t used = 0;
    if (size)
        text[0] = '\0';
    for (uint32_t i = 0; i < point->order_length && used < size; i++) {
        const char *name = problem->dimension_names[point->order[i]];
        int written = snprintf(text + used, size - used, "%s%s", i ? " " : "", name ? name : "?");
        if (written < 0)
            break;
        used += (size_t)written;
    }
}

static void write_factors(ln_json_writer *json, const ln_problem *problem, const uint32_t *tile, bool outer)
{
    ln_json_begin_object(json);
    for (uint32_t d = 0; d < problem->dimension_count; d++) {
        uint64_t factor = outer ? (uint64_t)problem->dimension_bounds[d] / tile[d] : tile[d];
        ln_json_member_uint(json, problem->dimension_names[d] ? problem->dimension_names[d] : "?", factor);
    }
    ln_json_end_object(json);
}

static void write_point(ln_json_writer *json, const ln_problem *problem, const ln_bound_report_point *point)
{
    char order[LN_MAX_DIMENSIONS * 64];
    ln_json_begin_object(json);
    ln_json_member_uint(json, "footprint_words", point->footprint);
    ln_json_member_uint(json, "traffic_words", point->traffic);
    ln_json_key(json, "tile");
    write_factors(json, problem, point->tile, false);
    /* The loops left above the buffer, so a reader can rebuild the mapping
     * without dividing the bounds. */
    ln_json_key(json, "outer");
    write_factors(json, problem, point->tile, true);
    ln_bound_report_order_text(problem, point, order, sizeof order);
    ln_json_member_string(json, "order", order);
    ln_json_end_object(json);
}

bool ln_write_bound_json(FILE *out, const ln_bound_report *report)
{
    const ln_problem *problem = report->problem;
    ln_json_writer writer;
    ln_json_writer *json = &writer;
    ln_json_init(json, out);
    ln_json_begin_object(json);
    ln_json_member_uint(json, "version", LN_BOUND_REPORT_FORMAT_VERSION);
    ln_json_member_string(json, "problem", problem->name ? problem->name : "");
    ln_json_member_string(json, "backing_level", report->backing_level ? report->backing_level : "");
    ln_json_member_string(json, "level", report->buffer_level ? report->buffer_level : "");
    if (report->capacity_known)
        ln_json_member_uint(json, "capacity_words", report->capacity);
    else
        ln_json_member_null(json, "capacity_words");
    /* An unbounded buffer holds the whole problem: the last point. null
     * when no tile fits. */
    const ln_bound_report_point *at = report->capacity_known ? ln_bound_report_point_at(report, report->capacity)
                                      : report->point_count  ? &report->points[report->point_count - 1]
                                                             : NULL;
    if (at)
        ln_json_member_uint(json, "bound_at_capacity_words", at->traffic);
    else
        ln_json_member_null(json, "bound_at_capacity_words");
    ln_json_member_bool(json, "fits", at != NULL);
    ln_json_member_uint(json, "compulsory_words", report->compulsory);
    /* Complete: every candidate was evaluated, so no mapping of the
     * single-buffer mapspace lies below the frontier. */
    ln_json_member_bool(json, "complete", report->complete);
    ln_json_member_uint(json, "evaluations", report->evaluations);
    ln_json_member_uint(json, "evaluation_cap", report->evaluation_cap);
    ln_json_member_double(json, "tile_shapes", report->tile_count);
    ln_json_key(json, "points");
    ln_json_begin_array(json);
    for (uint32_t i = 0; i < report->point_count; i++)
        write_point(json, problem, &report->points[i]);
    ln_json_end_array(json);
    ln_json_end_object(json);
    fputc('\n', out);
    return !ferror(out);
}

static char *point_label(const ln_problem *problem, const ln_bound_report_point *point)
{
    char text[LN_MAX_DIMENSIONS * 96];
    size_t used = (size_t)snprintf(text, sizeof text, "%llu words buffered, %llu words of traffic; tile",
                                   (unsigned long long)point->footprint, (unsigned long long)point->traffic);
    for (uint32_t d = 0; d < problem->dimension_count && used < sizeof text; d++)
        used += (size_t)snprintf(text + used, sizeof text - used, " %s=%u",
                                 problem->dimension_names[d] ? problem->dimension_names[d] : "?", point->tile[d]);
    if (used < sizeof text) {
        char order[LN_MAX_DIMENSIONS * 64];
        ln_bound_report_order_text(problem, point, order, sizeof order);
        snprintf(text + used, sizeof text - used, "; outer loops %s", point->order_length ? order : "none");
    }
    return strdup(text);
}

bool ln_write_bound_svg(FILE *out, const ln_bound_report *report)
{
    uint32_t count = report->point_count;
    /* One more point carries the last step on to the capacity. */
    double *x = calloc(count + 1, sizeof *x);
    double *y = calloc(count + 1, sizeof *y);
    char **labels = calloc(count + 1, sizeof *labels);
    bool ok = x && y && labels;
    for (uint32_t i = 0; ok && i < count; i++) {
        x[i] = (double)report->points[i].footprint;
        y[i] = (double)report->points[i].traffic;
        labels[i] = point_label(report->problem, &report->points[i]);
        ok = labels[i] != NULL;
    }
    if (ok) {
        uint32_t steps = count;
        double capacity = (double)report->capacity;
        if (report->capacity_known && count && capacity > x[count - 1]) {
            x[steps] = capacity;
            y[steps] = y[count - 1];
            steps++;
        }
        const ln_bound_report_point *at = report->capacity_known ? ln_bound_report_point_at(report, report->capacity)
                                                                 : NULL;
        double at_x = capacity, at_y = at ? (double)at->traffic : 0;
        char at_text[160];
        snprintf(at_text, sizeof at_text, "at %llu words of %s: at least %llu words of %s traffic",
                 (unsigned long long)report->capacity, report->buffer_level ? report->buffer_level : "the buffer",
                 at ? (unsigned long long)at->traffic : 0ull, report->backing_level ? report->backing_level : "");
        const char *at_label = at_text;
        /* The capacity as a vertical line over the frontier's traffic. */
        double marker_x[2] = {capacity, capacity};
        double marker_y[2] = {count ? y[count - 1] : 1, count ? y[0] : 1};
        char marker_name[128];
        snprintf(marker_name, sizeof marker_name, "%s capacity",
                 report->buffer_level ? report->buffer_level : "buffer");
        ln_svg_series series[3] = {
            {.name = "least traffic", .x = x, .y = y, .count = steps, .style = LN_SVG_STEPS,
             .labels = (const char *const *)labels},
            {.name = marker_name, .x = marker_x, .y = marker_y, .count = 2, .style = LN_SVG_LINE},
            {.name = "bound at capacity", .x = &at_x, .y = &at_y, .count = 1, .style = LN_SVG_POINTS,
             .labels = &at_label, .highlight = true},
        };
        uint32_t series_count = !report->capacity_known ? 1 : at ? 3 : 2;
        char title[256], x_label[160], y_label[160], note[256];
        snprintf(title, sizeof title, "Data-movement lower bound: %s",
                 report->problem->name ? report->problem->name : "");
        snprintf(x_label, sizeof x_label, "%s footprint (words)",
                 report->buffer_level ? report->buffer_level : "buffer");
        snprintf(y_label, sizeof y_label, "%s traffic (words)",
                 report->backing_level ? report->backing_level : "backing store");
        snprintf(note, sizeof note, "%u points, %llu mappings evaluated%s", count,
                 (unsigned long long)report->evaluations,
                 report->complete ? "; complete (the least traffic over the single-buffer mapspace)"
                                  : "; cut short, so not a bound (a mapping left out may move less)");
        ln_svg_chart chart = {
            .title = title,
            .x_label = x_label,
            .y_label = y_label,
            .x_log = true,
            .y_log = true,
            .series = series,
            .series_count = series_count,
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
