/* Shared by the fuzz targets. Each input is written to a file of the kind
 * the target reads (the readers take paths, as users give them) and loaded
 * through the entry point the command line uses. */
#ifndef LOOPNEST_TESTS_FUZZ_SUPPORT_H
#define LOOPNEST_TESTS_FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "frontend/nest_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* This process's scratch folder, created on first use. */
static inline const char *fuzz_folder(void)
{
    static char folder[256];
    if (!folder[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(folder, sizeof folder, "%s/loopnest-fuzz-%ld", base && *base ? base : "/tmp", (long)getpid());
        mkdir(folder, 0700);
    }
    return folder;
}

/* Writes the input to `name` in the scratch folder (a subfolder when the
 * name has one, created here) and returns the file's path. */
static inline const char *fuzz_write_input(const uint8_t *data, size_t size, const char *subfolder, const char *name)
{
    static char path[512];
    if (subfolder) {
        snprintf(path, sizeof path, "%s/%s", fuzz_folder(), subfolder);
        mkdir(path, 0700);
        snprintf(path, sizeof path, "%s/%s/%s", fuzz_folder(), subfolder, name);
    } else {
        snprintf(path, sizeof path, "%s/%s", fuzz_folder(), name);
    }
    FILE *file = fopen(path, "wb");
    if (!file)
        abort();
    if (size && fwrite(data, 1, size, file) != size)
        abort();
    fclose(file);
    return path;
}

/* Loads `path` as the command line does (an initialized `spec` and
 * `diagnostics` the caller releases); true when it loaded without errors. */
static inline bool fuzz_load_spec(const char *path, ln_spec *spec, ln_diagnostics *diagnostics,
                                  const char *include_directory)
{
    ln_spec_init(spec);
    ln_diagnostics_init(diagnostics);
    const char *const directories[] = {include_directory};
    ln_nest_options options = {directories, include_directory ? 1 : 0};
    return ln_load_spec(spec, diagnostics, &path, 1, &options) && diagnostics->error_count == 0;
}

#endif
