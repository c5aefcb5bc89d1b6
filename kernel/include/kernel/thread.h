/* kernel/include/kernel/thread.h — user threads and the scheduler.
 *
 * A thread's registers live in its struct thread (see arch/context.h), so a
 * thread that is not running costs no kernel stack.  Scheduling: 256 fixed
 * priorities (255 highest), round robin inside a level, a time slice of
 * THREAD_TIME_SLICE ticks; the highest runnable priority always runs.
 *
 *   ready[p]: circular doubly linked list of runnable threads at priority p
 *   ready_bitmap: bit p set <=> ready[p] non-empty
 *
 * The running thread stays on its queue while it runs. */
#pragma once

#include <arch/context.h>
#include <arch/cpu.h>
#include <kernel/types.h>

enum { THREAD_TIME_SLICE = 5, THREAD_NAME_MAX = 48 };

enum thread_state { THREAD_INACTIVE, THREAD_RUNNABLE, THREAD_EXITED };

/* Why a thread stopped, reported to whoever supervises it. */
struct thread_outcome {
    enum { OUTCOME_EXITED, OUTCOME_FAULTED } kind;
    int64_t exit_status;
    unsigned vector; /* OUTCOME_FAULTED: exception vector */
    uint64_t error_code, fault_address, rip;
};

struct thread {
    struct user_context ctx; /* first: 16-byte aligned, see context.h */
    struct fpu_state fpu;    /* x87/SSE registers while the thread is not running */
    paddr_t vspace_root;
    uint64_t fs_base;
    enum thread_state state;
    uint8_t priority;
    unsigned slice_left;
    struct thread *next, *prev; /* ready queue links */
    unsigned id;
    char name[THREAD_NAME_MAX];
    void *owner; /* the supervisor's record for this thread */
};

/* The thread whose context the CPU runs (or last ran); NULL when idle. */
extern struct thread *current_thread;

void thread_init(struct thread *t, const char *name, paddr_t vspace_root, vaddr_t entry, vaddr_t stack,
                 uint8_t priority);
void sched_make_runnable(struct thread *t);
void sched_remove(struct thread *t);
/* Called on every timer tick: charges the running thread, rotates its queue
 * when its slice is used up. */
void sched_tick(void);
uint64_t sched_ticks(void);
unsigned sched_tick_hz(void);
/* Ends the kernel's work for this entry: picks the thread to run and
 * resumes it, idling until one is runnable. */
NORETURN void sched_exit_to_user(void);

/* Stops t for good and tells its supervisor (program_runner for now). */
void thread_stop(struct thread *t, const struct thread_outcome *outcome);
