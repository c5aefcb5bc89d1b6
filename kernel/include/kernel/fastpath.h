/* kernel/include/kernel/fastpath.h — Call and ReplyRecv without the general
 * machinery, for the common case (see core/fastpath.c for the conditions).
 * Each returns only when the fast path does not apply, having changed
 * nothing; otherwise it switches to the partner and never returns. */
#pragma once

#include <kernel/tcb.h>

void fastpath_call(struct tcb *caller);
void fastpath_reply_recv(struct tcb *server);
void fastpath_unknown_syscall(struct tcb *t);

/* From entry.S for SYS_CALL and SYS_REPLY_RECV: the fast path, else the
 * general dispatcher. */
NORETURN void syscall_call_entry(struct user_context *ctx);
NORETURN void syscall_reply_recv_entry(struct user_context *ctx);
NORETURN void syscall_from_user(struct user_context *ctx);

/* Faults raised by the kernel on a thread's behalf (core/fault.c). */
void fault_unknown_syscall(struct tcb *t);
void fault_user_exception(struct tcb *t, unsigned vector, uint64_t error_code);
void fault_vm(struct tcb *t, uint64_t address, uint64_t error_code);
