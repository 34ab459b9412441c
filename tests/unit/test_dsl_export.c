/* Conversions through the IR: a spec written out as .nest (and as YAML) and
 * read back is the same spec — for a program using every construct, and
 * for every reference input Timeloop read. */
#include <sys/stat.h>

#include "backend/nest_export.h"
#include "backend/nest_printer.h"
#include "backend/yaml_export.h"
#include "dsl_test_support.h"
#include "spec_compare.h"
#include "yaml_test_support.h"

static const char everything[] =
    "component buffer_with_counters : SRAM {\n"
    "  technology = must_specify;\n"
    "  depth = 64;\n"
    "  label = \"quoted, kept \\\"literally\\\"\";\n"
    "  storage : smartbuffer_SRAM { depth = depth; area_scale = 2; }\n"
    "  counters[0..1] : intadder { width = max(1, ceil(log2(depth))) if depth >= 1 else 1; }\n"
    "  read(bits = 8) {\n"
    "    storage.read(bits = bits) * 0.5;\n"
    "    storage.write;\n"
    "    counters[1].add;\n"
    "    energy_scale = depth / 64;\n"
    "  }\n"
    "}\n"
    "\n"
    "problem layer {\n"
    "  dims C = 4, K = 8, R = 3, P = 30;\n"
    "  coef Stride = 1 default 2;\n"
    "  tensors Outputs, Weights, Inputs;\n"
    "  Outputs[k][p] += Weights[c][k][r] * Inputs[c][Stride*p + r];\n"
    "}\n"
    "\n"
    "arch chip {\n"
    "  technology = \"45nm\";\n"
    "  global_cycle_seconds = 1e-9;\n"
    "  DRAM : DRAM { width = 64; datawidth = 8; }\n"
    "  Buffer : smartbuffer_SRAM {\n"
    "    depth = 1024; width = 64; datawidth = 8; read_bandwidth = 4.5;\n"
    "    per_dataspace_bandwidth_consumption_scale = { Inputs = 2 };\n"
    "    keep Inputs, Outputs;\n"
    "    bypass Weights;\n"
    "  }\n"
    "  Array[2 x 4] {\n"
    "    spatial_factors R = 1;\n"
    "    spatial_for k in [0:?) on Y\n"
    "    spatial_for c in [0:?) on X\n"
    "    Scratch : storage(smartbuffer_RF) {\n"
    "      depth = 64; width = 16; datawidth = 8;\n"
    "      for r in [0:?)\n"
    "      ...\n"
    "      for p in [0:?)\n"
    "      factors K <= 2, P >= 3;\n"
    "    }\n"
    "    MAC : intmac { multiplier_width = 8; adder_width = 16; }\n"
    "  }\n"
    "}\n"
    "\n"
    "mapping {\n"
    "  @DRAM\n"
    "    for k in [0:2)\n"
    "    for p in [0:4,3)\n"
    "  @Buffer\n"
    "    no_temporal_reuse Weights;\n"
    "    for p in [0:10)\n"
    "  @Array\n"
    "    spatial_for k in [0:4) on Y\n"
    "    spatial_for c in [0:2) on X\n"
    "  @Scratch\n"
    "    no_coalesce Inputs;\n"
    "    for c in [0:2)\n"
    "    for r in [0:3)\n"
    "}\n"
    "\n"
    "search {\n"
    "  minimize last_level_accesses, area;\n"
    "  algorithm linear_pruned;\n"
    "  threads 0;\n"
    "  stop after 0 without improvement;\n"
    "  stop after 77 invalid;\n"
    "  stop after 1000 mappings;\n"
    "  set sync_interval = 5;\n"
    "  set max_temporal_loops_in_a_mapping = 4;\n"
    "  set live_status = true;\n"
    "  set out_prefix = \"run\";\n"
    "  set template = \"ruby\";\n"
    "  @DRAM\n"
    "    for k in [0:?)\n"
    "    ...\n"
    "    for c in [0:1)\n"
    "    rmw_first_update Outputs;\n"
    "  @Buffer\n"
    "    keep Inputs;\n"
    "    remainders 2;\n"
    "    max_overbooked_proportion 0.25;\n"
    "  @Array\n"
    "    split 1;\n"
    "    spatial_factors K = 4;\n"
    "    no_multicast Weights;\n"
    "    no_link_transfer;\n"
    "  @Scratch\n"
    "    min_utilization 0.125;\n"
    "}\n";

/* The spec as .nest, read back into `back`. */
static void through_nest(const ln_spec *spec, dsl_test *back)
{
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    ln_nest_node *tree = ln_nest_from_spec(spec, &diagnostics);
    if (!tree) {
        ln_diagnostics_render(stderr, &diagnostics);
        fail_msg("the spec could not be written as .nest");
    }
    char *text = ln_nest_print_to_string(tree, NULL);
    ln_nest_node_free(tree);
    ln_diagnostics_release(&diagnostics);
    dsl_test_init(back);
    if (!dsl_test_load(back, text)) {
        dsl_test_dump(back);
        fprintf(stderr, "%s", text);
        fail_msg("the written .nest did not load");
    }
    free(text);
}

/* The spec as YAML, read back. */
static void through_yaml(const ln_spec *spec, yaml_test *back)
{
    char *text = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&text, &size);
    assert_true(ln_write_yaml_spec(stream, spec));
    fclose(stream);
    yaml_test_init(back);
    if (!yaml_test_load(back, text)) {
        yaml_test_dump(back);
        fprintf(stderr, "%s", text);
        fail_msg("the written YAML did not load");
    }
    free(text);
}

static void compare_specs(const ln_spec *a, const ln_spec *b, bool attributes)
{
    compare_problems(&a->problem, &b->problem);
    compare_archs(&a->arch, &b->arch, attributes);
    assert_int_equal(a->has_mapping, b->has_mapping);
    if (a->has_mapping)
        compare_mappings(&a->problem, &a->mapping, &b->mapping, false);
    compare_constraint_lists(&a->constraints, &b->constraints);
    compare_mapper_options(&a->mapper, &b->mapper);
    compare_component_libraries(&a->component_library, &b->component_library);
}

static void test_every_construct_round_trips(void **state)
{
    (void)state;
    dsl_test original;
    dsl_test_init(&original);
    dsl_test_load_clean(&original, everything);
    /* A few things the program says, to be sure they are in the IR. */
    assert_int_equal(original.spec.mapping.levels[3].temporal_residuals[3], 3);
    assert_true(original.spec.arch.storage[2].bandwidth_consumption_scale[2] == 2.0);
    assert_int_equal(original.spec.problem.coefficient_defaults[0], 2);
    const ln_component_class *component_class =
        ln_component_library_find(&original.spec.component_library, "buffer_with_counters");
    assert_non_null(component_class);
    assert_string_equal(component_class->primitive_type, "SRAM");
    assert_true(component_class->attributes[0].must_specify);
    assert_true(component_class->attributes[2].value.quoted);
    assert_string_equal(component_class->attributes[2].value.text, "quoted, kept \"literally\"");
    assert_string_equal(component_class->subcomponents[1].attributes[0].value.text,
                        "max(1, ceil(log2(depth))) if depth >= 1 else 1");
    assert_string_equal(component_class->subcomponents[0].area_scale.text, "2");
    assert_int_equal(component_class->actions[0].part_count, 2);
    assert_int_equal(component_class->actions[0].parts[0].action_count, 2);
    assert_string_equal(component_class->actions[0].parts[0].actions[0].energy_scale.text, "0.5");
    assert_string_equal(component_class->actions[0].energy_scale.text, "depth / 64");

    dsl_test nest;
    through_nest(&original.spec, &nest);
    compare_specs(&original.spec, &nest.spec, true);
    /* The .nest text it writes is canonical. */
    dsl_test again;
    through_nest(&nest.spec, &again);
    compare_specs(&nest.spec, &again.spec, true);

    yaml_test yaml;
    through_yaml(&original.spec, &yaml);
    compare_specs(&original.spec, &yaml.spec, false);
    dsl_test_release(&again);
    dsl_test_release(&nest);
    yaml_test_release(&yaml);
    dsl_test_release(&original);
}

static const struct reference_case {
    const char *directory;
    bool mapper;
} reference_cases[] = {
    {"tutorial-2020/timeloop/00-model-conv1d-1level/ref-output", false},
    {"tutorial-2020/timeloop/01-model-conv1d-2level/ref-output/ws", false},
    {"tutorial-2020/timeloop/02-model-conv1d+oc-2level/ref-output/tiling", false},
    {"tutorial-2020/timeloop/03-model-conv1d+oc-3level/ref-output/bypass", false},
    {"tutorial-2020/timeloop/04-model-conv1d+oc-3levelspatial/ref-output/cp", false},
    {"tutorial-2020/timeloop/05-mapper-conv1d+oc-3level/ref-output/baked", true},
    {"tutorial-2020/timeloop/06-mapper-convlayer-eyeriss/ref-output", true},
    {"tutorial-2020/timeloop+accelergy/ref-output/fpmac", true},
    {"example-designs/eyeriss_like/ref_outputs/default_problem", true},
    {"example-designs/simba_like/ref_outputs/default_problem", true},
    {"example-designs/simple_weight_stationary/ref_outputs/default_problem", true},
    {"example-designs/simple_output_stationary/ref_outputs/default_problem", true},
};

static void test_reference_inputs_round_trip(void **state)
{
    (void)state;
    struct stat status;
    if (stat(LN_REFERENCE_DIR "/tutorial-2020", &status) != 0)
        skip();
    for (size_t i = 0; i < sizeof reference_cases / sizeof *reference_cases; i++) {
        char input[512], map[512];
        snprintf(input, sizeof input, "%s/%s/parsed-processed-input.yaml", LN_REFERENCE_DIR,
                 reference_cases[i].directory);
        snprintf(map, sizeof map, "%s/%s/timeloop-mapper.map.yaml", LN_REFERENCE_DIR,
                 reference_cases[i].directory);
        const char *paths[] = {input, map};
        yaml_test original;
        yaml_test_init(&original);
        if (!yaml_test_load_files(&original, reference_cases[i].mapper ? 2 : 1, paths)) {
            yaml_test_dump(&original);
            fail_msg("%s did not load", input);
        }
        dsl_test nest;
        through_nest(&original.spec, &nest);
        compare_specs(&original.spec, &nest.spec, true);
        yaml_test yaml;
        through_yaml(&nest.spec, &yaml);
        compare_specs(&original.spec, &yaml.spec, true);
        yaml_test_release(&yaml);
        dsl_test_release(&nest);
        yaml_test_release(&original);
    }
}

static char *yaml_text_of(const ln_spec *spec)
{
    char *text = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&text, &size);
    assert_true(ln_write_yaml_spec(stream, spec));
    fclose(stream);
    return text;
}

/* timeloop-model compares a mapping with architecture_constraints by spelling
 * and rejects mappings that satisfy them, so with a mapping they are written
 * among the mapspace constraints, marked, and come back as architecture ones. */
static void test_yaml_with_mapping_marks_architecture_constraints(void **state)
{
    (void)state;
    dsl_test original;
    dsl_test_init(&original);
    dsl_test_load_clean(&original, everything);
    char *text = yaml_text_of(&original.spec);
    assert_null(strstr(text, "architecture_constraints:"));
    assert_non_null(strstr(text, "mapspace_constraints:"));
    assert_non_null(strstr(text, "origin: architecture"));
    free(text);

    original.spec.has_mapping = false;
    text = yaml_text_of(&original.spec);
    assert_non_null(strstr(text, "architecture_constraints:"));
    assert_null(strstr(text, "origin:"));
    free(text);
    dsl_test_release(&original);
}

static void test_unknown_constraint_origin_is_an_error(void **state)
{
    (void)state;
    yaml_test yaml;
    yaml_test_init(&yaml);
    assert_false(yaml_test_load(&yaml, "problem:\n  shape:\n    name: one\n    dimensions: [K]\n"
                                       "    data_spaces:\n"
                                       "      - {name: A, projection: [[[K]]]}\n"
                                       "      - {name: B, projection: [[[K]]], read_write: true}\n"
                                       "  instance: {K: 4}\n"
                                       "architecture:\n  version: 0.4\n  nodes:\n"
                                       "    - !Component\n      name: Buffer\n      class: SRAM\n"
                                       "      attributes: {depth: 64, width: 8, datawidth: 8}\n"
                                       "    - !Component\n      name: MAC\n      class: intmac\n"
                                       "mapspace_constraints:\n  targets:\n"
                                       "    - {target: Buffer, type: temporal, origin: hardware}\n"));
    assert_true(yaml.diagnostics.error_count >= 1);
    bool found = false;
    for (size_t i = 0; i < yaml.diagnostics.count; i++)
        found = found || strstr(yaml.diagnostics.items[i].message, "unknown constraint origin 'hardware'");
    assert_true(found);
    yaml_test_release(&yaml);
}

/* Text with control characters is written with escapes libyaml reads back,
 * not raw (a raw carriage return or \x01 makes the file unreadable). */
static void test_control_characters_round_trip_through_yaml(void **state)
{
    (void)state;
    yaml_test original;
    yaml_test_init(&original);
    assert_true(yaml_test_load(&original, "compound_components:\n"
                                          "  version: 0.4\n"
                                          "  classes:\n"
                                          "  - name: odd\n"
                                          "    attributes: {label: \"cr\\rbell\\x07tab\\t\\u00e9\"}\n"));
    yaml_test back;
    through_yaml(&original.spec, &back);
    const ln_component_class *component_class = ln_component_library_find(&back.spec.component_library, "odd");
    assert_non_null(component_class);
    assert_string_equal(component_class->attributes[0].value.text, "cr\rbell\x07tab\t\xc3\xa9");
    yaml_test_release(&back);
    yaml_test_release(&original);
}

/* What the language cannot say is refused with a message, not lost. */
static void test_two_outputs_are_refused(void **state)
{
    (void)state;
    yaml_test yaml;
    yaml_test_init(&yaml);
    assert_true(yaml_test_load(&yaml, "problem:\n  shape:\n    name: two\n    dimensions: [K]\n"
                                      "    data_spaces:\n"
                                      "      - {name: A, projection: [[[K]]], read_write: true}\n"
                                      "      - {name: B, projection: [[[K]]], read_write: true}\n"
                                      "  instance: {K: 4}\n"));
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    assert_null(ln_nest_from_spec(&yaml.spec, &diagnostics));
    assert_int_equal(diagnostics.error_count, 1);
    assert_non_null(strstr(diagnostics.items[0].message, "two read-write tensors"));
    ln_diagnostics_release(&diagnostics);
    yaml_test_release(&yaml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_construct_round_trips),
        cmocka_unit_test(test_reference_inputs_round_trip),
        cmocka_unit_test(test_two_outputs_are_refused),
        cmocka_unit_test(test_control_characters_round_trip_through_yaml),
        cmocka_unit_test(test_yaml_with_mapping_marks_architecture_constraints),
        cmocka_unit_test(test_unknown_constraint_origin_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
