/* timeloop-model.map.txt: the evaluated mapping as an indented loop nest,
 * one block per storage level from the outermost, with each kept tensor's
 * tile size and utilized capacity, in the layout of Timeloop's
 * Nest::PrettyPrint. */
#ifndef LOOPNEST_BACKEND_MAP_REPORT_H
#define LOOPNEST_BACKEND_MAP_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "ir/evaluation.h"
#include "ir/spec.h"

/* Returns false when writing to `out` failed. */
bool ln_write_map_report(FILE *out, const ln_spec *spec, const ln_evaluation *evaluation);

#endif
