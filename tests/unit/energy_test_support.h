/* Helpers for the energy estimator's tests: load a spec, run the estimator
 * with the stdlib's classes (as `loopnest eval` / `energy` do), and look
 * figures up by level and action. */
#ifndef LOOPNEST_TESTS_ENERGY_TEST_SUPPORT_H
#define LOOPNEST_TESTS_ENERGY_TEST_SUPPORT_H

#include "yaml_test_support.h"

#include <math.h>

#include "frontend/estimation_tables.h"
#include "frontend/yaml_components.h"
#include "runtime/energy_estimator.h"

/* Runs the estimator over test->spec; `tables` may be NULL. */
static inline bool energy_test_estimate(yaml_test *test, const char *tables, ln_energy_estimate *estimate)
{
    ln_component_library stdlib;
    memset(&stdlib, 0, sizeof stdlib);
    if (!ln_yaml_load_stdlib_components(&test->spec.arena, &test->diagnostics, &stdlib))
        return false;
    ln_estimation_tables loaded;
    memset(&loaded, 0, sizeof loaded);
    if (tables && !ln_load_estimation_tables(tables, &test->spec.arena, &test->diagnostics, &loaded))
        return false;
    ln_energy_estimator_options options = {&stdlib, tables ? &loaded : NULL};
    return ln_energy_estimate_spec(&test->spec, &options, &test->spec.arena, &test->diagnostics, estimate);
}

static inline const ln_component_estimate *energy_test_component(const ln_energy_estimate *estimate,
                                                                 const char *level)
{
    for (uint32_t i = 0; i < estimate->count; i++)
        if (strcmp(estimate->components[i].level_name, level) == 0)
            return &estimate->components[i];
    return NULL;
}

/* The largest energy of `action` (Timeloop's choice among argument rows);
 * NAN when the component has no such action. */
static inline double energy_test_action(const ln_energy_estimate *estimate, const char *level, const char *action)
{
    const ln_component_estimate *component = energy_test_component(estimate, level);
    double found = NAN;
    for (uint32_t i = 0; component && i < component->action_count; i++)
        if (strcmp(component->actions[i].action, action) == 0 &&
            (isnan(found) || component->actions[i].energy > found))
            found = component->actions[i].energy;
    return found;
}

static inline bool energy_test_close(double actual, double expected, double relative)
{
    if (expected == 0)
        return fabs(actual) <= relative;
    return fabs(actual - expected) <= relative * fabs(expected);
}

#define assert_close(actual, expected, relative)                                                         \
    do {                                                                                                 \
        double ln_actual_ = (actual), ln_expected_ = (expected);                                         \
        if (!energy_test_close(ln_actual_, ln_expected_, (relative))) {                                   \
            fprintf(stderr, "%s = %.9g, expected %.9g (within %g)\n", #actual, ln_actual_, ln_expected_,  \
                    (double)(relative));                                                                 \
            fail();                                                                                      \
        }                                                                                                \
    } while (0)

/* The diagnostic of `severity` whose message contains `text`, or NULL. */
static inline const ln_diagnostic *energy_test_find(const yaml_test *test, ln_severity severity, const char *text)
{
    return yaml_test_find(test, severity, text);
}

#endif
