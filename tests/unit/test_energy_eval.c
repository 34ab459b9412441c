/* The estimator inside an evaluation: `loopnest eval` without an ERT/ART
 * takes its energies and areas from the estimator, says so in the stats,
 * and an ERT/ART entry or a user table still wins per component. */
#include "energy_test_support.h"

#include <glob.h>
#include <sys/stat.h>

#include "backend/stats_report.h"
#include "runtime/engine.h"

#define REFERENCE LN_REFERENCE_DIR
#define CONV1D REFERENCE "/tutorial-2020/timeloop/00-model-conv1d-1level/ref-output"
#define DATA LN_TEST_DATA_DIR "/energy/"

static void skip_without(const char *path)
{
    struct stat status;
    if (stat(path, &status) != 0) {
        fprintf(stderr, "reference data not found at %s; skipping\n", path);
        exit(77);
    }
}

/* Estimates, evaluates the spec's mapping and returns the stats report
 * (malloc'ed text). */
static char *evaluate_to_stats(yaml_test *test, const char *tables, ln_energy_estimate *estimate)
{
    bool ok = energy_test_estimate(test, tables, estimate);
    if (!ok)
        yaml_test_dump(test);
    assert_true(ok);
    ln_energy_estimate_apply(&test->spec, estimate);
    ln_engine *engine = ln_engine_create(&test->spec, &test->diagnostics);
    assert_non_null(engine);
    void *scratch = calloc(1, ln_engine_scratch_size(engine));
    ln_evaluation *result = calloc(1, sizeof *result);
    assert_int_equal(ln_engine_evaluate(engine, &test->spec.mapping, scratch, result), LN_EVALUATION_OK);
    FILE *out = tmpfile();
    assert_non_null(out);
    assert_true(ln_write_stats_report(out, &test->spec, result));
    long length = ftell(out);
    rewind(out);
    char *text = calloc(1, (size_t)length + 1);
    assert_int_equal(fread(text, 1, (size_t)length, out), (size_t)length);
    fclose(out);
    free(result);
    free(scratch);
    ln_engine_destroy(engine);
    return text;
}

/* The acceptance example: the one-level conv1d (register file of depth 64,
 * width 8 at 40 nm, 1 ns cycle; 8-bit intmac). A register-file access is 8
 * register bits plus 64 comparators of ceil(log2 64) = 6 bits; 48 MACs and
 * 176 buffer accesses (plus 48 cycles of leakage) give 1.56 pJ per compute. */
static void test_conv1d_without_ert(void **state)
{
    (void)state;
    skip_without(CONV1D);
    yaml_test test;
    yaml_test_init(&test);
    const char *paths[] = {CONV1D "/parsed-processed-input.yaml"};
    assert_true(yaml_test_load_files(&test, 1, paths));
    assert_false(test.spec.energy.has_ert);
    ln_energy_estimate estimate;
    char *stats = evaluate_to_stats(&test, NULL, &estimate);

    double access = 8 * 0.009 + 64 * 0.02947 * 6.0 / 32;
    assert_close(access, 0.42564, 1e-12);
    assert_close(energy_test_action(&estimate, "Buffer", "read"), access, 1e-12);
    assert_close(energy_test_action(&estimate, "Buffer", "write"), access, 1e-12);
    assert_close(energy_test_action(&estimate, "Buffer", "update"), access, 1e-12);
    /* Leakage per cycle: the idle energy of the same parts, 1 ns row. */
    assert_close(energy_test_action(&estimate, "Buffer", "leak"), 8 * 7e-5 + 64 * 2.51e-5 * 6.0 / 32, 1e-12);
    /* 8-bit intmac: adder 0.21 * 8/32 plus multiplier 12.68 * (8/32)^2. */
    assert_close(energy_test_action(&estimate, "MACC", "compute"), 0.845, 1e-12);

    assert_non_null(strstr(stats, "    Buffer           = 1561.54\n"));
    assert_non_null(strstr(stats, "    MACC             = 845.00\n"));
    assert_non_null(strstr(stats, "Vector access energy source     : estimator: regfile ("));

    /* Areas as the ALADDIN plug-in reads them: from the row of its own
     * `latency` attribute, 5 ns when none is given, whatever the clock
     * (quirk 1 of energy-data/README.md). Accelergy's reference ART has
     * 8 * 5.98 + 64 * 70 * 6/32 = 887.84 um^2 for this register file (71 in
     * the 1 ns comparator row) and 179 * 8/32 + 4600 / 16 = 332.25 for the
     * MAC (278 and 6350 at 1 ns). */
    assert_close(energy_test_component(&estimate, "Buffer")->area, 887.84, 1e-12);
    assert_close(energy_test_component(&estimate, "MACC")->area, 332.25, 1e-12);
    assert_non_null(strstr(stats, "        Area                            : 887.84 um^2\n"));
    assert_non_null(strstr(stats, "    Area (total)            : 332.25 um^2\n"));
    free(stats);
    yaml_test_release(&test);
}

/* The reference ERT/ART win over the estimator, entirely. */
static void test_ert_and_art_win(void **state)
{
    (void)state;
    skip_without(CONV1D);
    yaml_test test;
    yaml_test_init(&test);
    const char *paths[] = {CONV1D "/parsed-processed-input.yaml", CONV1D "/timeloop-model.ERT.yaml",
                           CONV1D "/timeloop-model.ART.yaml"};
    assert_true(yaml_test_load_files(&test, 3, paths));
    ln_energy_estimate estimate;
    char *stats = evaluate_to_stats(&test, NULL, &estimate);
    assert_string_equal(energy_test_component(&estimate, "Buffer")->energy_source, "ERT");
    assert_string_equal(energy_test_component(&estimate, "Buffer")->area_source, "ART");
    assert_non_null(strstr(stats, "Vector access energy source     : ERT\n"));
    assert_non_null(strstr(stats, "        Area                            : 887.84 um^2\n"));
    free(stats);
    yaml_test_release(&test);
}

/* An ERT that gives only some components: those keep it, the others are
 * estimated; a table given with --tables beats the models but not the ERT. */
static void test_precedence_per_component(void **state)
{
    (void)state;
    skip_without(CONV1D);
    yaml_test test;
    yaml_test_init(&test);
    const char *paths[] = {CONV1D "/parsed-processed-input.yaml", DATA "partial_ert.yaml"};
    assert_true(yaml_test_load_files(&test, 2, paths));
    ln_energy_estimate estimate;
    char *stats = evaluate_to_stats(&test, DATA "tables", &estimate);
    /* The ERT gives the MAC's energy (0.5) but not its area. */
    const ln_component_estimate *mac = energy_test_component(&estimate, "MACC");
    assert_string_equal(mac->energy_source, "ERT");
    assert_close(energy_test_action(&estimate, "MACC", "compute"), 0.5, 1e-12);
    /* The tables give the adder's area (intadder.csv: 100 um^2 for 8 bits). */
    assert_non_null(strstr(mac->area_source, "table "));
    assert_close(mac->area, 100 + 4600.0 / 16, 1e-12); /* the multiplier's 5 ns row */
    /* comparator.csv gives a 6-bit comparator's compare energy, 0.001 pJ. */
    assert_close(energy_test_action(&estimate, "Buffer", "read"), 8 * 0.009 + 64 * 0.001, 1e-12);
    assert_non_null(strstr(energy_test_component(&estimate, "Buffer")->energy_source, "comparator.csv:3"));
    assert_non_null(strstr(stats, "    MACC             = 500.00\n"));
    free(stats);
    yaml_test_release(&test);
}

/* A table for a compound class replaces its expansion. */
static void test_table_for_a_compound_class(void **state)
{
    (void)state;
    skip_without(CONV1D);
    yaml_test test;
    yaml_test_init(&test);
    const char *paths[] = {CONV1D "/parsed-processed-input.yaml"};
    assert_true(yaml_test_load_files(&test, 1, paths));
    ln_energy_estimate estimate;
    assert_true(energy_test_estimate(&test, DATA "compound_tables", &estimate));
    assert_close(energy_test_action(&estimate, "Buffer", "read"), 0.3, 1e-12);
    /* The table's row for depth 64 has no `leak`: the model still answers. */
    assert_close(energy_test_action(&estimate, "Buffer", "leak"), 8 * 7e-5 + 64 * 2.51e-5 * 6.0 / 32, 1e-12);
    assert_close(energy_test_component(&estimate, "Buffer")->area, 1234, 1e-12);
    yaml_test_release(&test);
}

static void test_bad_tables_are_reported(void **state)
{
    (void)state;
    yaml_test test;
    yaml_test_init(&test);
    ln_estimation_tables tables;
    assert_false(ln_load_estimation_tables(DATA "bad_tables", &test.spec.arena, &test.diagnostics, &tables));
    const ln_diagnostic *error = yaml_test_find(&test, LN_SEVERITY_ERROR, "is not a valid energy");
    assert_non_null(error);
    assert_int_equal(error->location.line, 3);
    assert_false(ln_load_estimation_tables(DATA "no_such_folder", &test.spec.arena, &test.diagnostics, &tables));
    assert_non_null(yaml_test_find(&test, LN_SEVERITY_ERROR, "cannot read the tables folder"));
    yaml_test_release(&test);
}

/* The energy per compute in a stats report, in fJ ("fJ/Compute" or
 * "pJ/Compute" block, its Total line); NAN when there is none. */
static double energy_per_compute_fj(const char *stats)
{
    const char *block = strstr(stats, "J/Compute\n");
    if (!block || block == stats)
        return NAN;
    double unit = block[-1] == 'f' ? 1 : block[-1] == 'p' ? 1e3 : block[-1] == 'n' ? 1e6 : NAN;
    const char *total = strstr(block, "\n    Total ");
    if (!total || !strchr(total, '='))
        return NAN;
    return strtod(strchr(total, '=') + 1, NULL) * unit;
}

static char *read_text(const char *path)
{
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    size_t length = fread(text, 1, (size_t)size, file);
    text[length] = '\0';
    fclose(file);
    return text;
}

/* Every reference case evaluates without its ERT/ART, and the stats name
 * the estimator for every storage level shown. */
static void evaluate_every_reference_case(const char *tables)
{
    static const char *const patterns[] = {
        REFERENCE "/tutorial-2020/timeloop/*/ref-output/parsed-processed-input.yaml",
        REFERENCE "/tutorial-2020/timeloop/*/ref-output/*/parsed-processed-input.yaml",
        REFERENCE "/tutorial-2020/timeloop+accelergy/ref-output/*/parsed-processed-input.yaml",
        REFERENCE "/example-designs/*/ref_outputs/default_problem/parsed-processed-input.yaml",
    };
    size_t cases = 0;
    for (size_t p = 0; p < sizeof patterns / sizeof *patterns; p++) {
        glob_t found;
        if (glob(patterns[p], 0, NULL, &found) != 0)
            continue;
        for (size_t i = 0; i < found.gl_pathc; i++) {
            char map[1024];
            snprintf(map, sizeof map, "%s", found.gl_pathv[i]);
            snprintf(strrchr(map, '/'), sizeof map - (size_t)(strrchr(map, '/') - map), "/timeloop-mapper.map.yaml");
            struct stat status;
            const char *paths[] = {found.gl_pathv[i], map};
            yaml_test test;
            yaml_test_init(&test);
            assert_true(yaml_test_load_files(&test, stat(map, &status) == 0 ? 2 : 1, paths));
            assert_true(test.spec.has_mapping);
            ln_energy_estimate estimate;
            char *stats = evaluate_to_stats(&test, tables, &estimate);
            size_t levels = 0;
            for (const char *line = strstr(stats, "Vector access energy source"); line;
                 line = strstr(line + 1, "Vector access energy source")) {
                const char *value = strchr(line, ':') + 2;
                if (strncmp(value, "estimator: ", 11) != 0)
                    fprintf(stderr, "%s: %.60s\n", found.gl_pathv[i], line);
                assert_int_equal(strncmp(value, "estimator: ", 11), 0);
                levels++;
            }
            assert_true(levels >= 1);
            if (tables) {
                /* With the compatibility table, the total energy is the
                 * reference's to 2%: the stats the published run printed,
                 * and the current Timeloop's evaluation of the same mapping
                 * (timeloop-master/), which isolates the energy tables from
                 * the mapper-versus-model differences of the published run. */
                const char *relative = strstr(found.gl_pathv[i], "reference/") + 10;
                char pattern[4096], directory[1024];
                snprintf(directory, sizeof directory, "%.*s", (int)(strrchr(relative, '/') - relative), relative);
                snprintf(pattern, sizeof pattern, "%s/%s/timeloop-*.stats.txt", REFERENCE, directory);
                double mine = energy_per_compute_fj(stats), errors[2];
                for (int k = 0; k < 2; k++) {
                    if (k == 1)
                        snprintf(pattern, sizeof pattern, "%s/timeloop-master/%s/timeloop-model.stats.txt", REFERENCE,
                                 directory);
                    glob_t reference_stats;
                    assert_int_equal(glob(pattern, 0, NULL, &reference_stats), 0);
                    char *reference = read_text(reference_stats.gl_pathv[0]);
                    globfree(&reference_stats);
                    double expected = energy_per_compute_fj(reference);
                    free(reference);
                    errors[k] = fabs(mine - expected) / expected;
                    assert_true(errors[k] < 0.02);
                }
                fprintf(stderr, "  %6.3f%% (published)  %6.3f%% (same mapping, current Timeloop)  %s\n",
                        errors[0] * 100, errors[1] * 100, directory);
            }
            free(stats);
            yaml_test_release(&test);
            cases++;
        }
        globfree(&found);
    }
    if (cases == 0) {
        fprintf(stderr, "reference data not found; skipping\n");
        exit(77);
    }
    assert_int_equal(cases, 19);
}

static void test_every_reference_case_evaluates_without_tables(void **state)
{
    (void)state;
    evaluate_every_reference_case(NULL);
}

/* `--tables stdlib/compat/accelergy-2024` and no ERT/ART: every case's total
 * energy within 2% of the reference stats (the error of each is printed). */
static void test_compatibility_table_totals(void **state)
{
    (void)state;
    evaluate_every_reference_case("stdlib/compat/accelergy-2024");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv1d_without_ert),
        cmocka_unit_test(test_ert_and_art_win),
        cmocka_unit_test(test_precedence_per_component),
        cmocka_unit_test(test_table_for_a_compound_class),
        cmocka_unit_test(test_bad_tables_are_reported),
        cmocka_unit_test(test_every_reference_case_evaluates_without_tables),
        cmocka_unit_test(test_compatibility_table_totals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
