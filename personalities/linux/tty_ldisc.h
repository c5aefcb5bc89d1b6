/* personalities/linux/tty_ldisc.h — the console's line discipline, as
 * Linux's n_tty does it: pure logic (no I/O, no processes), host tested
 * (tests/test_tty_ldisc.c).
 *
 * Input: each typed byte goes through ldisc_receive, which applies the
 * input flags (ICRNL, INLCR, IGNCR, ISTRIP), the signal characters (ISIG:
 * ^C, ^\, ^Z; the caller sends the signal returned), and in canonical mode
 * (ICANON) the line editing: erase (VERASE, DEL), kill (VKILL, ^U), word
 * erase (VWERASE, ^W), reprint (VREPRINT, ^R) and literal next (VLNEXT,
 * ^V) with IEXTEN, end of file (VEOF, ^D) and the line ends ('\n', VEOL,
 * VEOL2).  A line becomes readable only when it ends; ^D on an empty line
 * is an end of file (one read returns 0).  In raw mode every byte is
 * readable as it comes.  Echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL,
 * ECHOCTL) is written through the emitter, with output processing.
 *
 * Output: ldisc_output applies OPOST (ONLCR, OCRNL, ONOCR, ONLRET, TAB3)
 * and keeps the column, which erasing a tab or a control character's
 * "^X" needs, as Linux does.
 *
 * Not done: flow control (IXON, IXOFF: ^S and ^Q are ordinary input; the
 * default termios has IXON off), parity and break handling (the serial
 * driver gives bytes only), ECHOPRT, XCASE, IUCLC, OLCUC, fill characters.
 *
 * Invariants: canon_end <= len <= TTY_INPUT_MAX; in canonical mode
 * buf[canon_end - 1] (if any) has the end flag and no byte of the line
 * being edited has it; a line's data stays below TTY_INPUT_MAX - 1 so that
 * its end always fits.  ^D ends a line with a mark, as Linux's
 * __DISABLED_CHAR: a NUL byte with the end flag, which a read in canonical
 * mode never returns (alone it is an end of file); in raw mode flags do not
 * matter and a mark left over is a NUL byte of data, as on Linux.  The
 * state is one struct without pointers: a copy is a snapshot. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* struct termios of the kernel's TCGETS/TCSETS (asm-generic/termbits.h). */
enum { LX_NCCS = 19 };
struct lx_termios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line;
    uint8_t cc[LX_NCCS];
};
_Static_assert(sizeof(struct lx_termios) == 36, "the kernel's struct termios");

/* The flags this discipline honours (values of asm-generic/termbits.h). */
enum {
    LX_ISTRIP = 0040,
    LX_INLCR = 0100,
    LX_IGNCR = 0200,
    LX_ICRNL = 0400,
    LX_IUTF8 = 040000,
};
enum {
    LX_OPOST = 01,
    LX_ONLCR = 04,
    LX_OCRNL = 010,
    LX_ONOCR = 020,
    LX_ONLRET = 040,
    LX_TABDLY = 014000,
    LX_TAB3 = 014000,
};
enum {
    LX_B115200 = 010002,
    LX_CS8 = 060,
    LX_CREAD = 0200,
    LX_HUPCL = 02000,
    LX_CLOCAL = 04000,
};
enum {
    LX_ISIG = 01,
    LX_ICANON = 02,
    LX_ECHO = 010,
    LX_ECHOE = 020,
    LX_ECHOK = 040,
    LX_ECHONL = 0100,
    LX_NOFLSH = 0200,
    LX_TOSTOP = 0400,
    LX_ECHOCTL = 01000,
    LX_ECHOKE = 04000,
    LX_IEXTEN = 0100000,
};
enum {
    LX_VINTR = 0,
    LX_VQUIT = 1,
    LX_VERASE = 2,
    LX_VKILL = 3,
    LX_VEOF = 4,
    LX_VTIME = 5,
    LX_VMIN = 6,
    LX_VSWTC = 7,
    LX_VSTART = 8,
    LX_VSTOP = 9,
    LX_VSUSP = 10,
    LX_VEOL = 11,
    LX_VREPRINT = 12,
    LX_VDISCARD = 13,
    LX_VWERASE = 14,
    LX_VLNEXT = 15,
    LX_VEOL2 = 16,
};

/* N_TTY_BUF_SIZE: the readable input and the line being edited share it,
 * as on Linux; a line holds at most TTY_INPUT_MAX - 1 bytes before its
 * end. */
enum { TTY_INPUT_MAX = 4096 };

/* Where echo and processed output go (the serial console, or a test's
 * buffer). */
struct tty_emitter {
    void (*write)(void *ctx, const uint8_t *data, size_t len);
    void *ctx;
};

struct tty_ldisc {
    struct lx_termios termios;
    /* Input, oldest first, with a flag byte per byte: buf[0, canon_end) is
     * readable (whole lines in canonical mode, everything in raw mode, where
     * canon_end == len), buf[canon_end, len) the line being edited. */
    uint8_t buf[TTY_INPUT_MAX];
    uint8_t flags[TTY_INPUT_MAX]; /* TTY_FLAG_* */
    size_t len, canon_end;
    bool literal_next; /* VLNEXT was typed: the next byte is data */
    /* Output column (0 = the start of a line), and the column where the
     * line being edited started: erasing a tab needs both. */
    unsigned column, canon_column;
};

enum { TTY_FLAG_END = 1 };

/* Linux's defaults for a serial console (tty_std_termios at 115200 baud,
 * CLOCAL, without IXON); nothing to read. */
void ldisc_init(struct tty_ldisc *ld);

/* One received byte.  Returns the signal the foreground process group must
 * get (LX_SIGINT, LX_SIGQUIT, LX_SIGTSTP), or 0. */
int ldisc_receive(struct tty_ldisc *ld, uint8_t c, const struct tty_emitter *echo);

/* Whether a read would return now (data or an end of file), with min the
 * bytes raw mode waits for (at least 1). */
bool ldisc_readable(const struct tty_ldisc *ld, size_t min);
/* Bytes a read could return now (FIONREAD): whole lines in canonical mode
 * (end-of-file marks not counted), everything in raw mode. */
size_t ldisc_inq(const struct tty_ldisc *ld);
/* Whether a read of resid bytes (resid > 0) returns now, by ICANON, VMIN
 * and VTIME as Linux's n_tty_read decides (termios(3)): started is when
 * the read began, last_input when the last byte came (nanoseconds, any
 * clock).  When it must wait, *deadline is when it returns anyway (0: only
 * input ends the wait).  A non-blocking read returns now with whatever
 * raw input there is, and fails (EAGAIN) when this says false. */
bool ldisc_read_now(const struct tty_ldisc *ld, size_t resid, bool nonblock, uint64_t now, uint64_t started,
                    uint64_t last_input, uint64_t *deadline);
/* The next read of at most max bytes (max > 0): returns how many bytes of
 * *data it copies (the start of the first line in canonical mode, up to
 * its end; of the input otherwise) and sets *take to the bytes it consumes
 * when it copies them all (one more when it reaches a ^D mark).  0 bytes
 * with *take 1 is an end of file; 0 bytes with *take 0 (raw mode, no
 * input) a read that ends empty (VMIN 0).  Only meaningful when
 * ldisc_read_now says so. */
size_t ldisc_peek(const struct tty_ldisc *ld, size_t max, const uint8_t **data, size_t *take);
/* Consumes n bytes of what a read saw (its *take, or fewer when the copy
 * stopped early). */
void ldisc_consume(struct tty_ldisc *ld, size_t n);

/* Output a program writes, processed (OPOST); keeps the column. */
void ldisc_output(struct tty_ldisc *ld, const uint8_t *data, size_t len, const struct tty_emitter *out);

/* TCSETS: a change of ICANON keeps input as Linux does (the line being
 * edited becomes readable in raw mode; unread raw input becomes one
 * readable line in canonical mode). */
void ldisc_set_termios(struct tty_ldisc *ld, const struct lx_termios *tm);
/* TCFLSH/TCSETSF: drops all input, the line being edited included. */
void ldisc_flush_input(struct tty_ldisc *ld);
