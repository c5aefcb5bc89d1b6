/* personalities/linux/tests/conformance/arch/x86_64/fpu_regs.S — the SSE
 * and x87 registers around a signal, for signals.c: compiled C code may use
 * any xmm register between two statements, so the values that must
 * survive a handler are loaded and stored here, right around the system
 * call the handler interrupts.
 *
 * struct fpu_regs { uint64_t xmm[32]; uint32_t mxcsr; uint16_t fcw; };
 * xmm0-xmm15 at 0, 16, ..., 240; MXCSR at 256; the x87 control word at 260. */
    .text

/* void fpu_regs_around_kill(const struct fpu_regs *in, struct fpu_regs *out,
 *                           long pid, long sig)
 * Loads MXCSR, FCW and xmm0-xmm15 from *in, makes kill(pid, sig) (to
 * itself: a handler runs before the call returns), stores them in *out. */
    .globl fpu_regs_around_kill
fpu_regs_around_kill:
    ldmxcsr 256(%rdi)
    fldcw 260(%rdi)
    movdqu 0(%rdi), %xmm0
    movdqu 16(%rdi), %xmm1
    movdqu 32(%rdi), %xmm2
    movdqu 48(%rdi), %xmm3
    movdqu 64(%rdi), %xmm4
    movdqu 80(%rdi), %xmm5
    movdqu 96(%rdi), %xmm6
    movdqu 112(%rdi), %xmm7
    movdqu 128(%rdi), %xmm8
    movdqu 144(%rdi), %xmm9
    movdqu 160(%rdi), %xmm10
    movdqu 176(%rdi), %xmm11
    movdqu 192(%rdi), %xmm12
    movdqu 208(%rdi), %xmm13
    movdqu 224(%rdi), %xmm14
    movdqu 240(%rdi), %xmm15
    push %rsi
    mov $62, %eax          /* kill */
    mov %rdx, %rdi
    mov %rcx, %rsi
    syscall
    pop %rsi
    movdqu %xmm0, 0(%rsi)
    movdqu %xmm1, 16(%rsi)
    movdqu %xmm2, 32(%rsi)
    movdqu %xmm3, 48(%rsi)
    movdqu %xmm4, 64(%rsi)
    movdqu %xmm5, 80(%rsi)
    movdqu %xmm6, 96(%rsi)
    movdqu %xmm7, 112(%rsi)
    movdqu %xmm8, 128(%rsi)
    movdqu %xmm9, 144(%rsi)
    movdqu %xmm10, 160(%rsi)
    movdqu %xmm11, 176(%rsi)
    movdqu %xmm12, 192(%rsi)
    movdqu %xmm13, 208(%rsi)
    movdqu %xmm14, 224(%rsi)
    movdqu %xmm15, 240(%rsi)
    stmxcsr 256(%rsi)
    fnstcw 260(%rsi)
    ret

/* void fpu_clobber(void): every xmm register all ones, MXCSR 0x7f80 (round
 * toward zero), FCW 0x07f (single precision): what a handler might leave. */
    .globl fpu_clobber
fpu_clobber:
    pcmpeqd %xmm0, %xmm0
    movdqa %xmm0, %xmm1
    movdqa %xmm0, %xmm2
    movdqa %xmm0, %xmm3
    movdqa %xmm0, %xmm4
    movdqa %xmm0, %xmm5
    movdqa %xmm0, %xmm6
    movdqa %xmm0, %xmm7
    movdqa %xmm0, %xmm8
    movdqa %xmm0, %xmm9
    movdqa %xmm0, %xmm10
    movdqa %xmm0, %xmm11
    movdqa %xmm0, %xmm12
    movdqa %xmm0, %xmm13
    movdqa %xmm0, %xmm14
    movdqa %xmm0, %xmm15
    sub $8, %rsp
    movl $0x7f80, (%rsp)
    ldmxcsr (%rsp)
    movw $0x007f, (%rsp)
    fldcw (%rsp)
    add $8, %rsp
    ret

/* double x87_divide(double a, double b, uint16_t fcw)
 * a / b on the x87 with control word fcw, then fwait: an exception fcw
 * unmasks is reported here (SIGFPE), as it would be at the next x87
 * instruction.  The control word is put back to 0x37f before returning. */
    .globl x87_divide
x87_divide:
    sub $24, %rsp
    movsd %xmm0, (%rsp)
    movsd %xmm1, 8(%rsp)
    mov %di, 16(%rsp)
    fldcw 16(%rsp)
    fldl (%rsp)
    fdivl 8(%rsp)
    fwait
    fstpl (%rsp)
    movw $0x37f, 16(%rsp)
    fldcw 16(%rsp)
    movsd (%rsp), %xmm0
    add $24, %rsp
    ret

/* void fpu_read_control(uint32_t *mxcsr, uint16_t *fcw) */
    .globl fpu_read_control
fpu_read_control:
    stmxcsr (%rdi)
    fnstcw (%rsi)
    ret

    .section .note.GNU-stack, "", @progbits
