/* personalities/linux/tests/host_env.c — see host_env.h. */
#include "host_env.h"

#include "../../../lib/fmt/format.h"
#include "../fd.h"
#include "../frames.h"
#include "../heap.h"
#include "../hostlink.h"
#include "../mm.h"
#include "../personality.h"
#include "../signal.h"
#include "../vfs.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- heap ---- */

static long fail_countdown, live;

void host_heap_fail_after(long n)
{
    fail_countdown = n;
}

long host_heap_live(void)
{
    return live;
}

static int heap_should_fail(void)
{
    return fail_countdown > 0 && --fail_countdown == 0;
}

void *lx_malloc(size_t size)
{
    if (heap_should_fail())
        return NULL;
    void *p = malloc(size ? size : 1);
    if (p)
        live++;
    return p;
}

void *lx_calloc(size_t n, size_t size)
{
    if (heap_should_fail())
        return NULL;
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p)
        live++;
    return p;
}

void lx_free(void *p)
{
    if (p)
        live--;
    free(p);
}

/* The heap's pages as /proc/meminfo shows them: one per live block (the
 * host's malloc keeps no pages of its own to count). */
size_t lx_heap_pages(void)
{
    return (size_t)live;
}

char *lx_strdup(const char *s)
{
    char *d = lx_malloc(strlen(s) + 1);
    if (d)
        strcpy(d, s);
    return d;
}

/* ---- frames ---- */

static uint8_t (*pool)[4096];
static uint32_t refcounts[HOST_FRAMES_MAX];
static uint32_t limit = HOST_FRAMES_MAX, in_use;

void host_frames_limit(uint32_t n)
{
    limit = n < HOST_FRAMES_MAX ? n : HOST_FRAMES_MAX;
}

lx_frame_t frame_alloc(void)
{
    if (!pool)
        pool = calloc(HOST_FRAMES_MAX, 4096);
    if (in_use >= limit)
        return 0;
    for (uint32_t f = 1; f < HOST_FRAMES_MAX; f++)
        if (!refcounts[f]) {
            refcounts[f] = 1;
            in_use++;
            memset(pool[f], 0, 4096);
            return f;
        }
    return 0;
}

static void frame_check(lx_frame_t f)
{
    if (f == 0 || f >= HOST_FRAMES_MAX || !refcounts[f]) {
        fprintf(stderr, "host_env: bad frame %u\n", f);
        abort();
    }
}

void frame_ref(lx_frame_t f)
{
    frame_check(f);
    refcounts[f]++;
}

void frame_unref(lx_frame_t f)
{
    frame_check(f);
    if (--refcounts[f] == 0) {
        in_use--;
        memset(pool[f], 0xa5, 4096); /* stale readers see garbage */
    }
}

uint32_t frame_refcount(lx_frame_t f)
{
    return f < HOST_FRAMES_MAX ? refcounts[f] : 0;
}

void *frame_ptr(lx_frame_t f)
{
    frame_check(f);
    return pool[f];
}

uint32_t frames_total(void)
{
    return limit;
}

uint32_t frames_in_use(void)
{
    return in_use;
}

/* ---- user memory ---- */

static uint8_t user_mem[HOST_USER_SIZE];
static size_t user_next;

void *host_user_ptr(uint64_t uaddr)
{
    return user_mem + (uaddr - HOST_USER_BASE);
}

uint64_t host_user_alloc(size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (user_next + size > HOST_USER_SIZE - HOST_USER_RO_SIZE) {
        fprintf(stderr, "host_env: user memory exhausted\n");
        abort();
    }
    uint64_t a = HOST_USER_BASE + user_next;
    user_next += size;
    memset(host_user_ptr(a), 0, size);
    return a;
}

uint64_t host_user_string(const char *s)
{
    uint64_t a = host_user_alloc(strlen(s) + 1);
    memcpy(host_user_ptr(a), s, strlen(s) + 1);
    return a;
}

void host_user_reset(void)
{
    user_next = 0;
}

int mm_user_page(struct lx_mm *mm, uint64_t uaddr, bool write, void **ptr, size_t *avail)
{
    if (uaddr < HOST_USER_BASE || uaddr >= HOST_USER_BASE + HOST_USER_SIZE)
        return -LX_EFAULT;
    if (write && uaddr >= HOST_USER_BASE + HOST_USER_SIZE - HOST_USER_RO_SIZE)
        return -LX_EFAULT;
    *ptr = host_user_ptr(uaddr);
    *avail = 4096 - (uaddr % 4096);
    return 0;
}

static int user_copy(struct lx_mm *mm, uint64_t uaddr, void *kbuf, size_t len, bool write)
{
    while (len) {
        void *p;
        size_t avail;
        if (mm_user_page(mm, uaddr, write, &p, &avail) < 0)
            return -LX_EFAULT;
        size_t n = avail < len ? avail : len;
        if (write)
            memcpy(p, kbuf, n);
        else
            memcpy(kbuf, p, n);
        kbuf = (uint8_t *)kbuf + n;
        uaddr += n;
        len -= n;
    }
    return 0;
}

int mm_copy_in(struct lx_mm *mm, void *dst, uint64_t uaddr, size_t len)
{
    return user_copy(mm, uaddr, dst, len, false);
}

int mm_copy_out(struct lx_mm *mm, uint64_t uaddr, const void *src, size_t len)
{
    return user_copy(mm, uaddr, (void *)src, len, true);
}

long mm_string_in(struct lx_mm *mm, char *dst, uint64_t uaddr, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        if (mm_copy_in(mm, &dst[i], uaddr + i, 1))
            return -LX_EFAULT;
        if (!dst[i])
            return (long)i;
    }
    return -LX_ENAMETOOLONG;
}

/* ---- threads, waiting, time ---- */

uint64_t host_now_ns = 1000000000ull;
unsigned host_wake_count;

uint64_t lx_now_ns(void)
{
    return host_now_ns;
}

uint64_t lx_realtime_ns(void)
{
    return 1700000000ull * 1000000000ull + host_now_ns;
}

/* The queues are the personality's (waitq.c); waking just leaves them and
 * counts (no main loop runs calls again here). */
void lx_wake_thread(struct lx_thread *t)
{
    host_wake_count++;
    lx_unwait(t);
}

int host_waiting_on(const struct lx_thread *t, const struct lx_waitq *q)
{
    return lx_waiting_on(t, q);
}

void lx_signal_thread(struct lx_thread *t, int sig)
{
    t->sigpending |= 1ull << (sig - 1);
}

/* signal.c's mask of ppoll and pselect6 (signal.h): the call's mask while
 * it runs; the thread's own back when it returns, unless it waits or was
 * interrupted (then a handler would run first). */
static struct lx_thread *call_mask_owner;
static uint64_t call_mask_saved;

void signal_mask_for_call(struct lx_thread *t, uint64_t mask)
{
    if (call_mask_owner == t)
        return;
    call_mask_owner = t;
    call_mask_saved = t->sigmask;
    t->sigmask = mask & ~(LX_SIG_UNBLOCKABLE);
}

int64_t signal_mask_call_end(struct lx_thread *t, int64_t result)
{
    if (result != LX_BLOCK && result != -LX_EINTR && call_mask_owner == t) {
        t->sigmask = call_mask_saved;
        call_mask_owner = NULL;
    }
    return result;
}

/* ---- The process table (procfs reads it) ---- */

static struct lx_proc *host_procs[LX_MAX_PID];

struct lx_proc *proc_by_pid(int pid)
{
    return pid > 0 && pid < LX_MAX_PID ? host_procs[pid] : NULL;
}

static struct lx_proc *proc_from(int pid)
{
    for (; pid < LX_MAX_PID; pid++)
        if (host_procs[pid])
            return host_procs[pid];
    return NULL;
}

uint64_t proc_created_count(void)
{
    uint64_t n = 0;
    for (int pid = 1; pid < LX_MAX_PID; pid++)
        n += host_procs[pid] != NULL;
    return n;
}

struct lx_proc *proc_first(void)
{
    return proc_from(1);
}

struct lx_proc *proc_next(struct lx_proc *p)
{
    return proc_from(p->pid + 1);
}

struct lx_thread *host_thread_new(uint32_t uid, uint32_t gid)
{
    struct lx_proc *p = calloc(1, sizeof(*p));
    struct lx_thread *t = calloc(1, sizeof(*t));
    p->pid = 1;
    while (host_procs[p->pid])
        p->pid++; /* the lowest free pid: the first process is 1 */
    host_procs[p->pid] = p;
    p->state = LX_PROC_ALIVE;
    p->pgid = p->sid = p->pid;
    p->exit_signal = LX_SIGCHLD;
    p->start_ns = host_now_ns;
    p->threads = t;
    p->live_threads = 1;
    strcpy(p->comm, "test-program");
    p->uid = p->euid = uid;
    p->gid = p->egid = gid;
    p->mm = calloc(1, sizeof(*p->mm));
    p->files = files_new();
    p->fs = fsinfo_new_root();
    strcpy(p->exe, "/bin/test-program");
    t->proc = p;
    t->tid = p->pid;
    t->state = LX_THREAD_SYSCALL;
    return t;
}

void host_thread_free(struct lx_thread *t)
{
    host_procs[t->proc->pid] = NULL;
    lx_unwait(t);
    files_put(t->proc->files);
    fsinfo_put(t->proc->fs);
    free(t->proc->mm);
    free(t->proc);
    free(t);
}

/* ---- hostlink and the log ---- */

char host_stdout[65536];
size_t host_stdout_len;

int hostlink_write(int stream, const void *buf, size_t len)
{
    if (host_stdout_len + len > sizeof(host_stdout))
        return -LX_EIO;
    memcpy(host_stdout + host_stdout_len, buf, len);
    host_stdout_len += len;
    return 0;
}

/* ---- uvsnprintf and usnprintf: the user runtime's, on lib/fmt's formatter ---- */

size_t uvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return format_to_buffer(buf, size, fmt, ap);
}

size_t usnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = format_to_buffer(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

char host_last_log[512];

void lx_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(host_last_log, sizeof(host_last_log), fmt, ap);
    va_end(ap);
}
