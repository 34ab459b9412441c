/* Lowering .nest programs into the spec IR: mappings, the flat
 * architecture form, searches, includes, choosing what is evaluated, and
 * the checks' messages. */
#include "dsl_test_support.h"

static const char problem_and_arch[] =
    "problem Conv1D_OC {\n"
    "  dims K = 32, R = 3, P = 16;\n"
    "  Outputs[k][p] += Weights[k][r] * Inputs[r + p];\n"
    "}\n"
    "\n"
    "arch System {\n"
    "  MainMemory : DRAM { width = 256; datawidth = 8; }\n"
    "  GlobalBuffer : SRAM { depth = 32768; width = 64; datawidth = 8; }\n"
    "  PE[4 x 4] {\n"
    "    RegisterFile : regfile { depth = 64; width = 8; datawidth = 8; }\n"
    "    MACC : intmac { width = 8; }\n"
    "  }\n"
    "}\n";

enum { K, R, P };
enum { MAIN = 3, GLOBAL = 2, DUMMY = 1, RF = 0 };

static void load_with(dsl_test *test, const char *rest)
{
    char text[8192];
    snprintf(text, sizeof text, "%s\n%s", problem_and_arch, rest);
    dsl_test_init(test);
    dsl_test_load_clean(test, text);
}

static void test_mapping_factors_and_order(void **state)
{
    (void)state;
    dsl_test test;
    load_with(&test, "mapping {\n"
                     "  @MainMemory\n"
                     "    for p in [0:2)\n"
                     "    for k in [0:2)\n"
                     "  @GlobalBuffer\n"
                     "    keep Weights;\n"
                     "    bypass Outputs;\n"
                     "    no_temporal_reuse Inputs;\n"
                     "    for r in [0:3)\n"
                     "    for p in [0:2)\n"
                     "  @PE\n"
                     "    spatial_for k in [0:4) on Y\n"
                     "    spatial_for p in [0:4) on X\n"
                     "  @RegisterFile\n"
                     "    for k in [0:4)\n"
                     "}\n");
    const ln_mapping *mapping = &test.spec.mapping;
    assert_int_equal(mapping->level_count, 4);
    const ln_mapping_level *main_memory = &mapping->levels[MAIN];
    assert_int_equal(main_memory->temporal_factors[P], 2);
    assert_int_equal(main_memory->temporal_factors[K], 2);
    /* Innermost first: k, then p, then the unwritten R. */
    assert_int_equal(main_memory->temporal_permutation[0], K);
    assert_int_equal(main_memory->temporal_permutation[1], P);
    assert_int_equal(main_memory->temporal_permutation[2], R);
    const ln_mapping_level *global = &mapping->levels[GLOBAL];
    assert_int_equal(global->keep, 1u << 0);
    assert_int_equal(global->bypass, 1u << 2);
    assert_int_equal(global->no_temporal_reuse, 1u << 1);
    /* The dummy level: X loops first, the split where Y starts; it
     * bypasses everything (from the architecture). */
    const ln_mapping_level *dummy = &mapping->levels[DUMMY];
    assert_int_equal(dummy->spatial_factors[K], 4);
    assert_int_equal(dummy->spatial_factors[P], 4);
    assert_int_equal(dummy->spatial_permutation[0], P);
    assert_int_equal(dummy->spatial_permutation[1], K);
    assert_int_equal(dummy->spatial_split, 1);
    assert_true(dummy->split_specified);
    assert_int_equal(dummy->bypass, 0x7);
    assert_int_equal(mapping->levels[RF].temporal_factors[K], 4);
    /* Locations point at the loops. */
    assert_int_equal(global->temporal_location.line, 23);
    dsl_test_release(&test);
}

static void test_imperfect_factors_are_kept(void **state)
{
    (void)state;
    dsl_test test;
    /* Timeloop's product with residuals, outermost first: 0*5 + 4 - 1 = 3,
     * then 3*8 + 8 - 1 = 31, plus 1: 32. */
    load_with(&test, "mapping {\n  @MainMemory\n    for k in [0:5,4)\n  @GlobalBuffer\n"
                     "    for k in [0:8)\n    for r in [0:3)\n    for p in [0:16)\n}\n");
    const ln_mapping_level *main_memory = &test.spec.mapping.levels[MAIN];
    assert_int_equal(main_memory->temporal_factors[K], 5);
    assert_int_equal(main_memory->temporal_residuals[K], 4);
    assert_int_equal(test.spec.mapping.levels[GLOBAL].temporal_residuals[K], 8);
    dsl_test_release(&test);
}

static void test_product_mismatch_names_dimension_product_bound(void **state)
{
    (void)state;
    dsl_test test;
    dsl_test_init(&test);
    char text[4096];
    snprintf(text, sizeof text, "%s\nmapping {\n  @GlobalBuffer\n    for k in [0:4)\n"
                                "    for r in [0:3)\n    for p in [0:16)\n}\n", problem_and_arch);
    assert_false(dsl_test_load(&test, text));
    const ln_diagnostic *error = dsl_test_find(&test, LN_SEVERITY_ERROR, "dimension 'K'");
    assert_non_null(error);
    assert_non_null(strstr(error->message, "is 4, not its bound 32"));
    assert_non_null(strstr(error->hint, "GlobalBuffer temporal 4"));
    assert_int_equal(error->location.line, 17);
    dsl_test_release(&test);
}

static void test_flat_architecture(void **state)
{
    (void)state;
    dsl_test test;
    dsl_test_init(&test);
    dsl_test_load_clean(&test, "problem P {\n  dims K = 16;\n  O[k] += W[k] * I[k];\n}\n"
                               "arch flat {\n"
                               "  technology = \"40nm\";\n"
                               "  MainMemory[1] : DRAM { width = 256; datawidth = 8; bypass W; }\n"
                               "  Buffer[16] : regfile { depth = 8; width = 8; datawidth = 8; meshX = 4; }\n"
                               "  MAC[4 x 4] : intmac { width = 8; }\n"
                               "}\n");
    const ln_arch *arch = &test.spec.arch;
    assert_int_equal(arch->form, LN_ARCH_FORM_SUBTREE);
    assert_string_equal(arch->name, "flat");
    assert_int_equal(arch->storage_count, 2);
    assert_int_equal(arch->storage[0].instances, 16);
    assert_int_equal(arch->storage[0].mesh_x, 4);
    assert_int_equal(arch->storage[0].mesh_y, 4);
    assert_int_equal(arch->compute.instances, 16);
    assert_int_equal(arch->compute.mesh_x, 4);
    /* No v0.4 defaults: the DRAM does not say it reduces. */
    assert_false(arch->storage[1].reduction_supported_specified);
    /* Inherited from the top of the block. */
    assert_non_null(ln_attribute_find(&arch->storage[0].attributes, "technology"));
    /* Constraints in a level's block are architecture constraints. */
    assert_int_equal(test.spec.constraints.count, 1);
    assert_true(test.spec.constraints.items[0].from_architecture);
    assert_int_equal(test.spec.constraints.items[0].bypass, 1u << 0);
    dsl_test_release(&test);
}

static void test_search_lowers_to_constraints_and_options(void **state)
{
    (void)state;
    dsl_test test;
    load_with(&test, "search {\n"
                     "  minimize energy, delay;\n"
                     "  algorithm exhaustive;\n"
                     "  threads 3;\n"
                     "  stop after 7 mappings;\n"
                     "  set filter_revisits = true;\n"
                     "  set template = \"ruby\";\n"
                     "  @MainMemory\n"
                     "    for k in [0:?)\n"
                     "    ...\n"
                     "    for p in [0:4)\n"
                     "  @GlobalBuffer\n"
                     "    factors R <= 3, P >= 2;\n"
                     "    keep Weights;\n"
                     "    remainders 2;\n"
                     "  @PE\n"
                     "    spatial_for p in [0:?) on Y\n"
                     "    spatial_for k in [0:?) on X\n"
                     "    no_multicast Inputs;\n"
                     "  @RegisterFile\n"
                     "    min_utilization 0.5;\n"
                     "}\n");
    const ln_mapper_options *mapper = &test.spec.mapper;
    assert_true(mapper->present);
    assert_int_equal(mapper->metric_count, 2);
    assert_int_equal(mapper->metrics[0], LN_METRIC_ENERGY);
    assert_string_equal(mapper->algorithm, "exhaustive");
    assert_int_equal(mapper->threads, 3);
    assert_int_equal(mapper->search_size, 7);
    assert_int_equal(mapper->victory_condition, 500);
    assert_true(mapper->filter_revisits);
    assert_string_equal(mapper->mapspace_template, "ruby");

    const ln_constraint *temporal_main = NULL, *temporal_global = NULL, *dataspace_global = NULL;
    const ln_constraint *spatial = NULL, *utilization = NULL;
    for (uint32_t i = 0; i < test.spec.constraints.count; i++) {
        const ln_constraint *constraint = &test.spec.constraints.items[i];
        if (constraint->from_architecture)
            continue;
        if (constraint->kind == LN_CONSTRAINT_TEMPORAL && constraint->level == MAIN)
            temporal_main = constraint;
        else if (constraint->kind == LN_CONSTRAINT_TEMPORAL && constraint->level == GLOBAL)
            temporal_global = constraint;
        else if (constraint->kind == LN_CONSTRAINT_DATASPACE)
            dataspace_global = constraint;
        else if (constraint->kind == LN_CONSTRAINT_SPATIAL)
            spatial = constraint;
        else if (constraint->kind == LN_CONSTRAINT_UTILIZATION)
            utilization = constraint;
    }
    assert_non_null(temporal_main);
    /* `for k` before `...` is pinned outermost; `for p` after it is the
     * innermost loop; p's factor is fixed, k's left open. */
    assert_int_equal(temporal_main->permutation_count, 1);
    assert_int_equal(temporal_main->permutation[0], P);
    assert_int_equal(temporal_main->permutation_suffix_count, 1);
    assert_int_equal(temporal_main->permutation_suffix[0], K);
    assert_int_equal(temporal_main->factor_relation[P], LN_FACTOR_EQUAL);
    assert_int_equal(temporal_main->factors[P], 4);
    assert_int_equal(temporal_main->factor_relation[K], LN_FACTOR_FREE);
    assert_non_null(temporal_global);
    assert_int_equal(temporal_global->max_factors[R], 3);
    assert_int_equal(temporal_global->min_factors[P], 2);
    assert_true(temporal_global->remainders_specified);
    assert_int_equal(temporal_global->max_remainders, 2);
    assert_non_null(dataspace_global);
    assert_int_equal(dataspace_global->keep, 1u << 0);
    assert_non_null(spatial);
    assert_int_equal(spatial->level, DUMMY);
    assert_int_equal(spatial->permutation[0], K);
    assert_int_equal(spatial->permutation[1], P);
    assert_true(spatial->split_specified);
    assert_int_equal(spatial->split, 1);
    assert_true(spatial->no_multicast_specified);
    assert_int_equal(spatial->no_multicast, 1u << 1);
    assert_non_null(utilization);
    assert_true(utilization->min_utilization == 0.5);
    dsl_test_release(&test);
}

static void test_includes_once_and_yaml(void **state)
{
    (void)state;
    dsl_test test;
    dsl_test_init(&test);
    dsl_test_write(&test, "shapes.nest", "shape vector_add { dims N; Out[n] = A[n] * B[n]; }\n");
    dsl_test_write(&test, "more.nest", "include \"shapes.nest\";\n");
    dsl_test_write(&test, "tables.yaml", "ERT:\n  version: 0.4\n  tables:\n"
                                         "    - name: System.Buffer\n"
                                         "      actions: [{name: read, energy: 1.5}]\n");
    const char *main_path = dsl_test_write(&test, "main.nest",
                                           "include \"shapes.nest\";\ninclude \"more.nest\";\n"
                                           "include \"tables.yaml\";\ninclude \"gemm.nest\";\n"
                                           "problem small = vector_add(N = 8);\n");
    if (!dsl_test_load_paths(&test, &main_path, 1)) {
        dsl_test_dump(&test);
        fail();
    }
    assert_string_equal(test.spec.problem.name, "small");
    assert_int_equal(test.spec.problem.dimension_bounds[0], 8);
    assert_true(test.spec.energy.has_ert);
    dsl_test_release(&test);
}

static void test_mapping_on_a_yaml_architecture(void **state)
{
    (void)state;
    dsl_test test;
    dsl_test_init(&test);
    const char *paths[2];
    paths[0] = dsl_test_write(&test, "spec.yaml",
                              "architecture:\n  version: 0.4\n  nodes:\n"
                              "  - !Container {name: S}\n"
                              "  - !Component {name: Memory, class: DRAM, attributes: {width: 64, datawidth: 8}}\n"
                              "  - !Container {name: PE, spatial: {meshX: 4}}\n"
                              "  - !Component {name: Buffer, class: regfile,\n"
                              "                attributes: {depth: 16, width: 8, datawidth: 8},\n"
                              "                constraints: {dataspace: {keep: [O]}}}\n"
                              "  - !Component {name: MAC, class: intmac}\n"
                              "problem:\n  shape:\n    name: P\n    dimensions: [K]\n"
                              "    data_spaces:\n"
                              "      - {name: W, projection: [[[K]]]}\n"
                              "      - {name: O, projection: [[[K]]], read_write: true}\n"
                              "  instance: {K: 8}\n");
    paths[1] = dsl_test_write(&test, "map.nest",
                              "mapping {\n  @Memory\n    for k in [0:2)\n  @PE\n    spatial_for k in [0:4)\n}\n");
    if (!dsl_test_load_paths(&test, paths, 2)) {
        dsl_test_dump(&test);
        fail();
    }
    /* The YAML architecture's constraints complete the .nest mapping. */
    assert_int_equal(test.spec.mapping.levels[1].bypass, 0x3);
    assert_int_equal(test.spec.mapping.levels[0].keep, 1u << 1);
    dsl_test_release(&test);
}

static void test_choosing_problem_and_arch(void **state)
{
    (void)state;
    dsl_test test;
    load_with(&test, "problem other {\n  dims K = 32, R = 3, P = 16;\n  Outputs[k][p] += Weights[k][r] * Inputs[r + p];\n}\n"
                     "mapping m for other on System {\n  @GlobalBuffer\n    for k in [0:8)\n"
                     "    for r in [0:3)\n    for p in [0:16)\n  @PE\n    spatial_for k in [0:4)\n}\n");
    assert_string_equal(test.spec.problem.name, "other");
    dsl_test_release(&test);

    dsl_test_init(&test);
    char text[4096];
    snprintf(text, sizeof text, "%s\nproblem other { dims N = 2; O[n] = I[n]; }\n", problem_and_arch);
    assert_false(dsl_test_load(&test, text));
    assert_non_null(dsl_test_find(&test, LN_SEVERITY_ERROR, "defines 2 problems"));
    dsl_test_release(&test);
}

static void test_located_messages(void **state)
{
    (void)state;
    static const struct {
        const char *program;
        const char *message;
        uint32_t line, column;
    } cases[] = {
        {"mapping {\n  @GlobalBufer\n    for k in [0:32)\n}\n", "unknown level `GlobalBufer`", 16, 4},
        {"mapping {\n  @GlobalBuffer\n    keep Weight;\n}\n", "unknown tensor `Weight`", 17, 10},
        {"mapping {\n  @MainMemory\n    spatial_for k in [0:2)\n}\n", "which has no fan-out below it", 17, 5},
        {"mapping {\n  @PE\n    spatial_for k in [0:8)\n}\n", "spread RegisterFile over 8 along X, but its mesh has 4", 17, 25},
        {"arch B { M : DRAM { width = 8; datawidth = 8; bypass Weights; } X : intmac; }\n"
         "mapping for Conv1D_OC on B {\n  @M\n    keep Weights;\n    for k in [0:32)\n"
         "    for r in [0:3)\n    for p in [0:16)\n}\n",
         "tensor `Weights` is kept at @M, contradicting the architecture", 18, 5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        dsl_test test;
        dsl_test_init(&test);
        char text[4096];
        snprintf(text, sizeof text, "%s\n%s", problem_and_arch, cases[i].program);
        assert_false(dsl_test_load(&test, text));
        const ln_diagnostic *error = dsl_test_find(&test, LN_SEVERITY_ERROR, cases[i].message);
        if (!error) {
            dsl_test_dump(&test);
            fail_msg("case %zu: no error '%s'", i, cases[i].message);
        }
        assert_int_equal(error->location.line, cases[i].line);
        assert_int_equal(error->location.column, cases[i].column);
        dsl_test_release(&test);
    }
}

/* As Timeloop checks spatial loops: against the mesh they spread over,
 * counting the levels above, not against one level's own fan-out. */
static void test_spread_is_checked_cumulatively(void **state)
{
    (void)state;
    dsl_test test;
    dsl_test_init(&test);
    dsl_test_load_clean(&test, "problem P {\n  dims K = 8;\n  O[k] += W[k] * I[k];\n}\n"
                               "arch flat {\n"
                               "  Memory[1] : DRAM { width = 64; datawidth = 8; }\n"
                               "  Buffer[2] : regfile { depth = 64; width = 8; datawidth = 8; }\n"
                               "  Register[8] : regfile { depth = 4; width = 8; datawidth = 8; }\n"
                               "  MAC[8] : intmac { width = 8; }\n"
                               "}\n"
                               "mapping {\n  @Buffer\n    spatial_for k in [0:8)\n}\n");
    assert_int_equal(test.spec.mapping.levels[1].spatial_factors[0], 8);
    dsl_test_release(&test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapping_factors_and_order),
        cmocka_unit_test(test_imperfect_factors_are_kept),
        cmocka_unit_test(test_product_mismatch_names_dimension_product_bound),
        cmocka_unit_test(test_flat_architecture),
        cmocka_unit_test(test_search_lowers_to_constraints_and_options),
        cmocka_unit_test(test_includes_once_and_yaml),
        cmocka_unit_test(test_mapping_on_a_yaml_architecture),
        cmocka_unit_test(test_choosing_problem_and_arch),
        cmocka_unit_test(test_located_messages),
        cmocka_unit_test(test_spread_is_checked_cumulatively),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
