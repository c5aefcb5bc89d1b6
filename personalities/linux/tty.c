/* personalities/linux/tty.c — see tty.h: the console's file operations and
 * job control around the line discipline of tty_ldisc.c. */
#include "tty.h"
#include "devices.h"
#include "jobctl.h"
#include "personality.h"
#include "proc.h"
#include "serial_client.h"
#include "signal.h"
#include "tty_ldisc.h"
#include "uio.h"
#include <kumiki/user.h>

enum {
    TCGETS = 0x5401,
    TCSETS = 0x5402,
    TCSETSW = 0x5403,
    TCSETSF = 0x5404,
    TCSBRK = 0x5409,
    TCXONC = 0x540a,
    TCFLSH = 0x540b,
    TIOCEXCL = 0x540c,
    TIOCNXCL = 0x540d,
    TIOCSCTTY = 0x540e,
    TIOCGPGRP = 0x540f,
    TIOCSPGRP = 0x5410,
    TIOCOUTQ = 0x5411,
    TIOCGWINSZ = 0x5413,
    TIOCSWINSZ = 0x5414,
    FIONREAD = 0x541b,
    TIOCNOTTY = 0x5422,
    TIOCSETD = 0x5423,
    TIOCGETD = 0x5424,
    TCSBRKP = 0x5425,
    TIOCGSID = 0x5429,
};
enum { TCIFLUSH = 0, TCOFLUSH = 1, TCIOFLUSH = 2 };
enum { CONSOLE_MAJOR = 5, CONSOLE_MINOR = 1, TTY_MINOR = 0 };
enum { DECISECOND_NS = 100 * 1000 * 1000 };

struct winsize {
    uint16_t rows, cols, xpixel, ypixel;
};

static struct {
    struct tty_ldisc ld;
    struct winsize size;
    int pgrp, sid; /* 0: no session has the console */
    struct lx_waitq readers;
    bool active;   /* polled from the main loop */
    bool wake_due; /* input came: readers must run again */
    uint64_t last_input_ns;
    /* Echo and output on their way to the serial driver. */
    uint8_t out[SERIAL_CHUNK];
    size_t out_len;
} tty = { .size = { 24, 80, 0, 0 } };

static void flush_output(void)
{
    if (tty.out_len && lx.serial)
        serial_write(lx.serial, tty.out, tty.out_len);
    tty.out_len = 0;
}

static void queue_output(void *ctx, const uint8_t *data, size_t len)
{
    (void)ctx;
    while (len) {
        if (tty.out_len == sizeof(tty.out))
            flush_output();
        size_t n = sizeof(tty.out) - tty.out_len;
        if (n > len)
            n = len;
        memcpy(tty.out + tty.out_len, data, n);
        tty.out_len += n;
        data += n;
        len -= n;
    }
}

static const struct tty_emitter serial_out = { queue_output, NULL };

/* From the first use on, the main loop polls the console (lx_deadlines_dirty
 * makes it compute its next timeout, tty_poll's included). */
static void activate(void)
{
    if (!tty.active) {
        tty.active = true;
        lx_deadlines_dirty = true;
    }
}

/* Takes what the serial driver has and runs it through the line
 * discipline.  Readers are woken by tty_poll, from the main loop: this
 * also runs inside system calls, whose thread may already be on
 * tty.readers (a poll of two descriptors of the console). */
static void take_input(void)
{
    if (!lx.serial)
        return;
    for (int rounds = 0; rounds < 16; rounds++) {
        uint8_t data[SERIAL_CHUNK];
        size_t len = 0;
        if (serial_read(lx.serial, data, &len) || !len)
            break;
        tty.wake_due = true;
        tty.last_input_ns = lx_now_ns();
        for (size_t i = 0; i < len; i++) {
            int sig = ldisc_receive(&tty.ld, data[i], &serial_out);
            if (sig && tty.pgrp)
                lx_signal_pgrp(tty.pgrp, sig);
        }
    }
    flush_output();
}

uint64_t tty_poll(uint64_t now)
{
    if (!tty.active)
        return 0;
    take_input();
    if (tty.wake_due) {
        tty.wake_due = false;
        lx_wake(&tty.readers);
    }
    return now + TTY_POLL_NS;
}

/* ---- job control --------------------------------------------------------------- */

/* Whether p has the console as its controlling terminal. */
static bool is_ctty(const struct lx_proc *p)
{
    return tty.sid != 0 && p->sid == tty.sid;
}

/* Linux's __tty_check_change for a thread of a background process group
 * of the console's session touching the console: 0 to go on, -EIO, or
 * -EINTR after sending sig (SIGTTIN for a read, SIGTTOU for a write with
 * TOSTOP or a change of the terminal) to its group: the stop, or a handler
 * with SA_RESTART, then starts the call again.  A thread that blocks or
 * ignores SIGTTOU goes on; one that blocks or ignores SIGTTIN gets EIO,
 * and so does an orphaned group, which nobody would continue. */
static int64_t job_control(struct lx_thread *t, int sig)
{
    struct lx_proc *p = t ? t->proc : NULL;
    if (!p || !is_ctty(p) || !tty.pgrp || p->pgid == tty.pgrp)
        return 0;
    uint64_t bit = 1ull << (sig - 1);
    if ((t->sigmask & bit) || p->actions[sig - 1].handler == LX_SIG_IGN)
        return sig == LX_SIGTTIN ? -LX_EIO : 0;
    if (jobctl_pgrp_orphaned(p->pgid))
        return -LX_EIO;
    lx_signal_pgrp(p->pgid, sig);
    return -LX_EINTR;
}

/* ---- reading and writing ----------------------------------------------------- */

static int64_t tty_read(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    (void)pos;
    int64_t stop = job_control(t, LX_SIGTTIN);
    if (stop)
        return stop;
    activate();
    take_input();
    if (!u->resid)
        return 0;
    /* A raw read's VTIME runs from its first run: call_deadline_ns keeps
     * that start (main.c clears it when the call completes). */
    uint64_t now = lx_now_ns();
    if (t && !t->call_deadline_ns)
        t->call_deadline_ns = now;
    bool nonblock = !t || (f->flags & LX_O_NONBLOCK);
    uint64_t deadline;
    if (!ldisc_read_now(&tty.ld, u->resid, nonblock, now, t ? t->call_deadline_ns : now, tty.last_input_ns,
                        &deadline)) {
        if (nonblock)
            return -LX_EAGAIN;
        lx_wait_on(t, &tty.readers);
        if (deadline)
            lx_wait_until(t, deadline);
        return LX_BLOCK;
    }
    const uint8_t *data;
    size_t take;
    size_t n = ldisc_peek(&tty.ld, u->resid, &data, &take);
    int64_t done = n ? uio_copy_out(u, data, n) : 0;
    if (done >= 0)
        ldisc_consume(&tty.ld, (size_t)done == n ? take : (size_t)done);
    return done; /* 0: an end of file (^D) */
}

static int64_t tty_write(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    (void)f;
    (void)pos;
    if (tty.ld.termios.lflag & LX_TOSTOP) {
        int64_t stop = job_control(t, LX_SIGTTOU);
        if (stop)
            return stop;
    }
    uint8_t buf[SERIAL_CHUNK];
    int64_t total = 0;
    while (u->resid) {
        size_t n = u->resid < sizeof(buf) ? u->resid : sizeof(buf);
        int64_t got = uio_copy_in(u, buf, n);
        if (got <= 0) {
            flush_output();
            return total ? total : got;
        }
        ldisc_output(&tty.ld, buf, (size_t)got, &serial_out);
        total += got;
    }
    flush_output();
    return total;
}

/* Readable as Linux's n_tty_poll says: a line (canonical), else MIN bytes
 * when TIME is 0, else one. */
static unsigned tty_poll_events(struct lx_file *f, struct lx_thread *t)
{
    (void)f;
    activate();
    take_input();
    const struct lx_termios *tm = &tty.ld.termios;
    size_t min = !(tm->lflag & LX_ICANON) && !tm->cc[LX_VTIME] && tm->cc[LX_VMIN] ? tm->cc[LX_VMIN] : 1;
    unsigned ev = LX_POLLOUT | LX_POLLWRNORM;
    if (ldisc_readable(&tty.ld, min))
        ev |= LX_POLLIN | LX_POLLRDNORM;
    /* With t, always: poll's registering scan may be the one that took
     * the input in (its answer is not looked at); tty_poll then wakes. */
    if (t)
        lx_wait_on(t, &tty.readers);
    return ev;
}

/* ---- ioctl ------------------------------------------------------------------- */

static bool session_alive(int sid)
{
    for (struct lx_proc *p = proc_first(); p; p = proc_next(p))
        if (p->sid == sid)
            return true;
    return false;
}

static int64_t set_termios(struct lx_mm *mm, unsigned cmd, uint64_t arg)
{
    struct lx_termios tm;
    if (mm_copy_in(mm, &tm, arg, sizeof(tm)))
        return -LX_EFAULT;
    if (cmd == TCSETSF)
        ldisc_flush_input(&tty.ld);
    ldisc_set_termios(&tty.ld, &tm);
    tty.wake_due = true; /* raw mode may make input readable */
    return 0;
}

/* tiocspgrp: only the console's session may move its foreground. */
static int64_t set_pgrp(struct lx_thread *t, struct lx_mm *mm, uint64_t arg)
{
    int32_t pgrp;
    if (mm_copy_in(mm, &pgrp, arg, sizeof(pgrp)))
        return -LX_EFAULT;
    if (!is_ctty(t->proc))
        return -LX_ENOTTY;
    if (pgrp < 0)
        return -LX_EINVAL;
    bool exists = false, same_session = false;
    for (struct lx_proc *p = proc_first(); p; p = proc_next(p))
        if (p->pgid == pgrp) {
            exists = true;
            same_session |= p->sid == t->proc->sid;
        }
    if (!exists)
        return -LX_ESRCH;
    if (!same_session)
        return -LX_EPERM;
    tty.pgrp = pgrp;
    return 0;
}

/* tiocsctty: a session leader without a terminal takes the console, unless
 * another live session has it (arg 1 lets root steal it). */
static int64_t set_ctty(struct lx_thread *t, uint64_t arg)
{
    struct lx_proc *p = t->proc;
    if (p->pid == p->sid && tty.sid == p->sid)
        return 0;
    if (p->pid != p->sid)
        return -LX_EPERM;
    if (tty.sid && session_alive(tty.sid) && !(arg == 1 && p->euid == 0))
        return -LX_EPERM;
    tty.sid = p->sid;
    tty.pgrp = p->pgid;
    return 0;
}

static int64_t set_winsize(struct lx_mm *mm, uint64_t arg)
{
    struct winsize ws;
    if (mm_copy_in(mm, &ws, arg, sizeof(ws)))
        return -LX_EFAULT;
    bool changed = memcmp(&ws, &tty.size, sizeof(ws)) != 0;
    tty.size = ws;
    if (changed && tty.pgrp)
        lx_signal_pgrp(tty.pgrp, LX_SIGWINCH);
    return 0;
}

static int64_t copy_out_int(struct lx_mm *mm, uint64_t arg, int32_t value)
{
    return mm_copy_out(mm, arg, &value, sizeof(value)) ? -LX_EFAULT : 0;
}

static int64_t tty_ioctl(struct lx_file *f, struct lx_thread *t, unsigned cmd, uint64_t arg)
{
    (void)f;
    struct lx_mm *mm = t ? t->proc->mm : NULL;
    if (!mm)
        return -LX_ENOTTY;
    activate();
    /* The requests that change the terminal: from a background group,
     * SIGTTOU first (Linux's tty_check_change). */
    if (cmd == TCSETS || cmd == TCSETSW || cmd == TCSETSF || cmd == TCXONC || cmd == TCFLSH ||
        cmd == TIOCSPGRP) {
        int64_t stop = job_control(t, LX_SIGTTOU);
        if (stop)
            return stop;
    }
    switch (cmd) {
    case TCGETS: return mm_copy_out(mm, arg, &tty.ld.termios, sizeof(tty.ld.termios)) ? -LX_EFAULT : 0;
    case TCSETS:
    case TCSETSW: /* output is never queued here: nothing to drain */
    case TCSETSF: return set_termios(mm, cmd, arg);
    case TCSBRK:
    case TCSBRKP: return 0; /* tcdrain and breaks: output is already out */
    case TCXONC: return arg <= 3 ? 0 : -LX_EINVAL;
    case TCFLSH:
        if (arg > TCIOFLUSH)
            return -LX_EINVAL;
        if (arg != TCOFLUSH)
            ldisc_flush_input(&tty.ld);
        return 0;
    case TIOCEXCL:
    case TIOCNXCL: return 0;
    case TIOCGWINSZ: return mm_copy_out(mm, arg, &tty.size, sizeof(tty.size)) ? -LX_EFAULT : 0;
    case TIOCSWINSZ: return set_winsize(mm, arg);
    case TIOCGPGRP: return is_ctty(t->proc) ? copy_out_int(mm, arg, tty.pgrp) : -LX_ENOTTY;
    case TIOCSPGRP: return set_pgrp(t, mm, arg);
    case TIOCGSID: return is_ctty(t->proc) ? copy_out_int(mm, arg, tty.sid) : -LX_ENOTTY;
    case TIOCSCTTY: return set_ctty(t, arg);
    case TIOCNOTTY:
        if (!is_ctty(t->proc))
            return -LX_ENOTTY;
        if (t->proc->pid == t->proc->sid) { /* the session leader lets go */
            if (tty.pgrp) {
                lx_signal_pgrp(tty.pgrp, LX_SIGHUP);
                lx_signal_pgrp(tty.pgrp, LX_SIGCONT);
            }
            tty.sid = tty.pgrp = 0;
        }
        return 0;
    case FIONREAD: return copy_out_int(mm, arg, (int32_t)ldisc_inq(&tty.ld));
    case TIOCOUTQ: return copy_out_int(mm, arg, 0);
    case TIOCGETD: return copy_out_int(mm, arg, 0); /* N_TTY */
    case TIOCSETD: {
        int32_t disc;
        if (mm_copy_in(mm, &disc, arg, sizeof(disc)))
            return -LX_EFAULT;
        return disc == 0 ? 0 : -LX_EINVAL;
    }
    default: return -LX_ENOTTY;
    }
}

static const struct lx_file_ops tty_ops = {
    .read = tty_read,
    .write = tty_write,
    .poll = tty_poll_events,
    .ioctl = tty_ioctl,
};

void tty_init(void)
{
    ldisc_init(&tty.ld);
    if (chrdev_register(CONSOLE_MAJOR, CONSOLE_MINOR, &tty_ops) ||
        chrdev_register(CONSOLE_MAJOR, TTY_MINOR, &tty_ops))
        lx_log("cannot register the console's devices");
}

struct lx_file *tty_open(void)
{
    activate();
    struct lx_file *f = vfs_open_kernel("/dev/console", LX_O_RDWR);
    if (f) {
        if (f->ops == &tty_ops)
            return f;
        file_put(f); /* /dev/console is something else: do not use it */
    }
    static struct lx_inode *inode;
    if (!inode) {
        struct lx_cred root = { 0, 0 };
        inode = anon_inode_new(LX_S_IFCHR | 0600, &root);
        if (!inode)
            return NULL;
        inode->rdev = lx_makedev(CONSOLE_MAJOR, CONSOLE_MINOR);
    }
    struct lx_path path;
    anon_path(inode, &path);
    return file_new(&path, &tty_ops, LX_FMODE_READ | LX_FMODE_WRITE, LX_O_RDWR, NULL);
}

void tty_set_session(int sid, int pgrp)
{
    tty.sid = sid;
    tty.pgrp = pgrp;
}

void tty_session_ended(int sid)
{
    if (!sid || tty.sid != sid)
        return;
    if (tty.pgrp) {
        lx_signal_pgrp(tty.pgrp, LX_SIGHUP);
        lx_signal_pgrp(tty.pgrp, LX_SIGCONT);
    }
    tty.sid = tty.pgrp = 0;
}
