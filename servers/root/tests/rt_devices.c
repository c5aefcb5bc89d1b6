/* rt_devices: checks the device-like capabilities the root task gave it.
 * Each check runs when its arguments are present:
 *   mmio=SLOT mmio_paddr=P mmio_va=V   the frame is at P and its page at V is
 *                                      readable and writable (VGA memory keeps a value)
 *   dma=SLOT dma_va=V dma_size=N       the first frame has an address; all N bytes writable
 *   shared_a=V shared_b=W              one region mapped twice: a write at V shows at W
 *   shared_write=V / shared_read=V     write a marker / expect the marker (another component)
 *   notification=SLOT                  a notification it can signal and poll
 *   irq=SLOT                           an IRQ handler that can be acknowledged
 * Exits 0 when every check passed. */
#include "rt_args.h"
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>

#define MARKER 0x5eed0000cafe0001ull

static unsigned failed;

static void check(bool ok, const char *what, uint64_t value)
{
    if (!ok) {
        failed++;
        uprintf("# rt_devices: FAILED: %s (0x%lx)\n", what, value);
    }
}

static void check_mmio(const char *cmdline)
{
    kumiki_cptr_t slot = rt_arg(cmdline, "mmio", 0);
    uint64_t paddr = 0, e = kumiki_frame_get_address(slot, &paddr);
    check(kumiki_cap_type(slot) == KUMIKI_OBJ_FRAME, "mmio slot holds a frame", kumiki_cap_type(slot));
    check(e == KE_OK && paddr == rt_arg(cmdline, "mmio_paddr", 1), "mmio frame address", paddr);
    volatile uint32_t *p = (volatile uint32_t *)rt_arg(cmdline, "mmio_va", 0);
    uint32_t old = p[0];
    p[0] = 0x12345678u;
    check(p[0] == 0x12345678u, "mmio write reads back", p[0]);
    p[0] = old;
}

static void check_dma(const char *cmdline)
{
    kumiki_cptr_t slot = rt_arg(cmdline, "dma", 0);
    uint64_t paddr = 0, e = kumiki_frame_get_address(slot, &paddr);
    check(e == KE_OK && paddr != 0 && (paddr & 0xfff) == 0, "dma frame address", paddr);
    volatile uint64_t *p = (volatile uint64_t *)rt_arg(cmdline, "dma_va", 0);
    uint64_t words = rt_arg(cmdline, "dma_size", 0) / 8;
    for (uint64_t i = 0; i < words; i++)
        p[i] = i ^ MARKER;
    for (uint64_t i = 0; i < words; i++)
        check(p[i] == (i ^ MARKER), "dma memory keeps what was written", i);
}

static void check_shared(const char *cmdline)
{
    volatile uint64_t *a = (volatile uint64_t *)rt_arg(cmdline, "shared_a", 0);
    volatile uint64_t *b = (volatile uint64_t *)rt_arg(cmdline, "shared_b", 0);
    if (a && b) {
        a[1] = MARKER + 1;
        check(b[1] == MARKER + 1, "a write to the shared region shows in its other mapping", b[1]);
    }
    volatile uint64_t *w = (volatile uint64_t *)rt_arg(cmdline, "shared_write", 0);
    if (w)
        w[0] = MARKER;
    volatile uint64_t *r = (volatile uint64_t *)rt_arg(cmdline, "shared_read", 0);
    if (r)
        check(r[0] == MARKER, "the marker another component wrote to the shared region", r[0]);
}

int main(const char *cmdline)
{
    if (rt_arg(cmdline, "mmio", 0))
        check_mmio(cmdline);
    if (rt_arg(cmdline, "dma", 0))
        check_dma(cmdline);
    check_shared(cmdline);
    kumiki_cptr_t n = rt_arg(cmdline, "notification", 0);
    if (n) {
        uint64_t word = 0;
        check(kumiki_cap_type(n) == KUMIKI_OBJ_NOTIFICATION, "notification slot holds one",
              kumiki_cap_type(n));
        check(kumiki_signal(n) == KE_OK && kumiki_poll(n, &word) == KE_OK, "signal and poll the notification",
              word);
    }
    kumiki_cptr_t irq = rt_arg(cmdline, "irq", 0);
    if (irq) {
        check(kumiki_cap_type(irq) == KUMIKI_OBJ_IRQ_HANDLER, "irq slot holds an IRQ handler",
              kumiki_cap_type(irq));
        check(kumiki_irq_handler_ack(irq) == KE_OK, "IRQ handler ACK", 0);
    }
    uprintf("# rt_devices: %s\n", failed ? "some checks failed" : "every check passed");
    return failed ? 1 : 0;
}
