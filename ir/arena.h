/* Bump allocator for everything that lives as long as a spec.
 *
 * A spec (problem, architecture, mapping, tables, source text) is built once
 * and freed at once, so individual frees would only add bookkeeping. */
#ifndef LOOPNEST_IR_ARENA_H
#define LOOPNEST_IR_ARENA_H

#include <stddef.h>

typedef struct ln_arena_block ln_arena_block;

typedef struct ln_arena {
    ln_arena_block *head;
    size_t bytes_allocated;
} ln_arena;

void ln_arena_init(ln_arena *arena);
void ln_arena_release(ln_arena *arena);

/* Returns zeroed memory aligned for any object; aborts the process on
 * out-of-memory because no caller can recover a half-built spec. */
void *ln_arena_alloc(ln_arena *arena, size_t size);
void *ln_arena_alloc_array(ln_arena *arena, size_t count, size_t element_size);
char *ln_arena_strdup(ln_arena *arena, const char *text);
char *ln_arena_strndup(ln_arena *arena, const char *text, size_t length);
/* printf-style formatting into arena memory. */
char *ln_arena_printf(ln_arena *arena, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#endif
