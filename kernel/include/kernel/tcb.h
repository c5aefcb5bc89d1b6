/* kernel/include/kernel/tcb.h — thread control blocks and the scheduler.
 *
 * A TCB is a kernel object (2^11 bytes, retyped from untyped memory).  It
 * holds the thread's saved user registers (see arch/context.h: a thread that
 * is not running costs no kernel stack), its FPU state, four capability
 * slots (CSpace root, VSpace root, IPC buffer frame, fault endpoint) and its
 * scheduling and IPC state.
 *
 * Scheduling: 256 fixed priorities (255 highest), round robin inside a
 * level, THREAD_TIME_SLICE ticks per turn; the highest runnable priority
 * always runs.  ready[p] is a circular list, bit p of ready_bitmap says it is
 * non-empty; the running thread stays on its queue while it runs. */
#pragma once

#include <arch/arch.h>
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/paging.h>
#include <kernel/cap.h>

enum { THREAD_TIME_SLICE = 5, TCB_NAME_MAX = 24 };

enum thread_state {
    THREAD_INACTIVE,             /* never started, or suspended */
    THREAD_RUNNABLE,             /* on a ready queue */
    THREAD_BLOCKED_SEND,         /* queued on blocked_on (an endpoint) to send */
    THREAD_BLOCKED_RECV,         /* queued on blocked_on (an endpoint) to receive */
    THREAD_BLOCKED_REPLY,        /* waiting for the reply to a Call or a fault */
    THREAD_BLOCKED_NOTIFICATION, /* queued on blocked_on (a notification) */
};

struct endpoint;
struct notification;

struct tcb {
    struct user_context ctx; /* first: 16-byte aligned, see context.h */
    struct fpu_state fpu;    /* x87/SSE registers while not running */

    /* Capabilities the thread holds (nodes of the derivation tree). */
    struct cte cspace_root, vspace_root, ipc_buffer_frame, fault_endpoint;

    enum thread_state state;
    uint8_t priority, mcp;
    bool on_ready_queue;
    bool finalised;   /* its last capability is gone: nothing may be installed in it */
    bool foreign_abi; /* every syscall becomes an UNKNOWN_SYSCALL fault */
    unsigned slice_left;
    struct tcb *ready_next, *ready_prev;

    /* IPC state: valid while blocked (see endpoint.c). */
    void *blocked_on; /* struct endpoint or struct notification */
    struct tcb *queue_next, *queue_prev;
    uint64_t send_badge;       /* badge of the capability used to send */
    bool send_can_grant;       /* the send may transfer capabilities (GRANT) */
    bool send_can_grant_reply; /* the reply to this Call may (GRANT_REPLY) */
    bool send_is_call;
    uint8_t pending_fault; /* KUMIKI_FAULT_* this thread sends or awaits a reply to, 0 if none */
    uint8_t fault_length;
    uint64_t fault_words[KUMIKI_FAULT_MAX_WORDS];
    struct tcb *reply_to;   /* a caller waiting for this thread's reply (the one-shot reply right) */
    struct tcb *replier;    /* while BLOCKED_REPLY: the thread holding the right to reply, or NULL */
    struct cte *reply_slot; /* while BLOCKED_REPLY: the REPLY capability saved for us, or NULL */
    struct notification *bound_notification;

    vaddr_t ipc_buffer_address;           /* user address, 0 if none */
    struct kumiki_ipc_buffer *ipc_buffer; /* the same page through the physmap, or NULL */
    uint64_t fs_base;
    uint64_t gs_base;     /* a foreign-ABI thread's own GS base; unused while native */
    uint64_t run_gs_base; /* == tcb_user_gs_base(t), kept by tcb_update_gs_base for the switch */
    paddr_t vspace_phys;  /* CR3 value, 0 until a VSpace is set */

    unsigned id;
    char name[TCB_NAME_MAX];
};
_Static_assert(sizeof(struct tcb) <= (1u << KUMIKI_TCB_SIZE_BITS), "TCB fits its object size");

/* The thread whose context the CPU runs (or last ran); NULL when idle. */
extern struct tcb *current_thread;

/* Initialises a new (zeroed) TCB object (retype). */
void tcb_init(struct tcb *t);
/* Its last capability is gone: stop it, cancel its IPC, drop its caps. */
void tcb_finalise(struct tcb *t);
/* A capability held in one of a TCB's own slots was deleted. */
void tcb_slot_emptied(struct cte *slot, enum tcb_slot which);

void sched_make_runnable(struct tcb *t);
void sched_remove(struct tcb *t);
/* `in` takes `out`'s place in its ready queue (same priority; the IPC fast
 * path's O(1) hand-over). */
void sched_replace(struct tcb *out, struct tcb *in);
/* Changes the state, leaving/joining the ready queue as needed. */
void thread_set_state(struct tcb *t, enum thread_state state);
void sched_tick(void);
void sched_yield(void);
uint64_t sched_ticks(void);
unsigned sched_tick_hz(void);
/* Ends the kernel's work for this entry: picks the thread to run and
 * resumes it, idling until one is runnable. */
NORETURN void sched_exit_to_user(void);
/* Switches to t right away (the IPC fast path); t must be runnable. */
NORETURN void sched_switch_now(struct tcb *t);

static inline const char *tcb_name(const struct tcb *t)
{
    return t->name[0] ? t->name : "(unnamed)";
}

/* The GS base the thread runs with.  A native thread's is its IPC buffer
 * (the user library reaches the buffer at %gs:0); a foreign-ABI thread
 * never uses the buffer and has a GS base of its own (Linux's
 * arch_prctl(ARCH_SET_GS)), set through WRITE_REGISTERS. */
static inline uint64_t tcb_user_gs_base(const struct tcb *t)
{
    return t->foreign_abi ? t->gs_base : t->ipc_buffer_address;
}

/* Call after foreign_abi, gs_base or ipc_buffer_address changed: refreshes
 * run_gs_base (which the switch loads, so that the IPC fast path does not
 * pay for the choice) and the CPU's GS base if t is running. */
void tcb_update_gs_base(struct tcb *t);

/* The switch itself, inline for the IPC fast path: FPU state, address
 * space, FS/GS bases and the register save area follow the thread. */
static inline __attribute__((always_inline, noreturn)) void switch_to_thread(struct tcb *t)
{
    if (t != current_thread) {
        if (current_thread)
            fpu_save(&current_thread->fpu);
        fpu_restore(&t->fpu);
        paging_activate(t->vspace_phys);
        cpu_set_fs_base(t->fs_base);
        cpu_set_gs_base(t->run_gs_base);
        context_set_save_area(&t->ctx);
        current_thread = t;
    }
    context_return_to_user(&t->ctx);
}
