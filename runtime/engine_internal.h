/* Internals shared by the engine's translation units: the per-spec plan,
 * the scratch layout and the per-level data-movement records that tile
 * analysis hands to the micro-architectural model. Not a public API. */
#ifndef LOOPNEST_RUNTIME_ENGINE_INTERNAL_H
#define LOOPNEST_RUNTIME_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/engine.h"

enum {
    /* Distinct (multicast, scatter) records a level's accesses can fall into. */
    LN_MAX_ACCESS_ENTRIES = 32,
    /* Distinct neighbour offsets whose link transfers are tracked per fan-out. */
    LN_MAX_LINK_PATTERNS = 64,
    /* Nested-state memo entries kept per loop in the delta recursion. */
    LN_MAX_MEMO_STATES = 8,
    /* Boxes a difference of two boxes can split into. */
    LN_MAX_DELTA_BOXES = 2 * LN_MAX_RANKS,
};

typedef struct ln_rank_vector {
    int64_t value[LN_MAX_RANKS];
} ln_rank_vector;

/* A projection with the coefficient values substituted. */
typedef struct ln_plan_term {
    uint8_t dimension;
    int64_t coefficient;
} ln_plan_term;

typedef struct ln_plan_tensor {
    uint8_t rank_count;
    uint8_t term_count[LN_MAX_RANKS];
    ln_plan_term terms[LN_MAX_RANKS][LN_MAX_TERMS];
    bool read_write;
    /* Bit d set when dimension d appears in the projection. */
    uint32_t relevant_dimensions;
    /* Projection as a matrix: how far one step of dimension d moves rank r
     * (signed), and how much it widens it (coefficient magnitudes). */
    int64_t step[LN_MAX_DIMENSIONS][LN_MAX_RANKS];
    int64_t widening[LN_MAX_DIMENSIONS][LN_MAX_RANKS];
    /* All terms in one list, for the box-size computation. */
    uint8_t flat_term_count;
    uint8_t flat_rank[LN_MAX_RANKS * LN_MAX_TERMS];
    uint8_t flat_dimension[LN_MAX_RANKS * LN_MAX_TERMS];
    int64_t flat_magnitude[LN_MAX_RANKS * LN_MAX_TERMS];
} ln_plan_tensor;

/* Energies per action the model charges, resolved once from ERT/ART/PAT. */
typedef struct ln_plan_level {
    double vector_access_energy;
    double read_energy;
    double fill_energy;
    double update_energy;
    double leak_energy;
    double area; /* per instance */
    const char *energy_source;
    const char *area_source;
    uint64_t fanout_x; /* to the next-inner level */
    uint64_t fanout_y;
    uint64_t addr_gen_bits; /* when the size is specified */
} ln_plan_level;

struct ln_engine {
    const ln_spec *spec;
    const ln_problem *problem;
    const ln_arch *arch;
    uint32_t level_count;
    uint32_t tensor_count;
    ln_plan_tensor tensors[LN_MAX_TENSORS];
    ln_plan_level levels[LN_MAX_STORAGE_LEVELS];
    double compute_energy;       /* pJ per compute */
    double compute_area;         /* per instance */
    const char *compute_energy_source;
    const char *compute_area_source;
    uint64_t max_block_instances; /* largest fan-out of any level: sizes the scratch */
    uint64_t network_latency;     /* fill + drain latencies of every network */
    size_t analysis_offset;       /* where the analysis' working memory starts in the scratch */
    size_t scratch_size;
};

/* Accesses a level serves at one (multicast, scatter) signature. */
typedef struct ln_access_entry {
    uint32_t multicast;
    uint32_t scatter;
    double accesses;
} ln_access_entry;

/* Timeloop's per-level, per-tensor data-movement record ("tile"). */
typedef struct ln_movement_tile {
    uint64_t size;
    uint64_t partition_size;
    uint64_t partition_fraction_denominator;
    double content_accesses;
    double parent_access_share;
    double link_transfers;
    double peer_accesses;
    double peer_fills;
    double replication_factor;
    uint64_t fanout;
    uint64_t max_x_expansion;
    uint64_t max_y_expansion;
    bool rmw_first_update;
    bool no_coalesce;
    uint32_t entry_count;
    ln_access_entry entries[LN_MAX_ACCESS_ENTRIES];
    uint64_t reads;
    uint64_t fills;
    uint64_t updates;
    double temporal_reductions;
} ln_movement_tile;

/* Result of the tile analysis for one mapping. */
typedef struct ln_tile_analysis {
    /* Indexed [tensor][level]: the post-processing walks one tensor's levels. */
    ln_movement_tile tiles[LN_MAX_TENSORS][LN_MAX_STORAGE_LEVELS];
    double compute_accesses;          /* per compute instance */
    double compute_replication;       /* utilized compute instances */
    uint64_t compute_max_x, compute_max_y;
    /* Product of the temporal factors. With imperfect factorization (some
     * loop has a residual) Timeloop counts the compute cycles as this
     * product instead of dividing the operations among the instances. */
    uint64_t max_temporal_iterations;
    bool imperfect;
} ln_tile_analysis;

/* The mesh neighbours of instance `key` (row-major, `width` per row) that
 * a link transfer can come from, in Timeloop's order: above, below, left,
 * right. Returns how many were written. */
static inline uint32_t ln_mesh_neighbours(uint64_t key, uint64_t width, uint64_t height, uint64_t neighbours[4])
{
    uint64_t column = key % width, row = key / width;
    uint32_t count = 0;
    if (height > 1) {
        if (row >= 1)
            neighbours[count++] = key - width;
        if (row + 1 < height)
            neighbours[count++] = key + width;
    }
    if (width > 1) {
        if (column >= 1)
            neighbours[count++] = key - 1;
        if (column + 1 < width)
            neighbours[count++] = key + 1;
    }
    return count;
}

/* Scratch: the caller provides engine->scratch_size bytes. */
typedef struct ln_engine_scratch ln_engine_scratch;

/* Which nest analysis computes the records. Automatic picks the closed
 * form (runtime/tile_analysis.c) for perfect factorizations and the
 * simulation of Timeloop's walk (runtime/nest_simulation.c) when a loop has
 * a residual factor or the closed form cannot classify a fan-out; the tests
 * force one or the other to compare them. */
typedef enum ln_analysis_method {
    LN_ANALYSIS_AUTOMATIC,
    LN_ANALYSIS_CLOSED_FORM,
    LN_ANALYSIS_SIMULATION,
} ln_analysis_method;

/* Runs the nest analysis and the collapse into per-level records. Returns
 * false with `failure` filled when the mapping is outside what the chosen
 * analysis supports. */
bool ln_tile_analysis_run(const ln_engine *engine, const ln_mapping *mapping,
                          const ln_loop_nest *nest, void *scratch, ln_tile_analysis *analysis,
                          ln_analysis_method method, ln_tensor_mask tensors, ln_evaluation_failure *failure);

/* ln_engine_evaluate with a chosen analysis. */
ln_evaluation_status ln_engine_evaluate_using(const ln_engine *engine, const ln_mapping *mapping, void *scratch,
                                              ln_evaluation *result, ln_analysis_method method,
                                              ln_tensor_mask tensors);

/* The raw per-level records (Timeloop's nest-analysis output before the
 * tiling post-processing) from the closed form, perfect factorizations
 * only. Where a child bypasses a tensor with no fan-out in between, the
 * parent's record is already the one the post-processing rescales it to. */
bool ln_tile_analysis_records(const ln_engine *engine, const ln_mapping *mapping, const ln_loop_nest *nest,
                              void *scratch, ln_tile_analysis *analysis, ln_evaluation_failure *failure);

/* The same records from a simulation of Timeloop's walk; any mapping. */
bool ln_nest_simulation_records(const ln_engine *engine, const ln_mapping *mapping, const ln_loop_nest *nest,
                                void *scratch, ln_tile_analysis *analysis, ln_evaluation_failure *failure);

/* Timeloop's tiling post-processing of one tensor's records (partition
 * sizes, parent access shares, bypass masking, peer transfers, the split
 * into reads, fills and updates). */
void ln_collapse_tensor(ln_movement_tile *tiles, uint32_t level_count, const bool *keep, bool read_write);

/* ln_collapse_tensor for every tensor of a mapping. */
void ln_collapse_records(const ln_engine *engine, const ln_mapping *mapping, uint32_t level_count,
                         ln_tile_analysis *analysis);

/* Scratch bytes ln_tile_analysis_records needs for spatial blocks of up to
 * `max_block_instances` instances. */
size_t ln_tile_analysis_scratch_size(uint64_t max_block_instances);

/* Scratch bytes ln_nest_simulation_records needs. */
size_t ln_nest_simulation_scratch_size(uint64_t max_block_instances);

#endif
