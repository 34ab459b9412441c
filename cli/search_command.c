/* `loopnest search`: find the best mapping with the mapper and write the
 * reports of it (what timeloop-mapper does). */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/nest_export.h"
#include "backend/nest_printer.h"
#include "backend/pareto_report.h"
#include "backend/search_report.h"
#include "backend/yaml_export.h"
#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/pipeline.h"
#include "ir/nest_ast.h"
#include "runtime/mapper.h"
#include "runtime/mapspace.h"
#include "runtime/traffic_bound.h"

static void print_search_usage(FILE *out)
{
    fputs("usage: loopnest search FILE... [-o DIR] [--prefix NAME] [--threads N]\n"
          "                       [--time-limit SECONDS] [--seed N] [--algorithm NAME]\n"
          "                       [--pareto] [--tables DIR] [--quiet]\n"
          "\n"
          "Searches the mapspace for the best mapping (like timeloop-mapper) and writes\n"
          "its reports: DIR/NAME.stats.txt, NAME.map.txt and NAME.json as `eval` writes\n"
          "them, NAME.map.yaml (the mapping for timeloop-model), NAME.map.nest (the\n"
          "mapping in the loop-nest language) and NAME.search.json (candidates visited,\n"
          "valid, rejected by reason, the best metric over time, mapspace sizes).\n"
          "\n"
          "arguments:\n"
          "  FILE...            Timeloop YAML (architecture, problem, constraints, mapper\n"
          "                     options, ERT/ART; merged as `eval` merges them) or .nest\n"
          "                     programs with a `search` directive\n"
          "options (they override the inputs' mapper options):\n"
          "  -o, --output DIR   output directory, created if missing (default: .)\n"
          "  --prefix NAME      file name prefix (default: loopnest)\n"
          "  --threads N        search threads (default: num_threads, else one per core)\n"
          "  --time-limit S     stop after S seconds (and report the best so far)\n"
          "  --seed N           seed of the random algorithms (default 1)\n"
          "  --algorithm NAME   exhaustive, linear_pruned, random, random_pruned, hybrid, or\n"
          "                     optimal (the proven best: docs/mapper.md)\n"
          "  --no-refine        keep the algorithm's best as it is (no local search)\n"
          "  --pareto           the optimal search's whole energy-cycles Pareto front:\n"
          "                     NAME.pareto.json (each point's mapping) and NAME.pareto.svg\n"
          "  --tables DIR       CSV energy/area tables preferred over the built-in models\n"
          "  -q, --quiet        no progress line\n"
          "  -h, --help         show this help\n"
          "\n"
          "The search stops on the mapper's rules (search_size valid mappings,\n"
          "victory_condition valid mappings without improvement, timeout invalid ones in\n"
          "a row; 0 disables a rule), when the algorithm has nothing left, at the time\n"
          "limit, or on Ctrl+C (SIGINT or SIGTERM; a second one exits at once). It then\n"
          "writes the reports of the best mapping found. For a given seed, thread count\n"
          "and count-based rules the result is the same on every run.\n"
          "On a terminal a progress line shows candidates visited, valid ones, the best\n"
          "so far, the rate and the time.\n"
          "Exit status: 0 a mapping was found, 1 error in the inputs or the constraints,\n"
          "2 usage, 3 no valid mapping.\n",
          out);
}

enum { LN_EXIT_NO_MAPPING = 3 };

/* ------------------------------------------------------------------ */
/* Interrupts                                                           */
/* ------------------------------------------------------------------ */

static volatile sig_atomic_t search_interrupted;

static void on_interrupt(int signal_number)
{
    if (search_interrupted)
        _exit(128 + signal_number);
    search_interrupted = 1;
}

typedef struct saved_handlers {
    struct sigaction interrupt, terminate;
} saved_handlers;

static void catch_interrupts(saved_handlers *saved)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    search_interrupted = 0;
    sigaction(SIGINT, &action, &saved->interrupt);
    sigaction(SIGTERM, &action, &saved->terminate);
}

static void restore_interrupts(const saved_handlers *saved)
{
    sigaction(SIGINT, &saved->interrupt, NULL);
    sigaction(SIGTERM, &saved->terminate, NULL);
}

/* ------------------------------------------------------------------ */
/* Options                                                              */
/* ------------------------------------------------------------------ */

static bool parse_unsigned(const char *option, const char *text, uint64_t minimum, uint64_t maximum, uint64_t *value)
{
    char *end;
    errno = 0;
    unsigned long long number = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || number < minimum || number > maximum) {
        fprintf(stderr, "loopnest: error: %s '%s' must be a whole number from %llu to %llu\n", option, text,
                (unsigned long long)minimum, (unsigned long long)maximum);
        return false;
    }
    *value = number;
    return true;
}

static bool apply_options(const ln_cli_arguments *arguments, ln_search_settings *settings)
{
    uint64_t value;
    if (arguments->threads) {
        if (!parse_unsigned("--threads", arguments->threads, 1, 1024, &value))
            return false;
        settings->threads = (uint32_t)value;
    }
    if (arguments->seed) {
        if (!parse_unsigned("--seed", arguments->seed, 0, UINT64_MAX, &value))
            return false;
        settings->seed = value;
    }
    if (arguments->time_limit) {
        char *end;
        errno = 0;
        double seconds = strtod(arguments->time_limit, &end);
        if (errno || end == arguments->time_limit || *end || !(seconds > 0) || !isfinite(seconds)) {
            fprintf(stderr, "loopnest: error: --time-limit '%s' must be a positive number of seconds\n",
                    arguments->time_limit);
            return false;
        }
        settings->time_limit = seconds;
    }
    if (arguments->algorithm) {
        if (!ln_mapper_algorithm_known(arguments->algorithm)) {
            fprintf(stderr,
                    "loopnest: error: unknown search algorithm '%s'; the algorithms are exhaustive, "
                    "linear_pruned, random, random_pruned, hybrid and optimal\n",
                    arguments->algorithm);
            return false;
        }
        settings->algorithm = arguments->algorithm;
    }
    if (arguments->no_refine)
        settings->refine = false;
    if (arguments->pareto) {
        if (arguments->algorithm && strcmp(arguments->algorithm, "optimal") != 0) {
            fprintf(stderr, "loopnest: error: --pareto gives the front the optimal search proves; leave out "
                            "--algorithm %s or give --algorithm optimal\n",
                    arguments->algorithm);
            return false;
        }
        for (uint32_t m = 0; m < settings->metric_count; m++)
            if (settings->metrics[m] != LN_METRIC_DELAY && settings->metrics[m] != LN_METRIC_ENERGY &&
                settings->metrics[m] != LN_METRIC_EDP) {
                fprintf(stderr,
                        "loopnest: error: --pareto ranks mappings by energy and cycles, so the best it reports "
                        "needs optimization_metrics from delay, energy and edp (the inputs ask for %s)\n",
                        ln_metric_name(settings->metrics[m]));
                return false;
            }
        settings->algorithm = "optimal";
        settings->pareto = true;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Progress                                                             */
/* ------------------------------------------------------------------ */

typedef struct progress_line {
    const ln_search_settings *settings;
    bool shown;
} progress_line;

static void format_quantity(char *text, size_t size, double value)
{
    if (value >= 1e9)
        snprintf(text, size, "%.2fG", value / 1e9);
    else if (value >= 1e6)
        snprintf(text, size, "%.2fM", value / 1e6);
    else if (value >= 1e4)
        snprintf(text, size, "%.1fk", value / 1e3);
    else
        snprintf(text, size, "%.0f", value);
}

static void show_progress(const ln_mapper_progress *progress, void *context)
{
    progress_line *line = context;
    char visited[32], valid[32], rate[32], best[128] = "none yet";
    format_quantity(visited, sizeof visited, (double)progress->visited);
    format_quantity(valid, sizeof valid, (double)progress->valid);
    format_quantity(rate, sizeof rate, progress->seconds > 0 ? (double)progress->visited / progress->seconds : 0);
    if (progress->found) {
        size_t used = 0;
        for (uint32_t m = 0; m < line->settings->metric_count && used < sizeof best; m++)
            used += (size_t)snprintf(best + used, sizeof best - used, "%s%s %.4g", m ? ", " : "",
                                     ln_metric_name(line->settings->metrics[m]), progress->best_metrics[m]);
    }
    fprintf(stderr, "\r\033[K  %s visited, %s valid, best %s, %s/s, %.1f s", visited, valid, best, rate,
            progress->seconds);
    fflush(stderr);
    line->shown = true;
}

/* ------------------------------------------------------------------ */
/* Reports                                                              */
/* ------------------------------------------------------------------ */

typedef struct search_outputs {
    const ln_spec *spec;
    const ln_search_result *result;
    const ln_evaluation *best;
} search_outputs;

static bool write_map_yaml(FILE *out, const void *context)
{
    const search_outputs *outputs = context;
    fprintf(out, "# The best mapping loopnest search found (%s).\n", outputs->result->settings.algorithm);
    return ln_write_yaml_mapping(out, outputs->spec);
}

static bool write_map_nest(FILE *out, const void *context)
{
    const search_outputs *outputs = context;
    char comment[256];
    snprintf(comment, sizeof comment, "// The best mapping loopnest search found (%s, %llu cycles, %.6g pJ).",
             outputs->result->settings.algorithm, (unsigned long long)outputs->best->cycles, outputs->best->energy);
    ln_nest_node *program = ln_nest_mapping_from_spec(outputs->spec, comment);
    bool ok = ln_nest_print(out, program);
    ln_nest_node_free(program);
    return ok;
}

static bool write_search_json(FILE *out, const void *context)
{
    const search_outputs *outputs = context;
    return ln_write_search_report(out, outputs->spec, outputs->result, outputs->best);
}

static bool write_pareto_json(FILE *out, const void *context)
{
    const search_outputs *outputs = context;
    return ln_write_pareto_json(out, outputs->spec, outputs->result);
}

static bool write_pareto_svg(FILE *out, const void *context)
{
    const search_outputs *outputs = context;
    return ln_write_pareto_svg(out, outputs->spec, outputs->result);
}

static void print_search_summary(const ln_search_result *result)
{
    const ln_search_settings *settings = &result->settings;
    const ln_search_statistics *statistics = &result->statistics;
    char size[LN_COUNT_TEXT_SIZE];
    printf("search: %s, %u thread%s, seed %llu; mapspace %s mappings (%.3g)\n", settings->algorithm,
           settings->threads, settings->threads == 1 ? "" : "s", (unsigned long long)settings->seed,
           ln_count_format(result->size, size), ln_count_to_double(result->size));
    printf("  Stopped     : %s after %.2f s\n", ln_search_stop_name(result->stop), result->seconds);
    printf("  Candidates  : %llu visited (%.0f/s), %llu evaluated, %llu valid\n",
           (unsigned long long)statistics->visited,
           result->seconds > 0 ? (double)statistics->visited / result->seconds : 0.0,
           (unsigned long long)statistics->evaluated, (unsigned long long)statistics->valid);
    if (settings->refine && !result->certificate.present)
        printf("  Refinement  : %llu neighbours tried, %llu improving steps\n",
               (unsigned long long)statistics->refinement_visited, (unsigned long long)statistics->refinement_steps);
    if (result->certificate.present) {
        const ln_search_certificate *certificate = &result->certificate;
        char text[LN_COUNT_TEXT_SIZE];
        ln_count total = certificate->factorizations_walked;
        for (int rule = 0; rule < LN_PRUNING_RULE_COUNT; rule++)
            total = ln_count_add_saturating(total, certificate->pruned[rule].factorizations);
        printf("  Proof       : %s\n", certificate->optimal ? "optimal (every mapping evaluated or removed by a rule "
                                                              "that cannot remove a best one)"
                                                            : "not complete (cut short)");
        printf("  Factorizations: %s", ln_count_format(total, text));
        printf(" = %s walked", ln_count_format(certificate->factorizations_walked, text));
        for (int rule = 0; rule < LN_PRUNING_RULE_COUNT; rule++)
            if (certificate->pruned[rule].factorizations)
                printf(" + %s %s", ln_count_format(certificate->pruned[rule].factorizations, text),
                       ln_pruning_rule_name((ln_pruning_rule)rule));
        printf("\n  Removed candidates:");
        const char *separator = " ";
        for (int rule = 0; rule < LN_PRUNING_RULE_COUNT; rule++)
            if (certificate->pruned[rule].candidates) {
                printf("%s%s %s", separator, ln_pruning_rule_name((ln_pruning_rule)rule),
                       ln_count_format(certificate->pruned[rule].candidates, text));
                separator = ", ";
            }
        printf("\n");
        if (certificate->has_lower_bound && result->found)
            printf("  Lower bound : %s >= %.6g (the best is %.3g%% above)\n", ln_metric_name(settings->metrics[0]),
                   certificate->lower_bound, 100 * (result->best_metrics[0] / certificate->lower_bound - 1));
    }
    if (result->found) {
        printf("  Best        :");
        for (uint32_t m = 0; m < settings->metric_count; m++)
            printf("%s %s %.6g", m ? "," : "", ln_metric_name(settings->metrics[m]), result->best_metrics[m]);
        printf("\n");
    }
    if (settings->pareto && result->pareto_count) {
        const ln_pareto_point *fastest = &result->pareto[0], *leanest = &result->pareto[result->pareto_count - 1];
        printf("  Pareto front: %u mappings, from %llu cycles at %.6g pJ to %llu cycles at %.6g pJ\n",
               result->pareto_count, (unsigned long long)fastest->cycles, fastest->energy,
               (unsigned long long)leanest->cycles, leanest->energy);
    }
}

/* How far the best mapping's backing-store traffic is from Orojenesis's
 * bound at the last on-chip level's capacity (runtime/traffic_bound.h),
 * after an optimal search, when the bound is quick to get. */
static void print_traffic_bound(ln_cli_run *run)
{
    enum { EVALUATION_CAP = 1000000 };
    ln_traffic_bound bound;
    ln_diagnostics quiet;
    ln_diagnostics_init(&quiet);
    bool computed = ln_traffic_bound_compute(&run->spec, run->engine, EVALUATION_CAP, NULL, &bound, &quiet);
    ln_diagnostics_release(&quiet);
    uint64_t least;
    if (computed && bound.complete && bound.capacity_known && ln_traffic_bound_at(&bound, bound.capacity, &least) &&
        least > 0) {
        const ln_arch *arch = &run->spec.arch;
        uint64_t moved = run->evaluation->levels[bound.backing_level].total_scalar_accesses;
        printf("  Traffic     : %llu words at %s; keeping every tensor in %s (%llu words), no mapping moves less "
               "than %llu (Orojenesis's bound): %.2fx%s\n",
               (unsigned long long)moved, arch->storage[bound.backing_level].name,
               arch->storage[bound.buffer_level].name, (unsigned long long)bound.capacity,
               (unsigned long long)least, (double)moved / (double)least,
               moved < least ? ", below it: the mapping keeps some tensors only further in, which the bound does not cover"
                             : "");
    } else if (computed && !bound.complete) {
        printf("  Traffic     : no bound (more than %d single-buffer mappings; `loopnest bound` goes further)\n",
               EVALUATION_CAP);
    }
    if (computed)
        ln_traffic_bound_release(&bound);
}

/* No candidate was valid: say why most of them failed. */
static void report_no_mapping(const ln_spec *spec, const ln_search_result *result)
{
    const ln_search_statistics *statistics = &result->statistics;
    fprintf(stderr, "loopnest: no valid mapping found: %llu candidates visited and %llu factorizations rejected "
                    "whole, none valid (stopped: %s)\n",
            (unsigned long long)statistics->visited, (unsigned long long)statistics->factorizations_rejected,
            ln_search_stop_name(result->stop));
    ln_rejection_entry entries[4];
    size_t count = ln_rejection_entries(&statistics->rejections, entries, 4);
    for (size_t i = 0; i < count && i < 4; i++) {
        char text[256];
        ln_describe_rejection(spec, &statistics->rejections, &entries[i], text, sizeof text);
        fprintf(stderr, "  %s %llu: %s\n", i == 0 ? "most often," : "then,", (unsigned long long)entries[i].count,
                text);
    }
    fprintf(stderr, "hint: relax the constraints named above (or the capacity they exceed), or let the search "
                    "run longer (victory_condition, timeout, --time-limit)\n");
}

int ln_command_search(int argc, char **argv)
{
    ln_cli_arguments arguments;
    unsigned accepted = LN_OPTION_OUTPUT | LN_OPTION_PREFIX | LN_OPTION_TABLES | LN_OPTION_THREADS |
                        LN_OPTION_TIME_LIMIT | LN_OPTION_SEED | LN_OPTION_ALGORITHM | LN_OPTION_QUIET |
                        LN_OPTION_NO_REFINE | LN_OPTION_PARETO;
    int parsed = ln_cli_parse_arguments(argc, argv, "search", accepted, print_search_usage,
                                        "give the .nest or YAML spec files to search", &arguments);
    if (parsed >= 0) {
        ln_cli_arguments_release(&arguments);
        return parsed;
    }
    const char *directory = arguments.output ? arguments.output : ".";
    int status = LN_EXIT_FAILURE;
    ln_cli_run run;
    ln_cli_run_init(&run);
    ln_spec *spec = &run.spec;
    ln_mapspace *mapspace = NULL;
    ln_search_result result;
    memset(&result, 0, sizeof result);
    ln_search_settings settings;

    if (!ln_cli_run_load(&run, arguments.inputs, arguments.input_count))
        goto done;
    ln_mapper_settings_from_spec(spec, &settings);
    if (!apply_options(&arguments, &settings)) {
        status = LN_EXIT_USAGE;
        goto done;
    }
    mapspace = ln_mapspace_create(spec, &run.diagnostics);
    if (!mapspace || !ln_cli_run_start_engine(&run, arguments.tables))
        goto done;
    ln_cli_flush_diagnostics(&run.diagnostics);

    progress_line line = {&settings, false};
    bool show = !arguments.quiet && isatty(STDERR_FILENO);
    ln_mapper_control control = {&search_interrupted, show ? show_progress : NULL, &line, 0.25};
    saved_handlers handlers;
    catch_interrupts(&handlers);
    char error[256] = "";
    bool ran = ln_mapper_run(run.engine, mapspace, &settings, &control, &result, error, sizeof error);
    restore_interrupts(&handlers);
    if (line.shown)
        fputs("\r\033[K", stderr);
    if (!ran) {
        fprintf(stderr, "loopnest: error: %s\n", error);
        goto done;
    }
    if (!result.found) {
        report_no_mapping(spec, &result);
        status = LN_EXIT_NO_MAPPING;
        goto done;
    }
    spec->mapping = result.best;
    spec->has_mapping = true;
    if (!ln_cli_run_evaluate(&run, &spec->mapping))
        goto done;
    search_outputs outputs = {spec, &result, run.evaluation};
    const ln_cli_output extra[] = {
        {".map.yaml", write_map_yaml, &outputs},
        {".map.nest", write_map_nest, &outputs},
        {".search.json", write_search_json, &outputs},
        {".pareto.json", write_pareto_json, &outputs},
        {".pareto.svg", write_pareto_svg, &outputs},
    };
    size_t extra_count = sizeof extra / sizeof extra[0] - (settings.pareto ? 0 : 2);
    if (!ln_cli_run_write_reports(&run, directory, arguments.prefix, extra, extra_count))
        goto done;
    print_search_summary(&result);
    if (settings.pareto || strcmp(settings.algorithm, "optimal") == 0)
        print_traffic_bound(&run);
    ln_cli_run_print_summary(&run, directory, arguments.prefix, extra, extra_count);
    status = LN_EXIT_OK;

done:
    ln_search_result_release(&result);
    ln_mapspace_destroy(mapspace);
    ln_cli_run_release(&run);
    ln_cli_arguments_release(&arguments);
    return status;
}
