/* tests/kernel/programs/kt_peer.c — the other side of the cross-address-
 * space IPC tests (process.c), spawned with one of these arguments:
 *
 *   call   Call the supervisor (label 0x42, ten words 7*i), check its reply
 *          (label 0x43, words 7*i + 1), exit 0 (or the step that failed)
 *   fault  write to address 0x10: a VM fault for the supervisor
 *   grant  Recv on slot 8 (put there by the supervisor) taking one
 *          capability into slot 9, Signal it, exit 0 */
#include <kumiki/ipc.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

enum { GRANT_ENDPOINT = KUMIKI_PROGRAM_CAP_FIRST_FREE, GRANT_RECEIVED };

static int call(void)
{
    struct kumiki_msg m = { .label = 0x42, .length = 10 };
    for (unsigned i = 0; i < 10; i++)
        m.words[i] = 7 * i;
    if (kumiki_call(KUMIKI_PROGRAM_CAP_SUPERVISOR, &m) != KE_OK)
        return 10;
    if (m.label != 0x43 || m.length != 10)
        return 11;
    for (unsigned i = 0; i < 10; i++)
        if (m.words[i] != 7 * i + 1)
            return 12;
    return 0;
}

static int grant(void)
{
    kumiki_set_receive_slots(0, GRANT_RECEIVED, 0, 1);
    struct kumiki_msg m = { 0 };
    if (kumiki_recv(GRANT_ENDPOINT, &m) != KE_OK)
        return 20;
    if (m.extra_caps != 1 || kumiki_cap_type(GRANT_RECEIVED) != KUMIKI_OBJ_NOTIFICATION)
        return 21;
    if (kumiki_signal(GRANT_RECEIVED) != KE_OK)
        return 22;
    return 0;
}

int main(const char *args)
{
    if (has_argument(args, "call"))
        return call();
    if (has_argument(args, "grant"))
        return grant();
    if (has_argument(args, "fault")) {
        volatile uintptr_t address = 0x10; /* a variable: the compiler must not see through it */
        *(volatile uint64_t *)address = 1;
    }
    return 99;
}
