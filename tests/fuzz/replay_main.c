/* The fuzz targets without libFuzzer: runs LLVMFuzzerTestOneInput on every
 * file given, or on every file of every folder given. The regression corpus
 * replays this way in every build (under ASan+UBSan in tests/run-all.sh). */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "cannot read %s\n", path);
        return 1;
    }
    size_t capacity = 4096, length = 0;
    uint8_t *data = malloc(capacity);
    size_t got;
    while (data && (got = fread(data + length, 1, capacity - length, file)) > 0) {
        length += got;
        if (length == capacity) {
            uint8_t *larger = realloc(data, capacity * 2);
            if (!larger) {
                free(data);
                data = NULL;
                break;
            }
            data = larger;
            capacity *= 2;
        }
    }
    fclose(file);
    if (!data)
        return 1;
    LLVMFuzzerTestOneInput(data, length);
    free(data);
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    int failures = 0;
    size_t replayed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat status;
        if (stat(argv[i], &status) != 0) {
            fprintf(stderr, "no such file or folder: %s\n", argv[i]);
            return 1;
        }
        if (!S_ISDIR(status.st_mode)) {
            failures += replay_file(argv[i]);
            replayed++;
            continue;
        }
        DIR *folder = opendir(argv[i]);
        if (!folder)
            return 1;
        char **names = NULL;
        size_t count = 0;
        struct dirent *entry;
        while ((entry = readdir(folder)) != NULL) {
            if (entry->d_name[0] == '.')
                continue;
            char **larger = realloc(names, (count + 1) * sizeof *names);
            if (!larger)
                return 1;
            names = larger;
            names[count++] = strdup(entry->d_name);
        }
        closedir(folder);
        qsort(names, count, sizeof *names, compare_names);
        for (size_t k = 0; k < count; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], names[k]);
            failures += replay_file(path);
            replayed++;
            free(names[k]);
        }
        free(names);
    }
    printf("replayed %zu inputs, %d unreadable\n", replayed, failures);
    return failures ? 1 : 0;
}
