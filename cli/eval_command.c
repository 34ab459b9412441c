/* `loopnest eval`: evaluate the mapping the inputs give and write reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "cli/pipeline.h"
#include "frontend/diagnostics.h"
#include "ir/constraint_check.h"
#include "ir/mapping_validate.h"

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
    int status = LN_EXIT_FAILURE;
    ln_cli_run run;
    ln_cli_run_init(&run);
    ln_spec *spec = &run.spec;
    ln_diagnostics *diagnostics = &run.diagnostics;

    if (!ln_cli_run_load(&run, arguments.inputs, arguments.input_count))
        goto done;
    if (!spec->has_mapping) {
        ln_error(diagnostics, ln_location_none(), "add a mapping: section (or a mapping file) to the inputs",
                 "no mapping to evaluate");
        goto done;
    }
    if (!ln_mapping_validate(&spec->problem, &spec->arch, &spec->mapping, diagnostics))
        goto done;
    ln_check_mapping_constraints(spec, &spec->mapping, diagnostics);
    if (!ln_cli_run_start_engine(&run, arguments.tables) || !ln_cli_run_evaluate(&run, &spec->mapping) ||
        !ln_cli_run_write_reports(&run, directory, arguments.prefix, NULL, 0))
        goto done;
    ln_cli_flush_diagnostics(diagnostics);
    ln_cli_run_print_summary(&run, directory, arguments.prefix, NULL, 0);
    status = LN_EXIT_OK;

done:
    ln_cli_run_release(&run);
    ln_cli_arguments_release(&arguments);
    return status;
}
