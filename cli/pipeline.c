#include "cli/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/json_report.h"
#include "backend/map_report.h"
#include "backend/stats_report.h"
#include "cli/arguments.h"
#include "cli/commands.h"
#include "frontend/diagnostics.h"

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

void ln_cli_run_init(ln_cli_run *run)
{
    memset(run, 0, sizeof *run);
    ln_spec_init(&run->spec);
    ln_diagnostics_init(&run->diagnostics);
}

void ln_cli_run_release(ln_cli_run *run)
{
    ln_cli_flush_diagnostics(&run->diagnostics);
    free(run->evaluation);
    free(run->scratch);
    ln_engine_destroy(run->engine);
    ln_diagnostics_release(&run->diagnostics);
    ln_spec_release(&run->spec);
}

bool ln_cli_run_load(ln_cli_run *run, const char *const *inputs, size_t count)
{
    return ln_cli_load_inputs(&run->spec, &run->diagnostics, inputs, count);
}

bool ln_cli_run_start_engine(ln_cli_run *run, const char *tables)
{
    if (!ln_cli_estimate_energy(&run->spec, &run->diagnostics, tables, NULL))
        return false;
    run->engine = ln_engine_create(&run->spec, &run->diagnostics);
    if (!run->engine)
        return false;
    run->scratch = calloc(1, ln_engine_scratch_size(run->engine));
    run->evaluation = calloc(1, sizeof *run->evaluation);
    if (!run->scratch || !run->evaluation) {
        ln_error(&run->diagnostics, ln_location_none(), NULL, "out of memory");
        return false;
    }
    return true;
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
        } else if (failure->level < 0 && failure->status == LN_EVALUATION_FANOUT) {
            location = spec->arch.compute.location;
        }
        if (failure->tensor >= 0 && (uint32_t)failure->tensor < spec->problem.tensor_count)
            ln_error(diagnostics, location, failure_hint(failure), "%s (tensor %s)", failure->message,
                     spec->problem.tensors[failure->tensor].name);
        else
            ln_error(diagnostics, location, failure_hint(failure), "%s", failure->message);
    }
}

bool ln_cli_run_evaluate(ln_cli_run *run, const ln_mapping *mapping)
{
    if (ln_engine_evaluate(run->engine, mapping, run->scratch, run->evaluation) == LN_EVALUATION_OK)
        return true;
    report_failures(&run->spec, run->evaluation, &run->diagnostics);
    return false;
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

static bool write_one(ln_cli_run *run, const char *directory, const char *prefix, const ln_cli_output *output)
{
    char *path = ln_cli_output_path(directory, prefix, output->suffix);
    if (!path) {
        ln_error(&run->diagnostics, ln_location_none(), NULL, "out of memory");
        return false;
    }
    bool written = ln_output_file_write(path, output->write, output->context, &run->diagnostics);
    free(path);
    return written;
}

bool ln_cli_run_write_reports(ln_cli_run *run, const char *directory, const char *prefix,
                              const ln_cli_output *extra, size_t extra_count)
{
    if (!ln_output_directory_create(directory, &run->diagnostics))
        return false;
    report_context context = {&run->spec, run->evaluation};
    const ln_cli_output outputs[] = {
        {".stats.txt", write_stats, &context},
        {".map.txt", write_map, &context},
        {".json", write_json, &context},
    };
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++)
        if (!write_one(run, directory, prefix, &outputs[i]))
            return false;
    for (size_t i = 0; i < extra_count; i++)
        if (!write_one(run, directory, prefix, &extra[i]))
            return false;
    return true;
}

void ln_cli_run_print_summary(const ln_cli_run *run, const char *directory, const char *prefix,
                              const ln_cli_output *extra, size_t extra_count)
{
    const ln_spec *spec = &run->spec;
    const ln_evaluation *result = run->evaluation;
    double per_compute = result->computes ? result->energy / (double)result->computes : 0;
    printf("%s on %s: %llu computes\n", spec->problem.name ? spec->problem.name : "problem",
           spec->arch.name ? spec->arch.name : "architecture", (unsigned long long)result->computes);
    printf("  Cycles      : %llu\n", (unsigned long long)result->cycles);
    printf("  Energy      : %.2f pJ (%.4f uJ)\n", result->energy, result->energy / 1e6);
    printf("  pJ/Compute  : %.3f\n", per_compute);
    printf("  Utilization : %.2f%%\n", result->utilization * 100.0);
    printf("  Area        : %.2f um^2\n", result->area);
    printf("  Reports     : %s/%s.stats.txt, .map.txt, .json", directory, prefix);
    for (size_t i = 0; i < extra_count; i++)
        printf(", %s", extra[i].suffix);
    printf("\n");
}
