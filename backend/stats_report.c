#include "backend/stats_report.h"

#include <inttypes.h>
#include <limits.h>
#include <string.h>

#include "backend/report_figures.h"

/* Timeloop prints through iostreams with std::fixed and precision 2; "%.2f"
 * is the same conversion. Integers print plainly. */

static const char *ln_text_or_dash(const char *text)
{
    return text ? text : "-";
}

static const char *ln_text_or_empty(const char *text)
{
    return text ? text : "";
}

/* Timeloop prints int(utilized_instances); on x86-64 an out-of-range or NaN
 * conversion yields INT_MIN, which is reproduced here without the undefined
 * behaviour of the C cast. */
static int ln_truncate_to_int(double value)
{
    if (!(value > -2147483649.0 && value < 2147483648.0))
        return INT_MIN;
    return (int)value;
}

/* Counts Timeloop keeps as unsigned long but the evaluation carries as
 * doubles. */
static uint64_t ln_count_of(double value)
{
    if (!(value >= 0))
        return 0;
    if (value >= 18446744073709551616.0)
        return UINT64_MAX;
    return (uint64_t)value;
}

/* An unset Timeloop attribute prints "-". */
static void ln_print_optional(FILE *out, ln_optional_number number)
{
    if (number.specified)
        fprintf(out, "%.2f", number.value);
    else
        fputs("-", out);
}

static void ln_print_compute_level(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation)
{
    const ln_compute_level *compute = &spec->arch.compute;
    const ln_compute_evaluation *stats = &evaluation->compute;
    const char *indent = "    ";

    fprintf(out, "=== %s ===\n\n", ln_text_or_empty(compute->name));
    fprintf(out, "%sSPECS\n%s-----\n", indent, indent);
    fprintf(out, "%sWord bits             : %" PRIu32 "\n", indent, compute->word_bits);
    fprintf(out, "%sInstances             : %" PRIu64 " (%" PRIu64 "*%" PRIu64 ")\n", indent, compute->instances,
            compute->mesh_x, compute->mesh_y);
    fprintf(out, "%sCompute energy        : %.2f pJ\n", indent, stats->energy_per_compute);
    fputs("\n", out);
    if (evaluation->status != LN_EVALUATION_OK)
        return;
    fprintf(out, "%sSTATS\n%s-----\n", indent, indent);
    fprintf(out, "%sUtilized instances      : %" PRIu64 "\n", indent, stats->utilized_instances);
    fprintf(out, "%sComputes (total)        : %" PRIu64 "\n", indent, stats->computes);
    fprintf(out, "%sCycles                  : %" PRIu64 "\n", indent, stats->cycles);
    fprintf(out, "%sEnergy (total)          : %.2f pJ\n", indent, stats->energy);
    /* Timeloop's Area() is the per-instance area times all instances. */
    fprintf(out, "%sArea (total)            : %.2f um^2\n", indent, stats->area * (double)compute->instances);
    fputs("\n", out);
}

static void ln_print_storage_specs(FILE *out, const ln_storage_level *level, const ln_level_evaluation *stats)
{
    const char *indent = "        ";
    fputs("    SPECS\n    -----\n", out);
    fprintf(out, "%sTechnology                      : %s\n", indent, ln_report_technology_name(level->technology));
    if (level->size_specified)
        fprintf(out, "%sSize                            : %" PRIu64 "\n", indent, level->size);
    else
        fprintf(out, "%sSize                            : -\n", indent);
    fprintf(out, "%sWord bits                       : %" PRIu32 "\n", indent, level->word_bits);
    fprintf(out, "%sBlock size                      : %" PRIu32 "\n", indent, level->block_size);
    fprintf(out, "%sCluster size                    : %" PRIu32 "\n", indent, level->cluster_size);
    fprintf(out, "%sInstances                       : %" PRIu64 " (%" PRIu64 "*%" PRIu64 ")\n", indent,
            level->instances, level->mesh_x, level->mesh_y);
    fprintf(out, "%sShared bandwidth                : ", indent);
    ln_print_optional(out, level->shared_bandwidth);
    fprintf(out, "\n%sRead bandwidth                  : ", indent);
    ln_print_optional(out, level->read_bandwidth);
    fprintf(out, "\n%sWrite bandwidth                 : ", indent);
    ln_print_optional(out, level->write_bandwidth);
    fprintf(out, "\n%sMultiple buffering              : %.2f\n", indent, level->multiple_buffering);
    /* The effective size is derived from the size, so it is unset with it. */
    if (level->size_specified)
        fprintf(out, "%sEffective size                  : %" PRIu64 "\n", indent, level->effective_size);
    else
        fprintf(out, "%sEffective size                  : -\n", indent);
    fprintf(out, "%sMin utilization                 : %.2f\n", indent, level->min_utilization);
    fprintf(out, "%sVector access energy            : %.2f pJ\n", indent, stats->vector_access_energy);
    fprintf(out, "%sVector access energy source     : %s\n", indent, ln_text_or_dash(stats->energy_source));
    fprintf(out, "%sPer-instance-cycle leakage      : %.2f pJ\n", indent, stats->leak_energy);
    fprintf(out, "%sInstances sharing power gating  : %.2f\n", indent, stats->instances_sharing_power_gating);
    fprintf(out, "%sNon-power-gated utilization     : %.2f%%\n", indent,
            stats->non_power_gated_utilization * 100.0);
    fprintf(out, "%sLeakage energy (total)          : %.2f pJ\n", indent, stats->leakage_energy);
    fprintf(out, "%sArea                            : %.2f um^2\n", indent, stats->area);
    fputs("\n", out);
}

static void ln_print_tensor_stats(FILE *out, const char *name, const ln_tensor_level_stats *tensor)
{
    const char *indent = "        ";
    double instances = tensor->utilized_instances;
    double clusters = (double)tensor->utilized_clusters;

    fprintf(out, "    %s:\n", name);
    fprintf(out, "%sPartition size                           : %" PRIu64 "\n", indent, tensor->partition_size);
    fprintf(out, "%sUtilized capacity                        : %" PRIu64 "\n", indent, tensor->utilized_capacity);
    fprintf(out, "%sUtilized instances (max)                 : %d\n", indent, ln_truncate_to_int(instances));
    fprintf(out, "%sUtilized clusters (max)                  : %" PRIu64 "\n", indent, tensor->utilized_clusters);
    fprintf(out, "%sScalar reads (per-instance)              : %" PRIu64 "\n", indent, tensor->reads);
    fprintf(out, "%sScalar fills (per-instance)              : %" PRIu64 "\n", indent, tensor->fills);
    fprintf(out, "%sScalar updates (per-instance)            : %" PRIu64 "\n", indent, tensor->updates);
    fprintf(out, "%sTemporal reductions (per-instance)       : %" PRIu64 "\n", indent,
            tensor->temporal_reductions);
    fprintf(out, "%sAddress generations (per-cluster)        : %" PRIu64 "\n", indent,
            tensor->address_generations);
    fprintf(out, "%sEnergy (per-scalar-access)               : %.2f pJ\n", indent, tensor->energy_per_access);
    fprintf(out, "%sEnergy (per-instance)                    : %.2f pJ\n", indent, tensor->energy);
    /* Totals are recomputed from the per-instance figure as Timeloop prints
     * them, so the rounding matches even if a total was summed otherwise. */
    fprintf(out, "%sEnergy (total)                           : %.2f pJ\n", indent, tensor->energy * instances);
    fprintf(out, "%sTemporal Reduction Energy (per-instance) : %.2f pJ\n", indent,
            tensor->temporal_reduction_energy);
    fprintf(out, "%sTemporal Reduction Energy (total)        : %.2f pJ\n", indent,
            tensor->temporal_reduction_energy * instances);
    fprintf(out, "%sAddress Generation Energy (per-cluster)  : %.2f pJ\n", indent,
            tensor->address_generation_energy);
    fprintf(out, "%sAddress Generation Energy (total)        : %.2f pJ\n", indent,
            tensor->address_generation_energy * clusters);
    fprintf(out, "%sBandwidth Consumption Scale              : %.2f\n", indent,
            tensor->bandwidth_consumption_scale);
    fprintf(out, "%sShared Bandwidth (per-instance)          : %.2f words/cycle\n", indent,
            tensor->shared_bandwidth);
    fprintf(out, "%sShared Bandwidth (total)                 : %.2f words/cycle\n", indent,
            tensor->shared_bandwidth * instances);
    fprintf(out, "%sRead Bandwidth (per-instance)            : %.2f words/cycle\n", indent,
            tensor->read_bandwidth);
    fprintf(out, "%sRead Bandwidth (total)                   : %.2f words/cycle\n", indent,
            tensor->read_bandwidth * instances);
    fprintf(out, "%sWrite Bandwidth (per-instance)           : %.2f words/cycle\n", indent,
            tensor->write_bandwidth);
    fprintf(out, "%sWrite Bandwidth (total)                  : %.2f words/cycle\n", indent,
            tensor->write_bandwidth * instances);
}

static void ln_print_storage_level(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation,
                                   uint32_t storage_index)
{
    const ln_storage_level *level = &spec->arch.storage[storage_index];
    const ln_level_evaluation *stats = &evaluation->levels[storage_index];

    fprintf(out, "=== %s ===\n\n", ln_text_or_empty(level->name));
    ln_print_storage_specs(out, level, stats);
    if (evaluation->status != LN_EVALUATION_OK)
        return;

    fputs("    STATS\n    -----\n", out);
    fprintf(out, "    Cycles               : %" PRIu64 "\n", stats->cycles);
    fprintf(out, "    Bandwidth throttling : %.2f\n", stats->slowdown);
    uint32_t tensor_count = ln_report_tensor_count(spec);
    for (uint32_t t = 0; t < tensor_count; t++) {
        if (stats->tensors[t].kept)
            ln_print_tensor_stats(out, ln_text_or_empty(spec->problem.tensors[t].name), &stats->tensors[t]);
    }
    fputs("\n", out);
}

static void ln_print_levels(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation)
{
    bool evaluated = evaluation->status == LN_EVALUATION_OK;
    fputs("Buffer and Arithmetic Levels\n----------------------------\n", out);
    if (!evaluated || !ln_report_compute_level_hidden(&evaluation->compute)) {
        fputs("Level 0\n-------\n", out);
        ln_print_compute_level(out, spec, evaluation);
    }
    uint32_t storage_count = ln_report_storage_count(spec);
    for (uint32_t i = 0; i < storage_count; i++) {
        if (evaluated && ln_report_storage_level_hidden(&evaluation->levels[i]))
            continue;
        fprintf(out, "Level %" PRIu32 "\n-------\n", i + 1);
        ln_print_storage_level(out, spec, evaluation, i);
    }
}

/* The layout of Timeloop's LegacyNetwork::Print. */
static void ln_print_network(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation,
                             uint32_t storage_index)
{
    const ln_level_evaluation *level = &evaluation->levels[storage_index];
    const ln_network_evaluation *network = &level->network;
    const char *indent = "    ";
    const char *indent2 = "        ";

    ln_report_print_network_name(out, spec, storage_index);
    fputs("\n\n", out);
    fprintf(out, "%sSPECS\n%s-----\n", indent, indent);
    fprintf(out, "%sType            : Legacy\n", indent2);
    fprintf(out, "%sLegacy sub-type : %s\n", indent2, ln_text_or_empty(network->legacy_subtype));
    fprintf(out, "%sConnectionType  : %" PRIu32 "\n", indent2, network->connection_type);
    fprintf(out, "%sWord bits       : %" PRIu32 "\n", indent2, network->word_bits);
    fprintf(out, "%sRouter energy   : ", indent2);
    ln_print_optional(out, network->router_energy);
    fprintf(out, " pJ\n%sWire energy     : ", indent2);
    ln_print_optional(out, network->wire_energy);
    fprintf(out, " pJ/b/mm\n%sIngress energy  : ", indent2);
    ln_print_optional(out, network->ingress_energy);
    fprintf(out, " pJ\n%sFill latency    : %" PRIu64 "\n", indent2, network->fill_latency);
    fprintf(out, "%sDrain latency   : %" PRIu64 "\n", indent2, network->drain_latency);
    fputs("\n", out);

    fprintf(out, "%sSTATS\n%s-----\n", indent, indent);
    uint32_t tensor_count = ln_report_tensor_count(spec);
    for (uint32_t t = 0; t < tensor_count; t++) {
        const ln_tensor_level_stats *tensor = &level->tensors[t];
        const ln_network_tensor_stats *link = &network->tensors[t];
        double instances = link->utilized_instances;
        double ingresses = 0;
        uint32_t class_count = tensor->multicast_class_count;
        if (class_count > LN_MAX_MULTICAST_CLASSES)
            class_count = LN_MAX_MULTICAST_CLASSES;
        for (uint32_t c = 0; c < class_count; c++)
            ingresses += tensor->multicast_classes[c].accesses;

        fprintf(out, "%s%s:\n", indent, ln_text_or_empty(spec->problem.tensors[t].name));
        fprintf(out, "%sFanout                                  : %" PRIu32 "\n", indent2, tensor->fanout);
        fprintf(out, "%sMulticast factor                        : %" PRIu64 "\n", indent2, link->multicast_factor);
        fprintf(out, "%sIngresses                               : %.2f\n", indent2, ingresses);
        for (uint32_t c = 0; c < class_count; c++)
            fprintf(out, "%s    @multicast %" PRIu32 " @scatter %" PRIu32 ": %.2f\n", indent2,
                    tensor->multicast_classes[c].multicast, tensor->multicast_classes[c].scatter,
                    tensor->multicast_classes[c].accesses);
        fprintf(out, "%sLink transfers                          : %" PRIu64 "\n", indent2,
                ln_count_of(tensor->link_transfers));
        fprintf(out, "%sSpatial reductions                      : %" PRIu64 "\n", indent2,
                ln_count_of(tensor->spatial_reductions));
        fprintf(out, "%sAverage number of hops                  : %.2f\n", indent2, link->average_hops);
        fprintf(out, "%sEnergy (per-hop)                        : %.2f fJ\n", indent2, link->energy_per_hop * 1000);
        fprintf(out, "%sEnergy (per-instance)                   : %.2f pJ\n", indent2, link->energy);
        fprintf(out, "%sEnergy (total)                          : %.2f pJ\n", indent2, link->energy * instances);
        fprintf(out, "%sLink transfer energy (per-instance)     : %.2f pJ\n", indent2, link->link_transfer_energy);
        fprintf(out, "%sLink transfer energy (total)            : %.2f pJ\n", indent2,
                link->link_transfer_energy * instances);
        fprintf(out, "%sSpatial Reduction Energy (per-instance) : %.2f pJ\n", indent2,
                link->spatial_reduction_energy);
        fprintf(out, "%sSpatial Reduction Energy (total)        : %.2f pJ\n", indent2,
                link->spatial_reduction_energy * instances);
    }
    fputs("\n", out);
}

static void ln_print_networks(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation)
{
    fputs("Networks\n--------\n", out);
    if (evaluation->status != LN_EVALUATION_OK)
        return;
    uint32_t order[LN_MAX_STORAGE_LEVELS];
    uint32_t count = ln_report_network_order(spec, order);
    uint32_t printed = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (evaluation->levels[order[i]].network_energy == 0)
            continue;
        fprintf(out, "Network %" PRIu32 "\n---------\n", printed++);
        ln_print_network(out, spec, evaluation, order[i]);
    }
}

static void ln_print_intensity_line(FILE *out, const char *label)
{
    fprintf(out, "    %-40s: ", label);
}

static void ln_print_operational_intensity(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation)
{
    fputs("\nOperational Intensity Stats\n---------------------------\n", out);
    ln_print_intensity_line(out, "Total elementwise ops");
    fprintf(out, "%" PRIu64 "\n", evaluation->total_elementwise_ops);
    ln_print_intensity_line(out, "Total reduction ops");
    fprintf(out, "%" PRIu64 "\n", evaluation->total_reduction_ops);
    ln_print_intensity_line(out, "Total ops");
    fprintf(out, "%" PRIu64 "\n", evaluation->total_ops);
    ln_print_intensity_line(out, "Total memory accesses required");
    fprintf(out, "%" PRIu64 "\n", evaluation->total_memory_accesses_required);

    uint32_t storage_count = ln_report_storage_count(spec);
    if (storage_count > 0) {
        /* Timeloop measures the minimum traffic in the outermost level's words. */
        uint64_t word_bits = spec->arch.storage[storage_count - 1].word_bits;
        ln_print_intensity_line(out, "Optimal Op per Byte");
        fprintf(out, "%.2f\n", (double)ln_report_op_per_byte(evaluation->total_ops, word_bits,
                                                            evaluation->total_memory_accesses_required));
    }
    fputs("\n", out);

    for (uint32_t i = 0; i < storage_count; i++) {
        const ln_storage_level *level = &spec->arch.storage[i];
        uint64_t accesses = evaluation->levels[i].total_scalar_accesses;
        fprintf(out, "=== %s ===\n", ln_text_or_empty(level->name));
        if (accesses > 0) {
            ln_print_intensity_line(out, "Total scalar accesses");
            fprintf(out, "%" PRIu64 "\n", accesses);
            ln_print_intensity_line(out, "Op per Byte");
            fprintf(out, "%.2f\n", (double)ln_report_op_per_byte(evaluation->total_ops, level->word_bits, accesses));
        }
    }
    fputs("\n\n", out);
}

static void ln_print_energy_line(FILE *out, int width, const char *name, double energy, uint64_t computes)
{
    fprintf(out, "    %-*s= %.2f\n", width, name, energy * 1000 / (double)computes);
}

static void ln_print_summary(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation)
{
    bool evaluated = evaluation->status == LN_EVALUATION_OK;
    fputs("Summary Stats\n-------------\n", out);
    if (evaluated) {
        fprintf(out, "GFLOPs (@1GHz): %.2f\n", (double)ln_report_gflops(evaluation));
        fprintf(out, "Utilization: %.2f%%\n", evaluation->utilization * 100.0);
        fprintf(out, "Cycles: %" PRIu64 "\n", evaluation->cycles);
        fprintf(out, "Energy: %.2f uJ\n", evaluation->energy / 1000000);
        fprintf(out, "EDP(J*cycle): %.2e\n", ln_report_edp(evaluation));
    }
    /* Timeloop prints 0.00 here; loopnest prints the actual total area. */
    fprintf(out, "Area: %.2f mm^2\n", evaluation->area / 1000000);
    if (!evaluated)
        return;

    int width = (int)ln_report_summary_name_width(spec);
    uint64_t computes = evaluation->computes;
    fprintf(out, "\nComputes = %" PRIu64 "\nfJ/Compute\n", computes);
    if (!ln_report_compute_level_hidden(&evaluation->compute))
        ln_print_energy_line(out, width, ln_text_or_empty(spec->arch.compute.name), evaluation->compute.energy,
                             computes);
    uint32_t storage_count = ln_report_storage_count(spec);
    for (uint32_t i = 0; i < storage_count; i++) {
        if (evaluation->levels[i].energy == 0)
            continue;
        ln_print_energy_line(out, width, ln_text_or_empty(spec->arch.storage[i].name), evaluation->levels[i].energy,
                             computes);
    }
    uint32_t order[LN_MAX_STORAGE_LEVELS];
    uint32_t network_count = ln_report_network_order(spec, order);
    for (uint32_t i = 0; i < network_count; i++) {
        double energy = evaluation->levels[order[i]].network_energy;
        if (energy == 0)
            continue;
        fputs("    ", out);
        ln_report_print_network_name(out, spec, order[i]);
        size_t length = ln_report_network_name_length(spec, order[i]);
        for (size_t pad = length; pad < (size_t)width; pad++)
            fputc(' ', out);
        fprintf(out, "= %.2f\n", energy * 1000 / (double)computes);
    }
    ln_print_energy_line(out, width, "Total", evaluation->energy, computes);
}

static const char *ln_failure_level_name(const ln_spec *spec, int32_t level)
{
    if (level < 0)
        return ln_text_or_empty(spec->arch.compute.name);
    if ((uint32_t)level < ln_report_storage_count(spec))
        return ln_text_or_empty(spec->arch.storage[level].name);
    return "?";
}

static void ln_print_failures(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation)
{
    fputs("\nFailures\n--------\n", out);
    uint32_t count = evaluation->failure_count;
    if (count > sizeof evaluation->failures / sizeof evaluation->failures[0])
        count = sizeof evaluation->failures / sizeof evaluation->failures[0];
    if (count == 0)
        fprintf(out, "    %s\n", ln_report_status_name(evaluation->status));
    for (uint32_t i = 0; i < count; i++) {
        const ln_evaluation_failure *failure = &evaluation->failures[i];
        /* The message is a fixed buffer filled by the engine; never trust it
         * to be terminated. */
        int length = (int)strnlen(failure->message, sizeof failure->message);
        fprintf(out, "    %s (%s): %.*s\n", ln_failure_level_name(spec, failure->level),
                ln_report_status_name(failure->status), length, failure->message);
    }
}

bool ln_write_stats_report(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation)
{
    ln_print_levels(out, spec, evaluation);
    ln_print_networks(out, spec, evaluation);
    if (evaluation->status == LN_EVALUATION_OK)
        ln_print_operational_intensity(out, spec, evaluation);
    else
        fputs("\n", out);
    ln_print_summary(out, spec, evaluation);
    if (evaluation->status != LN_EVALUATION_OK)
        ln_print_failures(out, spec, evaluation);
    /* timeloop-model ends the stats with one more newline after the topology. */
    fputs("\n", out);
    return !ferror(out);
}
