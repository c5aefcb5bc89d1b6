/* kernel/core/untyped.c — UNTYPED RETYPE: the only way objects are made.
 *
 * An untyped capability hands out its memory from a watermark upwards, each
 * object aligned to its own size.  When every object made from it has been
 * revoked (it has no children), the watermark returns to zero and the
 * memory is reused. */
#include <kernel/abi_decode_generated.h>
#include <kernel/cdt.h>
#include <kernel/cspace.h>
#include <kernel/object.h>
#include <kernel/vspace.h>

enum { RETYPE_MAX_COUNT = 4096 };

/* The CNode the destination slots are in: root itself at depth 0. */
static uint64_t destination_cnode(struct cte *root, uint64_t index, uint64_t depth, struct cap *out)
{
    if (root->cap.type != KUMIKI_OBJ_CNODE)
        return KE_WRONG_TYPE;
    if (depth == 0) {
        *out = root->cap;
        return KE_OK;
    }
    struct cte *slot;
    uint64_t e = cspace_lookup_slot(&root->cap, index, depth, &slot);
    if (e)
        return e;
    if (slot->cap.type != KUMIKI_OBJ_CNODE)
        return KE_WRONG_TYPE;
    *out = slot->cap;
    return KE_OK;
}

static bool device_may_become(uint64_t type)
{
    return type == KUMIKI_OBJ_UNTYPED || type == KUMIKI_OBJ_FRAME || type == KUMIKI_OBJ_LARGE_FRAME;
}

uint64_t untyped_invoke(struct invocation *inv)
{
    if (inv->label != KUMIKI_UNTYPED_RETYPE)
        return KE_UNKNOWN_INVOCATION;
    struct args_untyped_retype a;
    uint64_t e = decode_untyped_retype(inv, &a);
    if (e)
        return e;
    struct cte *service = inv->service;
    struct cap *ut = &service->cap;
    bool device = ut->flags & CAP_FLAG_DEVICE;
    if (!kumiki_object_retypable(a.type))
        return KE_INVALID_ARGUMENT;
    if (device && !device_may_become(a.type))
        return KE_INVALID_ARGUMENT;
    uint64_t size = object_size(a.type, (unsigned)(a.size_bits > 255 ? 255 : a.size_bits));
    if (!size || size > (1ull << ut->size_bits))
        return KE_BAD_SIZE;
    if (a.count < 1 || a.count > RETYPE_MAX_COUNT)
        return KE_RANGE;
    if (a.type == KUMIKI_OBJ_PML4 && a.count > vspace_asids_available())
        return KE_NOT_ENOUGH_MEMORY;

    struct cap cnode;
    e = destination_cnode(a.root, a.node_index, a.node_depth, &cnode);
    if (e)
        return e;
    uint64_t slots = 1ull << cnode.size_bits;
    if (a.node_offset < 1 || a.node_offset >= slots || a.count > slots - a.node_offset)
        return KE_RANGE;
    struct cte *dest = &cnode_slots(&cnode)[a.node_offset];
    for (uint64_t i = 0; i < a.count; i++)
        if (!cap_is_null(&dest[i].cap))
            return KE_DELETE_FIRST;

    uint64_t used = service->first_child ? ut->data : 0; /* reset when nothing is left */
    uint64_t start = ALIGN_UP(used, size);
    uint64_t capacity = 1ull << ut->size_bits;
    if (start < used || start > capacity || a.count > (capacity - start) / size)
        return KE_NOT_ENOUGH_MEMORY;

    /* Perform: nothing below can fail. */
    unsigned bits = a.type == KUMIKI_OBJ_UNTYPED || a.type == KUMIKI_OBJ_CNODE ? (unsigned)a.size_bits : 0;
    for (uint64_t i = 0; i < a.count; i++) {
        struct cap obj = object_create(a.type, bits, ut->object + start + i * size, device);
        slot_insert(&dest[i], obj, service);
    }
    ut->data = start + a.count * size;
    return KE_OK;
}
