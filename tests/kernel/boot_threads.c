/* tests/kernel/boot_threads.c — boot 2: TCBs, their FPU state, faults, scheduling. */
#include "groups.h"

int main(const char *argument)
{
    (void)argument;
    static const struct ktest *const groups[] = { tcb_tests, fpu_tests, fault_tests, sched_tests, NULL };
    return ktest_main(groups);
}
