/* `loopnest eval`: evaluate the mapping the inputs give and write reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json_report.h"
#include "backend/map_report.h"
#include "backend/output_file.h"
#include "backend/stats_report.h"
#include "cli/arguments.h"
#include "cli/commands.h"
#include "frontend/diagnostics.h"
#include "frontend/yaml_spec.h"
#include "ir/constraint_check.h"
#include "ir/mapping_validate.h"
#include "runtime/engine.h"

static void print_eval_usage(FILE *out)
{
    fputs("usage: loopnest eval FILE... [-o DIR] [--prefix NAME] [--tables DIR]\n"
          "\n"
          "Evaluates the mapping given in the inputs (like timeloop-model) and writes\n"
          "DIR/NAME.stats.txt and DIR/NAME.map.txt in Timeloop's layout and\n"
          "DIR/NAME.json with the same figures (schema: docs/json-report.md).\n"
          "Prints a summary: cycles, energy, pJ per compute, utilization.\n"
          "\n"
          "arguments:\n"
          "  FILE...          .nest programs (docs/language.md) and YAML inputs; YAML\n"
          "                   files merge by top-level key with later files winning (a\n"
          "                   mapping: in a later file replaces an earlier empty one)\n"
          "                   and a .nest program's sections replace theirs; give an\n"
          "                   ERT/ART to use Accelergy's tables,\n"
          "                   else the built-in estimator supplies energies and areas\n"
          "options:\n"
          "  -o, --output DIR output directory, created if missing (default: .)\n"
          "  --prefix NAME    file name prefix (default: loopnest)\n"
          "  --tables DIR     CSV energy/area tables preferred over the built-in models\n"
          "  -h, --help       show this help\n"
          "\n"
          "A mapping that violates an architecture or mapspace constraint is evaluated\n"
          "with a warning naming the constraint; a mapping that cannot run (a tile that\n"
          "does not fit, a fan-out exceeded, factors that do not multiply out) is an\n"
          "error. Exit status: 0 success, 1 error in the inputs or the mapping, 2 usage.\n",
          out);
}

void ln_cli_flush_diagnostics(ln_diagnostics *diagnostics)
{
    ln_diagnostics_render(stderr, diagnostics);
    /* Keep the sources (later diagnostics quote them) but drop the items. */
    for (size_t i = 0; i < diagnostics->count; i++) {
        free(diagnostics->items[i].message);
        free(diagnostics->items[i].hint);
    }
    diagnostics->count = 0;
}

static const char *failure_hint(const ln_evaluation_failure *failure)
{
    switch (failure->status) {
    case LN_EVALUATION_CAPACITY:
        return "move factors of the loops below this level outward, bypass a tensor here, or enlarge the level";
    case LN_EVALUATION_MIN_UTILIZATION:
        return "move factors inward to this level, or lower its min_utilization";
    case LN_EVALUATION_FANOUT:
        return "reduce the spatial factors or use the other mesh axis (split)";
    case LN_EVALUATION_INVALID_MAPPING:
        /* The mapping validator reports these first with their own hints;
         * the engine repeats them for callers that skip validation. */
        if (strstr(failure->message, "bypassed"))
            return "keep every tensor at one storage level at least";
        if (strstr(failure->message, "residual"))
            return "give the dimension a loop further out, or make the spatial factor perfect";
        return "give one mapping entry per storage level of the architecture";
    case LN_EVALUATION_UNSUPPORTED:
        return "simplify the mapping: fewer temporal loops, a smaller fan-out (docs/engine.md lists the limits)";
    case LN_EVALUATION_OK:
        break;
    }
    return NULL;
}

static void report_failures(const ln_spec *spec, const ln_evaluation *result, ln_diagnostics *diagnostics)
{
    for (uint32_t i = 0; i < result->failure_count; i++) {
        const ln_evaluation_failure *failure = &result->failures[i];
        ln_source_location location = spec->mapping.location;
        if (failure->level >= 0 && (uint32_t)failure->level < spec->arch.storage_count) {
            const ln_storage_level *level = &spec->arch.storage[failure->level];
            location = level->location;
            /* Point at the attribute that sets the size, where there is one. */
            static const char *const size_keys[] = {"depth", "entries", "sizeKB", "memory_depth"};
            for (size_t k = 0; failure->status == LN_EVALUATION_CAPACITY && k < 4; k++) {
                const ln_attribute *attribute = ln_attribute_find(&level->attributes, size_keys[k]);
                if (attribute && attribute->location.line) {
                    location = attribute->location;
                    break;
                }
            }
        }
        else if (failure->level < 0 && failure->status == LN_EVALUATION_FANOUT)
            location = spec->arch.compute.location;
        if (failure->tensor >= 0 && (uint32_t)failure->tensor < spec->problem.tensor_count)
            ln_error(diagnostics, location, failure_hint(failure), "%s (tensor %s)", failure->message,
                     spec->problem.tensors[failure->tensor].name);
        else
            ln_error(diagnostics, location, failure_hint(failure), "%s", failure->message);
    }
}

typedef struct report_context {
    const ln_spec *spec;
    const ln_evaluation *evaluation;
} report_context;

static bool write_stats(FILE *out, const void *context)
{
    const report_context *report = context;
    return ln_write_stats_report(out, report->spec, report->evaluation);
}

static bool write_map(FILE *out, const void *context)
{
    const report_context *report = context;
    return ln_write_map_report(out, report->spec, report->evaluation);
}

static bool write_json(FILE *out, const void *context)
{
    const report_context *report = context;
    return ln_write_json_report(out, report->spec, report->evaluation);
}

static void print_summary(const ln_spec *spec, const ln_evaluation *result, const char *directory,
                          const char *prefix)
{
    double per_compute = result->computes ? result->energy / (double)result->computes : 0;
    printf("%s on %s: %llu computes\n", spec->problem.name ? spec->problem.name : "problem",
           spec->arch.name ? spec->arch.name : "architecture", (unsigned long long)result->computes);
    printf("  Cycles      : %llu\n", (unsigned long long)result->cycles);
    printf("  Energy      : %.2f pJ (%.4f uJ)\n", result->energy, result->energy / 1e6);
    printf("  pJ/Compute  : %.3f\n", per_compute);
    printf("  Utilization : %.2f%%\n", result->utilization * 100.0);
    printf("  Area        : %.2f um^2\n", result->area);
    printf("  Reports     : %s/%s.stats.txt, .map.txt, .json\n", directory, prefix);
}

int ln_command_eval(int argc, char **argv)
{
    ln_cli_arguments arguments;
    int parsed = ln_cli_parse_arguments(argc, argv, "eval", LN_OPTION_OUTPUT | LN_OPTION_PREFIX | LN_OPTION_TABLES,
                                        print_eval_usage, "give the .nest or YAML spec files to evaluate",
                                        &arguments);
    if (parsed >= 0) {
        ln_cli_arguments_release(&arguments);
        return parsed;
    }
    const char *directory = arguments.output ? arguments.output : ".";
    const char *prefix = arguments.prefix;
    const char *tables = arguments.tables;
    const char **inputs = arguments.inputs;
    size_t input_count = arguments.input_count;

    int status = LN_EXIT_FAILURE;
    ln_spec spec;
    ln_spec_init(&spec);
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    ln_engine *engine = NULL;
    void *scratch = NULL;
    ln_evaluation *result = NULL;

    if (!ln_cli_load_inputs(&spec, &diagnostics, inputs, input_count))
        goto done;
    if (!spec.has_mapping) {
        ln_error(&diagnostics, ln_location_none(), "add a mapping: section (or a mapping file) to the inputs",
                 "no mapping to evaluate");
        goto done;
    }
    if (!ln_mapping_validate(&spec.problem, &spec.arch, &spec.mapping, &diagnostics))
        goto done;
    ln_check_mapping_constraints(&spec, &spec.mapping, &diagnostics);
    if (!ln_cli_estimate_energy(&spec, &diagnostics, tables, NULL))
        goto done;

    engine = ln_engine_create(&spec, &diagnostics);
    if (!engine)
        goto done;
    scratch = calloc(1, ln_engine_scratch_size(engine));
    result = calloc(1, sizeof *result);
    if (!scratch || !result) {
        ln_error(&diagnostics, ln_location_none(), NULL, "out of memory");
        goto done;
    }
    if (ln_engine_evaluate(engine, &spec.mapping, scratch, result) != LN_EVALUATION_OK) {
        report_failures(&spec, result, &diagnostics);
        goto done;
    }
    if (!ln_output_directory_create(directory, &diagnostics))
        goto done;

    report_context context = {&spec, result};
    struct {
        const char *suffix;
        ln_output_writer writer;
    } outputs[] = {{".stats.txt", write_stats}, {".map.txt", write_map}, {".json", write_json}};
    bool written = true;
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0] && written; i++) {
        char *path = ln_cli_output_path(directory, prefix, outputs[i].suffix);
        written = path && ln_output_file_write(path, outputs[i].writer, &context, &diagnostics);
        free(path);
    }
    if (!written)
        goto done;
    ln_cli_flush_diagnostics(&diagnostics);
    print_summary(&spec, result, directory, prefix);
    status = LN_EXIT_OK;

done:
    ln_cli_flush_diagnostics(&diagnostics);
    free(result);
    free(scratch);
    ln_engine_destroy(engine);
    ln_diagnostics_release(&diagnostics);
    ln_spec_release(&spec);
    ln_cli_arguments_release(&arguments);
    return status;
}
