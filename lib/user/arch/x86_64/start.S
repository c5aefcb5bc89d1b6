/* lib/user/arch/x86_64/start.S — program entry.  The kernel starts us with
 * rdi = our command line and a 16-byte aligned rsp.  The first instruction
 * reads the time stamp counter for BENCH boot_to_user. */
    .text
    .globl _start
_start:
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, kumiki_start_tsc(%rip)
    xor %ebp, %ebp
    and $-16, %rsp
    call kumiki_start        /* (const char *cmdline), never returns */
    ud2

    .bss
    .balign 8
    .globl kumiki_start_tsc
kumiki_start_tsc: .quad 0
