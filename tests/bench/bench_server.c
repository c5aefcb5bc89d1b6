/* bench_server: the other address space of the IPC benchmarks.  Waits on
 * the endpoint it was given (slot KUMIKI_PROGRAM_CAP_FIRST_FREE) and
 * answers every Call: with an empty message ("fast": registers only, the
 * kernel's fast path) or with ten words ("slow": through the IPC buffers). */
#include <kumiki/ipc.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

int main(const char *cmdline)
{
    kumiki_cptr_t ep = KUMIKI_PROGRAM_CAP_FIRST_FREE;
    if (has_argument(cmdline, "slow")) {
        struct kumiki_msg msg;
        kumiki_recv(ep, &msg);
        for (;;) {
            msg.length = 10;
            msg.extra_caps = 0;
            kumiki_reply_recv(ep, &msg);
        }
    }
    uint64_t mr[4] = { 0 }, badge, info;
    struct kumiki_msg first;
    kumiki_recv(ep, &first);
    for (;;)
        kumiki_reply_recv_fast(ep, kumiki_msginfo(0, 0, 0), mr, &badge, &info);
}
