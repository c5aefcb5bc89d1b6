/* kernel/core/fault.c — building fault messages (layouts in
 * lib/abi/kumiki_abi.py) and handing them to fault_deliver(). */
#include <kernel/fastpath.h>
#include <kernel/ipc.h>

void fault_unknown_syscall(struct tcb *t)
{
    const struct user_context *c = &t->ctx;
    uint64_t words[KUMIKI_FAULT_UNKNOWN_SYSCALL_LENGTH] = {
        c->rax, c->rdi, c->rsi, c->rdx, c->r10, c->r8, c->r9, c->rip, c->rsp, c->rflags,
    };
    fault_deliver(t, KUMIKI_FAULT_UNKNOWN_SYSCALL, words, KUMIKI_FAULT_UNKNOWN_SYSCALL_LENGTH);
}

void fault_user_exception(struct tcb *t, unsigned vector, uint64_t error_code)
{
    const struct user_context *c = &t->ctx;
    uint64_t words[KUMIKI_FAULT_USER_EXCEPTION_LENGTH] = { c->rip, c->rsp, c->rflags, vector, error_code };
    fault_deliver(t, KUMIKI_FAULT_USER_EXCEPTION, words, KUMIKI_FAULT_USER_EXCEPTION_LENGTH);
}

void fault_vm(struct tcb *t, uint64_t address, uint64_t error_code)
{
    uint64_t words[KUMIKI_FAULT_VM_LENGTH] = { t->ctx.rip, address, (error_code >> 4) & 1, error_code };
    fault_deliver(t, KUMIKI_FAULT_VM, words, KUMIKI_FAULT_VM_LENGTH);
}
