/* stats.txt against Timeloop's reference output, and the layout rules the
 * single tutorial case does not exercise (hidden dummy levels, unset specs,
 * networks with energy, failed evaluations). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "backend/stats_report.h"
#include "backend_fixture.h"

static char *ln_render_stats(const ln_spec *spec, const ln_evaluation *evaluation)
{
    char *text = ln_fixture_render(ln_write_stats_report, spec, evaluation);
    assert_non_null(text);
    return text;
}

static void test_conv1d_1level_matches_reference(void **state)
{
    (void)state;
    char *expected = ln_fixture_read_file(LN_TUTORIAL_DIR
                                               "/00-model-conv1d-1level/ref-output/timeloop-model.stats.txt");
    assert_non_null(expected);
    ln_spec spec;
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    ln_fixture_conv1d_1level(&spec, evaluation);

    char *actual = ln_render_stats(&spec, evaluation);
    /* The Area line is the one deliberate difference from Timeloop. */
    assert_true(ln_fixture_drop_line(expected, "Area: "));
    assert_true(ln_fixture_drop_line(actual, "Area: "));
    assert_string_equal(actual, expected);

    free(actual);
    free(expected);
    free(evaluation);
    ln_spec_release(&spec);
}

static void test_area_line_carries_the_real_area(void **state)
{
    (void)state;
    ln_spec spec;
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    ln_fixture_conv1d_1level(&spec, evaluation);
    evaluation->area = 2345678.0; /* um^2 */

    char *actual = ln_render_stats(&spec, evaluation);
    assert_non_null(strstr(actual, "\nEDP(J*cycle): 5.54e-09\nArea: 2.35 mm^2\n\nComputes = 48\n"));
    free(actual);
    free(evaluation);
    ln_spec_release(&spec);
}

/* Three levels: RegFile, a dummy spatial container with no accesses and no
 * energy, and a DRAM with unset size; bandwidths set on the RegFile. */
static void ln_fixture_with_dummy(ln_spec *spec, ln_evaluation *evaluation)
{
    ln_fixture_conv1d_1level(spec, evaluation);
    ln_arch *arch = &spec->arch;
    arch->storage_count = 3;
    arch->storage[0].name = "RegFile";
    arch->storage[0].read_bandwidth = (ln_optional_number){true, 2.0};
    arch->storage[0].write_bandwidth = (ln_optional_number){true, 1.5};
    ln_fixture_storage(&arch->storage[1], "inter_PE_spatial", 0, 16);
    arch->storage[1].component_class = "dummy_storage";
    arch->storage[1].is_dummy = true;
    ln_fixture_storage(&arch->storage[2], "DRAM", 0, 8);
    arch->storage[2].technology = LN_TECHNOLOGY_DRAM;

    evaluation->level_count = 3;
    /* The dummy keeps nothing and costs nothing. */
    ln_level_evaluation *dummy = &evaluation->levels[1];
    memset(dummy, 0, sizeof *dummy);
    dummy->energy_source = "dummy";
    dummy->cycles = 48;
    dummy->slowdown = 1.0;

    ln_level_evaluation *dram = &evaluation->levels[2];
    *dram = evaluation->levels[0];
    dram->vector_access_energy = 64.0;
    dram->leak_energy = 0;
    dram->leakage_energy = 0;
    dram->area = 0;
    for (int t = 0; t < 3; t++) {
        uint64_t size = dram->tensors[t].tile_size;
        ln_fixture_tensor(&dram->tensors[t], size, t == 2 ? 0 : size, 0, t == 2 ? size : 0, 0, 8.0, 48);
    }
    dram->total_scalar_accesses = 3 + 18 + 16;
    dram->energy = 8.0 * 37;
    evaluation->energy += dram->energy;
    evaluation->nest.level_count = 3;
    evaluation->nest.boundary[1] = 1;
    evaluation->nest.boundary[2] = 1;
}

static void test_dummy_level_is_hidden_and_unset_specs_print_dash(void **state)
{
    (void)state;
    ln_spec spec;
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    ln_fixture_with_dummy(&spec, evaluation);

    char *text = ln_render_stats(&spec, evaluation);
    assert_non_null(strstr(text, "Level 1\n-------\n=== RegFile ===\n"));
    assert_null(strstr(text, "Level 2\n"));
    assert_non_null(strstr(text, "Level 3\n-------\n=== DRAM ===\n"));
    /* Only the operational-intensity section names the dummy, bare. */
    const char *dummy = strstr(text, "=== inter_PE_spatial ===\n");
    assert_non_null(dummy);
    assert_non_null(strstr(dummy, "=== inter_PE_spatial ===\n=== DRAM ===\n"));
    assert_null(strstr(dummy + 1, "=== inter_PE_spatial ==="));

    assert_non_null(strstr(text, "        Read bandwidth                  : 2.00\n"
                                 "        Write bandwidth                 : 1.50\n"));
    assert_non_null(strstr(text, "        Technology                      : DRAM\n"
                                 "        Size                            : -\n"));
    assert_non_null(strstr(text, "        Effective size                  : -\n"));
    assert_non_null(strstr(text, "        Shared bandwidth                : -\n"));

    /* The summary pads to the longest level or network name plus one:
     * "inter_PE_spatial <==> RegFile" is 29 characters. */
    assert_non_null(strstr(text, "fJ/Compute\n"
                                 "    MACC                          = 845.00\n"
                                 "    RegFile                       = 1561.54\n"
                                 "    DRAM                          = 6166.67\n"
                                 "    Total                         = 8573.21\n\n"));
    assert_null(strstr(text, "    inter_PE_spatial "));
    free(text);
    free(evaluation);
    ln_spec_release(&spec);
}

static void test_network_with_energy_is_printed(void **state)
{
    (void)state;
    ln_spec spec;
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    ln_fixture_conv1d_1level(&spec, evaluation);
    ln_level_evaluation *buffer = &evaluation->levels[0];
    buffer->network_energy = 4.8;
    buffer->network.word_bits = 8;
    buffer->network.legacy_subtype = "1_N";
    buffer->network.connection_type = 3;
    buffer->network.ingress_energy = (ln_optional_number){true, 0.1};
    for (int t = 0; t < 3; t++) {
        buffer->tensors[t].multicast_class_count = 1;
        buffer->tensors[t].multicast_classes[0] = (ln_multicast_class){.multicast = 1, .accesses = 16, .scatter = 1};
        buffer->network.tensors[t].multicast_factor = 1;
        buffer->network.tensors[t].energy = 1.6;
        buffer->network.tensors[t].utilized_instances = 1;
    }
    evaluation->energy += 4.8;

    char *text = ln_render_stats(&spec, evaluation);
    assert_non_null(strstr(text, "Networks\n--------\nNetwork 0\n---------\nBuffer <==> MACC\n\n    SPECS\n"));
    assert_non_null(strstr(text, "        Legacy sub-type : 1_N\n        ConnectionType  : 3\n"));
    assert_non_null(strstr(text, "        Router energy   : - pJ\n"));
    assert_non_null(strstr(text, "        Ingress energy  : 0.10 pJ\n"));
    assert_non_null(strstr(text, "        Ingresses                               : 16.00\n"
                                 "            @multicast 1 @scatter 1: 16.00\n"));
    assert_non_null(strstr(text, "        Energy (total)                          : 1.60 pJ\n"));
    assert_non_null(strstr(text, "    Buffer <==> MACC = 100.00\n"
                                 "    Total            = 2506.54\n"));
    free(text);
    free(evaluation);
    ln_spec_release(&spec);
}

static void test_failed_evaluation_lists_failures(void **state)
{
    (void)state;
    ln_spec spec;
    ln_evaluation *evaluation = calloc(1, sizeof *evaluation);
    ln_fixture_conv1d_1level(&spec, evaluation);
    evaluation->status = LN_EVALUATION_CAPACITY;
    evaluation->failure_count = 1;
    evaluation->failures[0].status = LN_EVALUATION_CAPACITY;
    evaluation->failures[0].level = 0;
    evaluation->failures[0].tensor = 1;
    snprintf(evaluation->failures[0].message, sizeof evaluation->failures[0].message,
             "Inputs tile of 96 words exceeds 64");

    char *text = ln_render_stats(&spec, evaluation);
    assert_non_null(strstr(text, "=== Buffer ===\n\n    SPECS\n"));
    assert_null(strstr(text, "STATS"));
    assert_null(strstr(text, "Operational Intensity"));
    assert_non_null(strstr(text, "Summary Stats\n-------------\nArea: 0.00 mm^2\n\n"
                                 "Failures\n--------\n    Buffer (capacity): Inputs tile of 96 words exceeds 64\n"));
    free(text);
    free(evaluation);
    ln_spec_release(&spec);
}

int main(void)
{
    ln_fixture_require_reference();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv1d_1level_matches_reference),
        cmocka_unit_test(test_area_line_carries_the_real_area),
        cmocka_unit_test(test_dummy_level_is_hidden_and_unset_specs_print_dash),
        cmocka_unit_test(test_network_with_energy_is_printed),
        cmocka_unit_test(test_failed_evaluation_lists_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
