/* Helpers for unit tests that build a spec in C instead of reading YAML. */
#ifndef LOOPNEST_TESTS_SPEC_BUILDER_H
#define LOOPNEST_TESTS_SPEC_BUILDER_H

#include <string.h>

#include "ir/spec.h"

static inline int test_add_dimension(ln_problem *problem, const char *name, int64_t bound)
{
    int index = problem->dimension_count++;
    problem->dimension_names[index] = name;
    problem->dimension_bounds[index] = bound;
    return index;
}

/* ranks: a string like "K,R+P" - ranks separated by commas, terms by '+',
 * each term one dimension letter optionally preceded by a coefficient
 * digit ("2P+R"). */
static inline void test_add_tensor(ln_problem *problem, const char *name, const char *ranks, bool read_write)
{
    ln_tensor *tensor = &problem->tensors[problem->tensor_count++];
    memset(tensor, 0, sizeof *tensor);
    tensor->name = name;
    tensor->read_write = read_write;
    ln_projection_rank *rank = &tensor->ranks[tensor->rank_count++];
    int64_t coefficient = 1;
    for (const char *c = ranks; *c; c++) {
        if (*c == ',') {
            rank = &tensor->ranks[tensor->rank_count++];
        } else if (*c >= '0' && *c <= '9') {
            coefficient = *c - '0';
        } else if (*c != '+') {
            char dimension_name[2] = {*c, 0};
            int dimension = ln_problem_find_dimension(problem, dimension_name);
            ln_projection_term *term = &rank->terms[rank->term_count++];
            term->dimension = (uint8_t)dimension;
            term->coefficient = -1;
            if (coefficient != 1) {
                int index = problem->coefficient_count++;
                problem->coefficient_names[index] = "c";
                problem->coefficient_defaults[index] = coefficient;
                problem->coefficient_values[index] = coefficient;
                term->coefficient = (int8_t)index;
            }
            coefficient = 1;
        }
    }
}

static inline ln_storage_level *test_add_storage(ln_arch *arch, const char *name, bool dram, uint64_t depth,
                                                 uint32_t block_size, uint64_t instances, uint64_t mesh_x)
{
    /* Levels are added outermost first here; callers reverse with test_finish_arch. */
    ln_storage_level *level = &arch->storage[arch->storage_count++];
    memset(level, 0, sizeof *level);
    level->name = name;
    level->component_class = dram ? "DRAM" : "SRAM";
    level->technology = dram ? LN_TECHNOLOGY_DRAM : LN_TECHNOLOGY_SRAM;
    level->instances = instances;
    level->mesh_x = mesh_x;
    level->mesh_y = instances / mesh_x;
    level->word_bits = 8;
    level->block_size = block_size;
    level->cluster_size = 1;
    level->banks = 2;
    level->ports = 2;
    level->multiple_buffering = 1;
    if (!dram) {
        level->size_specified = true;
        level->size = depth * block_size;
        level->effective_size = level->size;
    }
    for (int t = 0; t < LN_MAX_TENSORS; t++)
        level->bandwidth_consumption_scale[t] = 1;
    return level;
}

/* Reverses the outermost-first list into Timeloop's innermost-first order
 * and sets the compute level. */
static inline void test_finish_arch(ln_arch *arch, uint64_t compute_instances, uint64_t compute_mesh_x)
{
    for (uint32_t i = 0; i < arch->storage_count / 2; i++) {
        ln_storage_level swap = arch->storage[i];
        arch->storage[i] = arch->storage[arch->storage_count - 1 - i];
        arch->storage[arch->storage_count - 1 - i] = swap;
    }
    arch->compute.name = "MACC";
    arch->compute.component_class = "intmac";
    arch->compute.instances = compute_instances;
    arch->compute.mesh_x = compute_mesh_x;
    arch->compute.mesh_y = compute_instances / compute_mesh_x;
    arch->compute.word_bits = 16;
}

/* Sets one level's temporal loops: factors like "R3 P16", permutation
 * innermost first like "RP". Level index counts from the innermost. */
static inline void test_set_loops(ln_mapping *mapping, const ln_problem *problem, uint32_t level,
                                  bool spatial, const char *factors, const char *permutation)
{
    ln_mapping_level *entry = &mapping->levels[level];
    uint32_t *target = spatial ? entry->spatial_factors : entry->temporal_factors;
    uint32_t *residual = spatial ? entry->spatial_residuals : entry->temporal_residuals;
    for (const char *c = factors; *c;) {
        if (*c == ' ') {
            c++;
            continue;
        }
        char name[2] = {*c, 0};
        int dimension = ln_problem_find_dimension(problem, name);
        c++;
        uint32_t value = 0;
        while (*c >= '0' && *c <= '9')
            value = value * 10 + (uint32_t)(*c++ - '0');
        target[dimension] = value;
        residual[dimension] = value;
    }
    uint8_t *order = spatial ? entry->spatial_permutation : entry->temporal_permutation;
    uint32_t position = 0;
    bool used[LN_MAX_DIMENSIONS] = {false};
    for (const char *c = permutation; *c; c++) {
        char name[2] = {*c, 0};
        int dimension = ln_problem_find_dimension(problem, name);
        order[position++] = (uint8_t)dimension;
        used[dimension] = true;
    }
    for (uint32_t d = 0; d < problem->dimension_count; d++)
        if (!used[d])
            order[position++] = (uint8_t)d;
}

#endif
