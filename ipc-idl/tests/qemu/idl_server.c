/* ipc-idl/tests/qemu/idl_server.c — the generated probe server, spawned by
 * idl_client.c, serving on the endpoint in slot KUMIKI_PROGRAM_CAP_FIRST_FREE. */
#include "probe_server.h"

#include <kidl_kumiki.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/program.h>

enum { RECEIVE_SLOT = 100 };

static int six_scalars(void *ctx, kidl_badge_t badge, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                       uint64_t e, uint64_t f, uint64_t *sum)
{
    (void)ctx;
    (void)badge;
    *sum = a + b + c + d + e + f;
    return 0;
}

static int buffer_256(void *ctx, kidl_badge_t badge, const uint8_t *data, size_t data_len, uint32_t *checksum)
{
    (void)ctx;
    (void)badge;
    uint32_t total = 0;
    for (size_t i = 0; i < data_len; i++)
        total += data[i];
    *checksum = total;
    return 0;
}

static int hand_over(void *ctx, kidl_badge_t badge, kidl_cptr_t notification)
{
    (void)ctx;
    (void)badge;
    uint64_t e = kumiki_signal(notification);
    kumiki_cnode_delete(KUMIKI_PROGRAM_CAP_CNODE, notification, 64); /* the slot is free for the next */
    return e ? 1 : 0;
}

static const struct probe_handlers handlers = {
    .six_scalars = six_scalars,
    .buffer_256 = buffer_256,
    .hand_over = hand_over,
};
static const struct probe_server server = { &handlers, NULL };

int main(const char *cmdline)
{
    (void)cmdline;
    kidl_kumiki_receive_into(RECEIVE_SLOT, 1);
    kidl_serve(KUMIKI_PROGRAM_CAP_FIRST_FREE, probe_dispatch_any, &server);
    return 1;
}
