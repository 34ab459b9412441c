/* `loopnest energy`: Accelergy's tables from the built-in estimator, and the
 * hook that lets `eval` (and `search`) estimate what no ERT/ART gives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/accelergy_tables.h"
#include "backend/output_file.h"
#include "cli/arguments.h"
#include "cli/commands.h"
#include "frontend/estimation_tables.h"
#include "frontend/yaml_components.h"
#include "runtime/energy_estimator.h"

bool ln_cli_estimate_energy(ln_spec *spec, ln_diagnostics *diagnostics, const char *tables_directory,
                            ln_energy_estimate *estimate)
{
    ln_energy_estimate local;
    if (!estimate)
        estimate = &local;
    /* `eval` calls this on every run; with a complete ERT/ART there is
     * nothing to estimate, and `energy` still wants the entries listed. */
    if (!spec->has_arch || (estimate == &local && !ln_energy_estimate_needed(spec))) {
        memset(estimate, 0, sizeof *estimate);
        return true;
    }
    ln_component_library stdlib;
    memset(&stdlib, 0, sizeof stdlib);
    if (!ln_yaml_load_stdlib_components(&spec->arena, diagnostics, &stdlib))
        return false;
    ln_estimation_tables tables;
    memset(&tables, 0, sizeof tables);
    if (tables_directory && !ln_load_estimation_tables(tables_directory, &spec->arena, diagnostics, &tables))
        return false;
    ln_energy_estimator_options options = {&stdlib, tables_directory ? &tables : NULL};
    if (!ln_energy_estimate_spec(spec, &options, &spec->arena, diagnostics, estimate))
        return false;
    ln_energy_estimate_apply(spec, estimate);
    return true;
}

static void print_energy_usage(FILE *out)
{
    fputs("usage: loopnest energy FILE... [-o DIR] [--prefix NAME] [--tables DIR]\n"
          "\n"
          "Estimates the energy of every action and the area of every storage level and\n"
          "compute unit of the architecture in the inputs, as Accelergy does, and writes\n"
          "DIR/NAME.ERT.yaml, NAME.ART.yaml, NAME.ERT_summary.yaml and\n"
          "NAME.ART_summary.yaml in Accelergy's formats (Timeloop reads the first two).\n"
          "Every entry says which model or table produced it.\n"
          "\n"
          "arguments:\n"
          "  FILE...          YAML inputs with an architecture and, optionally, compound\n"
          "                   component classes (compound_components) and an ERT/ART\n"
          "options:\n"
          "  -o, --output DIR output directory, created if missing (default: .)\n"
          "  --prefix NAME    file name prefix (default: loopnest)\n"
          "  --tables DIR     CSV tables (class, attribute columns, action, energy, area)\n"
          "                   that take precedence over the built-in models;\n"
          "                   stdlib/compat/accelergy-2024 reproduces the Accelergy of\n"
          "                   the published Timeloop tutorials (May 2024)\n"
          "  -h, --help       show this help\n"
          "\n"
          "Precedence per component: an ERT/ART in the inputs, then --tables, then the\n"
          "built-in models (ALADDIN tables, the CACTI SRAM sweeps, DRAM pJ/bit), with the\n"
          "stdlib's classes (SRAM, DRAM, regfile, smartbuffer_SRAM, smartbuffer_RF, intmac,\n"
          "fpmac) where the inputs define no class of that name.\n"
          "Exit status: 0 success, 1 error in the inputs, 2 usage.\n",
          out);
}

typedef bool (*ln_estimate_writer)(FILE *out, const ln_energy_estimate *estimate);

typedef struct ln_energy_output {
    const ln_energy_estimate *estimate;
    ln_estimate_writer write;
} ln_energy_output;

static bool write_output(FILE *out, const void *context)
{
    const ln_energy_output *output = context;
    return output->write(out, output->estimate);
}

static void print_estimate(const ln_energy_estimate *estimate)
{
    for (uint32_t c = 0; c < estimate->count; c++) {
        const ln_component_estimate *component = &estimate->components[c];
        printf("%s (%s)\n", component->name, component->class_name ? component->class_name : "-");
        if (component->has_energy) {
            for (uint32_t a = 0; a < component->action_count; a++) {
                const ln_estimate_action *action = &component->actions[a];
                char number[64];
                ln_format_accelergy_number(number, sizeof number, action->energy);
                printf("  %-12s %s pJ", action->action, number);
                for (uint32_t i = 0; i < action->argument_count; i++)
                    printf("%s%s=%s", i ? ", " : " (", action->arguments[i].name, action->arguments[i].value);
                puts(action->argument_count ? ")" : "");
            }
            printf("  energy from  %s\n", component->energy_source ? component->energy_source : "-");
        }
        if (component->has_area) {
            char number[64];
            ln_format_accelergy_number(number, sizeof number, component->area);
            printf("  area         %s um^2\n  area from    %s\n", number,
                   component->area_source ? component->area_source : "-");
        }
    }
}

int ln_command_energy(int argc, char **argv)
{
    ln_cli_arguments arguments;
    int parsed = ln_cli_parse_arguments(argc, argv, "energy", LN_OPTION_OUTPUT | LN_OPTION_PREFIX | LN_OPTION_TABLES,
                                        print_energy_usage, "give the YAML files with the architecture",
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
    ln_energy_estimate estimate;
    memset(&estimate, 0, sizeof estimate);

    if (!ln_cli_load_inputs(&spec, &diagnostics, inputs, input_count))
        goto done;
    if (!spec.has_arch) {
        ln_error(&diagnostics, ln_location_none(), "add an architecture: section to the inputs",
                 "no architecture to estimate");
        goto done;
    }
    if (!ln_cli_estimate_energy(&spec, &diagnostics, tables, &estimate))
        goto done;
    if (!ln_output_directory_create(directory, &diagnostics))
        goto done;
    static const struct {
        const char *suffix;
        ln_estimate_writer write;
    } outputs[] = {{".ERT.yaml", ln_write_ert},
                   {".ART.yaml", ln_write_art},
                   {".ERT_summary.yaml", ln_write_ert_summary},
                   {".ART_summary.yaml", ln_write_art_summary}};
    bool written = true;
    for (size_t i = 0; i < sizeof outputs / sizeof *outputs && written; i++) {
        char *path = ln_cli_output_path(directory, prefix, outputs[i].suffix);
        ln_energy_output output = {&estimate, outputs[i].write};
        written = path && ln_output_file_write(path, write_output, &output, &diagnostics);
        free(path);
    }
    if (!written)
        goto done;
    ln_cli_flush_diagnostics(&diagnostics);
    print_estimate(&estimate);
    printf("Tables: %s/%s.ERT.yaml, .ART.yaml, .ERT_summary.yaml, .ART_summary.yaml\n", directory, prefix);
    status = LN_EXIT_OK;

done:
    ln_cli_flush_diagnostics(&diagnostics);
    ln_diagnostics_release(&diagnostics);
    ln_spec_release(&spec);
    ln_cli_arguments_release(&arguments);
    return status;
}
