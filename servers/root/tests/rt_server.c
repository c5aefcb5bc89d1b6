/* rt_server: answers calls on its endpoint (slot `ep=`): label 1 returns
 * the word plus one and the caller's badge; label 2 answers and exits 0. */
#include "rt_args.h"
#include <kumiki/ipc.h>

int main(const char *cmdline)
{
    kumiki_cptr_t ep = rt_arg(cmdline, "ep", 8);
    struct kumiki_msg m;
    uint64_t e = kumiki_recv(ep, &m);
    unsigned served = 0;
    while (e == KE_OK) {
        bool stop = m.label == 2;
        uint64_t badge = m.badge;
        m = (struct kumiki_msg){ .label = 0, .length = 2, .words = { m.words[0] + 1, badge } };
        served++;
        if (stop) {
            kumiki_reply(&m);
            uprintf("# rt_server: served %u calls, stopping\n", served);
            return 0;
        }
        e = kumiki_reply_recv(ep, &m);
    }
    uprintf("# rt_server: receive failed: %s\n", kumiki_error_name(e));
    return 1;
}
