/* personalities/linux/futex.c — futex wait and wake.
 *
 * A futex is a word of user memory; its waiters are kept per (address
 * space, address).  A woken waiter gets 0 through the "complete later"
 * path (proc.h: has_result), so it does not re-read the word — the waker
 * has usually changed it already, and Linux returns 0 then too. */
#include "heap.h"
#include "syscall.h"

struct futex_queue {
    struct futex_queue *next;
    struct lx_mm *mm;
    uint64_t uaddr;
    struct lx_waitq waiters;
};

static struct futex_queue *queues;

static struct futex_queue *find(struct lx_mm *mm, uint64_t uaddr, bool create)
{
    struct futex_queue **link = &queues;
    while (*link) {
        struct futex_queue *q = *link;
        if (q->mm == mm && q->uaddr == uaddr)
            return q;
        if (!q->waiters.head) { /* emptied by timeouts or signals: drop it */
            *link = q->next;
            lx_free(q);
            continue;
        }
        link = &q->next;
    }
    if (!create)
        return NULL;
    struct futex_queue *q = lx_calloc(1, sizeof(*q));
    if (q) {
        q->mm = mm;
        q->uaddr = uaddr;
        q->next = queues;
        queues = q;
    }
    return q;
}

int futex_wake(struct lx_mm *mm, uint64_t uaddr, int n)
{
    struct futex_queue *q = find(mm, uaddr, false);
    int woken = 0;
    struct lx_thread *t;
    while (q && woken < n && (t = lx_waitq_first(&q->waiters))) {
        t->has_result = true;
        t->result = 0;
        lx_wake_thread(t);
        woken++;
    }
    return woken;
}

/* The deadline of a FUTEX_WAIT (relative) or FUTEX_WAIT_BITSET (absolute,
 * monotonic unless FUTEX_CLOCK_REALTIME) timeout; 0 for none. */
static int deadline_of(struct lx_thread *t, uint64_t utimeout, bool absolute, bool realtime, uint64_t *out)
{
    *out = 0;
    if (!utimeout)
        return 0;
    struct lx_timespec ts;
    if (mm_copy_in(t->proc->mm, &ts, utimeout, sizeof(ts)))
        return -LX_EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
        return -LX_EINVAL;
    uint64_t ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    if (!absolute)
        *out = lx_now_ns() + ns;
    else if (realtime)
        *out = ns > lx_realtime_ns() ? lx_now_ns() + (ns - lx_realtime_ns()) : 1;
    else
        *out = ns ? ns : 1;
    return 0;
}

static int64_t sys_futex(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    uint64_t uaddr = r->rdi;
    int op = arg_int(r->rsi);
    uint32_t val = arg_uint(r->rdx);
    int cmd = op & ~(LX_FUTEX_PRIVATE_FLAG | LX_FUTEX_CLOCK_REALTIME);
    if (uaddr & 3)
        return -LX_EINVAL;
    switch (cmd) {
    case LX_FUTEX_WAIT:
    case LX_FUTEX_WAIT_BITSET: {
        if (cmd == LX_FUTEX_WAIT_BITSET && arg_uint(r->r9) == 0)
            return -LX_EINVAL;
        if (t->timed_out)
            return -LX_ETIMEDOUT;
        uint32_t now_val;
        if (mm_copy_in(t->proc->mm, &now_val, uaddr, 4))
            return -LX_EFAULT;
        if (now_val != val)
            return -LX_EAGAIN;
        if (!t->call_deadline_ns) {
            uint64_t deadline;
            int e =
                deadline_of(t, r->r10, cmd == LX_FUTEX_WAIT_BITSET, op & LX_FUTEX_CLOCK_REALTIME, &deadline);
            if (e)
                return e;
            t->call_deadline_ns = deadline;
        }
        if (t->call_deadline_ns && t->call_deadline_ns <= lx_now_ns())
            return -LX_ETIMEDOUT;
        struct futex_queue *q = find(t->proc->mm, uaddr, true);
        if (!q)
            return -LX_ENOMEM;
        lx_wait_on(t, &q->waiters);
        if (t->call_deadline_ns)
            lx_wait_until(t, t->call_deadline_ns);
        return LX_BLOCK;
    }
    case LX_FUTEX_WAKE:
    case LX_FUTEX_WAKE_BITSET:
        if (cmd == LX_FUTEX_WAKE_BITSET && arg_uint(r->r9) == 0)
            return -LX_EINVAL;
        return futex_wake(t->proc->mm, uaddr, (int)val > 0 ? (int)val : 0);
    default: return -LX_ENOSYS;
    }
}

static int64_t sys_get_robust_list(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_thread *who = arg_int(r->rdi) ? thread_by_tid(arg_int(r->rdi)) : t;
    if (!who)
        return -LX_ESRCH;
    uint64_t len = 24;
    if (mm_copy_out(t->proc->mm, r->rsi, &who->robust_list, 8) || mm_copy_out(t->proc->mm, r->rdx, &len, 8))
        return -LX_EFAULT;
    return 0;
}

const struct lx_syscall_def lx_syscalls_futex[] = {
    LX_SYSCALL(202, futex, sys_futex),
    LX_SYSCALL(274, get_robust_list, sys_get_robust_list),
    { 0, NULL, NULL },
};
