/* tests/kernel/arch/x86_64/instructions.S — instructions the kernel tests
 * need that C cannot express (declared in harness/arch.h). */
    .text

    .globl kt_ud2, kt_ud2_site
kt_ud2:
kt_ud2_site:
    ud2
    mov $7, %eax
    ret

    .globl kt_read_fs0
kt_read_fs0:
    mov %fs:0, %rax
    ret

    .globl kt_read_gs0
kt_read_gs0:
    mov %gs:0, %rax
    ret

/* uint64_t kt_syscall(number, rdi, rsi, uint64_t *rdi_out) */
    .globl kt_syscall
kt_syscall:
    mov %rdi, %rax
    mov %rsi, %rdi
    mov %rdx, %rsi
    mov %rcx, %r8          /* keep rdi_out: syscall clobbers rcx */
    push %r8
    syscall
    pop %r8
    mov %rdi, (%r8)
    ret

/* Segment loads a user thread may do without the kernel: each sets the
 * register's base (null selector: 0 on QEMU and AMD; a data descriptor: its
 * base, 0 in a flat GDT), behind the kernel's back. */
    .globl kt_load_fs, kt_load_gs, kt_stack_selector
kt_load_fs:
    mov %edi, %fs
    ret

kt_load_gs:
    mov %edi, %gs
    ret

kt_stack_selector:
    xor %eax, %eax
    mov %ss, %ax
    ret

    .globl kt_inb_0x40, kt_inb_site
kt_inb_0x40:
kt_inb_site:
    inb $0x40, %al
    ret

    .globl kt_cli, kt_cli_site
kt_cli:
kt_cli_site:
    cli
    ret

    .globl kt_spin_forever
kt_spin_forever:
1:  incq (%rdi)
    jmp 1b

/* The SSE control register of the calling thread. */
    .globl kt_set_mxcsr, kt_get_mxcsr
kt_set_mxcsr:
    push %rdi
    ldmxcsr (%rsp)
    pop %rdi
    ret

kt_get_mxcsr:
    push %rax
    stmxcsr (%rsp)
    pop %rax
    mov %eax, %eax
    ret

/* void kt_fpu_across_syscall(number, rdi, const void *xmm0_in, void *xmm0_out,
 *                            uint32_t *mxcsr_out): loads xmm0 (16 bytes),
 * makes the system call (a blocking one: the thread's FPU state is then
 * its TCB's), and stores xmm0 and MXCSR as they are after it.  No compiled
 * code runs in between that could use xmm0. */
    .globl kt_fpu_across_syscall
kt_fpu_across_syscall:
    push %rcx
    push %r8
    movdqu (%rdx), %xmm0
    mov %rdi, %rax
    mov %rsi, %rdi
    xor %esi, %esi         /* message info: no words */
    syscall
    pop %r8
    pop %rcx
    movdqu %xmm0, (%rcx)
    stmxcsr (%r8)
    ret

/* void kt_spin_with_mxcsr(uint32_t mxcsr, volatile uint32_t *seen,
 * volatile uint64_t *counter): sets MXCSR, then for ever stores it in *seen
 * and increments *counter, without a system call. */
    .globl kt_spin_with_mxcsr
kt_spin_with_mxcsr:
    push %rdi
    ldmxcsr (%rsp)
    pop %rdi
1:  stmxcsr (%rsi)
    incq (%rdx)
    jmp 1b

    .section .note.GNU-stack, "", @progbits
