/* Counts of mappings. A mapspace easily holds more than 2^64 mappings (a
 * convolution on a deep hierarchy reaches 10^30), so its sizes and the ids
 * that index it are 128-bit integers, as in Timeloop. */
#ifndef LOOPNEST_IR_COUNT_H
#define LOOPNEST_IR_COUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

__extension__ typedef unsigned __int128 ln_count;

#define LN_COUNT_MAX (~(ln_count)0)

/* Decimal digits of a count; `buffer` needs LN_COUNT_TEXT_SIZE bytes.
 * Returns `buffer`. */
enum { LN_COUNT_TEXT_SIZE = 48 };
char *ln_count_format(ln_count value, char *buffer);

/* a * b, or false when the product does not fit in 128 bits. */
bool ln_count_multiply(ln_count a, ln_count b, ln_count *product);

/* a + b, or LN_COUNT_MAX when the sum does not fit. */
static inline ln_count ln_count_add_saturating(ln_count a, ln_count b)
{
    return a > LN_COUNT_MAX - b ? LN_COUNT_MAX : a + b;
}

double ln_count_to_double(ln_count value);

#endif
