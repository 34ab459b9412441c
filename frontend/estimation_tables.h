/* Reading the user's energy/area tables (`--tables DIR`) into
 * ir/estimation_table.h: every *.csv file under DIR, in name order. */
#ifndef LOOPNEST_FRONTEND_ESTIMATION_TABLES_H
#define LOOPNEST_FRONTEND_ESTIMATION_TABLES_H

#include <stdbool.h>

#include "ir/arena.h"
#include "ir/diagnostic.h"
#include "ir/estimation_table.h"

/* Loads the tables under `directory` (subfolders included). A file without
 * a `class` column applies to the class it is named after (intadder.csv).
 * Returns false with located errors for unreadable or malformed files, or a
 * directory that does not exist. */
bool ln_load_estimation_tables(const char *directory, ln_arena *arena, ln_diagnostics *diagnostics,
                               ln_estimation_tables *tables);

#endif
