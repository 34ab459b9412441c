/* NAME.search.json: how a search went. The settings and seed it ran with,
 * Timeloop's sub-space sizes (as decimal strings: they exceed 2^64), the
 * candidates visited, evaluated, valid and rejected by reason, level and
 * tensor, why it stopped, and every improvement of the best with its time.
 * The schema is in docs/json-report.md. */
#ifndef LOOPNEST_BACKEND_SEARCH_REPORT_H
#define LOOPNEST_BACKEND_SEARCH_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "ir/evaluation.h"
#include "ir/search_result.h"
#include "ir/spec.h"

enum { LN_SEARCH_REPORT_FORMAT_VERSION = 1 };

/* `best` is the evaluation of result->best (NULL when none was found). */
bool ln_write_search_report(FILE *out, const ln_spec *spec, const ln_search_result *result,
                            const ln_evaluation *best);

/* One rejection entry: reason, storage level (-1: none) and tensor (-1:
 * none), with its count; sorted by count, most frequent first. */
typedef struct ln_rejection_entry {
    ln_rejection_reason reason;
    int32_t level;
    int32_t tensor;
    uint64_t count;
} ln_rejection_entry;

/* Fills up to `capacity` entries; returns how many there are in all. */
size_t ln_rejection_entries(const ln_rejection_tally *tally, ln_rejection_entry *entries, size_t capacity);

/* A sentence for an entry ("GlobalBuffer overflowed (Inputs the largest
 * tile)"), with the first amounts seen there when known. */
void ln_describe_rejection(const ln_spec *spec, const ln_rejection_tally *tally, const ln_rejection_entry *entry,
                           char *text, size_t size);

#endif
