/* Accelergy's output files from an energy estimate: NAME.ERT.yaml,
 * NAME.ART.yaml, NAME.ERT_summary.yaml and NAME.ART_summary.yaml, in the
 * layout Accelergy 0.4 writes and Timeloop reads. Each ERT/ART entry is
 * preceded by a comment naming the model or table that produced it; the
 * summaries list the estimator of every contributing primitive. */
#ifndef LOOPNEST_BACKEND_ACCELERGY_TABLES_H
#define LOOPNEST_BACKEND_ACCELERGY_TABLES_H

#include <stdbool.h>
#include <stdio.h>

#include "ir/energy_estimate.h"

bool ln_write_ert(FILE *out, const ln_energy_estimate *estimate);
bool ln_write_art(FILE *out, const ln_energy_estimate *estimate);
bool ln_write_ert_summary(FILE *out, const ln_energy_estimate *estimate);
bool ln_write_art_summary(FILE *out, const ln_energy_estimate *estimate);

/* A number as Accelergy prints it: rounded to 6 decimals with at least one
 * ("512.0", "0.42564"); values below 0.001 keep 6 significant digits. */
void ln_format_accelergy_number(char *buffer, size_t size, double value);

#endif
