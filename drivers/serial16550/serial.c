/* drivers/serial16550/serial.c — the 16550 UART driver for COM1 (docs/drivers.md).
 *
 * Holds ports 0x3f8-0x3ff and IRQ 4 and serves the serial interface
 * (serial.idl): virtual consoles told apart by badge, interrupt-driven
 * receive and transmit through the UART's FIFOs and a transmit ring here.
 * Each output line of a console is prefixed "[conN] ", except on the
 * console named by the argument "plain N" (1..SERIAL_CONSOLES): the
 * system's main terminal (a Linux tty), whose bytes must reach the
 * terminal exactly as written.
 * Being issued COM1 made the kernel stop using the UART: its log and every
 * program's SYS_DEBUG_WRITE go into a ring that this driver drains
 * (kumiki_console_read) and prints, whenever the kernel signals the badged
 * copy of the IRQ notification it was given. */
#include "driver_loop.h"
#include "serial_driver_caps.h"
#include "serial_server.h"

#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

enum {
    UART = SERIAL_DRIVER_PORT_FIRST_COM1,
    DATA = 0,          /* receive / transmit holding register */
    IER = 1,           /* interrupt enable */
    FCR = 2,           /* FIFO control (write) */
    IIR = 2,           /* interrupt identification (read) */
    LCR = 3,           /* line control */
    MCR = 4,           /* modem control */
    LSR = 5,           /* line status */
    IER_RX = 0x01,     /* received data available */
    IER_TX = 0x02,     /* transmit holding register empty */
    FCR_ENABLE = 0xc1, /* FIFOs on (not cleared: input may be waiting), trigger at 14 */
    MCR_OUT2 = 0x0b,   /* DTR, RTS and OUT2, which routes the UART's interrupt to the PIC */
    IIR_NONE = 0x01,   /* no interrupt pending */
    LSR_DATA = 0x01,
    LSR_THR_EMPTY = 0x20,
    TX_FIFO = 16,
    TX_RING = 8192,
    RX_QUEUE = 512,
    CTRL_A = 0x01,
    CONSOLE_BIT = 16,       /* the bit the kernel's console signals set */
    CONSOLE_NOTE_SLOT = 40, /* the badged copy of the notification given to the kernel */
    DEPTH = 64,
    SPIN_LIMIT = 1000000,
    SERVICE_ROUNDS = 64,
};

struct console {
    bool plain; /* "plain N": output passes unprefixed */
    bool line_start;
    bool stopped;
    unsigned rx_head, rx_count;
    uint8_t rx[RX_QUEUE];
};

static struct console consoles[SERIAL_CONSOLES + 1]; /* by badge; 0 unused */
static uint8_t tx[TX_RING];
static unsigned tx_head, tx_count;
static unsigned focus = 1;
static bool after_ctrl_a;
static bool tx_irq_on;
static unsigned stop_after, stops;
static volatile bool stopping;

static uint8_t in(unsigned reg)
{
    uint64_t value = 0;
    kumiki_ioport_in8(SERIAL_DRIVER_CAP_COM1, UART + reg, &value);
    return (uint8_t)value;
}

static void out(unsigned reg, uint8_t value)
{
    kumiki_ioport_out8(SERIAL_DRIVER_CAP_COM1, UART + reg, value);
}

/* Moves up to one FIFO's worth from the ring to the UART when it is empty. */
static void transmit(void)
{
    if (tx_count && (in(LSR)&LSR_THR_EMPTY))
        for (unsigned n = 0; n < TX_FIFO && tx_count; n++) {
            out(DATA, tx[tx_head]);
            tx_head = (tx_head + 1) % TX_RING;
            tx_count--;
        }
    bool want = tx_count != 0;
    if (want != tx_irq_on) {
        tx_irq_on = want;
        out(IER, IER_RX | (want ? IER_TX : 0));
    }
}

/* A full ring waits for the UART (the one place the driver polls). */
static void put(uint8_t c)
{
    for (unsigned spin = 0; tx_count == TX_RING && spin < SPIN_LIMIT; spin++)
        transmit();
    if (tx_count == TX_RING)
        return;
    tx[(tx_head + tx_count) % TX_RING] = c;
    tx_count++;
}

static void put_text(const char *s)
{
    while (*s)
        put((uint8_t)*s++);
}

static void flush(void)
{
    for (unsigned spin = 0; (tx_count || !(in(LSR)&LSR_THR_EMPTY)) && spin < SPIN_LIMIT; spin++)
        transmit();
}

/* The kernel's console text: printed as it is, without a prefix. */
static void drain_kernel_console(void)
{
    uint8_t buf[256];
    uint64_t count = 0;
    do {
        count = 0;
        if (kumiki_console_read(buf, sizeof(buf), 0, &count, NULL) != KE_OK)
            return;
        for (uint64_t i = 0; i < count; i++)
            put(buf[i]);
    } while (count == sizeof(buf));
}

static void deliver(uint8_t c)
{
    if (after_ctrl_a) {
        after_ctrl_a = false;
        if (c >= '1' && c < '1' + SERIAL_CONSOLES) {
            focus = (unsigned)(c - '0');
            return;
        }
    } else if (c == CTRL_A) {
        after_ctrl_a = true;
        return;
    }
    struct console *con = &consoles[focus];
    if (con->rx_count < RX_QUEUE) {
        con->rx[(con->rx_head + con->rx_count) % RX_QUEUE] = c;
        con->rx_count++;
    }
}

/* Serves the UART until it has no interrupt pending, so that its line is
 * low when the line is acknowledged.  ISA lines are edge-triggered at the
 * PIC: a line that stayed high through the handler (data that came while
 * THR-empty was pending, or the other way round) would never interrupt
 * again, and input would wait forever in the FIFO.  (Reading IIR also
 * clears a THR-empty interrupt; transmit() refills or disables it.) */
static void service_uart(void)
{
    for (unsigned round = 0; round < SERVICE_ROUNDS && !(in(IIR)&IIR_NONE); round++) {
        while (in(LSR)&LSR_DATA)
            deliver(in(DATA));
        transmit();
    }
}

static void on_event(void *ctx, uint64_t word)
{
    (void)ctx;
    if (word & (1ull << SERIAL_DRIVER_IRQ_LINE_UART)) {
        service_uart();
        kumiki_irq_handler_ack(SERIAL_DRIVER_CAP_UART);
    }
    drain_kernel_console(); /* CONSOLE_BIT, or text that came meanwhile */
    transmit();
}

static struct console *console_of(kidl_badge_t badge)
{
    return badge >= 1 && badge <= SERIAL_CONSOLES ? &consoles[badge] : NULL;
}

static int write_handler(void *ctx, kidl_badge_t badge, const uint8_t *data, size_t data_len)
{
    (void)ctx;
    struct console *con = console_of(badge);
    if (!con)
        return SERIAL_ERR_BAD_CONSOLE;
    drain_kernel_console(); /* keep the order of what was printed before */
    for (size_t i = 0; i < data_len; i++) {
        if (con->line_start && !con->plain) {
            char prefix[12];
            usnprintf(prefix, sizeof(prefix), "[con%u] ", (unsigned)badge);
            put_text(prefix);
        }
        put(data[i]);
        con->line_start = data[i] == '\n';
    }
    transmit();
    return 0;
}

static int read_handler(void *ctx, kidl_badge_t badge, uint8_t *data, size_t *data_len)
{
    (void)ctx;
    struct console *con = console_of(badge);
    *data_len = 0;
    if (!con)
        return SERIAL_ERR_BAD_CONSOLE;
    /* Clients poll: a flood that outlasted on_event's rounds left the
     * line high (no more edges); serving the UART here lowers it again. */
    service_uart();
    while (con->rx_count && *data_len < SERIAL_CHUNK) {
        data[(*data_len)++] = con->rx[con->rx_head];
        con->rx_head = (con->rx_head + 1) % RX_QUEUE;
        con->rx_count--;
    }
    return 0;
}

static int stop_handler(void *ctx, kidl_badge_t badge)
{
    (void)ctx;
    struct console *con = console_of(badge);
    if (!stop_after)
        return SERIAL_ERR_REFUSED;
    if (!con)
        return SERIAL_ERR_BAD_CONSOLE;
    if (!con->stopped) {
        con->stopped = true;
        if (++stops == stop_after)
            stopping = true;
    }
    return 0;
}

static const struct serial_handlers handlers = {
    .write = write_handler,
    .read = read_handler,
    .stop = stop_handler,
};
static const struct serial_server server = { &handlers, NULL };

static bool starts_with(const char *s, const char *prefix)
{
    while (*prefix && *s == *prefix) {
        s++;
        prefix++;
    }
    return !*prefix;
}

/* The N of "WORD N" in args (a word starts args or follows a space): 0 when
 * args do not have the word, -1 when N is not one digit 1..9. */
static int parse_digit_after(const char *args, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = args; *p; p++)
        if ((p == args || p[-1] == ' ') && starts_with(p, word))
            return p[n] >= '1' && p[n] <= '9' && (p[n + 1] == '\0' || p[n + 1] == ' ') ? p[n] - '0' : -1;
    return 0;
}

int main(const char *args)
{
    /* "stoppable N": N consoles' stop() end the driver.  "plain N": console
     * N's output is not prefixed.  (A complaint goes to the kernel's
     * console ring, which the kernel prints itself at the halt.) */
    int stoppable = parse_digit_after(args, "stoppable ");
    int plain = parse_digit_after(args, "plain ");
    if (stoppable < 0 || plain < 0 || plain > SERIAL_CONSOLES) {
        uprintf("serial: bad arguments '%s': expected 'stoppable N' (N 1..9) and 'plain N' (N 1..%u)\n", args,
                (unsigned)SERIAL_CONSOLES);
        return 1;
    }
    stop_after = (unsigned)stoppable;
    for (unsigned i = 0; i <= SERIAL_CONSOLES; i++)
        consoles[i].line_start = true;
    if (plain)
        consoles[plain].plain = true;
    /* 115200 8N1 as the kernel left it; FIFOs on, interrupts through OUT2. */
    out(IER, 0);
    out(LCR, 0x80);
    out(DATA, 0x01);
    out(IER, 0);
    out(LCR, 0x03);
    out(FCR, FCR_ENABLE);
    out(MCR, MCR_OUT2);
    out(IER, IER_RX);
    /* The kernel signals this copy, badged CONSOLE_BIT, when its ring has text. */
    uint64_t e = kumiki_cnode_mint(KUMIKI_PROGRAM_CAP_CNODE, CONSOLE_NOTE_SLOT, DEPTH,
                                   KUMIKI_PROGRAM_CAP_CNODE, SERIAL_DRIVER_CAP_UART_NOTIFICATION, DEPTH,
                                   KUMIKI_RIGHT_WRITE, 1ull << CONSOLE_BIT);
    uint64_t count = 0;
    uint8_t buf[256];
    if (e == KE_OK)
        e = kumiki_console_read(buf, sizeof(buf), CONSOLE_NOTE_SLOT, &count, NULL);
    for (uint64_t i = 0; i < count; i++)
        put(buf[i]);
    if (e != KE_OK) {
        put_text("serial: the kernel console cannot be taken over\n");
        flush();
        return 1;
    }
    drain_kernel_console();
    transmit();
    struct driver_loop loop = {
        .endpoint = SERIAL_DRIVER_CAP_CONSOLE,
        .notification = SERIAL_DRIVER_CAP_UART_NOTIFICATION,
        .dispatch = serial_dispatch_any,
        .server = &server,
        .on_event = on_event,
        .stop = &stopping,
    };
    e = driver_loop_run(&loop);
    drain_kernel_console();
    flush();
    out(IER, 0);
    return e == KE_OK ? 0 : 1;
}
