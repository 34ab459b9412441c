/* Output files are all-or-nothing: a failure leaves no partial file and no
 * temporary behind, and a commit replaces the old file in one step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/output_file.h"

typedef struct ln_scratch {
    char directory[64];
} ln_scratch;

static int ln_scratch_setup(void **state)
{
    ln_scratch *scratch = calloc(1, sizeof *scratch);
    snprintf(scratch->directory, sizeof scratch->directory, "/tmp/ln-output-test-XXXXXX");
    if (!mkdtemp(scratch->directory)) {
        free(scratch);
        return -1;
    }
    *state = scratch;
    return 0;
}

/* Removes what the tests create: files and directories two levels deep. */
static void ln_remove_tree(const char *path)
{
    DIR *directory = opendir(path);
    if (directory) {
        struct dirent *entry;
        while ((entry = readdir(directory)) != NULL) {
            if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                continue;
            char child[512];
            snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
            chmod(child, 0700);
            ln_remove_tree(child);
        }
        closedir(directory);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int ln_scratch_teardown(void **state)
{
    ln_scratch *scratch = *state;
    chmod(scratch->directory, 0700);
    ln_remove_tree(scratch->directory);
    free(scratch);
    return 0;
}

static int ln_count_entries(const char *path)
{
    DIR *directory = opendir(path);
    assert_non_null(directory);
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(directory)) != NULL)
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0)
            count++;
    closedir(directory);
    return count;
}

static void ln_write_text(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs(text, file);
    fclose(file);
}

static void ln_assert_file_text(const char *path, const char *expected)
{
    char buffer[256] = {0};
    FILE *file = fopen(path, "r");
    assert_non_null(file);
    size_t length = fread(buffer, 1, sizeof buffer - 1, file);
    fclose(file);
    buffer[length] = '\0';
    assert_string_equal(buffer, expected);
}

static void test_missing_directory_reports_and_creates_nothing(void **state)
{
    ln_scratch *scratch = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/absent/report.txt", scratch->directory);

    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    ln_output_file file;
    assert_false(ln_output_file_open(&file, path, &diagnostics));
    assert_null(file.stream);
    assert_int_equal(diagnostics.error_count, 1);
    assert_non_null(strstr(diagnostics.items[0].message, path));
    assert_non_null(strstr(diagnostics.items[0].message, strerror(ENOENT)));
    ln_output_file_abort(&file); /* harmless after a failed open */
    assert_int_equal(ln_count_entries(scratch->directory), 0);
    ln_diagnostics_release(&diagnostics);
}

static void test_unwritable_directory_reports_and_creates_nothing(void **state)
{
    ln_scratch *scratch = *state;
    char directory[256], path[300];
    snprintf(directory, sizeof directory, "%s/locked", scratch->directory);
    assert_int_equal(mkdir(directory, 0500), 0);
    if (access(directory, W_OK) == 0) {
        /* Privileged users write anywhere; nothing to observe. */
        skip();
    }
    snprintf(path, sizeof path, "%s/report.txt", directory);

    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    ln_output_file file;
    assert_false(ln_output_file_open(&file, path, &diagnostics));
    assert_int_equal(diagnostics.error_count, 1);
    assert_non_null(strstr(diagnostics.items[0].message, path));
    assert_non_null(strstr(diagnostics.items[0].message, strerror(EACCES)));
    assert_int_equal(ln_count_entries(directory), 0);
    ln_diagnostics_release(&diagnostics);
}

/* Observable even for privileged users, who can write into any directory. */
static void test_parent_that_is_a_file_reports(void **state)
{
    ln_scratch *scratch = *state;
    char parent[256], path[300];
    snprintf(parent, sizeof parent, "%s/plain", scratch->directory);
    ln_write_text(parent, "");
    snprintf(path, sizeof path, "%s/report.txt", parent);

    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    ln_output_file file;
    assert_false(ln_output_file_open(&file, path, &diagnostics));
    assert_int_equal(diagnostics.error_count, 1);
    assert_non_null(strstr(diagnostics.items[0].message, path));
    assert_non_null(strstr(diagnostics.items[0].message, strerror(ENOTDIR)));
    assert_int_equal(ln_count_entries(scratch->directory), 1);
    ln_diagnostics_release(&diagnostics);
}

static void test_commit_replaces_existing_file_whole(void **state)
{
    ln_scratch *scratch = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/report.txt", scratch->directory);
    ln_write_text(path, "old contents\n");

    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    ln_output_file file;
    assert_true(ln_output_file_open(&file, path, &diagnostics));
    fputs("new contents\n", file.stream);
    fflush(file.stream);
    /* Until the commit, readers still see the old file; the new text sits
     * in a temporary next to it. */
    ln_assert_file_text(path, "old contents\n");
    assert_int_equal(ln_count_entries(scratch->directory), 2);

    assert_true(ln_output_file_commit(&file, &diagnostics));
    assert_null(file.stream);
    ln_assert_file_text(path, "new contents\n");
    assert_int_equal(ln_count_entries(scratch->directory), 1);
    assert_int_equal(diagnostics.count, 0);
    ln_diagnostics_release(&diagnostics);
}

static void test_abort_keeps_existing_file(void **state)
{
    ln_scratch *scratch = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/report.txt", scratch->directory);
    ln_write_text(path, "kept\n");

    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    ln_output_file file;
    assert_true(ln_output_file_open(&file, path, &diagnostics));
    fputs("partial", file.stream);
    ln_output_file_abort(&file);
    ln_assert_file_text(path, "kept\n");
    assert_int_equal(ln_count_entries(scratch->directory), 1);
    ln_diagnostics_release(&diagnostics);
}

static bool ln_failing_writer(FILE *out, const void *context)
{
    (void)context;
    fputs("half a report", out);
    return false;
}

static bool ln_greeting_writer(FILE *out, const void *context)
{
    return fputs((const char *)context, out) >= 0;
}

static void test_failed_writer_leaves_no_partial_file(void **state)
{
    ln_scratch *scratch = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/report.txt", scratch->directory);

    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    assert_false(ln_output_file_write(path, ln_failing_writer, NULL, &diagnostics));
    assert_int_equal(diagnostics.error_count, 1);
    assert_non_null(strstr(diagnostics.items[0].message, path));
    assert_int_equal(ln_count_entries(scratch->directory), 0);

    assert_true(ln_output_file_write(path, ln_greeting_writer, "hello\n", &diagnostics));
    ln_assert_file_text(path, "hello\n");
    assert_int_equal(ln_count_entries(scratch->directory), 1);
    ln_diagnostics_release(&diagnostics);
}

static void test_failed_rename_removes_temporary(void **state)
{
    ln_scratch *scratch = *state;
    char path[256];
    /* A directory in the way makes the final rename fail. */
    snprintf(path, sizeof path, "%s/in-the-way", scratch->directory);
    assert_int_equal(mkdir(path, 0700), 0);

    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    ln_output_file file;
    assert_true(ln_output_file_open(&file, path, &diagnostics));
    fputs("text", file.stream);
    assert_false(ln_output_file_commit(&file, &diagnostics));
    assert_int_equal(diagnostics.error_count, 1);
    assert_non_null(strstr(diagnostics.items[0].message, path));
    assert_int_equal(ln_count_entries(scratch->directory), 1);
    ln_diagnostics_release(&diagnostics);
}

static void test_new_file_gets_ordinary_permissions(void **state)
{
    ln_scratch *scratch = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/report.txt", scratch->directory);
    mode_t mask = umask(022);

    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    assert_true(ln_output_file_write(path, ln_greeting_writer, "x", &diagnostics));
    struct stat status;
    assert_int_equal(stat(path, &status), 0);
    assert_int_equal(status.st_mode & 0777, 0644);
    umask(mask);
    ln_diagnostics_release(&diagnostics);
}

static void test_directory_create_makes_parents(void **state)
{
    ln_scratch *scratch = *state;
    char path[256], file_path[256], blocked[300];
    snprintf(path, sizeof path, "%s/a/b//c/", scratch->directory);

    ln_diagnostics diagnostics;
    ln_diagnostics_init(&diagnostics);
    assert_true(ln_output_directory_create(path, &diagnostics));
    struct stat status;
    assert_int_equal(stat(path, &status), 0);
    assert_true(S_ISDIR(status.st_mode));
    /* Already there: fine. */
    assert_true(ln_output_directory_create(path, &diagnostics));
    assert_int_equal(diagnostics.count, 0);

    /* A file where a directory should be. */
    snprintf(file_path, sizeof file_path, "%s/plain", scratch->directory);
    ln_write_text(file_path, "");
    snprintf(blocked, sizeof blocked, "%s/sub", file_path);
    assert_false(ln_output_directory_create(blocked, &diagnostics));
    assert_int_equal(diagnostics.error_count, 1);
    assert_non_null(strstr(diagnostics.items[0].message, file_path));
    ln_diagnostics_release(&diagnostics);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_missing_directory_reports_and_creates_nothing, ln_scratch_setup,
                                        ln_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_directory_reports_and_creates_nothing, ln_scratch_setup,
                                        ln_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_parent_that_is_a_file_reports, ln_scratch_setup, ln_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_commit_replaces_existing_file_whole, ln_scratch_setup,
                                        ln_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_abort_keeps_existing_file, ln_scratch_setup, ln_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_failed_writer_leaves_no_partial_file, ln_scratch_setup,
                                        ln_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_failed_rename_removes_temporary, ln_scratch_setup, ln_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_new_file_gets_ordinary_permissions, ln_scratch_setup,
                                        ln_scratch_teardown),
        cmocka_unit_test_setup_teardown(test_directory_create_makes_parents, ln_scratch_setup, ln_scratch_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
