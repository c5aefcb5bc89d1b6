/* tests/kernel/arch/x86_64/thread_entry.S — where test threads start
 * (declared in harness/arch.h). */
    .text

/* rdi = argument, rsi = own TCB, rdx = function: fn(arg, self), then
 * kthread_returned(self) for ever.  rsp is 16-byte aligned here, so the
 * call leaves it as the ABI expects at a function's entry. */
    .globl kthread_trampoline
kthread_trampoline:
    mov %rsi, %rbx
    call *%rdx
1:  mov %rbx, %rdi
    call kthread_returned
    jmp 1b

    .section .note.GNU-stack, "", @progbits
