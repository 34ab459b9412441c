/* mapping: directives in every spelling, merging of files, validation of
 * the factors against the bounds, and the diagnostics. */
#include "yaml_test_support.h"

#include "ir/mapping_validate.h"

#define DATA LN_TEST_DATA_DIR "/yaml"

/* Levels of three_level_arch.yaml, innermost first. */
enum { REGISTER_FILE, PE_FANOUT, GLOBAL_BUFFER, MAIN_MEMORY };
/* Dimensions of conv1d_problem.yaml. */
enum { K, R, P };
enum { WEIGHTS = 1, INPUTS = 2, OUTPUTS = 4 };

/* Loads the problem and architecture files and then `mapping` as
 * "map.yaml". */
static bool load_mapping(yaml_test *test, const char *mapping)
{
    ln_yaml_document documents[3];
    yaml_test_init(test);
    if (!ln_yaml_parse_file(&test->spec.arena, &test->diagnostics, DATA "/conv1d_problem.yaml",
                            &documents[0]) ||
        !ln_yaml_parse_file(&test->spec.arena, &test->diagnostics, DATA "/three_level_arch.yaml",
                            &documents[1]) ||
        !ln_yaml_parse(&test->spec.arena, &test->diagnostics, "map.yaml", mapping, strlen(mapping),
                       &documents[2])) {
        test->ok = false;
        return false;
    }
    test->ok = ln_yaml_import_documents(&test->spec, &test->diagnostics, documents, 3);
    return test->ok;
}

static void test_every_spelling(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    const char *paths[] = {DATA "/conv1d_problem.yaml", DATA "/three_level_arch.yaml",
                           DATA "/mapping_spellings.yaml"};
    yaml_test_load_files(&test, 3, paths);
    yaml_test_expect_clean(&test);
    const ln_mapping *mapping = &test.spec.mapping;
    assert_true(test.spec.has_mapping);
    assert_int_equal(mapping->level_count, 4);

    const ln_mapping_level *memory = &mapping->levels[MAIN_MEMORY];
    assert_int_equal(memory->temporal_factors[K], 2);
    assert_int_equal(memory->temporal_factors[R], 1);
    assert_int_equal(memory->temporal_permutation[0], K);
    assert_true(memory->has_temporal);
    assert_int_equal(memory->temporal_location.line, 4);

    const ln_mapping_level *global = &mapping->levels[GLOBAL_BUFFER];
    assert_int_equal(global->temporal_factors[P], 5);
    assert_int_equal(global->temporal_residuals[P], 4);
    assert_int_equal(global->temporal_permutation[0], P);
    assert_int_equal(global->temporal_permutation[1], K);
    assert_int_equal(global->temporal_permutation[2], R);
    assert_int_equal(global->bypass, WEIGHTS);
    assert_int_equal(global->keep, 0);
    assert_int_equal(global->temporal_factors_specified, (1u << K) | (1u << R) | (1u << P));

    /* The container PE names its fan-out level. */
    const ln_mapping_level *fanout = &mapping->levels[PE_FANOUT];
    assert_true(fanout->has_spatial);
    assert_int_equal(fanout->spatial_factors[K], 16);
    assert_int_equal(fanout->spatial_split, 1);
    assert_true(fanout->split_specified);
    assert_int_equal(fanout->no_multicast, WEIGHTS);
    /* The front end's constraints on the dummy level fill the rest. */
    assert_true(fanout->has_temporal);
    assert_int_equal(fanout->bypass, WEIGHTS | INPUTS | OUTPUTS);

    const ln_mapping_level *registers = &mapping->levels[REGISTER_FILE];
    assert_int_equal(registers->temporal_factors[R], 3);
    assert_int_equal(registers->temporal_factors[P], 4);
    assert_int_equal(registers->temporal_factors[K], 1);
    assert_int_equal(registers->temporal_permutation[0], R);
    assert_int_equal(registers->temporal_permutation[1], P);
    /* Missing dimensions are appended outermost in dimension order. */
    assert_int_equal(registers->temporal_permutation[2], K);
    assert_int_equal(registers->no_temporal_reuse, OUTPUTS);
    assert_int_equal(registers->keep, WEIGHTS);
    assert_int_equal(registers->bypass, INPUTS);
    assert_true(ln_mapping_keeps(mapping, REGISTER_FILE, 2));
    assert_false(ln_mapping_keeps(mapping, REGISTER_FILE, 1));
    assert_true(ln_mapping_validate(&test.spec.problem, &test.spec.arch, mapping, &test.diagnostics));
    yaml_test_release(&test);
}

static void test_later_file_replaces_mapping(void **state)
{
    (void)state;
    yaml_test test;
    const char *names[] = {"processed.yaml", "found.yaml"};
    const char *texts[] = {
        "problem:\n"
        "  shape: {dimensions: [R, P], data_spaces: [{name: W, projection: [R]}, {name: O, projection: [P], read_write: true}]}\n"
        "  instance: {R: 3, P: 4}\n"
        "architecture:\n"
        "  subtree:\n"
        "  - name: top\n"
        "    local:\n"
        "    - {name: Buffer, class: regfile, attributes: {depth: 64, width: 8, datawidth: 8}}\n"
        "    - {name: MAC, class: intmac}\n"
        "mapping: []\n",
        "mapping:\n"
        "  mapping:\n"
        "  - {target: Buffer, type: temporal, factors: \"R=3 P=4 # after a '#', P=9 is a comment\",\n"
        "     permutation: PR}\n"};
    yaml_test_init(&test);
    yaml_test_load_texts(&test, 2, names, texts);
    yaml_test_expect_clean(&test);
    assert_true(test.spec.has_mapping);
    assert_int_equal(test.spec.mapping.levels[0].temporal_factors[1], 4);
    assert_int_equal(test.spec.mapping.levels[0].temporal_permutation[0], 1);
    yaml_test_release(&test);

    /* An empty mapping means "none", as in a mapper run. */
    yaml_test_init(&test);
    yaml_test_load_texts(&test, 1, names, texts);
    yaml_test_expect_clean(&test);
    assert_false(test.spec.has_mapping);
    yaml_test_release(&test);
}

static void test_unknown_level(void **state)
{
    (void)state;
    yaml_test test;
    assert_false(load_mapping(&test, "mapping:\n- {target: GlobalBufer, type: temporal, factors: K=32}\n"));
    const ln_diagnostic *error = yaml_test_expect_error(&test, "unknown level 'GlobalBufer'", 2, 12);
    assert_string_equal(error->hint, "did you mean 'GlobalBuffer'? the storage levels are (innermost first): "
                                     "RegisterFile, inter_PE_spatial, GlobalBuffer, MainMemory");
    yaml_test_release(&test);

    assert_false(load_mapping(&test, "mapping:\n- {target: MACC, type: temporal}\n- {target: 7, type: temporal}\n"));
    yaml_test_expect_error(&test, "'MACC' is the compute level; directives target storage levels", 2, 12);
    yaml_test_expect_error(&test, "level index 7 is out of range: the architecture has 4 storage levels", 3, 12);
    yaml_test_release(&test);
}

static void test_unknown_tensor(void **state)
{
    (void)state;
    yaml_test test;
    assert_false(load_mapping(&test, "mapping:\n"
                                     "- target: GlobalBuffer\n"
                                     "  type: bypass\n"
                                     "  bypass: [Weigths]\n"));
    const ln_diagnostic *error = yaml_test_expect_error(&test, "unknown tensor 'Weigths'", 4, 12);
    assert_string_equal(error->hint, "did you mean 'Weights'? the tensors are Weights, Inputs, Outputs");
    yaml_test_release(&test);

    assert_false(load_mapping(&test, "mapping:\n"
                                     "- {target: GlobalBuffer, type: bypass, keep: [Inputs], bypass: [Inputs]}\n"));
    yaml_test_expect_error(&test, "tensor 'Inputs' is both kept and bypassed at GlobalBuffer", 2, 64);
    yaml_test_release(&test);
}

static void test_unknown_dimension(void **state)
{
    (void)state;
    yaml_test test;
    assert_false(load_mapping(&test, "mapping:\n"
                                     "- target: MainMemory\n"
                                     "  type: temporal\n"
                                     "  factors: K=32 X=1\n"));
    const ln_diagnostic *error = yaml_test_expect_error(&test, "unknown dimension 'X' in the factors", 4, 17);
    assert_string_equal(error->hint, "the dimensions are K, R, P");
    yaml_test_release(&test);

    assert_false(load_mapping(&test, "mapping:\n"
                                     "- {target: MainMemory, type: temporal, permutation: \"KQ\"}\n"));
    yaml_test_expect_error(&test, "unknown dimension 'Q' in the permutation", 2, 55);
    yaml_test_release(&test);

    assert_false(load_mapping(&test, "mapping:\n"
                                     "- {target: MainMemory, type: temporal, permutation: [K, R, K]}\n"));
    yaml_test_expect_error(&test, "dimension 'K' appears twice in the permutation", 2, 60);
    yaml_test_release(&test);
}

static void test_product_not_bound(void **state)
{
    (void)state;
    yaml_test test;
    assert_false(load_mapping(&test, "mapping:\n"
                                     "- {target: MainMemory, type: temporal, factors: K=32 R=3}\n"
                                     "- {target: GlobalBuffer, type: temporal, factors: P=2}\n"
                                     "- {target: RegisterFile, type: temporal, factors: P=4}\n"));
    const ln_diagnostic *error = yaml_test_expect_error(
        &test, "the product of the factors of dimension 'P' is 8, not its bound 16", 3, 3);
    assert_string_equal(error->hint, "make the factors of 'P' over all levels multiply to 16 "
                                     "(found: GlobalBuffer temporal 2, RegisterFile temporal 4)");
    assert_false(test.spec.has_mapping);
    yaml_test_release(&test);

    /* With residuals the product is Timeloop's: from the outermost level
     * inward prod = prod * factor + residual - 1, then + 1; here
     * (0 * 3 + 2 - 1) * 5 + 5 - 1 + 1 = 10. */
    assert_false(load_mapping(&test, "mapping:\n"
                                     "- {target: MainMemory, type: temporal, factors: \"K=32 R=3 P=3,2\"}\n"
                                     "- {target: RegisterFile, type: temporal, factors: P=5}\n"));
    yaml_test_expect_error(&test, "the product of the factors of dimension 'P' is 10, not its bound 16", 2, 3);
    yaml_test_release(&test);
}

static void test_spatial_without_fanout(void **state)
{
    (void)state;
    yaml_test test;
    assert_false(load_mapping(&test, "mapping:\n- {target: GlobalBuffer, type: spatial, factors: K=2}\n"));
    const ln_diagnostic *error = yaml_test_expect_error(
        &test, "cannot find a spatial tiling level for storage level GlobalBuffer", 2, 32);
    assert_non_null(strstr(error->hint, "the next-inner level (inter_PE_spatial) has as many instances as GlobalBuffer"));
    yaml_test_release(&test);

    assert_false(load_mapping(&test, "mapping:\n"
                                     "- {target: MainMemory, type: temporal, factors: R=3 P=16}\n"
                                     "- {target: PE, type: spatial, factors: K=32}\n"));
    yaml_test_expect_error(&test, "the spatial loops down to inter_PE_spatial spread RegisterFile over 32 columns (X), but its mesh has 16", 3, 3);
    yaml_test_release(&test);
}

static void test_missing_keys_and_wrong_types(void **state)
{
    (void)state;
    yaml_test test;
    assert_false(load_mapping(&test, "mapping:\n- {target: MainMemory, factors: K=32}\n- type: temporal\n"));
    yaml_test_expect_error(&test, "missing required key 'type' in a mapping directive", 2, 3);
    yaml_test_expect_error(&test, "missing required key 'target' in a mapping directive", 3, 3);
    yaml_test_release(&test);

    assert_false(load_mapping(&test, "mapping:\n  target: MainMemory\n"));
    yaml_test_expect_error(&test, "'mapping' must be a list, not a mapping", 2, 3);
    yaml_test_release(&test);

    assert_false(load_mapping(&test, "mapping:\n- {target: MainMemory, type: temporal, factors: {K: many}}\n"
                                     "- {target: GlobalBuffer, type: temporal, factors: 32}\n"
                                     "- {target: RegisterFile, type: sideways}\n"
                                     "- {target: RegisterFile, type: skew}\n"));
    yaml_test_expect_error(&test, "the factor of 'K' must be an integer, not the text 'many'", 2, 53);
    yaml_test_expect_error(&test, "unexpected '3' in factors '32'", 3, 51);
    yaml_test_expect_error(&test, "unknown mapping directive type 'sideways'", 4, 32);
    yaml_test_expect_error(&test, "skew directives are not supported yet", 5, 32);
    yaml_test_release(&test);

    assert_false(load_mapping(&test, "mapping:\n- {target: MainMemory, type: temporal, factors: K=99999999999}\n"));
    yaml_test_expect_error(&test, "integer overflow: factor 99999999999 is larger than 4294967295", 2, 51);
    yaml_test_release(&test);

    assert_false(load_mapping(&test, "mapping:\n- {target: MainMemory, type: temporal, factors: K<=4}\n"));
    yaml_test_expect_error(&test, "a mapping cannot bound a factor with '<='", 2, 50);
    yaml_test_release(&test);
}

static void test_warnings(void **state)
{
    (void)state;
    yaml_test test;
    assert_true(load_mapping(&test, "mapping:\n"
                                    "- {target: MainMemory, type: temporal, factors: K=0 R=3 P=16, permtation: KRP}\n"
                                    "- {target: MainMemory, type: temporal, factors: K=32 R=3 P=16}\n"));
    yaml_test_expect_at(&test, LN_SEVERITY_WARNING, "factor 0 of 'K' is read as the whole dimension (32)", 2, 49);
    const ln_diagnostic *unknown = yaml_test_expect_at(&test, LN_SEVERITY_WARNING,
                                                       "unknown key 'permtation' in a mapping directive", 2, 63);
    assert_string_equal(unknown->hint, "did you mean 'permutation'?");
    yaml_test_expect_at(&test, LN_SEVERITY_WARNING, "a second temporal directive for MainMemory replaces the first", 3, 3);
    assert_int_equal(test.diagnostics.error_count, 0);
    yaml_test_release(&test);

    assert_false(load_mapping(&test, "mapping:\n- {target: MainMemory, type: temporal, factors: \"K=32 R=3 P=4,5\"}\n"));
    yaml_test_expect_error(&test, "residual 5 of 'P' is not between 1 and its factor 4", 2, 59);
    yaml_test_release(&test);

    assert_false(load_mapping(&test, "mapping:\n"
                                     "- {target: MainMemory, type: temporal, factors: K=32 R=3 P=16}\n"
                                     "- {target: MainMemory, type: bypass, bypass: [Outputs]}\n"));
    yaml_test_expect_error(&test, "tensor 'Outputs' is bypassed at the outermost level MainMemory", 3, 3);
    yaml_test_release(&test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_spelling),
        cmocka_unit_test(test_later_file_replaces_mapping),
        cmocka_unit_test(test_unknown_level),
        cmocka_unit_test(test_unknown_tensor),
        cmocka_unit_test(test_unknown_dimension),
        cmocka_unit_test(test_product_not_bound),
        cmocka_unit_test(test_spatial_without_fanout),
        cmocka_unit_test(test_missing_keys_and_wrong_types),
        cmocka_unit_test(test_warnings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
