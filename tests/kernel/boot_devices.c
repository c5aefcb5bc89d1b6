/* tests/kernel/boot_devices.c — boot 5: I/O ports, interrupts, and a
 * component's isolation (module 2: programs/kt_probe.c). */
#include "groups.h"

int main(const char *argument)
{
    (void)argument;
    static const struct ktest *const groups[] = { ioport_tests, irq_tests, isolation_tests, NULL };
    return ktest_main(groups);
}
