#include "ir/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ln_arena_block {
    ln_arena_block *next;
    size_t capacity;
    size_t used;
    max_align_t payload[];
};

enum { LN_ARENA_DEFAULT_BLOCK = 64 * 1024 };

void ln_arena_init(ln_arena *arena)
{
    arena->head = NULL;
    arena->bytes_allocated = 0;
}

void ln_arena_release(ln_arena *arena)
{
    ln_arena_block *block = arena->head;
    while (block) {
        ln_arena_block *next = block->next;
        free(block);
        block = next;
    }
    arena->head = NULL;
    arena->bytes_allocated = 0;
}

static size_t round_up(size_t value, size_t alignment)
{
    return (value + alignment - 1) / alignment * alignment;
}

void *ln_arena_alloc(ln_arena *arena, size_t size)
{
    size_t alignment = _Alignof(max_align_t);
    size = round_up(size ? size : 1, alignment);
    ln_arena_block *block = arena->head;
    if (!block || block->capacity - block->used < size) {
        size_t capacity = size > LN_ARENA_DEFAULT_BLOCK ? size : LN_ARENA_DEFAULT_BLOCK;
        block = malloc(sizeof(ln_arena_block) + capacity);
        if (!block) {
            fputs("loopnest: error: out of memory\n", stderr);
            abort();
        }
        block->capacity = capacity;
        block->used = 0;
        block->next = arena->head;
        arena->head = block;
    }
    void *result = (char *)block->payload + block->used;
    block->used += size;
    arena->bytes_allocated += size;
    memset(result, 0, size);
    return result;
}

void *ln_arena_alloc_array(ln_arena *arena, size_t count, size_t element_size)
{
    if (element_size && count > SIZE_MAX / element_size) {
        fputs("loopnest: error: allocation size overflows\n", stderr);
        abort();
    }
    return ln_arena_alloc(arena, count * element_size);
}

char *ln_arena_strndup(ln_arena *arena, const char *text, size_t length)
{
    char *copy = ln_arena_alloc(arena, length + 1);
    memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

char *ln_arena_strdup(ln_arena *arena, const char *text)
{
    return text ? ln_arena_strndup(arena, text, strlen(text)) : NULL;
}

char *ln_arena_printf(ln_arena *arena, const char *format, ...)
{
    va_list arguments;
    va_start(arguments, format);
    char probe[1];
    int length = vsnprintf(probe, sizeof probe, format, arguments);
    va_end(arguments);
    if (length < 0)
        return ln_arena_strdup(arena, "");
    char *text = ln_arena_alloc(arena, (size_t)length + 1);
    va_start(arguments, format);
    vsnprintf(text, (size_t)length + 1, format, arguments);
    va_end(arguments);
    return text;
}
