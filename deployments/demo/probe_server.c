/* deployments/demo/probe_server.c — the server component of the demo
 * deployment: serves the probe interface (ipc-idl/tests/qemu/probe.idl) on
 * the endpoint its deployment gives it, and reads the log page it shares
 * (read-only) with the client when asked to stop. */
#include "probe_server.h"
#include "probe_server_caps.h"

#include <kidl_kumiki.h>
#include <kumiki/ipc.h>
#include <kumiki/user.h>

static volatile bool stopping;
static unsigned calls;

static int six_scalars(void *ctx, kidl_badge_t badge, uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                       uint64_t e, uint64_t f, uint64_t *sum)
{
    (void)ctx;
    calls++;
    uprintf("server: six_scalars from badge 0x%lx\n", (unsigned long)badge);
    *sum = a + b + c + d + e + f;
    return 0;
}

static int buffer_256(void *ctx, kidl_badge_t badge, const uint8_t *data, size_t data_len, uint32_t *checksum)
{
    (void)ctx;
    (void)badge;
    calls++;
    uint32_t total = 0;
    for (size_t i = 0; i < data_len; i++)
        total += data[i];
    *checksum = total;
    return 0;
}

static int stop(void *ctx, kidl_badge_t badge)
{
    (void)ctx;
    (void)badge;
    const volatile char *log = (const volatile char *)PROBE_SERVER_VADDR_LOG;
    char text[80];
    unsigned n = 0;
    while (n < sizeof(text) - 1 && log[n])
        text[n] = log[n], n++;
    text[n] = '\0';
    uprintf("server: %u calls served; the shared log says: %s\n", calls, text);
    stopping = true;
    return 0;
}

static const struct probe_handlers handlers = {
    .six_scalars = six_scalars,
    .buffer_256 = buffer_256,
    .stop = stop,
};
static const struct probe_server server = { &handlers, NULL };

int main(const char *args)
{
    (void)args;
    kidl_serve_until(PROBE_SERVER_CAP_SVC, probe_dispatch_any, &server, &stopping);
    return 0;
}
