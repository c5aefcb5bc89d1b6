/* kernel/core/console.c — see console.h. */
#include <arch/arch.h>
#include <kernel/console.h>
#include <kernel/ipc.h>

enum { RING_SIZE = 16384 };

static char ring[RING_SIZE];
static uint64_t written, read_out; /* byte counters: ring[i % RING_SIZE] */
static uint64_t dropped;
static bool handed_over, text_arrived;
static struct notification *reader;
static uint64_t reader_badge;

static void uart_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            arch_serial_putc('\r');
        arch_serial_putc(s[i]);
    }
}

void console_write(const char *s, size_t len)
{
    if (!handed_over) {
        uart_write(s, len);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        if (written - read_out == RING_SIZE)
            dropped++; /* a full ring keeps the oldest text: the start of a story matters */
        else
            ring[written++ % RING_SIZE] = s[i];
    }
    text_arrived = true;
}

void console_hand_over(void)
{
    handed_over = true;
}

size_t console_read(char *dst, size_t len, uint64_t *lost)
{
    size_t n = 0;
    while (n < len && read_out < written)
        dst[n++] = ring[read_out++ % RING_SIZE];
    *lost = dropped;
    dropped = 0;
    return n;
}

void console_set_reader(struct notification *n, uint64_t badge)
{
    reader = n;
    reader_badge = badge;
    text_arrived = read_out < written;
}

void console_notification_gone(const struct notification *n)
{
    if (reader == n)
        reader = NULL;
}

void console_signal_reader(void)
{
    if (text_arrived && reader) {
        text_arrived = false;
        notification_signal(reader, reader_badge);
    }
}

void console_take_back(void)
{
    if (!handed_over)
        return;
    handed_over = false;
    while (read_out < written) {
        char c = ring[read_out++ % RING_SIZE];
        uart_write(&c, 1);
    }
}
