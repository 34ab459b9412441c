/* The other top-level sections: energy and area tables, mapper options,
 * variables, compound components, and unknown top-level keys. */
#include "yaml_test_support.h"

#include <math.h>

#define DATA LN_TEST_DATA_DIR "/yaml"

static const ln_component_energy *component(const ln_spec *spec, const char *name)
{
    for (uint32_t i = 0; i < spec->energy.count; i++)
        if (strcmp(spec->energy.components[i].name, name) == 0)
            return &spec->energy.components[i];
    fail_msg("no table entry %s", name);
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

static void test_ert_and_art(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    const char *path = DATA "/tables.yaml";
    yaml_test_load_files(&test, 1, &path);
    yaml_test_expect_clean(&test);
    const ln_spec *spec = &test.spec;
    assert_true(spec->energy.has_ert);
    assert_true(spec->energy.has_art);
    assert_int_equal(spec->energy.count, 3);
    const ln_component_energy *buffer = component(spec, "System_top_level.Buffer[1..4]");
    assert_string_equal(buffer->level_name, "Buffer");
    assert_int_equal(buffer->action_count, 3);
    /* The most expensive argument row; negative energies count as 0. */
    assert_true(action(buffer, "read") == 2.25);
    assert_true(action(buffer, "write") == 3.0);
    assert_true(action(buffer, "leak") == 0.0);
    assert_true(buffer->has_area);
    assert_true(buffer->area == 1200.5);
    assert_string_equal(buffer->energy_source, "ERT");
    assert_string_equal(buffer->area_source, "ART");
    const ln_component_energy *mac = component(spec, "System_top_level.MAC[1..4]");
    assert_true(fabs(action(mac, "compute") - 0.84) < 1e-15);
    assert_false(mac->has_area);
    const ln_component_energy *dummy = component(spec, "System_top_level.inter_PE_spatial[1..1]");
    assert_string_equal(dummy->level_name, "inter_PE_spatial");
    assert_int_equal(dummy->action_count, 0);
    assert_null(dummy->energy_source);
    yaml_test_release(&test);

    yaml_test_init(&test);
    path = DATA "/ert_v02.yaml";
    yaml_test_load_files(&test, 1, &path);
    yaml_test_expect_clean(&test);
    const ln_component_energy *global = component(&test.spec, "System.chip.GlobalBuffer");
    assert_string_equal(global->level_name, "GlobalBuffer");
    assert_true(action(global, "read") == 12);
    assert_true(action(global, "idle") == 0.25);
    assert_false(test.spec.energy.has_art);
    yaml_test_release(&test);
}

static void test_table_errors(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "ERT:\n  version: 0.9\n  tables: []\nART:\n  tables: []\n"));
    yaml_test_expect_error(&test, "unsupported ERT version 0.9", 2, 12);
    yaml_test_expect_error(&test, "missing required key 'version' in the ART", 5, 3);
    yaml_test_release(&test);

    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "ERT:\n  version: 0.4\n  tables:\n  - name: x\n    actions: {read: 1}\n"
                                       "  - {name: y, actions: [{name: read, energy: lots}]}\n"));
    yaml_test_expect_error(&test, "'actions' must be a list, not a mapping", 5, 14);
    yaml_test_expect_error(&test, "an action's 'energy' must be a number, not the text 'lots'", 6, 46);
    yaml_test_release(&test);
}

static void test_mapper_options(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    assert_true(yaml_test_load(&test, "mapper:\n"
                                      "  optimization-metric: energy\n"
                                      "  num-threads: 2\n"
                                      "  heartbeat: 77\n"
                                      "  search_size: null\n"
                                      "  algorithm: exhaustive\n"
                                      "  log-stats: True\n"
                                      "  out_prefix: run\n"
                                      "  max_temporal_loops_in_a_mapping: 5\n"
                                      "  emit-whoop-nest: yes\n"
                                      "  sync_intervall: 3\n"));
    const ln_diagnostic *warning = yaml_test_expect_at(&test, LN_SEVERITY_WARNING,
                                                       "unknown key 'sync_intervall' in the mapper options", 11, 3);
    assert_string_equal(warning->hint, "did you mean 'sync_interval'?");
    const ln_mapper_options *mapper = &test.spec.mapper;
    assert_true(mapper->present);
    assert_int_equal(mapper->metric_count, 1);
    assert_int_equal(mapper->metrics[0], LN_METRIC_ENERGY);
    assert_int_equal(mapper->threads, 2);
    assert_int_equal(mapper->timeout, 77);
    assert_int_equal(mapper->search_size, 0);
    assert_int_equal(mapper->victory_condition, 500);
    assert_string_equal(mapper->algorithm, "exhaustive");
    assert_true(mapper->log_stats);
    assert_true(mapper->emit_whoop_nest);
    assert_false(mapper->live_status);
    assert_string_equal(mapper->out_prefix, "run");
    assert_int_equal(mapper->max_temporal_loops_in_a_mapping, 5);
    assert_int_equal(mapper->max_permutations_per_if_visit, 16);
    yaml_test_release(&test);

    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "mapper:\n"
                                       "  algorithm: linear-prunned\n"
                                       "  optimization_metrics: [delay, speed]\n"
                                       "  timeout: soon\n"
                                       "  live_status: 3\n"));
    const ln_diagnostic *error = yaml_test_expect_error(&test, "unknown search algorithm 'linear-prunned'", 2, 14);
    assert_string_equal(error->hint, "did you mean 'linear-pruned'?");
    yaml_test_expect_error(&test, "unknown optimization metric 'speed'", 3, 33);
    yaml_test_expect_error(&test, "'timeout' must be an integer, not the text 'soon'", 4, 12);
    yaml_test_expect_error(&test, "'live_status' must be true or false, not the number 3", 5, 16);
    yaml_test_release(&test);

    /* Without a mapper section the defaults are Timeloop's. */
    yaml_test_init(&test);
    assert_true(yaml_test_load(&test, "globals: {version: 0.4}\n"));
    assert_false(test.spec.mapper.present);
    assert_string_equal(test.spec.mapper.algorithm, "hybrid");
    assert_int_equal(test.spec.mapper.metrics[0], LN_METRIC_EDP);
    assert_int_equal(test.spec.mapper.timeout, 1000);
    yaml_test_release(&test);
}

static void test_top_level_sections(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    assert_true(yaml_test_load(&test, "variables: {version: 0.4, buffer_depth: 128, word: 8}\n"
                                      "problem:\n"
                                      "  shape: {dimensions: [P], data_spaces: [{name: O, projection: [P], read_write: true}]}\n"
                                      "  instance: {P: buffer_depth}\n"
                                      "architecture:\n"
                                      "  subtree:\n"
                                      "  - name: top\n"
                                      "    local:\n"
                                      "    - {name: Buffer, class: SRAM, attributes: {depth: buffer_depth, width: 8, datawidth: word}}\n"
                                      "    - {name: MAC, class: intmac}\n"
                                      "compound_components: {version: 0.4, classes: []}\n"
                                      "sparse_optimizations: {targets: [{name: Buffer}]}\n"
                                      "mapingg: []\n"
                                      "dumped_by_timeloop_front_end: true\n"
                                      "globals: {version: 0.4}\n"
                                      "model: {verbose: true}\n"));
    assert_int_equal(test.spec.problem.dimension_bounds[0], 128);
    assert_int_equal(test.spec.arch.storage[0].size, 128);
    assert_int_equal(test.spec.arch.storage[0].word_bits, 8);
    assert_non_null(test.spec.compound_components);
    assert_int_equal(test.spec.compound_components->kind, LN_YAML_MAPPING);
    const ln_diagnostic *unknown = yaml_test_expect_at(&test, LN_SEVERITY_WARNING,
                                                       "unknown key 'mapingg' in the top level; it is ignored", 13, 1);
    assert_string_equal(unknown->hint, "did you mean 'mapping'?");
    yaml_test_expect_at(&test, LN_SEVERITY_WARNING, "'sparse_optimizations' is not modeled", 12, 1);
    assert_int_equal(test.diagnostics.warning_count, 2);
    yaml_test_release(&test);

    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "- just\n- a list\n"));
    yaml_test_expect_error(&test, "the top level of 'test.yaml' must be a mapping of sections", 1, 1);
    yaml_test_release(&test);

    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, "mapping:\n- {target: Buffer, type: temporal}\n"
                                       "mapspace_constraints: [{target: Buffer, type: temporal}]\n"));
    yaml_test_expect_error(&test, "a mapping needs the problem and the architecture", 2, 1);
    yaml_test_expect_error(&test, "'mapspace_constraints' needs the problem and the architecture", 3, 23);
    yaml_test_release(&test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ert_and_art),
        cmocka_unit_test(test_table_errors),
        cmocka_unit_test(test_mapper_options),
        cmocka_unit_test(test_top_level_sections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
