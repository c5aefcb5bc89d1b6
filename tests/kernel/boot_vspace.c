/* tests/kernel/boot_vspace.c — boot 4: address spaces. */
#include "groups.h"

int main(const char *argument)
{
    (void)argument;
    static const struct ktest *const groups[] = { vspace_tests, NULL };
    return ktest_main(groups);
}
