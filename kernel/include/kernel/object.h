/* kernel/include/kernel/object.h — creating and destroying objects.
 *
 * Objects are created only by retyping untyped memory and destroyed only
 * when their last capability is deleted.  Deleting is never recursive: a
 * CNode whose last capability goes is put on a list of dying CNodes (linked
 * through its header in slot 0) and emptied slot by slot by the outermost
 * delete, so no chain of CNodes inside CNodes can overflow the kernel stack. */
#pragma once

#include <kernel/cap.h>

/* Zeroes (unless device memory) and initialises a new object of `type` at
 * physical `paddr`, returning its original capability (all rights). */
struct cap object_create(uint64_t type, unsigned size_bits, paddr_t paddr, bool device);

/* The object size in bytes for (type, size_bits), 0 if size_bits is not
 * allowed for type. */
uint64_t object_size(uint64_t type, unsigned size_bits);

/* Places cap in the empty slot dest as a child of parent (NULL: a root). */
void slot_insert(struct cte *dest, struct cap cap, struct cte *parent);

/* Deletes the capability in slot (finalising its object when it was the
 * last) and everything that deletion made pending.  Cannot fail. */
void slot_delete(struct cte *slot);
/* Deletes one capability, leaving CNodes it killed for the caller's
 * slot_delete/slot_revoke to empty (used inside object teardown). */
void slot_delete_one(struct cte *slot);
/* Deletes every capability derived from slot's.  Preemptible: every
 * REVOKE_BATCH deletions it stops if an interrupt is pending and returns
 * false, with the tree consistent and the work done so far kept; the
 * caller restarts the system call, which continues where this stopped. */
enum { REVOKE_BATCH = 64 };
bool slot_revoke(struct cte *slot);
/* True when deleting slot's capability would not destroy its object. */
bool slot_has_other_caps(const struct cte *slot);
