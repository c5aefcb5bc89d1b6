/* kernel/core/object.c — object creation, capability deletion and revoke. */
#include <arch/arch.h>
#include <arch/paging.h>
#include <kernel/cdt.h>
#include <kernel/cspace.h>
#include <kernel/ipc.h>
#include <kernel/irq.h>
#include <kernel/object.h>
#include <kernel/string.h>
#include <kernel/tcb.h>
#include <kernel/vspace.h>

/* Slot arrays of CNodes whose last capability is gone, waiting to be
 * emptied (linked through cnode_header.next_doomed). */
static struct cte *doomed;

uint64_t object_size(uint64_t type, unsigned size_bits)
{
    switch (type) {
    case KUMIKI_OBJ_UNTYPED:
        if (size_bits < KUMIKI_MIN_UNTYPED_BITS || size_bits > KUMIKI_MAX_UNTYPED_BITS)
            return 0;
        return 1ull << size_bits;
    case KUMIKI_OBJ_CNODE:
        if (size_bits < 1 || size_bits > KUMIKI_MAX_CNODE_RADIX)
            return 0;
        return 1ull << (size_bits + KUMIKI_CNODE_SLOT_BITS);
    case KUMIKI_OBJ_TCB: return 1ull << KUMIKI_TCB_SIZE_BITS;
    case KUMIKI_OBJ_ENDPOINT: return 1ull << KUMIKI_ENDPOINT_SIZE_BITS;
    case KUMIKI_OBJ_NOTIFICATION: return 1ull << KUMIKI_NOTIFICATION_SIZE_BITS;
    case KUMIKI_OBJ_FRAME: return 1ull << KUMIKI_FRAME_SIZE_BITS;
    case KUMIKI_OBJ_LARGE_FRAME: return 1ull << KUMIKI_LARGE_FRAME_SIZE_BITS;
    case KUMIKI_OBJ_PAGE_TABLE:
    case KUMIKI_OBJ_PAGE_DIRECTORY:
    case KUMIKI_OBJ_PDPT:
    case KUMIKI_OBJ_PML4: return PAGE_SIZE;
    default: return 0;
    }
}

struct cap object_create(uint64_t type, unsigned size_bits, paddr_t paddr, bool device)
{
    uint64_t size = object_size(type, size_bits);
    struct cap cap = { .type = (uint8_t)type, .rights = KUMIKI_RIGHTS_ALL, .size_bits = (uint8_t)size_bits };
    /* Untyped memory is not cleared here: every object made from it is
     * zeroed when it is made, so clearing a large untyped would only stall
     * the kernel (interrupts off) for nothing. */
    if (!device && type != KUMIKI_OBJ_UNTYPED)
        memset(phys_to_virt(paddr), 0, size);
    switch (type) {
    case KUMIKI_OBJ_UNTYPED:
    case KUMIKI_OBJ_FRAME:
    case KUMIKI_OBJ_LARGE_FRAME:
        cap.object = paddr;
        cap.flags = device ? CAP_FLAG_DEVICE : 0;
        if (type != KUMIKI_OBJ_UNTYPED)
            cap.size_bits =
                (uint8_t)(type == KUMIKI_OBJ_FRAME ? KUMIKI_FRAME_SIZE_BITS : KUMIKI_LARGE_FRAME_SIZE_BITS);
        break;
    case KUMIKI_OBJ_CNODE: {
        struct cte *slots = phys_to_virt(paddr);
        cnode_header(slots)->radix = size_bits;
        cap.object = (uint64_t)(uintptr_t)slots;
        break;
    }
    case KUMIKI_OBJ_TCB:
        cap.object = (uint64_t)(uintptr_t)phys_to_virt(paddr);
        tcb_init((struct tcb *)(uintptr_t)cap.object);
        break;
    case KUMIKI_OBJ_ENDPOINT:
    case KUMIKI_OBJ_NOTIFICATION: cap.object = (uint64_t)(uintptr_t)phys_to_virt(paddr); break;
    default: vspace_object_init(type, paddr, &cap); break;
    }
    return cap;
}

void slot_insert(struct cte *dest, struct cap cap, struct cte *parent)
{
    dest->cap = cap;
    cdt_insert_child(parent, dest);
}

static void doom_cnode(struct cte *slots)
{
    struct cnode_header *h = cnode_header(slots);
    if (h->dying)
        return;
    h->dying = 1;
    h->cleanup_index = 1;
    h->next_doomed = doomed;
    doomed = slots;
}

/* What deleting a capability does to its object (final: it was the last). */
static void cap_deleted(const struct cap *cap, bool final)
{
    switch (cap->type) {
    case KUMIKI_OBJ_FRAME:
    case KUMIKI_OBJ_LARGE_FRAME:
    case KUMIKI_OBJ_PAGE_TABLE:
    case KUMIKI_OBJ_PAGE_DIRECTORY:
    case KUMIKI_OBJ_PDPT:
    case KUMIKI_OBJ_PML4: vspace_cap_deleted(cap, final); return;
    case KUMIKI_OBJ_REPLY: reply_cap_deleted((struct tcb *)(uintptr_t)cap->object); return;
    default: break;
    }
    if (!final)
        return;
    switch (cap->type) {
    case KUMIKI_OBJ_CNODE: doom_cnode(cnode_slots(cap)); break;
    case KUMIKI_OBJ_TCB: tcb_finalise((struct tcb *)(uintptr_t)cap->object); break;
    case KUMIKI_OBJ_ENDPOINT: endpoint_cancel_all((struct endpoint *)(uintptr_t)cap->object); break;
    case KUMIKI_OBJ_NOTIFICATION: notification_finalise((struct notification *)(uintptr_t)cap->object); break;
    case KUMIKI_OBJ_IRQ_HANDLER: irq_handler_finalise((unsigned)cap->data); break;
    case KUMIKI_OBJ_IOPORT: ioport_release(cap); break;
    default: break;
    }
}

/* Deletes one capability without emptying dying CNodes. */
void slot_delete_one(struct cte *slot)
{
    if (cap_is_null(&slot->cap))
        return;
    struct cap cap = slot->cap;
    bool final = cdt_is_final(slot);
    cdt_remove(slot);
    slot->cap = cap_null();
    cap_deleted(&cap, final);
    if (cap.tcb_slot)
        tcb_slot_emptied(slot, (enum tcb_slot)cap.tcb_slot);
}

/* Empties dying CNodes, newest first; deleting their slots may add more. */
static void empty_doomed_cnodes(void)
{
    while (doomed) {
        struct cte *slots = doomed;
        struct cnode_header *h = cnode_header(slots);
        uint64_t count = 1ull << h->radix;
        while (h->cleanup_index < count && cap_is_null(&slots[h->cleanup_index].cap))
            h->cleanup_index++;
        if (h->cleanup_index < count) {
            slot_delete_one(&slots[h->cleanup_index]);
            continue;
        }
        doomed = h->next_doomed;
        h->dying = 2; /* empty; its memory returns with its untyped */
    }
}

void slot_delete(struct cte *slot)
{
    slot_delete_one(slot);
    empty_doomed_cnodes();
}

bool slot_revoke(struct cte *slot)
{
    /* Leaves first, resuming from the deleted leaf's parent so a deep chain
     * costs O(n), not O(n * depth).  A leaf's deletion removes only caps
     * that are not ancestors of other leaves (see docs/kernel.md). */
    struct cte *start = NULL;
    unsigned done = 0;
    for (struct cte *leaf; (leaf = cdt_find_leaf_below(slot, start));) {
        struct cte *parent = leaf->parent;
        slot_delete_one(leaf);
        start = parent == slot ? NULL : parent;
        if (++done % REVOKE_BATCH == 0 && arch_interrupt_pending()) {
            empty_doomed_cnodes();
            return false;
        }
    }
    empty_doomed_cnodes();
    return true;
}

bool slot_has_other_caps(const struct cte *slot)
{
    return !cdt_is_final(slot);
}
