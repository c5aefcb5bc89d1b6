/* kernel/core/cdt.c — the capability derivation tree (see cdt.h). */
#include <kernel/cdt.h>

static bool is_original(const struct cte *slot)
{
    return !slot->parent || cap_is_factory(&slot->parent->cap);
}

static void unlink_from_siblings(struct cte *slot)
{
    if (slot->prev_sibling)
        slot->prev_sibling->next_sibling = slot->next_sibling;
    else if (slot->parent)
        slot->parent->first_child = slot->next_sibling;
    if (slot->next_sibling)
        slot->next_sibling->prev_sibling = slot->prev_sibling;
}

void cdt_insert_child(struct cte *parent, struct cte *child)
{
    child->parent = parent;
    child->first_child = NULL;
    child->next_sibling = NULL;
    child->prev_sibling = NULL;
    if (!parent)
        return;
    struct cte *last = parent->first_child;
    if (!last) {
        parent->first_child = child;
        return;
    }
    while (last->next_sibling)
        last = last->next_sibling;
    last->next_sibling = child;
    child->prev_sibling = last;
}

/* Puts the children of `slot` where `slot` is in its parent's list. */
static void splice_children_up(struct cte *slot)
{
    struct cte *first = slot->first_child;
    if (!first) {
        unlink_from_siblings(slot);
        return;
    }
    struct cte *last = first;
    for (struct cte *c = first; c; c = c->next_sibling) {
        c->parent = slot->parent;
        last = c;
    }
    first->prev_sibling = slot->prev_sibling;
    last->next_sibling = slot->next_sibling;
    if (slot->prev_sibling)
        slot->prev_sibling->next_sibling = first;
    else if (slot->parent)
        slot->parent->first_child = first;
    if (slot->next_sibling)
        slot->next_sibling->prev_sibling = last;
}

/* The first child takes slot's place; its siblings become its children. */
static void promote_first_child(struct cte *slot)
{
    struct cte *heir = slot->first_child;
    struct cte *others = heir->next_sibling;
    heir->parent = slot->parent;
    heir->prev_sibling = slot->prev_sibling;
    heir->next_sibling = slot->next_sibling;
    if (slot->prev_sibling)
        slot->prev_sibling->next_sibling = heir;
    else if (slot->parent)
        slot->parent->first_child = heir;
    if (slot->next_sibling)
        slot->next_sibling->prev_sibling = heir;
    if (!others)
        return;
    others->prev_sibling = NULL;
    for (struct cte *c = others; c; c = c->next_sibling)
        c->parent = heir;
    /* Append the former siblings after heir's own children. */
    struct cte *tail = heir->first_child;
    if (!tail) {
        heir->first_child = others;
    } else {
        while (tail->next_sibling)
            tail = tail->next_sibling;
        tail->next_sibling = others;
        others->prev_sibling = tail;
    }
}

void cdt_remove(struct cte *slot)
{
    if (slot->first_child && is_original(slot) && !cap_is_factory(&slot->cap))
        promote_first_child(slot);
    else
        splice_children_up(slot);
    slot->parent = slot->first_child = slot->next_sibling = slot->prev_sibling = NULL;
}

void cdt_move(struct cte *from, struct cte *to)
{
    *to = *from;
    if (to->prev_sibling)
        to->prev_sibling->next_sibling = to;
    else if (to->parent)
        to->parent->first_child = to;
    if (to->next_sibling)
        to->next_sibling->prev_sibling = to;
    for (struct cte *c = to->first_child; c; c = c->next_sibling)
        c->parent = to;
    from->cap = cap_null();
    from->parent = from->first_child = from->next_sibling = from->prev_sibling = NULL;
}

bool cdt_is_final(const struct cte *slot)
{
    if (cap_is_factory(&slot->cap))
        return true; /* factories are never copied */
    return is_original(slot) && !slot->first_child;
}

struct cte *cdt_find_leaf_below(struct cte *slot, struct cte *start)
{
    struct cte *node = start ? start : slot->first_child;
    if (!node)
        return NULL;
    while (node->first_child)
        node = node->first_child;
    return node;
}
