/* UTF-8 as the writers check it: JSON and SVG text must be valid UTF-8,
 * and a stray byte in a name taken from an input file must not make a
 * report unreadable. */
#ifndef LOOPNEST_BACKEND_UTF8_H
#define LOOPNEST_BACKEND_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the valid multi-byte UTF-8 sequence at `text` (reading at most
 * `available` bytes; a NUL-terminated string may pass SIZE_MAX, since a NUL
 * ends any sequence), with its code point in *code; 0 when the bytes there
 * are not one (overlong forms, surrogates, beyond U+10FFFF). */
size_t ln_utf8_sequence_length(const unsigned char *text, size_t available, uint32_t *code);

#endif
