/* The two nest analyses must agree: the closed form (runtime/tile_analysis.c)
 * and the simulation of Timeloop's walk (runtime/nest_simulation.c) are
 * compared on a few hundred random perfect mappings over small hand-built
 * architectures (fan-outs in X and Y, a dummy level, bypass, sliding
 * windows, strides, the reuse and multicast directives): raw records,
 * collapsed records and whole evaluations. Without Timeloop at hand, this is
 * what keeps the two honest; a disagreement is a bug in one of them.
 *
 * Imperfect factorizations have only the simulation, so those cases check
 * it against numbers measured with the real Timeloop (see each case). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ir/mapping_validate.h"
#include "runtime/engine.h"
#include "runtime/engine_internal.h"
#include "spec_builder.h"
#include "yaml_test_support.h"

/* ------------------------------------------------------------------ */
/* Architectures and problems                                           */
/* ------------------------------------------------------------------ */

typedef struct storage_shape {
    const char *name;
    bool dram;
    bool dummy;
    uint64_t depth;
    uint64_t instances, mesh_x;
} storage_shape;

typedef struct arch_shape {
    const char *name;
    uint32_t level_count;
    storage_shape storage[5]; /* outermost first */
    uint64_t compute_instances, compute_mesh_x;
} arch_shape;

static const arch_shape architectures[] = {
    /* A 4x4 mesh of register files under a global buffer. */
    {"mesh", 3,
     {{"DRAM", true, false, 0, 1, 1}, {"GlobalBuffer", false, false, 8192, 1, 1},
      {"RegisterFile", false, false, 1024, 16, 4}},
     16, 4},
    /* A row of 8 register files, each over a column of 4 compute units. */
    {"rows", 3,
     {{"DRAM", true, false, 0, 1, 1}, {"GlobalBuffer", false, false, 8192, 1, 1},
      {"RegisterFile", false, false, 1024, 8, 8}},
     32, 8},
    /* A dummy level between the buffer and a 4x4 array, and 2 units per
     * register file. */
    {"dummy", 4,
     {{"DRAM", true, false, 0, 1, 1}, {"GlobalBuffer", false, false, 8192, 1, 1},
      {"Column", false, true, 1u << 20, 4, 4}, {"RegisterFile", false, false, 1024, 16, 4}},
     32, 4},
    /* One buffer straight over a 4x2 array of compute units. */
    {"flat", 2, {{"DRAM", true, false, 0, 1, 1}, {"Buffer", false, false, 8192, 1, 1}}, 8, 4},
    /* A 6x2 mesh: rows wider than most mappings' X loops. */
    {"wide", 3,
     {{"DRAM", true, false, 0, 1, 1}, {"GlobalBuffer", false, false, 8192, 1, 1},
      {"RegisterFile", false, false, 1024, 12, 6}},
     12, 6},
};

enum { PROBLEM_CONV1D, PROBLEM_STRIDED, PROBLEM_CONV2D, PROBLEM_GEMM, PROBLEM_COUNT };

static void build_problem(ln_problem *problem, int kind)
{
    memset(problem, 0, sizeof *problem);
    switch (kind) {
    case PROBLEM_CONV1D:
        test_add_dimension(problem, "C", 4);
        test_add_dimension(problem, "K", 6);
        test_add_dimension(problem, "R", 3);
        test_add_dimension(problem, "P", 8);
        test_add_tensor(problem, "Weights", "C,K,R", false);
        test_add_tensor(problem, "Inputs", "C,R+P", false);
        test_add_tensor(problem, "Outputs", "K,P", true);
        break;
    case PROBLEM_STRIDED:
        /* Stride 2: the windows of neighbouring outputs overlap by one. */
        test_add_dimension(problem, "C", 2);
        test_add_dimension(problem, "K", 4);
        test_add_dimension(problem, "R", 3);
        test_add_dimension(problem, "P", 6);
        test_add_tensor(problem, "Weights", "C,K,R", false);
        test_add_tensor(problem, "Inputs", "C,R+2P", false);
        test_add_tensor(problem, "Outputs", "K,P", true);
        break;
    case PROBLEM_CONV2D:
        test_add_dimension(problem, "C", 2);
        test_add_dimension(problem, "K", 4);
        test_add_dimension(problem, "R", 3);
        test_add_dimension(problem, "S", 2);
        test_add_dimension(problem, "P", 4);
        test_add_dimension(problem, "Q", 3);
        test_add_tensor(problem, "Weights", "C,K,R,S", false);
        test_add_tensor(problem, "Inputs", "C,R+P,S+Q", false);
        test_add_tensor(problem, "Outputs", "K,P,Q", true);
        break;
    default:
        test_add_dimension(problem, "M", 6);
        test_add_dimension(problem, "N", 4);
        test_add_dimension(problem, "K", 8);
        test_add_tensor(problem, "A", "M,K", false);
        test_add_tensor(problem, "B", "K,N", false);
        test_add_tensor(problem, "Z", "M,N", true);
        break;
    }
}

static void build_arch(ln_arch *arch, const arch_shape *shape)
{
    memset(arch, 0, sizeof *arch);
    for (uint32_t i = 0; i < shape->level_count; i++) {
        const storage_shape *s = &shape->storage[i];
        ln_storage_level *level = test_add_storage(arch, s->name, s->dram, s->depth, 1, s->instances, s->mesh_x);
        if (s->dummy) {
            level->is_dummy = true;
            level->component_class = "dummy_storage";
        }
    }
    test_finish_arch(arch, shape->compute_instances, shape->compute_mesh_x);
}

/* ------------------------------------------------------------------ */
/* Random perfect mappings                                              */
/* ------------------------------------------------------------------ */

static uint64_t random_state;

static uint32_t random_below(uint32_t bound)
{
    /* SplitMix64: deterministic across platforms. */
    uint64_t z = (random_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return bound ? (uint32_t)(z % bound) : 0;
}

static bool chance(uint32_t percent)
{
    return random_below(100) < percent;
}

static void shuffle(uint8_t *items, uint32_t count)
{
    for (uint32_t i = count; i > 1; i--) {
        uint32_t j = random_below(i);
        uint8_t swap = items[i - 1];
        items[i - 1] = items[j];
        items[j] = swap;
    }
}

typedef struct spatial_slots {
    uint32_t used[LN_MAX_STORAGE_LEVELS][2];  /* product of factors per axis */
    uint8_t axis[LN_MAX_STORAGE_LEVELS][LN_MAX_DIMENSIONS]; /* 0 none, 1 X, 2 Y */
} spatial_slots;

/* Puts `prime` of `dimension` on a spatial axis of `level` if it fits. */
static bool place_spatial(const ln_arch *arch, ln_mapping *mapping, spatial_slots *slots, uint32_t level,
                          uint32_t dimension, uint32_t prime, uint32_t axis)
{
    if (slots->axis[level][dimension])
        axis = slots->axis[level][dimension];
    uint64_t fanout = axis == 1 ? ln_arch_fanout_x(arch, level) : ln_arch_fanout_y(arch, level);
    if ((uint64_t)slots->used[level][axis - 1] * prime > fanout)
        return false;
    slots->used[level][axis - 1] *= prime;
    slots->axis[level][dimension] = (uint8_t)axis;
    mapping->levels[level].spatial_factors[dimension] *= prime;
    mapping->levels[level].spatial_residuals[dimension] *= prime;
    return true;
}

static void random_mapping(const ln_spec *spec, ln_mapping *mapping)
{
    const ln_problem *problem = &spec->problem;
    const ln_arch *arch = &spec->arch;
    uint32_t levels = arch->storage_count, dims = problem->dimension_count;
    ln_mapping_init_neutral(mapping, problem, levels);
    spatial_slots slots;
    memset(&slots, 0, sizeof slots);
    for (uint32_t l = 0; l < levels; l++)
        slots.used[l][0] = slots.used[l][1] = 1;
    uint32_t fanning[LN_MAX_STORAGE_LEVELS], fanning_count = 0;
    for (uint32_t l = 0; l < levels; l++)
        if (ln_arch_fanout_x(arch, l) * ln_arch_fanout_y(arch, l) > 1)
            fanning[fanning_count++] = l;

    uint32_t remaining[LN_MAX_DIMENSIONS];
    for (uint32_t d = 0; d < dims; d++)
        remaining[d] = (uint32_t)problem->dimension_bounds[d];

    /* Sliding windows across instances: an output dimension and its filter
     * dimension spread over the same fan-out. */
    int p = ln_problem_find_dimension(problem, "P"), r = ln_problem_find_dimension(problem, "R");
    if (fanning_count && p >= 0 && r >= 0 && chance(30)) {
        uint32_t level = fanning[random_below(fanning_count)];
        for (int pass = 0; pass < 2; pass++) {
            uint32_t d = (uint32_t)(pass ? r : p);
            for (uint32_t prime = 2; prime <= remaining[d]; prime++) {
                if (remaining[d] % prime == 0) {
                    if (place_spatial(arch, mapping, &slots, level, d, prime, 1 + random_below(2)))
                        remaining[d] /= prime;
                    break;
                }
            }
        }
    }
    uint32_t spatial_bias = 20 + random_below(40);
    for (uint32_t d = 0; d < dims; d++) {
        for (uint32_t prime = 2; remaining[d] > 1;) {
            if (remaining[d] % prime) {
                prime++;
                continue;
            }
            remaining[d] /= prime;
            bool placed = false;
            if (fanning_count && chance(spatial_bias))
                placed = place_spatial(arch, mapping, &slots, fanning[random_below(fanning_count)], d, prime,
                                       1 + random_below(2));
            if (!placed) {
                uint32_t level = random_below(levels);
                mapping->levels[level].temporal_factors[d] *= prime;
                mapping->levels[level].temporal_residuals[d] *= prime;
            }
        }
    }

    uint32_t tensors = problem->tensor_count;
    for (uint32_t l = 0; l < levels; l++) {
        ln_mapping_level *entry = &mapping->levels[l];
        shuffle(entry->temporal_permutation, dims);
        /* X dimensions first, then the unused ones on either side of the
         * split, then Y. */
        uint8_t x[LN_MAX_DIMENSIONS], y[LN_MAX_DIMENSIONS], none[LN_MAX_DIMENSIONS];
        uint32_t nx = 0, ny = 0, nn = 0;
        for (uint32_t d = 0; d < dims; d++) {
            if (entry->spatial_factors[d] > 1 && slots.axis[l][d] == 1)
                x[nx++] = (uint8_t)d;
            else if (entry->spatial_factors[d] > 1)
                y[ny++] = (uint8_t)d;
            else
                none[nn++] = (uint8_t)d;
        }
        shuffle(x, nx);
        shuffle(y, ny);
        shuffle(none, nn);
        uint32_t ones_before = random_below(nn + 1), position = 0;
        for (uint32_t i = 0; i < nx; i++)
            entry->spatial_permutation[position++] = x[i];
        for (uint32_t i = 0; i < ones_before; i++)
            entry->spatial_permutation[position++] = none[i];
        entry->spatial_split = (uint8_t)position;
        for (uint32_t i = 0; i < ny; i++)
            entry->spatial_permutation[position++] = y[i];
        for (uint32_t i = ones_before; i < nn; i++)
            entry->spatial_permutation[position++] = none[i];

        for (uint32_t t = 0; t < tensors; t++) {
            ln_tensor_mask bit = (ln_tensor_mask)(1u << t);
            if (l + 1 < levels && chance(30))
                entry->bypass |= bit;
            if (chance(10))
                entry->no_temporal_reuse |= bit;
            if (chance(10))
                entry->no_multicast |= bit;
            if (chance(10))
                entry->no_link_transfer |= bit;
            if (problem->tensors[t].read_write && chance(10))
                entry->rmw_first_update |= bit;
            if (chance(2))
                entry->no_coalesce |= bit;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Comparisons                                                          */
/* ------------------------------------------------------------------ */

typedef struct comparison {
    const char *context;
    uint32_t mismatches;
} comparison;

static void report(comparison *c, const char *what, double closed_form, double simulated)
{
    if (c->mismatches++ < 8)
        print_error("%s: %s: closed form %.17g, simulation %.17g\n", c->context, what, closed_form, simulated);
}

static void same_count(comparison *c, const char *what, double a, double b)
{
    if (a != b)
        report(c, what, a, b);
}

static void same_real(comparison *c, const char *what, double a, double b)
{
    double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    if (fabs(a - b) > 1e-9 * scale)
        report(c, what, a, b);
}

static void compare_tile(comparison *c, const ln_movement_tile *a, const ln_movement_tile *b, bool entries_too,
                         bool collapsed)
{
    same_count(c, "size", (double)a->size, (double)b->size);
    same_count(c, "fanout", (double)a->fanout, (double)b->fanout);
    same_count(c, "replication", a->replication_factor, b->replication_factor);
    same_count(c, "max x", (double)a->max_x_expansion, (double)b->max_x_expansion);
    same_count(c, "max y", (double)a->max_y_expansion, (double)b->max_y_expansion);
    if (!collapsed)
        same_count(c, "partition denominator", (double)a->partition_fraction_denominator,
                   (double)b->partition_fraction_denominator);
    if (!entries_too)
        return;
    same_count(c, "link transfers", a->link_transfers, b->link_transfers);
    if (collapsed) {
        same_real(c, "content accesses", a->content_accesses, b->content_accesses);
        same_count(c, "partition size", (double)a->partition_size, (double)b->partition_size);
        same_real(c, "parent access share", a->parent_access_share, b->parent_access_share);
        same_real(c, "peer accesses", a->peer_accesses, b->peer_accesses);
        same_real(c, "peer fills", a->peer_fills, b->peer_fills);
        same_count(c, "reads", (double)a->reads, (double)b->reads);
        same_count(c, "fills", (double)a->fills, (double)b->fills);
        same_count(c, "updates", (double)a->updates, (double)b->updates);
        same_real(c, "temporal reductions", a->temporal_reductions, b->temporal_reductions);
    } else {
        same_count(c, "content accesses", a->content_accesses, b->content_accesses);
    }
    same_count(c, "entry count", a->entry_count, b->entry_count);
    for (uint32_t e = 0; e < a->entry_count && e < b->entry_count; e++) {
        same_count(c, "multicast", a->entries[e].multicast, b->entries[e].multicast);
        same_count(c, "scatter", a->entries[e].scatter, b->entries[e].scatter);
        if (collapsed)
            same_real(c, "accesses", a->entries[e].accesses, b->entries[e].accesses);
        else
            same_count(c, "accesses", a->entries[e].accesses, b->entries[e].accesses);
    }
}

static void compare_evaluations(comparison *c, const ln_evaluation *a, const ln_evaluation *b)
{
    same_count(c, "status", a->status, b->status);
    same_count(c, "failures", a->failure_count, b->failure_count);
    if (a->status != LN_EVALUATION_OK || b->status != LN_EVALUATION_OK)
        return;
    same_count(c, "cycles", (double)a->cycles, (double)b->cycles);
    same_count(c, "computes", (double)a->computes, (double)b->computes);
    same_count(c, "compute cycles", (double)a->compute.cycles, (double)b->compute.cycles);
    same_count(c, "compute instances", (double)a->compute.utilized_instances, (double)b->compute.utilized_instances);
    same_real(c, "energy", a->energy, b->energy);
    same_real(c, "utilization", a->utilization, b->utilization);
    same_real(c, "op per byte", a->optimal_op_per_byte, b->optimal_op_per_byte);
    for (uint32_t l = 0; l < a->level_count; l++) {
        const ln_level_evaluation *la = &a->levels[l], *lb = &b->levels[l];
        same_count(c, "level cycles", (double)la->cycles, (double)lb->cycles);
        same_real(c, "level energy", la->energy, lb->energy);
        for (uint32_t t = 0; t < a->tensor_count; t++) {
            const ln_tensor_level_stats *ta = &la->tensors[t], *tb = &lb->tensors[t];
            same_count(c, "tile size", (double)ta->tile_size, (double)tb->tile_size);
            same_count(c, "utilized instances", ta->utilized_instances, tb->utilized_instances);
            same_count(c, "level reads", (double)ta->reads, (double)tb->reads);
            same_count(c, "level fills", (double)ta->fills, (double)tb->fills);
            same_count(c, "level updates", (double)ta->updates, (double)tb->updates);
            same_count(c, "classes", ta->multicast_class_count, tb->multicast_class_count);
            same_real(c, "link transfers", ta->link_transfers, tb->link_transfers);
            same_real(c, "spatial reductions", ta->spatial_reductions, tb->spatial_reductions);
            same_real(c, "tensor energy", ta->energy, tb->energy);
        }
    }
}

typedef struct equivalence_totals {
    uint32_t mappings;
    uint32_t compared;
    uint32_t closed_form_unsupported;
    uint32_t with_links;
    uint32_t with_multicast;
    uint32_t mismatches;
} equivalence_totals;

static void check_mapping(const ln_spec *spec, const ln_engine *engine, const ln_mapping *mapping, void *scratch,
                          ln_tile_analysis *closed_form, ln_tile_analysis *simulated, const char *context,
                          equivalence_totals *totals)
{
    comparison c = {context, 0};
    ln_loop_nest nest;
    ln_build_loop_nest(&spec->problem, &spec->arch, mapping, &nest);
    ln_evaluation_failure failure_a, failure_b;
    bool ok_a = ln_tile_analysis_records(engine, mapping, &nest, scratch, closed_form, &failure_a);
    bool ok_b = ln_nest_simulation_records(engine, mapping, &nest, scratch, simulated, &failure_b);
    totals->mappings++;
    if (!ok_a) {
        totals->closed_form_unsupported++;
        return;
    }
    if (!ok_b) {
        print_error("%s: the simulation failed: %s\n", context, failure_b.message);
        totals->mismatches++;
        return;
    }
    totals->compared++;

    /* Raw records. Where a child bypasses a tensor and nothing fans out in
     * between, the closed form writes the parent's record already rescaled
     * (as the post-processing would), so only its shape is comparable. */
    uint32_t levels = nest.level_count;
    bool links = false, multicast = false;
    for (uint32_t t = 0; t < engine->tensor_count; t++) {
        for (uint32_t l = 0; l < levels; l++) {
            uint32_t first = l == 0 ? 0 : nest.boundary[l - 1] + 1;
            bool has_run = nest.loops[first].spatial != LN_LOOP_TEMPORAL;
            bool shortcut = l > 0 && !ln_mapping_keeps(mapping, l - 1, t) &&
                            !(mapping->levels[l - 1].no_coalesce & (1u << t)) && !has_run;
            compare_tile(&c, &closed_form->tiles[t][l], &simulated->tiles[t][l], !shortcut, false);
            links |= simulated->tiles[t][l].link_transfers > 0;
            for (uint32_t e = 0; e < simulated->tiles[t][l].entry_count; e++)
                multicast |= simulated->tiles[t][l].entries[e].multicast > 1;
        }
    }
    totals->with_links += links;
    totals->with_multicast += multicast;
    same_count(&c, "compute accesses", closed_form->compute_accesses, simulated->compute_accesses);
    same_count(&c, "compute replication", closed_form->compute_replication, simulated->compute_replication);
    same_count(&c, "compute x", (double)closed_form->compute_max_x, (double)simulated->compute_max_x);
    same_count(&c, "compute y", (double)closed_form->compute_max_y, (double)simulated->compute_max_y);
    same_count(&c, "temporal iterations", (double)closed_form->max_temporal_iterations,
               (double)simulated->max_temporal_iterations);

    /* Collapsed records. */
    ln_collapse_records(engine, mapping, levels, closed_form);
    ln_collapse_records(engine, mapping, levels, simulated);
    for (uint32_t t = 0; t < engine->tensor_count; t++)
        for (uint32_t l = 0; l < levels; l++)
            compare_tile(&c, &closed_form->tiles[t][l], &simulated->tiles[t][l], true, true);

    /* Whole evaluations. */
    static ln_evaluation evaluation_a, evaluation_b;
    ln_engine_evaluate_using(engine, mapping, scratch, &evaluation_a, LN_ANALYSIS_CLOSED_FORM, (ln_tensor_mask)~0u);
    ln_engine_evaluate_using(engine, mapping, scratch, &evaluation_b, LN_ANALYSIS_SIMULATION, (ln_tensor_mask)~0u);
    compare_evaluations(&c, &evaluation_a, &evaluation_b);
    totals->mismatches += c.mismatches ? 1 : 0;
}

/* Calls `check` on 16 random mappings of every architecture and problem
 * above, each with its spec, engine and scratch. */
typedef void (*mapping_check)(ln_spec *spec, ln_engine *engine, void *scratch, const char *context, void *data);

static void for_each_random_mapping(uint32_t seed, mapping_check check, void *data)
{
    random_state = seed;
    for (uint32_t a = 0; a < sizeof architectures / sizeof architectures[0]; a++) {
        for (int p = 0; p < PROBLEM_COUNT; p++) {
            ln_spec *spec = calloc(1, sizeof *spec);
            assert_non_null(spec);
            build_problem(&spec->problem, p);
            spec->has_problem = true;
            build_arch(&spec->arch, &architectures[a]);
            spec->has_arch = true;
            ln_diagnostics diagnostics;
            ln_diagnostics_init(&diagnostics);
            ln_engine *engine = ln_engine_create(spec, &diagnostics);
            ln_diagnostics_release(&diagnostics);
            assert_non_null(engine);
            void *scratch = calloc(1, ln_engine_scratch_size(engine));
            assert_non_null(scratch);
            for (int i = 0; i < 16; i++) {
                random_mapping(spec, &spec->mapping);
                char context[96];
                snprintf(context, sizeof context, "%s/problem %d/mapping %d", architectures[a].name, p, i);
                check(spec, engine, scratch, context, data);
            }
            free(scratch);
            ln_engine_destroy(engine);
            free(spec);
        }
    }
}

typedef struct analyses {
    ln_tile_analysis *closed_form, *simulated;
    equivalence_totals totals;
} analyses;

static void check_both_analyses(ln_spec *spec, ln_engine *engine, void *scratch, const char *context, void *data)
{
    analyses *both = data;
    check_mapping(spec, engine, &spec->mapping, scratch, both->closed_form, both->simulated, context, &both->totals);
}

static void perfect_mappings_agree(void **state)
{
    (void)state;
    analyses both = {calloc(1, sizeof *both.closed_form), calloc(1, sizeof *both.simulated), {0}};
    assert_non_null(both.closed_form);
    assert_non_null(both.simulated);
    for_each_random_mapping(20240611, check_both_analyses, &both);
    free(both.closed_form);
    free(both.simulated);
    equivalence_totals totals = both.totals;
    print_message("%u mappings, %u compared (%u with link transfers, %u with multicast), %u beyond the closed "
                  "form, %u disagreements\n",
                  totals.mappings, totals.compared, totals.with_links, totals.with_multicast,
                  totals.closed_form_unsupported, totals.mismatches);
    assert_int_equal(totals.mismatches, 0);
    /* The generator must keep exercising what makes the analyses differ. */
    assert_true(totals.compared >= 300);
    assert_true(totals.with_links >= 10);
    assert_true(totals.with_multicast >= 50);
}

/* The optimal search bounds each tensor by evaluating it alone
 * (ln_engine_evaluate_tensors): its accesses and energy at every level must
 * be exactly those of the full evaluation. */
static void check_tensors_alone(ln_spec *spec, ln_engine *engine, void *scratch, const char *context, void *data)
{
    (void)context;
    uint32_t *compared = data;
    static ln_evaluation whole, alone;
    ln_evaluation_status status = ln_engine_evaluate(engine, &spec->mapping, scratch, &whole);
    if (status != LN_EVALUATION_OK && status != LN_EVALUATION_CAPACITY)
        return;
    for (uint32_t t = 0; t < spec->problem.tensor_count; t++) {
        ln_engine_evaluate_tensors(engine, &spec->mapping, scratch, &alone, (ln_tensor_mask)(1u << t));
        for (uint32_t l = 0; l < whole.level_count; l++) {
            const ln_tensor_level_stats *x = &whole.levels[l].tensors[t], *y = &alone.levels[l].tensors[t];
            assert_int_equal(x->reads, y->reads);
            assert_int_equal(x->fills, y->fills);
            assert_int_equal(x->updates, y->updates);
            assert_true(x->energy == y->energy);
            assert_true(x->utilized_instances == y->utilized_instances);
            assert_true(x->temporal_reduction_energy == y->temporal_reduction_energy);
            assert_true(x->address_generation_energy == y->address_generation_energy);
        }
        (*compared)++;
    }
}

static void single_tensor_evaluations_agree(void **state)
{
    (void)state;
    uint32_t compared = 0;
    for_each_random_mapping(20261206, check_tensors_alone, &compared);
    print_message("%u tensors evaluated alone, all equal\n", compared);
    assert_true(compared >= 300);
}

/* ------------------------------------------------------------------ */
/* Simulated mappings against Timeloop                                  */
/* ------------------------------------------------------------------ */

/* The architecture of Timeloop's tutorial exercise 04 (16 PEs, each with a
 * register file), with 4 compute units per register file, along the X or
 * the Y axis of the compute mesh. */
#define TUTORIAL_04_ARCH(macc_mesh_x)                                                              \
    "architecture:\n"                                                                              \
    "  version: '0.4'\n"                                                                           \
    "  subtree:\n"                                                                                 \
    "  - name: System_top_level\n"                                                                 \
    "    local:\n"                                                                                 \
    "    - {name: 'MainMemory[1..1]', class: DRAM, attributes: {width: 256, datawidth: 8}}\n"      \
    "    - {name: 'inter_PE_spatial[1..1]', class: dummy_storage,\n"                               \
    "       attributes: {width: 1, depth: 1, datawidth: 1}}\n"                                     \
    "    - {name: 'GlobalBuffer[1..16]', class: SRAM,\n"                                           \
    "       attributes: {depth: 32768, width: 64, datawidth: 8, meshX: 16}}\n"                     \
    "    - {name: 'RegisterFile[1..16]', class: regfile,\n"                                        \
    "       attributes: {depth: 64, width: 8, datawidth: 8, meshX: 16}}\n"                         \
    "    - {name: 'MACC[1..64]', class: intmac, attributes: {width: 8, meshX: " #macc_mesh_x "}}\n"

/* One global buffer over a 17x17 array of register files. */
#define WIDE_ARRAY_ARCH                                                                            \
    "architecture:\n"                                                                              \
    "  version: '0.4'\n"                                                                           \
    "  subtree:\n"                                                                                 \
    "  - name: System_top_level\n"                                                                 \
    "    local:\n"                                                                                 \
    "    - {name: 'MainMemory[1..1]', class: DRAM, attributes: {width: 256, datawidth: 8}}\n"      \
    "    - {name: 'inter_PE_spatial[1..1]', class: dummy_storage,\n"                               \
    "       attributes: {width: 1, depth: 1, datawidth: 1}}\n"                                     \
    "    - {name: 'GlobalBuffer[1..1]', class: SRAM, attributes: {depth: 32768, width: 64, datawidth: 8}}\n" \
    "    - {name: 'RegisterFile[1..289]', class: regfile,\n"                                       \
    "       attributes: {depth: 64, width: 8, datawidth: 8, meshX: 17}}\n"                         \
    "    - {name: 'MACC[1..289]', class: intmac, attributes: {width: 8, meshX: 17}}\n"

/* Exercise 03's three levels, one instance each. */
#define TUTORIAL_03_ARCH                                                                           \
    "architecture:\n"                                                                              \
    "  version: '0.4'\n"                                                                           \
    "  subtree:\n"                                                                                 \
    "  - name: System_top_level\n"                                                                 \
    "    local:\n"                                                                                 \
    "    - {name: 'MainMemory[1..1]', class: DRAM, attributes: {width: 256, datawidth: 8}}\n"      \
    "    - {name: 'GlobalBuffer[1..1]', class: SRAM, attributes: {depth: 32768, width: 64, datawidth: 8}}\n" \
    "    - {name: 'RegisterFile[1..1]', class: regfile, attributes: {depth: 64, width: 8, datawidth: 8}}\n" \
    "    - {name: 'MACC[1..1]', class: intmac, attributes: {width: 8}}\n"

#define CONV1D_OC_PROBLEM(instance)                                                                \
    "problem:\n"                                                                                   \
    "  version: '0.4'\n"                                                                           \
    "  shape:\n"                                                                                   \
    "    name: Conv1D_OC\n"                                                                        \
    "    dimensions: [C, K, R, P]\n"                                                               \
    "    data_spaces:\n"                                                                           \
    "    - {name: Weights, projection: [[[C]], [[K]], [[R]]]}\n"                                   \
    "    - {name: Inputs, projection: [[[C]], [[R], [P]]]}\n"                                      \
    "    - {name: Outputs, projection: [[[K]], [[P]]], read_write: true}\n"                        \
    "  instance: " instance "\n"

typedef struct expected_tensor {
    const char *level;
    const char *tensor;
    uint64_t reads, fills, updates;
    uint64_t instances; /* as Timeloop prints them */
} expected_tensor;

typedef struct timeloop_case {
    const char *name;
    const char *arch;
    const char *problem;
    const char *mapping;
    uint64_t compute_instances, computes, compute_cycles, cycles;
    const char *link_level, *link_tensor; /* the link transfers among the children of a level */
    double links;
    expected_tensor tensors[10];
} timeloop_case;

/* Each case was measured with timeloop-model 4cf6d4c on this input (plus
 * the ERT and ART of the tutorial exercise the architecture comes from, for
 * the energies, which are not checked here): the per-instance reads, fills
 * and updates, the utilized instances, the computes and the cycles are
 * copied from its stats.txt, the link transfers from its map+stats.xml.
 * The cases come from the differential runs with random imperfect mappings
 * (residual factors placed innermost first, as Timeloop's mapper does). */
static const timeloop_case timeloop_cases[] = {
    /* Residuals on both fan-outs (P=3,1 to the compute units along Y, R=2,1
     * and P=2,1 to the PEs) and a temporal one (R=2,1); the compute count
     * is averaged over the compute units that ran, the cycles are all the
     * temporal iterations (2*2*2*2*2 = 32) however few units the last ones
     * keep busy. */
    {"two imperfect fan-outs", TUTORIAL_04_ARCH(16), CONV1D_OC_PROBLEM("{C: 4, K: 1, R: 5, P: 7}"),
     "mapping:\n"
     "- {target: inter_PE_spatial, type: bypass, bypass: [Inputs, Outputs, Weights]}\n"
     "- {target: GlobalBuffer, type: bypass, keep: [Outputs], bypass: [Inputs, Weights]}\n"
     "- {target: RegisterFile, type: bypass, keep: [Inputs, Outputs], bypass: [Weights]}\n"
     "- {target: MainMemory, type: temporal, factors: C=2 K=1 R=2 P=1, permutation: PKRC,\n"
     "   no_reuse: [Outputs]}\n"
     "- {target: inter_PE_spatial, type: temporal, factors: C=1 K=1 R=1 P=2, permutation: KRCP}\n"
     "- {target: inter_PE_spatial, type: spatial, factors: 'C=1 K=1 R=2,1 P=2,1', permutation: RPKC,\n"
     "   split: 2}\n"
     "- {target: GlobalBuffer, type: temporal, factors: C=1 K=1 R=1 P=1, permutation: KRCP}\n"
     "- {target: RegisterFile, type: temporal, factors: 'C=2 K=1 R=2,1 P=1', permutation: RKPC}\n"
     "- {target: RegisterFile, type: spatial, factors: 'C=1 K=1 R=1 P=3,1', permutation: CKPR, split: 2,\n"
     "   no_link_transfer: [Weights, Outputs]}\n",
     12, 96, 32, 32, "RegisterFile", "Inputs", 8,
     {{"RegisterFile", "Inputs", 40, 40, 0, 2},
      {"RegisterFile", "Outputs", 45, 13, 48, 2},
      {"GlobalBuffer", "Outputs", 13, 8, 16, 2},
      {"MainMemory", "Weights", 48, 0, 0, 1},
      {"MainMemory", "Inputs", 160, 0, 0, 1},
      {"MainMemory", "Outputs", 21, 0, 28, 1}}},
    /* R=5 as 4,2 outside, 2,1 temporal and 2,1 spatial inside: the last
     * iterations of the outer loops run their second-to-last iterations
     * too, and the compute units exchange outputs over links. */
    {"imperfect chain of three loops", TUTORIAL_04_ARCH(64), CONV1D_OC_PROBLEM("{C: 1, K: 2, R: 5, P: 1}"),
     "mapping:\n"
     "- {target: inter_PE_spatial, type: bypass, bypass: [Inputs, Outputs, Weights]}\n"
     "- {target: GlobalBuffer, type: bypass, keep: [Inputs, Outputs], bypass: [Weights]}\n"
     "- {target: RegisterFile, type: bypass, keep: [Weights], bypass: [Inputs, Outputs]}\n"
     "- {target: MainMemory, type: temporal, factors: C=1 K=2 R=1 P=1, permutation: PRCK}\n"
     "- {target: inter_PE_spatial, type: temporal, factors: 'C=1 K=1 R=4,2 P=1', permutation: RPCK}\n"
     "- {target: inter_PE_spatial, type: spatial, factors: C=1 K=1 R=1 P=1, permutation: CPRK, split: 0}\n"
     "- {target: GlobalBuffer, type: temporal, factors: C=1 K=1 R=1 P=1, permutation: PRCK}\n"
     "- {target: RegisterFile, type: temporal, factors: 'C=1 K=1 R=2,1 P=1', permutation: RPCK}\n"
     "- {target: RegisterFile, type: spatial, factors: 'C=1 K=1 R=2,1 P=1', permutation: RPCK, split: 3}\n",
     2, 10, 16, 16, "RegisterFile", "Outputs", 6,
     {{"RegisterFile", "Weights", 10, 10, 0, 1},
      {"GlobalBuffer", "Inputs", 10, 10, 0, 1},
      {"GlobalBuffer", "Outputs", 0, 0, 2, 1},
      {"MainMemory", "Weights", 10, 0, 0, 1},
      {"MainMemory", "Inputs", 10, 0, 0, 1},
      {"MainMemory", "Outputs", 0, 0, 2, 1}}},
    /* A sliding window over the compute units (P=4,3 spatial, R temporal
     * inside it): inputs move between neighbours over links. */
    {"imperfect sliding window", TUTORIAL_04_ARCH(64), CONV1D_OC_PROBLEM("{C: 4, K: 8, R: 3, P: 7}"),
     "mapping:\n"
     "- {target: inter_PE_spatial, type: bypass, bypass: [Inputs, Outputs, Weights]}\n"
     "- {target: GlobalBuffer, type: bypass, keep: [Inputs, Outputs], bypass: [Weights]}\n"
     "- {target: MainMemory, type: temporal, factors: C=1 K=2 R=1 P=1, permutation: CKPR}\n"
     "- {target: inter_PE_spatial, type: temporal, factors: C=2 K=1 R=1 P=1, permutation: PKCR}\n"
     "- {target: inter_PE_spatial, type: spatial, factors: C=1 K=4 R=1 P=1, permutation: KPRC, split: 1}\n"
     "- {target: GlobalBuffer, type: temporal, factors: C=1 K=1 R=1 P=2, permutation: CPKR}\n"
     "- {target: RegisterFile, type: temporal, factors: C=2 K=1 R=3 P=1, permutation: RCPK}\n"
     "- {target: RegisterFile, type: spatial, factors: 'C=1 K=1 R=1 P=4,3', permutation: PKRC, split: 1}\n",
     16, 672, 48, 48, "RegisterFile", "Inputs", 80,
     {{"RegisterFile", "Weights", 48, 24, 0, 4},
      {"RegisterFile", "Inputs", 88, 72, 0, 4},
      {"RegisterFile", "Outputs", 154, 14, 168, 4},
      {"GlobalBuffer", "Inputs", 72, 72, 0, 4},
      {"GlobalBuffer", "Outputs", 14, 0, 28, 4},
      {"MainMemory", "Weights", 96, 0, 0, 1},
      {"MainMemory", "Inputs", 72, 0, 0, 1},
      {"MainMemory", "Outputs", 0, 0, 56, 1}}},
    /* The outermost loop has a residual too (K=13,11 over K=3,2): it runs
     * its second-to-last and last iterations, and the cycles count all
     * 13*3*16*3 temporal iterations rather than the 1536 computes. */
    {"imperfect outermost loop", TUTORIAL_03_ARCH,
     "problem:\n"
     "  version: '0.4'\n"
     "  shape:\n"
     "    name: Conv1D_OC\n"
     "    dimensions: [K, R, P]\n"
     "    data_spaces:\n"
     "    - {name: Weights, projection: [[[K]], [[R]]]}\n"
     "    - {name: Inputs, projection: [[[R], [P]]]}\n"
     "    - {name: Outputs, projection: [[[K]], [[P]]], read_write: true}\n"
     "  instance: {K: 32, R: 3, P: 16}\n",
     "mapping:\n"
     "- {target: GlobalBuffer, type: datatype, keep: [Inputs, Outputs], bypass: [Weights]}\n"
     "- {target: RegisterFile, type: datatype, keep: [Outputs], bypass: [Inputs, Weights]}\n"
     "- {target: MainMemory, type: temporal, factors: 'K=13,11 R=1 P=16', permutation: PRK}\n"
     "- {target: GlobalBuffer, type: temporal, factors: K=1 R=3 P=1, permutation: KRP}\n"
     "- {target: RegisterFile, type: temporal, factors: 'K=3,2 R=1 P=1', permutation: PRK}\n",
     1, 1536, 1872, 1872, NULL, NULL, 0,
     {{"RegisterFile", "Outputs", 1024, 0, 1536, 1},
      {"GlobalBuffer", "Inputs", 1536, 198, 0, 1},
      {"GlobalBuffer", "Outputs", 0, 0, 512, 1},
      {"MainMemory", "Weights", 1536, 0, 0, 1},
      {"MainMemory", "Inputs", 198, 0, 0, 1},
      {"MainMemory", "Outputs", 0, 0, 512, 1}}},
    /* A perfect mapping the closed form cannot classify: P=17 by R=17
     * across the array puts the instances reading input p + r in 33
     * groups of 17 different sizes, more than it tracks, so the walk
     * takes it. */
    {"perfect but irregular fan-out", WIDE_ARRAY_ARCH, CONV1D_OC_PROBLEM("{C: 1, K: 2, R: 17, P: 17}"),
     "mapping:\n"
     "- {target: inter_PE_spatial, type: datatype, keep: [], bypass: [Weights, Inputs, Outputs]}\n"
     "- {target: MainMemory, type: temporal, factors: C=1 K=2 R=1 P=1, permutation: KCRP}\n"
     "- {target: GlobalBuffer, type: spatial, factors: C=1 K=1 R=17 P=17, permutation: PRCK, split: 1}\n",
     289, 578, 2, 2, NULL, NULL, 0,
     {{"RegisterFile", "Weights", 2, 2, 0, 289},
      {"RegisterFile", "Inputs", 2, 1, 0, 289},
      {"RegisterFile", "Outputs", 0, 0, 2, 289},
      {"GlobalBuffer", "Weights", 34, 34, 0, 1},
      {"GlobalBuffer", "Inputs", 33, 33, 0, 1},
      {"GlobalBuffer", "Outputs", 0, 0, 34, 1},
      {"MainMemory", "Inputs", 33, 0, 0, 1}}},
};

static void simulated_mappings_match_timeloop(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof timeloop_cases / sizeof timeloop_cases[0]; i++) {
        const timeloop_case *expected = &timeloop_cases[i];
        print_message("%s\n", expected->name);
        yaml_test test;
        yaml_test_init(&test);
        const char *names[] = {"arch.yaml", "problem.yaml", "mapping.yaml"};
        const char *texts[] = {expected->arch, expected->problem, expected->mapping};
        if (!yaml_test_load_texts(&test, 3, names, texts))
            yaml_test_dump(&test);
        assert_true(test.ok);
        const ln_spec *spec = &test.spec;
        assert_true(ln_mapping_validate(&spec->problem, &spec->arch, &spec->mapping, &test.diagnostics));
        ln_engine *engine = ln_engine_create(spec, &test.diagnostics);
        assert_non_null(engine);
        void *scratch = calloc(1, ln_engine_scratch_size(engine));
        ln_evaluation *result = calloc(1, sizeof *result);
        assert_non_null(scratch);
        assert_non_null(result);

        /* Only the simulation handles these. */
        assert_int_equal(ln_engine_evaluate_using(engine, &spec->mapping, scratch, result, LN_ANALYSIS_CLOSED_FORM, (ln_tensor_mask)~0u),
                         LN_EVALUATION_UNSUPPORTED);
        assert_int_equal(ln_engine_evaluate(engine, &spec->mapping, scratch, result), LN_EVALUATION_OK);

        assert_int_equal(result->compute.utilized_instances, expected->compute_instances);
        assert_int_equal(result->compute.computes, expected->computes);
        assert_int_equal(result->compute.cycles, expected->compute_cycles);
        assert_int_equal(result->cycles, expected->cycles);
        for (size_t k = 0; k < sizeof expected->tensors / sizeof expected->tensors[0]; k++) {
            const expected_tensor *tensor = &expected->tensors[k];
            if (!tensor->level)
                break;
            int level = ln_arch_find_storage(&spec->arch, tensor->level);
            int index = ln_problem_find_tensor(&spec->problem, tensor->tensor);
            assert_true(level >= 0 && index >= 0);
            const ln_tensor_level_stats *stats = &result->levels[level].tensors[index];
            if (stats->reads != tensor->reads || stats->fills != tensor->fills ||
                stats->updates != tensor->updates || (uint64_t)stats->utilized_instances != tensor->instances)
                fail_msg("%s: %s %s: reads %llu fills %llu updates %llu instances %llu, Timeloop %llu %llu %llu %llu",
                         expected->name, tensor->level, tensor->tensor, (unsigned long long)stats->reads,
                         (unsigned long long)stats->fills, (unsigned long long)stats->updates,
                         (unsigned long long)stats->utilized_instances, (unsigned long long)tensor->reads,
                         (unsigned long long)tensor->fills, (unsigned long long)tensor->updates,
                         (unsigned long long)tensor->instances);
        }
        if (expected->link_level) {
            int level = ln_arch_find_storage(&spec->arch, expected->link_level);
            int index = ln_problem_find_tensor(&spec->problem, expected->link_tensor);
            assert_true(level >= 0 && index >= 0);
            assert_true(result->levels[level].tensors[index].link_transfers == expected->links);
        }
        free(result);
        free(scratch);
        ln_engine_destroy(engine);
        yaml_test_release(&test);
    }
}

/* Timeloop exits when a spatial residual has no loop of its dimension
 * further out to spread over; loopnest refuses the mapping up front. */
static void spatial_residual_needs_an_outer_loop(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    const char *names[] = {"arch.yaml", "problem.yaml", "mapping.yaml"};
    const char *texts[] = {TUTORIAL_04_ARCH(64), CONV1D_OC_PROBLEM("{C: 1, K: 2, R: 3, P: 1}"),
                           "mapping:\n"
                           "- {target: inter_PE_spatial, type: bypass, bypass: [Inputs, Outputs, Weights]}\n"
                           "- {target: MainMemory, type: temporal, factors: C=1 K=2 R=1 P=1, permutation: PRCK}\n"
                           "- {target: RegisterFile, type: spatial, factors: C=1 K=1 R=3 P=1, "
                           "permutation: RPCK, split: 3}\n"};
    assert_true(yaml_test_load_texts(&test, 3, names, texts));
    /* R=4,3 on the fan-out to the compute units: the product is still 3,
     * but nothing further out iterates over R. */
    ln_spec *spec = &test.spec;
    int r = ln_problem_find_dimension(&spec->problem, "R");
    int register_file = ln_arch_find_storage(&spec->arch, "RegisterFile");
    spec->mapping.levels[register_file].spatial_factors[r] = 4;
    spec->mapping.levels[register_file].spatial_residuals[r] = 3;
    assert_false(ln_mapping_validate(&spec->problem, &spec->arch, &spec->mapping, &test.diagnostics));
    assert_non_null(yaml_test_find(&test, LN_SEVERITY_ERROR, "no loop of 'R' further out"));

    /* The engine refuses it too when asked directly. */
    ln_engine *engine = ln_engine_create(spec, &test.diagnostics);
    assert_non_null(engine);
    void *scratch = calloc(1, ln_engine_scratch_size(engine));
    ln_evaluation *result = calloc(1, sizeof *result);
    assert_non_null(scratch);
    assert_non_null(result);
    assert_int_equal(ln_engine_evaluate(engine, &spec->mapping, scratch, result), LN_EVALUATION_INVALID_MAPPING);
    free(result);
    free(scratch);
    ln_engine_destroy(engine);
    yaml_test_release(&test);
}

/* The walk doubles with every temporal loop; past a few million loop
 * visits the simulation gives up cleanly rather than run for minutes. */
static void simulation_gives_up_on_huge_walks(void **state)
{
    (void)state;
    ln_spec *spec = calloc(1, sizeof *spec);
    assert_non_null(spec);
    ln_problem *problem = &spec->problem;
    static const char *const names[] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"};
    for (int d = 0; d < 12; d++)
        test_add_dimension(problem, names[d], d == 0 ? 3 : 4);
    test_add_tensor(problem, "X", "A,B,C,D,E,F", false);
    test_add_tensor(problem, "Y", "G,H,I,J,K,L", false);
    test_add_tensor(problem, "Z", "A,G", true);
    spec->has_problem = true;
    test_add_storage(&spec->arch, "DRAM", true, 0, 1, 1, 1);
    test_add_storage(&spec->arch, "Buffer", false, 1u << 24, 1, 1, 1);
    test_add_storage(&spec->arch, "RegisterFile", false, 1u << 24, 1, 1, 1);
    test_finish_arch(&spec->arch, 1, 1);
    spec->has_arch = true;
    /* Every dimension 2 x 2 over the two inner levels (24 temporal loops),
     * A as 2 x (2,1) = 3. */
    ln_mapping_init_neutral(&spec->mapping, problem, 3);
    test_set_loops(&spec->mapping, problem, 1, false, "A2 B2 C2 D2 E2 F2 G2 H2 I2 J2 K2 L2", "ABCDEFGHIJKL");
    test_set_loops(&spec->mapping, problem, 0, false, "A2 B2 C2 D2 E2 F2 G2 H2 I2 J2 K2 L2", "ABCDEFGHIJKL");
    spec->mapping.levels[0].temporal_residuals[0] = 1;

    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    assert_true(ln_mapping_validate(problem, &spec->arch, &spec->mapping, &diagnostics));
    ln_engine *engine = ln_engine_create(spec, &diagnostics);
    assert_non_null(engine);
    void *scratch = calloc(1, ln_engine_scratch_size(engine));
    ln_evaluation *result = calloc(1, sizeof *result);
    assert_non_null(scratch);
    assert_non_null(result);
    assert_int_equal(ln_engine_evaluate(engine, &spec->mapping, scratch, result), LN_EVALUATION_UNSUPPORTED);
    assert_non_null(strstr(result->failures[0].message, "too many temporal loops"));
    free(result);
    free(scratch);
    ln_engine_destroy(engine);
    ln_diagnostics_release(&diagnostics);
    free(spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(perfect_mappings_agree),
        cmocka_unit_test(single_tensor_evaluations_agree),
        cmocka_unit_test(simulated_mappings_match_timeloop),
        cmocka_unit_test(spatial_residual_needs_an_outer_loop),
        cmocka_unit_test(simulation_gives_up_on_huge_walks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
