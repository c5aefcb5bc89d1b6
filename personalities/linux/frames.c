/* personalities/linux/frames.c — see frames.h. */
#include "frames.h"
#include "heap.h"
#include "kobj.h"
#include "slots.h"
#include <kumiki/invocations_generated.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

static kumiki_cptr_t pool_untyped;
static uint64_t pool_base;
static uint32_t limit; /* frames numbered 1 .. limit-1 */
static uint32_t made;  /* frames 1 .. made have been retyped and mapped */
static uint32_t in_use;
static uint32_t *caps;      /* caps[f]: the original capability's slot */
static uint32_t *refs;      /* refs[f]: owners; 0 = free */
static uint32_t *free_next; /* free list links */
static uint32_t free_head;

void frames_init(kumiki_cptr_t untyped, uint64_t base, uint32_t max_frames)
{
    pool_untyped = untyped;
    pool_base = base;
    limit = max_frames + 1;
    caps = lx_calloc(limit, sizeof(*caps));
    refs = lx_calloc(limit, sizeof(*refs));
    free_next = lx_calloc(limit, sizeof(*free_next));
    if (!caps || !refs || !free_next)
        limit = 0;
}

/* Retypes and maps one more frame; 0 when the untyped or the slots ran out. */
static lx_frame_t make_frame(void)
{
    if (made + 1 >= limit)
        return 0;
    kumiki_cptr_t slot = lx_slot_alloc();
    if (!slot)
        return 0;
    if (kumiki_untyped_retype(pool_untyped, KUMIKI_OBJ_FRAME, 0, KUMIKI_PROGRAM_CAP_CNODE, 0, 0, slot, 1)) {
        lx_slot_free(slot);
        return 0;
    }
    lx_frame_t f = made + 1;
    if (kobj_map_own(slot, pool_base + (uint64_t)f * 4096)) {
        kobj_delete(slot);
        return 0;
    }
    made = f;
    caps[f] = (uint32_t)slot;
    return f; /* fresh from the untyped: already zero */
}

lx_frame_t frame_alloc(void)
{
    lx_frame_t f = free_head;
    if (f) {
        free_head = free_next[f];
        memset(frame_ptr(f), 0, 4096);
    } else if (!(f = make_frame())) {
        return 0;
    }
    refs[f] = 1;
    in_use++;
    return f;
}

void frame_ref(lx_frame_t f)
{
    if (f && f < limit && refs[f])
        refs[f]++;
}

void frame_unref(lx_frame_t f)
{
    if (!f || f >= limit || !refs[f])
        return;
    if (--refs[f] == 0) {
        free_next[f] = free_head;
        free_head = f;
        in_use--;
    }
}

uint32_t frame_refcount(lx_frame_t f)
{
    return f && f < limit ? refs[f] : 0;
}

void *frame_ptr(lx_frame_t f)
{
    return (void *)(uintptr_t)(pool_base + (uint64_t)f * 4096);
}

kumiki_cptr_t frame_cap(lx_frame_t f)
{
    return f && f < limit ? caps[f] : 0;
}

uint32_t frames_total(void)
{
    return limit ? limit - 1 : 0;
}

uint32_t frames_in_use(void)
{
    return in_use;
}
