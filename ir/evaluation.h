/* The result of evaluating one mapping: every count, cycle, energy and area
 * figure the reports print. Filled by runtime/engine, read by backend/.
 *
 * Per-instance figures follow Timeloop's conventions: "per-instance" counts
 * are averages over the utilized spatial instances of a level. */
#ifndef LOOPNEST_IR_EVALUATION_H
#define LOOPNEST_IR_EVALUATION_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/spec.h"

enum {
    /* Loops in the mapping's nest: at most one temporal and one spatial loop
     * per dimension per level, plus one placeholder per level. */
    LN_MAX_LOOPS = LN_MAX_STORAGE_LEVELS * (2 * LN_MAX_DIMENSIONS + 1),
    LN_MAX_MULTICAST_CLASSES = 16,
};

/* One loop of the flattened nest, innermost first as Timeloop orders it. */
typedef struct ln_loop {
    uint8_t dimension;
    uint8_t level;       /* storage level the loop belongs to */
    uint8_t spatial;     /* 0 temporal, 1 spatial X, 2 spatial Y */
    uint32_t end;        /* factor */
    uint32_t residual_end;
} ln_loop;

enum { LN_LOOP_TEMPORAL = 0, LN_LOOP_SPATIAL_X = 1, LN_LOOP_SPATIAL_Y = 2 };

typedef struct ln_loop_nest {
    uint32_t loop_count;
    ln_loop loops[LN_MAX_LOOPS];
    /* Index of the outermost loop of each storage level's block. */
    uint32_t boundary[LN_MAX_STORAGE_LEVELS];
    uint32_t level_count;
} ln_loop_nest;

/* Accesses a parent delivers at one multicast factor (how many children
 * receive each word). */
typedef struct ln_multicast_class {
    uint32_t multicast;
    double accesses;
    /* Added for the network report: how many children a word is scattered
     * over (Timeloop's "@scatter"); reports print the classes in array
     * order, so fill them sorted by (multicast, scatter) as Timeloop does. */
    uint32_t scatter;
} ln_multicast_class;

/* Per-tensor figures of the network from a level to its children that the
 * tensor stats do not carry (Timeloop's LegacyNetwork stats). Only printed
 * when the level's network_energy is nonzero. */
typedef struct ln_network_tensor_stats {
    uint64_t multicast_factor;        /* largest multicast with accesses */
    double average_hops;              /* wire hops per ingress */
    double energy_per_hop;            /* pJ */
    double energy;                    /* pJ per instance */
    double link_transfer_energy;      /* pJ per instance */
    double spatial_reduction_energy;  /* pJ per instance */
    double utilized_instances;        /* instances the per-instance figures multiply by */
} ln_network_tensor_stats;

/* The network from a storage level to its children, as the model used it. */
typedef struct ln_network_evaluation {
    const char *legacy_subtype;       /* "1_1", "1_N", "M_N", or NULL (printed empty) */
    uint32_t connection_type;         /* 0 unused, 1 read-fill, 2 update-drain, 3 both */
    uint32_t word_bits;
    ln_optional_number router_energy; /* pJ */
    ln_optional_number wire_energy;   /* pJ/b/mm */
    ln_optional_number ingress_energy;/* pJ */
    uint64_t fill_latency;
    uint64_t drain_latency;
    ln_network_tensor_stats tensors[LN_MAX_TENSORS];
} ln_network_evaluation;

typedef struct ln_tensor_level_stats {
    bool kept;
    uint64_t tile_size;           /* words of the tile one instance holds */
    uint64_t utilized_capacity;
    uint64_t partition_size;
    double utilized_instances;    /* Timeloop prints int(utilized_instances) */
    uint64_t utilized_x;
    uint64_t utilized_y;
    uint64_t utilized_clusters;

    /* Per-instance scalar counts. */
    uint64_t reads;
    uint64_t fills;
    uint64_t updates;
    uint64_t temporal_reductions;
    uint64_t address_generations; /* per cluster */

    /* Vector (block) accesses after dividing by the block size. */
    double vector_reads;
    double vector_fills;
    double vector_updates;

    double energy_per_access;     /* pJ per scalar access */
    double energy;                /* pJ per instance */
    double energy_total;          /* pJ over utilized instances */
    double temporal_reduction_energy;       /* per instance */
    double address_generation_energy;       /* per cluster */
    double bandwidth_consumption_scale;
    double shared_bandwidth;      /* words/cycle per instance */
    double read_bandwidth;
    double write_bandwidth;

    /* Network from this level to its children, for this tensor. */
    uint32_t fanout;
    uint32_t multicast_class_count;
    ln_multicast_class multicast_classes[LN_MAX_MULTICAST_CLASSES];
    double link_transfers;
    double spatial_reductions;
    double peer_accesses;
    double peer_fills;
} ln_tensor_level_stats;

typedef struct ln_level_evaluation {
    /* Specs as the model used them. */
    double vector_access_energy;  /* pJ per block access (largest action energy / cluster size) */
    const char *energy_source;    /* "ERT", "PAT", "user", or an estimator name */
    const char *area_source;
    double read_energy, fill_energy, update_energy, leak_energy; /* pJ per vector action */
    double area;                  /* um^2 per instance */
    uint64_t addr_gen_bits;

    /* Stats. */
    uint64_t cycles;
    double slowdown;              /* "Bandwidth throttling" */
    double leakage_energy;        /* pJ over the run, all instances */
    double instances_sharing_power_gating;
    double non_power_gated_utilization;
    double leaks_per_cycle;
    uint64_t total_scalar_accesses; /* over utilized instances and tensors */
    double energy;                /* pJ: storage + reductions + address generation + leakage */
    double network_energy;        /* pJ of the network from this level to its children */
    ln_tensor_level_stats tensors[LN_MAX_TENSORS];
    /* Added for the network report: details of the network to the children,
     * read only when network_energy is nonzero. */
    ln_network_evaluation network;
} ln_level_evaluation;

typedef struct ln_compute_evaluation {
    double energy_per_compute;    /* pJ */
    const char *energy_source;
    const char *area_source;
    double area;                  /* um^2 per instance */
    uint64_t utilized_instances;
    uint64_t computes;            /* total over all instances */
    uint64_t cycles;
    double energy;                /* pJ */
} ln_compute_evaluation;

typedef enum ln_evaluation_status {
    LN_EVALUATION_OK,
    LN_EVALUATION_CAPACITY,       /* a tile does not fit */
    LN_EVALUATION_FANOUT,         /* spatial loops exceed the hardware fan-out */
    LN_EVALUATION_MIN_UTILIZATION,
    LN_EVALUATION_INVALID_MAPPING,
    LN_EVALUATION_UNSUPPORTED,
} ln_evaluation_status;

typedef struct ln_evaluation_failure {
    ln_evaluation_status status;
    int32_t level;   /* storage level index, -1 for the compute level */
    int32_t tensor;  /* tensor index, -1 when it concerns the level */
    uint64_t required;
    uint64_t available;
    char message[256];
} ln_evaluation_failure;

typedef struct ln_evaluation {
    ln_evaluation_status status;
    uint32_t failure_count;
    ln_evaluation_failure failures[8];

    ln_loop_nest nest;
    uint32_t level_count;
    uint32_t tensor_count;
    ln_compute_evaluation compute;
    ln_level_evaluation levels[LN_MAX_STORAGE_LEVELS];

    uint64_t cycles;
    double energy;                /* pJ */
    double area;                  /* um^2, all components, all instances */
    double utilization;           /* fraction */
    double gflops;                /* at 1 GHz, Timeloop's definition */
    double edp;                   /* J * cycle */
    uint64_t computes;

    /* Operational intensity. */
    uint64_t total_elementwise_ops;
    uint64_t total_reduction_ops;
    uint64_t total_ops;
    uint64_t total_memory_accesses_required;
    double optimal_op_per_byte;
} ln_evaluation;

#endif
