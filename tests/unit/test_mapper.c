/* The mapper: exhaustive search against brute force, the same answer for
 * any thread count and on every run, the termination rules, the time
 * limit and interrupts, and the diagnosis when nothing fits. */
#include "yaml_test_support.h"

#include <signal.h>

#include "runtime/engine.h"
#include "runtime/mapper.h"
#include "runtime/mapspace.h"

static const char *const problem_text =
    "problem:\n"
    "  shape:\n"
    "    name: Small\n"
    "    dimensions: [K, R, P]\n"
    "    data_spaces:\n"
    "    - {name: Weights, projection: [[[K]], [[R]]]}\n"
    "    - {name: Inputs, projection: [[[R], [P]]]}\n"
    "    - {name: Outputs, projection: [[[K]], [[P]]], read_write: true}\n"
    "  instance: {K: 8, R: 3, P: 8}\n";

static const char *const arch_text =
    "architecture:\n"
    "  version: 0.3\n"
    "  subtree:\n"
    "  - name: System\n"
    "    local:\n"
    "    - {name: MainMemory, class: DRAM, attributes: {width: 64, datawidth: 8}}\n"
    "    - {name: Buffer, class: SRAM, attributes: {depth: 64, width: 8, datawidth: 8}}\n"
    "    subtree:\n"
    "    - name: PE[0..3]\n"
    "      attributes: {meshX: 2}\n"
    "      local:\n"
    "      - {name: RF, class: regfile, attributes: {depth: 16, width: 8, datawidth: 8}}\n"
    "      - {name: MACC, class: intmac, attributes: {datawidth: 8}}\n";

typedef struct mapper_test {
    yaml_test yaml;
    ln_mapspace *mapspace;
    ln_engine *engine;
    ln_search_settings settings;
    ln_search_result result;
} mapper_test;

static void start_problem(mapper_test *test, const char *problem, const char *arch, const char *extra)
{
    memset(&test->result, 0, sizeof test->result);
    yaml_test_init(&test->yaml);
    const char *names[] = {"problem.yaml", "arch.yaml", "extra.yaml"};
    const char *texts[] = {problem, arch, extra};
    if (!yaml_test_load_texts(&test->yaml, extra ? 3 : 2, names, texts)) {
        yaml_test_dump(&test->yaml);
        fail_msg("the inputs do not load");
    }
    test->mapspace = ln_mapspace_create(&test->yaml.spec, &test->yaml.diagnostics);
    test->engine = ln_engine_create(&test->yaml.spec, &test->yaml.diagnostics);
    assert_non_null(test->mapspace);
    assert_non_null(test->engine);
    ln_mapper_settings_from_spec(&test->yaml.spec, &test->settings);
    test->settings.threads = 1;
    test->settings.refine = false;
    test->settings.metric_count = 1;
    test->settings.metrics[0] = LN_METRIC_ENERGY;
}

static void start(mapper_test *test, const char *arch, const char *extra)
{
    start_problem(test, problem_text, arch, extra);
}

static void run(mapper_test *test, const ln_mapper_control *control)
{
    ln_search_result_release(&test->result);
    char error[128];
    assert_true(ln_mapper_run(test->engine, test->mapspace, &test->settings, control, &test->result, error,
                              sizeof error));
}

static void stop(mapper_test *test)
{
    ln_search_result_release(&test->result);
    ln_engine_destroy(test->engine);
    ln_mapspace_destroy(test->mapspace);
    yaml_test_release(&test->yaml);
}

/* The least energy over every distinct mapping, each evaluated directly. */
static double brute_force_energy(mapper_test *test, uint64_t *valid)
{
    void *scratch = calloc(1, ln_engine_scratch_size(test->engine));
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    static ln_tiling tiling;
    static ln_mapspace_point point;
    static ln_mapping mapping;
    double best = -1;
    *valid = 0;
    ln_count factorizations = ln_mapspace_subspace_size(test->mapspace, LN_SUBSPACE_FACTORIZATION);
    ln_count bypasses = ln_mapspace_bypass_choices(test->mapspace);
    for (ln_count f = 0; f < factorizations; f++) {
        ln_mapspace_enter(test->mapspace, f, &tiling);
        if (tiling.infeasible != LN_REJECTION_REASON_COUNT)
            continue;
        for (ln_count p = 0; p < tiling.permutations; p++)
            for (ln_count s = 0; s < tiling.splits; s++)
                for (ln_count b = 0; b < bypasses; b++) {
                    ln_candidate_rejection rejection;
                    if (ln_mapspace_build(test->mapspace, &tiling, p, s, b, &point, &mapping, &rejection) !=
                        LN_CANDIDATE_OK)
                        continue;
                    if (ln_engine_evaluate(test->engine, &mapping, scratch, evaluation) != LN_EVALUATION_OK)
                        continue;
                    (*valid)++;
                    if (best < 0 || evaluation->energy < best)
                        best = evaluation->energy;
                }
    }
    free(evaluation);
    free(scratch);
    return best;
}

static void test_exhaustive_finds_the_brute_force_best(void **state)
{
    (void)state;
    mapper_test test;
    start(&test, arch_text, NULL);
    uint64_t valid;
    double best = brute_force_energy(&test, &valid);
    assert_true(valid > 1000);
    test.settings.algorithm = "exhaustive";
    test.settings.victory_condition = test.settings.timeout = test.settings.search_size = 0;
    run(&test, NULL);
    assert_true(test.result.found);
    assert_int_equal(test.result.stop, LN_SEARCH_STOP_EXHAUSTED);
    assert_int_equal(test.result.statistics.valid, valid);
    assert_true(test.result.best_metrics[0] == best);
    /* Split over three threads: the same best, the same candidates. */
    test.settings.threads = 3;
    run(&test, NULL);
    assert_true(test.result.best_metrics[0] == best);
    assert_int_equal(test.result.statistics.valid, valid);
    stop(&test);
}

/* For a given seed and thread count the search gives the same mapping. */
static void test_same_answer_every_run(void **state)
{
    (void)state;
    mapper_test test;
    start(&test, arch_text, NULL);
    static const char *const algorithms[] = {"random", "random_pruned", "hybrid", "linear_pruned"};
    for (size_t a = 0; a < sizeof algorithms / sizeof *algorithms; a++) {
        test.settings.algorithm = algorithms[a];
        test.settings.threads = 2;
        test.settings.seed = 7;
        test.settings.victory_condition = 50;
        test.settings.sync_interval = a % 2 ? 16 : 0;
        test.settings.refine = true;
        run(&test, NULL);
        assert_true(test.result.found);
        static ln_mapping first;
        first = test.result.best;
        double metric = test.result.best_metrics[0];
        uint64_t visited = test.result.statistics.visited;
        run(&test, NULL);
        assert_true(test.result.best_metrics[0] == metric);
        assert_int_equal(test.result.statistics.visited, visited);
        assert_memory_equal(&test.result.best, &first, sizeof first);
    }
    stop(&test);
}

static void test_termination_rules(void **state)
{
    (void)state;
    mapper_test test;
    start(&test, arch_text, NULL);
    test.settings.algorithm = "random_pruned";
    test.settings.victory_condition = 0;
    test.settings.timeout = 0;
    test.settings.search_size = 25;
    run(&test, NULL);
    assert_int_equal(test.result.stop, LN_SEARCH_STOP_SEARCH_SIZE);
    assert_int_equal(test.result.statistics.valid, 25);
    /* search_size is divided between the threads, as Timeloop does. */
    test.settings.threads = 2;
    run(&test, NULL);
    assert_int_equal(test.result.statistics.valid, 26);
    test.settings.threads = 1;

    test.settings.search_size = 0;
    test.settings.victory_condition = 10;
    run(&test, NULL);
    assert_int_equal(test.result.stop, LN_SEARCH_STOP_VICTORY);

    test.settings.victory_condition = 0;
    test.settings.timeout = 3;
    run(&test, NULL);
    assert_int_equal(test.result.stop, LN_SEARCH_STOP_TIMEOUT);
    assert_true(test.result.statistics.rejected >= 3);
    stop(&test);
}

/* Timeloop's linear_pruned visits (factorization 0, keep/bypass choice 0)
 * first: everything bypassed inside, all loops at the innermost level. A
 * timeout of 1 stops it at its first counted failure, as in the run that
 * made exercise 05's reference. */
static void test_linear_pruned_starts_where_timeloop_does(void **state)
{
    (void)state;
    mapper_test test;
    start(&test,
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
          "      - {name: RegisterFile, class: regfile, attributes: {depth: 16, width: 8, datawidth: 8}}\n"
          "      - {name: MACC, class: intmac, attributes: {datawidth: 8}}\n",
          NULL);
    test.settings.algorithm = "linear_pruned";
    test.settings.victory_condition = 0;
    test.settings.timeout = 1;
    run(&test, NULL);
    assert_int_equal(test.result.stop, LN_SEARCH_STOP_TIMEOUT);
    assert_int_equal(test.result.statistics.visited, 2);
    assert_int_equal(test.result.statistics.valid, 1);
    const ln_mapping *best = &test.result.best;
    assert_int_equal(best->levels[0].temporal_factors[0], 8);
    assert_int_equal(best->levels[0].temporal_factors[1], 3);
    assert_int_equal(best->levels[0].temporal_factors[2], 8);
    assert_int_equal(best->levels[0].keep, 0);
    assert_int_equal(best->levels[1].keep, 0);
    assert_int_equal(best->levels[2].keep, 7);
    stop(&test);
}

static volatile sig_atomic_t interrupted;

static void test_time_limit_and_interrupt(void **state)
{
    (void)state;
    mapper_test test;
    start(&test, arch_text, NULL);
    test.settings.algorithm = "random";
    test.settings.victory_condition = test.settings.timeout = test.settings.search_size = 0;
    test.settings.time_limit = 0.3;
    run(&test, NULL);
    assert_int_equal(test.result.stop, LN_SEARCH_STOP_TIME_LIMIT);
    assert_true(test.result.seconds >= 0.3 && test.result.seconds < 1.3);
    assert_true(test.result.found);

    test.settings.time_limit = 0;
    interrupted = 1;
    ln_mapper_control control = {&interrupted, NULL, NULL, 0};
    run(&test, &control);
    assert_int_equal(test.result.stop, LN_SEARCH_STOP_INTERRUPTED);
    assert_true(test.result.seconds < 1.0);
    stop(&test);
}

/* Nothing fits: no mapping, and the tally says where the tiles overflow. */
static void test_no_valid_mapping(void **state)
{
    (void)state;
    mapper_test test;
    start(&test, arch_text,
          "mapspace_constraints:\n"
          "  targets:\n"
          "  - {target: RF, type: temporal, factors: K=8 R=3 P=8}\n"
          "  - {target: RF, type: bypass, keep: [Weights]}\n");
    test.settings.algorithm = "exhaustive";
    run(&test, NULL);
    assert_false(test.result.found);
    assert_int_equal(test.result.statistics.valid, 0);
    /* 24 weights do not fit a register file of 16. */
    uint64_t overflows = 0;
    for (int t = 0; t <= LN_MAX_TENSORS; t++)
        overflows += test.result.statistics.rejections.count[LN_REJECTED_CAPACITY][1][t];
    assert_int_equal(overflows, test.result.statistics.rejected);
    assert_int_equal(test.result.statistics.rejections.required[LN_REJECTED_CAPACITY][1], 24);
    assert_int_equal(test.result.statistics.rejections.available[LN_REJECTED_CAPACITY][1], 16);
    stop(&test);
}

/* The refinement improves a poor result, never makes one worse, and here
 * reaches the optimum the exhaustive search finds. */
static void test_refinement_improves(void **state)
{
    (void)state;
    mapper_test test;
    start(&test, arch_text, NULL);
    test.settings.metrics[0] = LN_METRIC_EDP;
    test.settings.algorithm = "exhaustive";
    test.settings.victory_condition = test.settings.timeout = 0;
    run(&test, NULL);
    double optimum = test.result.best_metrics[0];
    test.settings.algorithm = "linear_pruned";
    test.settings.search_size = 1;
    run(&test, NULL);
    double plain = test.result.best_metrics[0];
    assert_true(plain > 2 * optimum);
    test.settings.refine = true;
    run(&test, NULL);
    assert_true(test.result.best_metrics[0] < plain);
    assert_true(test.result.best_metrics[0] >= optimum);
    assert_true(test.result.statistics.refinement_steps > 0);
    stop(&test);
}

/* The optimal search proves the exhaustive search's best: the same
 * metrics, a certificate in which every factorization was walked or
 * removed by a rule, and the same mapping from a cold start and on three
 * threads. */
static void test_optimal_proves_the_exhaustive_best(void **state)
{
    (void)state;
    mapper_test test;
    start(&test, arch_text, NULL);
    static const ln_metric metrics[] = {LN_METRIC_EDP, LN_METRIC_ENERGY, LN_METRIC_DELAY};
    for (uint32_t m = 0; m < 3; m++) {
        test.settings.metrics[0] = metrics[m];
        test.settings.algorithm = "exhaustive";
        test.settings.victory_condition = test.settings.timeout = test.settings.search_size = 0;
        run(&test, NULL);
        double exhaustive = test.result.best_metrics[0];
        test.settings.algorithm = "optimal";
        run(&test, NULL);
        assert_true(test.result.found);
        assert_true(test.result.certificate.present);
        assert_true(test.result.certificate.optimal);
        assert_false(test.result.certificate.has_lower_bound);
        assert_true(test.result.best_metrics[0] == exhaustive);
        const ln_search_certificate *certificate = &test.result.certificate;
        ln_count total = certificate->factorizations_walked;
        for (int rule = 0; rule < LN_PRUNING_RULE_COUNT; rule++)
            total += certificate->pruned[rule].factorizations;
        assert_true(total == ln_mapspace_subspace_size(test.mapspace, LN_SUBSPACE_FACTORIZATION));
        assert_true(certificate->factorizations_walked > 0);
        /* The same mapping without the heuristic's first bound, and on
         * three threads. */
        ln_mapping first = test.result.best;
        test.settings.cold_start = true;
        run(&test, NULL);
        assert_memory_equal(&test.result.best, &first, sizeof first);
        test.settings.cold_start = false;
        test.settings.threads = 3;
        run(&test, NULL);
        assert_memory_equal(&test.result.best, &first, sizeof first);
        assert_true(test.result.best_metrics[0] == exhaustive);
        test.settings.threads = 1;
    }
    stop(&test);
}

/* Cut short, the optimal search still answers with the best it knows and
 * a lower bound below it; the certificate says it is not complete. */
static void test_optimal_cut_short(void **state)
{
    (void)state;
    mapper_test test;
    start(&test, arch_text, NULL);
    test.settings.metrics[0] = LN_METRIC_EDP;
    test.settings.algorithm = "optimal";
    test.settings.cold_start = true;
    interrupted = 1;
    ln_mapper_control control = {&interrupted, NULL, NULL, 0};
    run(&test, &control);
    interrupted = 0;
    assert_int_equal(test.result.stop, LN_SEARCH_STOP_INTERRUPTED);
    assert_true(test.result.certificate.present);
    assert_false(test.result.certificate.optimal);
    assert_true(test.result.certificate.has_lower_bound);
    assert_true(test.result.certificate.lower_bound > 0);

    stop(&test);

    /* A larger layer, with the heuristic's bound and a time limit that
     * ends the walk early: the best known, above the lower bound. */
    start_problem(&test,
                  "problem:\n"
                  "  shape:\n"
                  "    name: Larger\n"
                  "    dimensions: [C, K, R, P]\n"
                  "    data_spaces:\n"
                  "    - {name: Weights, projection: [[[C]], [[K]], [[R]]]}\n"
                  "    - {name: Inputs, projection: [[[C]], [[R], [P]]]}\n"
                  "    - {name: Outputs, projection: [[[K]], [[P]]], read_write: true}\n"
                  "  instance: {C: 32, K: 64, R: 3, P: 56}\n",
                  arch_text, NULL);
    test.settings.metrics[0] = LN_METRIC_EDP;
    test.settings.algorithm = "optimal";
    test.settings.time_limit = 0.3;
    run(&test, NULL);
    assert_int_equal(test.result.stop, LN_SEARCH_STOP_TIME_LIMIT);
    assert_true(test.result.found);
    assert_true(test.result.certificate.present);
    assert_false(test.result.certificate.optimal);
    assert_true(test.result.certificate.has_lower_bound);
    assert_true(test.result.certificate.lower_bound > 0);
    assert_true(test.result.certificate.lower_bound <= test.result.best_metrics[0]);
    stop(&test);
}

/* The Pareto front: no point dominates another, sorted by cycles, its
 * least energy and least cycles the optimal search's bests. */
static const char *const bandwidth_arch_text =
    "architecture:\n"
    "  version: 0.3\n"
    "  subtree:\n"
    "  - name: System\n"
    "    local:\n"
    "    - {name: MainMemory, class: DRAM, attributes: {width: 64, datawidth: 8}}\n"
    "    - {name: Buffer, class: SRAM, attributes: {depth: 64, width: 8, datawidth: 8, read_bandwidth: 1}}\n"
    "    subtree:\n"
    "    - name: PE[0..3]\n"
    "      attributes: {meshX: 2}\n"
    "      local:\n"
    "      - {name: RF, class: regfile, attributes: {depth: 16, width: 8, datawidth: 8}}\n"
    "      - {name: MACC, class: intmac, attributes: {datawidth: 8}}\n";

static void test_optimal_pareto_front(void **state)
{
    (void)state;
    mapper_test test;
    /* The buffer's bandwidth makes the mappings that use it least slower:
     * energy and cycles trade. */
    start(&test, bandwidth_arch_text, NULL);
    test.settings.algorithm = "optimal";
    test.settings.metrics[0] = LN_METRIC_ENERGY;
    run(&test, NULL);
    double least_energy = test.result.best_metrics[0];
    test.settings.metrics[0] = LN_METRIC_DELAY;
    run(&test, NULL);
    double least_cycles = test.result.best_metrics[0];
    test.settings.pareto = true;
    run(&test, NULL);
    assert_true(test.result.certificate.optimal);
    uint32_t count = test.result.pareto_count;
    assert_true(count >= 2);
    const ln_pareto_point *front = test.result.pareto;
    for (uint32_t i = 0; i + 1 < count; i++) {
        assert_true(front[i].cycles < front[i + 1].cycles);
        assert_true(front[i].energy > front[i + 1].energy);
    }
    assert_true((double)front[0].cycles == least_cycles);
    assert_true(front[count - 1].energy == least_energy);
    /* Each point's mapping has its metrics. */
    void *scratch = calloc(1, ln_engine_scratch_size(test.engine));
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    for (uint32_t i = 0; i < count; i++) {
        assert_int_equal(ln_engine_evaluate(test.engine, &front[i].mapping, scratch, evaluation), LN_EVALUATION_OK);
        assert_true(evaluation->energy == front[i].energy);
        assert_true(evaluation->cycles == front[i].cycles);
    }
    free(evaluation);
    free(scratch);
    stop(&test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exhaustive_finds_the_brute_force_best),
        cmocka_unit_test(test_same_answer_every_run),
        cmocka_unit_test(test_termination_rules),
        cmocka_unit_test(test_linear_pruned_starts_where_timeloop_does),
        cmocka_unit_test(test_time_limit_and_interrupt),
        cmocka_unit_test(test_no_valid_mapping),
        cmocka_unit_test(test_refinement_improves),
        cmocka_unit_test(test_optimal_proves_the_exhaustive_best),
        cmocka_unit_test(test_optimal_cut_short),
        cmocka_unit_test(test_optimal_pareto_front),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
