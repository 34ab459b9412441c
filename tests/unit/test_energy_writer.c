/* The ERT/ART (and summaries) written from an estimate are Accelergy's
 * format: they read back through the same importer Timeloop's tables go
 * through, with the same figures, and name their sources. */
#include "energy_test_support.h"

#include <sys/stat.h>
#include <unistd.h>

#include "backend/accelergy_tables.h"

#define DESIGN LN_REFERENCE_DIR "/example-designs/eyeriss_like/ref_outputs/default_problem"

static void test_number_format(void **state)
{
    (void)state;
    char text[64];
    ln_format_accelergy_number(text, sizeof text, 512);
    assert_string_equal(text, "512.0");
    ln_format_accelergy_number(text, sizeof text, 0);
    assert_string_equal(text, "0.0");
    ln_format_accelergy_number(text, sizeof text, 0.42564);
    assert_string_equal(text, "0.42564");
    ln_format_accelergy_number(text, sizeof text, 14.1379291234);
    assert_string_equal(text, "14.137929");
    ln_format_accelergy_number(text, sizeof text, 0.000861234567);
    assert_string_equal(text, "0.000861235");
}

static char *write_to(const char *directory, const char *name, bool (*write)(FILE *, const ln_energy_estimate *),
                      const ln_energy_estimate *estimate)
{
    char *path = malloc(strlen(directory) + strlen(name) + 2);
    sprintf(path, "%s/%s", directory, name);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    assert_true(write(out, estimate));
    fclose(out);
    return path;
}

static void test_tables_read_back(void **state)
{
    (void)state;
    struct stat status;
    if (stat(DESIGN, &status) != 0) {
        fprintf(stderr, "reference data not found; skipping\n");
        exit(77);
    }
    yaml_test test;
    yaml_test_init(&test);
    const char *inputs[] = {DESIGN "/parsed-processed-input.yaml"};
    assert_true(yaml_test_load_files(&test, 1, inputs));
    ln_energy_estimate estimate;
    assert_true(energy_test_estimate(&test, NULL, &estimate));

    char directory[] = "/tmp/loopnest-energy-XXXXXX";
    assert_non_null(mkdtemp(directory));
    char *ert = write_to(directory, "x.ERT.yaml", ln_write_ert, &estimate);
    char *art = write_to(directory, "x.ART.yaml", ln_write_art, &estimate);
    char *ert_summary = write_to(directory, "x.ERT_summary.yaml", ln_write_ert_summary, &estimate);
    char *art_summary = write_to(directory, "x.ART_summary.yaml", ln_write_art_summary, &estimate);

    yaml_test back;
    yaml_test_init(&back);
    const char *tables[] = {ert, art};
    assert_true(yaml_test_load_files(&back, 2, tables));
    if (back.diagnostics.count)
        yaml_test_dump(&back);
    assert_int_equal(back.diagnostics.count, 0);
    assert_true(back.spec.energy.has_ert && back.spec.energy.has_art);
    size_t checked = 0;
    for (uint32_t c = 0; c < estimate.count; c++) {
        const ln_component_estimate *component = &estimate.components[c];
        const ln_component_energy *entry = NULL;
        for (uint32_t e = 0; e < back.spec.energy.count; e++)
            if (strcmp(back.spec.energy.components[e].name, component->name) == 0)
                entry = &back.spec.energy.components[e];
        assert_non_null(entry);
        if (component->has_area)
            assert_true(fabs(entry->area - component->area) <= 1e-6 * fmax(1, component->area));
        for (uint32_t a = 0; a < component->action_count; a++) {
            double written = NAN;
            for (uint32_t k = 0; k < entry->action_count; k++)
                if (strcmp(entry->actions[k].action, component->actions[a].action) == 0)
                    written = entry->actions[k].energy;
            assert_true(fabs(written - component->actions[a].energy) <= 1e-6 * fmax(1, written));
            checked++;
        }
    }
    assert_true(checked >= 20);

    /* The summaries are YAML and name the models. */
    for (int i = 0; i < 2; i++) {
        const char *path = i == 0 ? ert_summary : art_summary;
        ln_yaml_document document;
        assert_true(ln_yaml_parse_file(&back.spec.arena, &back.diagnostics, path, &document));
        const ln_yaml_node *summary = ln_yaml_find(document.root, i == 0 ? "ERT_summary" : "ART_summary");
        assert_non_null(summary);
        const ln_yaml_node *entries = ln_yaml_find(summary, "table_summary");
        assert_non_null(entries);
        assert_true(entries->item_count >= 6);
    }
    FILE *file = fopen(ert_summary, "r");
    char text[65536];
    size_t length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[length] = '\0';
    assert_non_null(strstr(text, "estimator: \"CACTI SRAM 64x16384, 32nm, cycle 1.301 ns; sweep row\""));
    assert_non_null(strstr(text, "- name: storage.comparator[1..64]"));
    file = fopen(ert, "r");
    length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[length] = '\0';
    assert_non_null(strstr(text, "# energy from estimator: smartbuffer_SRAM (CACTI SRAM 64x16384"));

    const char *paths[] = {ert, art, ert_summary, art_summary};
    for (int i = 0; i < 4; i++) {
        unlink(paths[i]);
        free((void *)paths[i]);
    }
    rmdir(directory);
    yaml_test_release(&back);
    yaml_test_release(&test);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_format),
        cmocka_unit_test(test_tables_read_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
