/* kernel/include/kernel/cdt.h — the capability derivation tree (see cap.h).
 * Pure pointer manipulation: no allocation, no recursion, O(1) per node
 * except where stated; tested on the host. */
#pragma once

#include <kernel/cap.h>

/* Makes the empty slot `child` (which must hold its new capability already)
 * the last child of `parent`; parent NULL makes it a root. */
void cdt_insert_child(struct cte *parent, struct cte *child);

/* Takes `slot` out of the tree.  Its children move up: if slot is its
 * object's original, the first child becomes the original and adopts its
 * siblings (so the object keeps exactly one original); otherwise the
 * children take slot's place under its parent.  O(children). */
void cdt_remove(struct cte *slot);

/* Moves the node from `from` to the empty slot `to` (capability and links). */
void cdt_move(struct cte *from, struct cte *to);

/* True when slot holds the last capability to its object. */
bool cdt_is_final(const struct cte *slot);

/* A leaf in the subtree below `slot`, or NULL if slot has no children.
 * Revoke deletes leaves until this returns NULL: no recursion. */
struct cte *cdt_find_leaf_below(struct cte *slot, struct cte *start);
