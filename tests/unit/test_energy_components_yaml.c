/* Compound component classes read from YAML: the v0.3 and v0.4 files of the
 * public exercises and example designs, the sections Timeloop's front end
 * dumps into parsed-processed-input.yaml, anchors and merge keys, and
 * located errors for malformed classes. */
#include "energy_test_support.h"

#include <glob.h>

static size_t load_components_file(const char *path, ln_component_library *library, yaml_test *test)
{
    ln_yaml_document document;
    assert_true(ln_yaml_parse_file(&test->spec.arena, &test->diagnostics, path, &document));
    const ln_yaml_node *section = ln_yaml_find(document.root, "compound_components");
    assert_non_null(section);
    uint32_t before = library->count;
    bool ok = ln_yaml_import_components(&test->spec.arena, &test->diagnostics, section, library, false);
    if (!ok || test->diagnostics.count) {
        fprintf(stderr, "%s:\n", path);
        yaml_test_dump(test);
    }
    assert_true(ok);
    return library->count - before;
}

static void test_reference_component_files_load(void **state)
{
    (void)state;
    static const char *const patterns[] = {
        LN_REFERENCE_DIR "/example-designs/_components/*.yaml",
        LN_REFERENCE_DIR "/tutorial-2020/timeloop/06-mapper-convlayer-eyeriss/arch/components/*.yaml",
        LN_REFERENCE_DIR "/tutorial-2020/timeloop+accelergy/arch/components/*.yaml",
        LN_REFERENCE_DIR "/tutorial-2020/accelergy/*/input/components/*.yaml",
    };
    size_t files = 0, classes = 0;
    for (size_t p = 0; p < sizeof patterns / sizeof *patterns; p++) {
        glob_t found;
        if (glob(patterns[p], 0, NULL, &found) != 0)
            continue;
        for (size_t i = 0; i < found.gl_pathc; i++) {
            yaml_test test;
            yaml_test_init(&test);
            ln_component_library library;
            memset(&library, 0, sizeof library);
            classes += load_components_file(found.gl_pathv[i], &library, &test);
            files++;
            yaml_test_release(&test);
        }
        globfree(&found);
    }
    if (files == 0) {
        fprintf(stderr, "reference data not found at %s; skipping\n", LN_REFERENCE_DIR);
        exit(77);
    }
    assert_true(files >= 15);
    assert_true(classes >= files);
}

static void test_example_design_classes_read_as_written(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    ln_component_library library;
    memset(&library, 0, sizeof library);
    FILE *probe = fopen(LN_REFERENCE_DIR "/example-designs/_components/smartbuffer_RF.yaml", "r");
    if (!probe) {
        fprintf(stderr, "reference data not found; skipping\n");
        exit(77);
    }
    fclose(probe);
    load_components_file(LN_REFERENCE_DIR "/example-designs/_components/smartbuffer_RF.yaml", &library, &test);
    load_components_file(LN_REFERENCE_DIR "/example-designs/_components/regfile.yaml", &library, &test);

    const ln_component_class *buffer = ln_component_library_find(&library, "smartbuffer_RF");
    assert_non_null(buffer);
    assert_string_equal(buffer->version, "0.4");
    assert_int_equal(buffer->subcomponent_count, 2);
    const ln_component_attribute *technology = ln_component_class_find_attribute(buffer, "technology");
    assert_non_null(technology);
    assert_true(technology->must_specify);
    assert_true(technology->value.quoted);
    const ln_component_attribute *scale = ln_component_class_find_attribute(buffer, "dynamic_energy_scale");
    assert_string_equal(scale->value.text, "widthscale * (depthscale ** (1.56 / 2))");
    assert_false(scale->value.quoted);
    assert_true(scale->value.location.line > 0 && scale->value.location.column > 0);

    const ln_component_subcomponent *generators = ln_component_class_find_subcomponent(buffer, "address_generators");
    assert_non_null(generators);
    assert_string_equal(generators->written_name, "address_generators[0..1]");
    assert_true(generators->range.present);
    assert_string_equal(generators->range.first.text, "0");
    assert_string_equal(generators->range.last.text, "1");
    assert_string_equal(generators->class_name, "intadder");
    const ln_component_subcomponent *storage = ln_component_class_find_subcomponent(buffer, "storage");
    assert_string_equal(storage->area_scale.text, "area_scale");

    /* `update` is `<<: *write_action`: the merge key copies write's parts. */
    const ln_component_action *update = ln_component_class_find_action(buffer, "update");
    const ln_component_action *write = ln_component_class_find_action(buffer, "write");
    assert_non_null(update);
    assert_int_equal(update->part_count, write->part_count);
    assert_string_equal(update->parts[0].subcomponent, "storage");
    assert_string_equal(update->parts[0].actions[0].name, "write");
    assert_string_equal(update->parts[0].actions[0].energy_scale.text, "dynamic_energy_scale");
    assert_string_equal(update->parts[1].written_name, "address_generators[0]");
    assert_string_equal(update->parts[1].range.first.text, "0");
    assert_string_equal(update->parts[1].range.last.text, "0");

    const ln_component_class *regfile = ln_component_library_find(&library, "regfile");
    const ln_component_subcomponent *cells = ln_component_class_find_subcomponent(regfile, "storage");
    assert_string_equal(cells->range.last.text, "width*depth");
    const ln_component_action *leak = ln_component_class_find_action(regfile, "leak");
    assert_string_equal(leak->parts[0].actions[0].arguments[0].name, "global_cycle_seconds");
    yaml_test_release(&test);
}

static void test_v03_classes_keep_arguments_and_legacy_scales(void **state)
{
    (void)state;
    static const char text[] =
        "compound_components:\n"
        "  version: 0.3\n"
        "  classes:\n"
        "  - name: buffer\n"
        "    attributes: {technology: 45nm, memory_depth: 12, n_banks: 1}\n"
        "    subcomponents:\n"
        "      - name: storage\n"
        "        class: regfile\n"
        "        area_share: 2\n"
        "        attributes: {width: 16, depth: memory_depth}\n"
        "    actions:\n"
        "      - name: read\n"
        "        arguments: {data_delta: 0..1, address_delta: 0..n_banks}\n"
        "        subcomponents:\n"
        "          - name: storage\n"
        "            actions:\n"
        "              - name: read\n"
        "                repeat: 2\n"
        "                arguments: {data_delta: data_delta}\n"
        "      - name: idle\n"
        "        subcomponents:\n"
        "          - name: storage\n"
        "            actions: [{name: idle, action_share: 0.5}]\n";
    yaml_test test;
    yaml_test_init(&test);
    assert_true(yaml_test_load(&test, text));
    const ln_component_class *buffer = ln_component_library_find(&test.spec.component_library, "buffer");
    assert_non_null(buffer);
    assert_string_equal(buffer->version, "0.3");
    assert_false(ln_component_class_find_attribute(buffer, "technology")->value.quoted);
    assert_string_equal(buffer->subcomponents[0].area_scale.text, "2");
    const ln_component_action *read = ln_component_class_find_action(buffer, "read");
    assert_int_equal(read->argument_count, 2);
    assert_string_equal(read->arguments[1].value.text, "0..n_banks");
    assert_string_equal(read->parts[0].actions[0].energy_scale.text, "2");
    assert_string_equal(read->parts[0].actions[0].arguments[0].value.text, "data_delta");
    const ln_component_action *idle = ln_component_class_find_action(buffer, "idle");
    assert_string_equal(idle->parts[0].actions[0].energy_scale.text, "0.5");
    yaml_test_release(&test);
}

static void test_sections_of_several_files_add_up(void **state)
{
    (void)state;
    static const char first[] = "compound_components:\n  version: 0.4\n  classes:\n  - {name: a, attributes: {x: 1}}\n";
    static const char second[] = "compound_components:\n  version: 0.4\n  classes:\n"
                                 "  - [{name: b}, {name: c}]\n  - {name: a, attributes: {x: 2}}\n";
    const char *names[] = {"first.yaml", "second.yaml"};
    const char *texts[] = {first, second};
    yaml_test test;
    yaml_test_init(&test);
    assert_true(yaml_test_load_texts(&test, 2, names, texts));
    const ln_component_library *library = &test.spec.component_library;
    assert_non_null(ln_component_library_find(library, "b"));
    assert_non_null(ln_component_library_find(library, "c"));
    /* The later definition shadows the earlier one. */
    assert_string_equal(ln_component_library_find(library, "a")->attributes[0].value.text, "2");
    yaml_test_release(&test);
}

static void test_every_processed_input_section_loads(void **state)
{
    (void)state;
    static const char *const patterns[] = {
        LN_REFERENCE_DIR "/tutorial-2020/timeloop/*/ref-output/parsed-processed-input.yaml",
        LN_REFERENCE_DIR "/tutorial-2020/timeloop/*/ref-output/*/parsed-processed-input.yaml",
        LN_REFERENCE_DIR "/tutorial-2020/timeloop+accelergy/ref-output/*/parsed-processed-input.yaml",
        LN_REFERENCE_DIR "/example-designs/*/ref_outputs/default_problem/parsed-processed-input.yaml",
    };
    size_t cases = 0;
    for (size_t p = 0; p < sizeof patterns / sizeof *patterns; p++) {
        glob_t found;
        if (glob(patterns[p], 0, NULL, &found) != 0)
            continue;
        for (size_t i = 0; i < found.gl_pathc; i++) {
            yaml_test test;
            yaml_test_init(&test);
            const char *path = found.gl_pathv[i];
            yaml_test_load_files(&test, 1, &path);
            if (test.diagnostics.error_count)
                yaml_test_dump(&test);
            assert_int_equal(test.diagnostics.error_count, 0);
            if (strstr(path, "example-designs")) {
                assert_non_null(ln_component_library_find(&test.spec.component_library, "smartbuffer_RF"));
                assert_non_null(ln_component_library_find(&test.spec.component_library, "intmac"));
            }
            yaml_test_release(&test);
            cases++;
        }
        globfree(&found);
    }
    if (cases == 0) {
        fprintf(stderr, "reference data not found; skipping\n");
        exit(77);
    }
    assert_int_equal(cases, 19);
}

static void test_malformed_classes_are_located(void **state)
{
    (void)state;
    static const char text[] = "compound_components:\n"
                               "  version: 0.4\n"
                               "  classes:\n"
                               "  - name: broken\n"
                               "    subcomponents:\n"
                               "    - name: parts[1..\n"
                               "      class: reg\n"
                               "    - name: noclass\n"
                               "    - name: twice\n"
                               "      class: reg\n"
                               "    - name: twice\n"
                               "      class: reg\n"
                               "    actions:\n"
                               "    - subcomponents: []\n"
                               "  - attributes: {a: 1}\n";
    yaml_test test;
    yaml_test_init(&test);
    assert_false(yaml_test_load(&test, text));
    const ln_diagnostic *range = yaml_test_find(&test, LN_SEVERITY_ERROR, "'[' without a ']'");
    assert_non_null(range);
    assert_int_equal(range->location.line, 6);
    assert_int_equal(range->location.column, 18);
    const ln_diagnostic *missing = yaml_test_find(&test, LN_SEVERITY_ERROR, "has no class");
    assert_non_null(missing);
    assert_int_equal(missing->location.line, 8);
    assert_non_null(missing->hint);
    assert_non_null(yaml_test_find(&test, LN_SEVERITY_ERROR, "two subcomponents named 'twice'"));
    assert_non_null(yaml_test_find(&test, LN_SEVERITY_ERROR, "an action has no name"));
    const ln_diagnostic *unnamed = yaml_test_find(&test, LN_SEVERITY_ERROR, "compound component class has no name");
    assert_non_null(unnamed);
    assert_int_equal(unnamed->location.line, 15);
    yaml_test_release(&test);
}

static void test_split_name(void **state)
{
    (void)state;
    ln_arena arena;
    ln_arena_init(&arena);
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    ln_source_location at = {"x.yaml", 3, 11};
    const char *base;
    ln_component_range range;
    assert_true(ln_component_split_name(&arena, &diagnostics, "PE[0..width - 1]", at, &base, &range));
    assert_string_equal(base, "PE");
    assert_string_equal(range.first.text, "0");
    assert_string_equal(range.last.text, "width - 1");
    assert_int_equal(range.last.location.column, 17);
    assert_true(ln_component_split_name(&arena, &diagnostics, "plain", at, &base, &range));
    assert_false(range.present);
    assert_false(ln_component_split_name(&arena, &diagnostics, "a[1..2]b", at, &base, &range));
    assert_false(ln_component_split_name(&arena, &diagnostics, "a[]", at, &base, &range));
    assert_false(ln_component_split_name(&arena, &diagnostics, "[1..2]", at, &base, &range));
    assert_false(ln_component_split_name(&arena, &diagnostics, "a]", at, &base, &range));
    assert_int_equal(diagnostics.error_count, 4);
    ln_diagnostics_release(&diagnostics);
    ln_arena_release(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_name),
        cmocka_unit_test(test_v03_classes_keep_arguments_and_legacy_scales),
        cmocka_unit_test(test_sections_of_several_files_add_up),
        cmocka_unit_test(test_malformed_classes_are_located),
        cmocka_unit_test(test_example_design_classes_read_as_written),
        cmocka_unit_test(test_reference_component_files_load),
        cmocka_unit_test(test_every_processed_input_section_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
