/* Fuzz target: the YAML reader with every document kind merged (problem,
 * architecture, components, constraints, mapping, mapper, ERT/ART), as
 * `loopnest eval|search FILE.yaml` reads it. */
#include "fuzz_support.h"

#include "frontend/diagnostics.h"
#include "frontend/nest_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_input(data, size, NULL, "input.yaml");
    ln_spec spec;
    ln_diagnostics diagnostics;
    (void)fuzz_load_spec(path, &spec, &diagnostics, NULL);
    /* Rendering exercises every location and caret the reader produced. */
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        ln_diagnostics_render(sink, &diagnostics);
        fclose(sink);
    }
    ln_diagnostics_release(&diagnostics);
    ln_spec_release(&spec);
    return 0;
}
