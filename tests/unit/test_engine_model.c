/* The micro-architectural model on hand-computed cases: capacity and
 * minimum-utilization checks, fan-out checks, bandwidth throttling,
 * multiple buffering, clusters, leakage, and the energy bookkeeping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ir/constraint_check.h"
#include "runtime/engine.h"
#include "spec_builder.h"

enum { WEIGHTS = 0, INPUTS = 1, OUTPUTS = 2 };
enum { BUFFER = 0, MAIN_MEMORY = 1 };

typedef struct fixture {
    ln_spec spec;
    ln_engine *engine;
    void *scratch;
    ln_evaluation result;
} fixture;

/* Conv1D (R = 3, P = 16) on MainMemory -> Buffer -> MACC, output stationary. */
static void build(fixture *f, uint64_t buffer_depth)
{
    memset(f, 0, sizeof *f);
    ln_problem *problem = &f->spec.problem;
    test_add_dimension(problem, "R", 3);
    test_add_dimension(problem, "P", 16);
    test_add_tensor(problem, "Weights", "R", false);
    test_add_tensor(problem, "Inputs", "R+P", false);
    test_add_tensor(problem, "Outputs", "P", true);
    f->spec.has_problem = true;
    test_add_storage(&f->spec.arch, "MainMemory", false, 32768, 1, 1, 1);
    test_add_storage(&f->spec.arch, "Buffer", false, buffer_depth, 1, 1, 1);
    test_finish_arch(&f->spec.arch, 1, 1);
    f->spec.has_arch = true;
    ln_mapping_init_neutral(&f->spec.mapping, problem, 2);
    test_set_loops(&f->spec.mapping, problem, BUFFER, false, "R3", "R");
    test_set_loops(&f->spec.mapping, problem, MAIN_MEMORY, false, "P16", "P");
}

static ln_evaluation_status run(fixture *f)
{
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    f->engine = ln_engine_create(&f->spec, &diagnostics);
    assert_non_null(f->engine);
    ln_diagnostics_release(&diagnostics);
    f->scratch = calloc(1, ln_engine_scratch_size(f->engine));
    assert_non_null(f->scratch);
    return ln_engine_evaluate(f->engine, &f->spec.mapping, f->scratch, &f->result);
}

static void release(fixture *f)
{
    free(f->scratch);
    ln_engine_destroy(f->engine);
}

static void capacity_overflow_names_level_and_amounts(void **state)
{
    (void)state;
    fixture f;
    /* The buffer holds 3 weights + 3 inputs + 1 output = 7 words. */
    build(&f, 6);
    assert_int_equal(run(&f), LN_EVALUATION_CAPACITY);
    assert_int_equal(f.result.failure_count, 1);
    assert_int_equal(f.result.failures[0].level, BUFFER);
    assert_int_equal(f.result.failures[0].required, 7);
    assert_int_equal(f.result.failures[0].available, 6);
    assert_non_null(strstr(f.result.failures[0].message, "Buffer"));
    release(&f);

    build(&f, 7);
    assert_int_equal(run(&f), LN_EVALUATION_OK);
    release(&f);
}

static void multiple_buffering_halves_the_usable_size(void **state)
{
    (void)state;
    fixture f;
    build(&f, 13);
    f.spec.arch.storage[BUFFER].multiple_buffering = 2;
    f.spec.arch.storage[BUFFER].effective_size = 6; /* floor(13 / 2), as the importer derives it */
    assert_int_equal(run(&f), LN_EVALUATION_CAPACITY);
    assert_int_equal(f.result.failures[0].available, 6);
    release(&f);
}

static void minimum_utilization_is_enforced(void **state)
{
    (void)state;
    fixture f;
    build(&f, 64);
    f.spec.arch.storage[BUFFER].min_utilization = 0.5; /* needs 32 words, the tiles use 7 */
    assert_int_equal(run(&f), LN_EVALUATION_MIN_UTILIZATION);
    assert_int_equal(f.result.failures[0].required, 7);
    assert_int_equal(f.result.failures[0].available, 32);
    release(&f);
}

static void bandwidth_throttles_cycles(void **state)
{
    (void)state;
    fixture f;
    build(&f, 64);
    /* 48 MACs each read a weight and an input, and 32 partial sums, from the
     * buffer: 128 reads over 48 cycles. A read bandwidth of 1 word/cycle
     * slows the level down to 128 cycles. */
    f.spec.arch.storage[BUFFER].read_bandwidth.specified = true;
    f.spec.arch.storage[BUFFER].read_bandwidth.value = 1;
    assert_int_equal(run(&f), LN_EVALUATION_OK);
    const ln_level_evaluation *buffer = &f.result.levels[BUFFER];
    assert_int_equal(buffer->tensors[WEIGHTS].reads + buffer->tensors[INPUTS].reads +
                         buffer->tensors[OUTPUTS].reads,
                     128);
    assert_true(buffer->slowdown > 0.374 && buffer->slowdown < 0.376);
    assert_int_equal(buffer->cycles, 128);
    assert_int_equal(f.result.cycles, 128);
    assert_true(f.result.utilization > 0.374 && f.result.utilization < 0.376);
    release(&f);
}

static void shared_bandwidth_counts_reads_and_writes(void **state)
{
    (void)state;
    fixture f;
    build(&f, 64);
    /* Reads 128 + writes (fills 3 + 18 + 0, updates 48) = 197 words. */
    f.spec.arch.storage[BUFFER].shared_bandwidth.specified = true;
    f.spec.arch.storage[BUFFER].shared_bandwidth.value = 2;
    assert_int_equal(run(&f), LN_EVALUATION_OK);
    assert_int_equal(f.result.levels[BUFFER].cycles, 99); /* ceil(48 / (2 / (197 / 48))) */
    release(&f);
}

static void leakage_runs_for_every_cycle(void **state)
{
    (void)state;
    fixture f;
    build(&f, 64);
    static ln_action_energy actions[] = {{"read", 2.0}, {"write", 3.0}, {"update", 3.0}, {"leak", 0.5}};
    static ln_component_energy component = {.name = "Buffer", .level_name = "Buffer", .action_count = 4,
                                            .actions = actions, .has_area = true, .area = 100};
    f.spec.energy.components = &component;
    f.spec.energy.count = 1;
    assert_int_equal(run(&f), LN_EVALUATION_OK);
    const ln_level_evaluation *buffer = &f.result.levels[BUFFER];
    assert_true(buffer->leakage_energy == 0.5 * 48);
    /* Weights: 48 reads at 2 pJ and 3 fills at 3 pJ. */
    assert_true(buffer->tensors[WEIGHTS].energy == 48 * 2.0 + 3 * 3.0);
    /* Outputs: 32 reads, 48 updates. */
    assert_true(buffer->tensors[OUTPUTS].energy == 32 * 2.0 + 48 * 3.0);
    assert_true(buffer->vector_access_energy == 3.0);
    assert_true(buffer->area == 100);
    release(&f);
}

static void spatial_fanout_is_checked(void **state)
{
    (void)state;
    fixture f;
    memset(&f, 0, sizeof f);
    ln_problem *problem = &f.spec.problem;
    test_add_dimension(problem, "K", 32);
    test_add_dimension(problem, "P", 16);
    test_add_tensor(problem, "Weights", "K", false);
    test_add_tensor(problem, "Inputs", "P", false);
    test_add_tensor(problem, "Outputs", "K,P", true);
    f.spec.has_problem = true;
    test_add_storage(&f.spec.arch, "MainMemory", true, 0, 4, 1, 1);
    test_add_storage(&f.spec.arch, "Buffer", false, 256, 1, 8, 8);
    test_finish_arch(&f.spec.arch, 8, 8);
    f.spec.has_arch = true;
    ln_mapping_init_neutral(&f.spec.mapping, problem, 2);
    /* 16 PEs asked for, 8 exist: like Timeloop, the engine compares the
     * spread with the compute units and each level's mesh. */
    test_set_loops(&f.spec.mapping, problem, MAIN_MEMORY, true, "K16", "K");
    test_set_loops(&f.spec.mapping, problem, MAIN_MEMORY, false, "K2", "K");
    test_set_loops(&f.spec.mapping, problem, BUFFER, false, "P16", "P");
    assert_int_equal(run(&f), LN_EVALUATION_FANOUT);
    assert_int_equal(f.result.failures[0].level, -1); /* the compute units */
    assert_int_equal(f.result.failures[0].required, 16);
    assert_int_equal(f.result.failures[0].available, 8);
    assert_int_equal(f.result.failures[1].level, BUFFER);
    assert_int_equal(f.result.failures[1].required, 16);
    assert_int_equal(f.result.failures[1].available, 8);
    release(&f);

    /* Within the fan-out: each PE keeps its own weights, all share inputs. */
    test_set_loops(&f.spec.mapping, problem, MAIN_MEMORY, true, "K8", "K");
    test_set_loops(&f.spec.mapping, problem, MAIN_MEMORY, false, "K4", "K");
    assert_int_equal(run(&f), LN_EVALUATION_OK);
    const ln_tensor_level_stats *inputs = &f.result.levels[MAIN_MEMORY].tensors[INPUTS];
    assert_int_equal(inputs->multicast_class_count, 1);
    assert_int_equal(inputs->multicast_classes[0].multicast, 8);
    assert_int_equal(f.result.levels[BUFFER].tensors[WEIGHTS].utilized_instances, 8);
    assert_int_equal(f.result.compute.utilized_instances, 8);
    /* Outputs are reduced across no PEs: each PE owns its K slice. */
    assert_true(f.result.levels[MAIN_MEMORY].tensors[OUTPUTS].spatial_reductions == 0);
    release(&f);
}

static void clusters_share_address_generation(void **state)
{
    (void)state;
    fixture f;
    build(&f, 64);
    f.spec.arch.storage[BUFFER].cluster_size = 1;
    assert_int_equal(run(&f), LN_EVALUATION_OK);
    assert_int_equal(f.result.levels[BUFFER].tensors[WEIGHTS].utilized_clusters, 1);
    /* Address generations: reads + fills for read-only tensors, updates +
     * fills for read-write ones. */
    assert_int_equal(f.result.levels[BUFFER].tensors[WEIGHTS].address_generations, 48 + 3);
    assert_int_equal(f.result.levels[BUFFER].tensors[OUTPUTS].address_generations, 48 + 0);
    release(&f);
}

static void bypassing_a_tensor_everywhere_is_an_error(void **state)
{
    (void)state;
    fixture f;
    build(&f, 64);
    f.spec.mapping.levels[BUFFER].bypass = 1u << WEIGHTS;
    f.spec.mapping.levels[MAIN_MEMORY].bypass = 1u << WEIGHTS;
    assert_int_equal(run(&f), LN_EVALUATION_INVALID_MAPPING);
    assert_int_equal(f.result.failures[0].tensor, WEIGHTS);
    release(&f);
}

static void bypassing_the_buffer_sends_operands_from_main_memory(void **state)
{
    (void)state;
    fixture f;
    build(&f, 64);
    f.spec.mapping.levels[BUFFER].bypass = 1u << INPUTS;
    assert_int_equal(run(&f), LN_EVALUATION_OK);
    /* Every MAC now reads its input from MainMemory. */
    assert_int_equal(f.result.levels[MAIN_MEMORY].tensors[INPUTS].reads, 48);
    assert_false(f.result.levels[BUFFER].tensors[INPUTS].kept);
    assert_int_equal(f.result.levels[BUFFER].tensors[INPUTS].reads, 0);
    release(&f);
}

static void violated_constraint_is_a_named_warning(void **state)
{
    (void)state;
    fixture f;
    build(&f, 64);
    ln_constraint constraint;
    memset(&constraint, 0, sizeof constraint);
    constraint.kind = LN_CONSTRAINT_TEMPORAL;
    constraint.level = BUFFER;
    constraint.factor_relation[1] = LN_FACTOR_EQUAL; /* P = 16 at the buffer */
    constraint.factors[1] = 16;
    constraint.location.file = "constraints.yaml";
    constraint.location.line = 4;
    constraint.location.column = 3;
    f.spec.constraints.items = &constraint;
    f.spec.constraints.count = 1;
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    assert_false(ln_check_mapping_constraints(&f.spec, &f.spec.mapping, &diagnostics));
    assert_int_equal(diagnostics.warning_count, 1);
    assert_int_equal(diagnostics.error_count, 0);
    assert_non_null(strstr(diagnostics.items[0].message, "temporal"));
    assert_non_null(strstr(diagnostics.items[0].message, "Buffer"));
    assert_int_equal(diagnostics.items[0].location.line, 4);
    ln_diagnostics_release(&diagnostics);
    /* Satisfied once the mapping has the factor. */
    test_set_loops(&f.spec.mapping, &f.spec.problem, BUFFER, false, "R3 P16", "RP");
    test_set_loops(&f.spec.mapping, &f.spec.problem, MAIN_MEMORY, false, "P1", "P");
    ln_diagnostics_init(&diagnostics);
    assert_true(ln_check_mapping_constraints(&f.spec, &f.spec.mapping, &diagnostics));
    assert_int_equal(diagnostics.warning_count, 0);
    ln_diagnostics_release(&diagnostics);
}

static void counts_beyond_exact_doubles_are_refused(void **state)
{
    (void)state;
    ln_spec spec;
    memset(&spec, 0, sizeof spec);
    ln_problem *problem = &spec.problem;
    test_add_dimension(problem, "M", 1 << 20);
    test_add_dimension(problem, "N", 1 << 20);
    test_add_dimension(problem, "K", 1 << 20);
    test_add_tensor(problem, "A", "M,K", false);
    test_add_tensor(problem, "B", "K,N", false);
    test_add_tensor(problem, "Z", "M,N", true);
    problem->location.file = "huge.yaml";
    problem->location.line = 3;
    spec.has_problem = true;
    test_add_storage(&spec.arch, "MainMemory", true, 0, 4, 1, 1);
    test_finish_arch(&spec.arch, 1, 1);
    spec.has_arch = true;
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    assert_null(ln_engine_create(&spec, &diagnostics));
    assert_int_equal(diagnostics.error_count, 1);
    assert_non_null(strstr(diagnostics.items[0].message, "operations, more than loopnest can count exactly"));
    assert_int_equal(diagnostics.items[0].location.line, 3);
    ln_diagnostics_release(&diagnostics);

    /* One step smaller fits: 2^20 * 2^20 * 2^12 = 2^52. */
    problem->dimension_bounds[2] = 1 << 12;
    ln_diagnostics_init(&diagnostics);
    ln_engine *engine = ln_engine_create(&spec, &diagnostics);
    assert_non_null(engine);
    ln_engine_destroy(engine);
    ln_diagnostics_release(&diagnostics);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(capacity_overflow_names_level_and_amounts),
        cmocka_unit_test(multiple_buffering_halves_the_usable_size),
        cmocka_unit_test(minimum_utilization_is_enforced),
        cmocka_unit_test(bandwidth_throttles_cycles),
        cmocka_unit_test(shared_bandwidth_counts_reads_and_writes),
        cmocka_unit_test(leakage_runs_for_every_cycle),
        cmocka_unit_test(spatial_fanout_is_checked),
        cmocka_unit_test(clusters_share_address_generation),
        cmocka_unit_test(bypassing_a_tensor_everywhere_is_an_error),
        cmocka_unit_test(bypassing_the_buffer_sends_operands_from_main_memory),
        cmocka_unit_test(violated_constraint_is_a_named_warning),
        cmocka_unit_test(counts_beyond_exact_doubles_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
