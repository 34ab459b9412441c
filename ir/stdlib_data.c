#include "ir/stdlib_data.h"

#include <string.h>

const ln_stdlib_file *ln_stdlib_find(const char *path)
{
    size_t count;
    const ln_stdlib_file *files = ln_stdlib_files(&count);
    for (size_t i = 0; i < count; i++)
        if (strcmp(files[i].path, path) == 0)
            return &files[i];
    return NULL;
}
