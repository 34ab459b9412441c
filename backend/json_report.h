/* The machine-readable report: every figure of timeloop-model.stats.txt
 * (per level, per tensor, networks, operational intensity, summary) at full
 * precision, plus the loop nest and, for a failed evaluation, the failures.
 * The schema is documented in docs/json-report.md; keys always appear in
 * the same order. */
#ifndef LOOPNEST_BACKEND_JSON_REPORT_H
#define LOOPNEST_BACKEND_JSON_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "ir/evaluation.h"
#include "ir/spec.h"

enum { LN_JSON_REPORT_FORMAT_VERSION = 1 };

/* Returns false when writing to `out` failed. */
bool ln_write_json_report(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation);

#endif
