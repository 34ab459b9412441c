/* The engine: per-spec plan and the micro-architectural model that turns the
 * tile analysis into per-level energy, bandwidth and cycles, following
 * Timeloop's BufferLevel, ArithmeticUnits and Topology models. */
#include "runtime/engine.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/engine_internal.h"

/* ------------------------------------------------------------------ */
/* Plan                                                                 */
/* ------------------------------------------------------------------ */

/* Timeloop's built-in fallback energies (its "PAT" model), used only when
 * neither an ERT nor the estimator provides a figure. */
static double fallback_sram_energy(uint64_t height, uint64_t width)
{
    const double x0 = 0.5, y0 = 1.0, x1 = 100.0, y1 = 6.0;
    double slope = (y1 - y0) / (x1 - x0);
    double kilobytes = (double)(width * height) / (8 * 1024);
    double units = slope * (kilobytes - x0) + y0;
    return (units * (double)width) / 16;
}

static double fallback_dram_energy(uint64_t width)
{
    return (200.0 * (double)width) / 16;
}

static double fallback_multiplier_energy(uint32_t bits)
{
    return ((double)bits / 16.0) * ((double)bits / 16.0);
}

static const ln_component_energy *find_component(const ln_energy_table *table, const char *name)
{
    const ln_component_energy *found = NULL;
    /* Like Timeloop, a later table entry for the same level wins. */
    for (uint32_t i = 0; i < table->count; i++)
        if (table->components[i].level_name && strcmp(table->components[i].level_name, name) == 0)
            found = &table->components[i];
    return found;
}

static bool component_action(const ln_component_energy *component, const char *action, double *energy)
{
    for (uint32_t i = 0; i < component->action_count; i++) {
        if (strcmp(component->actions[i].action, action) == 0) {
            *energy = component->actions[i].energy;
            return true;
        }
    }
    return false;
}

/* First ERT action of a priority list, as Timeloop maps its operations. */
static bool component_first_action(const ln_component_energy *component, const char *const *actions,
                                   double *energy)
{
    for (const char *const *action = actions; *action; action++)
        if (component_action(component, *action, energy))
            return true;
    return false;
}

/* Timeloop reads an ART's areas into single-precision floats; areas from
 * such a table are rounded the same way so that reports agree to the digit. */
static double art_area(const ln_component_energy *component)
{
    bool from_table = !component->area_source || strcmp(component->area_source, "ART") == 0;
    return from_table ? (double)(float)component->area : component->area;
}

static void plan_storage_level(ln_engine *engine, uint32_t index)
{
    const ln_storage_level *level = &engine->arch->storage[index];
    ln_plan_level *plan = &engine->levels[index];
    double vector_energy = 0;
    if (level->technology == LN_TECHNOLOGY_DRAM) {
        vector_energy = fallback_dram_energy((uint64_t)level->word_bits * level->block_size);
    } else if (level->size_specified && level->size > 0) {
        uint64_t height = (level->size + level->block_size - 1) / level->block_size;
        uint64_t width = (uint64_t)level->word_bits * level->block_size * level->cluster_size;
        vector_energy = fallback_sram_energy(height, width) / level->cluster_size;
    }
    plan->energy_source = "PAT";
    if (level->vector_access_energy.specified) {
        vector_energy = level->vector_access_energy.value;
        plan->energy_source = "user";
    }
    plan->vector_access_energy = vector_energy;
    plan->read_energy = plan->fill_energy = plan->update_energy = vector_energy;
    plan->leak_energy = 0;
    plan->area = 0;
    plan->area_source = "PAT";
    if (level->cluster_area.specified && level->cluster_area.value > 0) {
        plan->area = level->cluster_area.value / level->cluster_size;
        plan->area_source = "user";
    }

    const ln_component_energy *component = find_component(&engine->spec->energy, level->name);
    if (component && component->action_count > 0 && strcmp(plan->energy_source, "user") != 0) {
        static const char *const read_actions[] = {"random_read", "read", NULL};
        static const char *const fill_actions[] = {"random_fill", "random_write", "fill", "write", NULL};
        static const char *const update_actions[] = {"random_update", "random_write", "update", "write",
                                                     NULL};
        static const char *const leak_actions[] = {"leak", NULL};
        double largest = 0;
        for (uint32_t i = 0; i < component->action_count; i++)
            if (component->actions[i].energy > largest)
                largest = component->actions[i].energy;
        plan->vector_access_energy = largest / level->cluster_size;
        component_first_action(component, read_actions, &plan->read_energy);
        component_first_action(component, fill_actions, &plan->fill_energy);
        component_first_action(component, update_actions, &plan->update_energy);
        component_first_action(component, leak_actions, &plan->leak_energy);
        plan->energy_source = component->energy_source ? component->energy_source : "ERT";
    }
    if (component && component->has_area) {
        plan->area = art_area(component);
        plan->area_source = component->area_source ? component->area_source : "ART";
    }
    plan->fanout_x = ln_arch_fanout_x(engine->arch, index);
    plan->fanout_y = ln_arch_fanout_y(engine->arch, index);
    if (level->size_specified) {
        double range = ceil((double)(level->size / level->block_size));
        if (range < 1)
            range = 1;
        plan->addr_gen_bits = (uint64_t)ceil(log2(range));
    }
}

static void plan_compute_level(ln_engine *engine)
{
    const ln_compute_level *compute = &engine->arch->compute;
    double energy = compute->energy_override.specified ? compute->energy_override.value
                                                       : fallback_multiplier_energy(compute->word_bits);
    engine->compute_energy = energy;
    engine->compute_energy_source = compute->energy_override.specified ? "user" : "PAT";
    engine->compute_area = compute->area_override.specified ? compute->area_override.value : 0;
    engine->compute_area_source = compute->area_override.specified ? "user" : "PAT";
    const ln_component_energy *component = find_component(&engine->spec->energy, compute->name);
    if (component && component->action_count > 0) {
        static const char *const compute_actions[] = {"mac_random", "mult_random", "mac", "mult",
                                                      "compute", NULL};
        component_first_action(component, compute_actions, &engine->compute_energy);
        engine->compute_energy_source = component->energy_source ? component->energy_source : "ERT";
    }
    if (component && component->has_area) {
        engine->compute_area = art_area(component);
        engine->compute_area_source = component->area_source ? component->area_source : "ART";
    }
}

/* Access counts are summed in doubles, exact up to 2^53; a problem whose
 * operation count or tensor sizes exceed that would report rounded counts. */
static bool problem_fits_counters(const ln_problem *problem, ln_diagnostics *diagnostics)
{
    const double exact_limit = 9007199254740992.0; /* 2^53 */
    double operations = 1;
    for (uint32_t d = 0; d < problem->dimension_count; d++) {
        if (problem->dimension_bounds[d] <= 0) {
            ln_error(diagnostics, problem->dimension_locations[d], "give every dimension a positive bound",
                     "dimension %s has bound %lld", problem->dimension_names[d],
                     (long long)problem->dimension_bounds[d]);
            return false;
        }
        operations *= (double)problem->dimension_bounds[d];
    }
    if (operations > exact_limit) {
        ln_error(diagnostics, problem->location,
                 "split the workload into smaller layers (every count must stay below 2^53)",
                 "the problem has %.3g operations, more than loopnest can count exactly", operations);
        return false;
    }
    for (uint32_t t = 0; t < problem->tensor_count; t++) {
        const ln_tensor *tensor = &problem->tensors[t];
        double size = 1;
        for (uint32_t r = 0; r < tensor->rank_count; r++) {
            double extent = 1;
            for (uint32_t k = 0; k < tensor->ranks[r].term_count; k++) {
                const ln_projection_term *term = &tensor->ranks[r].terms[k];
                double coefficient =
                    term->coefficient < 0 ? 1 : fabs((double)problem->coefficient_values[term->coefficient]);
                extent += coefficient * (double)(problem->dimension_bounds[term->dimension] - 1);
            }
            size *= extent;
        }
        if (size > exact_limit) {
            ln_error(diagnostics, tensor->location,
                     "reduce the bounds or coefficients (every count must stay below 2^53)",
                     "tensor %s spans %.3g elements, more than loopnest can count exactly", tensor->name, size);
            return false;
        }
    }
    return true;
}

ln_engine *ln_engine_create(const ln_spec *spec, ln_diagnostics *diagnostics)
{
    if (!spec->has_problem) {
        ln_error(diagnostics, ln_location_none(), "add a problem: section (or a problem block in a .nest file)",
                 "no problem to evaluate");
        return NULL;
    }
    if (!spec->has_arch || spec->arch.storage_count == 0) {
        ln_error(diagnostics, ln_location_none(),
                 "add an architecture: section with at least one storage level and a compute unit",
                 "no architecture to evaluate");
        return NULL;
    }
    if (!problem_fits_counters(&spec->problem, diagnostics))
        return NULL;
    ln_engine *engine = calloc(1, sizeof *engine);
    if (!engine) {
        ln_error(diagnostics, ln_location_none(), NULL, "out of memory creating the engine");
        return NULL;
    }
    engine->spec = spec;
    engine->problem = &spec->problem;
    engine->arch = &spec->arch;
    engine->level_count = spec->arch.storage_count;
    engine->tensor_count = spec->problem.tensor_count;

    for (uint32_t t = 0; t < engine->tensor_count; t++) {
        const ln_tensor *tensor = &spec->problem.tensors[t];
        ln_plan_tensor *plan = &engine->tensors[t];
        plan->rank_count = tensor->rank_count;
        plan->read_write = tensor->read_write;
        for (uint32_t r = 0; r < tensor->rank_count; r++) {
            plan->term_count[r] = tensor->ranks[r].term_count;
            for (uint32_t k = 0; k < tensor->ranks[r].term_count; k++) {
                const ln_projection_term *term = &tensor->ranks[r].terms[k];
                plan->terms[r][k].dimension = term->dimension;
                int64_t coefficient =
                    term->coefficient < 0 ? 1 : spec->problem.coefficient_values[term->coefficient];
                plan->terms[r][k].coefficient = coefficient;
                plan->relevant_dimensions |= 1u << term->dimension;
                plan->step[term->dimension][r] += coefficient;
                plan->widening[term->dimension][r] += coefficient < 0 ? -coefficient : coefficient;
                plan->flat_rank[plan->flat_term_count] = (uint8_t)r;
                plan->flat_dimension[plan->flat_term_count] = term->dimension;
                plan->flat_magnitude[plan->flat_term_count] = coefficient < 0 ? -coefficient : coefficient;
                plan->flat_term_count++;
            }
        }
    }

    uint64_t largest_fanout = 1;
    uint64_t latency = 0;
    for (uint32_t level = 0; level < engine->level_count; level++) {
        plan_storage_level(engine, level);
        uint64_t fanout = engine->levels[level].fanout_x * engine->levels[level].fanout_y;
        if (fanout > largest_fanout)
            largest_fanout = fanout;
        latency += spec->arch.storage[level].network_fill_latency +
                   spec->arch.storage[level].network_drain_latency;
    }
    plan_compute_level(engine);
    /* Like Timeloop, a mapping may spread one fan-out wider than that
     * level's own ratio as long as the instances below exist, so a fan-out
     * can involve as many children as the largest instance count. */
    if (spec->arch.compute.instances > largest_fanout)
        largest_fanout = spec->arch.compute.instances;
    for (uint32_t level = 0; level < engine->level_count; level++)
        if (spec->arch.storage[level].instances > largest_fanout)
            largest_fanout = spec->arch.storage[level].instances;
    engine->max_block_instances = largest_fanout;
    engine->network_latency = latency;
    /* The analysis record first, then the analysis' own working memory. */
    engine->analysis_offset = (sizeof(ln_tile_analysis) + 63) / 64 * 64;
    /* The closed form and the simulation (for residual factors) share the
     * analysis' working memory: one evaluation uses one of them. */
    size_t closed_form = ln_tile_analysis_scratch_size(largest_fanout);
    size_t simulation = ln_nest_simulation_scratch_size(largest_fanout);
    engine->scratch_size = engine->analysis_offset + (closed_form > simulation ? closed_form : simulation);
    return engine;
}

void ln_engine_destroy(ln_engine *engine)
{
    free(engine);
}

void ln_engine_get_costs(const ln_engine *engine, ln_engine_costs *costs)
{
    memset(costs, 0, sizeof *costs);
    costs->compute_energy = engine->compute_energy;
    costs->network_latency = engine->network_latency;
    for (uint32_t level = 0; level < engine->level_count; level++) {
        costs->read_energy[level] = engine->levels[level].read_energy;
        costs->fill_energy[level] = engine->levels[level].fill_energy;
        costs->update_energy[level] = engine->levels[level].update_energy;
        costs->leak_energy[level] = engine->levels[level].leak_energy;
    }
}

size_t ln_engine_scratch_size(const ln_engine *engine)
{
    return engine->scratch_size;
}

/* ------------------------------------------------------------------ */
/* Evaluation                                                           */
/* ------------------------------------------------------------------ */

static void add_failure(ln_evaluation *result, ln_evaluation_status status, int32_t level, int32_t tensor,
                        uint64_t required, uint64_t available, const char *format, ...)
    __attribute__((format(printf, 7, 8)));

static void add_failure(ln_evaluation *result, ln_evaluation_status status, int32_t level, int32_t tensor,
                        uint64_t required, uint64_t available, const char *format, ...)
{
    if (result->status == LN_EVALUATION_OK)
        result->status = status;
    if (result->failure_count == sizeof result->failures / sizeof result->failures[0])
        return;
    ln_evaluation_failure *failure = &result->failures[result->failure_count++];
    failure->status = status;
    failure->level = level;
    failure->tensor = tensor;
    failure->required = required;
    failure->available = available;
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(failure->message, sizeof failure->message, format, arguments);
    va_end(arguments);
}

static uint64_t vector_count(uint64_t scalars, uint32_t block_size)
{
    return scalars % block_size == 0 ? scalars / block_size : scalars / block_size + 1;
}

static void check_fanouts(const ln_engine *engine, const ln_mapping *mapping, ln_evaluation *result)
{
    const ln_problem *problem = engine->problem;
    for (uint32_t level = 0; level < engine->level_count; level++) {
        const ln_mapping_level *entry = &mapping->levels[level];
        uint64_t x = 1, y = 1;
        for (uint32_t position = 0; position < problem->dimension_count; position++) {
            uint8_t dimension = entry->spatial_permutation[position];
            if (position < entry->spatial_split)
                x *= entry->spatial_factors[dimension];
            else
                y *= entry->spatial_factors[dimension];
        }
        const ln_plan_level *plan = &engine->levels[level];
        const char *name = engine->arch->storage[level].name;
        /* Like Timeloop, the per-level fan-out is not checked on its own:
         * only the cumulative spread against each level's mesh (below). A
         * level with no fan-out at all has no spatial loops, though. */
        if (x * y > 1 && plan->fanout_x * plan->fanout_y == 1) {
            add_failure(result, LN_EVALUATION_FANOUT, (int32_t)level, -1, x * y, 1,
                        "%s has no spatial fan-out (its next-inner level has as many instances), "
                        "but the mapping spreads %llu-way over it",
                        name, (unsigned long long)(x * y));
        }
    }
}

/* One storage level's model: capacity checks, accesses, energy, bandwidth. */
static void evaluate_storage_level(const ln_engine *engine, const ln_mapping *mapping,
                                   const ln_tile_analysis *analysis, uint32_t index, uint64_t compute_cycles,
                                   ln_evaluation *result)
{
    const ln_storage_level *level = &engine->arch->storage[index];
    const ln_plan_level *plan = &engine->levels[index];
    ln_level_evaluation *out = &result->levels[index];
    uint32_t tensor_count = engine->tensor_count;

    out->vector_access_energy = plan->vector_access_energy;
    out->energy_source = plan->energy_source;
    out->area_source = plan->area_source;
    out->read_energy = plan->read_energy;
    out->fill_energy = plan->fill_energy;
    out->update_energy = plan->update_energy;
    out->leak_energy = plan->leak_energy;
    out->area = plan->area;
    out->addr_gen_bits = plan->addr_gen_bits;

    uint64_t total_capacity = 0;
    double max_instances = 0;
    uint64_t max_x = 0, max_y = 0;
    for (uint32_t t = 0; t < tensor_count; t++) {
        const ln_movement_tile *tile = &analysis->tiles[t][index];
        ln_tensor_level_stats *stats = &out->tensors[t];
        stats->kept = ln_mapping_keeps(mapping, index, t);
        stats->tile_size = tile->size;
        stats->utilized_capacity = tile->size;
        stats->partition_size = tile->partition_size;
        stats->utilized_instances = tile->replication_factor;
        stats->utilized_x = tile->max_x_expansion;
        stats->utilized_y = tile->max_y_expansion;
        stats->reads = tile->reads;
        stats->fills = tile->fills;
        stats->updates = tile->updates;
        stats->temporal_reductions = (uint64_t)tile->temporal_reductions;
        stats->address_generations = engine->tensors[t].read_write ? tile->updates + tile->fills
                                                                   : tile->reads + tile->fills;
        stats->fanout = (uint32_t)tile->fanout;
        stats->link_transfers = tile->link_transfers;
        stats->peer_accesses = tile->peer_accesses;
        stats->peer_fills = tile->peer_fills;
        stats->bandwidth_consumption_scale = level->bandwidth_consumption_scale[t];
        stats->multicast_class_count = 0;
        stats->spatial_reductions = 0;
        /* Entries are already in (multicast, scatter) order. */
        for (uint32_t e = 0; e < tile->entry_count && e < LN_MAX_MULTICAST_CLASSES; e++) {
            const ln_access_entry *entry = &tile->entries[e];
            stats->multicast_classes[e].multicast = entry->multicast;
            stats->multicast_classes[e].scatter = entry->scatter;
            stats->multicast_classes[e].accesses = entry->accesses;
            stats->multicast_class_count++;
        }
        for (uint32_t e = 0; e < tile->entry_count; e++)
            if (engine->tensors[t].read_write)
                stats->spatial_reductions += (tile->entries[e].multicast - 1) * tile->entries[e].accesses;
        total_capacity += stats->utilized_capacity;
        if (stats->utilized_instances > max_instances)
            max_instances = stats->utilized_instances;
        if (stats->utilized_x > max_x)
            max_x = stats->utilized_x;
        if (stats->utilized_y > max_y)
            max_y = stats->utilized_y;
    }

    if (level->size_specified) {
        if (total_capacity > level->effective_size && !level->allow_overbooking) {
            add_failure(result, LN_EVALUATION_CAPACITY, (int32_t)index, -1, total_capacity,
                        level->effective_size, "the tiles mapped to %s need %llu words but it holds %llu",
                        level->name, (unsigned long long)total_capacity,
                        (unsigned long long)level->effective_size);
        } else if ((double)total_capacity < (double)level->effective_size * level->min_utilization) {
            add_failure(result, LN_EVALUATION_MIN_UTILIZATION, (int32_t)index, -1, total_capacity,
                        (uint64_t)((double)level->effective_size * level->min_utilization),
                        "the tiles mapped to %s use %llu words, below its minimum utilization of %.0f",
                        level->name, (unsigned long long)total_capacity,
                        (double)level->effective_size * level->min_utilization);
        }
    }
    if (max_instances > (double)level->instances) {
        add_failure(result, LN_EVALUATION_FANOUT, (int32_t)index, -1, (uint64_t)max_instances,
                    level->instances, "the mapping uses %llu instances of %s but it has %llu",
                    (unsigned long long)max_instances, level->name, (unsigned long long)level->instances);
    } else if (max_x > level->mesh_x) {
        add_failure(result, LN_EVALUATION_FANOUT, (int32_t)index, -1, max_x, level->mesh_x,
                    "the mapping spreads %s over %llu columns but its mesh has %llu", level->name,
                    (unsigned long long)max_x, (unsigned long long)level->mesh_x);
    } else if (max_y > level->mesh_y) {
        add_failure(result, LN_EVALUATION_FANOUT, (int32_t)index, -1, max_y, level->mesh_y,
                    "the mapping spreads %s over %llu rows but its mesh has %llu", level->name,
                    (unsigned long long)max_y, (unsigned long long)level->mesh_y);
    }

    uint64_t clusters = level->instances / (level->cluster_size ? level->cluster_size : 1);
    double read_demand[LN_MAX_TENSORS], write_demand[LN_MAX_TENSORS];
    double total_read = 0, total_write = 0;
    for (uint32_t t = 0; t < tensor_count; t++) {
        ln_tensor_level_stats *stats = &out->tensors[t];
        uint64_t expansion = stats->utilized_x * stats->utilized_y;
        stats->utilized_clusters = expansion < clusters ? expansion : clusters;
        stats->vector_reads = stats->reads ? (double)vector_count(stats->reads, level->block_size) : 0;
        stats->vector_fills = stats->fills ? (double)vector_count(stats->fills, level->block_size) : 0;
        stats->vector_updates = stats->updates ? (double)vector_count(stats->updates, level->block_size) : 0;
        double cluster_energy = stats->vector_reads * plan->read_energy +
                                stats->vector_fills * plan->fill_energy +
                                stats->vector_updates * plan->update_energy;
        double cluster_utilization = (double)expansion / (double)stats->utilized_clusters;
        uint64_t actual_accesses = stats->reads + stats->fills + stats->updates;
        if (stats->utilized_instances > 0) {
            stats->energy = cluster_energy / cluster_utilization;
            stats->energy_per_access = actual_accesses ? stats->energy / (double)actual_accesses : 0;
        } else {
            stats->energy = 0;
            stats->energy_per_access = 0;
        }
        stats->energy_total = stats->energy * stats->utilized_instances;
        stats->temporal_reduction_energy = 0;
        stats->address_generation_energy =
            level->addr_gen_energy.specified && level->addr_gen_energy.value >= 0
                ? (double)stats->address_generations * level->addr_gen_energy.value
                : 0;

        uint64_t reads = stats->reads;
        uint64_t writes = stats->fills + stats->updates;
        double scaling = stats->utilized_instances > 0 ? (double)expansion / stats->utilized_instances : 1;
        double scaled_reads = ceil((double)reads / scaling);
        double scaled_writes = ceil((double)writes / scaling);
        read_demand[t] = (scaled_reads / (double)compute_cycles) * stats->bandwidth_consumption_scale;
        write_demand[t] = (scaled_writes / (double)compute_cycles) * stats->bandwidth_consumption_scale;
        total_read += read_demand[t];
        total_write += write_demand[t];
    }

    double slowdown = 1.0;
    if (level->read_bandwidth.specified && level->read_bandwidth.value < total_read)
        slowdown = fmin(slowdown, level->read_bandwidth.value / total_read);
    if (level->write_bandwidth.specified && level->write_bandwidth.value < total_write)
        slowdown = fmin(slowdown, level->write_bandwidth.value / total_write);
    if (level->shared_bandwidth.specified && level->shared_bandwidth.value < total_read + total_write)
        slowdown = fmin(slowdown, level->shared_bandwidth.value / (total_read + total_write));
    for (uint32_t t = 0; t < tensor_count; t++) {
        ln_tensor_level_stats *stats = &out->tensors[t];
        stats->read_bandwidth = slowdown * read_demand[t];
        stats->write_bandwidth = slowdown * write_demand[t];
        stats->shared_bandwidth = slowdown * (read_demand[t] + write_demand[t]);
    }
    out->slowdown = slowdown;
    out->cycles = (uint64_t)ceil((double)compute_cycles / slowdown);

    double leaks = 1;
    for (uint32_t t = 0; t < tensor_count; t++)
        if (out->tensors[t].utilized_instances > leaks)
            leaks = out->tensors[t].utilized_instances;
    out->instances_sharing_power_gating = 1;
    out->non_power_gated_utilization = 1;
    out->leaks_per_cycle = leaks;

    uint64_t accesses = 0;
    for (uint32_t t = 0; t < tensor_count; t++) {
        const ln_tensor_level_stats *stats = &out->tensors[t];
        accesses += (uint64_t)stats->utilized_instances * (stats->reads + stats->updates + stats->fills);
    }
    out->total_scalar_accesses = accesses;
}

ln_evaluation_status ln_engine_evaluate(const ln_engine *engine, const ln_mapping *mapping, void *scratch,
                                        ln_evaluation *result)
{
    return ln_engine_evaluate_using(engine, mapping, scratch, result, LN_ANALYSIS_AUTOMATIC, (ln_tensor_mask)~0u);
}

ln_evaluation_status ln_engine_evaluate_tensors(const ln_engine *engine, const ln_mapping *mapping, void *scratch,
                                                ln_evaluation *result, ln_tensor_mask tensors)
{
    return ln_engine_evaluate_using(engine, mapping, scratch, result, LN_ANALYSIS_AUTOMATIC, tensors);
}

ln_evaluation_status ln_engine_evaluate_using(const ln_engine *engine, const ln_mapping *mapping, void *scratch,
                                              ln_evaluation *result, ln_analysis_method method,
                                              ln_tensor_mask tensors)
{
    result->status = LN_EVALUATION_OK;
    result->failure_count = 0;
    result->level_count = engine->level_count;
    result->tensor_count = engine->tensor_count;

    if (mapping->level_count != engine->level_count) {
        add_failure(result, LN_EVALUATION_INVALID_MAPPING, -1, -1, mapping->level_count, engine->level_count,
                    "the mapping describes %u levels but the architecture has %u", mapping->level_count,
                    engine->level_count);
        return result->status;
    }

    ln_build_loop_nest(engine->problem, engine->arch, mapping, &result->nest);
    check_fanouts(engine, mapping, result);
    if (result->status != LN_EVALUATION_OK)
        return result->status;

    ln_tile_analysis *analysis = scratch;
    ln_evaluation_failure failure;
    if (!ln_tile_analysis_run(engine, mapping, &result->nest, (char *)scratch + engine->analysis_offset,
                              analysis, method, tensors, &failure)) {
        add_failure(result, failure.status, failure.level, failure.tensor, 0, 0, "%s", failure.message);
        return result->status;
    }

    /* Compute level. */
    const ln_compute_level *compute = &engine->arch->compute;
    ln_compute_evaluation *compute_out = &result->compute;
    uint64_t utilized = analysis->compute_max_x * analysis->compute_max_y;
    compute_out->utilized_instances = utilized;
    compute_out->energy_per_compute = engine->compute_energy;
    compute_out->energy_source = engine->compute_energy_source;
    compute_out->area_source = engine->compute_area_source;
    compute_out->area = engine->compute_area;
    if (utilized > compute->instances) {
        add_failure(result, LN_EVALUATION_FANOUT, -1, -1, utilized, compute->instances,
                    "the mapping uses %llu compute units of %s but there are %llu",
                    (unsigned long long)utilized, compute->name, (unsigned long long)compute->instances);
    } else if (analysis->compute_max_x > compute->mesh_x) {
        add_failure(result, LN_EVALUATION_FANOUT, -1, -1, analysis->compute_max_x, compute->mesh_x,
                    "the mapping spreads %s over %llu columns but its mesh has %llu", compute->name,
                    (unsigned long long)analysis->compute_max_x, (unsigned long long)compute->mesh_x);
    } else if (analysis->compute_max_y > compute->mesh_y) {
        add_failure(result, LN_EVALUATION_FANOUT, -1, -1, analysis->compute_max_y, compute->mesh_y,
                    "the mapping spreads %s over %llu rows but its mesh has %llu", compute->name,
                    (unsigned long long)analysis->compute_max_y, (unsigned long long)compute->mesh_y);
    }
    uint64_t computes = (uint64_t)(analysis->compute_accesses * analysis->compute_replication);
    compute_out->computes = computes;
    compute_out->energy = (double)computes * engine->compute_energy;
    /* With a residual factor Timeloop counts every temporal iteration as a
     * cycle (gEnableImperfectCycleCount), however few units the last ones
     * keep busy. */
    compute_out->cycles = analysis->imperfect
                              ? analysis->max_temporal_iterations
                              : (uint64_t)ceil((double)computes / analysis->compute_replication);
    uint64_t compute_cycles = compute_out->cycles;

    uint64_t total_cycles = compute_cycles;
    for (uint32_t level = 0; level < engine->level_count; level++) {
        evaluate_storage_level(engine, mapping, analysis, level, compute_cycles, result);
        if (result->levels[level].cycles > total_cycles)
            total_cycles = result->levels[level].cycles;
    }

    double energy = compute_out->energy;
    double area = compute_out->area * (double)compute->instances;
    for (uint32_t level = 0; level < engine->level_count; level++) {
        ln_level_evaluation *out = &result->levels[level];
        out->leakage_energy = out->leak_energy * (double)total_cycles * out->leaks_per_cycle;
        double level_energy = out->leakage_energy;
        for (uint32_t t = 0; t < engine->tensor_count; t++) {
            const ln_tensor_level_stats *stats = &out->tensors[t];
            level_energy += stats->energy * stats->utilized_instances +
                            stats->temporal_reduction_energy * stats->utilized_instances +
                            stats->address_generation_energy * (double)stats->utilized_clusters;
        }
        out->energy = level_energy;
        out->network_energy = 0;
        energy += level_energy;
        area += out->area * (double)engine->arch->storage[level].instances;
    }

    result->cycles = total_cycles + engine->network_latency;
    result->energy = energy;
    result->area = area;
    result->computes = computes;
    result->utilization = ((double)computes / (double)compute->instances) / (double)result->cycles;

    /* Operational intensity, as Timeloop reports it. */
    uint64_t minimum_traffic = 0, output_size = 0;
    for (uint32_t t = 0; t < engine->tensor_count; t++) {
        uint64_t capacity = 0;
        for (uint32_t level = engine->level_count; level-- > 0;) {
            capacity = result->levels[level].tensors[t].utilized_capacity;
            if (capacity > 0)
                break;
        }
        minimum_traffic += capacity;
        if (engine->tensors[t].read_write)
            output_size += capacity;
    }
    result->total_elementwise_ops = computes;
    result->total_reduction_ops = computes - output_size;
    result->total_ops = result->total_elementwise_ops + result->total_reduction_ops;
    result->total_memory_accesses_required = minimum_traffic;
    uint32_t outer_word_bits = engine->arch->storage[engine->level_count - 1].word_bits;
    /* Timeloop divides a float by an integer byte count here. */
    result->optimal_op_per_byte =
        (double)((float)result->total_ops / (float)(outer_word_bits * minimum_traffic / 8));
    result->gflops = (double)((float)result->total_ops / (float)result->cycles);
    result->edp = (double)(float)result->cycles * result->energy / 1e12;
    return result->status;
}
