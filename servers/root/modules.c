/* servers/root/modules.c — the boot modules: bootinfo modules[0] is the
 * manifest, the others are component ELFs named by the basename of the
 * first word of their command line (".../probe_server.elf args" ->
 * "probe_server.elf").  Each is mapped once, read-only, and stays mapped:
 * a restart reloads the component from the same pages.
 *
 * A component's declared module (`module NAME "file" max SIZE;`) is mapped
 * into it, read only, not copied: a header page (kumiki/module_header.h)
 * and then copies of the module's own frames.  Those copies must stay in
 * slots while they are mapped, and a large module has more pages than the
 * root task's CNode has slots, so they live in a CNode made for them from
 * the component's memory: each is copied into one spare root slot, mapped,
 * then moved into that CNode.  Destroying the component deletes the CNode,
 * and with it the copies and their mappings. */
#include "root.h"
#include <kumiki/invocations_generated.h>
#include <kumiki/module_header.h>
#include <kumiki/supervisor.h>
#include <kumiki/user.h>

uint64_t modules_map(struct root *r)
{
    uint64_t vaddr = ROOT_MODULE_BASE;
    for (unsigned i = 0; i < r->bi->module_count; i++) {
        const struct kumiki_module_desc *m = &r->bi->modules[i];
        struct root_module *mod = &r->modules[r->module_count++];
        kumiki_module_name(m->cmdline, mod->name, sizeof(mod->name));
        mod->data = (const void *)vaddr;
        mod->size = m->size;
        mod->first_frame = m->frames.start;
        mod->pages = m->frames.end - m->frames.start;
        for (uint64_t slot = m->frames.start; slot < m->frames.end; slot++, vaddr += 4096) {
            uint64_t e = kumiki_map_page(&r->alloc, KUMIKI_CAP_INIT_VSPACE, slot, vaddr, KUMIKI_RIGHT_READ);
            if (e)
                return e;
        }
        vaddr += 4096; /* an unmapped page between modules */
    }
    return KE_OK;
}

/* The first component module of that name (modules[0] is the manifest). */
const struct root_module *modules_find(const struct root *r, const char *name)
{
    for (unsigned i = 1; i < r->module_count; i++)
        if (strcmp(r->modules[i].name, name) == 0)
            return &r->modules[i];
    return NULL;
}

enum { PAGE = 4096 };

static void copy_name(char *out, size_t size, const char *in)
{
    size_t n = 0;
    for (; n + 1 < size && in[n]; n++)
        out[n] = in[n];
    out[n] = '\0';
}

/* The header page is filled through the root task's scratch mapping, then
 * unmapped there (a frame capability maps once). */
static uint64_t fill_header(kumiki_cptr_t frame, const struct kumiki_module_header *h)
{
    uint64_t e = kumiki_frame_map(frame, KUMIKI_CAP_INIT_VSPACE, ROOT_SCRATCH_PAGE,
                                  KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE, 0);
    if (e)
        return e;
    *(volatile struct kumiki_module_header *)ROOT_SCRATCH_PAGE = *h;
    return kumiki_frame_unmap(frame);
}

/* The copies go into CNodes of at most 2^COPIES_RADIX_MAX slots, slot 0 of
 * each unused (a CNode's slot 0 is its header): a large module costs about
 * 64 bytes of the component's memory per page, never a CNode rounded up to
 * twice its size. */
enum { COPIES_RADIX_MAX = 12, COPIES_PER_CNODE = (1 << COPIES_RADIX_MAX) - 1 };

/* log2 of the CNode that holds `count` copies in slots 1..count. */
static unsigned copies_radix(uint64_t count)
{
    unsigned radix = 1;
    while ((1ull << radix) < count + 1)
        radix++;
    return radix;
}

/* Frames first .. first + count of module m mapped from vaddr, their
 * copies kept in one new CNode. */
static uint64_t map_run(struct component *c, kumiki_cptr_t spare, kumiki_cptr_t first, uint64_t count,
                        uint64_t vaddr, const char **why)
{
    struct kumiki_allocator *a = &c->slots;
    unsigned radix = copies_radix(count);
    kumiki_cptr_t copies;
    uint64_t e = kumiki_alloc_object(a, KUMIKI_OBJ_CNODE, radix, &copies);
    if (e) {
        *why = "a CNode for the copies of the module's frames, from the component's memory";
        return e;
    }
    for (uint64_t i = 0; i < count; i++) {
        *why = "copying a frame of the module";
        e = kumiki_cnode_copy(a->cspace, spare, 64, a->cspace, first + i, 64, KUMIKI_RIGHT_READ);
        if (!e) {
            *why = "mapping a frame of the module";
            e = kumiki_map_page(a, c->process.vspace, spare, vaddr + i * PAGE, KUMIKI_RIGHT_READ);
        }
        if (!e) {
            *why = "keeping a copy of a frame of the module";
            e = kumiki_cnode_move(copies, i + 1, radix, a->cspace, spare, 64);
        }
        if (e)
            return e;
    }
    return KE_OK;
}

static uint64_t map_frames(struct component *c, const struct root_module *m, uint64_t pages, uint64_t vaddr,
                           const char **why)
{
    kumiki_cptr_t spare = kumiki_alloc_slot(&c->slots);
    if (!spare) {
        *why = "a slot to map the module's frames through";
        return KE_RANGE;
    }
    for (uint64_t done = 0; done < pages; done += COPIES_PER_CNODE) {
        uint64_t count = pages - done < COPIES_PER_CNODE ? pages - done : COPIES_PER_CNODE;
        uint64_t e = map_run(c, spare, m->first_frame + done, count, vaddr + done * PAGE, why);
        if (e)
            return e;
    }
    return KE_OK;
}

uint64_t modules_map_into(struct component *c, const struct root_module *m, const char *decl_name,
                          uint64_t max_size, uint64_t vaddr, kumiki_cptr_t *header, uint64_t *header_paddr,
                          const char **why)
{
    uint64_t pages = (m->size + PAGE - 1) / PAGE;
    if (pages > m->pages || pages * PAGE > max_size) {
        *why = "the module has fewer frames than its size needs, or more pages than its max";
        return KE_RANGE;
    }
    struct kumiki_module_header h = {
        .magic = KUMIKI_MODULE_MAGIC,
        .size = m->size,
        .pages = pages,
        .max_size = max_size,
        .data = vaddr + KUMIKI_MODULE_DATA_OFFSET,
    };
    copy_name(h.name, sizeof(h.name), decl_name);
    copy_name(h.file, sizeof(h.file), m->name);
    uint64_t e;
    *why = "a frame for the module's header page, from the component's memory";
    if ((e = kumiki_alloc_object(&c->slots, KUMIKI_OBJ_FRAME, 0, header)))
        return e;
    *why = "writing the module's header page";
    if ((e = fill_header(*header, &h)) || (e = kumiki_frame_get_address(*header, header_paddr)))
        return e;
    *why = "mapping the module's header page";
    if ((e = kumiki_map_page(&c->slots, c->process.vspace, *header, vaddr, KUMIKI_RIGHT_READ)))
        return e;
    return map_frames(c, m, pages, vaddr + KUMIKI_MODULE_DATA_OFFSET, why);
}
