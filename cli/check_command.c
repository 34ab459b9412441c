/* `loopnest check`: read, lower and check a spec without evaluating it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/arguments.h"
#include "cli/commands.h"
#include "ir/constraint_check.h"

static void print_check_usage(FILE *out)
{
    fputs("usage: loopnest check FILE...\n"
          "\n"
          "Parses the inputs (.nest and Timeloop YAML files), lowers them into the spec\n"
          "and checks it as `loopnest eval` would before evaluating: names, projections,\n"
          "levels, factors that must multiply out to the bounds, fan-outs, keep/bypass,\n"
          "constraints. Prints every problem found with its location, or a summary.\n"
          "\n"
          "options:\n"
          "  -h, --help   show this help\n"
          "\n"
          "Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage.\n",
          out);
}

int ln_command_check(int argc, char **argv)
{
    ln_cli_arguments arguments;
    int parsed = ln_cli_parse_arguments(argc, argv, "check", 0, print_check_usage, "give the files to check",
                                        &arguments);
    if (parsed >= 0) {
        ln_cli_arguments_release(&arguments);
        return parsed;
    }
    const char **inputs = arguments.inputs;
    size_t input_count = arguments.input_count;
    ln_spec spec;
    ln_spec_init(&spec);
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    int status = LN_EXIT_FAILURE;
    if (ln_cli_load_inputs(&spec, &diagnostics, inputs, input_count)) {
        if (spec.has_mapping)
            ln_check_mapping_constraints(&spec, &spec.mapping, &diagnostics);
        status = LN_EXIT_OK;
    }
    ln_cli_flush_diagnostics(&diagnostics);
    if (status == LN_EXIT_OK) {
        printf("ok:");
        if (spec.has_problem)
            printf(" problem %s (%u dimensions, %u tensors);", spec.problem.name ? spec.problem.name : "",
                   spec.problem.dimension_count, spec.problem.tensor_count);
        if (spec.has_arch)
            printf(" architecture %s (%u storage levels);", spec.arch.name ? spec.arch.name : "",
                   spec.arch.storage_count);
        if (spec.has_mapping)
            printf(" mapping valid;");
        if (spec.constraints.count)
            printf(" %u constraints;", spec.constraints.count);
        if (spec.mapper.present)
            printf(" mapper options;");
        printf("\n");
    }
    ln_diagnostics_release(&diagnostics);
    ln_spec_release(&spec);
    ln_cli_arguments_release(&arguments);
    return status;
}
