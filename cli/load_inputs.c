/* Reading the input files every command takes: .nest and YAML, merged. */
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "frontend/nest_spec.h"

enum { LN_MAX_INCLUDE_DIRECTORIES = 32 };

bool ln_cli_load_inputs(ln_spec *spec, ln_diagnostics *diagnostics, const char *const *paths, size_t count)
{
    /* An included file is looked for next to the file including it, then
     * in the directories of $LOOPNEST_PATH (colon-separated), then in
     * $LOOPNEST_STDLIB when set, then in the stdlib of this build. */
    const char *directories[LN_MAX_INCLUDE_DIRECTORIES];
    size_t directory_count = 0;
    char *search_path = NULL;
    const char *environment = getenv("LOOPNEST_PATH");
    if (environment && *environment) {
        search_path = strdup(environment);
        char *saved = NULL;
        for (char *directory = search_path ? strtok_r(search_path, ":", &saved) : NULL;
             directory && directory_count < LN_MAX_INCLUDE_DIRECTORIES - 2;
             directory = strtok_r(NULL, ":", &saved))
            directories[directory_count++] = directory;
    }
    const char *stdlib = getenv("LOOPNEST_STDLIB");
    if (stdlib && *stdlib)
        directories[directory_count++] = stdlib;
    if (!stdlib || strcmp(stdlib, LOOPNEST_STDLIB_DIR) != 0)
        directories[directory_count++] = LOOPNEST_STDLIB_DIR;
    ln_nest_options options = {directories, directory_count};
    bool ok = ln_load_spec(spec, diagnostics, paths, count, &options) && diagnostics->error_count == 0;
    free(search_path);
    return ok;
}
