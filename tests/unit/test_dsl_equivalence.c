/* A spec written in the .nest language and the same spec written as
 * Timeloop YAML lower to identical IR: the problem as a loop statement,
 * the architecture as a tree (dummy levels, defaults, inheritance,
 * !Parallel bypasses and derived constraints as the v0.4 front end makes
 * them), the mapping as a nest (completed by the architecture's
 * constraints), and a search as constraints and mapper options. */
#include "dsl_test_support.h"
#include "spec_compare.h"
#include "yaml_test_support.h"

static void load_yaml(yaml_test *yaml, const char *text)
{
    yaml_test_init(yaml);
    if (!yaml_test_load(yaml, text)) {
        yaml_test_dump(yaml);
        fail_msg("the YAML did not load");
    }
}

/* ---- Problems ----------------------------------------------------------- */

static void test_conv1d_problem(void **state)
{
    (void)state;
    dsl_test nest;
    dsl_test_init(&nest);
    dsl_test_load_clean(&nest, "problem Conv1D_OC {\n"
                               "  dims K = 32, R = 3, P = 16;\n"
                               "  Outputs[k][p] += Weights[k][r] * Inputs[r + p];\n"
                               "}\n");
    yaml_test yaml;
    load_yaml(&yaml, "problem:\n"
                     "  shape:\n"
                     "    name: Conv1D_OC\n"
                     "    dimensions: [K, R, P]\n"
                     "    data_spaces:\n"
                     "      - {name: Weights, projection: [[[K]], [[R]]]}\n"
                     "      - {name: Inputs, projection: [[[R], [P]]]}\n"
                     "      - {name: Outputs, projection: [[[K]], [[P]]], read_write: true}\n"
                     "  instance: {K: 32, R: 3, P: 16}\n");
    assert_true(nest.spec.has_problem);
    compare_problems(&nest.spec.problem, &yaml.spec.problem);
    dsl_test_release(&nest);
    yaml_test_release(&yaml);
}

/* Timeloop's CNN layer with strides: coefficient terms in either order,
 * instance values different from the defaults. */
static const char cnn_layer_yaml[] =
    "problem:\n"
    "  shape:\n"
    "    name: conv2D\n"
    "    dimensions: [C, M, R, S, N, P, Q]\n"
    "    coefficients:\n"
    "      - {name: Wstride, default: 1}\n"
    "      - {name: Hstride, default: 1}\n"
    "      - {name: Wdilation, default: 1}\n"
    "      - {name: Hdilation, default: 1}\n"
    "    data_spaces:\n"
    "      - {name: Weights, projection: [[[C]], [[M]], [[R]], [[S]]]}\n"
    "      - name: Inputs\n"
    "        projection:\n"
    "          - [[N]]\n"
    "          - [[C]]\n"
    "          - [[R, Wdilation], [P, Wstride]]\n"
    "          - [[S, Hdilation], [Q, Hstride]]\n"
    "      - {name: Outputs, projection: [[[N]], [[M]], [[Q]], [[P]]], read_write: true}\n"
    "  instance: {C: 3, M: 32, R: 3, S: 3, N: 1, P: 112, Q: 112, Wstride: 2, Hstride: 2}\n";

static void test_strided_convolution_problem(void **state)
{
    (void)state;
    dsl_test nest;
    dsl_test_init(&nest);
    dsl_test_load_clean(&nest,
                        "problem conv2D {\n"
                        "  dims C = 3, M = 32, R = 3, S = 3, N = 1, P = 112, Q = 112;\n"
                        "  coef Wstride = 2 default 1, Hstride = 2 default 1, Wdilation = 1, Hdilation = 1;\n"
                        "  Outputs[n][m][q][p] += Weights[c][m][r][s] *\n"
                        "      Inputs[n][c][r*Wdilation + Wstride*p][Hdilation*s + q*Hstride];\n"
                        "}\n");
    yaml_test yaml;
    load_yaml(&yaml, cnn_layer_yaml);
    compare_problems(&nest.spec.problem, &yaml.spec.problem);
    dsl_test_release(&nest);
    yaml_test_release(&yaml);
}

/* The stdlib's conv2d shape, instantiated, is the same problem. */
static void test_stdlib_instantiation(void **state)
{
    (void)state;
    dsl_test nest;
    dsl_test_init(&nest);
    dsl_test_load_clean(&nest, "include \"conv2d.nest\";\n"
                               "problem conv2D = conv2d(C = 3, M = 32, R = 3, S = 3, N = 1, P = 112,\n"
                               "                        Q = 112, Wstride = 2, Hstride = 2);\n");
    yaml_test yaml;
    load_yaml(&yaml, cnn_layer_yaml);
    compare_problems(&nest.spec.problem, &yaml.spec.problem);
    dsl_test_release(&nest);
    yaml_test_release(&yaml);
}

/* Tensor order from a `tensors` statement; `=` leaves the output
 * read-only. */
static void test_tensor_order_and_plain_assignment(void **state)
{
    (void)state;
    dsl_test nest;
    dsl_test_init(&nest);
    dsl_test_load_clean(&nest, "problem mm {\n"
                               "  dims M = 4, N = 8, K = 2;\n"
                               "  tensors Z, A, B;\n"
                               "  Z[m][n] = A[m][k] * B[k][n];\n"
                               "}\n");
    yaml_test yaml;
    load_yaml(&yaml, "problem:\n"
                     "  shape:\n"
                     "    name: mm\n"
                     "    dimensions: [M, N, K]\n"
                     "    data_spaces:\n"
                     "      - {name: Z, projection: [[[M]], [[N]]]}\n"
                     "      - {name: A, projection: [[[M]], [[K]]]}\n"
                     "      - {name: B, projection: [[[K]], [[N]]]}\n"
                     "  instance: {M: 4, N: 8, K: 2}\n");
    compare_problems(&nest.spec.problem, &yaml.spec.problem);
    assert_false(nest.spec.problem.tensors[0].read_write);
    dsl_test_release(&nest);
    yaml_test_release(&yaml);
}

/* ---- Architectures, mappings, searches ----------------------------------- */

static const char three_level_yaml[] =
    "architecture:\n"
    "  version: 0.4\n"
    "  nodes:\n"
    "  - !Container\n"
    "    name: System\n"
    "    attributes: {technology: \"40nm\", global_cycle_seconds: 1e-9}\n"
    "  - !Component\n"
    "    name: MainMemory\n"
    "    class: DRAM\n"
    "    attributes: {width: 256, datawidth: 8}\n"
    "  - !Component\n"
    "    name: GlobalBuffer\n"
    "    class: SRAM\n"
    "    attributes: {depth: 32768, width: 64, datawidth: 8}\n"
    "    constraints:\n"
    "      dataspace: {keep: [Weights, Inputs], bypass: [Outputs]}\n"
    "  - !Container\n"
    "    name: PE\n"
    "    spatial: {meshX: 4, meshY: 4}\n"
    "    constraints:\n"
    "      spatial: {factors: [R=1], permutation: [P, K], split: 1}\n"
    "  - !Parallel\n"
    "    nodes:\n"
    "    - !Component\n"
    "      name: WeightRF\n"
    "      class: regfile\n"
    "      attributes: {depth: 64, width: 8, datawidth: 8}\n"
    "      constraints:\n"
    "        dataspace: {keep: [Weights]}\n"
    "        temporal: {factors: [K=1, P=1], permutation: [R]}\n"
    "    - !Component\n"
    "      name: OutputRF\n"
    "      class: regfile\n"
    "      attributes: {depth: 16, width: 16, datawidth: 16}\n"
    "      constraints:\n"
    "        dataspace: {keep: [Outputs]}\n"
    "    - !Nothing {constraints: {dataspace: {keep: [Inputs]}}}\n"
    "  - !Component\n"
    "    name: MACC\n"
    "    class: intmac\n"
    "    attributes: {width: 8}\n"
    "problem:\n"
    "  shape:\n"
    "    name: Conv1D_OC\n"
    "    dimensions: [K, R, P]\n"
    "    data_spaces:\n"
    "      - {name: Weights, projection: [[[K]], [[R]]]}\n"
    "      - {name: Inputs, projection: [[[R], [P]]]}\n"
    "      - {name: Outputs, projection: [[[K]], [[P]]], read_write: true}\n"
    "  instance: {K: 32, R: 3, P: 16}\n"
    "mapping:\n"
    "  - {target: MainMemory, type: temporal, factors: K=2 R=1 P=1, permutation: KRP}\n"
    "  - {target: GlobalBuffer, type: temporal, factors: K=1 R=1 P=4, permutation: PKR}\n"
    "  - {target: PE, type: spatial, factors: K=4 R=1 P=4, permutation: PKR, split: 1}\n"
    "  - {target: WeightRF, type: temporal, factors: K=1 R=3 P=1, permutation: RKP}\n"
    "  - {target: OutputRF, type: temporal, factors: K=4 R=1 P=1, permutation: KRP}\n"
    "mapper: {optimization_metrics: [delay, energy], algorithm: random_pruned, num_threads: 2,\n"
    "         victory_condition: 50, timeout: 300, log_interval: 7}\n"
    "mapspace_constraints:\n"
    "  targets:\n"
    "    - {target: GlobalBuffer, type: temporal, factors: [P<=8, K=1], permutation: PR_K}\n"
    "    - {target: OutputRF, type: utilization, min: 0.25}\n";

static const char three_level_nest[] =
    "problem Conv1D_OC {\n"
    "  dims K = 32, R = 3, P = 16;\n"
    "  Outputs[k][p] += Weights[k][r] * Inputs[r + p];\n"
    "}\n"
    "\n"
    "arch System {\n"
    "  technology = \"40nm\";\n"
    "  global_cycle_seconds = 1e-9;\n"
    "  MainMemory : DRAM { width = 256; datawidth = 8; }\n"
    "  GlobalBuffer : SRAM { depth = 32768; width = 64; datawidth = 8; keep Weights, Inputs; bypass Outputs; }\n"
    "  PE[4 x 4] {\n"
    "    spatial_factors R = 1;\n"
    "    spatial_for k in [0:?) on Y\n"
    "    spatial_for p in [0:?) on X\n"
    "    parallel {\n"
    "      WeightRF : regfile {\n"
    "        depth = 64; width = 8; datawidth = 8;\n"
    "        keep Weights;\n"
    "        factors K = 1, P = 1;\n"
    "        for r in [0:?)\n"
    "      }\n"
    "      OutputRF : regfile { depth = 16; width = 16; datawidth = 16; keep Outputs; }\n"
    "      nothing { keep Inputs; }\n"
    "    }\n"
    "    MACC : intmac { width = 8; }\n"
    "  }\n"
    "}\n"
    "\n"
    "mapping {\n"
    "  @MainMemory\n"
    "    for k in [0:2)\n"
    "  @GlobalBuffer\n"
    "    for p in [0:4)\n"
    "  @PE\n"
    "    spatial_for k in [0:4) on Y\n"
    "    spatial_for p in [0:4) on X\n"
    "  @WeightRF\n"
    "    for r in [0:3)\n"
    "  @OutputRF\n"
    "    for k in [0:4)\n"
    "}\n"
    "\n"
    "search {\n"
    "  minimize delay, energy;\n"
    "  algorithm random_pruned;\n"
    "  threads 2;\n"
    "  stop after 50 without improvement;\n"
    "  stop after 300 invalid;\n"
    "  set log_interval = 7;\n"
    "  @GlobalBuffer\n"
    "    for k in [0:1)\n"
    "    ...\n"
    "    for r in [0:?)\n"
    "    for p in [0:?)\n"
    "    factors P <= 8;\n"
    "  @OutputRF\n"
    "    min_utilization 0.25;\n"
    "}\n";

static void test_tree_architecture_mapping_and_search(void **state)
{
    (void)state;
    dsl_test nest;
    dsl_test_init(&nest);
    dsl_test_load_clean(&nest, three_level_nest);
    yaml_test yaml;
    load_yaml(&yaml, three_level_yaml);

    compare_problems(&nest.spec.problem, &yaml.spec.problem);
    compare_archs(&nest.spec.arch, &yaml.spec.arch, true);
    assert_int_equal(nest.spec.arch.form, LN_ARCH_FORM_NODES);
    /* Dummy level, parallel branches bypassing each other's tensors. */
    assert_int_equal(nest.spec.arch.storage_count, 5);
    assert_string_equal(nest.spec.arch.storage[2].name, "inter_PE_spatial");
    assert_true(nest.spec.arch.storage[2].is_dummy);
    assert_int_equal(nest.spec.arch.compute.mesh_y, 4);
    compare_constraint_lists(&nest.spec.constraints, &yaml.spec.constraints);
    assert_true(nest.spec.has_mapping);
    compare_mappings(&nest.spec.problem, &nest.spec.mapping, &yaml.spec.mapping, true);
    compare_mapper_options(&nest.spec.mapper, &yaml.spec.mapper);
    dsl_test_release(&nest);
    yaml_test_release(&yaml);
}

/* The tutorial's own v0.4 files and the tutorial example written in the
 * language give the same IR. */
static void test_tutorial_example_matches_its_yaml(void **state)
{
    (void)state;
    const char *tutorial = LN_REFERENCE_DIR "/tutorial-2020/timeloop/03-model-conv1d+oc-3level";
    char arch[512], problem[512], map[512];
    snprintf(arch, sizeof arch, "%s/arch/3level.arch.yaml", tutorial);
    snprintf(problem, sizeof problem, "%s/prob/conv1d+oc.prob.yaml", tutorial);
    snprintf(map, sizeof map, "%s/map/conv1d+oc-3level-bypass.map.yaml", tutorial);
    if (access(arch, R_OK) != 0)
        skip();
    yaml_test yaml;
    yaml_test_init(&yaml);
    const char *paths[] = {arch, problem, map};
    assert_true(yaml_test_load_files(&yaml, 3, paths));
    dsl_test nest;
    dsl_test_init(&nest);
    const char *example = LN_SOURCE_DIR "/examples/tutorial/03-conv1d-oc-3level-bypass.nest";
    if (!dsl_test_load_paths(&nest, &example, 1)) {
        dsl_test_dump(&nest);
        fail();
    }
    compare_problems(&nest.spec.problem, &yaml.spec.problem);
    compare_archs(&nest.spec.arch, &yaml.spec.arch, true);
    compare_constraint_lists(&nest.spec.constraints, &yaml.spec.constraints);
    compare_mappings(&nest.spec.problem, &nest.spec.mapping, &yaml.spec.mapping, false);
    dsl_test_release(&nest);
    yaml_test_release(&yaml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv1d_problem),
        cmocka_unit_test(test_strided_convolution_problem),
        cmocka_unit_test(test_stdlib_instantiation),
        cmocka_unit_test(test_tensor_order_and_plain_assignment),
        cmocka_unit_test(test_tree_architecture_mapping_and_search),
        cmocka_unit_test(test_tutorial_example_matches_its_yaml),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
