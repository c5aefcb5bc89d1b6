/* register_spin(iterations): every general-purpose register but rsp and the
 * loop counter holds a distinct pattern while we spin; afterwards count the
 * registers that lost it.  A timer interrupt that failed to save or restore
 * any of them shows up here. */
    .text
    .globl register_spin
register_spin:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rdi, %rcx                      /* loop counter */
    movabs $0x1111111111111111, %rax
    movabs $0x2222222222222222, %rbx
    movabs $0x3333333333333333, %rdx
    movabs $0x4444444444444444, %rsi
    movabs $0x5555555555555555, %rdi
    movabs $0x6666666666666666, %rbp
    movabs $0x7777777777777777, %r8
    movabs $0x8888888888888888, %r9
    movabs $0x9999999999999999, %r10
    movabs $0xaaaaaaaaaaaaaaaa, %r11
    movabs $0xbbbbbbbbbbbbbbbb, %r12
    movabs $0xcccccccccccccccc, %r13
    movabs $0xdddddddddddddddd, %r14
    movabs $0xeeeeeeeeeeeeeeee, %r15
1:  dec %rcx
    jnz 1b
    /* Count mismatches in rcx (now 0); r15 is checked before it is reused. */
    .macro CHECK reg, value
    push %rax
    movabs $\value, %rax
    cmp %rax, \reg
    pop %rax
    je 2f
    inc %rcx
2:
    .endm
    CHECK %rbx, 0x2222222222222222
    CHECK %rdx, 0x3333333333333333
    CHECK %rsi, 0x4444444444444444
    CHECK %rdi, 0x5555555555555555
    CHECK %rbp, 0x6666666666666666
    CHECK %r8, 0x7777777777777777
    CHECK %r9, 0x8888888888888888
    CHECK %r10, 0x9999999999999999
    CHECK %r11, 0xaaaaaaaaaaaaaaaa
    CHECK %r12, 0xbbbbbbbbbbbbbbbb
    CHECK %r13, 0xcccccccccccccccc
    CHECK %r14, 0xdddddddddddddddd
    CHECK %r15, 0xeeeeeeeeeeeeeeee
    movabs $0x1111111111111111, %r15
    cmp %r15, %rax
    je 3f
    inc %rcx
3:  mov %rcx, %rax
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret
