/* `loopnest convert`: .nest <-> Timeloop YAML, through the spec IR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/nest_export.h"
#include "backend/nest_printer.h"
#include "backend/output_file.h"
#include "backend/yaml_export.h"
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
    const char *output = NULL;
    const char *language = NULL;
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    size_t input_count = 0;
    if (!inputs) {
        fputs("loopnest: error: out of memory\n", stderr);
        return LN_EXIT_FAILURE;
    }
    for (int i = 1; i < argc; i++) {
        const char *argument = argv[i];
        if (strcmp(argument, "-h") == 0 || strcmp(argument, "--help") == 0) {
            print_convert_usage(stdout);
            free(inputs);
            return LN_EXIT_OK;
        } else if (strcmp(argument, "-o") == 0 || strcmp(argument, "--output") == 0 ||
                   strcmp(argument, "--to") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "loopnest: error: %s needs a value; see 'loopnest convert --help'\n",
                        argument);
                free(inputs);
                return LN_EXIT_USAGE;
            }
            if (strcmp(argument, "--to") == 0)
                language = argv[++i];
            else
                output = argv[++i];
        } else if (strncmp(argument, "--to=", 5) == 0) {
            language = argument + 5;
        } else if (argument[0] == '-' && argument[1] != '\0') {
            fprintf(stderr, "loopnest: error: unknown option '%s'; see 'loopnest convert --help'\n",
                    argument);
            free(inputs);
            return LN_EXIT_USAGE;
        } else {
            inputs[input_count++] = argument;
        }
    }
    if (input_count == 0 || !output) {
        fprintf(stderr, "loopnest: error: %s; see 'loopnest convert --help'\n",
                input_count ? "no output file: give -o OUT" : "no input files");
        free(inputs);
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
        free(inputs);
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
    free(inputs);
    return status;
}
