/* kernel/arch/x86_64/vspace.c — frames and page-table objects.
 *
 *   PML4 (VSpace root) --PDPT MAP--> PDPT --PD MAP--> PD --PT MAP--> PT
 *                                                      \-- LARGE_FRAME MAP (2 MiB)
 *                                                   PT --FRAME MAP (4 KiB)
 *
 * Each level is installed explicitly by user space: a map whose level is
 * missing fails with NOT_MAPPED, as in seL4.  Only the user half (PML4
 * slots 0..255) is ever touched; the kernel half is copied into every new
 * PML4 at creation. */
#include <arch/layout.h>
#include <arch/paging.h>
#include <kernel/abi_decode_generated.h>
#include <kernel/invocation.h>
#include <kernel/log.h>
#include <kernel/string.h>
#include <kernel/vspace.h>

enum { ASID_COUNT = 4096 };

/* asid_roots[asid] = physical address of a live PML4, 0 if free; 0 is never assigned. */
static paddr_t asid_roots[ASID_COUNT];
static unsigned asids_free = ASID_COUNT - 1;

static unsigned level_of(uint64_t type)
{
    switch (type) {
    case KUMIKI_OBJ_PDPT: return 3;           /* installed in a PML4 entry */
    case KUMIKI_OBJ_PAGE_DIRECTORY: return 2; /* in a PDPT entry */
    case KUMIKI_OBJ_PAGE_TABLE:
    case KUMIKI_OBJ_LARGE_FRAME: return 1; /* in a PD entry */
    default: return 0;                     /* FRAME: in a PT entry */
    }
}

static uint64_t level_span(unsigned level)
{
    return 1ull << (12 + 9 * level);
}

void vspace_object_init(uint64_t type, paddr_t paddr, struct cap *cap)
{
    cap->object = paddr;
    if (type != KUMIKI_OBJ_PML4)
        return;
    uint64_t *table = phys_to_virt(paddr), *kernel = phys_to_virt(paging_kernel_root());
    for (unsigned i = 256; i < 512; i++)
        table[i] = kernel[i];
    for (unsigned asid = 1; asid < ASID_COUNT; asid++) {
        if (!asid_roots[asid]) {
            asid_roots[asid] = paddr;
            asids_free--;
            cap->asid = (uint16_t)asid;
            return;
        }
    }
}

unsigned vspace_asids_available(void)
{
    return asids_free;
}

paddr_t vspace_root_phys(const struct cap *cap)
{
    return cap->object;
}

/* The live PML4 an ASID names, or 0. */
static paddr_t root_of(unsigned asid)
{
    return asid < ASID_COUNT ? asid_roots[asid] : 0;
}

static bool is_table(uint64_t type)
{
    return type == KUMIKI_OBJ_PAGE_TABLE || type == KUMIKI_OBJ_PAGE_DIRECTORY || type == KUMIKI_OBJ_PDPT;
}

/* Removes the mapping made through `cap`, if its address space is alive and
 * the entry still points at this object.  An unmapped table is emptied: its
 * entries would otherwise come back, unknown to the capabilities of the
 * frames and tables below, wherever the table is mapped next. */
static void unmap(struct cap *cap)
{
    if (!(cap->flags & CAP_FLAG_MAPPED))
        return;
    cap->flags &= (uint8_t)~CAP_FLAG_MAPPED;
    paddr_t root = root_of(cap->asid);
    unsigned level = level_of(cap->type);
    uint64_t *entry = root ? paging_entry(root, cap->data, level) : NULL;
    if (entry && (*entry & PTE_PRESENT) && (*entry & PTE_ADDRESS_MASK) == cap->object) {
        *entry = 0;
        paging_flush_if_current(root, cap->data, level > 0);
    }
    if (is_table(cap->type)) {
        memset(phys_to_virt(cap->object), 0, PAGE_SIZE);
        paging_flush_if_current(paging_current_root(), 0, true); /* it may be reachable from elsewhere */
    }
}

void vspace_cap_deleted(const struct cap *cap, bool final)
{
    struct cap copy = *cap;
    unmap(&copy);
    if (cap->type == KUMIKI_OBJ_PML4 && final && cap->asid && asid_roots[cap->asid] == cap->object) {
        asid_roots[cap->asid] = 0;
        asids_free++;
        if (paging_current_root() == cap->object)
            paging_activate(paging_kernel_root()); /* never run on a dead root */
    }
}

static uint64_t check_vspace(const struct cte *slot, paddr_t *root)
{
    if (slot->cap.type != KUMIKI_OBJ_PML4)
        return KE_WRONG_TYPE;
    *root = root_of(slot->cap.asid);
    if (!*root || *root != slot->cap.object)
        return KE_INVALID_CAPABILITY;
    return KE_OK;
}

static uint64_t leaf_bits(unsigned rights, unsigned attributes, bool device)
{
    uint64_t bits = PTE_PRESENT | PTE_USER;
    if (rights & KUMIKI_RIGHT_WRITE)
        bits |= PTE_WRITE;
    if (!(rights & KUMIKI_RIGHT_EXECUTE))
        bits |= paging_nx_bit();
    if ((attributes & 1) || device)
        bits |= PTE_CACHE_DISABLE | PTE_WRITE_THROUGH;
    return bits;
}

static uint64_t map_frame(struct invocation *inv)
{
    struct cap *cap = &inv->service->cap;
    struct args_frame_map a;
    uint64_t e = decode_frame_map(inv, &a);
    if (e)
        return e;
    paddr_t root;
    if ((e = check_vspace(a.vspace, &root)))
        return e;
    unsigned level = level_of(cap->type);
    uint64_t size = level_span(level);
    if (!IS_ALIGNED(a.vaddr, size))
        return KE_ALIGNMENT;
    if (a.vaddr < USER_BOTTOM || a.vaddr >= USER_TOP || size > USER_TOP - a.vaddr)
        return KE_RANGE;
    unsigned rights = (unsigned)(a.rights & cap->rights);
    if (!(rights & KUMIKI_RIGHT_READ))
        return KE_INVALID_ARGUMENT; /* x86 cannot map a page that cannot be read */
    bool remap = (cap->flags & CAP_FLAG_MAPPED) && cap->asid == a.vspace->cap.asid && cap->data == a.vaddr;
    if ((cap->flags & CAP_FLAG_MAPPED) && !remap)
        return KE_ALREADY_MAPPED;
    uint64_t *entry = paging_entry(root, a.vaddr, level);
    if (!entry)
        return KE_NOT_MAPPED;
    if (level == 1 && (*entry & PTE_PRESENT) && !(*entry & PTE_LARGE))
        return KE_ALREADY_MAPPED; /* a page table is there */
    if (!remap && (*entry & PTE_PRESENT))
        return KE_ALREADY_MAPPED;
    *entry = cap->object | leaf_bits(rights, (unsigned)a.attributes, cap->flags & CAP_FLAG_DEVICE) |
             (level == 1 ? PTE_LARGE : 0);
    cap->flags |= CAP_FLAG_MAPPED;
    cap->asid = a.vspace->cap.asid;
    cap->data = a.vaddr;
    paging_flush_if_current(root, a.vaddr, false);
    return KE_OK;
}

static uint64_t map_table(struct invocation *inv)
{
    struct cap *cap = &inv->service->cap;
    struct args_page_table_map a;
    uint64_t e = decode_page_table_map(inv, &a);
    if (e)
        return e;
    paddr_t root;
    if ((e = check_vspace(a.vspace, &root)))
        return e;
    if (cap->flags & CAP_FLAG_MAPPED)
        return KE_ALREADY_MAPPED;
    unsigned level = level_of(cap->type);
    vaddr_t base = ALIGN_DOWN(a.vaddr, level_span(level));
    if (base >= USER_TOP)
        return KE_RANGE;
    uint64_t *entry = paging_entry(root, base, level);
    if (!entry)
        return KE_NOT_MAPPED;
    if (*entry & PTE_PRESENT)
        return KE_ALREADY_MAPPED;
    *entry = cap->object | PTE_PRESENT | PTE_WRITE | PTE_USER;
    cap->flags |= CAP_FLAG_MAPPED;
    cap->asid = a.vspace->cap.asid;
    cap->data = base;
    return KE_OK;
}

uint64_t vspace_invoke(struct invocation *inv)
{
    struct cap *cap = &inv->service->cap;
    bool frame = cap->type == KUMIKI_OBJ_FRAME || cap->type == KUMIKI_OBJ_LARGE_FRAME;
    if (cap->type == KUMIKI_OBJ_PML4)
        return KE_UNKNOWN_INVOCATION;
    switch (inv->label) {
    case KUMIKI_FRAME_MAP: return frame ? map_frame(inv) : map_table(inv);
    case KUMIKI_FRAME_UNMAP: unmap(cap); return KE_OK;
    case KUMIKI_FRAME_GET_ADDRESS:
        if (!frame)
            return KE_UNKNOWN_INVOCATION;
        invocation_set_result(inv, 0, cap->object);
        return KE_OK;
    default: return KE_UNKNOWN_INVOCATION;
    }
}
