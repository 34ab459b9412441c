#include "backend/output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum { LN_TEMP_NAME_ATTEMPTS = 100 };

static char *ln_copy_string(const char *text)
{
    size_t length = strlen(text);
    char *copy = malloc(length + 1);
    if (copy)
        memcpy(copy, text, length + 1);
    return copy;
}

static void ln_output_file_reset(ln_output_file *file)
{
    free(file->path);
    free(file->temp_path);
    file->stream = NULL;
    file->path = NULL;
    file->temp_path = NULL;
}

/* The temporary file is opened with O_CREAT|O_EXCL and mode 0666 rather
 * than with mkstemp: mkstemp creates mode 0600, and the report must end up
 * with the permissions any newly created file gets (the umask applies), as
 * Timeloop's ofstream output does. O_EXCL gives the same no-clobber
 * guarantee; the process id and a counter make the name unique. */
static int ln_create_temp_file(const char *path, char **temp_path_out)
{
    static atomic_uint ln_temp_counter;
    const char *slash = strrchr(path, '/');
    size_t directory_length = slash ? (size_t)(slash - path + 1) : 0;
    const char *base = path + directory_length;
    size_t capacity = strlen(path) + 64;
    char *temp_path = malloc(capacity);
    if (!temp_path) {
        errno = ENOMEM;
        return -1;
    }
    for (int attempt = 0; attempt < LN_TEMP_NAME_ATTEMPTS; attempt++) {
        unsigned counter = atomic_fetch_add(&ln_temp_counter, 1u);
        snprintf(temp_path, capacity, "%.*s.%s.%ld.%u.tmp", (int)directory_length, path, base,
                 (long)getpid(), counter);
        int fd = open(temp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *temp_path_out = temp_path;
            return fd;
        }
        if (errno != EEXIST)
            break;
    }
    int saved = errno;
    free(temp_path);
    errno = saved;
    return -1;
}

bool ln_output_file_open(ln_output_file *file, const char *path, ln_diagnostics *diagnostics)
{
    file->stream = NULL;
    file->path = NULL;
    file->temp_path = NULL;

    if (!path || !*path) {
        ln_error(diagnostics, ln_location_none(), NULL, "cannot write an output file with an empty path");
        return false;
    }
    file->path = ln_copy_string(path);
    if (!file->path) {
        ln_error(diagnostics, ln_location_none(), NULL, "cannot write '%s': %s", path, strerror(ENOMEM));
        return false;
    }
    int fd = ln_create_temp_file(path, &file->temp_path);
    if (fd < 0) {
        int saved = errno;
        ln_error(diagnostics, ln_location_none(), "check that the output directory exists and is writable",
                 "cannot write '%s': %s", path, strerror(saved));
        ln_output_file_reset(file);
        return false;
    }
    /* A replaced file keeps its permissions, as it would if it were
     * truncated and rewritten in place. */
    struct stat existing;
    if (stat(path, &existing) == 0 && S_ISREG(existing.st_mode))
        (void)fchmod(fd, existing.st_mode & 07777);

    file->stream = fdopen(fd, "w");
    if (!file->stream) {
        int saved = errno;
        close(fd);
        unlink(file->temp_path);
        ln_error(diagnostics, ln_location_none(), NULL, "cannot write '%s': %s", path, strerror(saved));
        ln_output_file_reset(file);
        return false;
    }
    return true;
}

bool ln_output_file_commit(ln_output_file *file, ln_diagnostics *diagnostics)
{
    if (!file->stream) {
        ln_error(diagnostics, ln_location_none(), NULL, "cannot write '%s': the file is not open",
                 file->path ? file->path : "(unnamed)");
        ln_output_file_reset(file);
        return false;
    }
    int failure = 0;
    /* ferror() first: a failed fwrite/fprintf earlier sets it without errno
     * surviving to here. */
    if (ferror(file->stream))
        failure = EIO;
    if (!failure && fflush(file->stream) != 0)
        failure = errno ? errno : EIO;
    /* Without the sync a crash right after rename could leave the new name
     * pointing at an empty file on some file systems. */
    if (!failure && fsync(fileno(file->stream)) != 0 && errno != EINVAL && errno != EROFS)
        failure = errno;
    if (fclose(file->stream) != 0 && !failure)
        failure = errno ? errno : EIO;
    file->stream = NULL;
    if (!failure && rename(file->temp_path, file->path) != 0)
        failure = errno;

    if (failure) {
        unlink(file->temp_path);
        ln_error(diagnostics, ln_location_none(), NULL, "cannot write '%s': %s", file->path,
                 strerror(failure));
        ln_output_file_reset(file);
        return false;
    }
    ln_output_file_reset(file);
    return true;
}

void ln_output_file_abort(ln_output_file *file)
{
    if (file->stream)
        fclose(file->stream);
    if (file->temp_path)
        unlink(file->temp_path);
    ln_output_file_reset(file);
}

bool ln_output_file_write(const char *path, ln_output_writer write, const void *context,
                          ln_diagnostics *diagnostics)
{
    ln_output_file file;
    if (!ln_output_file_open(&file, path, diagnostics))
        return false;
    if (!write(file.stream, context)) {
        int saved = errno;
        const char *reason = ferror(file.stream) && saved ? strerror(saved) : "the report could not be written";
        ln_error(diagnostics, ln_location_none(), NULL, "cannot write '%s': %s", path, reason);
        ln_output_file_abort(&file);
        return false;
    }
    return ln_output_file_commit(&file, diagnostics);
}

static bool ln_is_directory(const char *path)
{
    struct stat status;
    return stat(path, &status) == 0 && S_ISDIR(status.st_mode);
}

bool ln_output_directory_create(const char *path, ln_diagnostics *diagnostics)
{
    if (!path || !*path) {
        ln_error(diagnostics, ln_location_none(), NULL, "cannot create a directory with an empty path");
        return false;
    }
    char *partial = ln_copy_string(path);
    if (!partial) {
        ln_error(diagnostics, ln_location_none(), NULL, "cannot create directory '%s': %s", path,
                 strerror(ENOMEM));
        return false;
    }
    size_t length = strlen(partial);
    /* Each prefix ending before a '/' is a parent to create first; the
     * leading '/' of an absolute path is skipped. */
    for (size_t i = 1; i <= length; i++) {
        if (i < length && partial[i] != '/')
            continue;
        if (partial[i - 1] == '/')
            continue; /* "a//b" */
        char saved = partial[i];
        partial[i] = '\0';
        /* Existing parents are checked first: mkdir on an existing but
         * unwritable parent may fail with EACCES instead of EEXIST. */
        if (!ln_is_directory(partial) && mkdir(partial, 0777) != 0) {
            int error = errno;
            if (!(error == EEXIST && ln_is_directory(partial))) {
                if (error == EEXIST)
                    error = ENOTDIR;
                ln_error(diagnostics, ln_location_none(), NULL, "cannot create directory '%s': %s", partial,
                         strerror(error));
                free(partial);
                return false;
            }
        }
        partial[i] = saved;
    }
    free(partial);
    return true;
}
