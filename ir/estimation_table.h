/* The user's energy/area tables (`--tables DIR`), as Accelergy's table
 * plug-ins read them: CSV files whose columns are attribute names plus
 * `action`, `energy` and `area` (and optionally `class`; otherwise the file
 * is named after the class, e.g. intadder.csv). A row applies to a component
 * of that class when every attribute the row gives (non-empty, not `*`)
 * equals the component's, and every attribute the row marks `-` is one the
 * component does not set (Accelergy chose its estimator by which attributes
 * a component has; see stdlib/compat/); the first such row wins. Tables take precedence
 * over the built-in models; an ERT/ART given with the inputs over both. */
#ifndef LOOPNEST_IR_ESTIMATION_TABLE_H
#define LOOPNEST_IR_ESTIMATION_TABLE_H

#include <stdint.h>

#include "ir/csv_text.h"

typedef struct ln_estimation_table {
    const char *path;
    const char *class_name; /* from the file name; NULL when a `class` column names it per row */
    ln_csv_table csv;
    int class_column;       /* -1 when absent */
    int action_column;      /* -1: the table gives areas only */
    int energy_column;      /* -1: no energies */
    int area_column;        /* -1: no areas */
} ln_estimation_table;

typedef struct ln_estimation_tables {
    uint32_t count;
    ln_estimation_table *tables;
} ln_estimation_tables;

#endif
