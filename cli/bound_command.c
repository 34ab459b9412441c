/* `loopnest bound`: Orojenesis's data-movement lower bound of the spec's
 * problem below its backing store (runtime/traffic_bound.h), written as
 * NAME.bound.json and NAME.bound.svg. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/bound_report.h"
#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/pipeline.h"
#include "runtime/traffic_bound.h"

static void print_bound_usage(FILE *out)
{
    fputs("usage: loopnest bound FILE... [-o DIR] [--prefix NAME] [--tables DIR] [--quiet]\n"
          "\n"
          "Computes the data-movement lower bound of Orojenesis (Huang et al., ISCA 2024):\n"
          "the least traffic to and from the outermost storage level (the backing store,\n"
          "e.g. DRAM) as a function of the capacity of the level below it, over every\n"
          "tile shape that level can hold (each dimension's tile extent a divisor of its\n"
          "bound) and every order of the loops above it, each evaluated by the model.\n"
          "Writes DIR/NAME.bound.json (the frontier's points, each with a tile shape and\n"
          "loop order that reaches it) and DIR/NAME.bound.svg (the frontier on log-log\n"
          "axes with the level's capacity marked), and prints the bound at the level's\n"
          "capacity: its size in words times its instances.\n"
          "\n"
          "arguments:\n"
          "  FILE...            .nest programs or Timeloop YAML (problem and architecture;\n"
          "                     a mapping, constraints and mapper options are ignored:\n"
          "                     the bound is over every single-buffer mapping)\n"
          "options:\n"
          "  -o, --output DIR   output directory, created if missing (default: .)\n"
          "  --prefix NAME      file name prefix (default: loopnest)\n"
          "  --tables DIR       CSV energy/area tables preferred over the built-in models\n"
          "  -q, --quiet        no progress line\n"
          "  -h, --help         show this help\n"
          "\n"
          "The bound holds for every mapping that keeps every tensor in that level and\n"
          "factors every dimension exactly; mappings that let a tensor bypass it are\n"
          "outside the model, as in Orojenesis. At most 5 million mappings are evaluated;\n"
          "when that cuts the enumeration short the result is not a bound, and the\n"
          "summary and NAME.bound.json (\"complete\": false) say so.\n"
          "Exit status: 0 the frontier was computed, 1 error in the inputs, 2 usage.\n",
          out);
}

/* ------------------------------------------------------------------ */
/* Progress                                                             */
/* ------------------------------------------------------------------ */

typedef struct progress_line {
    struct timespec start;
    bool shown;
} progress_line;

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* 3 significant digits with a k, M, G or T suffix from 10000 up; exact
 * below. */
static void format_words(char *text, size_t size, double value)
{
    static const char suffixes[] = "kMGTPE";
    if (value < 1e4) {
        snprintf(text, size, "%.0f", value);
        return;
    }
    uint32_t scale = 0;
    while (value >= 1e3 && scale < sizeof suffixes - 1) {
        value /= 1e3;
        scale++;
    }
    snprintf(text, size, "%.3g%c", value, suffixes[scale - 1]);
}

static void show_progress(const ln_traffic_bound *partial, void *context)
{
    progress_line *line = context;
    char evaluations[32], tiles[32];
    format_words(evaluations, sizeof evaluations, (double)partial->evaluations);
    format_words(tiles, sizeof tiles, partial->tile_count);
    fprintf(stderr, "\r\033[K  %s mappings evaluated, %llu of %s tile shapes, %u points, %.1f s", evaluations,
            (unsigned long long)partial->tiles_visited, tiles, partial->point_count, seconds_since(&line->start));
    fflush(stderr);
    line->shown = true;
}

/* ------------------------------------------------------------------ */
/* Reports                                                              */
/* ------------------------------------------------------------------ */

static bool write_json(FILE *out, const void *context)
{
    return ln_write_bound_json(out, context);
}

static bool write_svg(FILE *out, const void *context)
{
    return ln_write_bound_svg(out, context);
}

static bool write_reports(const ln_bound_report *report, const char *directory, const char *prefix,
                          ln_diagnostics *diagnostics)
{
    if (!ln_output_directory_create(directory, diagnostics))
        return false;
    static const struct {
        const char *suffix;
        ln_output_writer write;
    } outputs[] = {{".bound.json", write_json}, {".bound.svg", write_svg}};
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
        char *path = ln_cli_output_path(directory, prefix, outputs[i].suffix);
        if (!path) {
            ln_error(diagnostics, ln_location_none(), NULL, "out of memory");
            return false;
        }
        bool written = ln_output_file_write(path, outputs[i].write, report, diagnostics);
        free(path);
        if (!written)
            return false;
    }
    return true;
}

static void print_bound_summary(const ln_bound_report *report, double seconds)
{
    const char *problem = report->problem->name ? report->problem->name : "problem";
    char capacity[32] = "unbounded", least[32], first[32] = "", last[32] = "", evaluations[32];
    if (report->capacity_known)
        snprintf(capacity, sizeof capacity, "%llu words", (unsigned long long)report->capacity);
    format_words(evaluations, sizeof evaluations, (double)report->evaluations);
    if (report->point_count) {
        format_words(first, sizeof first, (double)report->points[0].footprint);
        format_words(last, sizeof last, (double)report->points[report->point_count - 1].footprint);
    }
    const ln_bound_report_point *at =
        !report->capacity_known ? (report->point_count ? &report->points[report->point_count - 1] : NULL)
                                : ln_bound_report_point_at(report, report->capacity);
    printf("bound: %s below %s at %s (%s): ", problem, report->backing_level, report->buffer_level, capacity);
    if (at) {
        format_words(least, sizeof least, (double)at->traffic);
        printf("%s %s words of %s traffic", report->complete ? "at least" : "no bound, the best found moves",
               least, report->backing_level);
    } else {
        printf("no tile fits, the smallest needs %s words", first);
    }
    printf(" (frontier of %u point%s from %s words to %s words; %llu mapping%s evaluated)\n", report->point_count,
           report->point_count == 1 ? "" : "s", first, last, (unsigned long long)report->evaluations,
           report->evaluations == 1 ? "" : "s");
    if (at) {
        printf("  At capacity : %llu words buffered, tile", (unsigned long long)at->footprint);
        for (uint32_t d = 0; d < report->problem->dimension_count; d++)
            printf(" %s=%u", report->problem->dimension_names[d], at->tile[d]);
        char order[LN_MAX_DIMENSIONS * 64];
        ln_bound_report_order_text(report->problem, at, order, sizeof order);
        printf(", outer loops %s\n", at->order_length ? order : "none");
    }
    char compulsory[32];
    format_words(compulsory, sizeof compulsory, (double)report->compulsory);
    printf("  Compulsory  : %s words (the whole problem in the buffer: each tensor moved once)\n", compulsory);
    printf("  Enumeration : %s in %.2f s, %s mappings\n",
           report->complete ? "complete" : "cut short at the evaluation cap, so this is NOT a bound", seconds,
           evaluations);
}

int ln_command_bound(int argc, char **argv)
{
    ln_cli_arguments arguments;
    unsigned accepted = LN_OPTION_OUTPUT | LN_OPTION_PREFIX | LN_OPTION_TABLES | LN_OPTION_QUIET;
    int parsed = ln_cli_parse_arguments(argc, argv, "bound", accepted, print_bound_usage,
                                        "give the .nest or YAML spec files to bound", &arguments);
    if (parsed >= 0) {
        ln_cli_arguments_release(&arguments);
        return parsed;
    }
    const char *directory = arguments.output ? arguments.output : ".";
    int status = LN_EXIT_FAILURE;
    ln_cli_run run;
    ln_cli_run_init(&run);
    const ln_spec *spec = &run.spec;
    ln_traffic_bound bound;
    memset(&bound, 0, sizeof bound);
    ln_bound_report_point *points = NULL;

    /* The bound's own requirements first: an architecture without a
     * buffer should not be told about its energy tables. */
    if (!ln_cli_run_load(&run, arguments.inputs, arguments.input_count) ||
        !ln_traffic_bound_check(spec, &run.diagnostics))
        goto done;
    if (!ln_cli_run_start_engine(&run, arguments.tables))
        goto done;
    ln_cli_flush_diagnostics(&run.diagnostics);

    progress_line line = {.shown = false};
    clock_gettime(CLOCK_MONOTONIC, &line.start);
    bool show = !arguments.quiet && isatty(STDERR_FILENO);
    ln_traffic_bound_control control = {show ? show_progress : NULL, &line};
    bool computed = ln_traffic_bound_compute(spec, run.engine, LN_TRAFFIC_BOUND_DEFAULT_EVALUATIONS, &control,
                                             &bound, &run.diagnostics);
    double seconds = seconds_since(&line.start);
    if (line.shown)
        fputs("\r\033[K", stderr);
    if (!computed)
        goto done;

    points = calloc(bound.point_count ? bound.point_count : 1, sizeof *points);
    if (!points) {
        ln_error(&run.diagnostics, ln_location_none(), NULL, "out of memory");
        goto done;
    }
    for (uint32_t i = 0; i < bound.point_count; i++) {
        const ln_traffic_bound_point *from = &bound.points[i];
        points[i].footprint = from->footprint;
        points[i].traffic = from->traffic;
        memcpy(points[i].tile, from->tile, sizeof points[i].tile);
        points[i].order_length = from->order_length;
        memcpy(points[i].order, from->order, sizeof points[i].order);
    }
    ln_bound_report report = {
        .problem = &spec->problem,
        .backing_level = spec->arch.storage[bound.backing_level].name,
        .buffer_level = spec->arch.storage[bound.buffer_level].name,
        .capacity_known = bound.capacity_known,
        .capacity = bound.capacity,
        .compulsory = bound.compulsory,
        .complete = bound.complete,
        .evaluations = bound.evaluations,
        .evaluation_cap = LN_TRAFFIC_BOUND_DEFAULT_EVALUATIONS,
        .tile_count = bound.tile_count,
        .point_count = bound.point_count,
        .points = points,
    };
    if (!write_reports(&report, directory, arguments.prefix, &run.diagnostics))
        goto done;
    if (!bound.complete)
        fprintf(stderr,
                "loopnest: warning: the enumeration stopped at %llu evaluations with %.3g tile shapes in the "
                "mapspace, so the frontier is not a bound (a mapping left out may move less)\n",
                (unsigned long long)bound.evaluations, bound.tile_count);
    print_bound_summary(&report, seconds);
    printf("  Reports     : %s/%s.bound.json, .bound.svg\n", directory, arguments.prefix);
    status = LN_EXIT_OK;

done:
    free(points);
    ln_traffic_bound_release(&bound);
    ln_cli_run_release(&run);
    ln_cli_arguments_release(&arguments);
    return status;
}
