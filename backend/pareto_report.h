/* The energy-delay Pareto front of `loopnest search --pareto`:
 * NAME.pareto.json (every point with its cycles, energy and mapping in the
 * loop-nest language; the schema is in docs/json-report.md) and
 * NAME.pareto.svg (energy against cycles, the staircase of the front, the
 * best mapping by the search's metrics marked). */
#ifndef LOOPNEST_BACKEND_PARETO_REPORT_H
#define LOOPNEST_BACKEND_PARETO_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "ir/search_result.h"
#include "ir/spec.h"

enum { LN_PARETO_REPORT_FORMAT_VERSION = 1 };

bool ln_write_pareto_json(FILE *out, const ln_spec *spec, const ln_search_result *result);
bool ln_write_pareto_svg(FILE *out, const ln_spec *spec, const ln_search_result *result);

#endif
