/* kernel/include/kernel/cap.h — capabilities and the slots that hold them.
 *
 * A capability is a typed reference to a kernel object with rights and a
 * type-specific word.  It lives in a slot (struct cte) of a CNode or of a
 * TCB.  Every slot is also a node of the capability derivation tree:
 *
 *     untyped ──┬── TCB (original, created by retype) ── copy ── minted copy
 *               ├── endpoint (original) ──┬── badge 1 copy
 *               │                         └── badge 2 copy ── copy
 *               └── untyped (smaller, retyped from the parent)
 *
 * Invariants (checked by tests/host/test_cdt.c):
 *  - the children of an untyped capability are the objects made from it;
 *  - every other capability's descendants refer to its own object;
 *  - so every object has exactly one *original* capability, the one whose
 *    parent refers to something else; all its other capabilities descend
 *    from it.  A capability is the object's last (final) one exactly when it
 *    is the original and has no children.
 */
#pragma once

#include <kernel/types.h>
#include <kumiki/abi.h>

/* Per-type use of the fields:
 *   UNTYPED          object = physical base, size_bits, data = bytes used (watermark), device flag
 *   CNODE            object = kernel address of the slot array, size_bits = radix,
 *                    data = guard value, guard_bits
 *   TCB, ENDPOINT,
 *   NOTIFICATION     object = kernel address; data = badge (endpoint, notification)
 *   FRAME ... PML4   object = physical address; mapped flag, asid and data = mapped
 *                    vaddr while mapped through this capability; PML4: asid assigned at retype
 *   IRQ_HANDLER      data = interrupt line
 *   IOPORT           data = first port | last port << 16
 *   REPLY            object = the caller's TCB
 */
struct cap {
    uint8_t type;
    uint8_t rights;
    uint8_t size_bits;
    uint8_t flags;
    uint8_t guard_bits;
    uint8_t tcb_slot; /* which slot of a TCB holds this cap (enum tcb_slot), 0 in a CNode */
    uint16_t asid;
    uint64_t object;
    uint64_t data;
    uint64_t reserved2;
};
_Static_assert(sizeof(struct cap) == 32, "cap layout");

enum cap_flags { CAP_FLAG_DEVICE = 1, CAP_FLAG_MAPPED = 2 };

enum tcb_slot { TCB_SLOT_NONE, TCB_SLOT_CSPACE, TCB_SLOT_VSPACE, TCB_SLOT_IPC_BUFFER, TCB_SLOT_FAULT };

struct cte {
    struct cap cap;
    struct cte *parent, *first_child, *next_sibling, *prev_sibling;
};
_Static_assert(sizeof(struct cte) == 1 << KUMIKI_CNODE_SLOT_BITS, "slot size matches the ABI");

static inline bool cap_is_null(const struct cap *c)
{
    return c->type == KUMIKI_OBJ_NULL;
}

static inline bool cap_has_rights(const struct cap *c, unsigned rights)
{
    return (c->rights & rights) == rights;
}

static inline struct cap cap_null(void)
{
    return (struct cap){ .type = KUMIKI_OBJ_NULL };
}

/* True when a and b refer to the same object (same type and address; for
 * IRQ handlers the same line, for I/O ports the same range: copies of a
 * range keep it, and ranges are never issued twice). */
bool cap_same_object(const struct cap *a, const struct cap *b);

/* True when caps derived from c are of a different object (c hands out
 * new objects: untyped, IRQ control, I/O port control). */
bool cap_is_factory(const struct cap *c);
