/* lib/user/arch/x86_64/memory.S — memcpy and memset for native programs.
 *
 * String instructions: eight bytes per iteration, then the tail a byte at
 * a time.  Besides being fast on hardware, under QEMU's -icount each
 * repetition counts as one instruction, so copying a 4 KiB page costs 512
 * counted instructions instead of thousands, which keeps the benchmarks
 * about the system rather than about a byte loop.  (Both functions are
 * the System V ABI's: rdi destination, rsi source or value, rdx length;
 * the direction flag is clear on entry by the ABI.) */
    .text

    .globl memcpy
    .type memcpy, @function
memcpy:
    mov %rdi, %rax
    mov %rdx, %rcx
    shr $3, %rcx
    rep movsq
    mov %rdx, %rcx
    and $7, %rcx
    rep movsb
    ret
    .size memcpy, . - memcpy

    .globl memset
    .type memset, @function
memset:
    mov %rdi, %r8
    movzbl %sil, %eax
    movabs $0x0101010101010101, %rcx
    imul %rcx, %rax           /* the byte in all eight lanes */
    mov %rdx, %rcx
    shr $3, %rcx
    rep stosq
    mov %rdx, %rcx
    and $7, %rcx
    rep stosb
    mov %r8, %rax
    ret
    .size memset, . - memset

    .section .note.GNU-stack, "", @progbits
