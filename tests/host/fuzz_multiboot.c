/* tests/host/fuzz_multiboot.c — libFuzzer target: the input is physical
 * memory [0, size) with the info structure at 0.  multiboot_parse() must
 * never read outside it, and a successful parse must satisfy its promises:
 * bounded counts, modules non-empty, disjoint and inside available RAM,
 * strings terminated. */
#include <kernel/boot_info.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t *memory;
static size_t memory_size;

static bool read_input(void *ctx, uint64_t phys, void *dst, size_t len)
{
    (void)ctx;
    if (phys > memory_size || len > memory_size - phys)
        return false;
    memcpy(dst, memory + phys, len);
    return true;
}

static bool inside_available(const struct boot_info *info, uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < info->region_count; i++)
        if (info->regions[i].type == BOOT_MEMORY_AVAILABLE && start >= info->regions[i].base &&
            end <= info->regions[i].base + info->regions[i].length)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct boot_info info;
    struct phys_reader reader = { .read = read_input };
    unsigned index;
    memory = data;
    memory_size = size;
    if (multiboot_parse(0x2badb002, 0, &reader, &info, &index) != BOOT_OK)
        return 0;
    if (info.region_count > BOOT_MAX_MEMORY_REGIONS || info.module_count > BOOT_MAX_MODULES ||
        info.reserved_count > BOOT_MAX_RESERVED || boot_available_bytes(&info) == 0)
        abort();
    if (memchr(info.cmdline, 0, sizeof(info.cmdline)) == NULL)
        abort();
    for (unsigned i = 0; i < info.module_count; i++) {
        const struct boot_module *m = &info.modules[i];
        if (m->end <= m->start || !inside_available(&info, m->start, m->end) ||
            memchr(m->cmdline, 0, sizeof(m->cmdline)) == NULL)
            abort();
        for (unsigned j = 0; j < i; j++)
            if (m->start < info.modules[j].end && info.modules[j].start < m->end)
                abort();
    }
    return 0;
}
