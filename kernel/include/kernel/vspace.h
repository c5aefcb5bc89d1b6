/* kernel/include/kernel/vspace.h — the architecture's address-space objects
 * as the generic kernel sees them (implemented in arch/x86_64/vspace.c).
 *
 * Frames and page-table levels are mapped through one capability each; the
 * capability remembers where (ASID and virtual address).  A PML4 gets an
 * ASID (address-space id) when it is created; the ASID table tells whether
 * a PML4 is still alive, so unmapping through a capability whose address
 * space is gone is safe and does nothing. */
#pragma once

#include <kernel/cap.h>

void vspace_object_init(uint64_t type, paddr_t paddr, struct cap *cap);
/* Free ASIDs (retype refuses to create more PML4s than this). */
unsigned vspace_asids_available(void);
/* A frame or paging capability is being deleted; final: it was the last. */
void vspace_cap_deleted(const struct cap *cap, bool final);
/* The CR3 value for a PML4 capability. */
paddr_t vspace_root_phys(const struct cap *cap);
/* Resolves a user address to a present user page of the address space with
 * root `root` (see paging.h); used for the IPC buffer and debug writes. */
