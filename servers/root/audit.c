/* servers/root/audit.c — the runtime capability audit: every non-empty
 * slot of every built component's CNode, as the kernel holds it
 * (SYS_DEBUG_SLOT_INFO), in the AUDIT line format of lib/deploy/kumiki/
 * manifest.h.  Objects are recognised by their kernel address: endpoints
 * against the ones the root task made, frames against module header pages,
 * the shared regions' and device memory, untypeds against the ones the root
 * task keeps for the component, TCB / CNode / PML4 against the component's
 * own.
 * tools/kdeploy prints the same lines from the declaration; a test
 * compares the two. */
#include "root.h"
#include <kumiki/user.h>

static const char *const type_names[] = {
    [KUMIKI_OBJ_UNTYPED] = "untyped",
    [KUMIKI_OBJ_TCB] = "tcb",
    [KUMIKI_OBJ_ENDPOINT] = "endpoint",
    [KUMIKI_OBJ_NOTIFICATION] = "notification",
    [KUMIKI_OBJ_CNODE] = "cnode",
    [KUMIKI_OBJ_FRAME] = "frame",
    [KUMIKI_OBJ_LARGE_FRAME] = "large_frame",
    [KUMIKI_OBJ_PAGE_TABLE] = "page_table",
    [KUMIKI_OBJ_PAGE_DIRECTORY] = "page_directory",
    [KUMIKI_OBJ_PDPT] = "pdpt",
    [KUMIKI_OBJ_PML4] = "pml4",
    [KUMIKI_OBJ_IRQ_CONTROL] = "irq_control",
    [KUMIKI_OBJ_IRQ_HANDLER] = "irq_handler",
    [KUMIKI_OBJ_IOPORT_CONTROL] = "ioport_control",
    [KUMIKI_OBJ_IOPORT] = "ioport",
    [KUMIKI_OBJ_REPLY] = "reply",
};

struct slot {
    uint64_t type, rights, size_bits, data, object;
};

static bool read_slot(kumiki_cptr_t cnode, uint64_t index, struct slot *s)
{
    uint64_t info;
    if (kumiki_slot_info(cnode, index, &info, &s->data, &s->object) != KE_OK)
        return false;
    s->type = info & 0xff;
    s->rights = (info >> 8) & 0xff;
    s->size_bits = (info >> 16) & 0xff;
    return s->type != KUMIKI_OBJ_NULL;
}

static uint64_t object_in_root(kumiki_cptr_t slot)
{
    struct slot s = { 0 };
    read_slot(KUMIKI_CAP_INIT_CNODE, slot, &s);
    return s.object;
}

static void rights_text(uint64_t rights, char out[6])
{
    static const struct {
        uint64_t bit;
        char letter;
    } order[5] = { { KUMIKI_RIGHT_READ, 'R' },
                   { KUMIKI_RIGHT_WRITE, 'W' },
                   { KUMIKI_RIGHT_GRANT, 'G' },
                   { KUMIKI_RIGHT_GRANT_REPLY, 'P' },
                   { KUMIKI_RIGHT_EXECUTE, 'X' } };
    for (int i = 0; i < 5; i++)
        out[i] = (rights & order[i].bit) ? order[i].letter : '-';
    out[5] = '\0';
}

static void endpoint_detail(const struct root *r, uint64_t index, const struct slot *s, char *out,
                            size_t size)
{
    if (s->object == r->supervisor_object) {
        usnprintf(out, size, "%ssupervisor badge=%lu", index == 1 ? "" : "(not slot 1) ", s->data);
        return;
    }
    for (uint32_t i = 0; i < r->header->endpoint_count; i++)
        if (r->endpoint_objects[i] == s->object) {
            usnprintf(out, size, "ep=%u badge=0x%lx", i, s->data);
            return;
        }
    usnprintf(out, size, "ep=? badge=0x%lx", s->data);
}

static const struct kdm_cap *all_caps(const struct root *r)
{
    return (const struct kdm_cap *)((const char *)r->manifest + r->header->cap_offset);
}

static void frame_detail(const struct root *r, const struct slot *s, char *out, size_t size)
{
    const struct kdm_shared *shared = (const void *)((const char *)r->manifest + r->header->shared_offset);
    for (uint32_t i = 0; i < r->header->cap_count; i++)
        if (all_caps(r)[i].kind == KDM_CAP_MODULE && r->module_headers[i] == s->object) {
            usnprintf(out, size, "module=%s", root_string(r, all_caps(r)[i].a));
            return;
        }
    for (uint32_t i = 0; i < r->header->shared_count; i++)
        if (r->shared[i].paddr == s->object) {
            usnprintf(out, size, "shared=%s", root_string(r, shared[i].name));
            return;
        }
    if (devmem_contains(r, s->object))
        usnprintf(out, size, "mmio=0x%lx", s->object);
    else
        usnprintf(out, size, "dma");
}

/* An untyped is one the root task keeps for one of the component's
 * declarations (the child it gave starts at the same address), or
 * something the deployment did not declare. */
static void untyped_detail(const struct root *r, const struct component *c, const struct slot *s, char *out,
                           size_t size)
{
    const struct kdm_cap *caps = root_caps(r, c);
    bool declared = false;
    for (uint32_t i = 0; i < c->decl->cap_count && !declared; i++)
        declared = caps[i].kind == KDM_CAP_UNTYPED && caps[i].a == s->size_bits &&
                   object_in_root(r->untypeds[c->decl->first_cap + i]) == s->object;
    usnprintf(out, size, "size=0x%lx%s", 1ul << s->size_bits, declared ? "" : " (not declared)");
}

static void detail(const struct root *r, const struct component *c, uint64_t index, const struct slot *s,
                   char *out, size_t size)
{
    switch (s->type) {
    case KUMIKI_OBJ_ENDPOINT: endpoint_detail(r, index, s, out, size); break;
    case KUMIKI_OBJ_IOPORT: usnprintf(out, size, "ports=0x%lx-0x%lx", s->data & 0xffff, s->data >> 16); break;
    case KUMIKI_OBJ_IRQ_HANDLER: usnprintf(out, size, "line=%lu", s->data); break;
    case KUMIKI_OBJ_FRAME: frame_detail(r, s, out, size); break;
    case KUMIKI_OBJ_UNTYPED: untyped_detail(r, c, s, out, size); break;
    case KUMIKI_OBJ_TCB:
    case KUMIKI_OBJ_CNODE:
    case KUMIKI_OBJ_PML4: {
        kumiki_cptr_t own = s->type == KUMIKI_OBJ_TCB     ? c->process.tcb
                            : s->type == KUMIKI_OBJ_CNODE ? c->process.cnode
                                                          : c->process.vspace;
        usnprintf(out, size, "%s", object_in_root(own) == s->object ? "self" : "other");
        break;
    }
    default: usnprintf(out, size, "-"); break;
    }
}

static void audit_component(const struct root *r, const struct component *c)
{
    uint64_t slots = 1ull << c->decl->cnode_radix;
    for (uint64_t index = 1; index < slots; index++) {
        struct slot s;
        if (!read_slot(c->process.cnode, index, &s))
            continue;
        char rights[6], text[96];
        rights_text(s.rights, rights);
        detail(r, c, index, &s, text, sizeof(text));
        const char *type = s.type < sizeof(type_names) / sizeof(type_names[0]) && type_names[s.type]
                               ? type_names[s.type]
                               : "unknown";
        uprintf("AUDIT %s %lu %s %s %s\n", c->name, index, type, rights, text);
    }
}

void audit_print(const struct root *r)
{
    uprintf("AUDIT BEGIN %s\n", root_string(r, r->header->deployment_name));
    for (unsigned i = 0; i < r->component_count; i++)
        if (r->components[i].state == COMPONENT_CREATED)
            audit_component(r, &r->components[i]);
    uprintf("AUDIT END\n");
}
