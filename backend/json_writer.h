/* A small streaming JSON emitter: keys come out in the order they are
 * written (the reports' key order is part of their format), two-space
 * indentation, strings escaped and made valid UTF-8, doubles with 17
 * significant digits so they read back bit-exact, and non-finite doubles as
 * null because JSON has no spelling for them. */
#ifndef LOOPNEST_BACKEND_JSON_WRITER_H
#define LOOPNEST_BACKEND_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum { LN_JSON_MAX_DEPTH = 32 };

typedef struct ln_json_writer {
    FILE *out;
    uint32_t depth;
    /* Whether the container at each depth already has a member. */
    bool has_member[LN_JSON_MAX_DEPTH];
    /* A key was just written; the next value belongs to it. */
    bool after_key;
} ln_json_writer;

void ln_json_init(ln_json_writer *writer, FILE *out);

/* Containers. Inside an object, call ln_json_key before each value. */
void ln_json_begin_object(ln_json_writer *writer);
void ln_json_end_object(ln_json_writer *writer);
void ln_json_begin_array(ln_json_writer *writer);
void ln_json_end_array(ln_json_writer *writer);
void ln_json_key(ln_json_writer *writer, const char *key);

/* Values. A NULL string writes null. */
void ln_json_string(ln_json_writer *writer, const char *text);
void ln_json_string_n(ln_json_writer *writer, const char *text, size_t length);
/* One string value made of the concatenation of `count` parts. */
void ln_json_string_parts(ln_json_writer *writer, const char *const *parts, size_t count);
void ln_json_double(ln_json_writer *writer, double value);
void ln_json_uint(ln_json_writer *writer, uint64_t value);
void ln_json_int(ln_json_writer *writer, int64_t value);
void ln_json_bool(ln_json_writer *writer, bool value);
void ln_json_null(ln_json_writer *writer);

/* One "key": value member of an object. */
void ln_json_member_string(ln_json_writer *writer, const char *key, const char *value);
void ln_json_member_double(ln_json_writer *writer, const char *key, double value);
void ln_json_member_uint(ln_json_writer *writer, const char *key, uint64_t value);
void ln_json_member_int(ln_json_writer *writer, const char *key, int64_t value);
void ln_json_member_bool(ln_json_writer *writer, const char *key, bool value);
void ln_json_member_null(ln_json_writer *writer, const char *key);

/* Writes `text` as the body of a JSON string (no quotes). */
void ln_json_write_escaped(FILE *out, const char *text, size_t length);

#endif
