/* general_protection: a non-canonical address gives #GP, not #PF. */
#include <kumiki/user.h>

int main(const char *cmdline)
{
    (void)cmdline;
    uprintf("# reading a non-canonical address\n");
    int *volatile target = (int *)0x0000800000000000ull;
    return *target;
}
