/* `loopnest fmt`: rewrite .nest files in canonical form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/nest_printer.h"
#include "backend/output_file.h"
#include "cli/arguments.h"
#include "cli/commands.h"
#include "frontend/diagnostics.h"
#include "frontend/nest_reader.h"

static void print_fmt_usage(FILE *out)
{
    fputs("usage: loopnest fmt [--check] FILE...\n"
          "\n"
          "Rewrites each .nest FILE in canonical form: two-space indentation, one\n"
          "statement per line, each loop of a nest on its own line, comments kept\n"
          "(docs/language.md). A file is replaced atomically and only when it\n"
          "changes; included files are not touched.\n"
          "\n"
          "options:\n"
          "  --check      change nothing; list the files that are not canonical and\n"
          "               exit 1 when there is one\n"
          "  -h, --help   show this help\n"
          "\n"
          "Exit status: 0 success (all canonical with --check), 1 a file does not parse,\n"
          "cannot be written or (with --check) is not canonical, 2 usage.\n",
          out);
}

typedef struct fmt_text {
    const char *text;
    size_t length;
} fmt_text;

static bool write_text(FILE *out, const void *context)
{
    const fmt_text *text = context;
    return fwrite(text->text, 1, text->length, out) == text->length;
}

/* 0: canonical (or rewritten), 1: not canonical (--check) or failed. */
static int format_file(const char *path, bool check, ln_diagnostics *diagnostics)
{
    const char *text;
    size_t length;
    const char *stored = ln_read_source_file(diagnostics, path, &text, &length);
    if (!stored)
        return 1;
    ln_nest_node *program = ln_nest_parse_text(diagnostics, stored, text, length);
    if (!program)
        return 1;
    size_t formatted_length = 0;
    char *formatted = ln_nest_print_to_string(program, &formatted_length);
    ln_nest_node_free(program);
    if (!formatted) {
        ln_error(diagnostics, ln_location_none(), NULL, "out of memory formatting '%s'", path);
        return 1;
    }
    int status = 0;
    bool same = formatted_length == length && memcmp(formatted, text, length) == 0;
    if (check) {
        if (!same) {
            fprintf(stderr, "%s: not in canonical form; run 'loopnest fmt %s'\n", path, path);
            status = 1;
        }
    } else if (!same) {
        fmt_text content = {formatted, formatted_length};
        if (!ln_output_file_write(path, write_text, &content, diagnostics))
            status = 1;
    }
    free(formatted);
    return status;
}

int ln_command_fmt(int argc, char **argv)
{
    ln_cli_arguments arguments;
    int parsed = ln_cli_parse_arguments(argc, argv, "fmt", LN_OPTION_CHECK, print_fmt_usage,
                                        "give the .nest files to format", &arguments);
    if (parsed >= 0) {
        ln_cli_arguments_release(&arguments);
        return parsed;
    }
    int status = LN_EXIT_OK;
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    for (size_t i = 0; i < arguments.input_count; i++) {
        if (format_file(arguments.inputs[i], arguments.check, &diagnostics) != 0)
            status = LN_EXIT_FAILURE;
        ln_cli_flush_diagnostics(&diagnostics);
    }
    ln_diagnostics_release(&diagnostics);
    ln_cli_arguments_release(&arguments);
    return status;
}
