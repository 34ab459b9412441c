/* timeloop-model.stats.txt: the per-level specs and stats, the networks,
 * operational intensity and the summary, in Timeloop's exact layout (dense
 * architectures), because users' scripts parse that text.
 *
 * One deliberate difference: the summary's "Area:" line carries the real
 * total area, where Timeloop prints 0.00.
 *
 * For a failed evaluation the report has what Timeloop prints for a
 * topology it could not evaluate: each level's SPECS, the summary's Area
 * line, followed by a "Failures" section listing why. */
#ifndef LOOPNEST_BACKEND_STATS_REPORT_H
#define LOOPNEST_BACKEND_STATS_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "ir/evaluation.h"
#include "ir/spec.h"

/* Returns false when writing to `out` failed. */
bool ln_write_stats_report(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation);

#endif
