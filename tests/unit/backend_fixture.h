/* Hand-built specs and evaluations for the back-end tests, with the numbers
 * of Timeloop's tutorial runs, so the reports can be compared with the
 * reference outputs without the front end or the engine. */
#ifndef LOOPNEST_TESTS_BACKEND_FIXTURE_H
#define LOOPNEST_TESTS_BACKEND_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ir/evaluation.h"
#include "ir/spec.h"

#define LN_TUTORIAL_DIR LN_REFERENCE_DIR "/timeloop-master/tutorial-2020/timeloop"

/* Reads a whole reference file; NULL when absent. */
static inline char *ln_fixture_read_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    size_t capacity = 4096, length = 0;
    char *text = malloc(capacity);
    size_t got;
    while (text && (got = fread(text + length, 1, capacity - length - 1, file)) > 0) {
        length += got;
        if (capacity - length <= 1) {
            capacity *= 2;
            text = realloc(text, capacity);
        }
    }
    fclose(file);
    if (text)
        text[length] = '\0';
    return text;
}

/* Skips the whole test program (ctest code 77) when the public reference
 * outputs are not installed next to the project; call from main. */
static inline void ln_fixture_require_reference(void)
{
    FILE *probe = fopen(LN_TUTORIAL_DIR "/00-model-conv1d-1level/ref-output/timeloop-model.stats.txt", "rb");
    if (!probe) {
        printf("skipped: the Timeloop reference outputs are not available under %s\n", LN_REFERENCE_DIR);
        exit(77);
    }
    fclose(probe);
}

typedef bool (*ln_fixture_writer)(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation);

/* Runs a report writer into memory; the caller frees the text. */
static inline char *ln_fixture_render(ln_fixture_writer write, const ln_spec *spec,
                                      const ln_evaluation *evaluation)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    if (!out)
        return NULL;
    bool ok = write(out, spec, evaluation);
    fclose(out);
    if (!ok) {
        free(text);
        return NULL;
    }
    return text;
}

/* Removes the line starting with `prefix` (the report's one deliberate
 * difference from Timeloop) so the rest can be compared byte for byte;
 * returns whether it was there. */
static inline bool ln_fixture_drop_line(char *text, const char *prefix)
{
    size_t prefix_length = strlen(prefix);
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        char *next = end ? end + 1 : line + strlen(line);
        if (strncmp(line, prefix, prefix_length) == 0) {
            memmove(line, next, strlen(next) + 1);
            return true;
        }
        line = next;
    }
    return false;
}

static inline ln_optional_number ln_fixture_unset(void)
{
    ln_optional_number number = {false, 0};
    return number;
}

static inline void ln_fixture_storage(ln_storage_level *level, const char *name, uint64_t size, uint32_t word_bits)
{
    memset(level, 0, sizeof *level);
    level->name = name;
    level->component_class = "SRAM";
    level->instances = 1;
    level->mesh_x = 1;
    level->mesh_y = 1;
    level->size_specified = size != 0;
    level->size = size;
    level->effective_size = size;
    level->word_bits = word_bits;
    level->block_size = 1;
    level->cluster_size = 1;
    level->read_bandwidth = ln_fixture_unset();
    level->write_bandwidth = ln_fixture_unset();
    level->shared_bandwidth = ln_fixture_unset();
    level->multiple_buffering = 1.0;
    level->technology = LN_TECHNOLOGY_SRAM;
    for (int t = 0; t < LN_MAX_TENSORS; t++)
        level->bandwidth_consumption_scale[t] = 1.0;
}

static inline void ln_fixture_tensor(ln_tensor_level_stats *tensor, uint64_t size, uint64_t reads, uint64_t fills,
                                     uint64_t updates, uint64_t temporal_reductions, double energy_per_access,
                                     uint64_t cycles)
{
    memset(tensor, 0, sizeof *tensor);
    tensor->kept = true;
    tensor->tile_size = size;
    tensor->utilized_capacity = size;
    tensor->partition_size = size;
    tensor->utilized_instances = 1;
    tensor->utilized_x = 1;
    tensor->utilized_y = 1;
    tensor->utilized_clusters = 1;
    tensor->reads = reads;
    tensor->fills = fills;
    tensor->updates = updates;
    tensor->temporal_reductions = temporal_reductions;
    tensor->address_generations = reads + fills + updates - temporal_reductions;
    tensor->vector_reads = (double)reads;
    tensor->vector_fills = (double)fills;
    tensor->vector_updates = (double)updates;
    tensor->energy_per_access = energy_per_access;
    tensor->energy = energy_per_access * (double)(reads + fills + updates);
    tensor->energy_total = tensor->energy;
    tensor->bandwidth_consumption_scale = 1.0;
    tensor->read_bandwidth = (double)reads / (double)cycles;
    tensor->write_bandwidth = (double)(fills + updates) / (double)cycles;
    tensor->shared_bandwidth = tensor->read_bandwidth + tensor->write_bandwidth;
    tensor->fanout = 1;
}

/* tutorial-2020/timeloop/00-model-conv1d-1level: Conv1D (R=3, P=16) on one
 * 64-entry regfile "Buffer" feeding one "MACC", factors R=3,P=16 (R inner). */
static inline void ln_fixture_conv1d_1level(ln_spec *spec, ln_evaluation *evaluation)
{
    ln_spec_init(spec);
    memset(evaluation, 0, sizeof *evaluation);

    spec->has_problem = true;
    ln_problem *problem = &spec->problem;
    problem->name = "Conv1D";
    problem->dimension_count = 2;
    problem->dimension_names[0] = "R";
    problem->dimension_bounds[0] = 3;
    problem->dimension_names[1] = "P";
    problem->dimension_bounds[1] = 16;
    problem->tensor_count = 3;
    problem->tensors[0].name = "Weights";
    problem->tensors[1].name = "Inputs";
    problem->tensors[2].name = "Outputs";
    problem->tensors[2].read_write = true;

    spec->has_arch = true;
    ln_arch *arch = &spec->arch;
    arch->name = "PE_top_level";
    arch->storage_count = 1;
    ln_fixture_storage(&arch->storage[0], "Buffer", 64, 8);
    arch->storage[0].component_class = "regfile";
    arch->compute.name = "MACC";
    arch->compute.component_class = "intmac";
    arch->compute.instances = 1;
    arch->compute.mesh_x = 1;
    arch->compute.mesh_y = 1;
    arch->compute.word_bits = 16;

    const double access_energy = 0.42564;
    const double leak_energy = 0.000861;
    const uint64_t cycles = 48;

    evaluation->status = LN_EVALUATION_OK;
    evaluation->level_count = 1;
    evaluation->tensor_count = 3;

    ln_compute_evaluation *compute = &evaluation->compute;
    compute->energy_per_compute = 0.845;
    compute->energy_source = "ERT";
    compute->area_source = "ART";
    compute->area = 332.25;
    compute->utilized_instances = 1;
    compute->computes = 48;
    compute->cycles = cycles;
    compute->energy = 0.845 * 48;

    ln_level_evaluation *buffer = &evaluation->levels[0];
    buffer->vector_access_energy = access_energy;
    buffer->energy_source = "ERT";
    buffer->area_source = "ART";
    buffer->read_energy = access_energy;
    buffer->fill_energy = access_energy;
    buffer->update_energy = access_energy;
    buffer->leak_energy = leak_energy;
    buffer->area = 887.84;
    buffer->cycles = cycles;
    buffer->slowdown = 1.0;
    buffer->leakage_energy = leak_energy * (double)cycles;
    buffer->instances_sharing_power_gating = 1.0;
    buffer->non_power_gated_utilization = 1.0;
    buffer->leaks_per_cycle = 1.0;
    ln_fixture_tensor(&buffer->tensors[0], 3, 48, 0, 0, 0, access_energy, cycles);
    ln_fixture_tensor(&buffer->tensors[1], 18, 48, 0, 0, 0, access_energy, cycles);
    ln_fixture_tensor(&buffer->tensors[2], 16, 32, 0, 48, 32, access_energy, cycles);
    buffer->tensors[2].address_generations = 48;
    buffer->total_scalar_accesses = 48 + 48 + 80;
    buffer->energy = buffer->tensors[0].energy + buffer->tensors[1].energy + buffer->tensors[2].energy
                     + buffer->leakage_energy;

    evaluation->cycles = cycles;
    evaluation->energy = compute->energy + buffer->energy;
    evaluation->area = 332.25 + 887.84;
    evaluation->utilization = 1.0;
    evaluation->computes = 48;
    evaluation->total_elementwise_ops = 48;
    evaluation->total_reduction_ops = 32;
    evaluation->total_ops = 80;
    evaluation->total_memory_accesses_required = 3 + 18 + 16;

    ln_loop_nest *nest = &evaluation->nest;
    nest->level_count = 1;
    nest->loop_count = 2;
    nest->loops[0] = (ln_loop){.dimension = 0, .level = 0, .spatial = LN_LOOP_TEMPORAL, .end = 3, .residual_end = 3};
    nest->loops[1] = (ln_loop){.dimension = 1, .level = 0, .spatial = LN_LOOP_TEMPORAL, .end = 16, .residual_end = 16};
    nest->boundary[0] = 1;
}

#endif
