/* tests/kernel/harness/kprocess.c — see kprocess.h. */
#include "kprocess.h"

enum { PROGRAM_MEMORY_BITS = 20, PROGRAM_PRIORITY = 100 };

static bool contains(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (; *haystack; haystack++)
        if (memcmp(haystack, needle, n) == 0)
            return true;
    return false;
}

/* Copies of the module's frames, mapped read-only and contiguously (MAP
 * changes the frame capability: it needs WRITE on it, whatever the mapping). */
static uint64_t map_module(const struct kumiki_module_desc *m, uint64_t *address)
{
    uint64_t pages = m->frames.end - m->frames.start;
    uint64_t base = kt_vaddr(pages * 4096, 4096);
    for (uint64_t i = 0; i < pages; i++) {
        kumiki_cptr_t copy = kt_slot();
        uint64_t e = copy ? kumiki_cnode_copy(KUMIKI_CAP_INIT_CNODE, copy, 64, KUMIKI_CAP_INIT_CNODE,
                                              m->frames.start + i, 64, KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE)
                          : KE_RANGE;
        if (!e)
            e = kt_map(copy, base + i * 4096, KUMIKI_RIGHT_READ);
        if (e)
            return e;
    }
    *address = base;
    return KE_OK;
}

uint64_t kt_spawn(const char *module, const char *args, kumiki_cptr_t endpoint, uint64_t badge,
                  struct kumiki_process *p, const char **why)
{
    *p = (struct kumiki_process){ 0 };
    const struct kumiki_module_desc *m = NULL;
    for (uint64_t i = 0; i < kt.bi->module_count && !m; i++)
        if (contains(kt.bi->modules[i].cmdline, module))
            m = &kt.bi->modules[i];
    if (!m) {
        *why = "no such boot module";
        return KE_INVALID_ARGUMENT;
    }
    uint64_t elf;
    uint64_t e = map_module(m, &elf);
    if (e) {
        *why = "mapping the module";
        return e;
    }
    struct kumiki_spawn spawn = {
        .elf = (const void *)(uintptr_t)elf,
        .elf_size = m->size,
        .args = args,
        .supervisor = endpoint,
        .badge = badge,
        .priority = PROGRAM_PRIORITY,
        .memory_bits = PROGRAM_MEMORY_BITS,
        .scratch_vspace = KUMIKI_CAP_INIT_VSPACE,
        .scratch_vaddr = kt_vaddr(4096, 4096),
    };
    return kumiki_process_spawn(&kt.alloc, &spawn, p, why);
}
