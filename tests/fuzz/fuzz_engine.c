/* Fuzz target: the engine and the mapper on every YAML spec that loads:
 * the energy estimator where no ERT/ART is given, the spec's own mapping
 * when it has one, and two short searches (random_pruned with a small
 * budget, and the optimal search cut by a short time limit). */
#include "fuzz_support.h"

#include <string.h>

#include "frontend/estimation_tables.h"
#include "frontend/nest_spec.h"
#include "frontend/yaml_components.h"
#include "ir/search_result.h"
#include "runtime/energy_estimator.h"
#include "runtime/engine.h"
#include "runtime/mapper.h"
#include "runtime/mapspace.h"

static bool estimate_energy(ln_spec *spec, ln_diagnostics *diagnostics)
{
    if (!ln_energy_estimate_needed(spec))
        return true;
    ln_component_library stdlib;
    memset(&stdlib, 0, sizeof stdlib);
    if (!ln_yaml_load_stdlib_components(&spec->arena, diagnostics, &stdlib))
        return false;
    ln_energy_estimator_options options = {&stdlib, NULL};
    ln_energy_estimate estimate;
    if (!ln_energy_estimate_spec(spec, &options, &spec->arena, diagnostics, &estimate))
        return false;
    ln_energy_estimate_apply(spec, &estimate);
    return true;
}

static void search(const ln_spec *spec, const ln_engine *engine, const char *algorithm)
{
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    ln_mapspace *mapspace = ln_mapspace_create(spec, &diagnostics);
    if (mapspace) {
        ln_search_settings settings;
        ln_mapper_settings_from_spec(spec, &settings);
        settings.algorithm = algorithm;
        settings.threads = 1;
        settings.search_size = 64;
        settings.timeout = 64;
        settings.victory_condition = 16;
        settings.time_limit = 0.05;
        ln_search_result result;
        memset(&result, 0, sizeof result);
        char error[256];
        (void)ln_mapper_run(engine, mapspace, &settings, NULL, &result, error, sizeof error);
        ln_search_result_release(&result);
        ln_mapspace_destroy(mapspace);
    }
    ln_diagnostics_release(&diagnostics);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write_input(data, size, NULL, "input.yaml");
    ln_spec spec;
    ln_diagnostics diagnostics;
    bool loaded = fuzz_load_spec(path, &spec, &diagnostics, NULL);
    if (loaded && spec.has_problem && spec.has_arch && estimate_energy(&spec, &diagnostics)) {
        ln_engine *engine = ln_engine_create(&spec, &diagnostics);
        if (engine) {
            if (spec.has_mapping) {
                void *scratch = calloc(1, ln_engine_scratch_size(engine));
                ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
                if (!scratch || !evaluation)
                    abort();
                (void)ln_engine_evaluate(engine, &spec.mapping, scratch, evaluation);
                free(scratch);
                free(evaluation);
            }
            search(&spec, engine, "random_pruned");
            search(&spec, engine, "optimal");
            ln_engine_destroy(engine);
        }
    }
    ln_diagnostics_release(&diagnostics);
    ln_spec_release(&spec);
    return 0;
}
