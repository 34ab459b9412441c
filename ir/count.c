#include "ir/count.h"

char *ln_count_format(ln_count value, char *buffer)
{
    char digits[LN_COUNT_TEXT_SIZE];
    size_t length = 0;
    do {
        digits[length++] = (char)('0' + (int)(value % 10));
        value /= 10;
    } while (value);
    for (size_t i = 0; i < length; i++)
        buffer[i] = digits[length - 1 - i];
    buffer[length] = '\0';
    return buffer;
}

bool ln_count_multiply(ln_count a, ln_count b, ln_count *product)
{
    if (a != 0 && b > LN_COUNT_MAX / a)
        return false;
    *product = a * b;
    return true;
}

double ln_count_to_double(ln_count value)
{
    return (double)(uint64_t)(value >> 64) * 18446744073709551616.0 + (double)(uint64_t)value;
}
