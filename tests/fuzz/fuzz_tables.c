/* Fuzz target: the user's energy/area tables (`--tables DIR`, CSV) and the
 * estimator looking components up in them. The input is the folder's
 * intadder.csv; a fixed architecture (a smart buffer whose address
 * generators are intadders, and a MAC) is estimated with it. */
#include "fuzz_support.h"

#include <string.h>

#include "frontend/estimation_tables.h"
#include "frontend/nest_spec.h"
#include "frontend/yaml_components.h"
#include "runtime/energy_estimator.h"

static const char architecture[] =
    "architecture:\n"
    "  version: 0.4\n"
    "  subtree:\n"
    "    - name: system\n"
    "      attributes: {technology: \"45nm\", global_cycle_seconds: 1e-9}\n"
    "      local:\n"
    "        - name: Buffer\n"
    "          class: smartbuffer_SRAM\n"
    "          attributes: {depth: 192, width: 16}\n"
    "        - name: MACC\n"
    "          class: intmac\n"
    "          attributes: {width: 8}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char spec_path[512];
    if (!spec_path[0])
        snprintf(spec_path, sizeof spec_path, "%s",
                 fuzz_write_input((const uint8_t *)architecture, strlen(architecture), NULL, "architecture.yaml"));
    const char *table = fuzz_write_input(data, size, "tables", "intadder.csv");
    char folder[512];
    snprintf(folder, sizeof folder, "%.*s", (int)(strrchr(table, '/') - table), table);

    ln_spec spec;
    ln_diagnostics diagnostics;
    if (!fuzz_load_spec(spec_path, &spec, &diagnostics, NULL))
        abort(); /* the fixed architecture always loads */
    ln_estimation_tables tables;
    ln_component_library stdlib;
    memset(&stdlib, 0, sizeof stdlib);
    if (ln_load_estimation_tables(folder, &spec.arena, &diagnostics, &tables) &&
        ln_yaml_load_stdlib_components(&spec.arena, &diagnostics, &stdlib)) {
        ln_energy_estimator_options estimator = {&stdlib, &tables};
        ln_energy_estimate estimate;
        (void)ln_energy_estimate_spec(&spec, &estimator, &spec.arena, &diagnostics, &estimate);
    }
    ln_diagnostics_release(&diagnostics);
    ln_spec_release(&spec);
    return 0;
}
