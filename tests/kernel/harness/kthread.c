/* tests/kernel/harness/kthread.c — test threads (see kthread.h). */
#include "kthread.h"
#include "arch.h"

enum { STACKS = 8, STACK_WORDS = 2048 }; /* 16 KiB each */

static uint64_t stacks[STACKS][STACK_WORDS] __attribute__((aligned(16)));
static unsigned stacks_used;

void kthread_reset(void)
{
    stacks_used = 0;
}

void kthread_returned(kumiki_cptr_t self)
{
    kumiki_tcb_suspend(self);
}

static uint64_t create(struct kthread *t, uint64_t priority, bool ipc_buffer)
{
    *t = (struct kthread){ 0 };
    if (stacks_used == STACKS)
        return KE_NOT_ENOUGH_MEMORY;
    t->stack_top = (uint64_t)(uintptr_t)&stacks[stacks_used++][STACK_WORDS];
    uint64_t e = kt_new(KUMIKI_OBJ_TCB, 0, &t->tcb);
    if (!e)
        e = kumiki_tcb_set_space(t->tcb, kt.empty_slot, KUMIKI_CAP_INIT_CNODE, 0, KUMIKI_CAP_INIT_VSPACE);
    if (!e)
        e = kumiki_tcb_set_priority(t->tcb, KUMIKI_CAP_INIT_TCB, priority);
    if (!e && ipc_buffer)
        e = kt_new_mapped_frame(&t->ipc_frame, &t->ipc_vaddr);
    if (!e && ipc_buffer)
        e = kumiki_tcb_set_ipc_buffer(t->tcb, t->ipc_vaddr, t->ipc_frame);
    return e;
}

uint64_t kthread_new(struct kthread *t, uint64_t priority)
{
    return create(t, priority, true);
}

uint64_t kthread_new_bare(struct kthread *t, uint64_t priority)
{
    return create(t, priority, false);
}

uint64_t kthread_set_fault_endpoint(struct kthread *t, kumiki_cptr_t endpoint)
{
    return kumiki_tcb_set_space(t->tcb, endpoint, KUMIKI_CAP_INIT_CNODE, 0, KUMIKI_CAP_INIT_VSPACE);
}

uint64_t kthread_start(struct kthread *t, kthread_fn *fn, uint64_t arg)
{
    uint64_t fn_address;
    memcpy(&fn_address, &fn, sizeof(fn_address));
    return kumiki_tcb_write_registers(t->tcb, 1, kt_code_address(kthread_trampoline), t->stack_top, 0x202, 0,
                                      0, 0, fn_address, t->tcb, arg, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
