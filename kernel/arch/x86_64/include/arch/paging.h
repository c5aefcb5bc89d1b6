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
paddr_t paging_kernel_root(void);
