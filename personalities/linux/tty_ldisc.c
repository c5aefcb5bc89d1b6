/* personalities/linux/tty_ldisc.c — see tty_ldisc.h.  The rules follow
 * Linux's drivers/tty/n_tty.c (receive_char_special, eraser, echo_char,
 * do_output_char, canon_copy_from_read_buf), read from its behaviour. */
#include "tty_ldisc.h"

#include "linux_abi.h"
#include <string.h>

/* Linux's _POSIX_VDISABLE: a control character set to 0 is off. */
enum { VDISABLE = 0 };

static bool is_ctrl(uint8_t c)
{
    return c < 0x20 || c == 0x7f;
}

static bool lflag(const struct tty_ldisc *ld, uint32_t bit)
{
    return (ld->termios.lflag & bit) != 0;
}

static bool iflag(const struct tty_ldisc *ld, uint32_t bit)
{
    return (ld->termios.iflag & bit) != 0;
}

static bool is_char(const struct tty_ldisc *ld, uint8_t c, unsigned index)
{
    return ld->termios.cc[index] != VDISABLE && c == ld->termios.cc[index];
}

/* A UTF-8 continuation byte (IUTF8): no column of its own, and erased with
 * the character it continues. */
static bool is_continuation(const struct tty_ldisc *ld, uint8_t c)
{
    return iflag(ld, LX_IUTF8) && (c & 0xc0) == 0x80;
}

void ldisc_init(struct tty_ldisc *ld)
{
    memset(ld, 0, sizeof(*ld));
    ld->termios.iflag = LX_ICRNL;
    ld->termios.oflag = LX_OPOST | LX_ONLCR;
    ld->termios.cflag = LX_B115200 | LX_CS8 | LX_CREAD | LX_HUPCL | LX_CLOCAL;
    ld->termios.lflag =
        LX_ISIG | LX_ICANON | LX_ECHO | LX_ECHOE | LX_ECHOK | LX_ECHOCTL | LX_ECHOKE | LX_IEXTEN;
    static const uint8_t cc[LX_NCCS] = {
        [LX_VINTR] = 3,     [LX_VQUIT] = 28,   [LX_VERASE] = 127, [LX_VKILL] = 21, [LX_VEOF] = 4,
        [LX_VMIN] = 1,      [LX_VSTART] = 17,  [LX_VSTOP] = 19,   [LX_VSUSP] = 26, [LX_VREPRINT] = 18,
        [LX_VDISCARD] = 15, [LX_VWERASE] = 23, [LX_VLNEXT] = 22,
    };
    memcpy(ld->termios.cc, cc, sizeof(cc));
}

/* ---- output ------------------------------------------------------------------ */

static void emit(const struct tty_emitter *out, const void *data, size_t len)
{
    if (len && out && out->write)
        out->write(out->ctx, data, len);
}

/* One byte of output processing (do_output_char). */
static void output_byte(struct tty_ldisc *ld, uint8_t c, const struct tty_emitter *out)
{
    const uint32_t of = ld->termios.oflag;
    if (!(of & LX_OPOST)) {
        emit(out, &c, 1);
        return;
    }
    switch (c) {
    case '\n':
        if (of & LX_ONLRET)
            ld->column = 0;
        if (of & LX_ONLCR) {
            ld->canon_column = ld->column = 0;
            emit(out, "\r\n", 2);
            return;
        }
        ld->canon_column = ld->column;
        break;
    case '\r':
        if ((of & LX_ONOCR) && ld->column == 0)
            return;
        if (of & LX_OCRNL) {
            c = '\n';
            if (of & LX_ONLRET)
                ld->canon_column = ld->column = 0;
            break;
        }
        ld->canon_column = ld->column = 0;
        break;
    case '\t': {
        unsigned spaces = 8 - (ld->column & 7);
        ld->column += spaces;
        if ((of & LX_TABDLY) == LX_TAB3) {
            emit(out, "        ", spaces);
            return;
        }
        break;
    }
    case '\b':
        if (ld->column > 0)
            ld->column--;
        break;
    default:
        if (!is_ctrl(c) && !is_continuation(ld, c))
            ld->column++;
        break;
    }
    emit(out, &c, 1);
}

void ldisc_output(struct tty_ldisc *ld, const uint8_t *data, size_t len, const struct tty_emitter *out)
{
    if (!(ld->termios.oflag & LX_OPOST)) {
        emit(out, data, len);
        return;
    }
    for (size_t i = 0; i < len; i++)
        output_byte(ld, data[i], out);
}

/* ---- echo -------------------------------------------------------------------- */

/* Bytes that move the cursor as written (the "^" of ^X, backspaces). */
static void echo_raw(struct tty_ldisc *ld, const char *s, const struct tty_emitter *out)
{
    for (; *s; s++)
        output_byte(ld, (uint8_t)*s, out);
}

/* echo_char: a control character as "^X" with ECHOCTL (a tab as itself). */
static void echo_char(struct tty_ldisc *ld, uint8_t c, const struct tty_emitter *out)
{
    if (lflag(ld, LX_ECHOCTL) && is_ctrl(c) && c != '\t') {
        uint8_t pair[2] = { '^', (uint8_t)(c ^ 0100) };
        emit(out, pair, 2);
        ld->column += 2;
        return;
    }
    output_byte(ld, c, out);
}

/* The first byte of a line records the column it starts at. */
static void echo_data(struct tty_ldisc *ld, uint8_t c, const struct tty_emitter *out)
{
    if (!lflag(ld, LX_ECHO))
        return;
    if (c == '\n') {
        output_byte(ld, '\n', out);
        return;
    }
    if (ld->canon_end == ld->len)
        ld->canon_column = ld->column;
    echo_char(ld, c, out);
}

/* ---- the input buffer -------------------------------------------------------- */

static void put(struct tty_ldisc *ld, uint8_t c, uint8_t flags)
{
    ld->buf[ld->len] = c;
    ld->flags[ld->len] = flags;
    ld->len++;
}

/* The line being edited ends and becomes readable: with its last byte
 * ('\n', VEOL), or with a ^D mark. */
static void end_line(struct tty_ldisc *ld, bool eof)
{
    if (eof)
        put(ld, 0, TTY_FLAG_END);
    else
        ld->flags[ld->len - 1] |= TTY_FLAG_END;
    ld->canon_end = ld->len;
}

static bool is_eof_mark(const struct tty_ldisc *ld, size_t i)
{
    return (ld->flags[i] & TTY_FLAG_END) && ld->buf[i] == 0;
}

void ldisc_flush_input(struct tty_ldisc *ld)
{
    ld->len = ld->canon_end = 0;
    ld->literal_next = false;
}

/* Columns the characters of the line being edited take after the last tab
 * before `end` (or from the line's start: *after_tab false). */
static unsigned columns_since_tab(const struct tty_ldisc *ld, size_t end, bool *after_tab)
{
    unsigned n = 0;
    *after_tab = false;
    while (end > ld->canon_end) {
        uint8_t c = ld->buf[--end];
        if (c == '\t') {
            *after_tab = true;
            break;
        }
        if (is_ctrl(c))
            n += lflag(ld, LX_ECHOCTL) ? 2 : 0;
        else if (!is_continuation(ld, c))
            n++;
    }
    return n;
}

/* The echo of erasing c, the last character of the line. */
static void echo_erase(struct tty_ldisc *ld, uint8_t c, const struct tty_emitter *out)
{
    if (c == '\t') {
        bool after_tab;
        unsigned cols = columns_since_tab(ld, ld->len, &after_tab);
        if (!after_tab)
            cols += ld->canon_column;
        unsigned back = cols & 7 ? 8 - (cols & 7) : 8;
        while (back-- && ld->column > 0)
            echo_raw(ld, "\b", out);
        return;
    }
    unsigned width = is_ctrl(c) ? (lflag(ld, LX_ECHOCTL) ? 2 : 0) : 1;
    while (width--)
        echo_raw(ld, "\b \b", out);
}

enum erase_kind { ERASE_CHAR, ERASE_WORD, ERASE_LINE };

/* eraser: removes a character, a word or the whole line being edited. */
static void erase(struct tty_ldisc *ld, uint8_t typed, enum erase_kind kind, const struct tty_emitter *out)
{
    if (ld->len == ld->canon_end)
        return;
    bool echo = lflag(ld, LX_ECHO);
    if (kind == ERASE_LINE) {
        if (!echo) {
            ld->len = ld->canon_end;
            return;
        }
        if (!lflag(ld, LX_ECHOK) || !lflag(ld, LX_ECHOKE) || !lflag(ld, LX_ECHOE)) {
            ld->len = ld->canon_end;
            echo_char(ld, typed, out);
            if (lflag(ld, LX_ECHOK))
                output_byte(ld, '\n', out);
            return;
        }
    }
    unsigned alnums = 0;
    while (ld->len > ld->canon_end) {
        size_t head = ld->len;
        uint8_t c;
        do
            c = ld->buf[--head];
        while (is_continuation(ld, c) && head > ld->canon_end);
        if (is_continuation(ld, c))
            break; /* never half a character */
        if (kind == ERASE_WORD) {
            bool word =
                (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
            if (word)
                alnums++;
            else if (alnums)
                break;
        }
        ld->len = head;
        if (echo) {
            if (kind == ERASE_CHAR && !lflag(ld, LX_ECHOE))
                echo_char(ld, typed, out);
            else
                echo_erase(ld, c, out);
        }
        if (kind == ERASE_CHAR)
            break;
    }
}

/* ^R: the line again, on a new line. */
static void reprint(struct tty_ldisc *ld, uint8_t typed, const struct tty_emitter *out)
{
    echo_char(ld, typed, out);
    output_byte(ld, '\n', out);
    for (size_t i = ld->canon_end; i < ld->len; i++)
        echo_char(ld, ld->buf[i], out);
}

static int signal_char(struct tty_ldisc *ld, uint8_t c)
{
    if (!lflag(ld, LX_ISIG))
        return 0;
    return is_char(ld, c, LX_VINTR)   ? LX_SIGINT
           : is_char(ld, c, LX_VQUIT) ? LX_SIGQUIT
           : is_char(ld, c, LX_VSUSP) ? LX_SIGTSTP
                                      : 0;
}

/* Canonical mode's special characters; false: c is data. */
static bool canonical_special(struct tty_ldisc *ld, uint8_t c, const struct tty_emitter *out)
{
    bool iexten = lflag(ld, LX_IEXTEN);
    if (is_char(ld, c, LX_VERASE) || is_char(ld, c, LX_VKILL) || (iexten && is_char(ld, c, LX_VWERASE))) {
        enum erase_kind kind = is_char(ld, c, LX_VERASE)  ? ERASE_CHAR
                               : is_char(ld, c, LX_VKILL) ? ERASE_LINE
                                                          : ERASE_WORD;
        erase(ld, c, kind, out);
        return true;
    }
    if (iexten && is_char(ld, c, LX_VLNEXT)) {
        ld->literal_next = true;
        if (lflag(ld, LX_ECHO) && lflag(ld, LX_ECHOCTL))
            echo_raw(ld, "^\b", out);
        return true;
    }
    if (iexten && lflag(ld, LX_ECHO) && is_char(ld, c, LX_VREPRINT)) {
        reprint(ld, c, out);
        return true;
    }
    if (c == '\n') {
        if (lflag(ld, LX_ECHO) || lflag(ld, LX_ECHONL))
            output_byte(ld, '\n', out);
        put(ld, c, 0);
        end_line(ld, false);
        return true;
    }
    if (is_char(ld, c, LX_VEOF)) {
        end_line(ld, true); /* not echoed */
        return true;
    }
    if (is_char(ld, c, LX_VEOL) || (iexten && is_char(ld, c, LX_VEOL2))) {
        echo_data(ld, c, out);
        put(ld, c, 0);
        end_line(ld, false);
        return true;
    }
    return false;
}

int ldisc_receive(struct tty_ldisc *ld, uint8_t c, const struct tty_emitter *echo)
{
    bool canonical = lflag(ld, LX_ICANON);
    if (iflag(ld, LX_ISTRIP))
        c &= 0x7f;
    if (ld->literal_next) {
        /* The byte after ^V is data, even a line end or a signal char. */
        ld->literal_next = false;
        if (ld->len >= TTY_INPUT_MAX - 1)
            return 0;
        echo_data(ld, c, echo); /* over the "^" that ^V left under the cursor */
        put(ld, c, 0);
        return 0;
    }
    int sig = signal_char(ld, c);
    if (sig) {
        if (!lflag(ld, LX_NOFLSH))
            ldisc_flush_input(ld);
        if (lflag(ld, LX_ECHO))
            echo_char(ld, c, echo);
        return sig;
    }
    if (c == '\r') {
        if (iflag(ld, LX_IGNCR))
            return 0;
        if (iflag(ld, LX_ICRNL))
            c = '\n';
    } else if (c == '\n' && iflag(ld, LX_INLCR)) {
        c = '\r';
    }
    if (!canonical) {
        if (ld->len == TTY_INPUT_MAX)
            return 0; /* a full buffer drops input, as on Linux */
        echo_data(ld, c, echo);
        put(ld, c, 0);
        ld->canon_end = ld->len;
        return 0;
    }
    /* A line end or ^D always has room: data stops one byte short. */
    if (ld->len == TTY_INPUT_MAX || canonical_special(ld, c, echo))
        return 0;
    if (ld->len >= TTY_INPUT_MAX - 1)
        return 0;
    echo_data(ld, c, echo);
    put(ld, c, 0);
    return 0;
}

/* ---- reading ----------------------------------------------------------------- */

bool ldisc_readable(const struct tty_ldisc *ld, size_t min)
{
    if (lflag(ld, LX_ICANON))
        return ld->canon_end > 0;
    return ld->len >= (min ? min : 1);
}

bool ldisc_read_now(const struct tty_ldisc *ld, size_t resid, bool nonblock, uint64_t now, uint64_t started,
                    uint64_t last_input, uint64_t *deadline)
{
    *deadline = 0;
    if (lflag(ld, LX_ICANON))
        return ld->canon_end > 0;
    size_t min = ld->termios.cc[LX_VMIN] < resid ? ld->termios.cc[LX_VMIN] : resid;
    uint64_t time = (uint64_t)ld->termios.cc[LX_VTIME] * 100000000u; /* deciseconds */
    if (!min && !time)
        return true; /* a poll: returns what there is, maybe nothing */
    if (ld->len && (nonblock || ld->len >= (min ? min : 1)))
        return true;
    if (nonblock || !time)
        return false;
    if (!min)
        *deadline = started + time; /* TIME bounds the whole read */
    else if (ld->len)
        *deadline = last_input + time; /* TIME runs between bytes */
    else
        return false; /* MIN > 0: the timer starts with the first byte */
    return *deadline <= now;
}

size_t ldisc_inq(const struct tty_ldisc *ld)
{
    if (!lflag(ld, LX_ICANON))
        return ld->len;
    size_t n = 0;
    for (size_t i = 0; i < ld->canon_end; i++)
        n += !is_eof_mark(ld, i);
    return n;
}

size_t ldisc_peek(const struct tty_ldisc *ld, size_t max, const uint8_t **data, size_t *take)
{
    *data = ld->buf;
    if (!lflag(ld, LX_ICANON)) {
        *take = ld->len < max ? ld->len : max;
        return *take;
    }
    size_t end = 0; /* the first line's length, its end included */
    while (end < ld->canon_end && !(ld->flags[end] & TTY_FLAG_END))
        end++;
    if (end < ld->canon_end)
        end++;
    bool mark = end && is_eof_mark(ld, end - 1);
    size_t n = mark ? end - 1 : end;
    if (n > max)
        n = max;
    *take = n + (mark && n == end - 1);
    return n;
}

void ldisc_consume(struct tty_ldisc *ld, size_t n)
{
    if (n > ld->canon_end)
        n = ld->canon_end;
    memmove(ld->buf, ld->buf + n, ld->len - n);
    memmove(ld->flags, ld->flags + n, ld->len - n);
    ld->len -= n;
    ld->canon_end -= n;
}

/* A change of ICANON forgets the line ends (n_tty_set_termios): raw mode
 * reads everything, ^D marks included, as NUL bytes; canonical mode makes
 * unread input one line. */
void ldisc_set_termios(struct tty_ldisc *ld, const struct lx_termios *tm)
{
    bool was_canonical = lflag(ld, LX_ICANON);
    ld->termios = *tm;
    bool canonical = lflag(ld, LX_ICANON);
    if (was_canonical == canonical)
        return;
    memset(ld->flags, 0, ld->len);
    ld->literal_next = false;
    if (canonical && ld->len)
        ld->flags[ld->len - 1] |= TTY_FLAG_END;
    ld->canon_end = ld->len;
}
