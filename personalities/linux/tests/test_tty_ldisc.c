/* personalities/linux/tests/test_tty_ldisc.c — the console's line
 * discipline (tty_ldisc.c) against Linux's own, n_tty, as the oracle.
 *
 * Each scenario is a termios setting and a list of steps: bytes typed,
 * bytes a program writes, reads of the program (non-blocking, with a
 * size).  It runs twice: through tty_ldisc, and on a pseudo-terminal of
 * the host (typed bytes written to the master, the program's side the
 * slave, the echo and output read back from the master), and the two
 * transcripts must be equal.  The host pty gets the scenario's termios
 * with the kernel's TCSETS, the very struct the personality hands out.
 * Then checks the oracle cannot make: the signal each signal character
 * asks for, and the buffer limits.
 *
 * The pty side is asynchronous (a kernel worker runs n_tty); each step
 * waits until the master has been quiet for QUIET_MS. */
#define _GNU_SOURCE
#include "../linux_abi.h"
#include "../tty_ldisc.h"
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

enum { QUIET_MS = 40, TRANSCRIPT_MAX = 16384 };

struct step {
    /* 't' typed, 'w' the program writes, 'r' the program reads up to n,
     * 's' flags change, 'c' control character n becomes bytes[0] */
    char kind;
    const char *bytes;
    size_t n;              /* 'r': read size; 't'/'w': length (0: strlen(bytes)) */
    uint32_t clear, set;   /* 's': lflag bits */
    uint32_t iclear, iset; /* 's': iflag bits */
    uint32_t oclear, oset; /* 's': oflag bits */
};

struct scenario {
    const char *name;
    struct step steps[12];
};

#define TYPE(s)                   \
    {                             \
        .kind = 't', .bytes = (s) \
    }
#define WRITE(s)                  \
    {                             \
        .kind = 'w', .bytes = (s) \
    }
#define READ(size)               \
    {                            \
        .kind = 'r', .n = (size) \
    }
#define LFLAGS(c, s)                          \
    {                                         \
        .kind = 's', .clear = (c), .set = (s) \
    }
#define IFLAGS(c, s)                            \
    {                                           \
        .kind = 's', .iclear = (c), .iset = (s) \
    }
#define OFLAGS(c, s)                            \
    {                                           \
        .kind = 's', .oclear = (c), .oset = (s) \
    }
#define CC(index, value)                            \
    {                                               \
        .kind = 'c', .n = (index), .bytes = (value) \
    }

static const struct scenario scenarios[] = {
    { "line", { TYPE("abc"), READ(100), TYPE("\r"), READ(100), READ(100) } },
    { "erase",
      { TYPE("abx\x7f"
             "c\r"),
        READ(100) } },
    { "erase past the start",
      { TYPE("\x7f\x7f"
             "a\x7f\x7f"
             "b\r"),
        READ(100) } },
    { "backspace is data", { TYPE("ab\bc\r"), READ(100) } },
    { "kill",
      { TYPE("hello\x15"
             "bye\r"),
        READ(100) } },
    { "word erase",
      { TYPE("foo bar  \x17"
             "baz\r"),
        READ(100),
        TYPE("a_b1-c\x17\x17"
             "d\r"),
        READ(100) } },
    { "eof", { TYPE("\x04"), READ(100), READ(100), TYPE("abc\x04"), READ(100), READ(100) } },
    { "eof between lines", { TYPE("one\r\x04two\r"), READ(100), READ(100), READ(100), READ(100) } },
    { "short reads", { TYPE("abcdef\rgh\r"), READ(2), READ(2), READ(2), READ(2), READ(2), READ(2) } },
    { "no echo", { LFLAGS(LX_ECHO, 0), TYPE("secret\x7fT\r"), READ(100) } },
    { "echonl", { LFLAGS(LX_ECHO, LX_ECHONL), TYPE("x\r"), READ(100) } },
    { "raw", { LFLAGS(LX_ICANON, 0), TYPE("ab"), READ(100), TYPE("\x7f\x04\r"), READ(100), READ(1) } },
    { "raw, no signals", { LFLAGS(LX_ICANON | LX_ISIG, 0), TYPE("a\x03\x1c\x1a"), READ(100) } },
    { "interrupt flushes", { TYPE("one\rtwo"), TYPE("\x03"), READ(100), TYPE("x\r"), READ(100) } },
    { "noflsh", { LFLAGS(0, LX_NOFLSH), TYPE("one\rtwo"), TYPE("\x1c"), READ(100), TYPE("x\r"), READ(100) } },
    { "control chars",
      { TYPE("a\x01\x7f"
             "b\x02\r"),
        READ(100) } },
    { "no echoctl",
      { LFLAGS(LX_ECHOCTL, 0),
        TYPE("a\x01\x7f"
             "b\x02\r"),
        READ(100) } },
    { "tab erase",
      { WRITE("xyz"),
        TYPE("ab\t\x7f"
             "c\t\t\x7f\x7f"
             "d\r"),
        READ(100) } },
    { "tab erase after a tab",
      { TYPE("a\tbc\x7f\x7f\x7f"
             "d\r"),
        READ(100) } },
    { "kill without echoke",
      { LFLAGS(LX_ECHOKE, 0),
        TYPE("abc\x15"
             "d\r"),
        READ(100) } },
    { "kill without echok",
      { LFLAGS(LX_ECHOKE | LX_ECHOK, 0),
        TYPE("abc\x15"
             "d\r"),
        READ(100) } },
    { "erase without echoe",
      { LFLAGS(LX_ECHOE, 0),
        TYPE("abc\x7f\x7f"
             "d\r"),
        READ(100) } },
    { "literal next",
      { TYPE("a\x16\x03"
             "b\x16\x7f\x16\r\r"),
        READ(100) } },
    { "reprint",
      { TYPE("abc\x12"
             "d\r"),
        READ(100) } },
    { "no iexten", { LFLAGS(LX_IEXTEN, 0), TYPE("ab\x17\x16\x12\r"), READ(100) } },
    { "no icrnl", { IFLAGS(LX_ICRNL, 0), TYPE("ab\r"), READ(100), TYPE("\n"), READ(100) } },
    { "inlcr", { IFLAGS(0, LX_INLCR), TYPE("ab\n"), READ(100), TYPE("\r"), READ(100) } },
    { "igncr", { IFLAGS(0, LX_IGNCR), TYPE("ab\rc\n"), READ(100) } },
    { "istrip", { IFLAGS(0, LX_ISTRIP), TYPE("\xe9\xc1\r"), READ(100) } },
    { "utf-8 erase",
      { IFLAGS(0, LX_IUTF8),
        TYPE("a\xc3\xa9\x7f"
             "b\xe2\x82\xac\x7f\r"),
        READ(100) } },
    { "bytes erase", { TYPE("a\xc3\xa9\x7f\r"), READ(100) } },
    { "to raw keeps the line", { TYPE("one\rtwo"), LFLAGS(LX_ICANON, 0), READ(100), READ(100) } },
    { "eof marks go in raw mode",
      { TYPE("\x04"
             "a\x04"),
        LFLAGS(LX_ICANON, 0), READ(100), READ(100) } },
    { "to canonical makes a line",
      { LFLAGS(LX_ICANON, 0), TYPE("abc"), LFLAGS(0, LX_ICANON), READ(2), READ(100), READ(100) } },
    { "output", { WRITE("a\nb\r\tc\bd\n") } },
    { "output without opost", { OFLAGS(LX_OPOST, 0), WRITE("a\nb\n") } },
    { "ocrnl onocr onlret", { OFLAGS(LX_ONLCR, LX_OCRNL | LX_ONOCR | LX_ONLRET), WRITE("\rab\r\ncd\n\r") } },
    { "tab3", { OFLAGS(0, LX_TAB3), WRITE("a\tbc\t\n\t") } },
    { "nul is data", { TYPE("ab"), { .kind = 't', .bytes = "\0c\r", .n = 3 }, READ(100), READ(100) } },
    { "exact read before a ^D",
      { TYPE("abc\x04"), READ(3), READ(100), TYPE("de\x04"), READ(1), READ(1), READ(1) } },
    { "eol and eol2",
      { CC(LX_VEOL, "@"), CC(LX_VEOL2, "#"), TYPE("ab@cd#ef\r"), READ(100), READ(100), READ(100) } },
    { "erase is ^H",
      { CC(LX_VERASE, "\b"),
        TYPE("abx\b\x7f"
             "c\r"),
        READ(100) } },
    { "disabled interrupt",
      { CC(LX_VINTR, ""),
        TYPE("a\x03"
             "b\r"),
        READ(100) } },
    { "raw min 0 reads nothing", { LFLAGS(LX_ICANON, 0), CC(LX_VMIN, ""), READ(100), TYPE("q"), READ(100) } },
    { "raw min 3 non-blocking",
      { LFLAGS(LX_ICANON, 0), CC(LX_VMIN, "\3"), READ(100), TYPE("q"), READ(100) } },
    { "raw time non-blocking",
      { LFLAGS(LX_ICANON, 0), CC(LX_VMIN, ""), CC(LX_VTIME, "\5"), READ(100), TYPE("q"), READ(100) } },
    { "echo after output",
      { WRITE("prompt> "),
        TYPE("\t\x7f"
             "x\x15"),
        TYPE("y\r"), READ(100) } },
};

/* ---- transcripts ------------------------------------------------------------- */

struct transcript {
    char text[TRANSCRIPT_MAX];
    size_t len;
};

static void add(struct transcript *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n < sizeof(t->text)) {
        memcpy(t->text + t->len, s, n + 1);
        t->len += n;
    }
}

static void add_bytes(struct transcript *t, const char *label, const uint8_t *data, size_t len)
{
    if (!len)
        return;
    add(t, label);
    for (size_t i = 0; i < len; i++) {
        char c[8];
        if (data[i] >= 0x20 && data[i] < 0x7f && data[i] != '\\')
            snprintf(c, sizeof(c), "%c", data[i]);
        else
            snprintf(c, sizeof(c), "\\x%02x", data[i]);
        add(t, c);
    }
    add(t, "] ");
}

static size_t step_len(const struct step *s)
{
    return s->n ? s->n : strlen(s->bytes);
}

static void apply_flags(struct lx_termios *tm, const struct step *s)
{
    if (s->kind == 'c') {
        tm->cc[s->n] = (uint8_t)s->bytes[0];
        return;
    }
    tm->lflag = (tm->lflag & ~s->clear) | s->set;
    tm->iflag = (tm->iflag & ~s->iclear) | s->iset;
    tm->oflag = (tm->oflag & ~s->oclear) | s->oset;
}

/* ---- the personality's side -------------------------------------------------- */

struct capture {
    uint8_t data[TRANSCRIPT_MAX];
    size_t len;
};

static void capture_write(void *ctx, const uint8_t *data, size_t len)
{
    struct capture *c = ctx;
    if (c->len + len <= sizeof(c->data)) {
        memcpy(c->data + c->len, data, len);
        c->len += len;
    }
}

static struct tty_ldisc ld;

static void run_ldisc(const struct scenario *sc, struct transcript *t)
{
    ldisc_init(&ld);
    for (const struct step *s = sc->steps; s->kind; s++) {
        struct capture out = { .len = 0 };
        struct tty_emitter em = { capture_write, &out };
        if (s->kind == 't') {
            for (size_t i = 0; i < step_len(s); i++)
                ldisc_receive(&ld, (uint8_t)s->bytes[i], &em);
        } else if (s->kind == 'w') {
            ldisc_output(&ld, (const uint8_t *)s->bytes, step_len(s), &em);
        } else if (s->kind == 's' || s->kind == 'c') {
            struct lx_termios tm = ld.termios;
            apply_flags(&tm, s);
            ldisc_set_termios(&ld, &tm);
        } else if (s->kind == 'r') {
            uint64_t deadline;
            if (!ldisc_read_now(&ld, s->n, true, 0, 0, 0, &deadline)) {
                add(t, "read:EAGAIN ");
                continue;
            }
            const uint8_t *data;
            size_t take;
            size_t n = ldisc_peek(&ld, s->n, &data, &take);
            if (n)
                add_bytes(t, "read[", data, n);
            else
                add(t, "read:EOF "); /* a read of 0: ^D, or raw VMIN 0 */
            ldisc_consume(&ld, take);
        }
        add_bytes(t, "out[", out.data, out.len);
    }
}

/* ---- Linux's side ------------------------------------------------------------ */

static int master = -1, slave = -1;

/* Reads the master until it has been quiet for QUIET_MS. */
static void drain_master(struct transcript *t)
{
    uint8_t all[TRANSCRIPT_MAX];
    size_t len = 0;
    struct pollfd p = { .fd = master, .events = POLLIN };
    while (poll(&p, 1, QUIET_MS) > 0 && (p.revents & POLLIN)) {
        ssize_t n = read(master, all + len, sizeof(all) - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    add_bytes(t, "out[", all, len);
}

static bool open_pty(void)
{
    master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) || unlockpt(master)) {
        perror("posix_openpt");
        return false;
    }
    slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (slave < 0) {
        perror("open the pty slave");
        return false;
    }
    return true;
}

static void run_linux(const struct scenario *sc, struct transcript *t)
{
    struct lx_termios tm;
    ldisc_init(&ld);
    tm = ld.termios;
    /* A fresh state: the pty's termios as ours, no input, no output, the
     * column at 0. */
    CHECK(ioctl(slave, TCSETS, &tm) == 0);
    CHECK(ioctl(slave, TCFLSH, 2 /* TCIOFLUSH */) == 0);
    CHECK(write(slave, "\r", 1) == 1); /* n_tty's output column back to 0 */
    struct transcript junk = { .len = 0 };
    drain_master(&junk);
    for (const struct step *s = sc->steps; s->kind; s++) {
        if (s->kind == 't') {
            CHECK(write(master, s->bytes, step_len(s)) == (ssize_t)step_len(s));
        } else if (s->kind == 'w') {
            CHECK(write(slave, s->bytes, step_len(s)) == (ssize_t)step_len(s));
        } else if (s->kind == 's' || s->kind == 'c') {
            CHECK(ioctl(slave, TCGETS, &tm) == 0);
            apply_flags(&tm, s);
            CHECK(ioctl(slave, TCSETS, &tm) == 0);
        } else if (s->kind == 'r') {
            uint8_t buf[4096];
            usleep(QUIET_MS * 1000); /* n_tty's worker has the typed bytes */
            ssize_t n = read(slave, buf, s->n);
            if (n < 0 && errno == EAGAIN)
                add(t, "read:EAGAIN ");
            else if (n == 0)
                add(t, "read:EOF ");
            else if (n > 0)
                add_bytes(t, "read[", buf, (size_t)n);
            else
                add(t, "read:error ");
            continue;
        }
        drain_master(t);
    }
}

static void test_against_linux(void)
{
    if (!open_pty()) {
        CHECK(!"a pseudo-terminal for the oracle (posix_openpt)");
        return;
    }
    for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
        static struct transcript ours, linux_says;
        ours.len = linux_says.len = 0;
        ours.text[0] = linux_says.text[0] = 0;
        run_ldisc(&scenarios[i], &ours);
        run_linux(&scenarios[i], &linux_says);
        bool same = strcmp(ours.text, linux_says.text) == 0;
        if (!same)
            fprintf(stderr, "scenario '%s':\n  ours:  %s\n  Linux: %s\n", scenarios[i].name, ours.text,
                    linux_says.text);
        CHECK(same);
    }
    close(slave);
    close(master);
}

/* ---- what the oracle cannot show ----------------------------------------------- */

static int type(const char *s)
{
    int last = 0;
    for (; *s; s++) {
        int sig = ldisc_receive(&ld, (uint8_t)*s, NULL);
        if (sig)
            last = sig;
    }
    return last;
}

static void test_signals(void)
{
    ldisc_init(&ld);
    CHECK(type("\x03") == LX_SIGINT);
    CHECK(type("\x1c") == LX_SIGQUIT);
    CHECK(type("\x1a") == LX_SIGTSTP);
    CHECK(type("abc") == 0);
    struct lx_termios tm = ld.termios;
    tm.cc[LX_VINTR] = 0; /* disabled: ^C is data, and NUL is not ^C */
    ldisc_set_termios(&ld, &tm);
    CHECK(type("\x03") == 0);
    CHECK(ldisc_receive(&ld, 0, NULL) == 0);
    tm.lflag &= ~(uint32_t)LX_ISIG;
    tm.cc[LX_VINTR] = 3;
    ldisc_set_termios(&ld, &tm);
    CHECK(type("\x03\x1c\x1a") == 0);
    /* Raw mode with ISIG still signals. */
    ldisc_init(&ld);
    tm = ld.termios;
    tm.lflag &= ~(uint32_t)LX_ICANON;
    ldisc_set_termios(&ld, &tm);
    CHECK(type("x\x03") == LX_SIGINT);
    CHECK(ldisc_inq(&ld) == 0);
}

static void test_limits(void)
{
    /* Canonical: a line holds TTY_INPUT_MAX - 1 bytes; its end always fits. */
    ldisc_init(&ld);
    for (int i = 0; i < TTY_INPUT_MAX + 100; i++)
        ldisc_receive(&ld, 'a', NULL);
    CHECK(ld.len == TTY_INPUT_MAX - 1);
    CHECK(!ldisc_readable(&ld, 1));
    ldisc_receive(&ld, '\r', NULL);
    CHECK(ldisc_readable(&ld, 1) && ldisc_inq(&ld) == TTY_INPUT_MAX);
    ldisc_receive(&ld, 'b', NULL); /* full: dropped */
    ldisc_receive(&ld, 4, NULL);
    CHECK(ld.len == TTY_INPUT_MAX);
    const uint8_t *data;
    size_t take;
    CHECK(ldisc_peek(&ld, 100000, &data, &take) == TTY_INPUT_MAX && take == TTY_INPUT_MAX &&
          data[TTY_INPUT_MAX - 1] == '\n');
    ldisc_consume(&ld, take);
    CHECK(ld.len == 0 && ld.canon_end == 0 && !ldisc_readable(&ld, 1));
    /* Raw: the buffer fills to the last byte. */
    struct lx_termios tm = ld.termios;
    tm.lflag &= ~(uint32_t)LX_ICANON;
    ldisc_set_termios(&ld, &tm);
    for (int i = 0; i < TTY_INPUT_MAX + 10; i++)
        ldisc_receive(&ld, 'z', NULL);
    CHECK(ldisc_inq(&ld) == TTY_INPUT_MAX);
    CHECK(ldisc_readable(&ld, TTY_INPUT_MAX) && !ldisc_readable(&ld, TTY_INPUT_MAX + 1));
    CHECK(ldisc_peek(&ld, 10, &data, &take) == 10 && take == 10);
    ldisc_flush_input(&ld);
    CHECK(ldisc_inq(&ld) == 0 && !ldisc_readable(&ld, 1));
    /* Each ^D on an empty line is one read of 0; a ^D after text ends the
     * line without an end of file, even when a read takes exactly the text. */
    ldisc_init(&ld);
    type("\x04\x04"
         "ab\x04");
    CHECK(ldisc_inq(&ld) == 2);
    for (int i = 0; i < 2; i++) {
        CHECK(ldisc_readable(&ld, 1));
        CHECK(ldisc_peek(&ld, 10, &data, &take) == 0 && take == 1);
        ldisc_consume(&ld, take);
    }
    CHECK(ldisc_peek(&ld, 2, &data, &take) == 2 && take == 3 && !memcmp(data, "ab", 2));
    ldisc_consume(&ld, take);
    CHECK(!ldisc_readable(&ld, 1) && ld.len == 0);
}

/* Blocking reads in raw mode: MIN and TIME (termios(3)), no oracle (the
 * pty side would need timing). */
static void test_min_time(void)
{
    const uint64_t ds = 100000000u; /* a decisecond */
    uint64_t deadline;
    ldisc_init(&ld);
    CHECK(!ldisc_read_now(&ld, 10, false, 0, 0, 0, &deadline) && deadline == 0); /* canonical, no line */
    type("ab");
    CHECK(!ldisc_read_now(&ld, 10, true, 0, 0, 0, &deadline)); /* a partial line is not readable */
    struct lx_termios tm = ld.termios;
    tm.lflag &= ~(uint32_t)LX_ICANON;
    tm.cc[LX_VMIN] = 3;
    tm.cc[LX_VTIME] = 0;
    ldisc_set_termios(&ld, &tm);
    /* MIN 3, TIME 0: waits for 3 bytes (or fewer when fewer are asked). */
    CHECK(!ldisc_read_now(&ld, 10, false, 5, 0, 0, &deadline) && deadline == 0);
    CHECK(ldisc_read_now(&ld, 2, false, 5, 0, 0, &deadline));
    CHECK(ldisc_read_now(&ld, 10, true, 5, 0, 0, &deadline)); /* non-blocking: what there is */
    type("c");
    CHECK(ldisc_read_now(&ld, 10, false, 5, 0, 0, &deadline));
    /* MIN 3, TIME 2: the timer runs from the last byte, once there is one. */
    ldisc_flush_input(&ld);
    tm.cc[LX_VTIME] = 2;
    ldisc_set_termios(&ld, &tm);
    CHECK(!ldisc_read_now(&ld, 10, false, 50 * ds, 0, 0, &deadline) && deadline == 0);
    type("x");
    CHECK(!ldisc_read_now(&ld, 10, false, 11 * ds, 0, 10 * ds, &deadline) && deadline == 12 * ds);
    CHECK(ldisc_read_now(&ld, 10, false, 12 * ds, 0, 10 * ds, &deadline));
    /* MIN 0, TIME 2: the whole read waits at most TIME. */
    ldisc_flush_input(&ld);
    tm.cc[LX_VMIN] = 0;
    ldisc_set_termios(&ld, &tm);
    CHECK(!ldisc_read_now(&ld, 10, false, 31 * ds, 30 * ds, 0, &deadline) && deadline == 32 * ds);
    CHECK(ldisc_read_now(&ld, 10, false, 32 * ds, 30 * ds, 0, &deadline));
    CHECK(!ldisc_read_now(&ld, 10, true, 31 * ds, 30 * ds, 0, &deadline)); /* EAGAIN */
    type("y");
    CHECK(ldisc_read_now(&ld, 10, false, 31 * ds, 30 * ds, 0, &deadline));
    /* MIN 0, TIME 0: returns at once, empty or not. */
    ldisc_flush_input(&ld);
    tm.cc[LX_VTIME] = 0;
    ldisc_set_termios(&ld, &tm);
    CHECK(ldisc_read_now(&ld, 10, false, 0, 0, 0, &deadline));
    const uint8_t *data;
    size_t take;
    CHECK(ldisc_peek(&ld, 10, &data, &take) == 0 && take == 0);
}

static void test_defaults(void)
{
    ldisc_init(&ld);
    /* Linux's tty_std_termios, with IXON off and the UART's real speed. */
    CHECK(ld.termios.lflag == 0x8a3b);
    CHECK(ld.termios.iflag == LX_ICRNL);
    CHECK(ld.termios.oflag == (LX_OPOST | LX_ONLCR));
    static const uint8_t cc[17] = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0 };
    CHECK(memcmp(ld.termios.cc, cc, sizeof(cc)) == 0);
}

int main(void)
{
    test_defaults();
    test_signals();
    test_limits();
    test_min_time();
    test_against_linux();
    return check_exit("tty_ldisc");
}
