/* The measured data behind the primitive models, read from the files
 * embedded from stdlib/energy-data (see stdlib/energy-data/PROVENANCE.md),
 * and the technology scaling they are combined with. */
#ifndef LOOPNEST_RUNTIME_ENERGY_DATA_H
#define LOOPNEST_RUNTIME_ENERGY_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/arena.h"
#include "ir/diagnostic.h"

/* The ALADDIN tables, one per circuit. */
typedef enum ln_aladdin_circuit {
    LN_ALADDIN_REG,
    LN_ALADDIN_ADDER,
    LN_ALADDIN_MULTIPLIER,
    LN_ALADDIN_COMPARATOR,
    LN_ALADDIN_COUNTER,
    LN_ALADDIN_CROSSBAR,
    LN_ALADDIN_BITWISE,
    LN_ALADDIN_SHIFTER,
    LN_ALADDIN_FP_SP_ADDER,
    LN_ALADDIN_FP_SP_MULTIPLIER,
    LN_ALADDIN_FP_DP_ADDER,
    LN_ALADDIN_FP_DP_MULTIPLIER,
    LN_ALADDIN_CIRCUIT_COUNT,
} ln_aladdin_circuit;

enum { LN_ALADDIN_MAX_ROWS = 16, LN_SCALING_NODES = 10 };

typedef struct ln_aladdin_row {
    double latency_ns;
    double dynamic_pj;
    double idle_pj;
    double area_um2;
} ln_aladdin_row;

typedef struct ln_aladdin_table {
    const char *name; /* "adder" */
    const char *path; /* "energy-data/aladdin-40nm/adder.csv" */
    uint32_t row_count;
    ln_aladdin_row rows[LN_ALADDIN_MAX_ROWS];
} ln_aladdin_table;

/* What the CACTI plug-in returns for one SRAM (1 read-write port):
 * energies in pJ, leakage in pJ per 1 ns cycle, random cycle time in ns.
 * Rows below the plug-in's minimum size (width < 32 or depth < 64 x banks)
 * already carry its rescaling (cacti-sram/METHOD.md). */
typedef struct ln_cacti_point {
    double node_nm, width, depth, banks;
    double read_pj, write_pj, update_pj, leak_pj, area_um2, cycle_ns;
} ln_cacti_point;

typedef struct ln_dram_type {
    const char *name;
    double pj_per_bit;
} ln_dram_type;

typedef struct ln_energy_data {
    ln_aladdin_table aladdin[LN_ALADDIN_CIRCUIT_COUNT];
    /* Every row of the three CACTI sweeps (power-of-two grid, banks, fine
     * depths), each (node, width, depth, banks) once. */
    uint32_t sram_count;
    ln_cacti_point *sram;
    uint32_t dram_count;
    ln_dram_type *dram;
    /* Stillmaker-Baas: nodes from the largest (130) to the smallest (7). */
    double nodes[LN_SCALING_NODES];
    double energy_coefficients[LN_SCALING_NODES][3];
    double area_matrix[LN_SCALING_NODES][LN_SCALING_NODES];
} ln_energy_data;

/* Reads the embedded data into `data` (arrays in `arena`). False, with an
 * error naming the file, when a file is missing or malformed; that can only
 * happen with a broken build. */
bool ln_energy_data_load(ln_energy_data *data, ln_arena *arena, ln_diagnostics *diagnostics);

/* Energy scale from node `from` to node `to` (nm) at the default 0.8 V; nodes
 * between the tabulated ones interpolate linearly. False when a node is
 * outside the table (7..130 nm). */
bool ln_energy_scale_between(const ln_energy_data *data, double from, double to, double *scale);
bool ln_area_scale_between(const ln_energy_data *data, double from, double to, double *scale);

#endif
