#include "runtime/energy_primitives.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The ALADDIN tables were characterised on a 40 nm library; the ALADDIN
 * plug-in serves them unscaled for 40 and 45 nm alike, and Accelergy's
 * library plug-in (as used for the public reference outputs, May 2024)
 * filed them as 45 nm and scaled from there to other nodes. Following both,
 * the tables apply as they are within [40, 45] nm and scale from 45 nm
 * elsewhere. */
static const double aladdin_native_low_nm = 40;
static const double aladdin_native_high_nm = 45;
static const double aladdin_scaling_base_nm = 45;

/* The CACTI sweep's nodes; the plug-in interpolates linearly between them. */
static const double cacti_nodes[] = {22, 32, 45, 65, 90};

typedef enum ln_primitive_kind {
    KIND_REG,
    KIND_ADDER,
    KIND_MULTIPLIER,
    KIND_COMPARATOR,
    KIND_COUNTER,
    KIND_CROSSBAR,
    KIND_BITWISE,
    KIND_SHIFTER,
    KIND_FP_ADDER,
    KIND_FP_MULTIPLIER,
    KIND_WIRE,
    KIND_FIFO,
    KIND_LIBRARY_REGISTER,
    KIND_LIBRARY_ADDER,
    KIND_LIBRARY_MULTIPLIER,
    KIND_LIBRARY_COMPARATOR,
    KIND_LIBRARY_COUNTER,
    KIND_SRAM,
    KIND_DRAM,
    KIND_DUMMY,
} ln_primitive_kind;

static const struct {
    const char *name;
    ln_primitive_kind kind;
} primitive_classes[] = {
    {"reg", KIND_REG},
    {"register", KIND_REG},
    {"intadder", KIND_ADDER},
    {"adder", KIND_ADDER},
    {"intmultiplier", KIND_MULTIPLIER},
    {"multiplier", KIND_MULTIPLIER},
    {"comparator", KIND_COMPARATOR},
    {"counter", KIND_COUNTER},
    {"crossbar", KIND_CROSSBAR},
    {"bitwise", KIND_BITWISE},
    {"shifter", KIND_SHIFTER},
    {"fpadder", KIND_FP_ADDER},
    {"fpmultiplier", KIND_FP_MULTIPLIER},
    {"wire", KIND_WIRE},
    {"FIFO", KIND_FIFO},
    {"aladdin_register", KIND_LIBRARY_REGISTER},
    {"aladdin_adder", KIND_LIBRARY_ADDER},
    {"aladdin_multiplier", KIND_LIBRARY_MULTIPLIER},
    {"aladdin_comparator", KIND_LIBRARY_COMPARATOR},
    {"aladdin_counter", KIND_LIBRARY_COUNTER},
    {"cacti_sram", KIND_SRAM},
    {"dram", KIND_DRAM},
    {"cacti_dram", KIND_DRAM},
    {"dummy_storage", KIND_DUMMY},
    {"dummy_compute", KIND_DUMMY},
    {"dummy", KIND_DUMMY},
};

static const char *const class_names[] = {
    "reg", "intadder", "intmultiplier", "comparator", "counter", "crossbar", "bitwise", "shifter", "fpadder",
    "fpmultiplier", "wire", "FIFO", "aladdin_register", "aladdin_adder", "aladdin_multiplier", "aladdin_comparator",
    "aladdin_counter", "cacti_sram", "dram", "dummy_storage", "dummy_compute", NULL};

const char *const *ln_primitive_class_names(void)
{
    return class_names;
}

static bool find_kind(const char *class_name, ln_primitive_kind *kind)
{
    for (size_t i = 0; i < sizeof primitive_classes / sizeof *primitive_classes; i++) {
        if (strcasecmp(class_name, primitive_classes[i].name) == 0) {
            *kind = primitive_classes[i].kind;
            return true;
        }
    }
    return false;
}

bool ln_primitive_is_known(const char *class_name)
{
    ln_primitive_kind kind;
    return class_name && find_kind(class_name, &kind);
}

/* ------------------------------------------------------------------ */
/* Attributes                                                           */
/* ------------------------------------------------------------------ */

typedef struct ln_request {
    const ln_energy_data *data;
    ln_arena *arena;
    const ln_primitive_query *query;
    ln_primitive_result *result;
} ln_request;

static ln_primitive_status failure(ln_request *request, ln_primitive_status status, const char *attribute,
                                   const char *hint, const char *format, ...)
    __attribute__((format(printf, 5, 6)));

static ln_primitive_status failure(ln_request *request, ln_primitive_status status, const char *attribute,
                                   const char *hint, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(request->result->message, sizeof request->result->message, format, arguments);
    va_end(arguments);
    request->result->attribute = attribute;
    request->result->hint = hint;
    return status;
}

/* An argument of the action if given there, else an attribute. */
static const ln_energy_value *lookup(const ln_request *request, const char *name)
{
    const ln_energy_binding *binding = NULL;
    if (request->query->arguments)
        binding = ln_energy_scope_find(request->query->arguments, name);
    if (!binding)
        binding = ln_energy_scope_find(request->query->attributes, name);
    return binding && binding->value.kind != LN_VALUE_NULL ? &binding->value : NULL;
}

/* A numeric attribute (the first of `names` present); `fallback` when none
 * is given, or a failure when fallback is NaN. */
static bool number_attribute(ln_request *request, const char *const *names, double fallback, double minimum,
                             double *value, ln_primitive_status *status)
{
    for (size_t i = 0; names[i]; i++) {
        const ln_energy_value *found = lookup(request, names[i]);
        if (!found)
            continue;
        double number;
        if (!ln_energy_value_number(found, &number)) {
            char *end;
            /* Timeloop writes some sizes quoted; a quoted number is a number. */
            if (found->kind == LN_VALUE_STRING && (number = strtod(found->text, &end), end != found->text) &&
                *end == '\0') {
                /* accepted */
            } else {
                *status = failure(request, LN_PRIMITIVE_BAD_ATTRIBUTE, names[i], "give a number",
                                  "%s '%s' must be a number, not '%s'", request->query->class_name, names[i],
                                  ln_energy_value_text(request->arena, found));
                return false;
            }
        }
        if (!(number >= minimum) || !isfinite(number)) {
            *status = failure(request, LN_PRIMITIVE_BAD_ATTRIBUTE, names[i], NULL,
                              "%s '%s' must be at least %g, not %g", request->query->class_name, names[i], minimum,
                              number);
            return false;
        }
        *value = number;
        return true;
    }
    if (isnan(fallback)) {
        *status = failure(request, LN_PRIMITIVE_BAD_ATTRIBUTE, NULL, "add it to the component's attributes",
                          "%s needs attribute '%s'", request->query->class_name, names[0]);
        return false;
    }
    *value = fallback;
    return true;
}

bool ln_technology_nm(const ln_energy_value *value, double *nm)
{
    if (ln_energy_value_number(value, nm))
        return true;
    if (value->kind != LN_VALUE_STRING)
        return false;
    char *end;
    double number = strtod(value->text, &end);
    if (end == value->text)
        return false;
    while (*end == ' ')
        end++;
    if (*end != '\0' && strcasecmp(end, "nm") != 0)
        return false;
    *nm = number;
    return isfinite(number);
}

static bool technology(ln_request *request, double *nm, ln_primitive_status *status)
{
    const ln_energy_value *value = lookup(request, "technology");
    if (!value) {
        *status = failure(request, LN_PRIMITIVE_BAD_ATTRIBUTE, NULL,
                          "set `technology` (e.g. \"45nm\") on the component or a container above it",
                          "%s needs attribute 'technology'", request->query->class_name);
        return false;
    }
    if (!ln_technology_nm(value, nm) || !(*nm > 0)) {
        *status = failure(request, LN_PRIMITIVE_BAD_ATTRIBUTE, "technology", "write the node, e.g. \"45nm\"",
                          "%s: technology '%s' is not a process node", request->query->class_name,
                          ln_energy_value_text(request->arena, value));
        return false;
    }
    return true;
}

/* A numeric attribute that falls back to a default when absent or bad. */
static double optional_number(ln_request *request, const char *name, double fallback, double minimum)
{
    const char *const names[] = {name, NULL};
    double value = fallback;
    ln_primitive_status ignored;
    if (!number_attribute(request, names, fallback, minimum, &value, &ignored))
        value = fallback;
    return value;
}

/* The clock period in seconds (Timeloop's default 1 ns). */
static double clock_seconds(ln_request *request)
{
    return optional_number(request, "global_cycle_seconds", 1e-9, 1e-15);
}

/* The duration of one action: the clock times its latency in cycles. */
static double action_seconds(ln_request *request)
{
    return clock_seconds(request) * optional_number(request, "action_latency_cycles", 1, 1e-9);
}

static bool name_is(const char *action, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (strcmp(action, names[i]) == 0)
            return true;
    return false;
}

static bool ends_with(const char *text, const char *suffix)
{
    size_t length = strlen(text), suffix_length = strlen(suffix);
    return length >= suffix_length && strcmp(text + length - suffix_length, suffix) == 0;
}

/* ------------------------------------------------------------------ */
/* ALADDIN                                                              */
/* ------------------------------------------------------------------ */

/* The row the ALADDIN plug-in reads for a period: the period rounded up to
 * whole nanoseconds (0.5 ns below 0.75 ns), capped at 6 ns between 6 and 10
 * and at 10 ns above; the first row when the table has no such row. */
static const ln_aladdin_row *aladdin_row(const ln_aladdin_table *table, double seconds)
{
    double nanoseconds = round(seconds * 1e9 * 1e6) / 1e6; /* drop floating noise before ceil */
    double latency = nanoseconds > 0.75 ? ceil(nanoseconds) : 0.5;
    if (latency > 10)
        latency = 10;
    else if (latency > 6)
        latency = 6;
    for (uint32_t i = 0; i < table->row_count; i++)
        if (table->rows[i].latency_ns == latency)
            return &table->rows[i];
    return &table->rows[0];
}

/* Technology factor for ALADDIN data, and how it was obtained. */
static bool aladdin_technology(ln_request *request, bool for_area, double *factor, const char **note,
                               ln_primitive_status *status)
{
    double nm;
    if (!technology(request, &nm, status))
        return false;
    if (nm >= aladdin_native_low_nm && nm <= aladdin_native_high_nm) {
        *factor = 1;
        *note = ln_arena_printf(request->arena, "%gnm", nm);
        return true;
    }
    bool ok = for_area ? ln_area_scale_between(request->data, aladdin_scaling_base_nm, nm, factor)
                       : ln_energy_scale_between(request->data, aladdin_scaling_base_nm, nm, factor);
    if (!ok) {
        *status = failure(request, LN_PRIMITIVE_BAD_ATTRIBUTE, "technology",
                          "the scaling data covers 7 to 130 nm",
                          "%s: no scaling data for %g nm", request->query->class_name, nm);
        return false;
    }
    *note = ln_arena_printf(request->arena, "scaled %g->%gnm", aladdin_scaling_base_nm, nm);
    return true;
}

typedef enum ln_aladdin_energy { ALADDIN_DYNAMIC, ALADDIN_IDLE, ALADDIN_ZERO } ln_aladdin_energy;

/* The period whose row the ALADDIN plug-in reads areas from: its own
 * `latency` attribute in ns, 5 ns when there is none, whatever the clock
 * (the reference ARTs carry the 5 ns areas: a 40 nm 8 x 64 regfile is
 * 887.84 um^2 there, 899.84 with the 1 ns comparator row). */
static double plugin_area_seconds(ln_request *request)
{
    return optional_number(request, "latency", 5, 1e-9) * 1e-9;
}

typedef enum ln_aladdin_source { ALADDIN_PLUGIN, ALADDIN_LIBRARY } ln_aladdin_source;

/* Table value for an action (or the area) at the period's row, times the
 * size factor and the technology factor. */
static ln_primitive_status aladdin_value(ln_request *request, ln_aladdin_circuit circuit, ln_aladdin_energy energy,
                                         double size_factor, ln_aladdin_source source)
{
    const char *family = source == ALADDIN_LIBRARY ? "library ALADDIN" : "ALADDIN";
    const ln_aladdin_table *table = &request->data->aladdin[circuit];
    bool area = request->query->action == NULL;
    double factor;
    const char *note;
    ln_primitive_status status = LN_PRIMITIVE_OK;
    if (!aladdin_technology(request, area, &factor, &note, &status))
        return status;
    /* Energies follow the clock times the action's latency in cycles;
     * library areas the clock, the plug-in's areas its own latency. */
    double seconds = !area                        ? action_seconds(request)
                     : source == ALADDIN_LIBRARY ? clock_seconds(request)
                                                  : plugin_area_seconds(request);
    const ln_aladdin_row *row = aladdin_row(table, seconds);
    double value;
    if (area)
        value = row->area_um2;
    else if (energy == ALADDIN_DYNAMIC)
        value = row->dynamic_pj;
    else if (energy == ALADDIN_IDLE)
        /* Idle energy is per row period; a leak is per clock period. */
        value = row->idle_pj * (seconds * 1e9 / row->latency_ns);
    else
        value = 0;
    request->result->value = value * size_factor * factor;
    request->result->model = ln_arena_printf(request->arena, "%s %s %g ns row, %s", family, table->name,
                                             row->latency_ns, note);
    return LN_PRIMITIVE_OK;
}

static const char *const leak_names[] = {"leak", "idle", NULL};

static bool is_leak_action(const char *action)
{
    return name_is(action, leak_names) || ends_with(action, "_gated");
}

static ln_primitive_status aladdin_plugin(ln_request *request, ln_primitive_kind kind)
{
    const char *action = request->query->action;
    ln_primitive_status status = LN_PRIMITIVE_OK;
    static const char *const width_names[] = {"width", "datawidth", NULL};
    ln_aladdin_energy energy = ALADDIN_DYNAMIC;
    double reuse = 1;
    if (action) {
        if (is_leak_action(action))
            energy = ALADDIN_IDLE;
        else if (ends_with(action, "_reused") && (kind == KIND_MULTIPLIER || kind == KIND_FP_MULTIPLIER))
            reuse = 0.85; /* the plug-in's discount for a reused operand */
    }
    double width, factor = 1;
    ln_aladdin_circuit circuit;
    switch (kind) {
    case KIND_REG:
    case KIND_BITWISE:
        if (!number_attribute(request, width_names, 1, 0, &width, &status))
            return status;
        factor = width;
        circuit = kind == KIND_REG ? LN_ALADDIN_REG : LN_ALADDIN_BITWISE;
        break;
    case KIND_ADDER:
    case KIND_COMPARATOR:
    case KIND_COUNTER:
    case KIND_SHIFTER: {
        /* Address generators are often sized as n_bits / precision (the
         * names NeuroSim-era component files use). */
        static const char *const adder_width_names[] = {"width", "datawidth", "n_bits", "precision", NULL};
        if (!number_attribute(request, kind == KIND_ADDER ? adder_width_names : width_names, 32, 0, &width,
                              &status))
            return status;
        factor = width / 32;
        circuit = kind == KIND_ADDER        ? LN_ALADDIN_ADDER
                  : kind == KIND_COMPARATOR ? LN_ALADDIN_COMPARATOR
                  : kind == KIND_COUNTER    ? LN_ALADDIN_COUNTER
                                            : LN_ALADDIN_SHIFTER;
        break;
    }
    case KIND_MULTIPLIER: {
        static const char *const a_names[] = {"width_a", "datawidth_a", NULL};
        static const char *const b_names[] = {"width_b", "datawidth_b", NULL};
        if (!number_attribute(request, width_names, 32, 0, &width, &status))
            return status;
        double a, b;
        if (!number_attribute(request, a_names, width, 0, &a, &status) ||
            !number_attribute(request, b_names, width, 0, &b, &status))
            return status;
        factor = (a / 32) * (b / 32); /* array multipliers grow with the product of the operand widths */
        circuit = LN_ALADDIN_MULTIPLIER;
        break;
    }
    case KIND_CROSSBAR: {
        static const char *const inputs[] = {"n_inputs", NULL};
        static const char *const outputs[] = {"n_outputs", NULL};
        double n_inputs, n_outputs;
        if (!number_attribute(request, inputs, 1, 0, &n_inputs, &status) ||
            !number_attribute(request, outputs, 4, 0, &n_outputs, &status) ||
            !number_attribute(request, width_names, 32, 0, &width, &status))
            return status;
        factor = n_inputs * (n_outputs / 4) * (width / 32); /* the table is a 1-to-4, 32-bit crossbar */
        circuit = LN_ALADDIN_CROSSBAR;
        break;
    }
    default: { /* floating point */
        static const char *const exponent_names[] = {"exponent", NULL};
        static const char *const mantissa_names[] = {"mantissa", NULL};
        double bits;
        const ln_energy_value *exponent = lookup(request, "exponent");
        const ln_energy_value *mantissa = lookup(request, "mantissa");
        if (exponent || mantissa) {
            double e, m;
            if (!number_attribute(request, exponent_names, NAN, 1, &e, &status) ||
                !number_attribute(request, mantissa_names, NAN, 1, &m, &status))
                return status;
            bits = e + m;
        } else if (!number_attribute(request, width_names, 32, 1, &bits, &status)) {
            return status;
        }
        bool single = bits <= 32;
        double table_bits = single ? 32 : 64;
        if (kind == KIND_FP_ADDER) {
            circuit = single ? LN_ALADDIN_FP_SP_ADDER : LN_ALADDIN_FP_DP_ADDER;
            factor = bits / table_bits;
        } else {
            circuit = single ? LN_ALADDIN_FP_SP_MULTIPLIER : LN_ALADDIN_FP_DP_MULTIPLIER;
            factor = (bits / table_bits) * (bits / table_bits);
        }
        break;
    }
    }
    status = aladdin_value(request, circuit, energy, factor * reuse, ALADDIN_PLUGIN);
    return status;
}

/* The ALADDIN plug-in's FIFO: `width` register bits plus one comparator of
 * log2(depth) bits, per access; leakage and area of the same parts. */
static ln_primitive_status fifo(ln_request *request)
{
    static const char *const width_names[] = {"width", "datawidth", NULL};
    static const char *const depth_names[] = {"depth", NULL};
    double width, depth;
    ln_primitive_status status = LN_PRIMITIVE_OK;
    if (!number_attribute(request, width_names, NAN, 0, &width, &status) ||
        !number_attribute(request, depth_names, NAN, 0, &depth, &status))
        return status;
    const char *action = request->query->action;
    ln_aladdin_energy energy = action && is_leak_action(action) ? ALADDIN_IDLE : ALADDIN_DYNAMIC;
    if (depth < 1) {
        request->result->value = 0;
        request->result->model = "ALADDIN-plug-in FIFO (no entries)";
        return LN_PRIMITIVE_OK;
    }
    if ((status = aladdin_value(request, LN_ALADDIN_REG, energy, width, ALADDIN_PLUGIN)) != LN_PRIMITIVE_OK)
        return status;
    double registers = request->result->value;
    if ((status = aladdin_value(request, LN_ALADDIN_COMPARATOR, energy, log2(depth) / 32, ALADDIN_PLUGIN)) !=
        LN_PRIMITIVE_OK)
        return status;
    request->result->value += registers;
    request->result->model = ln_arena_printf(request->arena, "ALADDIN-plug-in FIFO (reg + comparator), %s",
                                             strchr(request->result->model, ',') + 2);
    return LN_PRIMITIVE_OK;
}

/* Accelergy's library entries: each action is read (the circuit's verb),
 * write/update (free: the entry stores no energy for them) or leak. */
static ln_primitive_status library_entry(ln_request *request, ln_primitive_kind kind)
{
    static const struct {
        ln_primitive_kind kind;
        ln_aladdin_circuit circuit;
        const char *verb;
        double table_width;
    } entries[] = {
        {KIND_LIBRARY_REGISTER, LN_ALADDIN_REG, "read", 1},
        {KIND_LIBRARY_ADDER, LN_ALADDIN_ADDER, "add", 32},
        {KIND_LIBRARY_MULTIPLIER, LN_ALADDIN_MULTIPLIER, "multiply", 32},
        {KIND_LIBRARY_COMPARATOR, LN_ALADDIN_COMPARATOR, "compare", 32},
        {KIND_LIBRARY_COUNTER, LN_ALADDIN_COUNTER, "count", 32},
    };
    size_t e = 0;
    while (entries[e].kind != kind)
        e++;
    const char *action = request->query->action;
    ln_aladdin_energy energy = ALADDIN_DYNAMIC;
    if (action) {
        static const char *const free_actions[] = {"write", "update", NULL};
        if (strcmp(action, "read") == 0 || strcmp(action, entries[e].verb) == 0)
            energy = ALADDIN_DYNAMIC;
        else if (name_is(action, free_actions))
            energy = ALADDIN_ZERO;
        else if (strcmp(action, "leak") == 0)
            /* The library's register entry has no leakage. */
            energy = kind == KIND_LIBRARY_REGISTER ? ALADDIN_ZERO : ALADDIN_IDLE;
        else
            return failure(request, LN_PRIMITIVE_UNKNOWN_ACTION, NULL, NULL,
                           "%s has the actions read, %s, write, update and leak, not '%s'",
                           request->query->class_name, entries[e].verb, action);
    }
    /* Each width attribute given scales linearly from the entry's width. */
    static const char *const groups[3][3] = {
        {"width", "datawidth", NULL}, {"width_a", "datawidth_a", NULL}, {"width_b", "datawidth_b", NULL}};
    double factor = 1;
    for (size_t g = 0; g < 3; g++) {
        if (g > 0 && kind != KIND_LIBRARY_MULTIPLIER)
            break;
        double width;
        ln_primitive_status status = LN_PRIMITIVE_OK;
        if (!number_attribute(request, groups[g], entries[e].table_width, 0, &width, &status))
            return status;
        factor *= width / entries[e].table_width;
    }
    return aladdin_value(request, entries[e].circuit, energy, factor, ALADDIN_LIBRARY);
}

static ln_primitive_status wire(ln_request *request)
{
    const char *action = request->query->action;
    if (!action || !(strcmp(action, "transfer") == 0 || strcmp(action, "transfer_random") == 0)) {
        request->result->value = 0;
        request->result->model = "ALADDIN-plug-in wire model (no area, no leakage)";
        return LN_PRIMITIVE_OK;
    }
    const ln_energy_value *length = lookup(request, "length");
    if (!length)
        return failure(request, LN_PRIMITIVE_BAD_ATTRIBUTE, NULL, "give the wire's length, e.g. \"1mm\"",
                       "wire needs attribute 'length'");
    double micrometres;
    if (!ln_energy_value_number(length, &micrometres)) {
        char *end;
        double number = length->kind == LN_VALUE_STRING ? strtod(length->text, &end) : NAN;
        if (length->kind != LN_VALUE_STRING || end == length->text)
            return failure(request, LN_PRIMITIVE_BAD_ATTRIBUTE, "length", "write e.g. \"1mm\" or \"200um\"",
                           "wire length '%s' is not a length", ln_energy_value_text(request->arena, length));
        while (*end == ' ')
            end++;
        if (strcmp(end, "mm") == 0)
            micrometres = number * 1e3;
        else if (strcmp(end, "um") == 0 || *end == '\0')
            micrometres = number;
        else if (strcmp(end, "nm") == 0)
            micrometres = number * 1e-3;
        else
            return failure(request, LN_PRIMITIVE_BAD_ATTRIBUTE, "length", "use mm, um or nm",
                           "wire length '%s' has an unknown unit", length->text);
    }
    static const char *const width_names[] = {"width", "datawidth", NULL};
    double width;
    ln_primitive_status status = LN_PRIMITIVE_OK;
    if (!number_attribute(request, width_names, NAN, 0, &width, &status))
        return status;
    /* The ALADDIN plug-in's wire: 1.627 fF/um, activity 0.2, 1 V. */
    request->result->value = width * 0.2 * 1.627e-15 * micrometres * 1e12;
    request->result->model = "ALADDIN-plug-in wire model (1.627 fF/um, activity 0.2, 1 V)";
    return LN_PRIMITIVE_OK;
}

/* ------------------------------------------------------------------ */
/* CACTI SRAM                                                           */
/* ------------------------------------------------------------------ */

/* The six figures of one SRAM, as the plug-in returns them. */
typedef struct ln_sram_figures {
    double read, write, update, leak, area, cycle;
} ln_sram_figures;

enum { SRAM_FIGURE_COUNT = 6 };

static double *figure_array(ln_sram_figures *figures)
{
    return &figures->read;
}

static ln_sram_figures figures_of(const ln_cacti_point *point)
{
    ln_sram_figures figures = {point->read_pj, point->write_pj, point->update_pj,
                               point->leak_pj, point->area_um2, point->cycle_ns};
    return figures;
}

static ln_sram_figures figures_mix(ln_sram_figures a, ln_sram_figures b, double fraction, bool logarithmic)
{
    ln_sram_figures out;
    double *o = figure_array(&out);
    const double *x = figure_array(&a), *y = figure_array(&b);
    for (int i = 0; i < SRAM_FIGURE_COUNT; i++) {
        if (logarithmic && x[i] > 0 && y[i] > 0)
            o[i] = exp(log(x[i]) * (1 - fraction) + log(y[i]) * fraction);
        else
            o[i] = x[i] * (1 - fraction) + y[i] * fraction;
    }
    return out;
}

static void figures_scale(ln_sram_figures *figures, double dynamic, double leak, double area)
{
    figures->read *= dynamic;
    figures->write *= dynamic;
    figures->update *= dynamic;
    figures->leak *= leak;
    figures->area *= area;
}

static const ln_cacti_point *sram_row(const ln_energy_data *data, double node, double width, double depth,
                                      double banks)
{
    for (uint32_t i = 0; i < data->sram_count; i++) {
        const ln_cacti_point *row = &data->sram[i];
        if (row->node_nm == node && row->width == width && row->depth == depth && row->banks == banks)
            return row;
    }
    return NULL;
}

/* A row holding one CACTI call unscaled: at least 32 whole-byte bits and 64
 * rows per bank. Only these are grid points of the plug-in's call space. */
static bool is_call_row(const ln_cacti_point *row)
{
    return row->width >= 32 && fmod(row->width, 8) == 0 && row->depth >= 64 * row->banks;
}

/* The call-space grid values bracketing `value` along one axis, among rows
 * at (node, banks) and, for depths, of width `width_filter`. */
static bool call_bracket(const ln_energy_data *data, double node, double banks, double width_filter,
                         double value, double *low, double *high, double *smallest, double *largest)
{
    *low = *high = *smallest = *largest = -1;
    for (uint32_t i = 0; i < data->sram_count; i++) {
        const ln_cacti_point *row = &data->sram[i];
        if (row->node_nm != node || row->banks != banks || !is_call_row(row))
            continue;
        if (width_filter > 0 && row->width != width_filter)
            continue;
        double v = width_filter > 0 ? row->depth : row->width;
        if (*smallest < 0 || v < *smallest)
            *smallest = v;
        if (v > *largest)
            *largest = v;
        if (v <= value && v > *low)
            *low = v;
        if (v >= value && (*high < 0 || v < *high))
            *high = v;
    }
    if (*smallest < 0)
        return false;
    if (*low < 0)
        *low = *high = *smallest;
    if (*high < 0)
        *low = *high = *largest;
    return true;
}

typedef struct ln_sram_call {
    double width, depth, banks; /* what the plug-in hands CACTI */
} ln_sram_call;

/* One CACTI call at a swept node. The grid row when the sweeps hold it;
 * otherwise a power law (log-log) through the four neighbouring rows, which
 * follows CACTI's growth between half-octave steps; beyond the grid, wider
 * arrays scale linearly and deeper ones as the plug-in scales depth. `note`
 * is NULL for a row, else says how the figures were made. */
static bool sram_call_at_node(ln_request *request, double node, ln_sram_call call, ln_sram_figures *out,
                              const char **note)
{
    const ln_energy_data *data = request->data;
    *note = NULL;
    const ln_cacti_point *exact = sram_row(data, node, call.width, call.depth, call.banks);
    if (exact && is_call_row(exact)) {
        *out = figures_of(exact);
        return true;
    }
    double w0, w1, d0, d1, smallest, largest, smallest_depth, largest_depth;
    if (!call_bracket(data, node, call.banks, 0, call.width, &w0, &w1, &smallest, &largest) ||
        !call_bracket(data, node, call.banks, w0, call.depth, &d0, &d1, &smallest_depth, &largest_depth))
        return false;
    if (call.banks > 1 && call.depth < smallest_depth) {
        /* Shallower than the bank sweep: the 1-bank array at this size times
         * the many-bank/1-bank ratio at the sweep's shallowest depth. */
        ln_sram_call single = {call.width, call.depth, 1}, edge = {call.width, smallest_depth, call.banks};
        ln_sram_call edge_single = {call.width, smallest_depth, 1};
        ln_sram_figures one, many, many_single;
        const char *ignored;
        if (!sram_call_at_node(request, node, single, &one, &ignored) ||
            !sram_call_at_node(request, node, edge, &many, &ignored) ||
            !sram_call_at_node(request, node, edge_single, &many_single, &ignored))
            return false;
        double *o = figure_array(&one);
        const double *m = figure_array(&many), *s = figure_array(&many_single);
        for (int i = 0; i < SRAM_FIGURE_COUNT; i++)
            o[i] *= s[i] > 0 ? m[i] / s[i] : 1;
        *out = one;
        *note = ln_arena_printf(request->arena,
                                "extrapolated: the 1-bank array x the %g-bank/1-bank ratio at depth %g", call.banks,
                                smallest_depth);
        return true;
    }
    const ln_cacti_point *p00 = sram_row(data, node, w0, d0, call.banks);
    const ln_cacti_point *p01 = sram_row(data, node, w0, d1, call.banks);
    const ln_cacti_point *p10 = sram_row(data, node, w1, d0, call.banks);
    const ln_cacti_point *p11 = sram_row(data, node, w1, d1, call.banks);
    if (!p00 || !p01 || !p10 || !p11)
        return false;
    double fw = w1 > w0 ? (log(call.width) - log(w0)) / (log(w1) - log(w0)) : 0;
    double fd = d1 > d0 ? (log(call.depth) - log(d0)) / (log(d1) - log(d0)) : 0;
    ln_sram_figures low = figures_mix(figures_of(p00), figures_of(p01), fd, true);
    ln_sram_figures high = figures_mix(figures_of(p10), figures_of(p11), fd, true);
    ln_sram_figures result = figures_mix(low, high, fw, true);
    if (call.width > w1) { /* wider than the sweep: side-by-side arrays */
        double scale = call.width / w1;
        figures_scale(&result, scale, scale, scale);
    }
    if (call.depth > d1) { /* deeper than the sweep */
        double scale = call.depth / d1;
        figures_scale(&result, pow(scale, 0.78), scale, scale);
    }
    *out = result;
    const char *banks_text = call.banks > 1 ? ln_arena_printf(request->arena, ", %g banks", call.banks) : "";
    if (call.width > w1 || call.depth > d1)
        *note = ln_arena_printf(request->arena, "extrapolated beyond the %gx%g%s row at %gnm", w1, d1, banks_text,
                                node);
    else
        *note = ln_arena_printf(request->arena, "interpolated between the %gx%g and %gx%g%s rows at %gnm", w0, d0,
                                w1, d1, banks_text, node);
    return true;
}

/* Everything the plug-in returns for the user's attributes at one swept
 * node: the user's own row when a sweep holds it (such rows already carry
 * the minimum-size rescaling and the leakage of all banks), else the call
 * of the plug-in's rule 2 rescaled the way the plug-in does. */
static bool sram_at_node(ln_request *request, double node, double width, double depth, double banks,
                         ln_sram_figures *out, const char **note)
{
    const ln_cacti_point *own = sram_row(request->data, node, width, depth, banks);
    if (own) {
        *out = figures_of(own);
        *note = NULL;
        return true;
    }
    double call_banks = pow(2, ceil(log2(banks)));
    ln_sram_call call = {fmax(ceil(width / 8) * 8, 32), fmax(depth, 64 * banks), call_banks};
    if (!sram_call_at_node(request, node, call, out, note))
        return false;
    double width_scale = width / call.width, depth_scale = depth / call.depth;
    /* CACTI's standby leakage is per bank; the plug-in multiplies it by
     * the banks asked for, not the power of two it called CACTI with. */
    figures_scale(out, (0.7 * width_scale + 0.3) * pow(depth_scale, 0.78), width_scale * depth_scale * banks / call_banks,
                  width_scale * depth_scale);
    return true;
}

static ln_primitive_status sram(ln_request *request)
{
    ln_primitive_status status = LN_PRIMITIVE_OK;
    static const char *const width_names[] = {"width", NULL};
    static const char *const depth_names[] = {"depth", NULL};
    static const char *const bank_names[] = {"n_banks", NULL};
    /* The plug-in reads n_rw_ports only; an SRAM that says n_rdwr_ports
     * gets its default of 1. */
    static const char *const port_names[] = {"n_rw_ports", NULL};
    double width, depth, banks, ports, nm;
    if (!number_attribute(request, width_names, NAN, 1, &width, &status) ||
        !number_attribute(request, depth_names, NAN, 1, &depth, &status) ||
        !number_attribute(request, bank_names, 1, 1, &banks, &status) ||
        !number_attribute(request, port_names, 1, 1, &ports, &status) || !technology(request, &nm, &status))
        return status;
    const char *action = request->query->action;
    static const char *const dynamic_actions[] = {"read", "write", "update", NULL};
    if (action && !name_is(action, dynamic_actions) && !name_is(action, leak_names))
        return failure(request, LN_PRIMITIVE_UNKNOWN_ACTION, NULL, NULL,
                       "cacti_sram has the actions read, write, update, leak and idle, not '%s'", action);
    banks = round(banks);

    /* The plug-in's technology rule: a swept node is one run, a node in
     * between is both neighbours' runs linear in nm, and beyond the sweep
     * the 22 or 90 nm run is scaled. */
    enum { NODE_COUNT = sizeof cacti_nodes / sizeof *cacti_nodes };
    double lowest = cacti_nodes[0], highest = cacti_nodes[NODE_COUNT - 1];
    double below = nm < lowest ? lowest : nm > highest ? highest : lowest, above = below;
    if (nm >= lowest && nm <= highest)
        for (int i = 0; i < NODE_COUNT; i++) {
            if (cacti_nodes[i] <= nm)
                below = cacti_nodes[i];
            if (cacti_nodes[i] >= nm) {
                above = cacti_nodes[i];
                break;
            }
        }
    ln_sram_figures figures, upper;
    const char *note_below, *note_above = NULL;
    if (!sram_at_node(request, below, width, depth, banks, &figures, &note_below) ||
        (above != below && !sram_at_node(request, above, width, depth, banks, &upper, &note_above)))
        return failure(request, LN_PRIMITIVE_BAD_ATTRIBUTE, NULL, NULL,
                       "the CACTI sweeps hold no SRAM near %gx%g with %g banks at %g nm", width, depth, banks,
                       nm);
    const char *node_text;
    if (above != below) {
        figures = figures_mix(figures, upper, (nm - below) / (above - below), false);
        node_text = ln_arena_printf(request->arena, "%gnm (linear between %g and %gnm)", nm, below, above);
    } else if (nm < lowest) {
        double scale = nm / lowest;
        figures_scale(&figures, scale, scale * 0.79, scale);
        figures.cycle *= scale;
        node_text = ln_arena_printf(request->arena, "%gnm (the 22nm run x %g, leakage x 0.79 more)", nm, scale);
    } else if (nm > highest) {
        double scale = (nm / highest) * (nm / highest);
        figures_scale(&figures, scale, scale, scale);
        figures.cycle *= scale;
        node_text = ln_arena_printf(request->arena, "%gnm (the 90nm run x (%g/90)^2)", nm, nm);
    } else {
        node_text = ln_arena_printf(request->arena, "%gnm", nm);
    }

    double value;
    if (!action) {
        value = figures.area;
    } else if (name_is(action, leak_names)) {
        value = figures.leak * action_seconds(request) * 1e9; /* the sweep's leakage is per 1 ns */
    } else {
        value = strcmp(action, "read") == 0 ? figures.read : strcmp(action, "write") == 0 ? figures.write
                                                                                           : figures.update;
        /* The plug-in's split of an access: 70% moving data, 30% decoding
         * the address; an argument of 0 drops that part. */
        const ln_energy_value *data_delta = lookup(request, "data_delta");
        const ln_energy_value *address_delta = lookup(request, "address_delta");
        if (data_delta || address_delta) {
            double d = 1, a = 1;
            if (data_delta && !ln_energy_value_number(data_delta, &d))
                d = 1;
            if (address_delta && !ln_energy_value_number(address_delta, &a))
                a = 1;
            value *= 0.7 * (d != 0) + 0.3 * (a != 0);
        }
    }
    const char *how = note_below && note_above ? ln_arena_printf(request->arena, "; %s; %s", note_below, note_above)
                      : note_below               ? ln_arena_printf(request->arena, "; %s", note_below)
                      : note_above               ? ln_arena_printf(request->arena, "; %s", note_above)
                                                 : "";
    request->result->value = value;
    request->result->model = ln_arena_printf(
        request->arena, "CACTI SRAM %gx%g%s, %s, cycle %.4g ns%s%s", width, depth,
        banks > 1 ? ln_arena_printf(request->arena, " %g banks", banks) : "", node_text, figures.cycle,
        how[0] ? how : "; sweep row", ports > 1 ? "; 1-port data (ports not modeled)" : "");
    return LN_PRIMITIVE_OK;
}

static ln_primitive_status dram(ln_request *request)
{
    const ln_energy_value *type = lookup(request, "type");
    const char *type_name = type && type->kind == LN_VALUE_STRING ? type->text : "LPDDR4";
    if (type && type->kind != LN_VALUE_STRING)
        return failure(request, LN_PRIMITIVE_BAD_ATTRIBUTE, "type", "write e.g. \"LPDDR4\"",
                       "DRAM type must be a name, not '%s'", ln_energy_value_text(request->arena, type));
    const ln_dram_type *found = NULL;
    for (uint32_t i = 0; i < request->data->dram_count; i++)
        if (strcasecmp(request->data->dram[i].name, type_name) == 0)
            found = &request->data->dram[i];
    if (!found) {
        char known[160] = "";
        for (uint32_t i = 0; i < request->data->dram_count; i++) {
            size_t used = strlen(known);
            snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", request->data->dram[i].name);
        }
        request->result->hint = NULL;
        return failure(request, LN_PRIMITIVE_BAD_ATTRIBUTE, "type", NULL, "unknown DRAM type '%s'; known: %s",
                       type_name, known);
    }
    const char *action = request->query->action;
    static const char *const dynamic_actions[] = {"read", "write", "update", NULL};
    if (action && !name_is(action, dynamic_actions) && !name_is(action, leak_names))
        return failure(request, LN_PRIMITIVE_UNKNOWN_ACTION, NULL, NULL,
                       "DRAM has the actions read, write, update, leak and idle, not '%s'", action);
    static const char *const width_names[] = {"width", "datawidth", NULL};
    double width;
    ln_primitive_status status = LN_PRIMITIVE_OK;
    if (!number_attribute(request, width_names, NAN, 0, &width, &status))
        return status;
    request->result->value = action && name_is(action, dynamic_actions) ? found->pj_per_bit * width : 0;
    request->result->model = ln_arena_printf(request->arena, "DRAM %s %g pJ/bit", found->name, found->pj_per_bit);
    return LN_PRIMITIVE_OK;
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                             */
/* ------------------------------------------------------------------ */

ln_primitive_status ln_primitive_estimate(const ln_energy_data *data, ln_arena *arena,
                                          const ln_primitive_query *query, ln_primitive_result *result)
{
    memset(result, 0, sizeof *result);
    ln_request request = {data, arena, query, result};
    ln_primitive_kind kind;
    if (!find_kind(query->class_name, &kind))
        return failure(&request, LN_PRIMITIVE_UNKNOWN_CLASS, NULL,
                       "define it as a compound class, or use a primitive such as intadder, reg, cacti_sram",
                       "no compound class or primitive model named '%s'", query->class_name);
    /* Accelergy's dummy table answers for anything with technology -1. */
    const ln_energy_value *technology_value = lookup(&request, "technology");
    double nm;
    if (kind == KIND_DUMMY || (technology_value && ln_technology_nm(technology_value, &nm) && nm == -1)) {
        result->value = query->action == NULL ? 1 : (is_leak_action(query->action) ? 0 : 1);
        result->model = "dummy table (technology -1)";
        return LN_PRIMITIVE_OK;
    }
    switch (kind) {
    case KIND_WIRE:
        return wire(&request);
    case KIND_FIFO:
        return fifo(&request);
    case KIND_LIBRARY_REGISTER:
    case KIND_LIBRARY_ADDER:
    case KIND_LIBRARY_MULTIPLIER:
    case KIND_LIBRARY_COMPARATOR:
    case KIND_LIBRARY_COUNTER:
        return library_entry(&request, kind);
    case KIND_SRAM:
        return sram(&request);
    case KIND_DRAM:
        return dram(&request);
    default:
        return aladdin_plugin(&request, kind);
    }
}
