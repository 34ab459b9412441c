/* The primitive models against the data they are built on: the embedded
 * stdlib copy is the shared data set, ALADDIN rows and width scaling, the
 * library entries' semantics, the CACTI sweep and its scaling rules, DRAM,
 * technology scaling, and the failures a model reports. */
#include "energy_test_support.h"

#include "ir/stdlib_data.h"
#include "runtime/energy_primitives.h"

static ln_arena arena;
static ln_energy_data data;

static int setup(void **state)
{
    (void)state;
    ln_arena_init(&arena);
    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    bool ok = ln_energy_data_load(&data, &arena, &diagnostics);
    ln_diagnostics_release(&diagnostics);
    return ok ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    ln_arena_release(&arena);
    return 0;
}

/* Attributes written as "name=value" pairs; values that read as numbers
 * are numbers. */
static ln_energy_scope attributes_of(const char *const *pairs)
{
    size_t count = 0;
    while (pairs[count])
        count++;
    ln_energy_binding *bindings = ln_arena_alloc_array(&arena, count ? count : 1, sizeof *bindings);
    for (size_t i = 0; i < count; i++) {
        const char *equals = strchr(pairs[i], '=');
        bindings[i].name = ln_arena_strndup(&arena, pairs[i], (size_t)(equals - pairs[i]));
        double number;
        if (ln_csv_number(equals + 1, &number))
            bindings[i].value = ln_energy_number(number);
        else
            bindings[i].value = ln_energy_string(equals + 1);
    }
    ln_energy_scope scope = {bindings, (uint32_t)count, NULL};
    return scope;
}

static ln_primitive_status estimate(const char *class_name, const char *action, const char *const *pairs,
                                    double *value, ln_primitive_result *result)
{
    ln_energy_scope scope = attributes_of(pairs);
    ln_primitive_query query = {class_name, &scope, action, NULL};
    ln_primitive_status status = ln_primitive_estimate(&data, &arena, &query, result);
    *value = result->value;
    return status;
}

static double value_of(const char *class_name, const char *action, const char *const *pairs)
{
    double value;
    ln_primitive_result result;
    ln_primitive_status status = estimate(class_name, action, pairs, &value, &result);
    if (status != LN_PRIMITIVE_OK)
        fprintf(stderr, "%s.%s: %s\n", class_name, action ? action : "area", result.message);
    assert_int_equal(status, LN_PRIMITIVE_OK);
    assert_non_null(result.model);
    return value;
}

static void test_embedded_data_is_the_shared_data(void **state)
{
    (void)state;
    size_t count;
    const ln_stdlib_file *files = ln_stdlib_files(&count);
    size_t compared = 0;
    for (size_t i = 0; i < count; i++) {
        if (strncmp(files[i].path, "energy-data/", 12) != 0 || !strstr(files[i].path, ".csv"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", LN_ENERGY_DATA_DIR, files[i].path + 12);
        FILE *file = fopen(path, "rb");
        if (!file) {
            fprintf(stderr, "energy data not found at %s; skipping\n", path);
            exit(77);
        }
        char *text = malloc(files[i].length + 2);
        size_t length = fread(text, 1, files[i].length + 1, file);
        fclose(file);
        assert_int_equal(length, files[i].length);
        assert_memory_equal(text, files[i].text, length);
        free(text);
        compared++;
    }
    assert_int_equal(compared, 20);
    assert_non_null(ln_stdlib_find("energy-data/PROVENANCE.md"));
    assert_non_null(ln_stdlib_find("components/smartbuffer_SRAM.yaml"));
}

static void test_technology_scaling(void **state)
{
    (void)state;
    double scale;
    /* Accelergy's library logs "0.6593402787798331x energy" for 45 -> 32 nm. */
    assert_true(ln_energy_scale_between(&data, 45, 32, &scale));
    assert_close(scale, 0.6593402787798331, 1e-12);
    assert_true(ln_area_scale_between(&data, 45, 32, &scale));
    assert_close(scale, 0.46, 1e-12);
    assert_true(ln_area_scale_between(&data, 65, 45, &scale));
    assert_close(scale, 0.66, 1e-12);
    /* 40 nm lies 8/13 of the way from 32 to 45: linear in between. */
    double factor32 = 0.9559 * 0.64 - 0.7823 * 0.8 + 0.471, factor45 = 1.103 * 0.64 - 0.362 * 0.8 + 0.2767;
    assert_true(ln_energy_scale_between(&data, 45, 40, &scale));
    assert_close(scale, (factor45 * 8 / 13 + factor32 * 5 / 13) / factor45, 1e-12);
    assert_false(ln_energy_scale_between(&data, 45, 5, &scale));
    assert_false(ln_area_scale_between(&data, 200, 45, &scale));
}

static void test_aladdin_rows_and_widths(void **state)
{
    (void)state;
    const char *adder8[] = {"technology=40nm", "global_cycle_seconds=1e-9", "width=8", NULL};
    assert_close(value_of("intadder", "add", adder8), 0.21 * 8 / 32, 1e-12);
    assert_close(value_of("adder", "read", adder8), 0.21 * 8 / 32, 1e-12); /* any non-leak action */
    assert_close(value_of("intadder", "leak", adder8), 0.0023 * 8 / 32, 1e-12);
    /* The plug-in's areas: its `latency` attribute's row, else 5 ns. */
    assert_close(value_of("intadder", NULL, adder8), 179.0 * 8 / 32, 1e-12);
    const char *adder8_1ns[] = {"technology=40nm", "latency=1", "width=8", NULL};
    assert_close(value_of("intadder", NULL, adder8_1ns), 278.0 * 8 / 32, 1e-12);
    const char *by_bits[] = {"technology=45nm", "n_bits=14", NULL}; /* NeuroSim-style sizing */
    assert_close(value_of("intadder", "add", by_bits), 0.21 * 14 / 32, 1e-12);

    /* Rows by clock period: 2.5 ns reads the 3 ns row, 7 ns the 6 ns row,
     * 20 ns the 10 ns row, 0.6 ns the 0.5 ns row. */
    const char *slow[] = {"technology=45nm", "global_cycle_seconds=2.5e-9", NULL};
    assert_close(value_of("intadder", "add", slow), 0.0859, 1e-12);
    const char *seven[] = {"technology=45nm", "global_cycle_seconds=7e-9", NULL};
    assert_close(value_of("intadder", "add", seven), 0.0857, 1e-12);
    const char *twenty[] = {"technology=45nm", "global_cycle_seconds=2e-8", NULL};
    assert_close(value_of("intadder", "add", twenty), 0.0853, 1e-12);
    /* ... and the leak of a 20 ns cycle is the 10 ns row's idle energy x 2. */
    assert_close(value_of("intadder", "leak", twenty), 0.0238 * 2, 1e-12);
    const char *fast[] = {"technology=45nm", "global_cycle_seconds=6e-10", NULL};
    assert_close(value_of("intadder", "add", fast), 0.142, 1e-12);
    /* reg.csv has no 0.5 ns row: the first row (1 ns) serves. */
    assert_close(value_of("reg", "read", fast), 0.009, 1e-12);

    const char *multiplier8[] = {"technology=45nm", "width=8", NULL};
    assert_close(value_of("intmultiplier", "multiply", multiplier8), 12.68 / 16, 1e-12);
    assert_close(value_of("intmultiplier", "mult_reused", multiplier8), 0.85 * 12.68 / 16, 1e-12);
    assert_close(value_of("intmultiplier", "mult_gated", multiplier8), 0.08 / 16, 1e-12);
    const char *operands[] = {"technology=45nm", "width_a=8", "width_b=16", NULL};
    assert_close(value_of("multiplier", "multiply", operands), 12.68 * 8 * 16 / 1024, 1e-12);
    const char *register16[] = {"technology=45nm", "width=16", NULL};
    assert_close(value_of("reg", "write", register16), 16 * 0.009, 1e-12);
    assert_close(value_of("reg", NULL, register16), 16 * 5.98, 1e-12);
    const char *crossbar[] = {"technology=45nm", "global_cycle_seconds=2e-9", "n_inputs=2", "n_outputs=8",
                              "width=16", NULL};
    assert_close(value_of("crossbar", "transfer", crossbar), 0.6804 * 2 * 2 * 0.5, 1e-12);
    const char *single[] = {"technology=45nm", "exponent=8", "mantissa=24", NULL};
    assert_close(value_of("fpadder", "add", single), 16.679, 1e-12);
    assert_close(value_of("fpmultiplier", "multiply", single), 35.3, 1e-12);
    const char *half[] = {"technology=45nm", "exponent=5", "mantissa=11", NULL};
    assert_close(value_of("fpmultiplier", "multiply", half), 35.3 / 4, 1e-12);
    const char *dp[] = {"technology=45nm", "exponent=11", "mantissa=53", NULL};
    assert_close(value_of("fpadder", "add", dp), 43.754, 1e-12);
    const char *wire[] = {"technology=45nm", "length=1mm", "width=32", NULL};
    assert_close(value_of("wire", "transfer", wire), 32 * 0.2 * 1.627e-15 * 1000 * 1e12, 1e-12);
    /* Outside 40-45 nm, scaled from 45 nm. */
    const char *adder32nm[] = {"technology=32nm", "width=32", NULL};
    assert_close(value_of("intadder", "add", adder32nm), 0.21 * 0.6593402787798331, 1e-12);
    assert_close(value_of("intadder", NULL, adder32nm), 179 * 0.46, 1e-12);
}

/* Accelergy's library entries: reads cost energy, writes and updates none,
 * a register has no leakage, and widths come from width/datawidth only (so
 * a comparator sized by `n_bits` stays 32 bits, as in the reference). */
static void test_library_entries(void **state)
{
    (void)state;
    const char *reg[] = {"technology=45nm", NULL};
    assert_close(value_of("aladdin_register", "read", reg), 0.009, 1e-12);
    assert_close(value_of("aladdin_register", "write", reg), 0, 1e-12);
    assert_close(value_of("aladdin_register", "leak", reg), 0, 1e-12);
    assert_close(value_of("aladdin_register", NULL, reg), 5.98, 1e-12);
    const char *comparator[] = {"technology=32nm", "n_bits=6", NULL};
    assert_close(value_of("aladdin_comparator", "compare", comparator), 0.02947 * 0.6593402787798331, 1e-12);
    assert_close(value_of("aladdin_comparator", NULL, comparator), 71 * 0.46, 1e-12);
    const char *adder[] = {"technology=45nm", "width_a=8", "width_b=8", NULL};
    assert_close(value_of("aladdin_adder", "read", adder), 0.21, 1e-12); /* width_a/b do not size an adder */
    const char *multiplier[] = {"technology=45nm", "width_a=8", "width_b=8", NULL};
    assert_close(value_of("aladdin_multiplier", "read", multiplier), 12.68 / 16, 1e-12);
    double value;
    ln_primitive_result result;
    assert_int_equal(estimate("aladdin_adder", "multiply", adder, &value, &result), LN_PRIMITIVE_UNKNOWN_ACTION);
    assert_non_null(strstr(result.message, "not 'multiply'"));
}

static const char *model_of(const char *class_name, const char *action, const char *const *pairs)
{
    double value;
    ln_primitive_result result;
    assert_int_equal(estimate(class_name, action, pairs, &value, &result), LN_PRIMITIVE_OK);
    return result.model;
}

/* The CACTI plug-in's rules (energy-data/cacti-sram/METHOD.md) on the
 * three sweeps. */
static void test_sram_from_the_sweep(void **state)
{
    (void)state;
    /* A grid point is the sweep's row. */
    const char *grid[] = {"technology=32nm", "width=64", "depth=16384", "global_cycle_seconds=1e-9", NULL};
    assert_close(value_of("cacti_sram", "read", grid), 18.1554, 1e-12);
    assert_close(value_of("cacti_sram", "write", grid), 14.1095, 1e-12);
    assert_close(value_of("cacti_sram", "leak", grid), 0.00564529, 1e-12);
    assert_close(value_of("cacti_sram", NULL, grid), 217281, 1e-12);
    assert_non_null(strstr(model_of("cacti_sram", "read", grid), "sweep row"));
    /* A row below the minimum size already carries the plug-in's scaling. */
    const char *small_row[] = {"technology=45nm", "width=16", "depth=32", NULL};
    assert_close(value_of("cacti_sram", "read", small_row), 0.254213, 1e-12);
    assert_close(value_of("cacti_sram", NULL, small_row), 263.84, 1e-12);
    /* Elsewhere below it: the 32 x 64 call, scaled as the plug-in does. */
    const char *small[] = {"technology=45nm", "width=12", "depth=40", NULL};
    double width_scale = 12.0 / 32, depth_scale = 40.0 / 64;
    assert_close(value_of("cacti_sram", "read", small), 0.671565 * (0.7 * width_scale + 0.3) * pow(depth_scale, 0.78),
                 1e-12);
    assert_close(value_of("cacti_sram", NULL, small), 1055.36 * width_scale * depth_scale, 1e-12);
    assert_close(value_of("cacti_sram", "leak", small), 1.16591e-05 * width_scale * depth_scale, 1e-12);
    /* The example designs' pe_spad: CACTI's irregular optimum at depth 192
     * is a row of the fine sweep (write above both neighbours'). */
    const char *spad[] = {"technology=45nm", "width=16", "depth=192", NULL};
    assert_close(value_of("cacti_sram", "write", spad), 1.53018, 1e-12);
    /* Between nodes: both neighbours' runs, linear in nm, with the banks:
     * the tutorials' 40 nm 64 x 32768 2-bank SRAM reads 43.353054 pJ. */
    const char *node40[] = {"technology=40nm", "width=64", "depth=32768", "n_banks=2", NULL};
    assert_close(value_of("cacti_sram", "read", node40), 26.3261 * 5 / 13 + 53.9949 * 8 / 13, 1e-12);
    assert_close(value_of("cacti_sram", "read", node40), 43.353054, 1e-6);
    assert_non_null(strstr(model_of("cacti_sram", "read", node40), "linear between 32 and 45nm"));
    /* Banks that are not a power of two: CACTI with 4 banks, the leakage of
     * the 3 asked for. */
    const char *banks3[] = {"technology=45nm", "width=64", "depth=4096", "n_banks=3", NULL};
    assert_close(value_of("cacti_sram", "read", banks3), 13.1329, 1e-12);
    assert_close(value_of("cacti_sram", "leak", banks3), 0.0010624 * 3 / 4, 1e-12);
    /* n_rdwr_ports is not an attribute the plug-in reads. */
    const char *rdwr[] = {"technology=32nm", "width=64", "depth=16384", "n_rdwr_ports=2", NULL};
    assert_close(value_of("cacti_sram", "read", rdwr), 18.1554, 1e-12);
    assert_null(strstr(model_of("cacti_sram", "read", rdwr), "ports"));
    /* Between grid points: a power law through the neighbours, and said. */
    const char *between[] = {"technology=45nm", "width=64", "depth=1280", NULL};
    double fraction = log(1280.0 / 1024) / log(1536.0 / 1024);
    assert_close(value_of("cacti_sram", "read", between), 6.13702 * pow(10.368 / 6.13702, fraction), 1e-12);
    assert_non_null(
        strstr(model_of("cacti_sram", "read", between), "interpolated between the 64x1024 and 64x1536 rows at 45nm"));
    /* Shallower than the bank sweep: the 1-bank array times the bank ratio
     * at the sweep's shallowest depth. */
    const char *shallow[] = {"technology=45nm", "width=64", "depth=512", "n_banks=4", NULL};
    assert_close(value_of("cacti_sram", "read", shallow), 3.38552 * 6.61209 / 6.13702, 1e-12);
    assert_non_null(strstr(model_of("cacti_sram", "read", shallow), "extrapolated"));
    /* Arguments: an access that moves no data costs the address part. */
    ln_energy_scope scope = attributes_of(grid);
    const char *delta[] = {"data_delta=0", NULL};
    ln_energy_scope arguments = attributes_of(delta);
    ln_primitive_query query = {"cacti_sram", &scope, "read", &arguments};
    ln_primitive_result result;
    assert_int_equal(ln_primitive_estimate(&data, &arena, &query, &result), LN_PRIMITIVE_OK);
    assert_close(result.value, 18.1554 * 0.3, 1e-12);
    /* Below 22 nm: the 22 nm run x n/22, leakage x 0.79 more; above 90 nm:
     * the 90 nm run x (n/90)^2. */
    const char *node16[] = {"technology=16nm", "width=64", "depth=16384", NULL};
    assert_close(value_of("cacti_sram", "read", node16), 7.40229 * 16 / 22, 1e-12);
    assert_close(value_of("cacti_sram", "leak", node16), 0.0195391 * 16 / 22 * 0.79, 1e-12);
    assert_close(value_of("cacti_sram", NULL, node16), 118839.0 * 16 / 22, 1e-12);
    const char *node130[] = {"technology=130nm", "width=64", "depth=16384", NULL};
    assert_close(value_of("cacti_sram", "read", node130), 123.62 * (130.0 / 90) * (130.0 / 90), 1e-12);
}

static void test_dram_and_dummy(void **state)
{
    (void)state;
    const char *lpddr4[] = {"width=64", NULL};
    assert_close(value_of("dram", "read", lpddr4), 512, 1e-12);
    assert_close(value_of("dram", "leak", lpddr4), 0, 1e-12);
    assert_close(value_of("dram", NULL, lpddr4), 0, 1e-12);
    const char *hbm[] = {"width=256", "type=HBM2", NULL};
    assert_close(value_of("dram", "write", hbm), 3.9 * 256, 1e-12);
    const char *hmc[] = {"width=8", "type=hmc", NULL};
    assert_close(value_of("dram", "update", hmc), 4.2 * 8, 1e-12);
    const char *dummy[] = {"technology=-1", "width=8", NULL};
    assert_close(value_of("intadder", "add", dummy), 1, 1e-12);
    assert_close(value_of("intadder", "leak", dummy), 0, 1e-12);
    assert_close(value_of("dummy_storage", NULL, dummy), 1, 1e-12);
}

static void test_failures(void **state)
{
    (void)state;
    double value;
    ln_primitive_result result;
    const char *unknown[] = {"width=64", "type=DDR9", NULL};
    assert_int_equal(estimate("dram", "read", unknown, &value, &result), LN_PRIMITIVE_BAD_ATTRIBUTE);
    assert_non_null(strstr(result.message, "unknown DRAM type 'DDR9'"));
    assert_string_equal(result.attribute, "type");
    const char *no_depth[] = {"technology=45nm", "width=64", NULL};
    assert_int_equal(estimate("cacti_sram", "read", no_depth, &value, &result), LN_PRIMITIVE_BAD_ATTRIBUTE);
    assert_non_null(strstr(result.message, "needs attribute 'depth'"));
    const char *bad_node[] = {"technology=SET ME", "width=8", NULL};
    assert_int_equal(estimate("intadder", "add", bad_node, &value, &result), LN_PRIMITIVE_BAD_ATTRIBUTE);
    assert_non_null(strstr(result.message, "not a process node"));
    const char *far_node[] = {"technology=3nm", "width=8", NULL};
    assert_int_equal(estimate("intadder", "add", far_node, &value, &result), LN_PRIMITIVE_BAD_ATTRIBUTE);
    const char *text_width[] = {"technology=45nm", "width=wide", NULL};
    assert_int_equal(estimate("intadder", "add", text_width, &value, &result), LN_PRIMITIVE_BAD_ATTRIBUTE);
    assert_int_equal(estimate("flux_capacitor", "read", no_depth, &value, &result), LN_PRIMITIVE_UNKNOWN_CLASS);
    const char *grid[] = {"technology=45nm", "width=64", "depth=1024", NULL};
    assert_int_equal(estimate("cacti_sram", "compute", grid, &value, &result), LN_PRIMITIVE_UNKNOWN_ACTION);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_embedded_data_is_the_shared_data),
        cmocka_unit_test(test_technology_scaling),
        cmocka_unit_test(test_aladdin_rows_and_widths),
        cmocka_unit_test(test_library_entries),
        cmocka_unit_test(test_sram_from_the_sweep),
        cmocka_unit_test(test_dram_and_dummy),
        cmocka_unit_test(test_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
