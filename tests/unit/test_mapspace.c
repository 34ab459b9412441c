/* The mapspace: Timeloop's sub-space sizes and order, the pruning of
 * equivalent orders (checked against Timeloop's whole unpruned space), the
 * cheap checks against the engine, and every constraint error. */
#include "permutation_test_support.h"
#include "yaml_test_support.h"

#include "ir/mapping_validate.h"
#include "runtime/engine.h"
#include "runtime/mapspace.h"

static const char *const conv1d_problem =
    "problem:\n"
    "  shape:\n"
    "    name: Conv1D_OC\n"
    "    dimensions: [K, R, P]\n"
    "    data_spaces:\n"
    "    - {name: Weights, projection: [[[K]], [[R]]]}\n"
    "    - {name: Inputs, projection: [[[R], [P]]]}\n"
    "    - {name: Outputs, projection: [[[K]], [[P]]], read_write: true}\n"
    "  instance: {K: 32, R: 3, P: 16}\n";

/* Exercise 05's three temporal levels. */
static const char *const three_levels =
    "architecture:\n"
    "  version: 0.3\n"
    "  subtree:\n"
    "  - name: System\n"
    "    local:\n"
    "    - {name: MainMemory, class: DRAM, attributes: {width: 256, datawidth: 8}}\n"
    "    - {name: GlobalBuffer, class: SRAM, attributes: {depth: 32768, width: 64, datawidth: 8}}\n"
    "    subtree:\n"
    "    - name: PE\n"
    "      local:\n"
    "      - {name: RegisterFile, class: regfile, attributes: {depth: 64, width: 8, datawidth: 8}}\n"
    "      - {name: MACC, class: intmac, attributes: {datawidth: 8}}\n";

/* A buffer above a 2 x 2 mesh of register files. */
static const char *const two_by_two =
    "architecture:\n"
    "  version: 0.3\n"
    "  subtree:\n"
    "  - name: System\n"
    "    local:\n"
    "    - {name: MainMemory, class: DRAM, attributes: {width: 64, datawidth: 8}}\n"
    "    - {name: Buffer, class: SRAM, attributes: {depth: 96, width: 8, datawidth: 8}}\n"
    "    subtree:\n"
    "    - name: PE[0..3]\n"
    "      attributes: {meshX: 2}\n"
    "      local:\n"
    "      - {name: RF, class: regfile, attributes: {depth: 12, width: 8, datawidth: 8}}\n"
    "      - {name: MACC, class: intmac, attributes: {datawidth: 8}}\n";

static const char *const small_problem =
    "problem:\n"
    "  shape:\n"
    "    name: Small\n"
    "    dimensions: [K, R, P]\n"
    "    data_spaces:\n"
    "    - {name: Weights, projection: [[[K]], [[R]]]}\n"
    "    - {name: Inputs, projection: [[[R], [P]]]}\n"
    "    - {name: Outputs, projection: [[[K]], [[P]]], read_write: true}\n"
    "  instance: {K: 4, R: 3, P: 4}\n";

typedef struct mapspace_test {
    yaml_test yaml;
    ln_mapspace *mapspace;
} mapspace_test;

/* Loads the texts and builds the mapspace (NULL when that fails). */
static ln_mapspace *build(mapspace_test *test, const char *problem, const char *arch, const char *constraints)
{
    yaml_test_init(&test->yaml);
    const char *names[] = {"problem.yaml", "arch.yaml", "constraints.yaml"};
    const char *texts[] = {problem, arch, constraints};
    if (!yaml_test_load_texts(&test->yaml, constraints ? 3 : 2, names, texts)) {
        yaml_test_dump(&test->yaml);
        fail_msg("the inputs do not load");
    }
    test->mapspace = ln_mapspace_create(&test->yaml.spec, &test->yaml.diagnostics);
    return test->mapspace;
}

static void release(mapspace_test *test)
{
    ln_mapspace_destroy(test->mapspace);
    yaml_test_release(&test->yaml);
}

/* The error `text` was reported at constraints.yaml:`line`. */
static void expect_error(mapspace_test *test, const char *text, uint32_t line)
{
    assert_null(test->mapspace);
    const ln_diagnostic *error = yaml_test_find(&test->yaml, LN_SEVERITY_ERROR, text);
    if (!error) {
        yaml_test_dump(&test->yaml);
        fail_msg("no error containing \"%s\"", text);
    }
    assert_non_null(error->location.file);
    assert_non_null(strstr(error->location.file, "constraints.yaml"));
    assert_int_equal(error->location.line, line);
    assert_non_null(error->hint);
}

/* ------------------------------------------------------------------ */
/* Sizes and order                                                      */
/* ------------------------------------------------------------------ */

static void test_exercise_05_sizes_are_timeloops(void **state)
{
    (void)state;
    mapspace_test test;
    assert_non_null(build(&test, conv1d_problem, three_levels, NULL));
    /* K=32 over 3 levels: C(7,2) = 21 ways; R=3: 3; P=16: C(6,2) = 15. */
    assert_true(ln_mapspace_subspace_size(test.mapspace, LN_SUBSPACE_FACTORIZATION) == 945);
    /* The innermost level's order is fixed; 3! at each of the others. */
    assert_true(ln_mapspace_subspace_size(test.mapspace, LN_SUBSPACE_PERMUTATION) == 36);
    assert_true(ln_mapspace_subspace_size(test.mapspace, LN_SUBSPACE_SPATIAL_SPLIT) == 1);
    /* 3 tensors free at 2 levels (the outermost keeps everything). */
    assert_true(ln_mapspace_subspace_size(test.mapspace, LN_SUBSPACE_BYPASS) == 64);
    ln_count size;
    assert_true(ln_mapspace_size(test.mapspace, &size));
    assert_true(size == 2177280);
    release(&test);
}

/* Timeloop's Factors lists a dimension's factorizations trying divisors
 * 1, n, 2, n/2, ... at the outermost level first. */
static void test_factorizations_in_timeloop_order(void **state)
{
    (void)state;
    mapspace_test test;
    assert_non_null(build(&test, conv1d_problem, three_levels,
                          "mapspace_constraints:\n"
                          "  targets:\n"
                          "  - {target: RegisterFile, type: temporal, factors: R=3 P=16}\n"
                          "  - {target: GlobalBuffer, type: temporal, factors: R=1 P=1 K<=4}\n"));
    /* K=32 over (RegisterFile, GlobalBuffer <= 4, MainMemory). */
    /* Divisors of 32 in Timeloop's order: 1, 32, 2, 16, 4, 8. */
    static const uint32_t expected[][3] = {
        {32, 1, 1}, {16, 2, 1}, {8, 4, 1}, {1, 1, 32}, {16, 1, 2}, {8, 2, 2}, {4, 4, 2}, {2, 1, 16},
        {1, 2, 16}, {8, 1, 4}, {4, 2, 4}, {2, 4, 4}, {4, 1, 8}, {2, 2, 8}, {1, 4, 8},
    };
    size_t count = sizeof expected / sizeof expected[0];
    assert_true(ln_mapspace_subspace_size(test.mapspace, LN_SUBSPACE_FACTORIZATION) == count);
    ln_tiling tiling;
    for (size_t i = 0; i < count; i++) {
        ln_mapspace_enter(test.mapspace, i, &tiling);
        for (uint32_t level = 0; level < 3; level++)
            assert_int_equal(tiling.factors[level][0], expected[i][level]);
        assert_int_equal(tiling.factors[0][1], 3);
        assert_int_equal(tiling.factors[0][2], 16);
    }
    release(&test);
}

/* ------------------------------------------------------------------ */
/* Distinct mappings                                                    */
/* ------------------------------------------------------------------ */

/* What a mapping does, whatever order its unit loops are written in: per
 * tiling level the non-trivial loops in order, each with its axis, then the
 * keep masks. */
typedef struct effective_key {
    uint8_t text[LN_MAX_TILING_LEVELS * LN_MAX_DIMENSIONS * 3 + LN_MAX_STORAGE_LEVELS];
    size_t length;
} effective_key;

static void key_of(const ln_mapspace *mapspace, const ln_mapspace_point *point, uint32_t dimensions,
                   uint32_t storage_levels, effective_key *key)
{
    key->length = 0;
    for (uint32_t t = 0; t < ln_mapspace_tiling_levels(mapspace); t++) {
        for (uint32_t i = 0; i < dimensions; i++) {
            uint8_t d = point->order[t][i];
            if (point->factors[t][d] == 1)
                continue;
            key->text[key->length++] = (uint8_t)t;
            key->text[key->length++] = (uint8_t)(d * 16 + point->factors[t][d]);
            key->text[key->length++] = ln_mapspace_tiling_is_spatial(mapspace, t) && i >= point->split[t];
        }
        key->text[key->length++] = 0xff;
    }
    for (uint32_t level = 0; level < storage_levels; level++)
        key->text[key->length++] = point->keep[level];
}

typedef struct key_set {
    effective_key *items;
    uint8_t *used;
    size_t count, capacity;
} key_set;

static uint64_t key_hash(const effective_key *key)
{
    uint64_t hash = 1469598103934665603ull;
    for (size_t i = 0; i < key->length; i++)
        hash = (hash ^ key->text[i]) * 1099511628211ull;
    return hash;
}

static bool key_equal(const effective_key *a, const effective_key *b)
{
    return a->length == b->length && memcmp(a->text, b->text, a->length) == 0;
}

static bool key_set_has(const key_set *set, const effective_key *key)
{
    if (!set->capacity)
        return false;
    for (size_t slot = key_hash(key) & (set->capacity - 1); set->used[slot]; slot = (slot + 1) & (set->capacity - 1))
        if (key_equal(&set->items[slot], key))
            return true;
    return false;
}

static void key_set_add(key_set *set, const effective_key *key)
{
    if (2 * (set->count + 1) > set->capacity) {
        key_set grown = {NULL, NULL, 0, set->capacity ? 2 * set->capacity : 1024};
        grown.items = calloc(grown.capacity, sizeof *grown.items);
        grown.used = calloc(grown.capacity, 1);
        assert_non_null(grown.items);
        assert_non_null(grown.used);
        for (size_t i = 0; i < set->capacity; i++)
            if (set->used[i])
                key_set_add(&grown, &set->items[i]);
        free(set->items);
        free(set->used);
        *set = grown;
    }
    size_t slot = key_hash(key) & (set->capacity - 1);
    while (set->used[slot])
        slot = (slot + 1) & (set->capacity - 1);
    set->used[slot] = 1;
    set->items[slot] = *key;
    set->count++;
}

static void key_set_release(key_set *set)
{
    free(set->items);
    free(set->used);
}

/* Every mapping of the pruned space is distinct, valid for the model, and
 * together they are exactly the distinct mappings of Timeloop's whole space
 * (every order of every level, every split) that fit the fan-outs. */
static void test_pruned_space_is_the_distinct_mappings(void **state)
{
    (void)state;
    mapspace_test test;
    assert_non_null(build(&test, small_problem, two_by_two,
                          "mapspace_constraints:\n"
                          "  targets:\n"
                          "  - {target: MainMemory, type: temporal, permutation: K}\n"
                          "  - {target: Buffer, type: bypass, keep: [Outputs]}\n"
                          "  - {target: RF, type: bypass, keep: [Weights], bypass: [Outputs]}\n"));
    const ln_mapspace *mapspace = test.mapspace;
    const ln_spec *spec = &test.yaml.spec;
    uint32_t dimensions = spec->problem.dimension_count, storage = spec->arch.storage_count;
    uint32_t levels = ln_mapspace_tiling_levels(mapspace);
    ln_count factorizations = ln_mapspace_subspace_size(mapspace, LN_SUBSPACE_FACTORIZATION);
    ln_count bypasses = ln_mapspace_bypass_choices(mapspace);
    key_set pruned = {0}, whole = {0};
    static ln_tiling tiling;
    static ln_mapspace_point point;
    static ln_mapping mapping;
    ln_candidate_rejection rejection;
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    for (ln_count f = 0; f < factorizations; f++) {
        ln_mapspace_enter(mapspace, f, &tiling);
        for (ln_count p = 0; p < tiling.permutations; p++)
            for (ln_count s = 0; s < tiling.splits; s++)
                for (ln_count b = 0; b < bypasses; b++) {
                    ln_mapspace_point_of(mapspace, &tiling, p, s, b, &point);
                    ln_candidate_status status = ln_mapspace_check(mapspace, &tiling, &point, &rejection);
                    if (status == LN_CANDIDATE_CONSTRUCTION_FAILED)
                        continue;
                    effective_key key;
                    key_of(mapspace, &point, dimensions, storage, &key);
                    assert_false(key_set_has(&pruned, &key));
                    key_set_add(&pruned, &key);
                    ln_mapspace_write_mapping(mapspace, &point, &mapping);
                    assert_true(ln_mapping_validate(&spec->problem, &spec->arch, &mapping, &diagnostics));
                }
        /* Timeloop's whole space of this factorization: every order of
         * the levels whose order is free (the Buffer's fan-out, 2-D; the
         * Buffer; MainMemory with K innermost; the register file's, the
         * innermost temporal level, is fixed), every split, every
         * keep/bypass choice. */
        assert_int_equal(levels, 4);
        assert_true(ln_mapspace_tiling_is_spatial(mapspace, 1));
        uint8_t orders[LN_MAX_TILING_LEVELS][LN_MAX_DIMENSIONS];
        for (uint32_t t = 0; t < levels; t++)
            for (uint32_t d = 0; d < dimensions; d++)
                orders[t][d] = (uint8_t)d;
        do {
            do {
                do {
                    if (orders[3][0] != 0) /* K innermost at MainMemory */
                        continue;
                    for (uint32_t split = 0; split <= dimensions; split++)
                        for (ln_count b = 0; b < bypasses; b++) {
                            ln_mapspace_point_of(mapspace, &tiling, 0, 0, b, &point);
                            for (uint32_t t = 1; t < 4; t++)
                                memcpy(point.order[t], orders[t], dimensions);
                            point.split[1] = (uint8_t)split;
                            if (ln_mapspace_check(mapspace, &tiling, &point, &rejection) ==
                                LN_CANDIDATE_CONSTRUCTION_FAILED)
                                continue;
                            effective_key key;
                            key_of(mapspace, &point, dimensions, storage, &key);
                            if (!key_set_has(&whole, &key))
                                key_set_add(&whole, &key);
                        }
                } while (next_permutation(orders[3], dimensions));
            } while (next_permutation(orders[2], dimensions));
        } while (next_permutation(orders[1], dimensions));
    }
    assert_true(pruned.count > 100);
    assert_int_equal(pruned.count, whole.count);
    for (size_t i = 0; i < whole.capacity; i++)
        if (whole.used[i])
            assert_true(key_set_has(&pruned, &whole.items[i]));
    key_set_release(&pruned);
    key_set_release(&whole);
    ln_diagnostics_release(&diagnostics);
    release(&test);
}

/* The cheap capacity check agrees with the model: it refuses a candidate
 * exactly when the model would refuse it for capacity. */
static void test_capacity_check_agrees_with_the_engine(void **state)
{
    (void)state;
    mapspace_test test;
    assert_non_null(build(&test, small_problem, two_by_two, NULL));
    const ln_mapspace *mapspace = test.mapspace;
    ln_engine *engine = ln_engine_create(&test.yaml.spec, &test.yaml.diagnostics);
    assert_non_null(engine);
    void *scratch = calloc(1, ln_engine_scratch_size(engine));
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    static ln_tiling tiling;
    static ln_mapspace_point point;
    static ln_mapping mapping;
    ln_count factorizations = ln_mapspace_subspace_size(mapspace, LN_SUBSPACE_FACTORIZATION);
    ln_count bypasses = ln_mapspace_bypass_choices(mapspace);
    uint64_t refused = 0, accepted = 0;
    for (ln_count f = 0; f < factorizations; f++) {
        ln_mapspace_enter(mapspace, f, &tiling);
        if (tiling.infeasible != LN_REJECTION_REASON_COUNT)
            continue;
        for (ln_count b = 0; b < bypasses; b++) {
            ln_candidate_rejection rejection;
            ln_mapspace_point_of(mapspace, &tiling, 0, tiling.splits - 1, b, &point);
            ln_candidate_status status = ln_mapspace_check(mapspace, &tiling, &point, &rejection);
            if (status == LN_CANDIDATE_CONSTRUCTION_FAILED)
                continue;
            ln_mapspace_write_mapping(mapspace, &point, &mapping);
            ln_evaluation_status model = ln_engine_evaluate(engine, &mapping, scratch, evaluation);
            if (status == LN_CANDIDATE_CHECK_FAILED && rejection.reason == LN_REJECTED_CAPACITY) {
                assert_int_equal(model, LN_EVALUATION_CAPACITY);
                assert_int_equal(evaluation->failures[0].level, rejection.level);
                refused++;
            } else {
                assert_int_not_equal(model, LN_EVALUATION_CAPACITY);
                accepted++;
            }
        }
    }
    assert_true(refused > 10 && accepted > 10);
    free(evaluation);
    free(scratch);
    ln_engine_destroy(engine);
    release(&test);
}

/* ------------------------------------------------------------------ */
/* Constraint errors                                                    */
/* ------------------------------------------------------------------ */

static void test_factor_that_does_not_divide(void **state)
{
    (void)state;
    mapspace_test test;
    build(&test, conv1d_problem, three_levels,
          "mapspace_constraints:\n"
          "  targets:\n"
          "  - {target: GlobalBuffer, type: temporal, factors: P=7}\n");
    expect_error(&test, "constraint P=7 (temporal GlobalBuffer) cannot be met: 7 does not divide P's bound 16", 3);
    release(&test);
}

static void test_minimum_factor_too_large(void **state)
{
    (void)state;
    mapspace_test test;
    build(&test, conv1d_problem, three_levels,
          "mapspace_constraints:\n"
          "  targets:\n"
          "  - {target: GlobalBuffer, type: temporal, factors: R>=4}\n");
    expect_error(&test, "constraint R>=4 (temporal GlobalBuffer) cannot be met: no divisor of R's bound 3", 3);
    release(&test);
}

/* Each constraint can be met alone; together they cannot, and the message
 * names the two that conflict, not the third. */
static void test_smallest_conflicting_set(void **state)
{
    (void)state;
    mapspace_test test;
    build(&test, conv1d_problem, three_levels,
          "mapspace_constraints:\n"
          "  targets:\n"
          "  - {target: RegisterFile, type: temporal, factors: K>=8 P<=4}\n"
          "  - {target: GlobalBuffer, type: temporal, factors: K=8}\n"
          "  - {target: MainMemory, type: temporal, factors: R=1}\n");
    expect_error(&test,
                 "these constraints leave no factorization of K (bound 32): K>=8 (temporal RegisterFile), "
                 "K=8 (temporal GlobalBuffer)",
                 3);
    const ln_diagnostic *part = yaml_test_find(&test.yaml, LN_SEVERITY_NOTE, "part of the conflict");
    assert_non_null(part);
    assert_int_equal(part->location.line, 4);
    assert_null(yaml_test_find(&test.yaml, LN_SEVERITY_ERROR, "R=1"));
    release(&test);
}

static void test_factor_fixed_twice(void **state)
{
    (void)state;
    mapspace_test test;
    build(&test, conv1d_problem, three_levels,
          "architecture_constraints:\n"
          "  targets:\n"
          "  - {target: GlobalBuffer, type: temporal, factors: K=4}\n"
          "mapspace_constraints:\n"
          "  targets:\n"
          "  - {target: GlobalBuffer, type: temporal, factors: K=2}\n");
    expect_error(&test, "K is fixed to 2 for the temporal loops of GlobalBuffer here, but to 4 by another constraint",
                 6);
    release(&test);
}

static void test_two_orders(void **state)
{
    (void)state;
    mapspace_test test;
    build(&test, conv1d_problem, three_levels,
          "architecture_constraints:\n"
          "  targets:\n"
          "  - {target: GlobalBuffer, type: temporal, permutation: KP}\n"
          "mapspace_constraints:\n"
          "  targets:\n"
          "  - {target: GlobalBuffer, type: temporal, permutation: PK}\n");
    expect_error(&test, "a second, different loop order for the temporal loops of GlobalBuffer", 6);
    release(&test);
}

static void test_two_splits(void **state)
{
    (void)state;
    mapspace_test test;
    build(&test, small_problem, two_by_two,
          "architecture_constraints:\n"
          "  targets:\n"
          "  - {target: Buffer, type: spatial, split: 1}\n"
          "mapspace_constraints:\n"
          "  targets:\n"
          "  - {target: Buffer, type: spatial, split: 2}\n");
    expect_error(&test, "split 2 here, but 1 by another constraint on Buffer", 6);
    release(&test);
}

static void test_kept_and_bypassed(void **state)
{
    (void)state;
    mapspace_test test;
    build(&test, conv1d_problem, three_levels,
          "architecture_constraints:\n"
          "  targets:\n"
          "  - {target: GlobalBuffer, type: bypass, keep: [Inputs]}\n"
          "mapspace_constraints:\n"
          "  targets:\n"
          "  - {target: GlobalBuffer, type: bypass, bypass: [Inputs]}\n");
    expect_error(&test, "Inputs is bypassed at GlobalBuffer here, but kept by another constraint", 6);
    release(&test);
}

static void test_bypass_at_outermost_level(void **state)
{
    (void)state;
    mapspace_test test;
    build(&test, conv1d_problem, three_levels,
          "mapspace_constraints:\n"
          "  targets:\n"
          "  - {target: MainMemory, type: bypass, bypass: [Weights]}\n");
    expect_error(&test, "Weights cannot be bypassed at MainMemory, the outermost level", 3);
    release(&test);
}

static void test_spatial_factors_beyond_fanout(void **state)
{
    (void)state;
    mapspace_test test;
    build(&test, small_problem, two_by_two,
          "mapspace_constraints:\n"
          "  targets:\n"
          "  - {target: Buffer, type: spatial, factors: K=4 R=3}\n");
    expect_error(&test, "spatial factors K=4, R=3 at Buffer need at least 12 instances, more than the fan-out's 4",
                 3);
    release(&test);
}

static void test_utilization_out_of_range(void **state)
{
    (void)state;
    mapspace_test test;
    build(&test, conv1d_problem, three_levels,
          "mapspace_constraints:\n"
          "  targets:\n"
          "  - {target: RegisterFile, type: utilization, min: 1.5}\n");
    expect_error(&test, "minimum utilization 1.5 cannot be met", 3);
    release(&test);
}

static void test_overbooking_out_of_range(void **state)
{
    (void)state;
    mapspace_test test;
    build(&test, conv1d_problem, three_levels,
          "mapspace_constraints:\n"
          "  targets:\n"
          "  - {target: GlobalBuffer, type: max_overbooked_proportion, proportion: 1.5}\n");
    expect_error(&test, "max_overbooked_proportion 1.5 is out of range", 3);
    release(&test);
}

static void test_mapspace_too_large(void **state)
{
    (void)state;
    mapspace_test test;
    /* 16 dimensions of bound 2^20 over 3 levels: 231^16 factorizations. */
    char problem[4096];
    size_t used = (size_t)snprintf(problem, sizeof problem,
                                   "problem:\n  shape:\n    name: Big\n    dimensions: [A, B, C, D, E, F, G, H, I, J, "
                                   "K, L, M, N, O, Q]\n    data_spaces:\n"
                                   "    - {name: In, projection: [[[A]], [[B]]]}\n"
                                   "    - {name: Out, projection: [[[C]]], read_write: true}\n  instance: {");
    for (int d = 0; d < 16; d++)
        used += (size_t)snprintf(problem + used, sizeof problem - used, "%s%c: 1048576", d ? ", " : "",
                                 "ABCDEFGHIJKLMNOQ"[d]);
    snprintf(problem + used, sizeof problem - used, "}\n");
    yaml_test_init(&test.yaml);
    const char *names[] = {"problem.yaml", "arch.yaml"};
    const char *texts[] = {problem, three_levels};
    assert_true(yaml_test_load_texts(&test.yaml, 2, names, texts));
    test.mapspace = ln_mapspace_create(&test.yaml.spec, &test.yaml.diagnostics);
    assert_null(test.mapspace);
    assert_non_null(yaml_test_find(&test.yaml, LN_SEVERITY_ERROR, "more than 2^128"));
    release(&test);
}

/* 8 tensors free at 16 levels: 128 keep/bypass bits, more than an id holds. */
static void test_too_many_bypass_choices(void **state)
{
    (void)state;
    mapspace_test test;
    char problem[2048], arch[8192];
    size_t used = (size_t)snprintf(problem, sizeof problem,
                                   "problem:\n  shape:\n    name: Wide\n    dimensions: [A]\n    data_spaces:\n");
    for (int t = 0; t < 8; t++)
        used += (size_t)snprintf(problem + used, sizeof problem - used, "    - {name: T%d, projection: [[[A]]]%s}\n",
                                 t, t == 7 ? ", read_write: true" : "");
    snprintf(problem + used, sizeof problem - used, "  instance: {A: 2}\n");
    used = (size_t)snprintf(arch, sizeof arch, "architecture:\n  version: 0.3\n  subtree:\n  - name: System\n    local:\n");
    for (int level = 0; level < 17; level++)
        used += (size_t)snprintf(arch + used, sizeof arch - used,
                                 "    - {name: L%d, class: SRAM, attributes: {depth: 64, width: 8, datawidth: 8}}\n",
                                 level);
    snprintf(arch + used, sizeof arch - used, "    - {name: MACC, class: intmac, attributes: {datawidth: 8}}\n");
    yaml_test_init(&test.yaml);
    const char *names[] = {"problem.yaml", "arch.yaml"};
    const char *texts[] = {problem, arch};
    assert_true(yaml_test_load_texts(&test.yaml, 2, names, texts));
    test.mapspace = ln_mapspace_create(&test.yaml.spec, &test.yaml.diagnostics);
    assert_null(test.mapspace);
    const ln_diagnostic *error =
        yaml_test_find(&test.yaml, LN_SEVERITY_ERROR, "128 keep/bypass choices are free, more than the mapper can index");
    assert_non_null(error);
    assert_non_null(error->hint);
    release(&test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exercise_05_sizes_are_timeloops),
        cmocka_unit_test(test_factorizations_in_timeloop_order),
        cmocka_unit_test(test_pruned_space_is_the_distinct_mappings),
        cmocka_unit_test(test_capacity_check_agrees_with_the_engine),
        cmocka_unit_test(test_factor_that_does_not_divide),
        cmocka_unit_test(test_minimum_factor_too_large),
        cmocka_unit_test(test_smallest_conflicting_set),
        cmocka_unit_test(test_factor_fixed_twice),
        cmocka_unit_test(test_two_orders),
        cmocka_unit_test(test_two_splits),
        cmocka_unit_test(test_kept_and_bypassed),
        cmocka_unit_test(test_bypass_at_outermost_level),
        cmocka_unit_test(test_spatial_factors_beyond_fanout),
        cmocka_unit_test(test_utilization_out_of_range),
        cmocka_unit_test(test_overbooking_out_of_range),
        cmocka_unit_test(test_mapspace_too_large),
        cmocka_unit_test(test_too_many_bypass_choices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
