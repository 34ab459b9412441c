/* The oracle for the optimal search: on hundreds of generated small specs
 * (gemm, convolution, depthwise and strided shapes; 2 to 4 storage levels;
 * random capacities, block sizes, bandwidths, fan-outs and meshes; random
 * factor, order, split and keep/bypass constraints), a brute force walks
 * Timeloop's whole unpruned mapspace, every order of every level and every
 * split, written here independently of runtime/mapspace.c, and evaluates
 * every candidate. For every spec and every metric, `optimal` must give
 * exactly the brute-force best, `--pareto` exactly the brute-force front,
 * and the answer must not depend on the thread count.
 *
 * Specs in tests/data/oracle/ are kept regression cases: each must agree
 * too. A spec where the two ever differ is printed as YAML; save it there. */
#include "permutation_test_support.h"
#include "yaml_test_support.h"

#include <dirent.h>
#include <math.h>

#include "backend/yaml_export.h"
#include "runtime/engine.h"
#include "runtime/mapper.h"
#include "runtime/mapspace.h"

enum { SPECS = 320, DEEP_SPECS = 60, MAX_CANDIDATES = 20000, MAX_FRONT = 256 };

/* ------------------------------------------------------------------ */
/* Generated specs                                                      */
/* ------------------------------------------------------------------ */

static uint64_t random_state = 0x0123456789abcdefull;

static uint32_t draw(uint32_t bound)
{
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    return (uint32_t)(random_state % bound);
}

typedef struct text {
    char data[16384];
    size_t length;
} text;

static void put(text *out, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void put(text *out, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    int written = vsnprintf(out->data + out->length, sizeof out->data - out->length, format, arguments);
    va_end(arguments);
    if (written > 0)
        out->length += (size_t)written;
}

static uint32_t small_bound(void)
{
    static const uint32_t bounds[] = {1, 2, 2, 3, 4, 4, 6, 8};
    return bounds[draw(8)];
}

/* The problem; returns its dimension names (one letter each). */
static void generate_problem(text *out, char *dimensions, uint32_t *dimension_count)
{
    uint32_t shape = draw(4);
    put(out, "problem:\n  shape:\n    name: Generated\n");
    switch (shape) {
    case 0:
        strcpy(dimensions, "MNK");
        put(out, "    dimensions: [M, N, K]\n    data_spaces:\n"
                 "    - {name: A, projection: [[[M]], [[K]]]}\n"
                 "    - {name: B, projection: [[[K]], [[N]]]}\n"
                 "    - {name: Z, projection: [[[M]], [[N]]], read_write: true}\n");
        break;
    case 1:
        strcpy(dimensions, "KCRP");
        put(out, "    dimensions: [K, C, R, P]\n    data_spaces:\n"
                 "    - {name: W, projection: [[[K]], [[C]], [[R]]]}\n"
                 "    - {name: I, projection: [[[C]], [[R], [P]]]}\n"
                 "    - {name: O, projection: [[[K]], [[P]]], read_write: true}\n");
        break;
    case 2:
        strcpy(dimensions, "CRP");
        put(out, "    dimensions: [C, R, P]\n    data_spaces:\n"
                 "    - {name: W, projection: [[[C]], [[R]]]}\n"
                 "    - {name: I, projection: [[[C]], [[R], [P]]]}\n"
                 "    - {name: O, projection: [[[C]], [[P]]], read_write: true}\n");
        break;
    default:
        strcpy(dimensions, "KRP");
        put(out, "    dimensions: [K, R, P]\n    coefficients: [{name: Stride, default: 2}]\n"
                 "    data_spaces:\n"
                 "    - {name: W, projection: [[[K]], [[R]]]}\n"
                 "    - {name: I, projection: [[[R], [P, Stride]]]}\n"
                 "    - {name: O, projection: [[[K]], [[P]]], read_write: true}\n");
        break;
    }
    *dimension_count = (uint32_t)strlen(dimensions);
    put(out, "  instance: {");
    for (uint32_t d = 0; d < *dimension_count; d++)
        put(out, "%s%c: %u", d ? ", " : "", dimensions[d], small_bound());
    put(out, "}\n");
}

static void storage_attributes(text *out, bool dram)
{
    static const uint32_t depths[] = {4, 8, 16, 32, 64, 256};
    uint32_t block = 1 + draw(2);
    if (dram)
        put(out, "{width: %u, datawidth: 8", 8 * block);
    else
        put(out, "{depth: %u, width: %u, datawidth: 8", depths[draw(6)], 8 * block);
    if (draw(3) == 0)
        put(out, ", read_bandwidth: %u", 1 + draw(4));
    if (draw(4) == 0)
        put(out, ", write_bandwidth: %u", 1 + draw(4));
    if (!dram && draw(10) == 0)
        put(out, ", min_utilization: %g", 0.1 * (1 + draw(4)));
    put(out, "}");
}

/* The architecture: the outermost level, then 1 to 3 more, with up to two
 * fan-outs; returns the storage level names, outermost first, and in
 * `fanouts` bit i when a fan-out stands below names[i]. */
static uint32_t generate_arch(text *out, char names[4][16], uint32_t *fanouts)
{
    *fanouts = 0;
    uint32_t levels = 2 + draw(3);
    static const char *const mesh_x[] = {"1", "2", "3", "4"};
    put(out, "architecture:\n  version: 0.3\n  subtree:\n  - name: System\n    local:\n");
    put(out, "    - {name: L%u, class: DRAM, attributes: ", levels - 1);
    storage_attributes(out, true);
    put(out, "}\n");
    snprintf(names[0], 16, "L%u", levels - 1);
    uint32_t instances = 1;
    uint32_t indent = 4;
    for (uint32_t i = 1; i < levels; i++) {
        uint32_t level = levels - 1 - i;
        snprintf(names[i], 16, "L%u", level);
        /* A fan-out above this level: a subtree of copies. */
        if (draw(2) == 0 && instances < 8) {
            uint32_t x = 1 + draw(3), y = draw(3) == 0 ? 2 : 1;
            if (x * y > 1) {
                *fanouts |= 1u << (i - 1);
                instances *= x * y;
                put(out, "%*ssubtree:\n%*s- name: F%u[0..%u]\n%*s  attributes: {meshX: %s}\n%*s  local:\n", indent,
                    "", indent, "", level, instances - 1, indent, "", mesh_x[x - 1], indent, "");
                indent += 4;
            }
        }
        put(out, "%*s- {name: L%u, class: SRAM, attributes: ", indent, "", level);
        storage_attributes(out, false);
        put(out, "}\n");
    }
    /* The compute units, maybe behind one more fan-out. */
    if (draw(2) == 0 && instances < 8) {
        uint32_t x = 2 + draw(2);
        *fanouts |= 1u << (levels - 1);
        instances *= x;
        put(out, "%*ssubtree:\n%*s- name: U[0..%u]\n%*s  attributes: {meshX: %u}\n%*s  local:\n", indent, "", indent,
            "", instances - 1, indent, "", x, indent, "");
        indent += 4;
    }
    put(out, "%*s- {name: MACC, class: intmac, attributes: {datawidth: 8}}\n", indent, "");
    return levels;
}

static void generate_tables(text *out, char names[4][16], uint32_t levels)
{
    put(out, "ERT:\n  version: 0.2\n  tables:\n");
    for (uint32_t i = 0; i < levels; i++)
        put(out, "    System.%s: {read: {energy: %u}, write: {energy: %u}, update: {energy: %u}, leak: {energy: %g}}\n",
            names[i], 1 + draw(20), 1 + draw(20), 1 + draw(20), draw(3) == 0 ? 0.01 * (1 + draw(5)) : 0.0);
    put(out, "    System.MACC: {compute: {energy: %u}}\n", 1 + draw(3));
}

static void generate_constraints(text *out, const char *dimensions, uint32_t dimension_count, char names[4][16],
                                 uint32_t levels, uint32_t fanouts, const char *const *tensors)
{
    put(out, "mapspace_constraints:\n  targets:\n");
    uint32_t count = draw(4);
    bool any = false, utilization = false;
    for (uint32_t c = 0; c < count; c++) {
        uint32_t level = 1 + draw(levels - 1); /* not the outermost */
        uint32_t kind = draw(fanouts ? 7 : 4);
        if (kind >= 4) {
            /* At a fan-out: its factors, its order and X/Y split, or a
             * least utilization of the compute units. */
            uint32_t with_fanout[4], choices = 0;
            for (uint32_t i = 0; i < levels; i++)
                if (fanouts & (1u << i))
                    with_fanout[choices++] = i;
            const char *target = names[with_fanout[draw(choices)]];
            if (kind == 4) {
                put(out, "  - {target: %s, type: spatial, factors: %c%s%u}\n", target,
                    dimensions[draw(dimension_count)], draw(2) ? "<=" : "=", 1 + draw(2));
            } else if (kind == 5) {
                char first = dimensions[draw(dimension_count)], second = dimensions[draw(dimension_count)];
                if (second == first)
                    put(out, "  - {target: %s, type: spatial, permutation: %c, split: %u}\n", target, first, draw(2));
                else
                    put(out, "  - {target: %s, type: spatial, permutation: %c%c, split: %u}\n", target, first,
                        second, draw(3));
            } else if (!utilization) {
                put(out, "  - {target: %s, type: utilization, min: %g}\n", target, 0.25 * (1 + draw(3)));
                utilization = true;
            }
            any = true;
            continue;
        }
        switch (kind) {
        case 0: /* a bounded or fixed factor */
            put(out, "  - {target: %s, type: temporal, factors: %c%s%u}\n", names[level],
                dimensions[draw(dimension_count)], draw(2) ? "<=" : "=", 1 + draw(2));
            break;
        case 1: /* a partial order */
            put(out, "  - {target: %s, type: temporal, permutation: %c}\n", names[level],
                dimensions[draw(dimension_count)]);
            break;
        case 2:
            put(out, "  - {target: %s, type: bypass, keep: [%s]}\n", names[level], tensors[draw(3)]);
            break;
        default:
            put(out, "  - {target: %s, type: bypass, bypass: [%s]}\n", names[level], tensors[draw(3)]);
            break;
        }
        any = true;
    }
    if (!any)
        put(out, "  - {target: %s, type: temporal, factors: %c<=8}\n", names[0], dimensions[0]);
    if (draw(8) == 0)
        put(out, "mapper: {max_temporal_loops_in_a_mapping: %u}\n", 1 + draw(3));
}

/* ------------------------------------------------------------------ */
/* The brute force                                                      */
/* ------------------------------------------------------------------ */

typedef struct oracle_space {
    const ln_spec *spec;
    uint32_t dimensions, tensors, tiling_levels;
    uint32_t storage_of[2 * LN_MAX_STORAGE_LEVELS];
    bool spatial[2 * LN_MAX_STORAGE_LEVELS];
    uint64_t fanout_x[2 * LN_MAX_STORAGE_LEVELS], fanout_y[2 * LN_MAX_STORAGE_LEVELS];
    bool canonical[2 * LN_MAX_STORAGE_LEVELS];
    uint32_t fixed[2 * LN_MAX_STORAGE_LEVELS][LN_MAX_DIMENSIONS];
    uint32_t minimum[2 * LN_MAX_STORAGE_LEVELS][LN_MAX_DIMENSIONS], maximum[2 * LN_MAX_STORAGE_LEVELS][LN_MAX_DIMENSIONS];
    uint8_t prefix[2 * LN_MAX_STORAGE_LEVELS][LN_MAX_DIMENSIONS], prefix_count[2 * LN_MAX_STORAGE_LEVELS];
    bool split_fixed[2 * LN_MAX_STORAGE_LEVELS];
    uint32_t split[2 * LN_MAX_STORAGE_LEVELS];
    char bypass[LN_MAX_TENSORS][LN_MAX_STORAGE_LEVELS];
    double min_parallelism;     /* the utilization constraint */
    int64_t max_temporal_loops; /* the mapper's limit; 0 or less: none */
} oracle_space;

/* Timeloop's definition of the space, read from the spec directly. */
static void describe_space(const ln_spec *spec, oracle_space *space)
{
    memset(space, 0, sizeof *space);
    space->spec = spec;
    space->dimensions = spec->problem.dimension_count;
    space->tensors = spec->problem.tensor_count;
    uint32_t count = 0;
    int temporal_of[LN_MAX_STORAGE_LEVELS], spatial_of[LN_MAX_STORAGE_LEVELS];
    for (uint32_t level = 0; level < spec->arch.storage_count; level++) {
        uint64_t x = ln_arch_fanout_x(&spec->arch, level), y = ln_arch_fanout_y(&spec->arch, level);
        spatial_of[level] = -1;
        if (x * y > 1) {
            space->spatial[count] = true;
            space->fanout_x[count] = x;
            space->fanout_y[count] = y;
            space->storage_of[count] = level;
            spatial_of[level] = (int)count++;
        }
        space->storage_of[count] = level;
        temporal_of[level] = (int)count++;
    }
    space->tiling_levels = count;
    space->max_temporal_loops = spec->mapper.present ? spec->mapper.max_temporal_loops_in_a_mapping : -1;
    for (uint32_t t = 0; t < count; t++)
        for (uint32_t d = 0; d < space->dimensions; d++)
            space->maximum[t][d] = UINT32_MAX;
    for (uint32_t t = 0; t < space->tensors; t++)
        for (uint32_t level = 0; level < spec->arch.storage_count; level++)
            space->bypass[t][level] = level + 1 == spec->arch.storage_count ? '1' : 'X';
    for (uint32_t i = 0; i < spec->constraints.count; i++) {
        const ln_constraint *c = &spec->constraints.items[i];
        if (c->kind == LN_CONSTRAINT_DATASPACE) {
            for (uint32_t t = 0; t < space->tensors; t++) {
                if (c->keep & (1u << t))
                    space->bypass[t][c->level] = '1';
                if (c->bypass & (1u << t))
                    space->bypass[t][c->level] = '0';
            }
            continue;
        }
        if (c->kind == LN_CONSTRAINT_UTILIZATION)
            space->min_parallelism = c->min_utilization;
        if (c->kind != LN_CONSTRAINT_TEMPORAL && c->kind != LN_CONSTRAINT_SPATIAL)
            continue;
        int slot = c->kind == LN_CONSTRAINT_SPATIAL ? spatial_of[c->level] : temporal_of[c->level];
        for (uint32_t d = 0; d < space->dimensions; d++) {
            if (c->factor_relation[d] == LN_FACTOR_EQUAL)
                space->fixed[slot][d] = c->factors[d];
            if (c->min_factors[d] > space->minimum[slot][d])
                space->minimum[slot][d] = c->min_factors[d];
            if (c->max_factors[d] && c->max_factors[d] < space->maximum[slot][d])
                space->maximum[slot][d] = c->max_factors[d];
        }
        if (c->permutation_count) {
            memcpy(space->prefix[slot], c->permutation, c->permutation_count);
            space->prefix_count[slot] = c->permutation_count;
        }
        if (c->split_specified) {
            space->split_fixed[slot] = true;
            space->split[slot] = c->split;
        }
    }
    for (uint32_t t = 0; t < count; t++)
        space->canonical[t] = space->spatial[t] ? space->prefix_count[t] == 0 &&
                                                      !(space->fanout_x[t] > 1 && space->fanout_y[t] > 1)
                                                : t == 0;
}

typedef struct oracle_result {
    uint64_t candidates, valid;
    bool found[8];
    double best[8][2];
    ln_mapping best_mapping[8];
    uint32_t front_count;
    double front_energy[MAX_FRONT];
    uint64_t front_cycles[MAX_FRONT];
} oracle_result;

typedef struct oracle_walk {
    const oracle_space *space;
    const ln_engine *engine;
    void *scratch;
    ln_evaluation *evaluation;
    ln_mapping mapping;
    uint32_t factors[2 * LN_MAX_STORAGE_LEVELS][LN_MAX_DIMENSIONS];
    uint8_t orders[2 * LN_MAX_STORAGE_LEVELS][LN_MAX_DIMENSIONS];
    uint32_t splits[2 * LN_MAX_STORAGE_LEVELS];
    bool count_only;
    oracle_result *result;
    const ln_metric (*metric_sets)[2];
    const uint32_t *metric_counts;
    uint32_t metric_set_count;
} oracle_walk;

static void offer(oracle_walk *walk)
{
    const ln_evaluation *e = walk->evaluation;
    oracle_result *result = walk->result;
    for (uint32_t m = 0; m < walk->metric_set_count; m++) {
        double values[2];
        for (uint32_t k = 0; k < walk->metric_counts[m]; k++)
            values[k] = ln_mapper_metric(e, walk->metric_sets[m][k]);
        bool better = !result->found[m];
        for (uint32_t k = 0; k < walk->metric_counts[m] && !better; k++) {
            if (values[k] < result->best[m][k]) {
                better = true;
                break;
            }
            if (values[k] > result->best[m][k])
                break;
        }
        if (better) {
            result->found[m] = true;
            memcpy(result->best[m], values, sizeof values);
            result->best_mapping[m] = walk->mapping;
        }
    }
    /* The (energy, cycles) front. */
    for (uint32_t i = 0; i < result->front_count; i++)
        if (result->front_energy[i] <= e->energy && result->front_cycles[i] <= e->cycles)
            return;
    uint32_t kept = 0;
    for (uint32_t i = 0; i < result->front_count; i++) {
        if (e->energy <= result->front_energy[i] && e->cycles <= result->front_cycles[i])
            continue;
        result->front_energy[kept] = result->front_energy[i];
        result->front_cycles[kept] = result->front_cycles[i];
        kept++;
    }
    result->front_count = kept;
    if (kept < MAX_FRONT) {
        result->front_energy[kept] = e->energy;
        result->front_cycles[kept] = e->cycles;
        result->front_count++;
    }
}

/* Every keep/bypass choice of the current factors, orders and splits. */
static void walk_bypass(oracle_walk *walk, uint32_t tensor, uint32_t level)
{
    const oracle_space *space = walk->space;
    const ln_spec *spec = space->spec;
    if (walk->count_only && walk->result->candidates > MAX_CANDIDATES)
        return; /* too large to walk: the caller skips this spec */
    if (tensor == space->tensors) {
        walk->result->candidates++;
        if (walk->count_only)
            return;
        if (ln_engine_evaluate(walk->engine, &walk->mapping, walk->scratch, walk->evaluation) == LN_EVALUATION_OK) {
            walk->result->valid++;
            offer(walk);
        }
        return;
    }
    if (level == spec->arch.storage_count) {
        walk_bypass(walk, tensor + 1, 0);
        return;
    }
    char value = space->bypass[tensor][level];
    ln_mapping_level *entry = &walk->mapping.levels[level];
    for (int keep = 0; keep < 2; keep++) {
        if ((value == '1' && !keep) || (value == '0' && keep))
            continue;
        ln_tensor_mask bit = (ln_tensor_mask)(1u << tensor);
        entry->keep = (ln_tensor_mask)(keep ? entry->keep | bit : entry->keep & ~bit);
        entry->bypass = (ln_tensor_mask)(keep ? entry->bypass & ~bit : entry->bypass | bit);
        walk_bypass(walk, tensor, level + 1);
    }
}

/* Every order and split of tiling level `slot` and those above it. */
static void walk_orders(oracle_walk *walk, uint32_t slot)
{
    const oracle_space *space = walk->space;
    uint32_t dimensions = space->dimensions;
    if (walk->count_only && walk->result->candidates > MAX_CANDIDATES)
        return;
    if (slot == space->tiling_levels) {
        /* Timeloop's construction check: each fan-out along each axis. */
        for (uint32_t t = 0; t < space->tiling_levels; t++) {
            if (!space->spatial[t])
                continue;
            uint64_t x = 1, y = 1;
            for (uint32_t i = 0; i < dimensions; i++) {
                if (i < walk->splits[t])
                    x *= walk->factors[t][walk->orders[t][i]];
                else
                    y *= walk->factors[t][walk->orders[t][i]];
            }
            if (x > space->fanout_x[t] || y > space->fanout_y[t])
                return;
        }
        ln_mapping *mapping = &walk->mapping;
        ln_mapping_init_neutral(mapping, &space->spec->problem, space->spec->arch.storage_count);
        for (uint32_t t = 0; t < space->tiling_levels; t++) {
            ln_mapping_level *entry = &mapping->levels[space->storage_of[t]];
            uint32_t *factors = space->spatial[t] ? entry->spatial_factors : entry->temporal_factors;
            uint32_t *residuals = space->spatial[t] ? entry->spatial_residuals : entry->temporal_residuals;
            memcpy(space->spatial[t] ? entry->spatial_permutation : entry->temporal_permutation, walk->orders[t],
                   dimensions);
            for (uint32_t d = 0; d < dimensions; d++)
                factors[d] = residuals[d] = walk->factors[t][d];
            if (space->spatial[t]) {
                entry->spatial_split = (uint8_t)walk->splits[t];
                entry->split_specified = true;
            }
        }
        walk_bypass(walk, 0, 0);
        return;
    }
    /* The order: the constraint's innermost loops, then every order of
     * the rest (or the dimension order where Timeloop fixes it). */
    uint8_t *order = walk->orders[slot];
    uint32_t used = 0, placed = 0;
    for (uint32_t i = 0; i < space->prefix_count[slot]; i++) {
        order[used++] = space->prefix[slot][i];
        placed |= 1u << space->prefix[slot][i];
    }
    uint32_t free_begin = used;
    for (uint32_t d = 0; d < dimensions; d++)
        if (!(placed & (1u << d)))
            order[used++] = (uint8_t)d;
    if (space->canonical[slot])
        for (uint32_t d = 0; d < dimensions; d++)
            order[d] = (uint8_t)d;
    do {
        uint32_t first = space->spatial[slot] ? (space->split_fixed[slot] ? space->split[slot] : 0) : 0;
        uint32_t last = space->spatial[slot] ? (space->split_fixed[slot] ? space->split[slot] : dimensions) : 0;
        for (uint32_t split = first; split <= last; split++) {
            walk->splits[slot] = split;
            walk_orders(walk, slot + 1);
        }
    } while (!space->canonical[slot] && next_permutation(order + free_begin, dimensions - free_begin));
}

static void walk_factors(oracle_walk *walk, uint32_t dimension, uint32_t slot, uint32_t remaining)
{
    const oracle_space *space = walk->space;
    if (walk->count_only && walk->result->candidates > MAX_CANDIDATES)
        return;
    if (dimension == space->dimensions) {
        /* Timeloop's limits on the factors: the fraction of the compute
         * units in use, and how many temporal loops the mapping has. */
        double parallelism = 1;
        int64_t temporal_loops = 0;
        for (uint32_t t = 0; t < space->tiling_levels; t++) {
            uint64_t product = 1;
            for (uint32_t d = 0; d < space->dimensions; d++) {
                product *= walk->factors[t][d];
                temporal_loops += !space->spatial[t] && walk->factors[t][d] > 1;
            }
            if (space->spatial[t])
                parallelism *= (double)product / (double)(space->fanout_x[t] * space->fanout_y[t]);
        }
        if (!walk->count_only && (parallelism < space->min_parallelism ||
                                  (space->max_temporal_loops > 0 && temporal_loops > space->max_temporal_loops)))
            return;
        walk_orders(walk, 0);
        return;
    }
    if (slot == space->tiling_levels) {
        uint32_t next = dimension + 1;
        if (remaining == 1)
            walk_factors(walk, next, 0,
                         next < space->dimensions ? (uint32_t)space->spec->problem.dimension_bounds[next] : 1);
        return;
    }
    for (uint32_t f = 1; f <= remaining; f++) {
        if (remaining % f || f < space->minimum[slot][dimension] || f > space->maximum[slot][dimension])
            continue;
        if (space->fixed[slot][dimension] && f != space->fixed[slot][dimension])
            continue;
        walk->factors[slot][dimension] = f;
        walk_factors(walk, dimension, slot + 1, remaining / f);
    }
}

static void brute_force(oracle_walk *walk)
{
    walk_factors(walk, 0, 0, (uint32_t)walk->space->spec->problem.dimension_bounds[0]);
}

/* ------------------------------------------------------------------ */
/* The comparison                                                       */
/* ------------------------------------------------------------------ */

static const ln_metric metric_sets[][2] = {
    {LN_METRIC_DELAY, LN_METRIC_DELAY},   {LN_METRIC_ENERGY, LN_METRIC_ENERGY}, {LN_METRIC_EDP, LN_METRIC_EDP},
    {LN_METRIC_LAST_LEVEL_ACCESSES, LN_METRIC_LAST_LEVEL_ACCESSES},
    {LN_METRIC_DELAY, LN_METRIC_ENERGY},  {LN_METRIC_ENERGY, LN_METRIC_DELAY},
};
static const uint32_t metric_counts[] = {1, 1, 1, 1, 2, 2};
enum { METRIC_SETS = 6 };

typedef struct oracle_totals {
    uint32_t specs, specs_with_mappings, comparisons, fronts, thread_checks;
    uint64_t candidates;
    uint64_t fired[LN_PRUNING_RULE_COUNT]; /* runs in which each rule removed something */
} oracle_totals;

static void dump(const char *yaml)
{
    fprintf(stderr, "---- the spec (save it in tests/data/oracle/ as a regression case) ----\n%s\n----\n", yaml);
}

static bool run_optimal(const ln_engine *engine, const ln_mapspace *mapspace, const ln_spec *spec,
                        uint32_t metric_set, bool pareto, uint32_t threads, bool cold, ln_search_result *result)
{
    ln_search_settings settings;
    ln_mapper_settings_from_spec(spec, &settings);
    settings.algorithm = "optimal";
    settings.threads = threads;
    settings.pareto = pareto;
    settings.cold_start = cold;
    settings.metric_count = metric_counts[metric_set];
    memcpy(settings.metrics, metric_sets[metric_set], sizeof metric_sets[metric_set]);
    char error[128];
    return ln_mapper_run(engine, mapspace, &settings, NULL, result, error, sizeof error);
}

/* The fields that make a mapping; the source locations and "specified"
 * bits are bookkeeping of the readers. */
static bool same_mapping(const ln_mapping *a, const ln_mapping *b, uint32_t dimensions)
{
    if (a->level_count != b->level_count)
        return false;
    for (uint32_t l = 0; l < a->level_count; l++) {
        const ln_mapping_level *x = &a->levels[l], *y = &b->levels[l];
        for (uint32_t d = 0; d < dimensions; d++)
            if (x->temporal_factors[d] != y->temporal_factors[d] || x->spatial_factors[d] != y->spatial_factors[d] ||
                x->temporal_permutation[d] != y->temporal_permutation[d] ||
                x->spatial_permutation[d] != y->spatial_permutation[d]) {
                fprintf(stderr, "level %u dimension %u: temporal %u/%u spatial %u/%u orders %u/%u %u/%u\n", l, d,
                        x->temporal_factors[d], y->temporal_factors[d], x->spatial_factors[d], y->spatial_factors[d],
                        x->temporal_permutation[d], y->temporal_permutation[d], x->spatial_permutation[d],
                        y->spatial_permutation[d]);
                return false;
            }
        if (x->spatial_split != y->spatial_split || x->keep != y->keep || x->bypass != y->bypass) {
            fprintf(stderr, "level %u: split %u/%u keep %llx/%llx bypass %llx/%llx\n", l, x->spatial_split,
                    y->spatial_split, (unsigned long long)x->keep, (unsigned long long)y->keep,
                    (unsigned long long)x->bypass, (unsigned long long)y->bypass);
            return false;
        }
    }
    return true;
}

/* Prints a mapping as timeloop-model reads it, to see a disagreement. */
static void print_mapping(const char *title, const ln_spec *spec, const ln_mapping *mapping)
{
    ln_spec copy = *spec;
    copy.mapping = *mapping;
    copy.has_mapping = true;
    fprintf(stderr, "%s:\n", title);
    ln_write_yaml_mapping(stderr, &copy);
}

/* Checks one spec; false (with the spec printed) on a disagreement. */
static bool check_spec(const char *name, const char *yaml, bool check_threads, oracle_totals *totals)
{
    yaml_test test;
    yaml_test_init(&test);
    if (!yaml_test_load_texts(&test, 1, &name, &yaml)) {
        yaml_test_dump(&test);
        dump(yaml);
        yaml_test_release(&test);
        return false;
    }
    const ln_spec *spec = &test.spec;
    ln_mapspace *mapspace = ln_mapspace_create(spec, &test.diagnostics);
    ln_engine *engine = mapspace ? ln_engine_create(spec, &test.diagnostics) : NULL;
    if (!engine) {
        /* Constraints that leave nothing: the brute force agrees there is
         * no mapping (checked by the mapspace tests); not an oracle case. */
        ln_mapspace_destroy(mapspace);
        yaml_test_release(&test);
        return true;
    }
    oracle_space space;
    describe_space(spec, &space);
    static oracle_walk walk;
    static oracle_result expected;
    memset(&walk, 0, sizeof walk);
    memset(&expected, 0, sizeof expected);
    walk.space = &space;
    walk.engine = engine;
    walk.scratch = calloc(1, ln_engine_scratch_size(engine));
    walk.evaluation = calloc(1, sizeof *walk.evaluation);
    walk.result = &expected;
    walk.metric_sets = metric_sets;
    walk.metric_counts = metric_counts;
    walk.metric_set_count = METRIC_SETS;
    brute_force(&walk);
    totals->specs++;
    totals->candidates += expected.candidates;
    bool ok = true;
    for (uint32_t m = 0; m < METRIC_SETS && ok; m++) {
        /* Half the runs without the heuristic's first bound, so the walk's
         * own bounds are what must be right; the check with threads uses
         * the other start, so the answer must not depend on it either. */
        bool cold = (m + totals->specs) % 2 == 1;
        ln_search_result result;
        if (!run_optimal(engine, mapspace, spec, m, false, 1, cold, &result)) {
            ok = false;
            break;
        }
        totals->comparisons++;
        for (uint32_t rule = 0; rule < LN_PRUNING_RULE_COUNT; rule++)
            totals->fired[rule] += result.certificate.pruned[rule].events > 0;
        if (result.found != expected.found[m] || !result.certificate.optimal) {
            fprintf(stderr, "%s, metrics %u: found %d (brute force %d), optimal %d\n", name, m, result.found,
                    expected.found[m], result.certificate.optimal);
            ok = false;
        }
        for (uint32_t k = 0; ok && result.found && k < metric_counts[m]; k++)
            if (result.best_metrics[k] != expected.best[m][k]) {
                fprintf(stderr, "%s, metrics %u: optimal %.17g, brute force %.17g (metric %u)\n", name, m,
                        result.best_metrics[k], expected.best[m][k], k);
                print_mapping("the optimal search's mapping", spec, &result.best);
                print_mapping("the brute force's", spec, &expected.best_mapping[m]);
                ok = false;
            }
        if (ok && check_threads && result.found) {
            ln_search_result again;
            ok = run_optimal(engine, mapspace, spec, m, false, 3, !cold, &again);
            totals->thread_checks++;
            if (ok && (!same_mapping(&again.best, &result.best, spec->problem.dimension_count) ||
                       memcmp(again.best_metrics, result.best_metrics,
                              metric_counts[m] * sizeof again.best_metrics[0]) != 0)) {
                fprintf(stderr, "%s, metrics %u: three threads (%s start) found another mapping\n", name, m,
                        cold ? "warm" : "cold");
                ok = false;
            }
            ln_search_result_release(&again);
        }
        ln_search_result_release(&result);
    }
    if (ok && expected.valid) {
        totals->specs_with_mappings++;
        ln_search_result result;
        ok = run_optimal(engine, mapspace, spec, 0, true, check_threads ? 2 : 1, false, &result);
        totals->fronts++;
        for (uint32_t rule = 0; ok && rule < LN_PRUNING_RULE_COUNT; rule++)
            totals->fired[rule] += result.certificate.pruned[rule].events > 0;
        if (ok && result.pareto_count != expected.front_count) {
            fprintf(stderr, "%s: front of %u points, brute force %u\n", name, result.pareto_count, expected.front_count);
            ok = false;
        }
        for (uint32_t i = 0; ok && i < result.pareto_count; i++) {
            bool present = false;
            for (uint32_t j = 0; j < expected.front_count; j++)
                present = present || (expected.front_energy[j] == result.pareto[i].energy &&
                                      expected.front_cycles[j] == result.pareto[i].cycles);
            if (!present) {
                fprintf(stderr, "%s: front point (%.17g pJ, %llu cycles) is not the brute force's:", name,
                        result.pareto[i].energy, (unsigned long long)result.pareto[i].cycles);
                for (uint32_t j = 0; j < expected.front_count; j++)
                    fprintf(stderr, " (%.17g pJ, %llu cycles)", expected.front_energy[j],
                            (unsigned long long)expected.front_cycles[j]);
                fputc('\n', stderr);
                ok = false;
            }
        }
        ln_search_result_release(&result);
    }
    if (!ok)
        dump(yaml);
    free(walk.scratch);
    free(walk.evaluation);
    ln_engine_destroy(engine);
    ln_mapspace_destroy(mapspace);
    yaml_test_release(&test);
    return ok;
}

/* A generated spec, or false when its whole space is larger than the brute
 * force should walk. */
static bool generate_spec(text *out)
{
    char dimensions[8], names[4][16];
    uint32_t dimension_count;
    out->length = 0;
    generate_problem(out, dimensions, &dimension_count);
    uint32_t fanouts;
    uint32_t levels = generate_arch(out, names, &fanouts);
    static const char *const gemm_tensors[] = {"A", "B", "Z"}, *const conv_tensors[] = {"W", "I", "O"};
    generate_constraints(out, dimensions, dimension_count, names, levels, fanouts,
                         dimensions[0] == 'M' ? gemm_tensors : conv_tensors);
    generate_tables(out, names, levels);
    return true;
}

/* A deep hierarchy: a gemm or a convolution on four storage levels, maybe
 * with a fan-out, where the bounds on inner levels have room to work. The
 * middle levels' orders and keep/bypass choices are fixed by constraints,
 * so the whole space stays small enough to walk. */
static void generate_deep_spec(text *out)
{
    static const uint32_t bounds[] = {1, 2, 2, 4, 4, 8};
    out->length = 0;
    bool gemm = draw(2) == 0;
    const char *dimensions = gemm ? "MNK" : "KCP";
    static const char *const gemm_tensors[] = {"A", "B", "Z"}, *const conv_tensors[] = {"W", "I", "O"};
    const char *const *tensors = gemm ? gemm_tensors : conv_tensors;
    put(out, "problem:\n  shape:\n    name: Deep\n");
    if (gemm)
        put(out, "    dimensions: [M, N, K]\n    data_spaces:\n"
                 "    - {name: A, projection: [[[M]], [[K]]]}\n"
                 "    - {name: B, projection: [[[K]], [[N]]]}\n"
                 "    - {name: Z, projection: [[[M]], [[N]]], read_write: true}\n");
    else
        put(out, "    dimensions: [K, C, P]\n    data_spaces:\n"
                 "    - {name: W, projection: [[[K]], [[C]]]}\n"
                 "    - {name: I, projection: [[[C]], [[P]]]}\n"
                 "    - {name: O, projection: [[[K]], [[P]]], read_write: true}\n");
    put(out, "  instance: {%c: %u, %c: %u, %c: %u}\n", dimensions[0], bounds[draw(6)], dimensions[1],
        bounds[draw(6)], dimensions[2], bounds[draw(6)]);
    bool fanout = draw(2) == 0;
    put(out, "architecture:\n  version: 0.3\n  subtree:\n  - name: System\n    local:\n");
    put(out, "    - {name: L3, class: DRAM, attributes: ");
    storage_attributes(out, true);
    put(out, "}\n    - {name: L2, class: SRAM, attributes: ");
    storage_attributes(out, false);
    put(out, "}\n    - {name: L1, class: SRAM, attributes: ");
    storage_attributes(out, false);
    put(out, "}\n");
    uint32_t indent = 4;
    if (fanout) {
        put(out, "    subtree:\n    - name: F[0..1]\n      attributes: {meshX: 2}\n      local:\n");
        indent = 8;
    }
    put(out, "%*s- {name: L0, class: SRAM, attributes: ", indent, "");
    storage_attributes(out, false);
    put(out, "}\n%*s- {name: MACC, class: intmac, attributes: {datawidth: 8}}\n", indent, "");
    put(out, "mapspace_constraints:\n  targets:\n");
    static const char *const orders[] = {"MNK", "MKN", "NMK", "NKM", "KMN", "KNM"};
    for (uint32_t level = 1; level <= 2; level++) {
        const char *order = orders[draw(6)];
        put(out, "  - {target: L%u, type: temporal, permutation: %c%c%c}\n", level,
            gemm ? order[0] : (order[0] == 'M' ? 'K' : order[0] == 'N' ? 'C' : 'P'),
            gemm ? order[1] : (order[1] == 'M' ? 'K' : order[1] == 'N' ? 'C' : 'P'),
            gemm ? order[2] : (order[2] == 'M' ? 'K' : order[2] == 'N' ? 'C' : 'P'));
        char keep[32] = "", bypass[32] = "";
        for (uint32_t t = 0; t < 3; t++) {
            char *list = draw(3) ? keep : bypass;
            if (list[0])
                strcat(list, ", ");
            strcat(list, tensors[t]);
        }
        put(out, "  - {target: L%u, type: bypass, keep: [%s], bypass: [%s]}\n", level, keep, bypass);
    }
    /* Half of them with a costly outermost level, as in real designs, so
     * that its traffic decides. */
    bool costly = draw(2) == 0;
    put(out, "ERT:\n  version: 0.2\n  tables:\n");
    for (uint32_t level = 4; level-- > 0;) {
        uint32_t scale = costly && level == 3 ? 100 : 1;
        put(out, "    System.L%u: {read: {energy: %u}, write: {energy: %u}, update: {energy: %u}, leak: {energy: %g}}\n",
            level, scale * (1 + draw(20)), scale * (1 + draw(20)), scale * (1 + draw(20)),
            draw(3) == 0 ? 0.01 * (1 + draw(5)) : 0.0);
    }
    put(out, "    System.MACC: {compute: {energy: %u}}\n", 1 + draw(3));
}

static uint64_t space_size(const char *yaml)
{
    yaml_test test;
    yaml_test_init(&test);
    const char *name = "size.yaml";
    uint64_t size = UINT64_MAX;
    if (yaml_test_load_texts(&test, 1, &name, &yaml)) {
        oracle_space space;
        describe_space(&test.spec, &space);
        static oracle_walk walk;
        static oracle_result counted;
        memset(&walk, 0, sizeof walk);
        memset(&counted, 0, sizeof counted);
        walk.space = &space;
        walk.count_only = true;
        walk.result = &counted;
        test.diagnostics.suppress_warnings = true;
        brute_force(&walk);
        size = counted.candidates;
    }
    yaml_test_release(&test);
    return size;
}

static void test_optimal_equals_brute_force(void **state)
{
    (void)state;
    oracle_totals totals = {0};
    static text spec;
    uint32_t attempts = 0;
    while (totals.specs < SPECS) {
        attempts++;
        assert_true(attempts < 20 * SPECS);
        generate_spec(&spec);
        uint64_t size = space_size(spec.data);
        if (size == 0 || size > MAX_CANDIDATES)
            continue;
        char name[64];
        snprintf(name, sizeof name, "generated-%u.yaml", attempts);
        uint32_t before = totals.specs;
        assert_true(check_spec(name, spec.data, totals.specs % 8 == 0, &totals));
        if (totals.specs == before)
            continue;
    }
    uint32_t shallow = totals.specs;
    while (totals.specs < shallow + DEEP_SPECS) {
        attempts++;
        assert_true(attempts < 20 * (SPECS + DEEP_SPECS));
        generate_deep_spec(&spec);
        uint64_t size = space_size(spec.data);
        if (size == 0 || size > MAX_CANDIDATES)
            continue;
        char name[64];
        snprintf(name, sizeof name, "deep-%u.yaml", attempts);
        assert_true(check_spec(name, spec.data, totals.specs % 8 == 0, &totals));
    }
    printf("oracle: %u specs (%u with valid mappings), %llu candidates walked by brute force, %u best-mapping "
           "comparisons, %u Pareto fronts, %u thread-count checks: all equal\n",
           totals.specs, totals.specs_with_mappings, (unsigned long long)totals.candidates, totals.comparisons,
           totals.fronts, totals.thread_checks);
    /* Each rule must have removed something in some runs, or the oracle
     * would not be checking it. */
    printf("oracle: runs in which a rule removed something:");
    for (uint32_t rule = 0; rule < LN_PRUNING_RULE_COUNT; rule++)
        printf(" %s %llu", ln_pruning_rule_name((ln_pruning_rule)rule), (unsigned long long)totals.fired[rule]);
    printf("\n");
    for (uint32_t rule = 0; rule < LN_PRUNING_RULE_COUNT; rule++)
        assert_true(totals.fired[rule] > 0);
    assert_true(totals.specs_with_mappings >= 300);
}

/* Specs that once disagreed stay checked. */
static void test_regression_specs(void **state)
{
    (void)state;
    const char *directory = LN_TEST_DATA_DIR "/oracle";
    DIR *listing = opendir(directory);
    if (!listing)
        return;
    oracle_totals totals = {0};
    struct dirent *entry;
    while ((entry = readdir(listing)) != NULL) {
        if (!strstr(entry->d_name, ".yaml"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", directory, entry->d_name);
        FILE *file = fopen(path, "rb");
        assert_non_null(file);
        static char yaml[65536];
        size_t length = fread(yaml, 1, sizeof yaml - 1, file);
        yaml[length] = '\0';
        fclose(file);
        assert_true(check_spec(entry->d_name, yaml, true, &totals));
    }
    closedir(listing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regression_specs),
        cmocka_unit_test(test_optimal_equals_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
