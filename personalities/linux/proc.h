/* personalities/linux/proc.h — Linux processes and threads, and how a
 * system call that must wait waits.
 *
 * A Linux thread is a foreign-ABI Kumiki thread whose fault endpoint is the
 * personality's endpoint badged with the thread's index: its system calls
 * and page faults arrive here as fault IPC carrying that badge.  A system
 * call is answered by replying to the fault; one that must wait (a read of
 * an empty pipe, wait4, futex, nanosleep) saves the reply capability in the
 * thread's reply slot, and the thread stays blocked in the kernel until the
 * personality replies through it.
 *
 * Waiting is "block and retry": a handler that cannot finish registers the
 * thread on wait queues (lx_wait_on) and/or a deadline (lx_wait_until) and
 * returns LX_BLOCK without having changed anything.  When a queue is woken,
 * or the deadline passes, or a signal arrives, the whole system call runs
 * again from its saved arguments.  So handlers must decide to block before
 * they change state. */
#pragma once

#include "linux_abi.h"
#include "mm.h"
#include <kumiki/abi.h>
#include <stdbool.h>
#include <stdint.h>

enum { LX_MAX_THREADS = 256, LX_MAX_PID = 32768 };

/* A handler's "I must wait" (never a valid result: results are >= -4095 or
 * addresses). */
#define LX_BLOCK ((int64_t)0x8000000000000001ll)
/* A handler's "the thread is gone or was resumed otherwise: send nothing". */
#define LX_NO_REPLY ((int64_t)0x8000000000000002ll)
/* A handler's "registers were written with TCB WRITE_REGISTERS: resume the
 * thread without overwriting any" (rt_sigreturn). */
#define LX_RESUME_AS_IS ((int64_t)0x8000000000000003ll)

/* Registers of a thread at its system call, as the fault message gives them
 * (and as the reply sets them). */
struct lx_syscall_regs {
    uint64_t rax, rdi, rsi, rdx, r10, r8, r9, rip, rsp, rflags;
};

/* Every user register of a thread, in the order of TCB READ_REGISTERS. */
struct lx_cpu {
    uint64_t rip, rsp, rflags, rax, rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15, fs_base, gs_base;
};

struct lx_waiter;
struct lx_sigqueue; /* signal.c: the siginfo of pending signals */

struct lx_waitq {
    struct lx_waiter *head;
};

enum lx_thread_state {
    LX_THREAD_FREE = 0,
    LX_THREAD_RUNNING, /* in user code (or just created) */
    LX_THREAD_SYSCALL, /* its fault is being handled; the personality holds its reply right */
    LX_THREAD_BLOCKED, /* reply right saved in reply_slot; waiting */
    LX_THREAD_RETRY,   /* woken: its system call runs again soon */
    LX_THREAD_DEAD,
};

struct lx_proc;

struct lx_thread {
    unsigned index; /* badge = index + 1 */
    int tid;
    enum lx_thread_state state;
    struct lx_proc *proc;
    struct lx_thread *next_in_proc;
    kumiki_cptr_t tcb, fault_ep, reply_slot;
    struct lx_syscall_regs regs; /* of the system call being handled or retried */
    uint64_t clear_child_tid;    /* set_tid_address / CLONE_CHILD_CLEARTID */
    uint64_t robust_list;
    uint64_t sigmask, sigpending;
    struct lx_sigqueue *sigqueue; /* signal.c: siginfo of sigpending's signals */
    uint64_t altstack_sp, altstack_size;
    unsigned altstack_flags;
    struct lx_waiter *waits; /* the queues it waits on */
    uint64_t deadline_ns;    /* 0: none */
    bool timed_out;          /* the deadline passed while it waited */
    bool wake_pending;       /* woken while its call was still being handled: run it again */
    /* A deadline a call computed at its first run (nanosleep, poll, futex
     * timeouts), kept across its retries; cleared when the call completes. */
    uint64_t call_deadline_ns;
    bool interrupted; /* a signal arrived while it waited */
    struct lx_thread *next_retry;
    /* "Complete later": a system call that finished its work but must not
     * return yet (vfork's parent) sets has_result; its wake-up replies
     * with result instead of running the call again. */
    bool has_result;
    int64_t result;
    struct lx_proc *vfork_child; /* the child a CLONE_VFORK parent waits for */
};

enum lx_proc_state { LX_PROC_FREE = 0, LX_PROC_ALIVE, LX_PROC_ZOMBIE };

struct lx_files;  /* the file-descriptor table (fd.h) */
struct lx_fsinfo; /* cwd and umask (vfs.h) */

struct lx_proc {
    int pid, pgid, sid;
    enum lx_proc_state state;
    struct lx_proc *parent;
    struct lx_proc *children, *next_sibling;
    struct lx_thread *threads;
    unsigned live_threads;
    struct lx_mm *mm;
    struct lx_files *files;
    struct lx_fsinfo *fs;
    struct lx_sigaction actions[LX_NSIG];
    uint64_t sigpending; /* process-directed signals */
    /* signal.c: the siginfo of sigpending's signals, and how many siginfo
     * the process and its threads have queued (bounded: signal.h). */
    struct lx_sigqueue *sigqueue;
    unsigned sigqueued;
    /* Job control (signal.c): stopped by a stop signal until SIGCONT; the
     * stop signal wait4 (WUNTRACED) has yet to report (0: none), and
     * whether a continuation is yet to be reported (WCONTINUED). */
    bool stopped;
    int stop_report;
    bool continued_report;
    int exit_signal; /* sent to the parent at exit (SIGCHLD) */
    int wait_status; /* as wait4 reports it */
    bool group_exiting;
    struct lx_waitq child_exit; /* wait4 waits here */
    uint32_t uid, gid, euid, egid;
    int nice; /* -20..19 (nice.c): inherited, reported, not used for scheduling */
    struct lx_rlimit rlimits[LX_RLIM_NLIMITS]; /* reported; RLIMIT_NOFILE is enforced by the fd table */
    char exe[256];                             /* /proc/self/exe */
    char comm[16];
    uint64_t start_ns;
    struct lx_thread *vfork_parent; /* woken when this child execs or exits */
};

/* Thread table and lookups. */
struct lx_thread *thread_by_badge(uint64_t badge);
struct lx_thread *thread_by_tid(int tid);
struct lx_proc *proc_by_pid(int pid);
/* Iterates every live process: for (p = proc_first(); p; p = proc_next(p)). */
struct lx_proc *proc_first(void);
struct lx_proc *proc_next(struct lx_proc *p);

/* Waiting. */
void lx_wait_on(struct lx_thread *t, struct lx_waitq *q);
void lx_wait_until(struct lx_thread *t, uint64_t deadline_ns);
/* The first thread waiting on q (NULL: none). */
struct lx_thread *lx_waitq_first(const struct lx_waitq *q);
bool lx_waiting_on(const struct lx_thread *t, const struct lx_waitq *q);
/* Every thread waiting on q will retry its system call. */
void lx_wake(struct lx_waitq *q);
void lx_wake_thread(struct lx_thread *t);
/* Drops every queue registration and deadline of t. */
void lx_unwait(struct lx_thread *t);

/* The main loop's side of waiting (main.c): threads to answer again, and
 * deadlines (lx_deadlines_dirty: one was added since the last arming). */
bool lx_retry_pending(void);
struct lx_thread *lx_next_retry(void);
uint64_t lx_expire_deadlines(uint64_t now); /* wakes the expired; returns the earliest left (0: none) */
extern bool lx_deadlines_dirty;
/* One step of wait4: the pid it reaped (*status set), 0 (WNOHANG, none
 * yet), -LX_ECHILD or LX_BLOCK. */
int64_t proc_wait(struct lx_thread *t, int pid, int options, int *status);

/* Monotonic nanoseconds since the personality started (time.c). */
uint64_t lx_now_ns(void);
/* Wall clock nanoseconds since 1970 (time.c). */
uint64_t lx_realtime_ns(void);

/* Registers of a thread that is not running (blocked in its fault). */
int thread_read_cpu(struct lx_thread *t, struct lx_cpu *cpu);
int thread_write_cpu(struct lx_thread *t, const struct lx_cpu *cpu);
/* Its x87/SSE state (TCB READ_FPU / WRITE_FPU; struct lx_fpstate is the
 * image, signal_frame.h): 0, -LX_EINVAL when the kernel refuses the image
 * (an MXCSR the CPU does not support), -LX_EFAULT when the TCB is gone. */
struct lx_fpstate;
int thread_read_fpu(struct lx_thread *t, struct lx_fpstate *f);
int thread_write_fpu(struct lx_thread *t, const struct lx_fpstate *f);
/* TCB SUSPEND and RESUME of a thread running user code, for job control
 * (signal.c): 0 or -LX_ESRCH.  Suspending cancels a fault the thread is
 * sending; main.c handles every queued fault before signal.c suspends. */
int thread_suspend(struct lx_thread *t);
int thread_resume(struct lx_thread *t);

/* Process lifecycle (proc.c).  The first process made is init (pid 1). */
struct lx_proc *proc_new(struct lx_proc *parent); /* no threads, no mm yet */
uint64_t proc_created_count(void);                /* processes made since boot (/proc/stat) */
struct lx_thread *thread_new(struct lx_proc *p);  /* a tid, a badge; no TCB yet */
/* Makes the thread's TCB in mm and starts it at cpu. */
int thread_start(struct lx_thread *t, struct lx_mm *mm, const struct lx_cpu *cpu);
/* The same for clone and fork: the new thread also starts with the x87/SSE
 * registers of `like` (a thread blocked in its system call), as Linux
 * copies them (control words, rounding mode and all). */
int thread_start_like(struct lx_thread *t, struct lx_mm *mm, const struct lx_cpu *cpu,
                      const struct lx_thread *like);
/* Ends every thread and the process: wait_status as wait4 reports it
 * (exit code << 8, or the signal number). */
void proc_exit_group(struct lx_proc *p, int wait_status);
/* Ends one thread (exit); the last thread ends the process. */
void thread_exit(struct lx_thread *t, int wait_status_if_last);
/* Stops and forgets the thread's kernel thread (exec replaces it). */
void thread_stop_kernel(struct lx_thread *t);
/* The notification of the personality's exit hook: called when init ends. */
void lx_init_exited(int wait_status);
/* Futexes (futex.c): wakes up to n waiters on the word at uaddr of mm. */
int futex_wake(struct lx_mm *mm, uint64_t uaddr, int n);
/* Signals (signal.c): marks a signal pending and wakes a thread that can
 * take it. */
void lx_signal_proc(struct lx_proc *p, int sig);
void lx_signal_thread(struct lx_thread *t, int sig);
bool lx_signal_deliverable(const struct lx_thread *t);

/* Signal delivery on the way back to user mode (signal.c): with result the
 * value the system call returns (or, for a fault, the registers as they
 * are), sets up a handler frame for a deliverable signal, or applies its
 * default action.  Returns false when the thread no longer runs (killed). */
bool signal_deliver(struct lx_thread *t, struct lx_syscall_regs *r, int64_t *result, bool in_syscall);
