/* architecture: the subtree, nodes and storage-list forms, Timeloop's
 * derivations per level, and their diagnostics. */
#include "yaml_test_support.h"

#define DATA LN_TEST_DATA_DIR "/yaml"

static const char small_problem[] =
    "problem:\n"
    "  shape:\n"
    "    dimensions: [K, R, P]\n"
    "    data_spaces:\n"
    "    - {name: Weights, projection: [K, R]}\n"
    "    - {name: Inputs, projection: [[[R], [P]]]}\n"
    "    - {name: Outputs, projection: [K, P], read_write: true}\n"
    "  instance: {K: 8, R: 3, P: 16}\n";

/* Loads the small problem and an architecture text (lines counted from 1
 * in the architecture's own source "arch.yaml"). */
static bool load_arch(yaml_test *test, const char *arch)
{
    const char *names[] = {"problem.yaml", "arch.yaml"};
    const char *texts[] = {small_problem, arch};
    yaml_test_init(test);
    return yaml_test_load_texts(test, 2, names, texts);
}

static const ln_storage_level *level(const yaml_test *test, const char *name)
{
    int index = ln_arch_find_storage(&test->spec.arch, name);
    if (index < 0)
        fail_msg("no storage level %s", name);
    return &test->spec.arch.storage[index];
}

static void test_subtree_form(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    const char *paths[] = {DATA "/conv2d_problem.yaml", DATA "/subtree_arch.yaml"};
    yaml_test_load_files(&test, 2, paths);
    yaml_test_expect_clean(&test);
    const ln_arch *arch = &test.spec.arch;
    assert_int_equal(arch->form, LN_ARCH_FORM_SUBTREE);
    assert_string_equal(arch->name, "chip");
    assert_string_equal(arch->version, "0.3");
    assert_non_null(ln_attribute_find(&arch->attributes, "technology"));
    /* The network component is ignored, as Timeloop ignores it. */
    assert_int_equal(arch->storage_count, 4);
    assert_string_equal(arch->storage[0].name, "Accumulator");
    assert_string_equal(arch->storage[3].name, "DRAM");

    const ln_storage_level *dram = level(&test, "DRAM");
    assert_int_equal(dram->technology, LN_TECHNOLOGY_DRAM);
    assert_false(dram->size_specified);
    assert_int_equal(dram->word_bits, 16); /* inherited datawidth */
    assert_int_equal(dram->block_size, 4); /* block-size */
    assert_int_equal(dram->cluster_size, 1);

    const ln_storage_level *global = level(&test, "GlobalBuffer");
    assert_int_equal(global->size, 64 * 1024 * 8 / 16);
    assert_int_equal(global->block_size, 8);
    assert_true(global->multiple_buffering == 2.0);
    assert_int_equal(global->effective_size, 16384);
    assert_int_equal(global->banks, 8);
    assert_true(global->read_bandwidth.specified && global->read_bandwidth.value == 16);
    assert_true(global->write_bandwidth.specified && global->write_bandwidth.value == 8);
    assert_false(global->shared_bandwidth.specified);
    int inputs = ln_problem_find_tensor(&test.spec.problem, "Inputs");
    assert_true(global->bandwidth_consumption_scale[inputs] == 0.5);
    assert_true(global->bandwidth_consumption_scale[0] == 1.0);
    const ln_attribute *banks = ln_attribute_find(&global->attributes, "n_banks");
    assert_int_equal(banks->kind, LN_VALUE_NUMBER);
    assert_true(banks->number == 8);
    assert_string_equal(ln_attribute_find(&global->attributes, "multiple_buffering")->text, "2");
    assert_string_equal(ln_attribute_find(&global->attributes, "technology")->text, "45nm");

    const ln_storage_level *scratchpad = level(&test, "Scratchpad");
    assert_int_equal(scratchpad->instances, 16); /* PE[0..15] */
    assert_int_equal(scratchpad->mesh_x, 4);     /* meshX inherited from the subtree */
    assert_int_equal(scratchpad->mesh_y, 4);
    assert_int_equal(scratchpad->cluster_size, 2);
    assert_int_equal(scratchpad->block_size, 64 / 2 / 16);
    assert_int_equal(scratchpad->size, 128);
    assert_int_equal(scratchpad->ports, 1);

    const ln_storage_level *accumulator = level(&test, "Accumulator");
    assert_int_equal(accumulator->instances, 32); /* 16 PEs x [0..1] */
    assert_int_equal(accumulator->mesh_x, 8);
    assert_int_equal(accumulator->mesh_y, 4);
    assert_int_equal(accumulator->word_bits, 32);
    assert_int_equal(accumulator->size, 16);
    assert_true(accumulator->reduction_supported_specified);
    assert_false(accumulator->reduction_supported);

    assert_string_equal(arch->compute.name, "MACs");
    assert_int_equal(arch->compute.instances, 32);
    assert_int_equal(arch->compute.mesh_x, 8);
    assert_int_equal(arch->compute.word_bits, 8);
    assert_true(arch->compute.energy_override.specified);
    assert_true(arch->compute.energy_override.value == 0.5);
    assert_int_equal(ln_arch_fanout_x(arch, 1), 2);
    assert_int_equal(ln_arch_fanout_y(arch, 1), 1);
    assert_int_equal(ln_arch_fanout_x(arch, 2), 4);
    assert_int_equal(ln_arch_fanout_y(arch, 2), 4);
    yaml_test_release(&test);
}

static void test_nodes_form(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    const char *paths[] = {DATA "/conv2d_problem.yaml", DATA "/nodes_arch.yaml"};
    yaml_test_load_files(&test, 2, paths);
    yaml_test_expect_clean(&test);
    const ln_spec *spec = &test.spec;
    const ln_arch *arch = &spec->arch;
    assert_int_equal(arch->form, LN_ARCH_FORM_NODES);
    assert_string_equal(arch->name, "System_top_level");
    assert_int_equal(arch->storage_count, 5);
    /* A !Parallel's components become consecutive levels in list order. */
    assert_string_equal(arch->storage[0].name, "OutputRegister");
    assert_string_equal(arch->storage[1].name, "WeightRegister");
    assert_string_equal(arch->storage[2].name, "inter_PE_spatial");
    const ln_storage_level *dummy = &arch->storage[2];
    assert_true(dummy->is_dummy);
    assert_string_equal(dummy->component_class, "dummy_storage");
    assert_int_equal(dummy->instances, 1); /* before the fan-out */
    assert_int_equal(dummy->word_bits, 1);
    assert_int_equal(dummy->size, 1);
    const ln_storage_level *weights = &arch->storage[1];
    assert_int_equal(weights->instances, 8);
    assert_int_equal(weights->mesh_x, 4);
    assert_int_equal(weights->mesh_y, 2);
    assert_int_equal(weights->word_bits, 8); /* the System container's datawidth */
    assert_int_equal(arch->storage[0].word_bits, 24);
    assert_true(level(&test, "DRAM")->reduction_supported_specified);
    assert_true(level(&test, "DRAM")->reduction_supported);
    assert_int_equal(level(&test, "Buffer")->size, 4096 * 8);
    assert_string_equal(ln_attribute_find(&weights->attributes, "technology")->text, "40nm");
    assert_true(ln_attribute_find(&weights->attributes, "meshX")->number == 4);
    assert_int_equal(arch->compute.instances, 8);
    assert_int_equal(arch->compute.word_bits, 8);

    /* Constraints: the container's spatial one moved to its dummy level,
     * the front end's dummy constraints, and the !Parallel bypasses. */
    bool saw_spatial = false, saw_dummy_bypass = false, saw_branch_bypass = false;
    const ln_problem *problem = &spec->problem;
    for (uint32_t i = 0; i < spec->constraints.count; i++) {
        const ln_constraint *constraint = &spec->constraints.items[i];
        assert_true(constraint->from_architecture);
        if (constraint->level == 2 && constraint->kind == LN_CONSTRAINT_SPATIAL) {
            assert_int_equal(constraint->permutation_count, 3);
            /* R=1 is pinned innermost, as the front end does. */
            assert_int_equal(constraint->permutation[0], ln_problem_find_dimension(problem, "R"));
            assert_int_equal(constraint->permutation[1], ln_problem_find_dimension(problem, "K"));
            assert_true(constraint->split_specified);
            assert_int_equal(constraint->split, 1);
            saw_spatial = true;
        }
        if (constraint->level == 2 && constraint->kind == LN_CONSTRAINT_DATASPACE) {
            assert_int_equal(constraint->bypass, 7);
            saw_dummy_bypass = true;
        }
        if (constraint->level == 1 && constraint->kind == LN_CONSTRAINT_DATASPACE) {
            assert_int_equal(constraint->keep, 1);
            assert_int_equal(constraint->bypass, 6);
            saw_branch_bypass = true;
        }
    }
    assert_true(saw_spatial && saw_dummy_bypass && saw_branch_bypass);
    yaml_test_release(&test);
}

static void test_component_fanout_and_disabled_nodes(void **state)
{
    (void)state;
    yaml_test test;
    assert_true(load_arch(&test, "architecture:\n"
                                 "  nodes:\n"
                                 "  - !Component {name: DRAM, class: DRAM, attributes: {width: 64, datawidth: 16}}\n"
                                 "  - !Component {name: Spare, class: SRAM, enabled: false}\n"
                                 "  - !Component\n"
                                 "    name: Lanes\n"
                                 "    class: regfile\n"
                                 "    spatial: {meshX: 4}\n"
                                 "    attributes: {depth: 16, width: 16, datawidth: 16}\n"
                                 "  - !Component {name: MAC, class: fpmac}\n"));
    yaml_test_expect_clean(&test);
    const ln_arch *arch = &test.spec.arch;
    assert_int_equal(arch->storage_count, 3);
    assert_string_equal(arch->storage[1].name, "inter_Lanes_spatial");
    assert_int_equal(arch->storage[1].instances, 1);
    assert_int_equal(arch->storage[0].instances, 4);
    assert_string_equal(arch->name, "top_level");
    yaml_test_release(&test);
}

static void test_storage_list_form(void **state)
{
    (void)state;
    yaml_test test;
    assert_true(load_arch(&test, "arch:\n"
                                 "  arithmetic: {name: MACs, instances: 64, meshX: 8, word-bits: 8}\n"
                                 "  storage:\n"
                                 "  - {name: RegisterFile, entries: 64, instances: 64, meshX: 8, word-bits: 8}\n"
                                 "  - {name: MainMemory, technology: DRAM, instances: 1, word-bits: 8, block-size: 4}\n"));
    yaml_test_expect_clean(&test);
    const ln_arch *arch = &test.spec.arch;
    assert_int_equal(arch->form, LN_ARCH_FORM_STORAGE_LIST);
    assert_string_equal(arch->storage[0].name, "RegisterFile");
    assert_int_equal(arch->storage[0].mesh_y, 8);
    assert_int_equal(arch->storage[0].size, 64);
    assert_int_equal(arch->storage[1].technology, LN_TECHNOLOGY_DRAM);
    assert_int_equal(arch->storage[1].block_size, 4);
    assert_int_equal(arch->compute.instances, 64);
    assert_int_equal(arch->compute.word_bits, 8);
    yaml_test_release(&test);
}

static const char subtree_prefix[] = "architecture:\n"
                                     "  subtree:\n"
                                     "  - name: chip\n"
                                     "    local:\n";

static bool load_subtree(yaml_test *test, const char *local)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", subtree_prefix, local);
    return load_arch(test, text);
}

static void test_width_not_divisible(void **state)
{
    (void)state;
    yaml_test test;
    assert_false(load_subtree(&test, "    - name: Buffer\n"
                                     "      class: SRAM\n"
                                     "      attributes: {depth: 64, width: 60, datawidth: 8}\n"
                                     "    - {name: MAC, class: intmac}\n"));
    const ln_diagnostic *error = yaml_test_expect_error(
        &test, "Buffer: width 60 is not a multiple of word_bits (8) x block_size (1)", 7, 38);
    assert_string_equal(error->hint, "make the width a multiple of 8");
    assert_string_equal(error->location.file, "arch.yaml");
    assert_false(test.spec.has_arch);
    yaml_test_release(&test);

    assert_false(load_subtree(&test, "    - name: Buffer\n"
                                     "      class: SRAM\n"
                                     "      attributes: {depth: 64, width: 64, datawidth: 8, block_size: 2, cluster_size: 2}\n"
                                     "    - {name: MAC, class: intmac}\n"));
    yaml_test_expect_error(&test, "Buffer: block_size (2) x word_bits (8) x cluster_size (2) is not the width 64", 7, 38);
    yaml_test_release(&test);
}

static void test_fanout_not_whole(void **state)
{
    (void)state;
    yaml_test test;
    assert_false(load_arch(&test, "architecture:\n"
                                  "  subtree:\n"
                                  "  - name: chip\n"
                                  "    local:\n"
                                  "    - {name: Buffer, class: SRAM, attributes: {depth: 64, width: 8, datawidth: 8, meshX: 3, instances: 3}}\n"
                                  "    subtree:\n"
                                  "    - name: PE[0..15]\n"
                                  "      local:\n"
                                  "      - {name: MAC, class: intmac}\n"));
    const ln_diagnostic *error = yaml_test_expect_error(
        &test, "fan-out from Buffer (meshX 3) to MAC (meshX 16) is not whole: 16 is not a multiple of 3", 9, 9);
    assert_non_null(strstr(error->hint, "whole multiple"));
    yaml_test_release(&test);

    assert_false(load_subtree(&test, "    - {name: Buffer, class: SRAM, attributes: {depth: 64, width: 8, datawidth: 8}}\n"
                                     "    - {name: \"MAC[0..15]\", class: intmac, attributes: {meshX: 5}}\n"));
    yaml_test_expect_error(&test, "MAC has 16 instances, which meshX 5 does not divide", 6, 63);
    yaml_test_release(&test);
}

static void test_missing_and_unknown_keys(void **state)
{
    (void)state;
    yaml_test test;
    assert_false(load_subtree(&test, "    - name: Buffer\n"
                                     "      clas: SRAM\n"
                                     "      attributes: {depth: 64}\n"
                                     "    - {name: MAC, class: intmac}\n"));
    const ln_diagnostic *warning = yaml_test_expect_at(&test, LN_SEVERITY_WARNING,
                                                       "unknown key 'clas' in a component; it is ignored", 6, 7);
    assert_string_equal(warning->hint, "did you mean 'class'?");
    yaml_test_expect_error(&test, "missing required key 'class' in component 'Buffer'", 5, 7);
    yaml_test_release(&test);

    assert_false(load_arch(&test, "architecture:\n  nodes:\n  - !Component {class: SRAM}\n"));
    yaml_test_expect_error(&test, "missing required key 'name' in a !Component", 3, 5);
    yaml_test_release(&test);

    assert_false(load_arch(&test, "architecture:\n  version: 0.4\n"));
    yaml_test_expect_error(&test, "the architecture has neither 'nodes' nor 'subtree'", 2, 3);
    yaml_test_release(&test);

    assert_false(load_subtree(&test, "    - {name: Buffer, class: SRAM, attributes: {depth: 64}}\n"));
    yaml_test_expect_error(&test, "the architecture has no compute level", 2, 3);
    yaml_test_release(&test);
}

static void test_attribute_types_and_overflow(void **state)
{
    (void)state;
    yaml_test test;
    assert_false(load_subtree(&test, "    - name: Buffer\n"
                                     "      class: SRAM\n"
                                     "      attributes: [depth, 64]\n"
                                     "    - {name: MAC, class: intmac}\n"));
    yaml_test_expect_error(&test, "'attributes' must be a mapping (`key: value` lines), not a list", 7, 19);
    yaml_test_release(&test);

    assert_false(load_subtree(&test, "    - name: Buffer\n"
                                     "      class: SRAM\n"
                                     "      attributes: {depth: deep, width: 8, datawidth: 8}\n"
                                     "    - {name: MAC, class: intmac}\n"));
    yaml_test_expect_error(&test, "'depth' of Buffer must be an integer, not the text 'deep'", 7, 27);
    yaml_test_release(&test);

    assert_false(load_subtree(&test, "    - name: Buffer\n"
                                     "      class: SRAM\n"
                                     "      attributes: {depth: 99999999999, width: 8, datawidth: 8}\n"
                                     "    - {name: MAC, class: intmac}\n"));
    yaml_test_expect_error(&test, "integer overflow: 'depth' of Buffer is 99999999999, larger than the largest allowed value 4294967295", 7, 27);
    yaml_test_release(&test);

    assert_false(load_subtree(&test, "    - name: Buffer\n"
                                     "      class: SRAM\n"
                                     "      attributes: {depth: 8, width: 8, num_ports: 3, reduction_supported: maybe}\n"
                                     "    - {name: MAC, class: intmac}\n"));
    yaml_test_expect_error(&test, "Buffer: num_ports must be 1 or 2, not 3", 7, 51);
    yaml_test_expect_error(&test, "'reduction_supported' of Buffer must be true or false, not maybe", 7, 75);
    yaml_test_release(&test);

    assert_false(load_subtree(&test, "    - {name: Buffer, class: SRAM, attributes: {sizeKB: 8, depth: 64}}\n"
                                     "    - {name: MAC, class: intmac}\n"));
    yaml_test_expect_error(&test, "Buffer gives sizeKB together with depth", 5, 56);
    yaml_test_release(&test);

    assert_false(load_subtree(&test, "    - {name: Buffer, class: SRAM, attributes: {depth: 64}}\n"
                                     "    - {name: \"MAC[2..1]\", class: intmac}\n"));
    yaml_test_expect_error(&test, "malformed instance range in name 'MAC[2..1]'", 6, 14);
    yaml_test_release(&test);
}

static void test_bandwidth_and_scales(void **state)
{
    (void)state;
    yaml_test test;
    assert_true(load_subtree(&test, "    - {name: Buffer, class: SRAM, attributes: {depth: 8, width: 8, datawidth: 8, bandwidth: 4}}\n"
                                    "    - {name: MAC, class: intmac}\n"));
    const ln_diagnostic *warning = yaml_test_expect_at(&test, LN_SEVERITY_WARNING, "'bandwidth' is deprecated", 5, 93);
    (void)warning;
    const ln_storage_level *buffer = level(&test, "Buffer");
    assert_true(buffer->read_bandwidth.value == 2 && buffer->write_bandwidth.value == 2);
    yaml_test_release(&test);

    assert_false(load_subtree(&test, "    - name: Buffer\n"
                                     "      class: SRAM\n"
                                     "      attributes:\n"
                                     "        depth: 8\n"
                                     "        per_dataspace_bandwidth_consumption_scale: {Inptus: 2}\n"
                                     "    - {name: MAC, class: intmac}\n"));
    const ln_diagnostic *error = yaml_test_expect_error(&test, "unknown tensor 'Inptus'", 9, 53);
    assert_non_null(strstr(error->hint, "did you mean 'Inputs'?"));
    yaml_test_release(&test);
}

static void test_parallel_rules(void **state)
{
    (void)state;
    yaml_test test;
    assert_false(load_arch(&test, "architecture:\n"
                                  "  nodes:\n"
                                  "  - !Component {name: DRAM, class: DRAM}\n"
                                  "  - !Parallel\n"
                                  "    nodes:\n"
                                  "    - !Component {name: A, class: regfile, attributes: {depth: 1}, constraints: {dataspace: {keep: [Weights]}}}\n"
                                  "    - !Component {name: B, class: regfile, attributes: {depth: 1}, constraints: {dataspace: {keep: [Weights, Outputs]}}}\n"
                                  "  - !Component {name: MAC, class: intmac}\n"));
    yaml_test_expect_error(&test, "Weights kept in two branches of a !Parallel", 7, 7);
    const ln_diagnostic *error = yaml_test_expect_error(&test, "no branch of the !Parallel keeps Inputs", 4, 5);
    assert_non_null(strstr(error->hint, "!Nothing"));
    yaml_test_release(&test);

    assert_false(load_arch(&test, "architecture:\n"
                                  "  nodes:\n"
                                  "  - !Component {name: DRAM, class: DRAM}\n"
                                  "  - !Parallel\n"
                                  "    nodes:\n"
                                  "    - !Container {name: PE, spatial: {meshX: 2}}\n"
                                  "  - !Component {name: MAC, class: intmac}\n"
                                  "  - !Pipelined {nodes: []}\n"));
    yaml_test_expect_error(&test, "a container 'PE' cannot be inside a !Parallel", 6, 7);
    yaml_test_expect_error(&test, "unsupported architecture node tag '!Pipelined'", 8, 5);
    yaml_test_release(&test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_subtree_form),
        cmocka_unit_test(test_nodes_form),
        cmocka_unit_test(test_component_fanout_and_disabled_nodes),
        cmocka_unit_test(test_storage_list_form),
        cmocka_unit_test(test_width_not_divisible),
        cmocka_unit_test(test_fanout_not_whole),
        cmocka_unit_test(test_missing_and_unknown_keys),
        cmocka_unit_test(test_attribute_types_and_overflow),
        cmocka_unit_test(test_bandwidth_and_scales),
        cmocka_unit_test(test_parallel_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
