#include <stdio.h>

int main(void)
{
    puts("loopnest: under construction");
    return 0;
}
