/* tests/kernel/harness/kthread.h — threads in the root task's own address
 * space and CSpace, for tests.
 *
 * A thread gets a TCB and an IPC buffer frame from the pool and one of the
 * harness's static stacks.  It starts in kthread_trampoline (arch), which
 * calls fn(arg, self) and, should fn return, suspends the thread forever. */
#pragma once

#include "ktest.h"

typedef void kthread_fn(uint64_t arg, kumiki_cptr_t self);

struct kthread {
    kumiki_cptr_t tcb;
    kumiki_cptr_t ipc_frame;
    uint64_t ipc_vaddr;
    uint64_t stack_top;
};

/* TCB in the root's CSpace and VSpace, with an IPC buffer, at `priority`,
 * no fault endpoint, not started. */
uint64_t kthread_new(struct kthread *t, uint64_t priority);
/* Same, without an IPC buffer (messages of four words at most). */
uint64_t kthread_new_bare(struct kthread *t, uint64_t priority);
/* Sets the thread's fault endpoint (a capability in the root CSpace). */
uint64_t kthread_set_fault_endpoint(struct kthread *t, kumiki_cptr_t endpoint);
/* Writes its registers to run fn(arg, tcb) and resumes it. */
uint64_t kthread_start(struct kthread *t, kthread_fn *fn, uint64_t arg);
/* Resets the stack allocator (the harness calls it between tests). */
void kthread_reset(void);

/* Called by the trampoline when fn returns: suspends `self` forever. */
void kthread_returned(kumiki_cptr_t self);
