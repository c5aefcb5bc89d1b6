/* tests/kernel/boot_objects.c — boot 1: untyped memory, CNodes, CSpaces. */
#include "groups.h"

int main(const char *argument)
{
    (void)argument;
    static const struct ktest *const groups[] = { untyped_tests, cnode_tests, cspace_tests, NULL };
    return ktest_main(groups);
}
