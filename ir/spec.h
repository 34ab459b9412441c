/* The spec IR: the one representation that every front end lowers into and
 * every back end and the engine read from.
 *
 * Fixed-size arrays bound the problem's shape (dimensions, tensors, ranks)
 * and the hierarchy's depth, so a mapping is a plain value that the mapper
 * can copy and the engine can read without chasing pointers. Strings and
 * attribute lists live in the spec's arena. */
#ifndef LOOPNEST_IR_SPEC_H
#define LOOPNEST_IR_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/arena.h"
#include "ir/component.h"
#include "ir/diagnostic.h"

/* A node of a parsed YAML file (frontend/yaml_document.h); the IR only
 * carries pointers to it. */
struct ln_yaml_node;

enum {
    LN_MAX_DIMENSIONS = 16,
    LN_MAX_TENSORS = 8,
    LN_MAX_RANKS = 8,
    LN_MAX_TERMS = 4,
    LN_MAX_COEFFICIENTS = 16,
    LN_MAX_STORAGE_LEVELS = 24,
};

/* ------------------------------------------------------------------ */
/* Problem                                                              */
/* ------------------------------------------------------------------ */

/* One term of a rank's projection: coefficient * dimension. */
typedef struct ln_projection_term {
    uint8_t dimension;
    int8_t coefficient; /* index into ln_problem.coefficient_*, or -1 for the constant 1 */
} ln_projection_term;

typedef struct ln_projection_rank {
    uint8_t term_count;
    ln_projection_term terms[LN_MAX_TERMS];
    const char *name; /* optional rank name ("ranks:" in Timeloop), may be NULL */
} ln_projection_rank;

typedef struct ln_tensor {
    const char *name;
    bool read_write;
    uint8_t rank_count;
    ln_projection_rank ranks[LN_MAX_RANKS];
    /* Timeloop accepts a projection as a flat list of dimension names; kept
     * so that an exported spec looks like the one read. */
    bool projection_is_flat_list;
    ln_source_location location;
} ln_tensor;

typedef struct ln_problem {
    const char *name;
    ln_source_location location;

    uint8_t dimension_count;
    const char *dimension_names[LN_MAX_DIMENSIONS];
    int64_t dimension_bounds[LN_MAX_DIMENSIONS];
    ln_source_location dimension_locations[LN_MAX_DIMENSIONS];

    uint8_t coefficient_count;
    const char *coefficient_names[LN_MAX_COEFFICIENTS];
    int64_t coefficient_defaults[LN_MAX_COEFFICIENTS];
    int64_t coefficient_values[LN_MAX_COEFFICIENTS]; /* instance value, or the default */

    uint8_t tensor_count;
    ln_tensor tensors[LN_MAX_TENSORS];
} ln_problem;

/* ------------------------------------------------------------------ */
/* Attributes (architecture components, compound components)            */
/* ------------------------------------------------------------------ */

typedef enum ln_value_kind {
    LN_VALUE_NULL,
    LN_VALUE_BOOL,
    LN_VALUE_NUMBER,
    LN_VALUE_STRING,
} ln_value_kind;

typedef struct ln_attribute {
    const char *name; /* canonical spelling: underscores, not hyphens */
    ln_value_kind kind;
    bool boolean;
    double number;
    const char *text; /* the value as written (also set for numbers and bools) */
    ln_source_location location;
} ln_attribute;

typedef struct ln_attribute_list {
    uint32_t count;
    ln_attribute *items;
} ln_attribute_list;

/* ------------------------------------------------------------------ */
/* Architecture                                                         */
/* ------------------------------------------------------------------ */

typedef enum ln_memory_technology {
    LN_TECHNOLOGY_SRAM,
    LN_TECHNOLOGY_DRAM,
} ln_memory_technology;

/* An optional real-valued spec: Timeloop prints "-" when it is unset. */
typedef struct ln_optional_number {
    bool specified;
    double value;
} ln_optional_number;

typedef struct ln_storage_level {
    const char *name;            /* "GlobalBuffer" (no instance range) */
    const char *component_class; /* "SRAM", "smartbuffer_SRAM", "storage", "dummy_storage" */
    const char *subclass;        /* may be NULL */
    bool is_dummy;               /* dummy_storage inserted for a spatial container */

    uint64_t instances;
    uint64_t mesh_x, mesh_y;

    bool size_specified;
    uint64_t size; /* in words: depth * block_size, "entries", or from sizeKB */
    uint32_t word_bits;
    uint32_t block_size;
    uint32_t cluster_size;
    uint32_t banks;
    uint32_t ports;
    ln_optional_number read_bandwidth;
    ln_optional_number write_bandwidth;
    ln_optional_number shared_bandwidth;
    double multiple_buffering;
    uint64_t effective_size; /* floor(size / multiple_buffering); meaningful when size_specified */
    double min_utilization;
    ln_memory_technology technology;
    bool reduction_supported_specified;
    bool reduction_supported;
    bool allow_overbooking;
    uint64_t network_fill_latency;
    uint64_t network_drain_latency;
    /* per_dataspace_bandwidth_consumption_scale, by tensor index (1.0 default) */
    double bandwidth_consumption_scale[LN_MAX_TENSORS];
    /* Optional overrides Timeloop accepts in attributes. */
    ln_optional_number vector_access_energy;
    ln_optional_number addr_gen_energy;
    ln_optional_number cluster_area;

    ln_attribute_list attributes; /* every attribute as read, for estimation and export */
    ln_source_location location;
} ln_storage_level;

typedef struct ln_compute_level {
    const char *name;
    const char *component_class;
    const char *subclass;
    uint64_t instances;
    uint64_t mesh_x, mesh_y;
    uint32_t word_bits; /* 16 when not given, as Timeloop */
    ln_optional_number energy_override; /* "energy" attribute */
    ln_optional_number area_override;   /* "area" attribute */
    ln_attribute_list attributes;
    ln_source_location location;
} ln_compute_level;

typedef enum ln_arch_form {
    LN_ARCH_FORM_SUBTREE, /* v0.3 / v0.4 subtree + local */
    LN_ARCH_FORM_NODES,   /* v0.4 nodes (!Container, !Component, !Parallel) */
    LN_ARCH_FORM_DSL,
    LN_ARCH_FORM_STORAGE_LIST, /* the older `arch: {storage: [...], arithmetic: {...}}` */
} ln_arch_form;

typedef struct ln_arch {
    const char *name;    /* top-level tree name, e.g. "System" */
    const char *version; /* as read, e.g. "0.4" */
    ln_arch_form form;
    /* Storage levels, innermost (next to the compute units) first, as
     * Timeloop numbers them. */
    uint32_t storage_count;
    ln_storage_level storage[LN_MAX_STORAGE_LEVELS];
    ln_compute_level compute;
    /* Attributes of the top-level container (technology, global_cycle_seconds). */
    ln_attribute_list attributes;
    ln_source_location location;
} ln_arch;

/* ------------------------------------------------------------------ */
/* Mapping                                                              */
/* ------------------------------------------------------------------ */

/* Bit i set means tensor i. */
typedef uint8_t ln_tensor_mask;

typedef struct ln_mapping_level {
    /* Temporal loops of this storage level. */
    uint32_t temporal_factors[LN_MAX_DIMENSIONS];
    /* Factor of the last iteration for imperfect factorization ("R=3,2");
     * equal to the factor when perfect. */
    uint32_t temporal_residuals[LN_MAX_DIMENSIONS];
    uint8_t temporal_permutation[LN_MAX_DIMENSIONS]; /* innermost first, all dimensions */
    bool has_temporal;

    /* Spatial fan-out from this level to the next-inner one. */
    uint32_t spatial_factors[LN_MAX_DIMENSIONS];
    uint32_t spatial_residuals[LN_MAX_DIMENSIONS];
    uint8_t spatial_permutation[LN_MAX_DIMENSIONS]; /* innermost first */
    /* Dimensions [0, split) of spatial_permutation go to X, the rest to Y. */
    uint8_t spatial_split;
    bool has_spatial;
    bool split_specified;

    ln_tensor_mask keep;   /* tensors explicitly kept */
    ln_tensor_mask bypass; /* tensors explicitly bypassed; unlisted tensors are kept */

    ln_tensor_mask no_temporal_reuse;
    ln_tensor_mask no_multicast;
    ln_tensor_mask no_link_transfer;
    ln_tensor_mask rmw_first_update;
    ln_tensor_mask no_coalesce;

    ln_source_location temporal_location;
    ln_source_location spatial_location;
    ln_source_location dataspace_location;

    /* Bit d set: the factor of dimension d was written rather than left at
     * its default of 1, so a diagnostic can point at the directive that set
     * it. */
    uint32_t temporal_factors_specified;
    uint32_t spatial_factors_specified;
} ln_mapping_level;

typedef struct ln_mapping {
    uint32_t level_count; /* == arch.storage_count */
    ln_mapping_level levels[LN_MAX_STORAGE_LEVELS];
    ln_source_location location;
} ln_mapping;

/* ------------------------------------------------------------------ */
/* Mapspace constraints and mapper options                              */
/* ------------------------------------------------------------------ */

typedef enum ln_constraint_kind {
    LN_CONSTRAINT_TEMPORAL,
    LN_CONSTRAINT_SPATIAL,
    LN_CONSTRAINT_DATASPACE, /* "bypass", "datatype", "dataspace" */
    LN_CONSTRAINT_UTILIZATION,
    LN_CONSTRAINT_MAX_OVERBOOKED_PROPORTION,
} ln_constraint_kind;

/* How a factor is constrained: exactly, at least, or at most. */
typedef enum ln_factor_relation {
    LN_FACTOR_FREE = 0,
    LN_FACTOR_EQUAL,
    LN_FACTOR_AT_LEAST,
    LN_FACTOR_AT_MOST,
} ln_factor_relation;

typedef struct ln_constraint {
    ln_constraint_kind kind;
    int32_t level; /* storage level index */
    bool from_architecture; /* architecture_constraints vs mapspace_constraints */
    uint8_t factor_relation[LN_MAX_DIMENSIONS];
    uint32_t factors[LN_MAX_DIMENSIONS];
    /* Partial permutation, innermost first; permutation_count entries. */
    uint8_t permutation_count;
    uint8_t permutation[LN_MAX_DIMENSIONS];
    bool split_specified;
    uint8_t split;
    ln_tensor_mask keep;
    ln_tensor_mask bypass;
    bool no_link_transfer_specified, no_multicast_specified, no_temporal_reuse_specified;
    ln_tensor_mask no_link_transfer, no_multicast, no_temporal_reuse;
    double min_utilization; /* LN_CONSTRAINT_UTILIZATION */
    double max_overbooked_proportion;
    ln_source_location location;

    const char *target_name; /* the level as written (a name or an index), for messages */
    /* Timeloop's partial permutations may hold a '_': the dimensions after it
     * are pinned outermost. permutation[] holds those before it. Innermost
     * first. */
    uint8_t permutation_suffix_count;
    uint8_t permutation_suffix[LN_MAX_DIMENSIONS];
    /* Both bounds of a factor ("R>=2 R<=8", default_min_factor,
     * default_max_factor); 0 = no bound. factor_relation/factors hold the
     * exact factor when one is given, else the upper bound, else the lower. */
    uint32_t min_factors[LN_MAX_DIMENSIONS];
    uint32_t max_factors[LN_MAX_DIMENSIONS];
    bool remainders_specified;
    uint32_t max_remainders; /* "remainders" */
    bool rmw_first_update_specified, no_coalesce_specified;
    ln_tensor_mask rmw_first_update, no_coalesce;
} ln_constraint;

typedef struct ln_constraint_list {
    uint32_t count;
    ln_constraint *items;
} ln_constraint_list;

typedef enum ln_metric {
    LN_METRIC_DELAY,
    LN_METRIC_ENERGY,
    LN_METRIC_EDP,
    LN_METRIC_LAST_LEVEL_ACCESSES,
    LN_METRIC_AREA,
} ln_metric;

typedef struct ln_mapper_options {
    bool present;
    const char *algorithm; /* "hybrid", "linear-pruned", "random-pruned", "exhaustive", "random" */
    uint32_t metric_count;
    ln_metric metrics[8];
    int64_t threads;                 /* num_threads; 0 = all cores */
    int64_t timeout;                 /* 0 disables */
    int64_t victory_condition;       /* 0 disables */
    int64_t search_size;             /* 0 disables */
    int64_t sync_interval;
    int64_t log_interval;
    int64_t max_permutations_per_if_visit;
    int64_t max_temporal_loops_in_a_mapping; /* -1 = unlimited */
    bool filter_revisits;
    bool log_stats, log_suboptimal, live_status, diagnostics, log_oaves;
    bool penalize_consecutive_bypass_fails;
    bool emit_whoop_nest;
    const char *out_prefix;
    ln_source_location location;

    bool log_oaves_mappings;
    const char *mapspace_template; /* mapspace.template: "uber" (default) or "ruby" */
} ln_mapper_options;

/* ------------------------------------------------------------------ */
/* Energy and area tables (Accelergy ERT / ART, or the built-in estimator) */
/* ------------------------------------------------------------------ */

typedef struct ln_action_energy {
    const char *action;      /* "read", "write", "update", "leak", "compute", ... */
    double energy;           /* pJ; the largest over the action's argument rows */
} ln_action_energy;

typedef struct ln_component_energy {
    const char *name;        /* full name as written, e.g. "System_top_level.GlobalBuffer[1..16]" */
    const char *level_name;  /* last name part without range: "GlobalBuffer" */
    uint32_t action_count;
    ln_action_energy *actions;
    bool has_area;
    double area;             /* um^2 per instance */
    const char *energy_source; /* "ERT", or the estimator model that produced it */
    const char *area_source;
    ln_source_location location;
} ln_component_energy;

typedef struct ln_energy_table {
    uint32_t count;
    ln_component_energy *components;
    bool has_ert;
    bool has_art;
} ln_energy_table;

/* ------------------------------------------------------------------ */
/* The spec                                                             */
/* ------------------------------------------------------------------ */

typedef struct ln_spec {
    ln_arena arena;

    bool has_problem;
    ln_problem problem;

    bool has_arch;
    ln_arch arch;

    bool has_mapping;
    ln_mapping mapping;

    ln_constraint_list constraints;
    ln_mapper_options mapper;

    ln_energy_table energy;

    /* The `compound_components` section as read, for the energy estimator:
     * a tree from frontend/yaml_document.h living in `arena`; NULL when the
     * inputs had none. */
    const struct ln_yaml_node *compound_components;

    /* Compound component classes from the inputs (`compound_components`,
     * `component` blocks), for the energy estimator. The stdlib's classes
     * are kept apart and consulted after these, so a user's class shadows
     * the stdlib's of the same name. */
    ln_component_library component_library;
} ln_spec;

void ln_spec_init(ln_spec *spec);
void ln_spec_release(ln_spec *spec);

/* Lookups by name; return -1 when absent. */
int ln_problem_find_dimension(const ln_problem *problem, const char *name);
int ln_problem_find_tensor(const ln_problem *problem, const char *name);
int ln_problem_find_coefficient(const ln_problem *problem, const char *name);
int ln_arch_find_storage(const ln_arch *arch, const char *name);

/* Attribute access on a list; NULL when absent. */
const ln_attribute *ln_attribute_find(const ln_attribute_list *list, const char *name);

/* Derived fan-out from storage level `level` to the next-inner level (or the
 * compute units for level 0), per mesh axis, as Timeloop derives it. */
uint64_t ln_arch_fanout_x(const ln_arch *arch, uint32_t level);
uint64_t ln_arch_fanout_y(const ln_arch *arch, uint32_t level);

/* A mapping with every factor 1, every permutation in dimension order, and
 * every tensor kept: the neutral starting point for front ends. */
void ln_mapping_init_neutral(ln_mapping *mapping, const ln_problem *problem, uint32_t level_count);

/* The spelling Timeloop uses for an optimization metric. */
const char *ln_metric_name(ln_metric metric);

/* The mapper's yes/no options under the names Timeloop reads, in the order
 * its documentation lists them: one table for every reader and writer. */
typedef struct ln_mapper_flag {
    const char *name;
    size_t offset; /* of the bool in ln_mapper_options */
} ln_mapper_flag;
extern const ln_mapper_flag ln_mapper_flags[];
extern const size_t ln_mapper_flag_count;

static inline bool *ln_mapper_flag_value(ln_mapper_options *mapper, const ln_mapper_flag *flag)
{
    return (bool *)((char *)mapper + flag->offset);
}

static inline bool ln_mapper_flag_is_set(const ln_mapper_options *mapper, const ln_mapper_flag *flag)
{
    return *(const bool *)((const char *)mapper + flag->offset);
}

/* True when tensor `tensor` is kept at level `level` (not bypassed). */
static inline bool ln_mapping_keeps(const ln_mapping *mapping, uint32_t level, uint32_t tensor)
{
    return !(mapping->levels[level].bypass & (1u << tensor));
}

#endif
