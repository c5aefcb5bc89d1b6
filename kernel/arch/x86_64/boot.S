/* kernel/arch/x86_64/boot.S — from the multiboot loader to kernel_main.
 *
 * QEMU's -kernel loads us as a 32-bit multiboot1 image (the x86_64 ELF is
 * converted to elf32-i386 by the build; its physical load addresses are
 * unchanged).  We arrive in 32-bit protected mode, paging off, with
 * eax = multiboot magic and ebx = physical address of the info structure.
 * This file checks for long mode, maps [0, 1 GiB) both at 0 and at
 * KERNEL_VMA with 2 MiB pages, enables long mode and jumps to the higher
 * half.  Everything here runs at its physical address, so every reference to
 * a high-linked symbol subtracts KERNEL_VMA. */
#include <arch/layout.h>

#define MULTIBOOT_MAGIC 0x1BADB002
#define MULTIBOOT_FLAGS ((1 << 0) | (1 << 1)) /* page-aligned modules, memory map */
#define PHYS(sym) ((sym) - KERNEL_VMA)

    .section .multiboot, "a"
    .balign 4
    .long MULTIBOOT_MAGIC
    .long MULTIBOOT_FLAGS
    .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

    .section .boot.text, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    /* First instruction that counts for BENCH boot_to_user. */
    mov %eax, %edi
    rdtsc
    mov %eax, PHYS(boot_entry_tsc)
    mov %edx, PHYS(boot_entry_tsc) + 4
    mov %edi, PHYS(boot_multiboot_magic)
    mov %ebx, PHYS(boot_multiboot_info)
    mov $PHYS(boot_stack_top), %esp

    /* Long mode present?  Without it nothing below can work: say so. */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb no_long_mode
    mov $0x80000001, %eax
    cpuid
    test $(1 << 29), %edx
    jz no_long_mode
    /* Remember whether no-execute exists; paging.c uses it for user pages. */
    xor %eax, %eax
    test $(1 << 20), %edx
    setnz %al
    mov %eax, PHYS(cpu_has_nx)

    /* Page directory: 512 x 2 MiB identity entries (present, writable, PS). */
    mov $PHYS(boot_pd), %edi
    mov $0x83, %eax
    mov $512, %ecx
1:  mov %eax, (%edi)
    movl $0, 4(%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 1b

    /* pml4[0] -> pdpt_low[0] -> pd ; pml4[511] -> pdpt_high[510] -> pd */
    mov $PHYS(boot_pd) + 3, %eax
    mov %eax, PHYS(boot_pdpt_low)
    mov %eax, PHYS(boot_pdpt_high) + 510 * 8
    mov $PHYS(boot_pdpt_low) + 3, %eax
    mov %eax, PHYS(boot_pml4)
    mov $PHYS(boot_pdpt_high) + 3, %eax
    mov %eax, PHYS(boot_pml4) + 511 * 8

    mov $PHYS(boot_pml4), %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $(1 << 5), %eax                 /* PAE */
    mov %eax, %cr4
    mov $0xc0000080, %ecx              /* EFER */
    rdmsr
    or $(1 << 8), %eax                 /* LME */
    cmpl $0, PHYS(cpu_has_nx)
    je 2f
    or $(1 << 11), %eax                /* NXE */
2:  wrmsr
    mov %cr0, %eax
    or $((1 << 31) | (1 << 16) | 1), %eax /* PG, WP, PE */
    mov %eax, %cr0

    lgdt boot_gdt_pointer
    ljmp $0x08, $long_mode_low

no_long_mode:
    mov $no_long_mode_text, %esi
3:  lodsb
    test %al, %al
    jz 4f
    mov $0x3f8, %dx
    out %al, %dx
    jmp 3b
4:  mov $0xf4, %dx                     /* isa-debug-exit, if present */
    mov $0x11, %al
    out %al, %dx
5:  hlt
    jmp 5b

    .code64
long_mode_low:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %eax, %eax
    mov %ax, %fs
    mov %ax, %gs
    movabs $long_mode_high, %rax
    jmp *%rax

    .section .boot.data, "a"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff           /* 64-bit code */
    .quad 0x00cf92000000ffff           /* data */
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt
no_long_mode_text:
    .asciz "kumiki: this CPU has no long mode (x86_64); cannot boot\n"

    .text
long_mode_high:
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp
    call kernel_main                   /* never returns */
6:  hlt
    jmp 6b

    .bss
    .balign 4096
    .globl boot_pml4
boot_pml4: .skip 4096
boot_pdpt_low: .skip 4096
boot_pdpt_high: .skip 4096
boot_pd: .skip 4096
    .globl boot_stack_top
boot_stack: .skip KERNEL_STACK_SIZE
boot_stack_top:
    .balign 8
    .globl boot_entry_tsc, boot_multiboot_magic, boot_multiboot_info, cpu_has_nx
boot_entry_tsc: .quad 0
boot_multiboot_magic: .long 0
boot_multiboot_info: .long 0
cpu_has_nx: .long 0
