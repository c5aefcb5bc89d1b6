/* servers/root/component.c — one component: its process, made from its ELF
 * by lib/user/process.c (slots 1-4, the supervisor endpoint badged with
 * index + 1 as slot 1 and as fault endpoint), then each declared capability
 * in its slot.  The thread stays suspended until component_start().
 *
 * Per-kind rules (what the audit then shows):
 *   endpoint      minted from the shared endpoint with the declared badge and rights
 *   ioport        issued by IOPORT_CONTROL straight into the slot (all rights)
 *   irq           IRQ_CONTROL GET (all rights), bound to the notification in the
 *                 next slot (kdeploy declares one there), else to the first
 *                 declared notification if it has one (the interrupt sets bit
 *                 1 << line of the notification word), moved into the slot
 *   mmio          device frames (devmem.c), mapped uncached read-write; slot: the first, RW
 *   dma           a child untyped of the power of two above the size, frames retyped
 *                 from it in order (so physically contiguous), mapped RW; slot: the first, RW
 *   shared        the region's frames mapped with the declared rights; slot: the first
 *   notification  a new notification from the component's memory; slot: a copy, RW
 *   untyped       the one child of an untyped the root task keeps (component_resolve),
 *                 moved (untypeds cannot be copied) into the slot, all rights; revoking
 *                 the kept one on destroy takes back whatever the component made from it
 *   module        a header page and the module's own frames, read only (modules.c);
 *                 slot: a copy of the header page's frame, R */
#include "root.h"
#include <kumiki/invocations_generated.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

enum { PAGE = 4096 };
#define RW (KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE)

struct build {
    struct root *r;
    struct component *c;
    const struct kdm_cap *cap; /* being placed */
    unsigned radix;
    kumiki_cptr_t notification; /* the first declared one, in a root slot */
    const char *what;           /* the step that failed */
};

const struct kdm_cap *root_caps(const struct root *r, const struct component *c)
{
    return (const struct kdm_cap *)((const char *)r->manifest + r->header->cap_offset) + c->decl->first_cap;
}

const char *root_string(const struct root *r, uint32_t offset)
{
    return kdm_string(r->manifest, offset);
}

void component_prepare(struct root *r, struct component *c, kumiki_cptr_t window_start,
                       kumiki_cptr_t window_end)
{
    c->slots = (struct kumiki_allocator){ .cspace = r->alloc.cspace,
                                          .next_slot = window_start,
                                          .end_slot = window_end,
                                          .untyped = c->pool,
                                          .untyped_bits = c->decl->memory_bits };
}

static uint64_t step(struct build *b, const char *what, uint64_t e)
{
    if (e)
        b->what = what;
    return e;
}

/* Copies of `pages` frames from consecutive root slots, mapped in the
 * component's VSpace from vaddr. */
static uint64_t map_copies(struct build *b, kumiki_cptr_t first, uint64_t pages, uint64_t vaddr,
                           uint64_t rights, uint64_t attributes)
{
    struct component *c = b->c;
    for (uint64_t i = 0; i < pages; i++) {
        kumiki_cptr_t copy = kumiki_alloc_slot(&c->slots);
        uint64_t e =
            copy ? kumiki_cnode_copy(c->slots.cspace, copy, 64, c->slots.cspace, first + i, 64, rights)
                 : KE_RANGE;
        if (e)
            return step(b, "copying a frame", e);
        e = kumiki_map_page_attributes(&c->slots, c->process.vspace, copy, vaddr + i * PAGE,
                                       rights & (RW | KUMIKI_RIGHT_EXECUTE), attributes);
        if (e)
            return step(b, "mapping a frame", e);
    }
    return KE_OK;
}

/* Copies the capability at root slot src into the declared slot. */
static uint64_t give(struct build *b, kumiki_cptr_t src, uint64_t rights, uint64_t badge)
{
    struct component *c = b->c;
    return step(
        b, "putting the capability in its slot",
        kumiki_cnode_mint(c->process.cnode, b->cap->slot, b->radix, c->slots.cspace, src, 64, rights, badge));
}

/* One capability's share of component_resolve; false with detail set. */
static bool resolve_cap(struct root *r, const struct kdm_cap *cap, uint32_t index, char *detail, size_t size)
{
    const char *name = root_string(r, cap->name), *why = NULL;
    uint64_t e;
    switch (cap->kind) {
    case KDM_CAP_MMIO:
        if ((e = devmem_frames(r, cap->a, cap->b / PAGE, &r->mmio_frames[index], &why)) == KE_OK)
            return true;
        usnprintf(detail, size, "capability '%s' (slot %u): MMIO 0x%lx..0x%lx: %s: %s", name, cap->slot,
                  cap->a, cap->a + cap->b - 1, why, kumiki_error_name(e));
        return false;
    case KDM_CAP_UNTYPED:
        if ((e = root_ram_untyped(r, (unsigned)cap->a, &r->untypeds[index])) == KE_OK)
            return true;
        usnprintf(detail, size, "untyped '%s' (slot %u): no memory for its 2^%lu bytes: %s", name, cap->slot,
                  cap->a, kumiki_error_name(e));
        return false;
    case KDM_CAP_MODULE: {
        const char *file = root_string(r, cap->a);
        const struct root_module *m = modules_find(r, file);
        if (!m)
            usnprintf(detail, size, "module '%s' (slot %u): file '%s' is not among the boot modules", name,
                      cap->slot, file);
        else if (m->size > cap->b)
            usnprintf(detail, size, "module '%s' (slot %u): file '%s' is %lu bytes, more than its max of %lu",
                      name, cap->slot, file, m->size, cap->b);
        return m && m->size <= cap->b;
    }
    default: return true;
    }
}

bool component_resolve(struct root *r, struct component *c, char *detail, size_t size)
{
    const struct kdm_cap *caps = root_caps(r, c);
    for (uint32_t i = 0; i < c->decl->cap_count; i++)
        if (!resolve_cap(r, &caps[i], c->decl->first_cap + i, detail, size))
            return false;
    return true;
}

/* The index of the capability being placed among the manifest's. */
static uint32_t cap_index(const struct build *b)
{
    return b->c->decl->first_cap + (uint32_t)(b->cap - root_caps(b->r, b->c));
}

static uint64_t place_mmio(struct build *b)
{
    const struct kdm_cap *cap = b->cap;
    kumiki_cptr_t frames = b->r->mmio_frames[cap_index(b)];
    uint64_t e = map_copies(b, frames, cap->b / PAGE, cap->c, RW, 1);
    return e ? e : give(b, frames, RW, 0);
}

static uint64_t place_dma(struct build *b)
{
    struct component *c = b->c;
    const struct kdm_cap *cap = b->cap;
    uint64_t pages = cap->a / PAGE;
    unsigned bits = 12;
    while ((1ull << bits) < cap->a)
        bits++;
    kumiki_cptr_t untyped;
    uint64_t e = kumiki_alloc_object(&c->slots, KUMIKI_OBJ_UNTYPED, bits, &untyped);
    if (e)
        return step(b, "allocating contiguous DMA memory from the component's memory", e);
    if (c->slots.end_slot - c->slots.next_slot < pages)
        return step(b, "slots for the DMA frames", KE_RANGE);
    kumiki_cptr_t first = c->slots.next_slot;
    e = kumiki_untyped_retype(untyped, KUMIKI_OBJ_FRAME, 0, c->slots.cspace, 0, 0, first, pages);
    if (e)
        return step(b, "retyping the DMA frames", e);
    c->slots.next_slot += pages;
    uint64_t base = 0, paddr = 0;
    for (uint64_t i = 0; i < pages; i++) {
        if ((e = kumiki_frame_get_address(first + i, &paddr)))
            return step(b, "reading a DMA frame's address", e);
        if (i == 0)
            base = paddr;
        else if (paddr != base + i * PAGE)
            return step(b, "the DMA frames are not contiguous", KE_ILLEGAL_OPERATION);
        e = kumiki_map_page(&c->slots, c->process.vspace, first + i, cap->c + i * PAGE, RW);
        if (e)
            return step(b, "mapping a DMA frame", e);
    }
    return give(b, first, RW, 0);
}

static uint64_t place_shared(struct build *b)
{
    const struct kdm_cap *cap = b->cap;
    const struct shared_region *s = &b->r->shared[cap->a];
    uint64_t e = map_copies(b, s->first_frame, s->pages, cap->c, cap->b, 0);
    return e ? e : give(b, s->first_frame, cap->b, 0);
}

/* The notification declared in the slot after the current IRQ, if any. */
static const struct kdm_cap *next_declared(const struct build *b)
{
    const struct kdm_cap *caps = root_caps(b->r, b->c);
    for (uint32_t i = 0; i < b->c->decl->cap_count; i++)
        if (caps[i].kind == KDM_CAP_NOTIFICATION && caps[i].slot == b->cap->slot + 1)
            return &caps[i];
    return NULL;
}

static uint64_t place_irq(struct build *b)
{
    struct component *c = b->c;
    kumiki_cptr_t handler = kumiki_alloc_slot(&c->slots);
    if (!handler)
        return step(b, "a slot for the IRQ handler", KE_RANGE);
    uint64_t e = kumiki_irq_control_get(KUMIKI_CAP_IRQ_CONTROL, b->cap->a, c->slots.cspace, handler, 64);
    if (e)
        return step(
            b, e == KE_ILLEGAL_OPERATION ? "IRQ_CONTROL GET: the line is already taken" : "IRQ_CONTROL GET",
            e);
    /* The IRQ is signalled on the notification declared right after it
     * (kdeploy puts one there), else on the component's first one. */
    const struct kdm_cap *next = next_declared(b);
    if (next || b->notification) {
        kumiki_cptr_t badged = kumiki_alloc_slot(&c->slots);
        if (!badged)
            e = KE_RANGE;
        else if (next)
            e = kumiki_cnode_mint(c->slots.cspace, badged, 64, c->process.cnode, next->slot, b->radix,
                                  KUMIKI_RIGHT_WRITE, 1ull << b->cap->a);
        else
            e = kumiki_cnode_mint(c->slots.cspace, badged, 64, c->slots.cspace, b->notification, 64,
                                  KUMIKI_RIGHT_WRITE, 1ull << b->cap->a);
        if (!e)
            e = kumiki_irq_handler_set_notification(handler, badged);
        if (e)
            return step(b, "binding the IRQ to the component's notification", e);
    }
    return step(b, "moving the IRQ handler into its slot",
                kumiki_cnode_move(c->process.cnode, b->cap->slot, b->radix, c->slots.cspace, handler, 64));
}

static uint64_t place_ioport(struct build *b)
{
    const struct kdm_cap *cap = b->cap;
    uint64_t e = kumiki_ioport_control_issue(KUMIKI_CAP_IOPORT_CONTROL, cap->a, cap->b, b->c->process.cnode,
                                             cap->slot, b->radix);
    return step(b,
                e == KE_ILLEGAL_OPERATION ? "IOPORT_CONTROL ISSUE: a port of the range is already issued"
                                          : "IOPORT_CONTROL ISSUE",
                e);
}

/* The kept untyped has no children here (new, or revoked by
 * component_destroy), so its one child of the same size always fits. */
static uint64_t place_untyped(struct build *b)
{
    struct component *c = b->c;
    kumiki_cptr_t child = kumiki_alloc_slot(&c->slots);
    if (!child)
        return step(b, "a slot for the untyped", KE_RANGE);
    uint64_t e = kumiki_untyped_retype(b->r->untypeds[cap_index(b)], KUMIKI_OBJ_UNTYPED, b->cap->a,
                                       c->slots.cspace, 0, 0, child, 1);
    if (e)
        return step(b, "retyping the untyped from the one the root task keeps", e);
    return step(b, "moving the untyped into its slot",
                kumiki_cnode_move(c->process.cnode, b->cap->slot, b->radix, c->slots.cspace, child, 64));
}

static uint64_t place_module(struct build *b)
{
    const struct kdm_cap *cap = b->cap;
    const struct root_module *m = modules_find(b->r, root_string(b->r, cap->a)); /* checked by resolve */
    kumiki_cptr_t header = 0;
    const char *why = NULL;
    uint64_t e = m ? modules_map_into(b->c, m, root_string(b->r, cap->name), cap->b, cap->c, &header,
                                      &b->r->module_headers[cap_index(b)], &why)
                   : KE_INVALID_CAPABILITY;
    if (e)
        return step(b, m ? why : "the module is not among the boot modules", e);
    return give(b, header, KUMIKI_RIGHT_READ, 0);
}

static uint64_t place_notification(struct build *b)
{
    kumiki_cptr_t n;
    uint64_t e = kumiki_alloc_object(&b->c->slots, KUMIKI_OBJ_NOTIFICATION, 0, &n);
    if (e)
        return step(b, "creating the notification", e);
    if (!b->notification)
        b->notification = n;
    return give(b, n, RW, 0);
}

static uint64_t place(struct build *b)
{
    const struct kdm_cap *cap = b->cap;
    switch (cap->kind) {
    case KDM_CAP_ENDPOINT: return give(b, b->r->endpoints[cap->a], cap->c, cap->b);
    case KDM_CAP_IOPORT: return place_ioport(b);
    case KDM_CAP_IRQ: return place_irq(b);
    case KDM_CAP_MMIO: return place_mmio(b);
    case KDM_CAP_DMA: return place_dma(b);
    case KDM_CAP_SHARED: return place_shared(b);
    case KDM_CAP_NOTIFICATION: return place_notification(b);
    case KDM_CAP_UNTYPED: return place_untyped(b);
    case KDM_CAP_MODULE: return place_module(b);
    default: return step(b, "an unknown kind of capability", KE_INVALID_ARGUMENT); /* validated: never */
    }
}

/* Notifications first: an IRQ is bound to one of them. */
static uint64_t place_all(struct build *b)
{
    const struct kdm_cap *caps = root_caps(b->r, b->c);
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < b->c->decl->cap_count; i++) {
            b->cap = &caps[i];
            if ((caps[i].kind == KDM_CAP_NOTIFICATION) != (pass == 0))
                continue;
            uint64_t e = place(b);
            if (e)
                return e;
        }
    b->cap = NULL;
    return KE_OK;
}

/* The TCB's name for kernel messages: the first 16 bytes of the name. */
static uint64_t set_name(struct component *c)
{
    uint64_t word[2] = { 0, 0 };
    for (unsigned i = 0; i < 16 && c->name[i]; i++)
        word[i / 8] |= (uint64_t)(unsigned char)c->name[i] << (8 * (i % 8));
    return kumiki_tcb_set_name(c->process.tcb, word[0], word[1]);
}

/* Another live component's capability that holds a port or line of cap. */
static bool conflicts(const struct kdm_cap *x, const struct kdm_cap *y)
{
    if (x->kind != y->kind)
        return false;
    return x->kind == KDM_CAP_IRQ ? x->a == y->a : x->a <= y->b && y->a <= x->b;
}

static const char *holder_of(const struct root *r, const struct component *c, const struct kdm_cap *cap,
                             const struct kdm_cap **held)
{
    for (unsigned i = 0; i < r->component_count; i++) {
        const struct component *o = &r->components[i];
        if (o == c || (o->state != COMPONENT_CREATED && o->state != COMPONENT_RUNNING))
            continue;
        for (uint32_t j = 0; j < o->decl->cap_count; j++)
            if (conflicts(&root_caps(r, o)[j], cap)) {
                *held = &root_caps(r, o)[j];
                return o->name;
            }
    }
    return NULL;
}

static bool build_failed(struct build *b, uint64_t e)
{
    char detail[240];
    const struct kdm_cap *held = NULL;
    const char *holder = b->cap && e == KE_ILLEGAL_OPERATION ? holder_of(b->r, b->c, b->cap, &held) : NULL;
    if (holder)
        usnprintf(detail, sizeof(detail),
                  "capability '%s' (slot %u): %s: %s (held by component '%s', capability '%s')",
                  root_string(b->r, b->cap->name), b->cap->slot, b->what, kumiki_error_name(e), holder,
                  root_string(b->r, held->name));
    else if (b->cap)
        usnprintf(detail, sizeof(detail), "capability '%s' (slot %u): %s: %s",
                  root_string(b->r, b->cap->name), b->cap->slot, b->what, kumiki_error_name(e));
    else
        usnprintf(detail, sizeof(detail), "cannot create it: %s: %s", b->what, kumiki_error_name(e));
    component_destroy(b->r, b->c);
    supervise_report_failure(b->r, b->c, detail);
    return false;
}

bool component_build(struct root *r, struct component *c)
{
    struct build b = { .r = r, .c = c, .radix = c->decl->cnode_radix };
    char args[KDM_NAME_MAX + KDM_ARGS_MAX];
    const char *extra = root_string(r, c->decl->args);
    usnprintf(args, sizeof(args), "%s%s%s", c->program->name, *extra ? " " : "", extra);
    struct kumiki_spawn spawn = {
        .elf = c->program->data,
        .elf_size = c->program->size,
        .args = args,
        .supervisor = r->supervisor,
        .badge = c->index + 1,
        .priority = c->decl->priority,
        .memory_bits = c->decl->memory_bits,
        .scratch_vspace = KUMIKI_CAP_INIT_VSPACE,
        .scratch_vaddr = ROOT_SCRATCH_PAGE,
        .cnode_radix = c->decl->cnode_radix,
        .suspended = true,
    };
    c->slots.untyped = c->pool;
    c->slots.untyped_bits = c->decl->memory_bits;
    uint64_t e = kumiki_process_spawn(&c->slots, &spawn, &c->process, &b.what);
    if (e)
        return build_failed(&b, e);
    c->slots.untyped = c->process.untyped; /* the component's own memory from here on */
    if ((e = step(&b, "naming its thread", set_name(c))) ||
        (c->decl->foreign_abi &&
         (e = step(&b, "setting the foreign-ABI flag", kumiki_tcb_set_foreign_abi(c->process.tcb, 1)))))
        return build_failed(&b, e);
    if ((e = place_all(&b)))
        return build_failed(&b, e);
    c->state = COMPONENT_CREATED;
    return true;
}

void component_start(struct root *r, struct component *c)
{
    (void)r;
    uint64_t e = kumiki_tcb_resume(c->process.tcb);
    if (e) {
        char detail[80];
        usnprintf(detail, sizeof(detail), "cannot start its thread: %s", kumiki_error_name(e));
        component_destroy(r, c);
        supervise_report_failure(r, c, detail);
        return;
    }
    c->state = COMPONENT_RUNNING;
    c->runs++;
}

/* Everything made from the component's kept untypeds goes first: the
 * child in its slot and whatever the component retyped from it (threads,
 * CNodes, page tables...), so the next build starts from empty ones. */
static uint64_t revoke_untypeds(struct root *r, struct component *c)
{
    const struct kdm_cap *caps = root_caps(r, c);
    uint64_t e = KE_OK;
    for (uint32_t i = 0; !e && i < c->decl->cap_count; i++)
        if (caps[i].kind == KDM_CAP_UNTYPED && r->untypeds[c->decl->first_cap + i])
            e = kumiki_cnode_revoke(KUMIKI_CAP_INIT_CNODE, r->untypeds[c->decl->first_cap + i], 64);
    return e;
}

void component_destroy(struct root *r, struct component *c)
{
    uint64_t e = revoke_untypeds(r, c);
    if (e)
        uprintf("root: component '%s': taking back its untyped failed: %s\n", c->name, kumiki_error_name(e));
    e = kumiki_process_destroy(&c->slots, &c->process);
    if (e)
        uprintf("root: component '%s': destroying it failed: %s\n", c->name, kumiki_error_name(e));
    c->process = (struct kumiki_process){ 0 };
    c->slots.untyped = c->pool;
}
