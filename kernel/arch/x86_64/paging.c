/* kernel/arch/x86_64/paging.c — page-table construction and lookup. */
#include <arch/cpu.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <kernel/log.h>
#include <kernel/pmem.h>
#include <kernel/string.h>

extern uint64_t boot_pml4[512];
extern uint32_t cpu_has_nx;

static bool physmap_ready;
static paddr_t kernel_root;
static paddr_t active_root; /* what CR3 holds: kept here so a switch can skip the read */
static vaddr_t device_window_next = DEVICE_WINDOW_BASE;

void *phys_to_virt(paddr_t phys)
{
    if (physmap_ready)
        return (void *)(PHYSMAP_BASE + phys);
    if (phys >= BOOT_WINDOW_LIMIT)
        panic("early access to physical %p beyond the boot window", (void *)phys);
    return (void *)(KERNEL_VMA + phys);
}

static uint64_t *table_at(paddr_t phys)
{
    return phys_to_virt(phys);
}

static unsigned index_at(vaddr_t va, unsigned level)
{
    return (va >> (12 + 9 * level)) & 511; /* level 3 = PML4 ... 0 = PT */
}

/* Returns the next-level table for va at `level`, creating it if asked.
 * Intermediate entries are writable and user-accessible: the leaf decides. */
static uint64_t *next_table(uint64_t *table, vaddr_t va, unsigned level, bool create, bool user)
{
    uint64_t *entry = &table[index_at(va, level)];
    if (!(*entry & PTE_PRESENT)) {
        if (!create)
            return NULL;
        paddr_t frame = physmap_ready ? pmem_alloc_frame() : pmem_alloc_frame_below(BOOT_WINDOW_LIMIT);
        if (!frame)
            return NULL;
        *entry = frame | PTE_PRESENT | PTE_WRITE | (user ? PTE_USER : 0);
    }
    if (*entry & PTE_LARGE)
        return NULL;
    return table_at(*entry & PTE_ADDRESS_MASK);
}

static uint64_t leaf_flags(unsigned rights, bool user)
{
    uint64_t flags = PTE_PRESENT | (user ? PTE_USER : 0);
    if (rights & VM_WRITE)
        flags |= PTE_WRITE;
    if (!(rights & VM_EXEC) && cpu_has_nx)
        flags |= PTE_NO_EXECUTE;
    return flags;
}

static void map_physmap(uint64_t *pml4, paddr_t ram_end)
{
    uint64_t flags = PTE_PRESENT | PTE_WRITE | PTE_LARGE | PTE_GLOBAL | (cpu_has_nx ? PTE_NO_EXECUTE : 0);
    paddr_t end = ALIGN_UP(ram_end, LARGE_PAGE_SIZE);
    if (end > PHYSMAP_SIZE)
        end = PHYSMAP_SIZE;
    for (paddr_t p = 0; p < end; p += LARGE_PAGE_SIZE) {
        vaddr_t va = PHYSMAP_BASE + p;
        uint64_t *pdpt = next_table(pml4, va, 3, true, false);
        uint64_t *pd = pdpt ? next_table(pdpt, va, 2, true, false) : NULL;
        if (!pd)
            panic("out of memory while mapping physical memory");
        pd[index_at(va, 1)] = p | flags;
    }
}

void paging_init(paddr_t ram_end)
{
    kernel_root = pmem_alloc_frame_below(BOOT_WINDOW_LIMIT);
    if (!kernel_root)
        panic("no memory for the kernel page tables");
    uint64_t *pml4 = table_at(kernel_root);
    pml4[511] = boot_pml4[511]; /* kernel image: reuse the boot tables */
    map_physmap(pml4, ram_end);
    /* Pre-create the device window's PDPT so the slot exists in every copy. */
    if (!next_table(pml4, DEVICE_WINDOW_BASE, 3, true, false))
        panic("no memory for the device window");
    write_cr3(kernel_root);
    active_root = kernel_root;
    physmap_ready = true;
}

volatile void *paging_map_device(paddr_t phys, size_t size)
{
    paddr_t first = ALIGN_DOWN(phys, PAGE_SIZE), last = ALIGN_UP(phys + size, PAGE_SIZE);
    vaddr_t base = device_window_next;
    if (last - first > DEVICE_WINDOW_BASE + DEVICE_WINDOW_SIZE - base)
        panic("device window exhausted mapping %p", (void *)phys);
    uint64_t *pml4 = table_at(kernel_root);
    for (paddr_t p = first; p < last; p += PAGE_SIZE) {
        vaddr_t va = base + (p - first);
        uint64_t *pdpt = next_table(pml4, va, 3, true, false);
        uint64_t *pd = pdpt ? next_table(pdpt, va, 2, true, false) : NULL;
        uint64_t *pt = pd ? next_table(pd, va, 1, true, false) : NULL;
        if (!pt)
            panic("out of memory mapping device memory");
        pt[index_at(va, 0)] = p | PTE_PRESENT | PTE_WRITE | PTE_CACHE_DISABLE | PTE_WRITE_THROUGH |
                              (cpu_has_nx ? PTE_NO_EXECUTE : 0);
        invlpg(va);
    }
    device_window_next += last - first;
    return (volatile void *)(base + (phys - first));
}

paddr_t paging_new_user_root(void)
{
    paddr_t root = pmem_alloc_frame();
    if (!root)
        return 0;
    uint64_t *dst = table_at(root), *src = table_at(kernel_root);
    for (unsigned i = 256; i < 512; i++)
        dst[i] = src[i];
    return root;
}

enum vm_error paging_map_user_page(paddr_t root, vaddr_t va, paddr_t frame, unsigned rights)
{
    if (!IS_ALIGNED(va, PAGE_SIZE) || !IS_ALIGNED(frame, PAGE_SIZE))
        return VM_ERR_ALIGN;
    if (va < USER_BOTTOM || va >= USER_TOP)
        return VM_ERR_NOT_USER;
    uint64_t *table = table_at(root);
    for (unsigned level = 3; level > 0; level--) {
        table = next_table(table, va, level, true, true);
        if (!table)
            return VM_ERR_NO_MEMORY;
    }
    uint64_t *entry = &table[index_at(va, 0)];
    if (*entry & PTE_PRESENT)
        return VM_ERR_ALREADY_MAPPED;
    *entry = frame | leaf_flags(rights, true);
    return VM_OK;
}

uint64_t *paging_entry(paddr_t root, vaddr_t va, unsigned level)
{
    uint64_t *table = table_at(root);
    for (unsigned l = 3; l > level; l--) {
        table = next_table(table, va, l, false, true);
        if (!table)
            return NULL;
    }
    return &table[index_at(va, level)];
}

bool paging_lookup_user_page(paddr_t root, vaddr_t va, paddr_t *frame, unsigned *rights)
{
    if (va < USER_BOTTOM || va >= USER_TOP)
        return false;
    uint64_t *entry = paging_entry(root, va, 1); /* page directory: a 2 MiB page or a table */
    if (!entry || !(*entry & PTE_PRESENT))
        return false;
    uint64_t e = *entry;
    if (e & PTE_LARGE) {
        e = (e & ~(uint64_t)PTE_LARGE) + (ALIGN_DOWN(va, PAGE_SIZE) & (LARGE_PAGE_SIZE - 1));
    } else {
        entry = paging_entry(root, va, 0);
        if (!entry)
            return false;
        e = *entry;
    }
    if ((e & (PTE_PRESENT | PTE_USER)) != (PTE_PRESENT | PTE_USER))
        return false;
    *frame = e & PTE_ADDRESS_MASK;
    *rights = VM_READ | ((e & PTE_WRITE) ? VM_WRITE : 0) | ((e & PTE_NO_EXECUTE) ? 0 : VM_EXEC);
    return true;
}

void paging_flush_if_current(paddr_t root, vaddr_t va, bool whole)
{
    if (active_root != root)
        return; /* other address spaces are flushed when CR3 is loaded */
    if (whole)
        write_cr3(root);
    else
        invlpg(va);
}

uint64_t paging_nx_bit(void)
{
    return cpu_has_nx ? PTE_NO_EXECUTE : 0;
}

void paging_activate(paddr_t root)
{
    if (active_root != root) {
        write_cr3(root);
        active_root = root;
    }
}

paddr_t paging_kernel_root(void)
{
    return kernel_root;
}

paddr_t paging_current_root(void)
{
    return active_root;
}
