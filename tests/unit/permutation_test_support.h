/* The brute forces of the mapper's tests walk every loop order with this
 * (written independently of runtime/, so a bug there cannot hide itself). */
#ifndef LOOPNEST_TESTS_PERMUTATION_TEST_SUPPORT_H
#define LOOPNEST_TESTS_PERMUTATION_TEST_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>

/* The next order of `items` in lexicographic order; false (and back to the
 * first order, as std::next_permutation does) after the last one. */
static inline bool next_permutation(uint8_t *items, uint32_t length)
{
    if (length < 2)
        return false;
    uint32_t i = length - 1;
    while (i > 0 && items[i - 1] >= items[i])
        i--;
    if (i == 0) {
        for (uint32_t a = 0, b = length - 1; a < b; a++, b--) {
            uint8_t t = items[a];
            items[a] = items[b];
            items[b] = t;
        }
        return false;
    }
    uint32_t j = length - 1;
    while (items[j] <= items[i - 1])
        j--;
    uint8_t t = items[i - 1];
    items[i - 1] = items[j];
    items[j] = t;
    for (uint32_t a = i, b = length - 1; a < b; a++, b--) {
        t = items[a];
        items[a] = items[b];
        items[b] = t;
    }
    return true;
}

#endif
