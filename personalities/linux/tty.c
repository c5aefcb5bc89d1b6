/* personalities/linux/tty.c — see tty.h. */
#include "tty.h"
#include "heap.h"
#include "personality.h"
#include "proc.h"
#include "serial_client.h"
#include "signal.h"
#include "uio.h"
#include <kumiki/user.h>

enum {
    TCGETS = 0x5401,
    TCSETS = 0x5402,
    TCSETSW = 0x5403,
    TCSETSF = 0x5404,
    TIOCSCTTY = 0x540e,
    TIOCGPGRP = 0x540f,
    TIOCSPGRP = 0x5410,
    TIOCGWINSZ = 0x5413,
    TIOCSWINSZ = 0x5414,
    FIONREAD = 0x541b,
    TIOCNOTTY = 0x5422,
    TIOCGSID = 0x5429,
};
/* termios bits the line discipline honours. */
enum {
    ISIG = 1,
    ICANON = 2,
    ECHO = 8,
    ECHOE = 0x10,
    ECHOK = 0x20,
    ECHONL = 0x40,
    ICRNL = 0x100,
    OPOST = 1,
    ONLCR = 4
};
enum { VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSUSP = 10 };

struct lx_termios {
    uint32_t iflag, oflag, cflag, lflag;
    uint8_t line;
    uint8_t cc[19];
};
_Static_assert(sizeof(struct lx_termios) == 36, "the kernel's struct termios");

struct winsize {
    uint16_t rows, cols, xpixel, ypixel;
};

enum { LINE_MAX = 4096, INPUT_MAX = 8192 };

static struct {
    struct lx_termios termios;
    struct winsize size;
    int pgrp, sid;
    /* Bytes ready for read(): complete lines in canonical mode. */
    uint8_t ready[INPUT_MAX];
    size_t ready_len;
    bool eof_pending; /* ^D on an empty line: the next read returns 0 */
    uint8_t line[LINE_MAX];
    size_t line_len;
    struct lx_waitq readers;
    unsigned opens;
} tty = {
    .termios = { .iflag = ICRNL,
                 .oflag = OPOST | ONLCR,
                 .cflag = 0xbf /* B38400 CS8 CREAD */,
                 .lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK,
                 .cc = { [VINTR] = 3,
                         [VQUIT] = 28,
                         [VERASE] = 127,
                         [VKILL] = 21,
                         [VEOF] = 4,
                         [VMIN] = 1,
                         [VSUSP] = 26 } },
    .size = { 24, 80, 0, 0 },
};

static void output(const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len && lx.serial) {
        size_t n = len < SERIAL_CHUNK ? len : SERIAL_CHUNK;
        serial_write(lx.serial, p, n);
        p += n;
        len -= n;
    }
}

/* Output processing: "\n" becomes "\r\n" with ONLCR. */
static void output_cooked(const uint8_t *data, size_t len)
{
    uint8_t buf[2 * SERIAL_CHUNK];
    size_t n = 0;
    bool crlf = (tty.termios.oflag & OPOST) && (tty.termios.oflag & ONLCR);
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\n' && crlf)
            buf[n++] = '\r';
        buf[n++] = data[i];
        if (n >= sizeof(buf) - 2) {
            output(buf, n);
            n = 0;
        }
    }
    output(buf, n);
}

static void signal_foreground(int sig)
{
    lx_signal_pgrp(tty.pgrp, sig);
}

static void make_ready(const uint8_t *data, size_t len)
{
    if (len > INPUT_MAX - tty.ready_len)
        len = INPUT_MAX - tty.ready_len; /* a full buffer drops input, as a real tty does */
    memcpy(tty.ready + tty.ready_len, data, len);
    tty.ready_len += len;
    lx_wake(&tty.readers);
}

/* One typed byte through the line discipline. */
static void input_byte(uint8_t c)
{
    const struct lx_termios *tm = &tty.termios;
    if ((tm->iflag & ICRNL) && c == '\r')
        c = '\n';
    if (tm->lflag & ISIG) {
        int sig = c == tm->cc[VINTR]   ? LX_SIGINT
                  : c == tm->cc[VQUIT] ? LX_SIGQUIT
                  : c == tm->cc[VSUSP] ? LX_SIGTSTP
                                       : 0;
        if (sig) {
            tty.line_len = 0;
            if (tm->lflag & ECHO)
                output(c == 3 ? "^C\r\n" : c == 28 ? "^\\\r\n" : "^Z\r\n", 4);
            signal_foreground(sig);
            return;
        }
    }
    if (!(tm->lflag & ICANON)) {
        if (tm->lflag & ECHO)
            output_cooked(&c, 1);
        make_ready(&c, 1);
        return;
    }
    if (c == tm->cc[VERASE] || c == 8) {
        if (tty.line_len) {
            tty.line_len--;
            if (tm->lflag & ECHOE)
                output("\b \b", 3);
        }
        return;
    }
    if (c == tm->cc[VKILL]) {
        if (tm->lflag & ECHOK)
            while (tty.line_len) {
                tty.line_len--;
                output("\b \b", 3);
            }
        tty.line_len = 0;
        return;
    }
    if (c == tm->cc[VEOF]) {
        if (tty.line_len)
            make_ready(tty.line, tty.line_len);
        else
            tty.eof_pending = true;
        tty.line_len = 0;
        lx_wake(&tty.readers);
        return;
    }
    if (tm->lflag & ECHO)
        output_cooked(&c, 1);
    if (tty.line_len < LINE_MAX)
        tty.line[tty.line_len++] = c;
    if (c == '\n') {
        make_ready(tty.line, tty.line_len);
        tty.line_len = 0;
    }
}

uint64_t tty_poll(uint64_t now)
{
    if (!lx.serial || !tty.opens)
        return 0;
    for (int rounds = 0; rounds < 16; rounds++) {
        uint8_t data[SERIAL_CHUNK];
        size_t len = 0;
        if (serial_read(lx.serial, data, &len) || !len)
            break;
        for (size_t i = 0; i < len; i++)
            input_byte(data[i]);
    }
    return now + TTY_POLL_NS;
}

static int64_t tty_read(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    (void)f;
    (void)pos;
    if (!tty.ready_len && !tty.eof_pending) {
        tty_poll(lx_now_ns());
        if (!tty.ready_len && !tty.eof_pending) {
            if (!t || (f->flags & LX_O_NONBLOCK))
                return -LX_EAGAIN;
            lx_wait_on(t, &tty.readers);
            lx_wait_until(t, lx_now_ns() + TTY_POLL_NS);
            return LX_BLOCK;
        }
    }
    if (!tty.ready_len) {
        tty.eof_pending = false;
        return 0;
    }
    size_t n = tty.ready_len;
    if (tty.termios.lflag & ICANON) { /* one line at a time */
        for (size_t i = 0; i < tty.ready_len; i++)
            if (tty.ready[i] == '\n') {
                n = i + 1;
                break;
            }
    }
    if (n > u->resid)
        n = u->resid;
    int64_t done = uio_copy_out(u, tty.ready, n);
    if (done > 0) {
        memmove(tty.ready, tty.ready + done, tty.ready_len - (size_t)done);
        tty.ready_len -= (size_t)done;
    }
    return done;
}

static int64_t tty_write(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    (void)f;
    (void)t;
    (void)pos;
    uint8_t buf[SERIAL_CHUNK];
    int64_t total = 0;
    while (u->resid) {
        size_t n = u->resid < sizeof(buf) ? u->resid : sizeof(buf);
        int64_t got = uio_copy_in(u, buf, n);
        if (got <= 0)
            return total ? total : got;
        output_cooked(buf, (size_t)got);
        total += got;
    }
    return total;
}

static unsigned tty_poll_events(struct lx_file *f, struct lx_thread *t)
{
    (void)f;
    tty_poll(lx_now_ns());
    unsigned ev = LX_POLLOUT | LX_POLLWRNORM;
    if (tty.ready_len || tty.eof_pending)
        ev |= LX_POLLIN | LX_POLLRDNORM;
    else if (t) {
        lx_wait_on(t, &tty.readers);
        lx_wait_until(t, lx_now_ns() + TTY_POLL_NS);
    }
    return ev;
}

static int64_t tty_ioctl(struct lx_file *f, struct lx_thread *t, unsigned cmd, uint64_t arg)
{
    (void)f;
    struct lx_mm *mm = t ? t->proc->mm : NULL;
    if (!mm)
        return -LX_ENOTTY;
    switch (cmd) {
    case TCGETS: return mm_copy_out(mm, arg, &tty.termios, sizeof(tty.termios));
    case TCSETS:
    case TCSETSW:
    case TCSETSF: {
        struct lx_termios tm;
        if (mm_copy_in(mm, &tm, arg, sizeof(tm)))
            return -LX_EFAULT;
        if ((tty.termios.lflag & ICANON) && !(tm.lflag & ICANON) && tty.line_len) {
            make_ready(tty.line, tty.line_len); /* the partial line becomes input */
            tty.line_len = 0;
        }
        if (cmd == TCSETSF)
            tty.ready_len = 0;
        tty.termios = tm;
        return 0;
    }
    case TIOCGWINSZ: return mm_copy_out(mm, arg, &tty.size, sizeof(tty.size));
    case TIOCSWINSZ: return mm_copy_in(mm, &tty.size, arg, sizeof(tty.size));
    case TIOCGPGRP: {
        int32_t pgrp = tty.pgrp;
        return mm_copy_out(mm, arg, &pgrp, sizeof(pgrp));
    }
    case TIOCSPGRP: {
        int32_t pgrp;
        if (mm_copy_in(mm, &pgrp, arg, sizeof(pgrp)))
            return -LX_EFAULT;
        if (pgrp <= 0)
            return -LX_EINVAL;
        bool exists = false;
        for (struct lx_proc *p = proc_first(); p && !exists; p = proc_next(p))
            exists = p->pgid == pgrp && p->sid == t->proc->sid;
        if (!exists)
            return -LX_EPERM;
        tty.pgrp = pgrp;
        return 0;
    }
    case TIOCGSID: {
        int32_t sid = tty.sid;
        return mm_copy_out(mm, arg, &sid, sizeof(sid));
    }
    case TIOCSCTTY:
        tty.sid = t->proc->sid;
        tty.pgrp = t->proc->pgid;
        return 0;
    case TIOCNOTTY: return 0;
    case FIONREAD: {
        int32_t n = (int32_t)tty.ready_len;
        return mm_copy_out(mm, arg, &n, sizeof(n));
    }
    default: return -LX_ENOTTY;
    }
}

static void tty_release(struct lx_file *f)
{
    (void)f;
    if (tty.opens)
        tty.opens--;
}

static const struct lx_file_ops tty_ops = {
    .read = tty_read,
    .write = tty_write,
    .poll = tty_poll_events,
    .ioctl = tty_ioctl,
    .release = tty_release,
};

struct lx_file *tty_open(void)
{
    static struct lx_inode *inode;
    if (!inode) {
        struct lx_cred root = { 0, 0 };
        inode = anon_inode_new(LX_S_IFCHR | 0620, &root);
        if (!inode)
            return NULL;
        inode->rdev = (5u << 8) | 1; /* /dev/console: major 5, minor 1 */
    }
    struct lx_path path;
    anon_path(inode, &path);
    struct lx_file *f = file_new(&path, &tty_ops, LX_FMODE_READ | LX_FMODE_WRITE, LX_O_RDWR, NULL);
    if (f)
        tty.opens++;
    return f;
}

/* The first session's leader takes the console as its controlling terminal. */
void tty_set_session(int sid, int pgrp)
{
    tty.sid = sid;
    tty.pgrp = pgrp;
}
