/* personalities/linux/proc.c — see proc.h: the thread and process tables,
 * wait queues, and how threads and processes begin and end. */
#include "proc.h"
#include "fd.h"
#include "heap.h"
#include "jobctl.h"
#include "kobj.h"
#include "personality.h"
#include "signal.h"
#include "slots.h"
#include "vfs.h"
#include <kumiki/invocations_generated.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

static struct lx_thread threads[LX_MAX_THREADS];
static struct lx_thread *tid_table[LX_MAX_PID];
static struct lx_proc *pid_table[LX_MAX_PID];
static int next_tid = 1;

/* ---- lookups ---------------------------------------------------------------- */

struct lx_thread *thread_by_badge(uint64_t badge)
{
    if (badge == 0 || badge > LX_MAX_THREADS)
        return NULL;
    struct lx_thread *t = &threads[badge - 1];
    return t->state == LX_THREAD_FREE || t->state == LX_THREAD_DEAD ? NULL : t;
}

struct lx_thread *thread_by_tid(int tid)
{
    return tid > 0 && tid < LX_MAX_PID ? tid_table[tid] : NULL;
}

struct lx_proc *proc_by_pid(int pid)
{
    return pid > 0 && pid < LX_MAX_PID ? pid_table[pid] : NULL;
}

static struct lx_proc *proc_from(int pid)
{
    for (; pid < LX_MAX_PID; pid++)
        if (pid_table[pid])
            return pid_table[pid];
    return NULL;
}

struct lx_proc *proc_first(void)
{
    return proc_from(1);
}

struct lx_proc *proc_next(struct lx_proc *p)
{
    return proc_from(p->pid + 1);
}

/* ---- waking (the queues themselves: waitq.c) --------------------------------- */

static struct lx_thread *retry_head, *retry_tail;

bool lx_retry_pending(void)
{
    return retry_head != NULL;
}

void lx_wake_thread(struct lx_thread *t)
{
    if (t->state != LX_THREAD_BLOCKED) {
        /* Not waiting (yet): a thread whose call is being handled right now
         * registered and was woken before it could block; it runs its call
         * again at once instead of sleeping (complete() in main.c).  Either
         * way it leaves every queue, so lx_wake's loop always ends. */
        if (t->waits && t->state == LX_THREAD_SYSCALL)
            t->wake_pending = true;
        lx_unwait(t);
        return;
    }
    lx_unwait(t);
    t->state = LX_THREAD_RETRY;
    t->next_retry = NULL;
    if (retry_tail)
        retry_tail->next_retry = t;
    else
        retry_head = t;
    retry_tail = t;
}

struct lx_thread *lx_next_retry(void)
{
    struct lx_thread *t = retry_head;
    if (t) {
        retry_head = t->next_retry;
        if (!retry_head)
            retry_tail = NULL;
    }
    return t;
}

/* Wakes every thread whose deadline has passed; returns the earliest
 * deadline still pending (0: none). */
uint64_t lx_expire_deadlines(uint64_t now)
{
    uint64_t earliest = 0;
    for (unsigned i = 0; i < LX_MAX_THREADS; i++) {
        struct lx_thread *t = &threads[i];
        if (t->state != LX_THREAD_BLOCKED || !t->deadline_ns)
            continue;
        if (t->deadline_ns <= now) {
            t->timed_out = true;
            lx_wake_thread(t);
        } else if (!earliest || t->deadline_ns < earliest) {
            earliest = t->deadline_ns;
        }
    }
    return earliest;
}

/* ---- registers -------------------------------------------------------------- */

int thread_read_cpu(struct lx_thread *t, struct lx_cpu *c)
{
    return kumiki_tcb_read_registers(t->tcb, &c->rip, &c->rsp, &c->rflags, &c->rax, &c->rbx, &c->rcx, &c->rdx,
                                     &c->rsi, &c->rdi, &c->rbp, &c->r8, &c->r9, &c->r10, &c->r11, &c->r12,
                                     &c->r13, &c->r14, &c->r15, &c->fs_base, &c->gs_base)
               ? -LX_EFAULT
               : 0;
}

static int write_cpu(kumiki_cptr_t tcb, const struct lx_cpu *c, bool resume)
{
    return kumiki_tcb_write_registers(tcb, resume, c->rip, c->rsp, c->rflags, c->rax, c->rbx, c->rcx, c->rdx,
                                      c->rsi, c->rdi, c->rbp, c->r8, c->r9, c->r10, c->r11, c->r12, c->r13,
                                      c->r14, c->r15, c->fs_base, c->gs_base)
               ? -LX_EFAULT
               : 0;
}

int thread_write_cpu(struct lx_thread *t, const struct lx_cpu *cpu)
{
    return write_cpu(t->tcb, cpu, false);
}

_Static_assert(sizeof(struct lx_fpstate) == KUMIKI_FPU_STATE_WORDS * 8,
               "Linux's _fpstate is the kernel's image");

int thread_read_fpu(struct lx_thread *t, struct lx_fpstate *f)
{
    uint64_t words[KUMIKI_FPU_STATE_WORDS];
    if (kumiki_tcb_read_fpu(t->tcb, words))
        return -LX_EFAULT;
    memcpy(f, words, sizeof(*f));
    return 0;
}

int thread_write_fpu(struct lx_thread *t, const struct lx_fpstate *f)
{
    uint64_t words[KUMIKI_FPU_STATE_WORDS];
    memcpy(words, f, sizeof(words));
    uint64_t e = kumiki_tcb_write_fpu(t->tcb, words);
    return e == KE_INVALID_ARGUMENT ? -LX_EINVAL : e ? -LX_EFAULT : 0;
}

/* Job control (signal.c stops and continues processes). */
int thread_suspend(struct lx_thread *t)
{
    return t->tcb && kumiki_tcb_suspend(t->tcb) == 0 ? 0 : -LX_ESRCH;
}

int thread_resume(struct lx_thread *t)
{
    return t->tcb && kumiki_tcb_resume(t->tcb) == 0 ? 0 : -LX_ESRCH;
}

/* ---- creation --------------------------------------------------------------- */

static int alloc_tid(void)
{
    for (int tries = 0; tries < LX_MAX_PID; tries++) {
        int tid = next_tid++;
        if (next_tid >= LX_MAX_PID)
            next_tid = 2; /* pid 1 stays init's */
        if (!tid_table[tid] && !pid_table[tid])
            return tid;
    }
    return 0;
}

static uint64_t procs_created;

uint64_t proc_created_count(void)
{
    return procs_created;
}

struct lx_proc *proc_new(struct lx_proc *parent)
{
    struct lx_proc *p = lx_calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->pid = alloc_tid();
    if (!p->pid) {
        lx_free(p);
        return NULL;
    }
    procs_created++;
    pid_table[p->pid] = p;
    p->state = LX_PROC_ALIVE;
    p->parent = parent;
    p->exit_signal = LX_SIGCHLD;
    p->start_ns = lx_now_ns();
    if (parent) {
        p->pgid = parent->pgid;
        p->sid = parent->sid;
        p->uid = parent->uid;
        p->gid = parent->gid;
        p->euid = parent->euid;
        p->egid = parent->egid;
        memcpy(p->exe, parent->exe, sizeof(p->exe));
        memcpy(p->rlimits, parent->rlimits, sizeof(p->rlimits));
        p->nice = parent->nice;
        memcpy(p->comm, parent->comm, sizeof(p->comm));
        p->next_sibling = parent->children;
        parent->children = p;
    } else {
        p->pgid = p->sid = p->pid;
        for (unsigned i = 0; i < LX_RLIM_NLIMITS; i++)
            p->rlimits[i] = (struct lx_rlimit){ LX_RLIM_INFINITY, LX_RLIM_INFINITY };
        p->rlimits[LX_RLIMIT_STACK].cur = LX_STACK_MAX;
        p->rlimits[LX_RLIMIT_CORE].cur = 0;
        p->rlimits[LX_RLIMIT_NOFILE] = (struct lx_rlimit){ 1024, 4096 }; /* Linux's defaults */
        p->rlimits[LX_RLIMIT_NICE] = (struct lx_rlimit){ 0, 0 };         /* only root lowers nice values */
    }
    return p;
}

struct lx_thread *thread_new(struct lx_proc *p)
{
    struct lx_thread *t = NULL;
    for (unsigned i = 0; i < LX_MAX_THREADS && !t; i++)
        if (threads[i].state == LX_THREAD_FREE)
            t = &threads[i];
    if (!t)
        return NULL;
    unsigned index = (unsigned)(t - threads);
    kumiki_cptr_t fault_ep = t->fault_ep, reply_slot = t->reply_slot; /* kept across uses */
    *t = (struct lx_thread){ .index = index, .fault_ep = fault_ep, .reply_slot = reply_slot };
    if (!t->fault_ep) {
        kumiki_cptr_t slot = lx_slot_alloc();
        if (!slot ||
            kumiki_cnode_mint(KUMIKI_PROGRAM_CAP_CNODE, slot, 64, KUMIKI_PROGRAM_CAP_CNODE, lx.endpoint, 64,
                              KUMIKI_RIGHT_WRITE | KUMIKI_RIGHT_GRANT_REPLY, index + 1)) {
            lx_slot_free(slot);
            return NULL;
        }
        t->fault_ep = slot;
    }
    if (!t->reply_slot && !(t->reply_slot = lx_slot_alloc()))
        return NULL;
    /* The leader's tid is the pid. */
    t->tid = p->threads ? alloc_tid() : p->pid;
    if (!t->tid)
        return NULL;
    tid_table[t->tid] = t;
    t->proc = p;
    t->state = LX_THREAD_RUNNING;
    t->next_in_proc = p->threads;
    p->threads = t;
    p->live_threads++;
    return t;
}

/* The FPU image of `like` into tcb (before it first runs). */
static uint64_t copy_fpu(kumiki_cptr_t tcb, const struct lx_thread *like)
{
    if (!like)
        return 0; /* execve: a fresh state, as Linux's */
    uint64_t words[KUMIKI_FPU_STATE_WORDS];
    uint64_t e = kumiki_tcb_read_fpu(like->tcb, words);
    return e ? e : kumiki_tcb_write_fpu(tcb, words);
}

int thread_start_like(struct lx_thread *t, struct lx_mm *mm, const struct lx_cpu *cpu,
                      const struct lx_thread *like)
{
    kumiki_cptr_t tcb = mm_new_object(mm, KUMIKI_OBJ_TCB, 0);
    if (!tcb)
        return -LX_ENOMEM;
    uint64_t name[2] = { 0, 0 };
    memcpy(name, t->proc->comm, sizeof(name) <= sizeof(t->proc->comm) ? sizeof(name) : sizeof(t->proc->comm));
    if (kumiki_tcb_set_space(tcb, t->fault_ep, mm->cnode, 0, mm->vspace) ||
        kumiki_tcb_set_foreign_abi(tcb, 1) || kumiki_tcb_set_name(tcb, name[0], name[1]) ||
        copy_fpu(tcb, like) || write_cpu(tcb, cpu, true)) {
        mm_delete_object(mm, tcb);
        return -LX_ENOMEM;
    }
    t->tcb = tcb;
    t->state = LX_THREAD_RUNNING;
    return 0;
}

int thread_start(struct lx_thread *t, struct lx_mm *mm, const struct lx_cpu *cpu)
{
    return thread_start_like(t, mm, cpu, NULL);
}

/* ---- ending ----------------------------------------------------------------- */

void thread_stop_kernel(struct lx_thread *t)
{
    if (!t->tcb)
        return;
    /* Suspend first: it cancels the IPC the thread is blocked in, so that
     * deleting a saved reply capability cannot resume it. */
    kumiki_tcb_suspend(t->tcb);
    kumiki_cnode_delete(KUMIKI_PROGRAM_CAP_CNODE, t->reply_slot, 64);
    mm_delete_object(t->proc->mm, t->tcb);
    t->tcb = 0;
}

static void reap(struct lx_proc *p)
{
    struct lx_proc **link = p->parent ? &p->parent->children : NULL;
    while (link && *link && *link != p)
        link = &(*link)->next_sibling;
    if (link && *link)
        *link = p->next_sibling;
    pid_table[p->pid] = NULL;
    lx_free(p);
}

static bool ignores_sigchld(const struct lx_proc *parent)
{
    const struct lx_sigaction *a = &parent->actions[LX_SIGCHLD - 1];
    return a->handler == LX_SIG_IGN || (a->flags & LX_SA_NOCLDWAIT);
}

/* The last thread is gone: the process becomes a zombie for its parent. */
static void proc_end(struct lx_proc *p, int wait_status)
{
    signal_proc_ended(p); /* its pending signals' siginfo, its job-control state */
    p->state = LX_PROC_ZOMBIE;
    p->wait_status = wait_status;
    if (p->files) {
        files_put(p->files);
        p->files = NULL;
    }
    if (p->fs) {
        fsinfo_put(p->fs);
        p->fs = NULL;
    }
    if (p->mm) {
        mm_put(p->mm);
        p->mm = NULL;
    }
    if (p->vfork_parent) {
        p->vfork_parent->vfork_child = NULL;
        lx_wake_thread(p->vfork_parent);
        p->vfork_parent = NULL;
    }
    int child_pgids[JOBCTL_MAX_CHILD_GROUPS];
    unsigned child_groups = jobctl_child_groups(p, child_pgids);
    /* Orphans go to init, which reaps them. */
    struct lx_proc *init = proc_by_pid(1);
    while (p->children) {
        struct lx_proc *c = p->children;
        p->children = c->next_sibling;
        if (init && init != p) {
            c->parent = init;
            c->next_sibling = init->children;
            init->children = c;
            if (c->state == LX_PROC_ZOMBIE)
                lx_wake(&init->child_exit);
        } else {
            c->parent = NULL;
            if (c->state == LX_PROC_ZOMBIE)
                reap(c);
        }
    }
    jobctl_proc_ended(p, child_pgids, child_groups);
    if (p->pid == 1)
        lx_init_exited(wait_status);
    struct lx_proc *parent = p->parent;
    if (!parent) {
        reap(p);
        return;
    }
    if (ignores_sigchld(parent)) {
        reap(p);
        lx_wake(&parent->child_exit); /* a wait4 with no children left must see ECHILD */
        return;
    }
    if (p->exit_signal)
        lx_signal_child_exit(parent, p);
    lx_wake(&parent->child_exit);
}

static void thread_release(struct lx_thread *t)
{
    signal_thread_released(t); /* its pending signals' siginfo */
    lx_unwait(t);
    if (t->vfork_child) { /* a vfork parent that dies: its child must not wake the slot's next user */
        t->vfork_child->vfork_parent = NULL;
        t->vfork_child = NULL;
    }
    if (t->clear_child_tid && t->proc->mm && t->proc->live_threads > 1) {
        uint32_t zero = 0;
        if (mm_copy_out(t->proc->mm, t->clear_child_tid, &zero, sizeof(zero)) == 0)
            futex_wake(t->proc->mm, t->clear_child_tid, 1);
    }
    thread_stop_kernel(t);
    struct lx_proc *p = t->proc;
    struct lx_thread **link = &p->threads;
    while (*link && *link != t)
        link = &(*link)->next_in_proc;
    if (*link)
        *link = t->next_in_proc;
    tid_table[t->tid] = NULL; /* the pid stays the process's (pid_table) until it is reaped */
    p->live_threads--;
    t->state = LX_THREAD_FREE;
    t->proc = NULL;
}

void thread_exit(struct lx_thread *t, int wait_status_if_last)
{
    struct lx_proc *p = t->proc;
    thread_release(t);
    if (p->live_threads == 0)
        proc_end(p, wait_status_if_last);
}

void proc_exit_group(struct lx_proc *p, int wait_status)
{
    if (p->state != LX_PROC_ALIVE)
        return;
    p->group_exiting = true;
    while (p->threads)
        thread_release(p->threads);
    proc_end(p, wait_status);
}

/* ---- wait4 -------------------------------------------------------------------- */

static bool wait_matches(const struct lx_proc *self, const struct lx_proc *c, int pid)
{
    if (pid > 0)
        return c->pid == pid;
    if (pid == -1)
        return true;
    if (pid == 0)
        return c->pgid == self->pgid;
    return c->pgid == -pid;
}

/* One step of wait4: the zombie it reaps (pid, *status), 0 (WNOHANG and
 * none yet), -ECHILD, or LX_BLOCK.  options are Linux's: zombies only with
 * WEXITED (wait4 always adds it), stopped and continued children with
 * WSTOPPED and WCONTINUED (signal_wait_job). */
int64_t proc_wait(struct lx_thread *t, int pid, int options, int *status)
{
    struct lx_proc *self = t->proc;
    bool any = false;
    for (struct lx_proc *c = self->children; c; c = c->next_sibling) {
        if (!wait_matches(self, c, pid))
            continue;
        any = true;
        if (c->state != LX_PROC_ZOMBIE) {
            if (signal_wait_job(c, options, status))
                return c->pid;
            continue;
        }
        if (options & LX_WEXITED) {
            *status = c->wait_status;
            int found = c->pid;
            if (!(options & LX_WNOWAIT))
                reap(c);
            return found;
        }
    }
    if (!any)
        return -LX_ECHILD;
    if (options & LX_WNOHANG)
        return 0;
    lx_wait_on(t, &self->child_exit);
    return LX_BLOCK;
}
