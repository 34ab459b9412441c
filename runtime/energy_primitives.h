/* Primitive component models: the energy of one action of one instance,
 * and the area of one instance, from the measured data (energy_data.h).
 *
 * Families, each following the public Accelergy plug-in that owns the name:
 *  - ALADDIN plug-in: reg, intadder (adder), intmultiplier (multiplier),
 *    comparator, counter, crossbar, bitwise, shifter, fpadder,
 *    fpmultiplier, wire. Any action other than leak/idle (and *_gated,
 *    *_reused for multipliers) costs the dynamic energy.
 *  - Accelergy's library plug-in entries built on ALADDIN: aladdin_register,
 *    aladdin_adder, aladdin_multiplier, aladdin_comparator, aladdin_counter
 *    (reads cost energy, writes and updates none; attributes `width` /
 *    `datawidth` and `width_a` / `width_b` scale linearly).
 *  - CACTI plug-in: cacti_sram (SRAM sweep), dram (pJ per bit x width).
 *  - Accelergy's dummy table: dummy_storage, dummy_compute, and any
 *    component whose technology is -1 (1 pJ per action, no leakage, 1 um^2).
 *
 * The stdlib's compound classes (SRAM, DRAM, regfile, intmac, ...) are built
 * from these. Each estimate says which model produced it. */
#ifndef LOOPNEST_RUNTIME_ENERGY_PRIMITIVES_H
#define LOOPNEST_RUNTIME_ENERGY_PRIMITIVES_H

#include <stdbool.h>

#include "ir/arena.h"
#include "runtime/energy_data.h"
#include "runtime/energy_expression.h"

typedef struct ln_primitive_query {
    const char *class_name;
    const ln_energy_scope *attributes; /* the instance's resolved attributes */
    const char *action;                /* NULL asks for the area */
    const ln_energy_scope *arguments;  /* the action's arguments; may be NULL */
} ln_primitive_query;

typedef enum ln_primitive_status {
    LN_PRIMITIVE_OK = 0,
    LN_PRIMITIVE_UNKNOWN_CLASS,
    LN_PRIMITIVE_UNKNOWN_ACTION,
    LN_PRIMITIVE_BAD_ATTRIBUTE,
} ln_primitive_status;

typedef struct ln_primitive_result {
    double value;        /* pJ per action, or um^2 per instance */
    const char *model;   /* "ALADDIN adder 45nm, 1 ns row", in the arena */
    /* On failure: what is wrong, which attribute (NULL: the class or
     * action), and what would fix it. */
    char message[256];
    const char *attribute;
    const char *hint;
} ln_primitive_result;

ln_primitive_status ln_primitive_estimate(const ln_energy_data *data, ln_arena *arena,
                                          const ln_primitive_query *query, ln_primitive_result *result);

/* True when `class_name` names a primitive model. */
bool ln_primitive_is_known(const char *class_name);

/* The primitive class names, NULL-terminated (for hints and docs). */
const char *const *ln_primitive_class_names(void);

/* Reads a technology attribute ("45nm", "45", 45) as nm; false otherwise. */
bool ln_technology_nm(const ln_energy_value *value, double *nm);

#endif
