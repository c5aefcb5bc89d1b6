/* rt_client: calls the server on its endpoint (slot `ep=`) `calls=` times,
 * checks each answer (word + 1, and the badge it expects, `badge=`), then
 * asks the server to stop if `stop=1`.  Exits 0 when every answer was right. */
#include "rt_args.h"
#include <kumiki/ipc.h>

int main(const char *cmdline)
{
    kumiki_cptr_t ep = rt_arg(cmdline, "ep", 8);
    uint64_t calls = rt_arg(cmdline, "calls", 3), badge = rt_arg(cmdline, "badge", 0);
    for (uint64_t i = 0; i < calls; i++) {
        struct kumiki_msg m = { .label = 1, .length = 1, .words = { 100 + i } };
        uint64_t e = kumiki_call(ep, &m);
        if (e || m.words[0] != 101 + i || m.words[1] != badge) {
            uprintf("# rt_client: call %lu: %s, answer %lu badge 0x%lx\n", i, kumiki_error_name(e),
                    m.words[0], m.words[1]);
            return 1;
        }
    }
    if (rt_arg(cmdline, "stop", 0)) {
        struct kumiki_msg m = { .label = 2, .length = 1 };
        if (kumiki_call(ep, &m))
            return 2;
    }
    uprintf("# rt_client: %lu calls answered\n", calls);
    return 0;
}
