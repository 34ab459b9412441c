/* What the energy and area estimator found for each component of an
 * architecture, in the shape Accelergy reports it (ERT, ART and their
 * summaries): per action and argument combination an energy, per component
 * an area, and which model or table produced every figure. The estimator
 * (runtime/energy_estimator.h) fills it; back ends write it. */
#ifndef LOOPNEST_IR_ENERGY_ESTIMATE_H
#define LOOPNEST_IR_ENERGY_ESTIMATE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct ln_estimate_argument {
    const char *name;
    const char *value; /* as Python prints it: "1", "0.5", "True" */
} ln_estimate_argument;

/* One ERT row: an action with one combination of argument values. */
typedef struct ln_estimate_action {
    const char *action;
    uint32_t argument_count;
    ln_estimate_argument *arguments;
    double energy; /* pJ */
} ln_estimate_action;

/* A primitive (or table entry) that contributed, for the summaries. */
typedef struct ln_estimate_contributor {
    const char *name;      /* "storage.comparator[1..64]", or the component itself */
    const char *estimator; /* "ALADDIN comparator 1 ns row, 45nm", "table t/x.csv:3", "ERT" */
} ln_estimate_contributor;

typedef struct ln_component_estimate {
    const char *name;       /* "system_top_level.shared_glb[1..1]" */
    const char *level_name; /* "shared_glb" */
    const char *class_name;
    bool is_compute;

    bool has_energy;
    uint32_t action_count;
    ln_estimate_action *actions;
    const char *energy_source; /* one line: "estimator: smartbuffer_SRAM (CACTI SRAM ..., ALADDIN adder ...)" */
    uint32_t energy_contributor_count;
    ln_estimate_contributor *energy_contributors;

    bool has_area;
    double area; /* um^2 per instance */
    const char *area_source;
    uint32_t area_contributor_count;
    ln_estimate_contributor *area_contributors;
} ln_component_estimate;

typedef struct ln_energy_estimate {
    uint32_t count;
    ln_component_estimate *components;
} ln_energy_estimate;

#endif
