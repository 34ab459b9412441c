/* The expressions of compound component classes: a small, safe subset of
 * Python, which is what Accelergy evaluates them as.
 *
 *   numbers, 'strings' / "strings", names bound by the scope, True False None
 *   + - * / // % **   == != < <= > >=   and or not   x if c else y   ( )
 *   max min ceil floor round abs int float log log2 log10 sqrt exp pow
 *   constants pi e
 *
 * Python's semantics are kept where they matter for sizes: `/` is true
 * division, `//` and `%` floor, `**` binds right, `and`/`or` short-circuit
 * and return an operand, `a if c else b` evaluates only the branch taken
 * (so `log2(depth) if depth >= 1 else 1` is fine for depth 0), comparisons
 * chain, round() rounds halves to even. Nothing else is reachable: no
 * attribute access, indexing, lambdas or imports.
 *
 * Expressions are parsed into a bounded node pool and evaluated with a
 * bounded depth, so no input, however long or nested, can exhaust the stack;
 * every failure is a status with the offset of the offending text. */
#ifndef LOOPNEST_RUNTIME_ENERGY_EXPRESSION_H
#define LOOPNEST_RUNTIME_ENERGY_EXPRESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ir/arena.h"
#include "ir/component.h"
#include "ir/diagnostic.h"
#include "ir/spec.h"

/* A value: LN_VALUE_NULL (None), LN_VALUE_BOOL, LN_VALUE_NUMBER, LN_VALUE_STRING. */
typedef struct ln_energy_value {
    ln_value_kind kind;
    bool boolean;
    double number;
    const char *text; /* strings; NUL-terminated */
} ln_energy_value;

ln_energy_value ln_energy_number(double number);
ln_energy_value ln_energy_string(const char *text);
ln_energy_value ln_energy_bool(bool value);
ln_energy_value ln_energy_none(void);

/* The value as a number (bools are 0/1); false for strings and None. */
bool ln_energy_value_number(const ln_energy_value *value, double *number);

/* The value as Python would print it ("64", "0.5", "True", "45nm"), in `arena`. */
const char *ln_energy_value_text(ln_arena *arena, const ln_energy_value *value);

/* Names visible to an expression: this scope's bindings (a later binding of
 * the same name shadows an earlier one), then the parent's. */
typedef struct ln_energy_binding {
    const char *name;
    ln_energy_value value;
} ln_energy_binding;

typedef struct ln_energy_scope {
    const ln_energy_binding *bindings;
    uint32_t count;
    const struct ln_energy_scope *parent;
} ln_energy_scope;

/* The binding of `name` in the scope chain, or NULL. */
const ln_energy_binding *ln_energy_scope_find(const ln_energy_scope *scope, const char *name);

typedef enum ln_expression_status {
    LN_EXPRESSION_OK = 0,
    LN_EXPRESSION_SYNTAX,       /* does not parse */
    LN_EXPRESSION_UNKNOWN_NAME, /* a name no scope binds, or an unknown function */
    LN_EXPRESSION_DOMAIN,       /* division by zero, log of 0, a type mismatch, ... */
    LN_EXPRESSION_LIMIT,        /* too long or too deeply nested */
} ln_expression_status;

typedef struct ln_expression_failure {
    ln_expression_status status;
    size_t offset;      /* in the text, of what failed */
    char message[256];
    const char *hint;   /* static text; may be NULL */
    char name[64];      /* LN_EXPRESSION_UNKNOWN_NAME: the name */
} ln_expression_failure;

/* Evaluates `text`. String results live in `arena`. */
ln_expression_status ln_expression_evaluate(const char *text, const ln_energy_scope *scope, ln_arena *arena,
                                            ln_energy_value *value, ln_expression_failure *failure);

/* Reports `failure` as a located error: at `expression`'s location moved to
 * the failing offset, prefixed with `context` ("attribute 'depth' of class
 * 'regfile'"). An unknown name gets the closest bound name as a hint. */
void ln_expression_report(ln_diagnostics *diagnostics, const ln_expression *expression,
                          const ln_expression_failure *failure, const ln_energy_scope *scope,
                          const char *context);

/* The candidate closest to `name` when it is close enough to be a typo
 * (edit distance 1, or 2 for names longer than 4), else NULL. */
const char *ln_expression_closest_name(const char *name, const char *const *candidates, size_t count);

/* The location of byte `offset` of an expression's text. */
ln_source_location ln_expression_location_at(const ln_expression *expression, size_t offset);

#endif
