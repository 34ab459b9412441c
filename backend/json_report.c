#include "backend/json_report.h"

#include <string.h>

#include "backend/json_writer.h"
#include "backend/report_figures.h"

static void ln_json_member_optional(ln_json_writer *json, const char *key, ln_optional_number number)
{
    ln_json_key(json, key);
    if (number.specified)
        ln_json_double(json, number.value);
    else
        ln_json_null(json);
}

static const char *ln_tensor_name(const ln_spec *spec, uint32_t tensor)
{
    return spec->problem.tensors[tensor].name;
}

static void ln_write_failures(ln_json_writer *json, const ln_spec *spec, const ln_evaluation *evaluation)
{
    uint32_t count = evaluation->failure_count;
    uint32_t capacity = (uint32_t)(sizeof evaluation->failures / sizeof evaluation->failures[0]);
    if (count > capacity)
        count = capacity;
    uint32_t storage_count = ln_report_storage_count(spec);
    uint32_t tensor_count = ln_report_tensor_count(spec);

    ln_json_key(json, "failures");
    ln_json_begin_array(json);
    for (uint32_t i = 0; i < count; i++) {
        const ln_evaluation_failure *failure = &evaluation->failures[i];
        ln_json_begin_object(json);
        ln_json_member_string(json, "status", ln_report_status_name(failure->status));
        ln_json_member_int(json, "level_index", failure->level);
        ln_json_key(json, "level");
        if (failure->level < 0)
            ln_json_string(json, spec->arch.compute.name);
        else if ((uint32_t)failure->level < storage_count)
            ln_json_string(json, spec->arch.storage[failure->level].name);
        else
            ln_json_null(json);
        ln_json_key(json, "tensor");
        if (failure->tensor >= 0 && (uint32_t)failure->tensor < tensor_count)
            ln_json_string(json, ln_tensor_name(spec, (uint32_t)failure->tensor));
        else
            ln_json_null(json);
        ln_json_member_uint(json, "required", failure->required);
        ln_json_member_uint(json, "available", failure->available);
        ln_json_key(json, "message");
        ln_json_string_n(json, failure->message, strnlen(failure->message, sizeof failure->message));
        ln_json_end_object(json);
    }
    ln_json_end_array(json);
}

static void ln_write_problem(ln_json_writer *json, const ln_spec *spec)
{
    const ln_problem *problem = &spec->problem;
    ln_json_key(json, "problem");
    ln_json_begin_object(json);
    ln_json_member_string(json, "name", problem->name);
    ln_json_key(json, "dimensions");
    ln_json_begin_array(json);
    uint32_t dimension_count = problem->dimension_count > LN_MAX_DIMENSIONS ? LN_MAX_DIMENSIONS
                                                                            : problem->dimension_count;
    for (uint32_t d = 0; d < dimension_count; d++) {
        ln_json_begin_object(json);
        ln_json_member_string(json, "name", problem->dimension_names[d]);
        ln_json_member_int(json, "bound", problem->dimension_bounds[d]);
        ln_json_end_object(json);
    }
    ln_json_end_array(json);
    ln_json_key(json, "tensors");
    ln_json_begin_array(json);
    uint32_t tensor_count = ln_report_tensor_count(spec);
    for (uint32_t t = 0; t < tensor_count; t++) {
        ln_json_begin_object(json);
        ln_json_member_string(json, "name", problem->tensors[t].name);
        ln_json_member_bool(json, "read_write", problem->tensors[t].read_write);
        ln_json_end_object(json);
    }
    ln_json_end_array(json);
    ln_json_end_object(json);
}

static void ln_write_compute_level(ln_json_writer *json, const ln_spec *spec, const ln_evaluation *evaluation)
{
    const ln_compute_level *compute = &spec->arch.compute;
    const ln_compute_evaluation *stats = &evaluation->compute;
    bool evaluated = evaluation->status == LN_EVALUATION_OK;

    ln_json_begin_object(json);
    ln_json_member_uint(json, "level_number", 0);
    ln_json_member_string(json, "kind", "compute");
    ln_json_member_string(json, "name", compute->name);
    ln_json_member_string(json, "component_class", compute->component_class);
    ln_json_member_bool(json, "hidden", evaluated && ln_report_compute_level_hidden(stats));

    ln_json_key(json, "specs");
    ln_json_begin_object(json);
    ln_json_member_uint(json, "word_bits", compute->word_bits);
    ln_json_member_uint(json, "instances", compute->instances);
    ln_json_member_uint(json, "mesh_x", compute->mesh_x);
    ln_json_member_uint(json, "mesh_y", compute->mesh_y);
    ln_json_member_double(json, "compute_energy_pj", stats->energy_per_compute);
    ln_json_member_string(json, "energy_source", stats->energy_source);
    ln_json_member_double(json, "area_per_instance_um2", stats->area);
    ln_json_member_string(json, "area_source", stats->area_source);
    ln_json_end_object(json);

    ln_json_key(json, "stats");
    if (!evaluated) {
        ln_json_null(json);
    } else {
        ln_json_begin_object(json);
        ln_json_member_uint(json, "utilized_instances", stats->utilized_instances);
        ln_json_member_uint(json, "computes", stats->computes);
        ln_json_member_uint(json, "cycles", stats->cycles);
        ln_json_member_double(json, "energy_pj", stats->energy);
        ln_json_member_double(json, "area_um2", stats->area * (double)compute->instances);
        ln_json_end_object(json);
    }
    ln_json_end_object(json);
}

static void ln_write_tensor_stats(ln_json_writer *json, const char *name, const ln_tensor_level_stats *tensor)
{
    double instances = tensor->utilized_instances;
    ln_json_begin_object(json);
    ln_json_member_string(json, "name", name);
    ln_json_member_uint(json, "partition_size", tensor->partition_size);
    ln_json_member_uint(json, "utilized_capacity", tensor->utilized_capacity);
    ln_json_member_uint(json, "tile_size", tensor->tile_size);
    ln_json_member_double(json, "utilized_instances", instances);
    ln_json_member_uint(json, "utilized_x", tensor->utilized_x);
    ln_json_member_uint(json, "utilized_y", tensor->utilized_y);
    ln_json_member_uint(json, "utilized_clusters", tensor->utilized_clusters);
    ln_json_member_uint(json, "reads_per_instance", tensor->reads);
    ln_json_member_uint(json, "fills_per_instance", tensor->fills);
    ln_json_member_uint(json, "updates_per_instance", tensor->updates);
    ln_json_member_uint(json, "temporal_reductions_per_instance", tensor->temporal_reductions);
    ln_json_member_uint(json, "address_generations_per_cluster", tensor->address_generations);
    ln_json_member_double(json, "vector_reads_per_instance", tensor->vector_reads);
    ln_json_member_double(json, "vector_fills_per_instance", tensor->vector_fills);
    ln_json_member_double(json, "vector_updates_per_instance", tensor->vector_updates);
    ln_json_member_double(json, "energy_per_scalar_access_pj", tensor->energy_per_access);
    ln_json_member_double(json, "energy_per_instance_pj", tensor->energy);
    ln_json_member_double(json, "energy_total_pj", tensor->energy * instances);
    ln_json_member_double(json, "temporal_reduction_energy_per_instance_pj", tensor->temporal_reduction_energy);
    ln_json_member_double(json, "temporal_reduction_energy_total_pj", tensor->temporal_reduction_energy * instances);
    ln_json_member_double(json, "address_generation_energy_per_cluster_pj", tensor->address_generation_energy);
    ln_json_member_double(json, "address_generation_energy_total_pj",
                     tensor->address_generation_energy * (double)tensor->utilized_clusters);
    ln_json_member_double(json, "bandwidth_consumption_scale", tensor->bandwidth_consumption_scale);
    ln_json_member_double(json, "shared_bandwidth_per_instance_words_per_cycle", tensor->shared_bandwidth);
    ln_json_member_double(json, "shared_bandwidth_total_words_per_cycle", tensor->shared_bandwidth * instances);
    ln_json_member_double(json, "read_bandwidth_per_instance_words_per_cycle", tensor->read_bandwidth);
    ln_json_member_double(json, "read_bandwidth_total_words_per_cycle", tensor->read_bandwidth * instances);
    ln_json_member_double(json, "write_bandwidth_per_instance_words_per_cycle", tensor->write_bandwidth);
    ln_json_member_double(json, "write_bandwidth_total_words_per_cycle", tensor->write_bandwidth * instances);
    ln_json_end_object(json);
}

static void ln_write_storage_level(ln_json_writer *json, const ln_spec *spec, const ln_evaluation *evaluation,
                                   uint32_t storage_index)
{
    const ln_storage_level *level = &spec->arch.storage[storage_index];
    const ln_level_evaluation *stats = &evaluation->levels[storage_index];
    bool evaluated = evaluation->status == LN_EVALUATION_OK;

    ln_json_begin_object(json);
    ln_json_member_uint(json, "level_number", (uint64_t)storage_index + 1);
    ln_json_member_string(json, "kind", "storage");
    ln_json_member_uint(json, "storage_index", storage_index);
    ln_json_member_string(json, "name", level->name);
    ln_json_member_string(json, "component_class", level->component_class);
    ln_json_member_bool(json, "dummy", level->is_dummy);
    ln_json_member_bool(json, "hidden", evaluated && ln_report_storage_level_hidden(stats));

    ln_json_key(json, "specs");
    ln_json_begin_object(json);
    ln_json_member_string(json, "technology", ln_report_technology_name(level->technology));
    ln_json_key(json, "size_words");
    if (level->size_specified)
        ln_json_uint(json, level->size);
    else
        ln_json_null(json);
    ln_json_member_uint(json, "word_bits", level->word_bits);
    ln_json_member_uint(json, "block_size", level->block_size);
    ln_json_member_uint(json, "cluster_size", level->cluster_size);
    ln_json_member_uint(json, "instances", level->instances);
    ln_json_member_uint(json, "mesh_x", level->mesh_x);
    ln_json_member_uint(json, "mesh_y", level->mesh_y);
    ln_json_member_optional(json, "shared_bandwidth_words_per_cycle", level->shared_bandwidth);
    ln_json_member_optional(json, "read_bandwidth_words_per_cycle", level->read_bandwidth);
    ln_json_member_optional(json, "write_bandwidth_words_per_cycle", level->write_bandwidth);
    ln_json_member_double(json, "multiple_buffering", level->multiple_buffering);
    ln_json_key(json, "effective_size_words");
    if (level->size_specified)
        ln_json_uint(json, level->effective_size);
    else
        ln_json_null(json);
    ln_json_member_double(json, "min_utilization", level->min_utilization);
    ln_json_member_double(json, "vector_access_energy_pj", stats->vector_access_energy);
    ln_json_member_string(json, "vector_access_energy_source", stats->energy_source);
    ln_json_member_double(json, "vector_read_energy_pj", stats->read_energy);
    ln_json_member_double(json, "vector_fill_energy_pj", stats->fill_energy);
    ln_json_member_double(json, "vector_update_energy_pj", stats->update_energy);
    ln_json_member_double(json, "leak_energy_per_instance_cycle_pj", stats->leak_energy);
    ln_json_member_double(json, "area_per_instance_um2", stats->area);
    ln_json_member_string(json, "area_source", stats->area_source);
    ln_json_member_uint(json, "address_generation_bits", stats->addr_gen_bits);
    ln_json_end_object(json);

    ln_json_key(json, "stats");
    if (!evaluated) {
        ln_json_null(json);
        ln_json_end_object(json);
        return;
    }
    ln_json_begin_object(json);
    ln_json_member_uint(json, "cycles", stats->cycles);
    ln_json_member_double(json, "bandwidth_throttling", stats->slowdown);
    ln_json_member_uint(json, "total_scalar_accesses", stats->total_scalar_accesses);
    ln_json_member_double(json, "energy_pj", stats->energy);
    ln_json_member_double(json, "instances_sharing_power_gating", stats->instances_sharing_power_gating);
    ln_json_member_double(json, "non_power_gated_utilization", stats->non_power_gated_utilization);
    ln_json_member_double(json, "leaks_per_cycle", stats->leaks_per_cycle);
    ln_json_member_double(json, "leakage_energy_pj", stats->leakage_energy);
    ln_json_key(json, "tensors");
    ln_json_begin_array(json);
    uint32_t tensor_count = ln_report_tensor_count(spec);
    for (uint32_t t = 0; t < tensor_count; t++)
        if (stats->tensors[t].kept)
            ln_write_tensor_stats(json, ln_tensor_name(spec, t), &stats->tensors[t]);
    ln_json_end_array(json);
    ln_json_end_object(json);
    ln_json_end_object(json);
}

static void ln_write_network_name(ln_json_writer *json, const ln_spec *spec, uint32_t storage_index)
{
    const char *parts[3] = {spec->arch.storage[storage_index].name ? spec->arch.storage[storage_index].name : "",
                            " <==> ", ln_report_network_inner_name(spec, storage_index)};
    ln_json_string_parts(json, parts, 3);
}

static void ln_write_network(ln_json_writer *json, const ln_spec *spec, const ln_evaluation *evaluation,
                             uint32_t storage_index)
{
    const ln_level_evaluation *level = &evaluation->levels[storage_index];
    const ln_network_evaluation *network = &level->network;

    ln_json_begin_object(json);
    ln_json_key(json, "name");
    ln_write_network_name(json, spec, storage_index);
    ln_json_member_string(json, "outer_level", spec->arch.storage[storage_index].name);
    ln_json_member_string(json, "inner_level", ln_report_network_inner_name(spec, storage_index));
    ln_json_member_uint(json, "storage_index", storage_index);
    ln_json_member_double(json, "energy_pj", level->network_energy);
    ln_json_member_string(json, "legacy_subtype", network->legacy_subtype);
    ln_json_member_uint(json, "connection_type", network->connection_type);
    ln_json_member_uint(json, "word_bits", network->word_bits);
    ln_json_member_optional(json, "router_energy_pj", network->router_energy);
    ln_json_member_optional(json, "wire_energy_pj_per_bit_mm", network->wire_energy);
    ln_json_member_optional(json, "ingress_energy_pj", network->ingress_energy);
    ln_json_member_uint(json, "fill_latency", network->fill_latency);
    ln_json_member_uint(json, "drain_latency", network->drain_latency);
    ln_json_key(json, "tensors");
    ln_json_begin_array(json);
    uint32_t tensor_count = ln_report_tensor_count(spec);
    for (uint32_t t = 0; t < tensor_count; t++) {
        const ln_tensor_level_stats *tensor = &level->tensors[t];
        const ln_network_tensor_stats *link = &network->tensors[t];
        uint32_t class_count = tensor->multicast_class_count;
        if (class_count > LN_MAX_MULTICAST_CLASSES)
            class_count = LN_MAX_MULTICAST_CLASSES;
        double ingresses = 0;
        for (uint32_t c = 0; c < class_count; c++)
            ingresses += tensor->multicast_classes[c].accesses;

        ln_json_begin_object(json);
        ln_json_member_string(json, "name", ln_tensor_name(spec, t));
        ln_json_member_uint(json, "fanout", tensor->fanout);
        ln_json_member_uint(json, "multicast_factor", link->multicast_factor);
        ln_json_member_double(json, "ingresses", ingresses);
        ln_json_key(json, "multicast_classes");
        ln_json_begin_array(json);
        for (uint32_t c = 0; c < class_count; c++) {
            ln_json_begin_object(json);
            ln_json_member_uint(json, "multicast", tensor->multicast_classes[c].multicast);
            ln_json_member_uint(json, "scatter", tensor->multicast_classes[c].scatter);
            ln_json_member_double(json, "accesses", tensor->multicast_classes[c].accesses);
            ln_json_end_object(json);
        }
        ln_json_end_array(json);
        ln_json_member_double(json, "link_transfers", tensor->link_transfers);
        ln_json_member_double(json, "spatial_reductions", tensor->spatial_reductions);
        ln_json_member_double(json, "peer_accesses", tensor->peer_accesses);
        ln_json_member_double(json, "peer_fills", tensor->peer_fills);
        ln_json_member_double(json, "average_hops", link->average_hops);
        ln_json_member_double(json, "energy_per_hop_pj", link->energy_per_hop);
        ln_json_member_double(json, "utilized_instances", link->utilized_instances);
        ln_json_member_double(json, "energy_per_instance_pj", link->energy);
        ln_json_member_double(json, "energy_total_pj", link->energy * link->utilized_instances);
        ln_json_member_double(json, "link_transfer_energy_per_instance_pj", link->link_transfer_energy);
        ln_json_member_double(json, "link_transfer_energy_total_pj",
                         link->link_transfer_energy * link->utilized_instances);
        ln_json_member_double(json, "spatial_reduction_energy_per_instance_pj", link->spatial_reduction_energy);
        ln_json_member_double(json, "spatial_reduction_energy_total_pj",
                         link->spatial_reduction_energy * link->utilized_instances);
        ln_json_end_object(json);
    }
    ln_json_end_array(json);
    ln_json_end_object(json);
}

static void ln_write_networks(ln_json_writer *json, const ln_spec *spec, const ln_evaluation *evaluation)
{
    ln_json_key(json, "networks");
    if (evaluation->status != LN_EVALUATION_OK) {
        ln_json_null(json);
        return;
    }
    /* Timeloop's order (by name), the order stats.txt numbers them in. */
    uint32_t order[LN_MAX_STORAGE_LEVELS];
    uint32_t count = ln_report_network_order(spec, order);
    ln_json_begin_array(json);
    for (uint32_t i = 0; i < count; i++)
        ln_write_network(json, spec, evaluation, order[i]);
    ln_json_end_array(json);
}

static void ln_json_member_op_per_byte(ln_json_writer *json, const char *key, uint64_t total_ops, uint64_t word_bits,
                                  uint64_t accesses)
{
    /* The single-precision figure stats.txt prints, widened exactly. */
    ln_json_member_double(json, key, (double)ln_report_op_per_byte(total_ops, word_bits, accesses));
}

static void ln_write_operational_intensity(ln_json_writer *json, const ln_spec *spec,
                                           const ln_evaluation *evaluation)
{
    ln_json_key(json, "operational_intensity");
    if (evaluation->status != LN_EVALUATION_OK) {
        ln_json_null(json);
        return;
    }
    uint32_t storage_count = ln_report_storage_count(spec);
    ln_json_begin_object(json);
    ln_json_member_uint(json, "total_elementwise_ops", evaluation->total_elementwise_ops);
    ln_json_member_uint(json, "total_reduction_ops", evaluation->total_reduction_ops);
    ln_json_member_uint(json, "total_ops", evaluation->total_ops);
    ln_json_member_uint(json, "total_memory_accesses_required", evaluation->total_memory_accesses_required);
    if (storage_count > 0)
        ln_json_member_op_per_byte(json, "optimal_op_per_byte", evaluation->total_ops,
                              spec->arch.storage[storage_count - 1].word_bits,
                              evaluation->total_memory_accesses_required);
    else
        ln_json_member_null(json, "optimal_op_per_byte");
    ln_json_key(json, "levels");
    ln_json_begin_array(json);
    for (uint32_t i = 0; i < storage_count; i++) {
        uint64_t accesses = evaluation->levels[i].total_scalar_accesses;
        ln_json_begin_object(json);
        ln_json_member_string(json, "name", spec->arch.storage[i].name);
        ln_json_member_uint(json, "total_scalar_accesses", accesses);
        if (accesses > 0)
            ln_json_member_op_per_byte(json, "op_per_byte", evaluation->total_ops, spec->arch.storage[i].word_bits,
                                  accesses);
        else
            ln_json_member_null(json, "op_per_byte");
        ln_json_end_object(json);
    }
    ln_json_end_array(json);
    ln_json_end_object(json);
}

static void ln_write_energy_entry(ln_json_writer *json, const char *kind, const char *name, double energy,
                                  uint64_t computes)
{
    ln_json_begin_object(json);
    ln_json_member_string(json, "kind", kind);
    ln_json_member_string(json, "name", name);
    ln_json_member_double(json, "energy_pj", energy);
    ln_json_member_double(json, "fj_per_compute", energy * 1000 / (double)computes);
    ln_json_end_object(json);
}

static void ln_write_summary(ln_json_writer *json, const ln_spec *spec, const ln_evaluation *evaluation)
{
    bool evaluated = evaluation->status == LN_EVALUATION_OK;
    ln_json_key(json, "summary");
    ln_json_begin_object(json);
    if (!evaluated) {
        /* Only the area is known without an evaluation, as in stats.txt. */
        ln_json_member_null(json, "gflops_at_1ghz");
        ln_json_member_null(json, "utilization");
        ln_json_member_null(json, "cycles");
        ln_json_member_null(json, "energy_uj");
        ln_json_member_null(json, "energy_pj");
        ln_json_member_null(json, "edp_joule_cycles");
        ln_json_member_double(json, "area_mm2", evaluation->area / 1000000);
        ln_json_member_double(json, "area_um2", evaluation->area);
        ln_json_member_null(json, "computes");
        ln_json_member_null(json, "energy_breakdown");
        ln_json_member_null(json, "total_fj_per_compute");
        ln_json_end_object(json);
        return;
    }
    uint64_t computes = evaluation->computes;
    ln_json_member_double(json, "gflops_at_1ghz", (double)ln_report_gflops(evaluation));
    ln_json_member_double(json, "utilization", evaluation->utilization);
    ln_json_member_uint(json, "cycles", evaluation->cycles);
    ln_json_member_double(json, "energy_uj", evaluation->energy / 1000000);
    ln_json_member_double(json, "energy_pj", evaluation->energy);
    ln_json_member_double(json, "edp_joule_cycles", ln_report_edp(evaluation));
    ln_json_member_double(json, "area_mm2", evaluation->area / 1000000);
    ln_json_member_double(json, "area_um2", evaluation->area);
    ln_json_member_uint(json, "computes", computes);

    /* Every level and network, zero-energy ones included (stats.txt lists
     * only the nonzero ones), in stats.txt's order. */
    ln_json_key(json, "energy_breakdown");
    ln_json_begin_array(json);
    ln_write_energy_entry(json, "compute", spec->arch.compute.name, evaluation->compute.energy, computes);
    uint32_t storage_count = ln_report_storage_count(spec);
    for (uint32_t i = 0; i < storage_count; i++)
        ln_write_energy_entry(json, "storage", spec->arch.storage[i].name, evaluation->levels[i].energy, computes);
    uint32_t order[LN_MAX_STORAGE_LEVELS];
    uint32_t network_count = ln_report_network_order(spec, order);
    for (uint32_t i = 0; i < network_count; i++) {
        double energy = evaluation->levels[order[i]].network_energy;
        ln_json_begin_object(json);
        ln_json_member_string(json, "kind", "network");
        ln_json_key(json, "name");
        ln_write_network_name(json, spec, order[i]);
        ln_json_member_double(json, "energy_pj", energy);
        ln_json_member_double(json, "fj_per_compute", energy * 1000 / (double)computes);
        ln_json_end_object(json);
    }
    ln_json_end_array(json);
    ln_json_member_double(json, "total_fj_per_compute", evaluation->energy * 1000 / (double)computes);
    ln_json_end_object(json);
}

static const char *ln_loop_kind_name(uint8_t spatial)
{
    switch (spatial) {
    case LN_LOOP_SPATIAL_X:
        return "spatial_x";
    case LN_LOOP_SPATIAL_Y:
        return "spatial_y";
    default:
        return "temporal";
    }
}

static void ln_write_mapping(ln_json_writer *json, const ln_spec *spec, const ln_evaluation *evaluation)
{
    const ln_loop_nest *nest = &evaluation->nest;
    uint32_t loop_count = nest->loop_count > LN_MAX_LOOPS ? LN_MAX_LOOPS : nest->loop_count;
    uint32_t level_count = nest->level_count;
    uint32_t storage_count = ln_report_storage_count(spec);
    if (level_count > storage_count)
        level_count = storage_count;
    uint32_t tensor_count = ln_report_tensor_count(spec);

    ln_json_key(json, "mapping");
    ln_json_begin_object(json);
    ln_json_key(json, "levels");
    ln_json_begin_array(json);
    for (uint32_t l = level_count; l-- > 0;) {
        /* Level l owns the loops above the next-inner level's boundary up
         * to its own; the nest is stored innermost first. */
        uint32_t first = l == 0 ? 0 : nest->boundary[l - 1] + 1;
        uint32_t last = nest->boundary[l];
        ln_json_begin_object(json);
        ln_json_member_string(json, "name", spec->arch.storage[l].name);
        ln_json_member_uint(json, "storage_index", l);
        ln_json_key(json, "tensors");
        ln_json_begin_array(json);
        for (uint32_t t = 0; t < tensor_count; t++) {
            const ln_tensor_level_stats *tensor = &evaluation->levels[l].tensors[t];
            if (!tensor->kept)
                continue;
            ln_json_begin_object(json);
            ln_json_member_string(json, "name", ln_tensor_name(spec, t));
            ln_json_member_uint(json, "tile_size", tensor->tile_size);
            ln_json_member_uint(json, "utilized_capacity", tensor->utilized_capacity);
            ln_json_end_object(json);
        }
        ln_json_end_array(json);
        ln_json_key(json, "loops");
        ln_json_begin_array(json);
        for (uint32_t index = last + 1; index-- > first;) {
            if (index >= loop_count)
                continue;
            const ln_loop *loop = &nest->loops[index];
            ln_json_begin_object(json);
            ln_json_key(json, "dimension");
            if (loop->dimension < spec->problem.dimension_count)
                ln_json_string(json, spec->problem.dimension_names[loop->dimension]);
            else
                ln_json_null(json);
            ln_json_member_string(json, "kind", ln_loop_kind_name(loop->spatial));
            ln_json_member_uint(json, "end", loop->end);
            ln_json_member_uint(json, "residual_end", loop->residual_end);
            ln_json_end_object(json);
        }
        ln_json_end_array(json);
        ln_json_end_object(json);
    }
    ln_json_end_array(json);
    ln_json_end_object(json);
}

bool ln_write_json_report(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation)
{
    ln_json_writer json;
    ln_json_init(&json, out);
    ln_json_begin_object(&json);
    ln_json_member_string(&json, "format", "loopnest-report");
    ln_json_member_uint(&json, "format_version", LN_JSON_REPORT_FORMAT_VERSION);
    ln_json_member_string(&json, "status", ln_report_status_name(evaluation->status));
    ln_write_failures(&json, spec, evaluation);
    ln_write_problem(&json, spec);

    ln_json_key(&json, "levels");
    ln_json_begin_array(&json);
    ln_write_compute_level(&json, spec, evaluation);
    uint32_t storage_count = ln_report_storage_count(spec);
    for (uint32_t i = 0; i < storage_count; i++)
        ln_write_storage_level(&json, spec, evaluation, i);
    ln_json_end_array(&json);

    ln_write_networks(&json, spec, evaluation);
    ln_write_operational_intensity(&json, spec, evaluation);
    ln_write_summary(&json, spec, evaluation);
    ln_write_mapping(&json, spec, evaluation);
    ln_json_end_object(&json);
    return !ferror(out);
}
