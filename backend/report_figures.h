/* Figures every report derives the same way from a spec and an evaluation:
 * which levels Timeloop hides, the networks' names and order, and the few
 * summary numbers Timeloop computes in single precision. Keeping them in one
 * place keeps stats.txt and the JSON report in agreement. */
#ifndef LOOPNEST_BACKEND_REPORT_FIGURES_H
#define LOOPNEST_BACKEND_REPORT_FIGURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ir/evaluation.h"
#include "ir/spec.h"

/* Storage levels the reports walk (the spec is authoritative; the
 * evaluation holds one entry per spec level). */
uint32_t ln_report_storage_count(const ln_spec *spec);
uint32_t ln_report_tensor_count(const ln_spec *spec);

/* Timeloop hides a level whose accesses over all tensors and energy are both
 * zero (gHideInconsequentialStats), e.g. a dummy_storage level. */
bool ln_report_storage_level_hidden(const ln_level_evaluation *level);
/* The compute level has no accesses in Timeloop, so only energy counts. */
bool ln_report_compute_level_hidden(const ln_compute_evaluation *compute);

/* The network from storage level `storage_index` to its children is named
 * "<that level> <==> <next-inner level or compute>". */
const char *ln_report_network_inner_name(const ln_spec *spec, uint32_t storage_index);
size_t ln_report_network_name_length(const ln_spec *spec, uint32_t storage_index);
void ln_report_print_network_name(FILE *out, const ln_spec *spec, uint32_t storage_index);

/* Storage indices whose networks exist, in Timeloop's printing order (its
 * networks live in a std::map, so they come sorted by name). Returns the
 * count written to `order`. */
uint32_t ln_report_network_order(const ln_spec *spec, uint32_t order[LN_MAX_STORAGE_LEVELS]);

/* Width Timeloop pads summary names to: the longest level or network name
 * plus one. */
size_t ln_report_summary_name_width(const ln_spec *spec);

/* Operational intensity in single precision with the integer byte count
 * Timeloop computes: ops / (word_bits * accesses / 8). */
float ln_report_op_per_byte(uint64_t total_ops, uint64_t word_bits, uint64_t accesses);
/* float(total ops) / cycles, in single precision. */
float ln_report_gflops(const ln_evaluation *evaluation);
/* float(cycles) * energy(pJ) / 1e12, in double precision. */
double ln_report_edp(const ln_evaluation *evaluation);

const char *ln_report_status_name(ln_evaluation_status status);
const char *ln_report_technology_name(ln_memory_technology technology);

#endif
