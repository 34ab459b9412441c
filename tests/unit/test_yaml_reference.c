/* Every parsed-processed-input.yaml of the public reference cases loads
 * without a diagnostic, together with its ERT, ART and (for mapper cases)
 * the mapping Timeloop's mapper found; spot checks of the values. The
 * reference data is read in place; the test is skipped when it is absent. */
#include "yaml_test_support.h"

#include <glob.h>
#include <math.h>
#include <sys/stat.h>

#define REFERENCE LN_REFERENCE_DIR

static const char *const case_patterns[] = {
    REFERENCE "/tutorial-2020/timeloop/*/ref-output/parsed-processed-input.yaml",
    REFERENCE "/tutorial-2020/timeloop/*/ref-output/*/parsed-processed-input.yaml",
    REFERENCE "/tutorial-2020/timeloop+accelergy/ref-output/*/parsed-processed-input.yaml",
    REFERENCE "/example-designs/*/ref_outputs/default_problem/parsed-processed-input.yaml",
};

/* Loads a case directory: the processed input, its tables and the found
 * mapping when there is one. */
static void load_case(yaml_test *test, const char *directory)
{
    const char *paths[4];
    size_t count = 0;
    char input[1024];
    snprintf(input, sizeof input, "%s/parsed-processed-input.yaml", directory);
    paths[count++] = input;
    char pattern[1024];
    glob_t tables;
    snprintf(pattern, sizeof pattern, "%s/timeloop-*.[EA]RT.yaml", directory);
    assert_int_equal(glob(pattern, 0, NULL, &tables), 0);
    assert_int_equal(tables.gl_pathc, 2);
    paths[count++] = tables.gl_pathv[0];
    paths[count++] = tables.gl_pathv[1];
    char map[1024];
    snprintf(map, sizeof map, "%s/timeloop-mapper.map.yaml", directory);
    struct stat status;
    if (stat(map, &status) == 0)
        paths[count++] = map;
    yaml_test_init(test);
    yaml_test_load_files(test, count, paths);
    globfree(&tables);
}

static void test_every_reference_case_loads_cleanly(void **state)
{
    (void)state;
    size_t cases = 0;
    for (size_t p = 0; p < sizeof case_patterns / sizeof *case_patterns; p++) {
        glob_t found;
        if (glob(case_patterns[p], 0, NULL, &found) != 0)
            continue;
        for (size_t i = 0; i < found.gl_pathc; i++) {
            char directory[1024];
            snprintf(directory, sizeof directory, "%s", found.gl_pathv[i]);
            *strrchr(directory, '/') = '\0';
            yaml_test test;
            load_case(&test, directory);
            if (test.diagnostics.count)
                fprintf(stderr, "case %s:\n", directory);
            yaml_test_expect_clean(&test);
            assert_true(test.spec.has_problem);
            assert_true(test.spec.has_arch);
            assert_true(test.spec.has_mapping);
            assert_true(test.spec.energy.has_ert);
            assert_true(test.spec.energy.has_art);
            assert_true(test.spec.mapper.present);
            assert_non_null(test.spec.compound_components);
            /* Every storage level and the compute level have an ERT entry. */
            for (uint32_t level = 0; level < test.spec.arch.storage_count; level++) {
                bool found_level = false;
                for (uint32_t e = 0; e < test.spec.energy.count; e++)
                    found_level |= strcmp(test.spec.energy.components[e].level_name,
                                          test.spec.arch.storage[level].name) == 0;
                assert_true(found_level);
            }
            yaml_test_release(&test);
            cases++;
        }
        globfree(&found);
    }
    assert_int_equal(cases, 19);
}

static const ln_storage_level *level(const ln_spec *spec, const char *name)
{
    int index = ln_arch_find_storage(&spec->arch, name);
    if (index < 0)
        fail_msg("no storage level %s", name);
    return &spec->arch.storage[index];
}

static const ln_component_energy *component(const ln_spec *spec, const char *level_name)
{
    for (uint32_t i = 0; i < spec->energy.count; i++)
        if (strcmp(spec->energy.components[i].level_name, level_name) == 0)
            return &spec->energy.components[i];
    fail_msg("no energy entry for %s", level_name);
    return NULL;
}

static double action(const ln_component_energy *entry, const char *name)
{
    for (uint32_t i = 0; i < entry->action_count; i++)
        if (strcmp(entry->actions[i].action, name) == 0)
            return entry->actions[i].energy;
    fail_msg("no action %s in %s", name, entry->name);
    return 0;
}

static int dimension(const ln_spec *spec, const char *name)
{
    int index = ln_problem_find_dimension(&spec->problem, name);
    assert_true(index >= 0);
    return index;
}

static void test_tutorial_one_level(void **state)
{
    (void)state;
    yaml_test test;
    load_case(&test, REFERENCE "/tutorial-2020/timeloop/00-model-conv1d-1level/ref-output");
    yaml_test_expect_clean(&test);
    const ln_spec *spec = &test.spec;
    assert_string_equal(spec->problem.name, "Conv1D");
    assert_int_equal(spec->problem.dimension_count, 2);
    assert_int_equal(spec->problem.dimension_bounds[dimension(spec, "P")], 16);
    assert_int_equal(spec->problem.tensors[1].rank_count, 1);
    assert_int_equal(spec->problem.tensors[1].ranks[0].term_count, 2);
    assert_true(spec->problem.tensors[2].read_write);
    assert_int_equal(spec->arch.storage_count, 1);
    const ln_storage_level *buffer = level(spec, "Buffer");
    assert_int_equal(buffer->instances, 1);
    assert_int_equal(buffer->word_bits, 8);
    assert_int_equal(buffer->block_size, 1);
    assert_int_equal(buffer->size, 64);
    assert_true(buffer->size_specified);
    assert_int_equal(buffer->technology, LN_TECHNOLOGY_SRAM);
    assert_string_equal(spec->arch.compute.name, "MACC");
    assert_int_equal(spec->arch.compute.word_bits, 16);
    assert_string_equal(spec->arch.version, "0.4");
    const ln_mapping_level *mapping = &spec->mapping.levels[0];
    assert_int_equal(mapping->temporal_factors[dimension(spec, "R")], 3);
    assert_int_equal(mapping->temporal_factors[dimension(spec, "P")], 16);
    assert_int_equal(mapping->temporal_permutation[0], dimension(spec, "R"));
    assert_true(fabs(action(component(spec, "Buffer"), "read") - 0.42564) < 1e-12);
    assert_true(fabs(component(spec, "Buffer")->area - 887.84) < 1e-9);
    assert_string_equal(component(spec, "MACC")->energy_source, "ERT");
    assert_string_equal(component(spec, "MACC")->area_source, "ART");
    assert_int_equal(spec->mapper.threads, 8);
    assert_string_equal(spec->mapper.algorithm, "hybrid");
    yaml_test_release(&test);
}

static void test_tutorial_spatial(void **state)
{
    (void)state;
    yaml_test test;
    load_case(&test, REFERENCE "/tutorial-2020/timeloop/04-model-conv1d+oc-3levelspatial/ref-output/cp");
    yaml_test_expect_clean(&test);
    const ln_spec *spec = &test.spec;
    assert_int_equal(spec->arch.storage_count, 4);
    const ln_storage_level *global = level(spec, "GlobalBuffer");
    assert_int_equal(global->instances, 16);
    assert_int_equal(global->mesh_x, 16);
    assert_int_equal(global->mesh_y, 1);
    assert_int_equal(global->block_size, 8);
    assert_int_equal(global->size, 262144);
    const ln_storage_level *main_memory = level(spec, "MainMemory");
    assert_int_equal(main_memory->technology, LN_TECHNOLOGY_DRAM);
    assert_false(main_memory->size_specified);
    assert_int_equal(main_memory->block_size, 32);
    assert_true(main_memory->reduction_supported_specified);
    const ln_storage_level *dummy = level(spec, "inter_PE_spatial");
    assert_true(dummy->is_dummy);
    assert_int_equal(dummy->instances, 1);
    int dummy_index = ln_arch_find_storage(&spec->arch, "inter_PE_spatial");
    assert_int_equal(ln_arch_fanout_x(&spec->arch, (uint32_t)dummy_index), 16);
    const ln_mapping_level *spatial = &spec->mapping.levels[dummy_index];
    assert_true(spatial->has_spatial);
    assert_int_equal(spatial->spatial_factors[dimension(spec, "C")], 16);
    assert_int_equal(spatial->bypass, 7);
    assert_int_equal(spec->arch.compute.instances, 16);
    yaml_test_release(&test);
}

static void test_simba_like(void **state)
{
    (void)state;
    yaml_test test;
    load_case(&test, REFERENCE "/example-designs/simba_like/ref_outputs/default_problem");
    yaml_test_expect_clean(&test);
    const ln_spec *spec = &test.spec;
    assert_int_equal(spec->arch.storage_count, 9);
    const ln_storage_level *registers = level(spec, "PEWeightRegs");
    assert_int_equal(registers->instances, 256);
    assert_int_equal(registers->mesh_x, 16);
    assert_int_equal(registers->mesh_y, 16);
    assert_int_equal(registers->cluster_size, 64);
    assert_int_equal(registers->block_size, 1);
    assert_int_equal(registers->size, 1);
    const ln_storage_level *weights = level(spec, "PEWeightBuffer");
    assert_int_equal(weights->instances, 64);
    assert_int_equal(weights->mesh_y, 4);
    assert_int_equal(weights->banks, 8);
    assert_int_equal(weights->size, 32768);
    assert_int_equal(level(spec, "PEAccuBuffer")->word_bits, 24);
    assert_int_equal(spec->arch.compute.word_bits, 8);
    assert_int_equal(spec->arch.compute.mesh_x, 16);
    /* The found mapping replaced the empty `mapping: []`. */
    int dram = ln_arch_find_storage(&spec->arch, "DRAM");
    assert_int_equal(dram, 8);
    assert_int_equal(spec->mapping.levels[dram].temporal_factors[dimension(spec, "Q")], 28);
    int pe = ln_arch_find_storage(&spec->arch, "inter_PE_spatial");
    assert_int_equal(spec->mapping.levels[pe].spatial_split, 2);
    assert_int_equal(spec->mapping.levels[pe].spatial_factors[dimension(spec, "M")], 4);
    assert_string_equal(spec->mapper.algorithm, "random");
    assert_int_equal(spec->mapper.metric_count, 1);
    assert_int_equal(spec->mapper.metrics[0], LN_METRIC_EDP);
    assert_int_equal(spec->mapper.victory_condition, 100);
    assert_int_equal(spec->constraints.count, 20);
    assert_true(fabs(action(component(spec, "PEWeightRegs"), "read") - 0.259899) < 1e-12);
    yaml_test_release(&test);
}

static void test_eyeriss_like_constraints(void **state)
{
    (void)state;
    yaml_test test;
    load_case(&test, REFERENCE "/example-designs/eyeriss_like/ref_outputs/default_problem");
    yaml_test_expect_clean(&test);
    const ln_spec *spec = &test.spec;
    const ln_storage_level *glb = level(spec, "shared_glb");
    assert_true(glb->read_bandwidth.specified);
    assert_true(glb->read_bandwidth.value == 16);
    assert_int_equal(glb->banks, 32);
    assert_int_equal(glb->size, 131072);
    assert_int_equal(level(spec, "ifmap_spad")->instances, 168);
    assert_int_equal(level(spec, "ifmap_spad")->mesh_x, 14);
    int column = ln_arch_find_storage(&spec->arch, "inter_PE_column_spatial");
    bool saw_split = false;
    for (uint32_t i = 0; i < spec->constraints.count; i++) {
        const ln_constraint *constraint = &spec->constraints.items[i];
        assert_true(constraint->from_architecture);
        if (constraint->level == column && constraint->kind == LN_CONSTRAINT_SPATIAL) {
            /* split: 999 puts every dimension on X. */
            assert_true(constraint->split_specified);
            assert_int_equal(constraint->split, spec->problem.dimension_count);
            assert_int_equal(constraint->factor_relation[dimension(spec, "N")], LN_FACTOR_EQUAL);
            assert_int_equal(constraint->factor_relation[dimension(spec, "M")], LN_FACTOR_FREE);
            assert_int_equal(constraint->permutation_count, 7);
            saw_split = true;
        }
    }
    assert_true(saw_split);
    int pe = ln_arch_find_storage(&spec->arch, "inter_PE_spatial");
    assert_int_equal(spec->mapping.levels[pe].spatial_split, 0);
    assert_int_equal(spec->mapping.levels[pe].spatial_factors[dimension(spec, "S")], 3);
    assert_int_equal(spec->problem.coefficient_count, 4);
    assert_int_equal(spec->problem.coefficient_values[ln_problem_find_coefficient(&spec->problem, "Wstride")], 2);
    yaml_test_release(&test);
}

static void test_mapper_options(void **state)
{
    (void)state;
    yaml_test test;
    load_case(&test, REFERENCE "/tutorial-2020/timeloop/05-mapper-conv1d+oc-3level/ref-output/freebypass");
    yaml_test_expect_clean(&test);
    const ln_spec *spec = &test.spec;
    assert_string_equal(spec->mapper.algorithm, "linear-pruned");
    assert_int_equal(spec->mapper.metric_count, 2);
    assert_int_equal(spec->mapper.metrics[0], LN_METRIC_DELAY);
    assert_int_equal(spec->mapper.metrics[1], LN_METRIC_ENERGY);
    assert_int_equal(spec->mapper.threads, 1);
    assert_int_equal(spec->mapper.timeout, 0);
    assert_int_equal(spec->mapper.victory_condition, 0);
    /* `search_size: null` leaves the default. */
    assert_int_equal(spec->mapper.search_size, 0);
    assert_int_equal(spec->mapper.max_temporal_loops_in_a_mapping, -1);
    assert_string_equal(spec->mapper.mapspace_template, "uber");
    assert_int_equal(spec->constraints.count, 3);
    const ln_constraint *global = &spec->constraints.items[1];
    assert_string_equal(global->target_name, "GlobalBuffer");
    assert_int_equal(global->factors[dimension(spec, "K")], 16);
    assert_int_equal(global->factor_relation[dimension(spec, "K")], LN_FACTOR_EQUAL);
    assert_int_equal(global->permutation_count, 3);
    yaml_test_release(&test);

    load_case(&test, REFERENCE "/tutorial-2020/timeloop/06-mapper-convlayer-eyeriss/ref-output");
    yaml_test_expect_clean(&test);
    assert_string_equal(test.spec.mapper.algorithm, "random-pruned");
    assert_int_equal(test.spec.mapper.metric_count, 2);
    assert_int_equal(test.spec.mapper.timeout, 15000);
    yaml_test_release(&test);

    load_case(&test, REFERENCE "/tutorial-2020/timeloop+accelergy/ref-output/fpmac");
    yaml_test_expect_clean(&test);
    assert_string_equal(test.spec.arch.compute.component_class, "fpmac");
    assert_int_equal(test.spec.arch.compute.word_bits, 32);
    assert_int_equal(test.spec.arch.compute.instances, 168);
    yaml_test_release(&test);
}

static int skip_without_reference(void **state)
{
    (void)state;
    struct stat status;
    if (stat(REFERENCE "/tutorial-2020", &status) != 0) {
        fprintf(stderr, "reference data not found at %s; skipping\n", REFERENCE);
        exit(77);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_reference_case_loads_cleanly),
        cmocka_unit_test(test_tutorial_one_level),
        cmocka_unit_test(test_tutorial_spatial),
        cmocka_unit_test(test_simba_like),
        cmocka_unit_test(test_eyeriss_like_constraints),
        cmocka_unit_test(test_mapper_options),
    };
    return cmocka_run_group_tests(tests, skip_without_reference, NULL);
}
