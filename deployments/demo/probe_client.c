/* deployments/demo/probe_client.c — the client component of the demo
 * deployment: calls the probe server through its declared connection,
 * reads the CMOS clock through the only I/O ports it was given, takes three
 * RTC periodic interrupts (IRQ 8) through its IRQ handler and notification,
 * writes a line into the page it shares with the server, and asks the
 * server to stop. */
#include "probe_client.h"
#include "probe_client_caps.h"

#include <kidl_kumiki.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/user.h>

enum { RTC_SECONDS = 0x00, RTC_A = 0x0a, RTC_B = 0x0b, RTC_C = 0x0c, RTC_B_PERIODIC = 0x40, INTERRUPTS = 3 };

static uint64_t cmos_read(uint64_t reg)
{
    uint64_t value = 0;
    kumiki_ioport_out8(PROBE_CLIENT_CAP_CMOS, PROBE_CLIENT_PORT_FIRST_CMOS, reg);
    kumiki_ioport_in8(PROBE_CLIENT_CAP_CMOS, PROBE_CLIENT_PORT_LAST_CMOS, &value);
    return value;
}

static void cmos_write(uint64_t reg, uint64_t value)
{
    kumiki_ioport_out8(PROBE_CLIENT_CAP_CMOS, PROBE_CLIENT_PORT_FIRST_CMOS, reg);
    kumiki_ioport_out8(PROBE_CLIENT_CAP_CMOS, PROBE_CLIENT_PORT_LAST_CMOS, value);
}

/* Three periodic RTC interrupts, each acknowledged at the RTC (register
 * C) and at the kernel (IRQ handler ACK). */
static unsigned take_rtc_interrupts(void)
{
    unsigned taken = 0;
    cmos_write(RTC_A, (cmos_read(RTC_A) & 0xf0) | 0x0f); /* 2 Hz: slowest rate */
    cmos_write(RTC_B, cmos_read(RTC_B) | RTC_B_PERIODIC);
    cmos_read(RTC_C);
    for (; taken < INTERRUPTS; taken++) {
        uint64_t word = 0;
        if (kumiki_wait(PROBE_CLIENT_CAP_RTC_NOTIFICATION, &word) ||
            !(word & (1u << PROBE_CLIENT_IRQ_LINE_RTC)))
            break;
        cmos_read(RTC_C);
        kumiki_irq_handler_ack(PROBE_CLIENT_CAP_RTC);
    }
    cmos_write(RTC_B, cmos_read(RTC_B) & ~(uint64_t)RTC_B_PERIODIC);
    return taken;
}

int main(const char *args)
{
    uint64_t sum = 0;
    int e = probe_six_scalars(PROBE_CLIENT_CAP_SRV, 1, 2, 3, 4, 5, 6, &sum);
    uprintf("client: six_scalars -> %d, sum %lu\n", e, (unsigned long)sum);
    if (e || sum != 21)
        return 1;

    uint64_t seconds = cmos_read(RTC_SECONDS);
    uprintf("client: the CMOS clock says second 0x%lx\n", (unsigned long)seconds);
    /* A port outside the range it was given: refused. */
    uint64_t ignored;
    uint64_t refused = kumiki_ioport_in8(PROBE_CLIENT_CAP_CMOS, 0x80, &ignored);
    uprintf("client: port 0x80 -> %s\n", kumiki_error_name(refused));
    if (refused != KE_RANGE)
        return 2;

    unsigned taken = take_rtc_interrupts();
    uprintf("client: %u RTC interrupts through IRQ %d\n", taken, PROBE_CLIENT_IRQ_LINE_RTC);
    if (taken != INTERRUPTS)
        return 3;

    char *log = (char *)PROBE_CLIENT_VADDR_LOG;
    usnprintf(log, PROBE_CLIENT_SIZE_LOG, "client (args '%s') took %u interrupts", args, taken);
    e = probe_stop(PROBE_CLIENT_CAP_SRV);
    uprintf("client: stop -> %d\n", e);
    return e ? 4 : 0;
}
