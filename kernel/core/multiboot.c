/* kernel/core/multiboot.c — validating the multiboot1 information structure.
 *
 * The loader is trusted to exist, not to be right: every pointer in the info
 * structure is read through the phys_reader (which refuses what is out of
 * reach), every count is bounded, and modules must lie inside available RAM
 * without overlapping, so a truncated or misplaced module is refused here
 * with its index instead of being executed. */
#include <kernel/boot_info.h>
#include <kernel/string.h>

enum {
    MULTIBOOT_LOADER_MAGIC = 0x2badb002,
    MB_FLAG_CMDLINE = 1u << 2,
    MB_FLAG_MODULES = 1u << 3,
    MB_FLAG_MEMORY_MAP = 1u << 6,
    MB_INFO_SIZE = 52,      /* through mmap_addr; we read nothing beyond */
    MB_MMAP_ENTRY_MIN = 20, /* base u64, length u64, type u32 */
    MB_MODULE_SIZE = 16,
};

struct mb_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} PACKED;
_Static_assert(sizeof(struct mb_info) == MB_INFO_SIZE, "multiboot info prefix");

struct mb_module {
    uint32_t start, end, string, reserved;
} PACKED;

static const char *const error_texts[] = {
    [BOOT_OK] = "ok",
    [BOOT_ERR_MAGIC] = "not started by a multiboot1 boot loader (bad magic in eax)",
    [BOOT_ERR_INFO_UNREADABLE] = "multiboot information structure is outside readable memory",
    [BOOT_ERR_NO_MEMORY_MAP] = "the boot loader gave no memory map (multiboot flag 6)",
    [BOOT_ERR_MEMORY_MAP_UNREADABLE] = "the memory map is outside readable memory",
    [BOOT_ERR_MEMORY_MAP_ENTRY] = "a memory map entry is malformed",
    [BOOT_ERR_TOO_MANY_REGIONS] = "the memory map has too many entries",
    [BOOT_ERR_NO_USABLE_MEMORY] = "the memory map lists no available RAM",
    [BOOT_ERR_MODULES_UNREADABLE] = "the module list is outside readable memory",
    [BOOT_ERR_TOO_MANY_MODULES] = "too many boot modules",
    [BOOT_ERR_MODULE_EMPTY] = "a boot module is empty (end <= start)",
    [BOOT_ERR_MODULE_OUTSIDE_RAM] = "a boot module is not inside available RAM (truncated or misplaced)",
    [BOOT_ERR_MODULE_OVERLAP] = "two boot modules overlap",
    [BOOT_ERR_STRING_UNREADABLE] = "a command line string is outside readable memory",
};

const char *boot_error_text(enum boot_error e)
{
    if ((unsigned)e >= ARRAY_SIZE(error_texts) || !error_texts[e])
        return "unknown boot error";
    return error_texts[e];
}

static void reserve(struct boot_info *out, uint64_t start, uint64_t len)
{
    if (len && out->reserved_count < BOOT_MAX_RESERVED)
        out->reserved[out->reserved_count++] = (struct boot_range){ start, start + len };
}

/* Copies a NUL-terminated string of at most BOOT_CMDLINE_MAX - 1 characters;
 * a longer one is cut (and still terminated). */
static bool read_string(const struct phys_reader *r, uint64_t phys, char *dst, uint64_t *used)
{
    size_t n = 0;
    for (; n < BOOT_CMDLINE_MAX - 1; n++) {
        if (!r->read(r->ctx, phys + n, &dst[n], 1))
            return false;
        if (dst[n] == '\0')
            break;
    }
    dst[n] = '\0';
    *used = n + 1;
    return true;
}

static enum boot_error parse_memory_map(const struct mb_info *mb, const struct phys_reader *r,
                                        struct boot_info *out, unsigned *error_index)
{
    if (!(mb->flags & MB_FLAG_MEMORY_MAP) || mb->mmap_length == 0)
        return BOOT_ERR_NO_MEMORY_MAP;
    uint64_t pos = mb->mmap_addr, end = (uint64_t)mb->mmap_addr + mb->mmap_length;
    reserve(out, pos, mb->mmap_length);
    uint8_t probe;
    if (!r->read(r->ctx, pos, &probe, 1) || !r->read(r->ctx, end - 1, &probe, 1))
        return BOOT_ERR_MEMORY_MAP_UNREADABLE; /* say so before judging entries */
    while (pos < end) {
        *error_index = out->region_count;
        uint32_t size;
        if (end - pos < 4 + MB_MMAP_ENTRY_MIN)
            return BOOT_ERR_MEMORY_MAP_ENTRY;
        if (!r->read(r->ctx, pos, &size, 4))
            return BOOT_ERR_MEMORY_MAP_UNREADABLE;
        if (size < MB_MMAP_ENTRY_MIN || size > end - pos - 4)
            return BOOT_ERR_MEMORY_MAP_ENTRY;
        if (out->region_count == BOOT_MAX_MEMORY_REGIONS)
            return BOOT_ERR_TOO_MANY_REGIONS;
        struct boot_memory_region *reg = &out->regions[out->region_count];
        if (!r->read(r->ctx, pos + 4, &reg->base, 8) || !r->read(r->ctx, pos + 12, &reg->length, 8) ||
            !r->read(r->ctx, pos + 20, &reg->type, 4))
            return BOOT_ERR_MEMORY_MAP_UNREADABLE;
        /* Clamp a region that wraps the 64-bit space instead of trusting it. */
        if (reg->base + reg->length < reg->base)
            reg->length = UINT64_MAX - reg->base;
        out->region_count++;
        pos += 4 + (uint64_t)size;
    }
    *error_index = 0;
    if (boot_available_bytes(out) == 0)
        return BOOT_ERR_NO_USABLE_MEMORY;
    return BOOT_OK;
}

static bool inside_available_ram(const struct boot_info *info, uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < info->region_count; i++) {
        const struct boot_memory_region *reg = &info->regions[i];
        if (reg->type == BOOT_MEMORY_AVAILABLE && start >= reg->base && end <= reg->base + reg->length)
            return true;
    }
    return false;
}

static enum boot_error parse_modules(const struct mb_info *mb, const struct phys_reader *r,
                                     struct boot_info *out, unsigned *error_index)
{
    if (!(mb->flags & MB_FLAG_MODULES) || mb->mods_count == 0)
        return BOOT_OK; /* no modules is the caller's decision to refuse */
    if (mb->mods_count > BOOT_MAX_MODULES)
        return BOOT_ERR_TOO_MANY_MODULES;
    reserve(out, mb->mods_addr, (uint64_t)mb->mods_count * MB_MODULE_SIZE);
    for (unsigned i = 0; i < mb->mods_count; i++) {
        *error_index = i;
        struct mb_module m;
        if (!r->read(r->ctx, (uint64_t)mb->mods_addr + (uint64_t)i * MB_MODULE_SIZE, &m, sizeof(m)))
            return BOOT_ERR_MODULES_UNREADABLE;
        if (m.end <= m.start)
            return BOOT_ERR_MODULE_EMPTY;
        if (!inside_available_ram(out, m.start, m.end))
            return BOOT_ERR_MODULE_OUTSIDE_RAM;
        for (unsigned j = 0; j < i; j++)
            if (m.start < out->modules[j].end && out->modules[j].start < m.end)
                return BOOT_ERR_MODULE_OVERLAP;
        struct boot_module *mod = &out->modules[i];
        mod->start = m.start;
        mod->end = m.end;
        uint64_t used = 0;
        mod->cmdline[0] = '\0';
        if (m.string && !read_string(r, m.string, mod->cmdline, &used))
            return BOOT_ERR_STRING_UNREADABLE;
        reserve(out, m.string, used);
        out->module_count = i + 1;
    }
    *error_index = 0;
    return BOOT_OK;
}

enum boot_error multiboot_parse(uint32_t magic, uint64_t info_phys, const struct phys_reader *r,
                                struct boot_info *out, unsigned *error_index)
{
    memset(out, 0, sizeof(*out));
    *error_index = 0;
    if (magic != MULTIBOOT_LOADER_MAGIC)
        return BOOT_ERR_MAGIC;
    struct mb_info mb;
    if (!r->read(r->ctx, info_phys, &mb, sizeof(mb)))
        return BOOT_ERR_INFO_UNREADABLE;
    reserve(out, info_phys, sizeof(mb));

    enum boot_error e = parse_memory_map(&mb, r, out, error_index);
    if (e != BOOT_OK)
        return e;
    if (mb.flags & MB_FLAG_CMDLINE) {
        uint64_t used = 0;
        if (mb.cmdline && !read_string(r, mb.cmdline, out->cmdline, &used))
            return BOOT_ERR_STRING_UNREADABLE;
        reserve(out, mb.cmdline, used);
    }
    return parse_modules(&mb, r, out, error_index);
}

uint64_t boot_available_bytes(const struct boot_info *info)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < info->region_count; i++)
        if (info->regions[i].type == BOOT_MEMORY_AVAILABLE)
            total += info->regions[i].length;
    return total;
}
