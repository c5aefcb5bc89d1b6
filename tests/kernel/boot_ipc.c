/* tests/kernel/boot_ipc.c — boot 3: endpoints, notifications, IPC across
 * address spaces (module 2: programs/kt_peer.c). */
#include "groups.h"

int main(const char *argument)
{
    (void)argument;
    static const struct ktest *const groups[] = { ipc_tests, notification_tests, process_tests, NULL };
    return ktest_main(groups);
}
