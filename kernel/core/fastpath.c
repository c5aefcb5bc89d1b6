/* kernel/core/fastpath.c — placeholder until the fast path lands: both
 * functions decline, and the general path handles every Call. */
#include <kernel/fastpath.h>

void fastpath_call(struct tcb *caller)
{
    (void)caller;
}

void fastpath_reply_recv(struct tcb *server)
{
    (void)server;
}
