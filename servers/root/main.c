/* servers/root/main.c — the root task that builds a system from a
 * deployment manifest.
 *
 * Boot modules: the kernel starts module 1 (this program); bootinfo
 * modules[0] is the manifest (lib/deploy/kumiki/manifest.h, written by
 * tools/kdeploy); the others are the components' ELF files, found by name.
 * Order: validate the whole manifest (nothing is created for an invalid
 * one: the run ends with a message naming the field), check every
 * component's ELF (a bad one stops only that component), create the shared
 * objects, build every component with its capabilities, print the audit,
 * start the components in manifest order, then supervise forever. */
#include "root.h"
#include <kumiki/invocations_generated.h>
#include <kumiki/user.h>

static struct root root;

/* A name from a manifest that failed validation, when it can be shown:
 * the layout was valid if the problem is inside a component. */
static const char *safe_string(const void *manifest, uint32_t off)
{
    const struct kdm_header *h = manifest;
    if (off >= h->string_size)
        return NULL;
    const char *s = kdm_string(manifest, off);
    for (unsigned n = 0; n < KDM_NAME_MAX; n++)
        if (!s[n])
            return n ? s : NULL;
    return NULL;
}

__attribute__((noreturn)) static void invalid_manifest(const void *manifest, const char *why,
                                                       const struct kdm_where *w)
{
    const struct kdm_header *h = manifest;
    char where[200] = "";
    size_t used = 0;
    if (w->component >= 0) {
        const struct kdm_component *c =
            (const struct kdm_component *)((const char *)manifest + h->component_offset) + w->component;
        const char *name = safe_string(manifest, c->name);
        used += usnprintf(where, sizeof(where), "component '%s' (#%d)", name ? name : "?", w->component);
        if (w->cap >= 0) {
            const struct kdm_cap *k =
                (const struct kdm_cap *)((const char *)manifest + h->cap_offset) + c->first_cap + w->cap;
            const char *cap = safe_string(manifest, k->name);
            used += usnprintf(where + used, sizeof(where) - used, ", capability '%s' (#%d, slot %u)",
                              cap ? cap : "?", w->cap, k->slot);
        }
    } else if (w->shared >= 0) {
        const struct kdm_shared *s =
            (const struct kdm_shared *)((const char *)manifest + h->shared_offset) + w->shared;
        const char *name = safe_string(manifest, s->name);
        used += usnprintf(where, sizeof(where), "shared region '%s' (#%d)", name ? name : "?", w->shared);
    }
    uprintf("root: invalid manifest: %s%s%s\n", where, used ? ": " : "", why);
    uprintf("root: nothing was created; stopping\n");
    kumiki_exit(1);
}

__attribute__((noreturn)) static void stop(const char *what, uint64_t e)
{
    uprintf("root: %s: %s; stopping\n", what, e ? kumiki_error_name(e) : "");
    kumiki_exit(1);
}

/* The page tables of the scratch page, from the root task's own memory
 * (spawns map it with the component's allocator, which must not own them). */
static uint64_t prepare_scratch(struct root *r)
{
    kumiki_cptr_t frame;
    uint64_t e = kumiki_alloc_object(&r->alloc, KUMIKI_OBJ_FRAME, 0, &frame);
    if (!e)
        e = kumiki_map_page(&r->alloc, KUMIKI_CAP_INIT_VSPACE, frame, ROOT_SCRATCH_PAGE, KUMIKI_RIGHT_READ);
    return e ? e : kumiki_frame_unmap(frame);
}

/* Program, memory, MMIO frames, untypeds and modules of each component,
 * from the root task's own resources; a failure stops only that component. */
static void resolve_components(struct root *r)
{
    const struct kdm_component *decl =
        (const struct kdm_component *)((const char *)r->manifest + r->header->component_offset);
    r->component_count = r->header->component_count;
    for (unsigned i = 0; i < r->component_count; i++) {
        struct component *c = &r->components[i];
        *c = (struct component){ .index = i, .decl = &decl[i], .name = root_string(r, decl[i].name) };
        const char *program = root_string(r, decl[i].program), *why = NULL;
        char detail[256];
        c->program = modules_find(r, program);
        if (!c->program) {
            usnprintf(detail, sizeof(detail), "program '%s' is not among the boot modules", program);
            supervise_report_failure(r, c, detail);
        } else if (kumiki_program_check(c->program->data, c->program->size, &why)) {
            usnprintf(detail, sizeof(detail), "program '%s' is not a loadable ELF: %s", program, why);
            supervise_report_failure(r, c, detail);
        } else if (root_ram_untyped(r, decl[i].memory_bits, &c->pool)) {
            usnprintf(detail, sizeof(detail), "no memory for its budget of 2^%u bytes", decl[i].memory_bits);
            supervise_report_failure(r, c, detail);
        } else if (!component_resolve(r, c, detail, sizeof(detail))) {
            supervise_report_failure(r, c, detail);
        }
    }
}

/* The root slots left, less a reserve, are split evenly between the
 * components (each one's window). */
static void split_slots(struct root *r)
{
    uint64_t free = r->alloc.end_slot - r->alloc.next_slot;
    free = free > ROOT_RESERVED_SLOTS ? free - ROOT_RESERVED_SLOTS : 0;
    uint64_t each = free / r->component_count;
    if (each > 4096)
        each = 4096;
    for (unsigned i = 0; i < r->component_count; i++) {
        kumiki_cptr_t start = r->alloc.next_slot + i * each;
        component_prepare(r, &r->components[i], start, start + each);
    }
    r->alloc.next_slot += each * r->component_count;
}

int main(const char *argument)
{
    (void)argument;
    struct root *r = &root;
    r->bi = kumiki_bootinfo();
    uint64_t e;
    if (!r->bi || (e = kumiki_alloc_init_root(&r->alloc, r->bi)))
        stop("no boot information or no memory", KE_NOT_ENOUGH_MEMORY);
    if (r->bi->module_count < 1)
        stop("no manifest: the first boot module after the root task must be the deployment manifest", 0);
    if ((e = prepare_scratch(r)) || (e = modules_map(r)))
        stop("mapping the boot modules", e);

    r->manifest = r->modules[0].data;
    r->header = r->manifest;
    const char *why;
    struct kdm_where where;
    if (kdm_validate(r->manifest, r->modules[0].size, &why, &where))
        invalid_manifest(r->manifest, why, &where);
    uprintf("root: deployment '%s': %u components, %u endpoints, %u shared regions\n",
            root_string(r, r->header->deployment_name), r->header->component_count, r->header->endpoint_count,
            r->header->shared_count);
    uprintf("1..%u\n", r->header->component_count);

    if ((e = devmem_init(r)) || (e = globals_create(r, &why)))
        stop(why, e);
    resolve_components(r);
    split_slots(r);
    for (unsigned i = 0; i < r->component_count; i++)
        if (r->components[i].state != COMPONENT_FAILED)
            component_build(r, &r->components[i]);
    audit_print(r);
    for (unsigned i = 0; i < r->component_count; i++) {
        struct component *c = &r->components[i];
        if (c->state == COMPONENT_CREATED) {
            component_start(r, c);
            uprintf("root: component '%s' started (%s, priority %u)\n", c->name, c->program->name,
                    c->decl->priority);
        }
    }
    supervise(r);
}
