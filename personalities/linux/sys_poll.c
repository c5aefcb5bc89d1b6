/* personalities/linux/sys_poll.c — poll, ppoll, select, pselect6.
 *
 * Each run scans the descriptors without side effects; if nothing is ready
 * and the caller may wait, a second scan registers the thread on every
 * queue that could change an answer (the file's poll op with t) and the
 * call returns LX_BLOCK.  Any wake-up runs the call again.  The deadline
 * is computed at the first run and kept in t->call_deadline_ns, so that
 * wake-ups do not stretch the timeout.  A signal ends the wait with EINTR
 * (main.c's complete() runs the call once more and turns a second
 * LX_BLOCK into -EINTR).  The signal mask of ppoll and pselect6 is in
 * place for the duration of the call (signal.h, signal_mask_for_call). */
#include "sys_file.h"

#include "heap.h"
#include "mm.h"
#include "signal.h"
#include <kumiki/user.h>

enum {
    POLLIN_SET = LX_POLLRDNORM | LX_POLLRDBAND | LX_POLLIN | LX_POLLHUP | LX_POLLERR,
    POLLOUT_SET = LX_POLLWRBAND | LX_POLLWRNORM | LX_POLLOUT | LX_POLLERR,
    POLLEX_SET = LX_POLLPRI,
};

static unsigned file_poll(struct lx_file *f, struct lx_thread *t)
{
    if (f->ops->poll)
        return f->ops->poll(f, t);
    return LX_POLLIN | LX_POLLOUT | LX_POLLRDNORM | LX_POLLWRNORM;
}

/* The timeout: none (infinite), zero (never wait), or a deadline kept
 * across retries. */
struct wait_limit {
    bool infinite;
    uint64_t ns; /* relative, at the first run */
};

/* At every run, first: the deadline of the first run stays. */
static void limit_start(struct lx_thread *t, const struct wait_limit *w)
{
    if (w->infinite || w->ns == 0 || t->call_deadline_ns)
        return;
    t->call_deadline_ns = lx_now_ns() + w->ns;
    if (!t->call_deadline_ns)
        t->call_deadline_ns = 1; /* 0 means "none" */
}

/* Whether the call should return now rather than wait. */
static bool limit_reached(struct lx_thread *t, const struct wait_limit *w)
{
    if (w->infinite)
        return false;
    return w->ns == 0 || t->timed_out || t->call_deadline_ns <= lx_now_ns();
}

static void limit_arm(struct lx_thread *t, const struct wait_limit *w)
{
    if (!w->infinite && t->call_deadline_ns)
        lx_wait_until(t, t->call_deadline_ns);
}

static uint64_t limit_left_ns(struct lx_thread *t, const struct wait_limit *w)
{
    if (w->ns == 0 || t->timed_out || !t->call_deadline_ns)
        return 0;
    uint64_t now = lx_now_ns();
    return t->call_deadline_ns > now ? t->call_deadline_ns - now : 0;
}

/* A timespec argument: EFAULT, EINVAL (negative or nsec out of range). */
static int timespec_limit(struct lx_thread *t, uint64_t uts, struct wait_limit *w)
{
    w->infinite = uts == 0;
    w->ns = 0;
    if (!uts)
        return 0;
    struct lx_timespec ts;
    if (mm_copy_in(t->proc->mm, &ts, uts, sizeof(ts)))
        return -LX_EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
        return -LX_EINVAL;
    w->ns = (uint64_t)ts.tv_sec > UINT64_MAX / 4 / 1000000000u
                ? UINT64_MAX / 4
                : (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    return 0;
}

/* Linux writes the time left back into ppoll's and select's argument
 * (ignoring a failure: the call itself succeeded). */
static void write_back_left(struct lx_thread *t, uint64_t uaddr, const struct wait_limit *w, bool timeval)
{
    if (!uaddr || w->infinite)
        return;
    uint64_t left = limit_left_ns(t, w);
    int64_t v[2] = { (int64_t)(left / 1000000000u), (int64_t)(left % 1000000000u) };
    if (timeval)
        v[1] /= 1000;
    mm_copy_out(t->proc->mm, uaddr, v, sizeof(v));
}

/* The sigmask argument of ppoll/pselect6: checked, read and put in place
 * until the call returns (through signal_mask_call_end). */
static int sigmask_arg(struct lx_thread *t, uint64_t umask, uint64_t size)
{
    if (!umask)
        return 0;
    if (size != sizeof(uint64_t))
        return -LX_EINVAL;
    uint64_t mask;
    if (mm_copy_in(t->proc->mm, &mask, umask, sizeof(mask)))
        return -LX_EFAULT;
    signal_mask_for_call(t, mask);
    return 0;
}

/* ---- poll ---------------------------------------------------------------------- */

static int poll_scan(struct lx_thread *t, struct lx_pollfd *fds, unsigned n, struct lx_thread *waiter)
{
    int count = 0;
    for (unsigned i = 0; i < n; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;
        struct lx_file *f = sys_file_get(t, fds[i].fd);
        unsigned mask = LX_POLLNVAL;
        if (f) {
            mask = file_poll(f, waiter) & ((uint16_t)fds[i].events | LX_POLLERR | LX_POLLHUP);
            file_put(f);
        }
        fds[i].revents = (int16_t)mask;
        if (mask)
            count++;
    }
    return count;
}

static int64_t poll_run(struct lx_thread *t, uint64_t ufds, uint64_t nfds, const struct wait_limit *w)
{
    if (nfds > files_limit(t->proc->files))
        return -LX_EINVAL; /* more than RLIMIT_NOFILE */
    size_t bytes = (size_t)nfds * sizeof(struct lx_pollfd);
    struct lx_pollfd *fds = lx_malloc(bytes ? bytes : 1);
    if (!fds)
        return -LX_ENOMEM;
    int64_t ret = 0;
    if (bytes && mm_copy_in(t->proc->mm, fds, ufds, bytes))
        ret = -LX_EFAULT;
    if (ret == 0) {
        limit_start(t, w);
        ret = poll_scan(t, fds, (unsigned)nfds, NULL);
        if (ret == 0 && !limit_reached(t, w)) {
            poll_scan(t, fds, (unsigned)nfds, t);
            limit_arm(t, w);
            ret = LX_BLOCK;
        } else if (bytes && mm_copy_out(t->proc->mm, ufds, fds, bytes)) {
            ret = -LX_EFAULT;
        }
    }
    lx_free(fds);
    return ret;
}

int64_t sys_poll(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int timeout_ms = arg_int(r->rdx);
    struct wait_limit w = { timeout_ms<0, timeout_ms> 0 ? (uint64_t)timeout_ms * 1000000u : 0 };
    return poll_run(t, r->rdi, arg_uint(r->rsi), &w);
}

int64_t sys_ppoll(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct wait_limit w;
    int64_t ret = timespec_limit(t, r->rdx, &w);
    if (ret == 0)
        ret = sigmask_arg(t, r->r10, r->r8);
    if (ret == 0)
        ret = poll_run(t, r->rdi, arg_uint(r->rsi), &w);
    if (ret >= 0)
        write_back_left(t, r->rdx, &w, false);
    return signal_mask_call_end(t, ret);
}

/* ---- select ---------------------------------------------------------------------- */

enum { SET_WORDS = LX_FD_SETSIZE / 64 };

struct fd_sets {
    uint64_t in[SET_WORDS], out[SET_WORDS], ex[SET_WORDS];
};

static int select_scan(struct lx_thread *t, int nfds, const struct fd_sets *want, struct fd_sets *got,
                       struct lx_thread *waiter)
{
    int count = 0;
    *got = (struct fd_sets){ 0 };
    for (int fd = 0; fd < nfds; fd++) {
        unsigned word = (unsigned)fd / 64;
        uint64_t bit = 1ull << (fd % 64);
        if (!((want->in[word] | want->out[word] | want->ex[word]) & bit))
            continue;
        struct lx_file *f = sys_file_get(t, fd);
        if (!f)
            continue; /* O_PATH: never ready (closed ones were refused before) */
        unsigned mask = file_poll(f, waiter);
        file_put(f);
        if ((want->in[word] & bit) && (mask & POLLIN_SET)) {
            got->in[word] |= bit;
            count++;
        }
        if ((want->out[word] & bit) && (mask & POLLOUT_SET)) {
            got->out[word] |= bit;
            count++;
        }
        if ((want->ex[word] & bit) && (mask & POLLEX_SET)) {
            got->ex[word] |= bit;
            count++;
        }
    }
    return count;
}

static int64_t select_run(struct lx_thread *t, int nfds, const uint64_t uset[3], const struct wait_limit *w)
{
    if (nfds < 0)
        return -LX_EINVAL;
    struct lx_files *files = t->proc->files;
    if ((unsigned)nfds > files->size)
        nfds = (int)files->size;
    if (nfds > LX_FD_SETSIZE)
        nfds = LX_FD_SETSIZE;
    size_t bytes = ((size_t)nfds + 63) / 64 * 8;
    struct fd_sets want = { 0 }, got;
    uint64_t *sets[3] = { want.in, want.out, want.ex };
    for (int i = 0; i < 3; i++)
        if (uset[i] && bytes && mm_copy_in(t->proc->mm, sets[i], uset[i], bytes))
            return -LX_EFAULT;
    /* Bits past nfds in the last word are not looked at. */
    if (nfds % 64)
        for (int i = 0; i < 3; i++)
            sets[i][nfds / 64] &= (1ull << (nfds % 64)) - 1;
    for (int fd = 0; fd < nfds; fd++) {
        uint64_t bit = 1ull << (fd % 64);
        if (((want.in[fd / 64] | want.out[fd / 64] | want.ex[fd / 64]) & bit) && !files->fds[fd])
            return -LX_EBADF;
    }
    limit_start(t, w);
    int count = select_scan(t, nfds, &want, &got, NULL);
    if (count == 0 && !limit_reached(t, w)) {
        select_scan(t, nfds, &want, &got, t);
        limit_arm(t, w);
        return LX_BLOCK;
    }
    const uint64_t *results[3] = { got.in, got.out, got.ex };
    for (int i = 0; i < 3; i++)
        if (uset[i] && bytes && mm_copy_out(t->proc->mm, uset[i], results[i], bytes))
            return -LX_EFAULT;
    return count;
}

int64_t sys_select(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct wait_limit w = { r->r8 == 0, 0 };
    if (r->r8) {
        struct lx_timeval tv;
        if (mm_copy_in(t->proc->mm, &tv, r->r8, sizeof(tv)))
            return -LX_EFAULT;
        /* Linux folds whole seconds of tv_usec into tv_sec first. */
        int64_t sec = tv.tv_sec + tv.tv_usec / 1000000, nsec = (tv.tv_usec % 1000000) * 1000;
        if (sec < 0 || nsec < 0)
            return -LX_EINVAL;
        w.ns = (uint64_t)sec > UINT64_MAX / 4 / 1000000000u ? UINT64_MAX / 4
                                                            : (uint64_t)sec * 1000000000u + (uint64_t)nsec;
    }
    const uint64_t sets[3] = { r->rsi, r->rdx, r->r10 };
    int64_t ret = select_run(t, arg_int(r->rdi), sets, &w);
    if (ret >= 0)
        write_back_left(t, r->r8, &w, true);
    return ret;
}

int64_t sys_pselect6(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct wait_limit w;
    int64_t ret = timespec_limit(t, r->r8, &w);
    if (ret == 0 && r->r9) {
        uint64_t sig[2]; /* { const sigset_t *ss; size_t ss_len } */
        ret = mm_copy_in(t->proc->mm, sig, r->r9, sizeof(sig)) ? -LX_EFAULT : sigmask_arg(t, sig[0], sig[1]);
    }
    const uint64_t sets[3] = { r->rsi, r->rdx, r->r10 };
    if (ret == 0)
        ret = select_run(t, arg_int(r->rdi), sets, &w);
    if (ret >= 0)
        write_back_left(t, r->r8, &w, false);
    return signal_mask_call_end(t, ret);
}
