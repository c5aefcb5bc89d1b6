/* kernel/arch/x86_64/include/arch/layout.h — the virtual address map.
 *
 *   0x0000000000001000 .. USER_TOP        user space (lower canonical half)
 *   0xffff800000000000 .. +512 GiB        PHYSMAP: all RAM, 2 MiB pages
 *   0xffffff0000000000 .. +512 GiB        DEVICE window: MMIO mapped on demand
 *   0xffffffff80000000 .. +1 GiB          kernel image (KERNEL_VMA + phys)
 *
 * Shared by the linker script (only plain constants here) and the C code.
 */
#pragma once

#define KERNEL_VMA         0xffffffff80000000
#define PHYSMAP_BASE       0xffff800000000000
#define PHYSMAP_SIZE       0x0000008000000000 /* one PML4 slot: 512 GiB */
#define DEVICE_WINDOW_BASE 0xffffff0000000000
#define DEVICE_WINDOW_SIZE 0x0000008000000000
/* The boot page tables map [0, 1 GiB) at KERNEL_VMA; early boot can reach
 * physical memory below this limit only. */
#define BOOT_WINDOW_LIMIT 0x40000000

#define USER_BOTTOM 0x0000000000001000
#define USER_TOP    0x00007ffffffff000 /* exclusive; keeps the last page before the hole unmapped */

/* Segment selectors (see gdt.c for why the order is fixed by sysret). */
#define SEL_KERNEL_CODE 0x08
#define SEL_KERNEL_DATA 0x10
#define SEL_USER_DATA   0x1b /* 0x18 | RPL 3 */
#define SEL_USER_CODE   0x23 /* 0x20 | RPL 3 */
#define SEL_TSS         0x28

#define KERNEL_STACK_SIZE 16384
