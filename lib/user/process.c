/* lib/user/process.c — see kumiki/process.h. */
#include <elf64_image.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/process.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

enum { PAGE = 4096 };

/* The CNode radix a spawn asks for (0: the default). */
static unsigned cnode_radix(const struct kumiki_spawn *s)
{
    return s->cnode_radix ? s->cnode_radix : KUMIKI_PROGRAM_CNODE_RADIX;
}

struct builder {
    struct kumiki_allocator *a; /* slots of the spawner; objects from the process's untyped */
    const struct kumiki_spawn *s;
    struct kumiki_process *p;
};

static uint64_t fail(const char **why, const char *what, uint64_t error)
{
    *why = what;
    return error;
}

/* A new frame filled through the scratch mapping (copy may be NULL: zeroes,
 * which retype already gave us). */
static uint64_t filled_frame(struct builder *b, const uint8_t *bytes, size_t offset, size_t len,
                             kumiki_cptr_t *out)
{
    uint64_t e = kumiki_alloc_object(b->a, KUMIKI_OBJ_FRAME, 0, out);
    if (e || !len)
        return e;
    e = kumiki_map_page(b->a, b->s->scratch_vspace, *out, b->s->scratch_vaddr,
                        KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE);
    if (e)
        return e;
    memcpy((uint8_t *)b->s->scratch_vaddr + offset, bytes, len);
    return kumiki_frame_unmap(*out);
}

static uint64_t page_rights(const struct elf_image *img, uint64_t page)
{
    uint64_t rights = 0;
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *seg = &img->segments[i];
        if (seg->vaddr < page + PAGE && page < seg->vaddr + seg->memsz)
            rights |= KUMIKI_RIGHT_READ | ((seg->flags & ELF_SEG_W) ? KUMIKI_RIGHT_WRITE : 0) |
                      ((seg->flags & ELF_SEG_X) ? KUMIKI_RIGHT_EXECUTE : 0);
    }
    return rights;
}

static uint64_t load_segments(struct builder *b, const struct elf_image *img)
{
    const uint8_t *file = b->s->elf;
    for (uint64_t page = img->lowest_vaddr; page < img->highest_vaddr_end; page += PAGE) {
        uint64_t rights = page_rights(img, page);
        if (!rights)
            continue;
        kumiki_cptr_t frame;
        uint64_t e = kumiki_alloc_object(b->a, KUMIKI_OBJ_FRAME, 0, &frame);
        if (e)
            return e;
        e = kumiki_map_page(b->a, b->s->scratch_vspace, frame, b->s->scratch_vaddr,
                            KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE);
        if (e)
            return e;
        for (unsigned i = 0; i < img->nsegments; i++) {
            const struct elf_segment *seg = &img->segments[i];
            uint64_t start = seg->vaddr > page ? seg->vaddr : page;
            uint64_t end = seg->vaddr + seg->filesz < page + PAGE ? seg->vaddr + seg->filesz : page + PAGE;
            if (start < end)
                memcpy((uint8_t *)b->s->scratch_vaddr + (start - page),
                       file + seg->file_offset + (start - seg->vaddr), end - start);
        }
        if ((e = kumiki_frame_unmap(frame)) || (e = kumiki_map_page(b->a, b->p->vspace, frame, page, rights)))
            return e;
    }
    return KE_OK;
}

static uint64_t setup_cspace(struct builder *b)
{
    struct kumiki_allocator *a = b->a;
    kumiki_cptr_t cnode = b->p->cnode;
    const unsigned depth = cnode_radix(b->s);
    uint64_t e = kumiki_cnode_mint(cnode, KUMIKI_PROGRAM_CAP_SUPERVISOR, depth, a->cspace, b->s->supervisor,
                                   64, KUMIKI_RIGHT_WRITE | KUMIKI_RIGHT_GRANT_REPLY, b->s->badge);
    if (!e)
        e = kumiki_cnode_copy(cnode, KUMIKI_PROGRAM_CAP_TCB, depth, a->cspace, b->p->tcb, 64,
                              KUMIKI_RIGHTS_ALL);
    if (!e)
        e = kumiki_cnode_mint(cnode, KUMIKI_PROGRAM_CAP_CNODE, depth, a->cspace, cnode, 64, KUMIKI_RIGHTS_ALL,
                              (64 - depth));
    if (!e)
        e = kumiki_cnode_copy(cnode, KUMIKI_PROGRAM_CAP_VSPACE, depth, a->cspace, b->p->vspace, 64,
                              KUMIKI_RIGHTS_ALL);
    for (unsigned i = 0; !e && i < b->s->give_count; i++)
        e = kumiki_cnode_copy(cnode, KUMIKI_PROGRAM_CAP_FIRST_FREE + i, depth, a->cspace, b->s->give[i], 64,
                              KUMIKI_RIGHTS_ALL);
    return e;
}

static uint64_t start_thread(struct builder *b, const struct elf_image *img, kumiki_cptr_t ipc_buffer)
{
    struct kumiki_allocator *a = b->a;
    kumiki_cptr_t fault_ep = kumiki_alloc_slot(a);
    uint64_t e = fault_ep ? kumiki_cnode_mint(a->cspace, fault_ep, 64, a->cspace, b->s->supervisor, 64,
                                              KUMIKI_RIGHT_WRITE | KUMIKI_RIGHT_GRANT_REPLY, b->s->badge)
                          : KE_RANGE;
    if (!e)
        e = kumiki_tcb_set_space(b->p->tcb, fault_ep, b->p->cnode, 64 - cnode_radix(b->s), b->p->vspace);
    if (!e)
        e = kumiki_tcb_set_ipc_buffer(b->p->tcb, KUMIKI_PROGRAM_IPC_BUFFER, ipc_buffer);
    if (!e)
        e = kumiki_tcb_set_priority(b->p->tcb, KUMIKI_CAP_INIT_TCB, b->s->priority);
    if (e)
        return e;
    return kumiki_tcb_write_registers(b->p->tcb, !b->s->suspended, img->entry, KUMIKI_PROGRAM_STACK_TOP,
                                      0x202, 0, 0, 0, 0, 0, KUMIKI_PROGRAM_ARGS, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                      0);
}

static uint64_t build_process(struct builder *b, const struct elf_image *img, const char **why)
{
    struct kumiki_allocator *a = b->a;
    struct kumiki_process *p = b->p;
    uint64_t e;
    if ((e = kumiki_alloc_object(a, KUMIKI_OBJ_CNODE, cnode_radix(b->s), &p->cnode)) ||
        (e = kumiki_alloc_object(a, KUMIKI_OBJ_PML4, 0, &p->vspace)) ||
        (e = kumiki_alloc_object(a, KUMIKI_OBJ_TCB, 0, &p->tcb)))
        return fail(why, "creating the program's objects", e);
    if ((e = setup_cspace(b)))
        return fail(why, "filling the program's CSpace", e);
    if ((e = load_segments(b, img)))
        return fail(why, "loading the program's segments", e);
    for (unsigned i = 1; i <= KUMIKI_PROGRAM_STACK_PAGES; i++) {
        kumiki_cptr_t frame;
        if ((e = kumiki_alloc_object(a, KUMIKI_OBJ_FRAME, 0, &frame)) ||
            (e = kumiki_map_page(a, p->vspace, frame, KUMIKI_PROGRAM_STACK_TOP - i * PAGE,
                                 KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE)))
            return fail(why, "mapping the program's stack", e);
    }
    kumiki_cptr_t args, ipc_buffer;
    size_t args_len = strlen(b->s->args) + 1;
    if (args_len > PAGE)
        return fail(why, "argument string longer than a page", KE_RANGE);
    if ((e = filled_frame(b, (const uint8_t *)b->s->args, 0, args_len, &args)) ||
        (e = kumiki_map_page(a, p->vspace, args, KUMIKI_PROGRAM_ARGS, KUMIKI_RIGHT_READ)) ||
        (e = kumiki_alloc_object(a, KUMIKI_OBJ_FRAME, 0, &ipc_buffer)) ||
        (e = kumiki_map_page(a, p->vspace, ipc_buffer, KUMIKI_PROGRAM_IPC_BUFFER,
                             KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE)))
        return fail(why, "mapping the program's arguments and IPC buffer", e);
    if ((e = start_thread(b, img, ipc_buffer)))
        return fail(why, "configuring and starting the program's thread", e);
    return KE_OK;
}

static enum elf_error parse_program(const void *elf, size_t elf_size, struct elf_image *img)
{
    struct elf_limits limits = { .user_lo = PAGE, .user_hi = KUMIKI_PROGRAM_ARGS, .load_bias = 0x400000 };
    return elf64_image_parse(elf, elf_size, &limits, img);
}

uint64_t kumiki_program_check(const void *elf, size_t elf_size, const char **why)
{
    struct elf_image img;
    enum elf_error ee = parse_program(elf, elf_size, &img);
    return ee == ELF_OK ? KE_OK : fail(why, elf_error_name(ee), KE_INVALID_ARGUMENT);
}

uint64_t kumiki_process_spawn(struct kumiki_allocator *spawner, const struct kumiki_spawn *s,
                              struct kumiki_process *p, const char **why)
{
    *p = (struct kumiki_process){ .first_slot = spawner->next_slot };
    struct elf_image img;
    enum elf_error ee = parse_program(s->elf, s->elf_size, &img);
    if (ee != ELF_OK)
        return fail(why, elf_error_name(ee), KE_INVALID_ARGUMENT);
    if (cnode_radix(s) < 4 || cnode_radix(s) > KUMIKI_MAX_CNODE_RADIX)
        return fail(why, "CNode radix outside 4..24", KE_INVALID_ARGUMENT);

    uint64_t e = kumiki_alloc_object(spawner, KUMIKI_OBJ_UNTYPED, s->memory_bits, &p->untyped);
    if (e)
        return fail(why, "no memory for the program", e);
    struct kumiki_allocator a = *spawner; /* the spawner's slots, the program's own memory */
    a.untyped = p->untyped;
    a.untyped_bits = s->memory_bits;
    struct builder b = { &a, s, p };
    e = build_process(&b, &img, why);
    spawner->next_slot = a.next_slot; /* destroy frees them, success or not */
    return e;
}

uint64_t kumiki_process_destroy(struct kumiki_allocator *a, struct kumiki_process *p)
{
    if (!p->untyped)
        return KE_OK; /* nothing was made */
    uint64_t e = kumiki_cnode_revoke(a->cspace, p->untyped, 64);
    if (!e)
        e = kumiki_cnode_delete(a->cspace, p->untyped, 64);
    /* Every slot from first_slot on held a child of the untyped (or a copy
     * derived from the spawner's own caps, like the minted fault endpoint). */
    for (kumiki_cptr_t slot = p->first_slot; !e && slot < a->next_slot; slot++)
        e = kumiki_cnode_delete(a->cspace, slot, 64);
    if (!e)
        a->next_slot = p->first_slot;
    return e;
}
