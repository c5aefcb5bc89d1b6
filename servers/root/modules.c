/* servers/root/modules.c — the boot modules: bootinfo modules[0] is the
 * manifest, the others are component ELFs named by the basename of the
 * first word of their command line (".../probe_server.elf args" ->
 * "probe_server.elf").  Each is mapped once, read-only, and stays mapped:
 * a restart reloads the component from the same pages. */
#include "root.h"
#include <kumiki/invocations_generated.h>
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
