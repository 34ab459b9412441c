/* Fuzz target: the .nest front end (parse, lower, check) and the printer.
 * On every input that loads, the round trip .nest -> spec -> .nest must be
 * a fixed point: the text printed from the spec loads again and prints the
 * same text. */
#include "fuzz_support.h"

#include <string.h>

#include "backend/nest_export.h"
#include "backend/nest_printer.h"
#include "frontend/diagnostics.h"
#include "frontend/nest_spec.h"
#include "ir/nest_ast.h"

/* Loads `path`; on success, the spec printed as .nest (malloc'ed). */
static bool load_and_print(const char *path, char **text, bool *loaded)
{
    ln_spec spec;
    ln_diagnostics diagnostics;
    *loaded = fuzz_load_spec(path, &spec, &diagnostics, LOOPNEST_STDLIB_DIR);
    *text = NULL;
    bool ok = true;
    if (*loaded) {
        ln_nest_node *tree = ln_nest_from_spec(&spec, &diagnostics);
        if (tree) {
            *text = ln_nest_print_to_string(tree, NULL);
            ln_nest_node_free(tree);
        }
        ok = *text != NULL;
        if (!ok)
            ln_diagnostics_render(stderr, &diagnostics);
    }
    ln_diagnostics_release(&diagnostics);
    ln_spec_release(&spec);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_input(data, size, NULL, "input.nest");
    char *first;
    bool loaded;
    if (!load_and_print(path, &first, &loaded)) {
        fprintf(stderr, "a spec that loaded could not be printed as .nest\n");
        abort();
    }
    if (!loaded)
        return 0;
    path = fuzz_write_input((const uint8_t *)first, strlen(first), NULL, "printed.nest");
    char *second;
    if (!load_and_print(path, &second, &loaded) || !loaded) {
        fprintf(stderr, "the printed .nest did not load again:\n%s", first);
        abort();
    }
    if (strcmp(first, second) != 0) {
        fprintf(stderr, "printing is not a fixed point:\n--- first\n%s--- second\n%s", first, second);
        abort();
    }
    free(first);
    free(second);
    return 0;
}
