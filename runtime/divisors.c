#include "runtime/divisors.h"

uint32_t ln_divisors_ascending(uint32_t n, uint32_t *divisors)
{
    /* The small ones ascending from the front, their partners n / i
     * descending from the back of the same run. */
    uint32_t count = 0;
    for (uint64_t i = 1; i * i <= n; i++)
        if (n % i == 0)
            count += i * i == n ? 1 : 2;
    uint32_t low = 0, high = count;
    for (uint64_t i = 1; i * i <= n; i++)
        if (n % i == 0) {
            divisors[low++] = (uint32_t)i;
            if (i * i != n)
                divisors[--high] = (uint32_t)(n / i);
        }
    return count;
}

uint32_t ln_divisor_index(const uint32_t *divisors, uint32_t count, uint32_t value)
{
    uint32_t low = 0, high = count;
    while (low < high) {
        uint32_t middle = (low + high) / 2;
        if (divisors[middle] < value)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}
