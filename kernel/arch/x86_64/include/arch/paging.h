/* kernel/arch/x86_64/include/arch/paging.h — 4-level page tables.
 *
 *   PML4 --> PDPT --> PD --> PT --> 4 KiB frame
 *                         \--> 2 MiB page (PS)
 *
 * The kernel half (PML4 slots 256..511) is the same in every address space:
 * new user roots copy those slots from the kernel root, and the kernel never
 * adds a new kernel-half PML4 slot after paging_init, so the copies stay
 * complete. */
#pragma once

#include <kernel/types.h>

enum vm_rights { VM_READ = 1, VM_WRITE = 2, VM_EXEC = 4 };

enum vm_error { VM_OK = 0, VM_ERR_NO_MEMORY, VM_ERR_ALREADY_MAPPED, VM_ERR_NOT_USER, VM_ERR_ALIGN };

/* Physical memory as the kernel sees it: through the boot window before
 * paging_init, through the physmap after. */
void *phys_to_virt(paddr_t phys);

/* Builds the kernel's own tables (physmap of [0, ram_end), device window,
 * kernel image) and switches to them, dropping the boot identity map. */
void paging_init(paddr_t ram_end);

/* Maps [phys, phys + size) uncached into the device window; any 64-bit
 * physical address.  Boot only.  Panics if the window or memory runs out. */
volatile void *paging_map_device(paddr_t phys, size_t size);

/* A new address-space root with the kernel half filled in; 0 if out of memory. */
paddr_t paging_new_user_root(void);
enum vm_error paging_map_user_page(paddr_t root, vaddr_t va, paddr_t frame, unsigned rights);
/* Looks up a user page: false when absent or not a user page. */
bool paging_lookup_user_page(paddr_t root, vaddr_t va, paddr_t *frame, unsigned *rights);
void paging_activate(paddr_t root);
/* Flushes the TLB entries of root's user half if root is the current one. */
void paging_flush_if_current(paddr_t root, vaddr_t va, bool whole);

/* Entry bits (arch-internal users: vspace.c). */
enum {
    PTE_PRESENT = 1u << 0,
    PTE_WRITE = 1u << 1,
    PTE_USER = 1u << 2,
    PTE_WRITE_THROUGH = 1u << 3,
    PTE_CACHE_DISABLE = 1u << 4,
    PTE_LARGE = 1u << 7,
    PTE_GLOBAL = 1u << 8,
};
#define PTE_NO_EXECUTE   (1ull << 63)
#define PTE_ADDRESS_MASK 0x000ffffffffff000ull

/* The entry for va at `level` (3 = PML4 ... 0 = page table) in root's
 * tables, when every level above is a present table; else NULL. */
uint64_t *paging_entry(paddr_t root, vaddr_t va, unsigned level);
/* The no-execute bit if the CPU has one, else 0. */
uint64_t paging_nx_bit(void);
paddr_t paging_kernel_root(void);
paddr_t paging_current_root(void);
