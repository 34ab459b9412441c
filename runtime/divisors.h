/* The divisors of a loop bound: the factors a perfect factorization can
 * give one tiling level. The mapspace, the optimal search and the traffic
 * bound all walk them in ascending order. */
#ifndef LOOPNEST_RUNTIME_DIVISORS_H
#define LOOPNEST_RUNTIME_DIVISORS_H

#include <stdint.h>

/* The most divisors a 32-bit number has (2,248,776,129 = 3 x 5 x 7 x ...
 * has 1344). */
enum { LN_MAX_DIVISORS = 1344 };

/* The divisors of `n` (n >= 1), ascending, into `divisors` (room for
 * LN_MAX_DIVISORS); returns their count. */
uint32_t ln_divisors_ascending(uint32_t n, uint32_t *divisors);

/* The index of `value` among `count` ascending divisors (binary search;
 * `count` when it is not one of them but larger than all). */
uint32_t ln_divisor_index(const uint32_t *divisors, uint32_t count, uint32_t value);

#endif
