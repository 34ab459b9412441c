/* Mapspace constraints: the list spellings, factor bounds, partial
 * permutations, and their diagnostics. */
#include "yaml_test_support.h"

#define DATA LN_TEST_DATA_DIR "/yaml"

enum { REGISTER_FILE, PE_FANOUT, GLOBAL_BUFFER, MAIN_MEMORY };
enum { K, R, P };

static bool load_constraints(yaml_test *test, const char *text)
{
    ln_yaml_document documents[3];
    yaml_test_init(test);
    if (!ln_yaml_parse_file(&test->spec.arena, &test->diagnostics, DATA "/conv1d_problem.yaml",
                            &documents[0]) ||
        !ln_yaml_parse_file(&test->spec.arena, &test->diagnostics, DATA "/three_level_arch.yaml",
                            &documents[1]) ||
        !ln_yaml_parse(&test->spec.arena, &test->diagnostics, "constraints.yaml", text, strlen(text),
                       &documents[2])) {
        test->ok = false;
        return false;
    }
    test->ok = ln_yaml_import_documents(&test->spec, &test->diagnostics, documents, 3);
    return test->ok;
}

/* The constraints written in constraints.yaml, after those the nodes-form
 * architecture contributes. */
static const ln_constraint *written(const yaml_test *test, uint32_t index)
{
    uint32_t first = 0;
    while (first < test->spec.constraints.count &&
           strcmp(test->spec.constraints.items[first].location.file, "constraints.yaml") != 0)
        first++;
    assert_true(first + index < test->spec.constraints.count);
    return &test->spec.constraints.items[first + index];
}

static void test_constraint_spellings(void **state)
{
    (void)state;
    yaml_test test;
    assert_true(load_constraints(&test,
                                 "mapspace_constraints:\n"
                                 "  version: 0.4\n"
                                 "  targets:\n"
                                 "  - target: MainMemory\n"
                                 "    type: temporal\n"
                                 "    factors: K=16 R<=3 P>=2\n"
                                 "    permutation: R_PK\n"
                                 "    no_reuse: [Weights]\n"
                                 "    remainders: 2\n"
                                 "  - name: GlobalBuffer\n"
                                 "    type: temporal\n"
                                 "    default_max_factor: 4\n"
                                 "    attributes: {factors: [K=0, P=99], permutation: [P, K]}\n"
                                 "  - target: PE\n"
                                 "    constraints:\n"
                                 "    - {type: spatial, factors: R=1 P=1, split: 9, no_link_transfer: [Outputs]}\n"
                                 "    - {type: dataspace, keep: [Outputs], bypass: [Weights, Inputs]}\n"
                                 "  - {target: RegisterFile, type: utilization, min: 0.5}\n"
                                 "  - {target: 3, type: max_overbooked_proportion, proportion: 0.25}\n"));
    assert_int_equal(test.diagnostics.error_count, 0);
    /* Factor 0 means the whole dimension; a factor beyond the bound is
     * dropped with a warning, as Timeloop does. */
    yaml_test_expect_at(&test, LN_SEVERITY_WARNING, "factor 0 of 'K' is read as the whole dimension (32)", 13, 28);
    yaml_test_expect_at(&test, LN_SEVERITY_WARNING, "constraint P=99 exceeds the dimension's bound 16; it is ignored", 13, 33);

    const ln_constraint *memory = written(&test, 0);
    assert_int_equal(memory->kind, LN_CONSTRAINT_TEMPORAL);
    assert_false(memory->from_architecture);
    assert_int_equal(memory->level, MAIN_MEMORY);
    assert_string_equal(memory->target_name, "MainMemory");
    assert_int_equal(memory->factor_relation[K], LN_FACTOR_EQUAL);
    assert_int_equal(memory->factors[K], 16);
    assert_int_equal(memory->factor_relation[R], LN_FACTOR_AT_MOST);
    assert_int_equal(memory->max_factors[R], 3);
    assert_int_equal(memory->factor_relation[P], LN_FACTOR_AT_LEAST);
    assert_int_equal(memory->min_factors[P], 2);
    assert_int_equal(memory->permutation_count, 1);
    assert_int_equal(memory->permutation[0], R);
    assert_int_equal(memory->permutation_suffix_count, 2);
    assert_int_equal(memory->permutation_suffix[0], P);
    assert_true(memory->no_temporal_reuse_specified);
    assert_int_equal(memory->no_temporal_reuse, 1);
    assert_true(memory->remainders_specified);
    assert_int_equal(memory->max_remainders, 2);
    assert_int_equal(memory->location.line, 4);

    const ln_constraint *global = written(&test, 1);
    assert_int_equal(global->level, GLOBAL_BUFFER);
    assert_int_equal(global->factors[K], 32);
    assert_int_equal(global->factor_relation[P], LN_FACTOR_AT_MOST);
    assert_int_equal(global->max_factors[P], 4);
    assert_int_equal(global->max_factors[R], 4);
    assert_int_equal(global->permutation_count, 2);

    const ln_constraint *spatial = written(&test, 2);
    assert_int_equal(spatial->kind, LN_CONSTRAINT_SPATIAL);
    assert_int_equal(spatial->level, PE_FANOUT);
    assert_true(spatial->split_specified);
    assert_int_equal(spatial->split, 3);
    assert_int_equal(spatial->no_link_transfer, 4);
    const ln_constraint *dataspace = written(&test, 3);
    assert_int_equal(dataspace->kind, LN_CONSTRAINT_DATASPACE);
    assert_int_equal(dataspace->keep, 4);
    assert_int_equal(dataspace->bypass, 3);
    const ln_constraint *utilization = written(&test, 4);
    assert_int_equal(utilization->kind, LN_CONSTRAINT_UTILIZATION);
    assert_true(utilization->min_utilization == 0.5);
    const ln_constraint *overbooking = written(&test, 5);
    assert_int_equal(overbooking->kind, LN_CONSTRAINT_MAX_OVERBOOKED_PROPORTION);
    assert_int_equal(overbooking->level, MAIN_MEMORY);
    assert_true(overbooking->max_overbooked_proportion == 0.25);
    yaml_test_release(&test);
}

static void test_section_forms(void **state)
{
    (void)state;
    yaml_test test;
    assert_true(load_constraints(&test, "architecture_constraints:\n"
                                        "- {target: GlobalBuffer, type: bypass, bypass: [Weights]}\n"
                                        "mapspace:\n"
                                        "  template: ruby\n"
                                        "  constraints:\n"
                                        "  - {target: RegisterFile, type: temporal, factors: R=3}\n"));
    yaml_test_expect_clean(&test);
    const ln_constraint *architecture = written(&test, 0);
    assert_true(architecture->from_architecture);
    assert_int_equal(architecture->bypass, 1);
    const ln_constraint *mapspace = written(&test, 1);
    assert_false(mapspace->from_architecture);
    assert_int_equal(mapspace->factors[R], 3);
    assert_string_equal(test.spec.mapper.mapspace_template, "ruby");
    yaml_test_release(&test);
}

static void test_constraint_errors(void **state)
{
    (void)state;
    yaml_test test;
    assert_false(load_constraints(&test, "mapspace_constraints:\n"
                                         "- {target: GlobalBuffer, type: sideways}\n"
                                         "- {target: GlobalBuffer, type: spatial, factors: K=2}\n"
                                         "- {target: GlobalBuffer, type: utilization, min: 1}\n"
                                         "- {target: GlobalBuffer}\n"
                                         "- {type: temporal}\n"
                                         "- {target: GlobalBufer, type: temporal}\n"
                                         "- {target: RegisterFile, type: dataspace, keep: [Outputs], bypass: [Outputs, Wieghts]}\n"
                                         "- {target: RegisterFile, type: temporal, factors: K<=0}\n"
                                         "- {target: RegisterFile, type: max_overbooked_proportion}\n"));
    const ln_diagnostic *error = yaml_test_expect_error(&test, "unknown constraint type 'sideways'", 2, 32);
    assert_non_null(strstr(error->hint, "temporal, spatial"));
    yaml_test_expect_error(&test, "spatial constraint on GlobalBuffer, which has no spatial fan-out", 3, 3);
    yaml_test_expect_error(&test, "a utilization constraint must target the innermost storage level (RegisterFile), not GlobalBuffer", 4, 3);
    yaml_test_expect_error(&test, "missing required key 'type' in a constraint", 5, 3);
    yaml_test_expect_error(&test, "missing required key 'target' in a constraint", 6, 3);
    yaml_test_expect_error(&test, "unknown level 'GlobalBufer'", 7, 12);
    yaml_test_expect_error(&test, "unknown tensor 'Wieghts'", 8, 78);
    yaml_test_expect_error(&test, "a factor bound must be positive", 9, 51);
    yaml_test_expect_error(&test, "missing required key 'proportion' in a max_overbooked_proportion constraint", 10, 3);
    yaml_test_release(&test);

    assert_false(load_constraints(&test, "mapspace_constraints:\n"
                                         "- {target: RegisterFile, type: dataspace, keep: [Outputs], bypass: [Outputs]}\n"
                                         "- {target: RegisterFile, type: temporal, factors: R=3, permutation: R_R}\n"
                                         "architecture_constraints: {targets: 3}\n"));
    yaml_test_expect_error(&test, "tensor 'Outputs' is both kept and bypassed at RegisterFile", 2, 68);
    yaml_test_expect_error(&test, "dimension 'R' appears twice in the permutation", 3, 71);
    yaml_test_expect_error(&test, "the constraint list must be a list, not the number 3", 4, 37);
    yaml_test_release(&test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constraint_spellings),
        cmocka_unit_test(test_section_forms),
        cmocka_unit_test(test_constraint_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
