#include "runtime/energy_data.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir/csv_text.h"
#include "ir/stdlib_data.h"

static const struct {
    ln_aladdin_circuit circuit;
    const char *name;
} aladdin_files[] = {
    {LN_ALADDIN_REG, "reg"},
    {LN_ALADDIN_ADDER, "adder"},
    {LN_ALADDIN_MULTIPLIER, "multiplier"},
    {LN_ALADDIN_COMPARATOR, "comparator"},
    {LN_ALADDIN_COUNTER, "counter"},
    {LN_ALADDIN_CROSSBAR, "crossbar"},
    {LN_ALADDIN_BITWISE, "bitwise"},
    {LN_ALADDIN_SHIFTER, "shifter"},
    {LN_ALADDIN_FP_SP_ADDER, "fp_sp_adder"},
    {LN_ALADDIN_FP_SP_MULTIPLIER, "fp_sp_multiplier"},
    {LN_ALADDIN_FP_DP_ADDER, "fp_dp_adder"},
    {LN_ALADDIN_FP_DP_MULTIPLIER, "fp_dp_multiplier"},
};

static bool load_table(ln_arena *arena, ln_diagnostics *diagnostics, const char *path, ln_csv_table *table)
{
    const ln_stdlib_file *file = ln_stdlib_find(path);
    if (!file) {
        ln_error(diagnostics, ln_location_none(), "rebuild loopnest; stdlib/ is embedded at build time",
                 "the built-in energy data '%s' is missing", path);
        return false;
    }
    return ln_csv_parse(arena, diagnostics, path, file->text, file->length, table);
}

static bool bad_field(ln_diagnostics *diagnostics, const ln_csv_table *table, const ln_csv_row *row,
                      const char *column)
{
    ln_source_location location = {table->path, row->line, 1};
    ln_error(diagnostics, location, "rebuild loopnest from an intact stdlib/",
             "the built-in energy data has no number in column '%s'", column);
    return false;
}

static bool field_number(ln_diagnostics *diagnostics, const ln_csv_table *table, const ln_csv_row *row,
                         const char *column, double *value)
{
    int index = ln_csv_column(table, column);
    if (index < 0 || !ln_csv_number(row->fields[index], value))
        return bad_field(diagnostics, table, row, column);
    return true;
}

static bool load_aladdin(ln_energy_data *data, ln_arena *arena, ln_diagnostics *diagnostics)
{
    for (size_t i = 0; i < sizeof aladdin_files / sizeof *aladdin_files; i++) {
        ln_aladdin_table *target = &data->aladdin[aladdin_files[i].circuit];
        target->name = aladdin_files[i].name;
        target->path = ln_arena_printf(arena, "energy-data/aladdin-40nm/%s.csv", aladdin_files[i].name);
        ln_csv_table table;
        if (!load_table(arena, diagnostics, target->path, &table))
            return false;
        for (uint32_t r = 0; r < table.row_count && target->row_count < LN_ALADDIN_MAX_ROWS; r++) {
            const ln_csv_row *row = &table.rows[r];
            ln_aladdin_row *out = &target->rows[target->row_count++];
            if (!field_number(diagnostics, &table, row, "latency(ns)", &out->latency_ns) ||
                !field_number(diagnostics, &table, row, "dynamic energy(pJ)", &out->dynamic_pj) ||
                !field_number(diagnostics, &table, row, "idle energy(pJ)", &out->idle_pj) ||
                !field_number(diagnostics, &table, row, "area(um^2)", &out->area_um2))
                return false;
        }
        if (target->row_count == 0) {
            ln_error(diagnostics, ln_location_none(), NULL, "the built-in table '%s' has no rows", target->path);
            return false;
        }
    }
    return true;
}

/* Appends the rows of one sweep to data->sram. */
static bool load_cacti(ln_energy_data *data, ln_arena *arena, ln_diagnostics *diagnostics, const char *path,
                       uint32_t capacity)
{
    ln_csv_table table;
    if (!load_table(arena, diagnostics, path, &table))
        return false;
    if (data->sram_count + table.row_count > capacity) {
        ln_error(diagnostics, ln_location_none(), NULL, "the built-in table '%s' has more rows than expected", path);
        return false;
    }
    for (uint32_t r = 0; r < table.row_count; r++) {
        const ln_csv_row *row = &table.rows[r];
        ln_cacti_point *point = &data->sram[data->sram_count];
        if (!field_number(diagnostics, &table, row, "technology_nm", &point->node_nm) ||
            !field_number(diagnostics, &table, row, "width_bits", &point->width) ||
            !field_number(diagnostics, &table, row, "depth", &point->depth) ||
            !field_number(diagnostics, &table, row, "n_banks", &point->banks) ||
            !field_number(diagnostics, &table, row, "read_pJ", &point->read_pj) ||
            !field_number(diagnostics, &table, row, "write_pJ", &point->write_pj) ||
            !field_number(diagnostics, &table, row, "update_pJ", &point->update_pj) ||
            !field_number(diagnostics, &table, row, "leak_pJ_per_1ns_cycle", &point->leak_pj) ||
            !field_number(diagnostics, &table, row, "area_um2", &point->area_um2) ||
            !field_number(diagnostics, &table, row, "random_cycle_time_ns", &point->cycle_ns))
            return false;
        data->sram_count++;
    }
    return true;
}

static int compare_cacti_points(const void *a, const void *b)
{
    const ln_cacti_point *x = a, *y = b;
    const double keys_x[] = {x->node_nm, x->width, x->depth, x->banks};
    const double keys_y[] = {y->node_nm, y->width, y->depth, y->banks};
    for (int i = 0; i < 4; i++)
        if (keys_x[i] != keys_y[i])
            return keys_x[i] < keys_y[i] ? -1 : 1;
    return 0;
}

/* The sweeps overlap with identical rows: sorted, each point once. */
static bool unique_cacti_points(ln_energy_data *data)
{
    qsort(data->sram, data->sram_count, sizeof *data->sram, compare_cacti_points);
    uint32_t kept = 0;
    for (uint32_t i = 0; i < data->sram_count; i++)
        if (kept == 0 || compare_cacti_points(&data->sram[kept - 1], &data->sram[i]) != 0)
            data->sram[kept++] = data->sram[i];
    data->sram_count = kept;
    return true;
}

static bool load_dram(ln_energy_data *data, ln_arena *arena, ln_diagnostics *diagnostics)
{
    ln_csv_table table;
    if (!load_table(arena, diagnostics, "energy-data/dram_pj_per_bit.csv", &table))
        return false;
    data->dram = ln_arena_alloc_array(arena, table.row_count ? table.row_count : 1, sizeof *data->dram);
    int type = ln_csv_column(&table, "type");
    for (uint32_t r = 0; r < table.row_count; r++) {
        const ln_csv_row *row = &table.rows[r];
        /* The historic catch-all row "(any; before ...)" documents an older
         * default, not a type one can ask for. */
        if (type < 0 || row->fields[type][0] == '(')
            continue;
        ln_dram_type *entry = &data->dram[data->dram_count];
        entry->name = row->fields[type];
        if (!field_number(diagnostics, &table, row, "pJ_per_bit", &entry->pj_per_bit))
            return false;
        data->dram_count++;
    }
    return true;
}

static bool load_scaling(ln_energy_data *data, ln_arena *arena, ln_diagnostics *diagnostics)
{
    ln_csv_table energy;
    if (!load_table(arena, diagnostics, "energy-data/technology-scaling/energy_scaling_coeffs.csv", &energy))
        return false;
    if (energy.row_count != LN_SCALING_NODES) {
        ln_error(diagnostics, ln_location_none(), NULL, "the energy scaling table must list %d nodes",
                 LN_SCALING_NODES);
        return false;
    }
    for (uint32_t r = 0; r < energy.row_count; r++) {
        const ln_csv_row *row = &energy.rows[r];
        if (!field_number(diagnostics, &energy, row, "node_nm", &data->nodes[r]) ||
            !field_number(diagnostics, &energy, row, "a_Vdd2", &data->energy_coefficients[r][0]) ||
            !field_number(diagnostics, &energy, row, "b_Vdd", &data->energy_coefficients[r][1]) ||
            !field_number(diagnostics, &energy, row, "c", &data->energy_coefficients[r][2]))
            return false;
        if (r > 0 && !(data->nodes[r] < data->nodes[r - 1])) {
            ln_source_location location = {energy.path, row->line, 1};
            ln_error(diagnostics, location, NULL, "the scaling nodes must be listed from largest to smallest");
            return false;
        }
    }
    ln_csv_table area;
    if (!load_table(arena, diagnostics, "energy-data/technology-scaling/area_scaling_matrix.csv", &area))
        return false;
    if (area.row_count != LN_SCALING_NODES || area.column_count != LN_SCALING_NODES + 1) {
        ln_error(diagnostics, ln_location_none(), NULL, "the area scaling matrix must be %dx%d", LN_SCALING_NODES,
                 LN_SCALING_NODES);
        return false;
    }
    for (uint32_t r = 0; r < LN_SCALING_NODES; r++) {
        double node;
        if (!ln_csv_number(area.rows[r].fields[0], &node) || node != data->nodes[r])
            return bad_field(diagnostics, &area, &area.rows[r], "from_node_nm");
        for (uint32_t c = 0; c < LN_SCALING_NODES; c++)
            if (!ln_csv_number(area.rows[r].fields[c + 1], &data->area_matrix[r][c]))
                return bad_field(diagnostics, &area, &area.rows[r], area.columns[c + 1]);
    }
    return true;
}

bool ln_energy_data_load(ln_energy_data *data, ln_arena *arena, ln_diagnostics *diagnostics)
{
    memset(data, 0, sizeof *data);
    enum { SRAM_ROW_CAPACITY = 4096 };
    data->sram = ln_arena_alloc_array(arena, SRAM_ROW_CAPACITY, sizeof *data->sram);
    return load_aladdin(data, arena, diagnostics) &&
           load_cacti(data, arena, diagnostics, "energy-data/cacti-sram/cacti_sram_sweep.csv", SRAM_ROW_CAPACITY) &&
           load_cacti(data, arena, diagnostics, "energy-data/cacti-sram/cacti_sram_banks_sweep.csv",
                      SRAM_ROW_CAPACITY) &&
           load_cacti(data, arena, diagnostics, "energy-data/cacti-sram/cacti_sram_depth_fine_sweep.csv",
                      SRAM_ROW_CAPACITY) &&
           unique_cacti_points(data) &&
           load_dram(data, arena, diagnostics) && load_scaling(data, arena, diagnostics);
}

/* The fractional position of `node` in the table (0 = 130 nm, 9 = 7 nm),
 * interpolating linearly between neighbours as Accelergy's library does. */
static bool node_position(const ln_energy_data *data, double node, double *position)
{
    if (!(node <= data->nodes[0] && node >= data->nodes[LN_SCALING_NODES - 1]))
        return false;
    for (int i = 0; i < LN_SCALING_NODES - 1; i++) {
        double larger = data->nodes[i], smaller = data->nodes[i + 1];
        if (node <= larger && node >= smaller) {
            *position = i + (larger - node) / (larger - smaller);
            return true;
        }
    }
    *position = LN_SCALING_NODES - 1;
    return true;
}

static double energy_factor_at(const ln_energy_data *data, int index)
{
    const double vdd = 0.8;
    const double *c = data->energy_coefficients[index];
    return c[0] * vdd * vdd + c[1] * vdd + c[2];
}

static double energy_factor(const ln_energy_data *data, double position)
{
    int low = (int)floor(position);
    int high = low + 1 < LN_SCALING_NODES ? low + 1 : low;
    double fraction = position - low;
    return energy_factor_at(data, low) * (1 - fraction) + energy_factor_at(data, high) * fraction;
}

bool ln_energy_scale_between(const ln_energy_data *data, double from, double to, double *scale)
{
    double x, y;
    if (!node_position(data, from, &x) || !node_position(data, to, &y))
        return false;
    *scale = energy_factor(data, y) / energy_factor(data, x);
    return true;
}

bool ln_area_scale_between(const ln_energy_data *data, double from, double to, double *scale)
{
    double x, y;
    if (!node_position(data, from, &x) || !node_position(data, to, &y))
        return false;
    int x0 = (int)floor(x), y0 = (int)floor(y);
    int x1 = x0 + 1 < LN_SCALING_NODES ? x0 + 1 : x0;
    int y1 = y0 + 1 < LN_SCALING_NODES ? y0 + 1 : y0;
    double fx = x - x0, fy = y - y0;
    *scale = data->area_matrix[x0][y0] * (1 - fx) * (1 - fy) + data->area_matrix[x0][y1] * (1 - fx) * fy +
             data->area_matrix[x1][y0] * fx * (1 - fy) + data->area_matrix[x1][y1] * fx * fy;
    return true;
}
