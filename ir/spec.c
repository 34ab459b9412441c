#include "ir/spec.h"

#include <stddef.h>
#include <string.h>

void ln_spec_init(ln_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    ln_arena_init(&spec->arena);
}

void ln_spec_release(ln_spec *spec)
{
    ln_arena_release(&spec->arena);
    memset(spec, 0, sizeof *spec);
}

int ln_problem_find_dimension(const ln_problem *problem, const char *name)
{
    for (int i = 0; i < problem->dimension_count; i++)
        if (strcmp(problem->dimension_names[i], name) == 0)
            return i;
    return -1;
}

int ln_problem_find_tensor(const ln_problem *problem, const char *name)
{
    for (int i = 0; i < problem->tensor_count; i++)
        if (strcmp(problem->tensors[i].name, name) == 0)
            return i;
    return -1;
}

int ln_problem_find_coefficient(const ln_problem *problem, const char *name)
{
    for (int i = 0; i < problem->coefficient_count; i++)
        if (strcmp(problem->coefficient_names[i], name) == 0)
            return i;
    return -1;
}

int ln_arch_find_storage(const ln_arch *arch, const char *name)
{
    for (uint32_t i = 0; i < arch->storage_count; i++)
        if (strcmp(arch->storage[i].name, name) == 0)
            return (int)i;
    return -1;
}

const ln_attribute *ln_attribute_find(const ln_attribute_list *list, const char *name)
{
    for (uint32_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i].name, name) == 0)
            return &list->items[i];
    return NULL;
}

static uint64_t inner_mesh(const ln_arch *arch, uint32_t level, bool x_axis)
{
    if (level == 0)
        return x_axis ? arch->compute.mesh_x : arch->compute.mesh_y;
    return x_axis ? arch->storage[level - 1].mesh_x : arch->storage[level - 1].mesh_y;
}

uint64_t ln_arch_fanout_x(const ln_arch *arch, uint32_t level)
{
    uint64_t outer = arch->storage[level].mesh_x;
    return outer ? inner_mesh(arch, level, true) / outer : 0;
}

uint64_t ln_arch_fanout_y(const ln_arch *arch, uint32_t level)
{
    uint64_t outer = arch->storage[level].mesh_y;
    return outer ? inner_mesh(arch, level, false) / outer : 0;
}

void ln_mapping_init_neutral(ln_mapping *mapping, const ln_problem *problem, uint32_t level_count)
{
    memset(mapping, 0, sizeof *mapping);
    mapping->level_count = level_count;
    for (uint32_t level = 0; level < level_count; level++) {
        ln_mapping_level *entry = &mapping->levels[level];
        for (uint32_t dim = 0; dim < LN_MAX_DIMENSIONS; dim++) {
            entry->temporal_factors[dim] = 1;
            entry->temporal_residuals[dim] = 1;
            entry->spatial_factors[dim] = 1;
            entry->spatial_residuals[dim] = 1;
            entry->temporal_permutation[dim] = (uint8_t)dim;
            entry->spatial_permutation[dim] = (uint8_t)dim;
        }
        entry->spatial_split = problem->dimension_count;
    }
}

const char *ln_metric_name(ln_metric metric)
{
    switch (metric) {
    case LN_METRIC_DELAY:
        return "delay";
    case LN_METRIC_ENERGY:
        return "energy";
    case LN_METRIC_EDP:
        return "edp";
    case LN_METRIC_LAST_LEVEL_ACCESSES:
        return "last_level_accesses";
    case LN_METRIC_AREA:
        return "area";
    }
    return "edp";
}

const ln_mapper_flag ln_mapper_flags[] = {
    {"filter_revisits", offsetof(ln_mapper_options, filter_revisits)},
    {"log_stats", offsetof(ln_mapper_options, log_stats)},
    {"log_suboptimal", offsetof(ln_mapper_options, log_suboptimal)},
    {"live_status", offsetof(ln_mapper_options, live_status)},
    {"diagnostics", offsetof(ln_mapper_options, diagnostics)},
    {"log_oaves", offsetof(ln_mapper_options, log_oaves)},
    {"log_oaves_mappings", offsetof(ln_mapper_options, log_oaves_mappings)},
    {"penalize_consecutive_bypass_fails", offsetof(ln_mapper_options, penalize_consecutive_bypass_fails)},
    {"emit_whoop_nest", offsetof(ln_mapper_options, emit_whoop_nest)},
};
const size_t ln_mapper_flag_count = sizeof ln_mapper_flags / sizeof *ln_mapper_flags;
