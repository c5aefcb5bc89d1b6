/* kernel/arch/x86_64/entry.S — every way into and out of the kernel.
 *
 * Kernel-stack model: one kernel stack per CPU (we run on one CPU).  A
 * thread's user registers live in its TCB (struct user_context), never on a
 * kernel stack, so a blocked thread costs no stack, a thread switch is a
 * pointer change, and the kernel stack is empty at every entry.  The price:
 * the kernel does not block or get preempted inside a system call; every
 * operation runs to completion (or restarts) with interrupts off, as in seL4
 * and NOVA.  Interrupts are taken only in user mode or in the idle loop.
 *
 * From ring 3, TSS.rsp0 = end of the current context: the CPU pushes
 * ss/rsp/rflags/cs/rip into the TCB, the stub pushes the rest, then we move
 * to the kernel stack and call C.  From ring 0 (idle loop only) the frame is
 * pushed on the kernel stack itself and the handler returns with iretq. */
#include <arch/context_layout.h>
#include <arch/layout.h>

/* Syscall numbers the entry dispatches on (lib/abi/kumiki_abi.py; checked
 * against the generated header in fastpath.c). */
#define SYS_CALL 1
#define SYS_REPLY_RECV 2

    .text

/* Stubs: push a zero error code where the CPU pushes none, then the vector. */
.macro STUB vector, has_error
    .balign 16
    .if \has_error == 0
    pushq $0
    .endif
    pushq $\vector
    jmp interrupt_common
.endm

    .globl interrupt_stubs
    .balign 16
interrupt_stubs:
    vector = 0
    .rept 256
    /* 8 #DF, 10-14 #TS #NP #SS #GP #PF, 17 #AC, 21 #CP, 29 #VC, 30 #SX */
    .if (vector == 8) || ((vector >= 10) && (vector <= 14)) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
    STUB vector, 1
    .else
    STUB vector, 0
    .endif
    vector = vector + 1
    .endr

.macro PUSH_GPRS
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro POP_GPRS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm

interrupt_common:
    PUSH_GPRS
    testb $3, CTX_CS(%rsp)
    jz 1f
    /* From user mode: %rsp is the thread's context in its TCB. */
    mov %rsp, %rdi
    mov kernel_stack_top(%rip), %rsp
    call trap_from_user                /* never returns */
    ud2
1:  /* From kernel mode (idle loop, or a kernel bug): frame on this stack. */
    mov %rsp, %rdi
    call trap_from_kernel
    POP_GPRS
    add $16, %rsp                      /* vector, error code */
    iretq

/* syscall: rcx = user rip, r11 = user rflags, IF cleared by SFMASK, rsp is
 * still the user's.  Build the same frame an interrupt would. */
    .globl syscall_entry
    .balign 16
syscall_entry:
    mov %rsp, syscall_user_rsp(%rip)
    mov context_save_end(%rip), %rsp
    pushq $SEL_USER_DATA
    pushq syscall_user_rsp(%rip)
    pushq %r11
    pushq $SEL_USER_CODE
    pushq %rcx
    pushq $0
    pushq $VECTOR_SYSCALL
    PUSH_GPRS
    mov %rsp, %rdi
    mov kernel_stack_top(%rip), %rsp
    /* Call and ReplyRecv try their fast paths first, from small entry
     * functions that need few registers (see kernel/core/fastpath.c). */
    cmp $SYS_CALL, %rax
    je 1f
    cmp $SYS_REPLY_RECV, %rax
    je 2f
    call syscall_from_user             /* never returns */
    ud2
1:  call syscall_call_entry            /* never returns */
    ud2
2:  call syscall_reply_recv_entry      /* never returns */
    ud2

/* context_return_to_user(struct user_context *c) */
    .globl context_return_to_user
    .balign 16
context_return_to_user:
    cmpq $VECTOR_SYSCALL, CTX_VECTOR(%rdi)
    jne 2f
    /* sysret is only safe with a canonical rip (else #GP in ring 0 on the
     * user's stack on Intel); such a context goes out through iretq. */
    mov CTX_RIP(%rdi), %rcx
    mov %rcx, %rax
    shr $47, %rax
    jnz 2f
    mov CTX_RFLAGS(%rdi), %r11
    mov CTX_R15(%rdi), %r15
    mov CTX_R14(%rdi), %r14
    mov CTX_R13(%rdi), %r13
    mov CTX_R12(%rdi), %r12
    mov CTX_R10(%rdi), %r10
    mov CTX_R9(%rdi), %r9
    mov CTX_R8(%rdi), %r8
    mov CTX_RBP(%rdi), %rbp
    mov CTX_RSI(%rdi), %rsi
    mov CTX_RDX(%rdi), %rdx
    mov CTX_RBX(%rdi), %rbx
    mov CTX_RAX(%rdi), %rax
    mov CTX_RSP(%rdi), %rsp
    mov CTX_RDI(%rdi), %rdi
    sysretq
2:  mov %rdi, %rsp
    POP_GPRS
    add $16, %rsp
    iretq

    .data
    .balign 8
    .globl context_save_end, kernel_stack_top
/* End of the current thread's struct user_context (also in TSS.rsp0). */
context_save_end: .quad 0
/* Top of the one kernel stack; reset at every entry from user mode. */
kernel_stack_top: .quad boot_stack_top
syscall_user_rsp: .quad 0
