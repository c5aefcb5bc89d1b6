/* drivers/common/driver_loop.c — see driver_loop.h. */
#include "driver_loop.h"

#include <kidl_kumiki.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/program.h>

static void accept_caps(const struct driver_loop *loop)
{
    if (loop->receive_count)
        kumiki_set_receive_slots(0, loop->receive_first, 64, loop->receive_count);
}

uint64_t driver_loop_run(const struct driver_loop *loop)
{
    uint64_t e = kumiki_tcb_bind_notification(KUMIKI_PROGRAM_CAP_TCB, loop->notification);
    if (e != KE_OK)
        return e;
    struct kidl_msg *msg = kidl_msg_buffer();
    struct kumiki_msg m;
    bool answer = false; /* the last message was a call: reply to it with the next receive */
    for (;;) {
        accept_caps(loop);
        if (answer)
            e = kumiki_reply_recv(loop->endpoint, &m);
        else
            e = kumiki_recv(loop->endpoint, &m);
        answer = false;
        if (e != KE_OK) /* a caller that went away */
            continue;
        if (m.label == KUMIKI_BOUND_NOTIFICATION_LABEL) {
            loop->on_event(loop->ctx, m.badge);
            continue;
        }
        kidl_kumiki_from_kernel(&m, loop->receive_first, msg);
        loop->dispatch(loop->server, m.badge, msg);
        kidl_kumiki_to_kernel(msg, &m);
        if (loop->stop && *loop->stop) {
            kumiki_reply(&m);
            return KE_OK;
        }
        answer = true;
    }
}
