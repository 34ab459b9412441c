/* `loopnest convert`: .nest <-> Timeloop YAML, through the spec IR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/nest_export.h"
#include "backend/nest_printer.h"
#include "backend/output_file.h"
#include "backend/yaml_export.h"
#include "cli/arguments.h"
#include "cli/commands.h"
#include "frontend/diagnostics.h"

static void print_convert_usage(FILE *out)
{
    fputs("usage: loopnest convert FILE... [--to nest|yaml] -o OUT\n"
          "\n"
          "Reads the inputs (.nest and Timeloop YAML files, merged as `loopnest eval`\n"
          "merges them) and writes the same spec in the other language:\n"
          "  --to nest   canonical .nest source (docs/language.md): the problem as its\n"
          "              loop statement, the architecture level by level with instance\n"
          "              counts, the mapping as a loop nest, constraints and mapper\n"
          "              options as a search\n"
          "  --to yaml   Timeloop's v0.4 input: architecture in the subtree/local form\n"
          "              with instance ranges, problem, mapping, constraints, mapper,\n"
          "              and the ERT/ART and compound components when given\n"
          "\n"
          "options:\n"
          "  --to LANG        nest or yaml (default: from OUT's extension)\n"
          "  -o, --output OUT the file to write (replaced atomically); - for stdout\n"
          "  -h, --help       show this help\n"
          "\n"
          "Exit status: 0 success, 1 error in the inputs or writing, 2 usage.\n",
          out);
}

typedef struct convert_context {
    const ln_spec *spec;
    ln_nest_node *tree;
} convert_context;

static bool write_nest(FILE *out, const void *context)
{
    const convert_context *convert = context;
    return ln_nest_print(out, convert->tree);
}

static bool write_yaml(FILE *out, const void *context)
{
    const convert_context *convert = context;
    return ln_write_yaml_spec(out, convert->spec);
}

static bool has_suffix(const char *path, const char *suffix)
{
    size_t length = strlen(path), suffix_length = strlen(suffix);
    return length >= suffix_length && strcmp(path + length - suffix_length, suffix) == 0;
}

int ln_command_convert(int argc, char **argv)
{
    ln_cli_arguments arguments;
    int parsed = ln_cli_parse_arguments(argc, argv, "convert", LN_OPTION_OUTPUT | LN_OPTION_TO,
                                        print_convert_usage, "give the files to convert", &arguments);
    if (parsed >= 0) {
        ln_cli_arguments_release(&arguments);
        return parsed;
    }
    const char *output = arguments.output;
    const char *language = arguments.to;
    const char **inputs = arguments.inputs;
    size_t input_count = arguments.input_count;
    if (!output) {
        fputs("loopnest: error: no output file: give -o OUT; see 'loopnest convert --help'\n", stderr);
        ln_cli_arguments_release(&arguments);
        return LN_EXIT_USAGE;
    }
    if (!language) {
        if (has_suffix(output, ".nest"))
            language = "nest";
        else if (has_suffix(output, ".yaml") || has_suffix(output, ".yml"))
            language = "yaml";
    }
    if (!language || (strcmp(language, "nest") != 0 && strcmp(language, "yaml") != 0)) {
        fprintf(stderr, "loopnest: error: %s; give --to nest or --to yaml\n",
                language ? "unknown target language" : "cannot tell the target language from the output name");
        ln_cli_arguments_release(&arguments);
        return LN_EXIT_USAGE;
    }

    int status = LN_EXIT_FAILURE;
    ln_spec spec;
    ln_spec_init(&spec);
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    convert_context context = {&spec, NULL};
    if (!ln_cli_load_inputs(&spec, &diagnostics, inputs, input_count))
        goto done;
    bool nest = strcmp(language, "nest") == 0;
    if (nest) {
        context.tree = ln_nest_from_spec(&spec, &diagnostics);
        if (!context.tree)
            goto done;
    }
    ln_output_writer writer = nest ? write_nest : write_yaml;
    if (strcmp(output, "-") == 0) {
        if (!writer(stdout, &context) || fflush(stdout) != 0) {
            ln_error(&diagnostics, ln_location_none(), NULL, "cannot write to standard output");
            goto done;
        }
    } else if (!ln_output_file_write(output, writer, &context, &diagnostics)) {
        goto done;
    }
    status = LN_EXIT_OK;

done:
    ln_cli_flush_diagnostics(&diagnostics);
    ln_nest_node_free(context.tree);
    ln_diagnostics_release(&diagnostics);
    ln_spec_release(&spec);
    ln_cli_arguments_release(&arguments);
    return status;
}
