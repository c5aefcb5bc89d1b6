/* kernel/include/kernel/boot_info.h — what the boot loader handed us, after
 * validation.  multiboot_parse() is pure (it reads physical memory only
 * through the given reader), so the host unit tests run it on fabricated
 * info structures under the sanitizers. */
#pragma once

#include <kernel/types.h>

enum {
    BOOT_MAX_MEMORY_REGIONS = 64,
    BOOT_MAX_MODULES = 32,
    BOOT_CMDLINE_MAX = 256,
    BOOT_MAX_RESERVED = 4 + 2 * BOOT_MAX_MODULES,
};

enum boot_memory_type { BOOT_MEMORY_AVAILABLE = 1 };

struct boot_memory_region {
    uint64_t base, length;
    uint32_t type; /* multiboot type: 1 available, 3 ACPI, 4 NVS, 5 bad, other reserved */
};

struct boot_module {
    uint64_t start, end; /* physical, [start, end) */
    char cmdline[BOOT_CMDLINE_MAX];
};

/* A physical range the kernel must not hand out as free memory. */
struct boot_range {
    uint64_t start, end;
};

struct boot_info {
    char cmdline[BOOT_CMDLINE_MAX];
    unsigned region_count;
    struct boot_memory_region regions[BOOT_MAX_MEMORY_REGIONS];
    unsigned module_count;
    struct boot_module modules[BOOT_MAX_MODULES];
    unsigned reserved_count; /* the info structure, memory map, module list, strings */
    struct boot_range reserved[BOOT_MAX_RESERVED];
};

enum boot_error {
    BOOT_OK = 0,
    BOOT_ERR_MAGIC,           /* not started by a multiboot1 loader */
    BOOT_ERR_INFO_UNREADABLE, /* info structure outside readable memory */
    BOOT_ERR_NO_MEMORY_MAP,   /* flags bit 6 clear */
    BOOT_ERR_MEMORY_MAP_UNREADABLE,
    BOOT_ERR_MEMORY_MAP_ENTRY, /* an entry's size field is too small or runs past the map */
    BOOT_ERR_TOO_MANY_REGIONS,
    BOOT_ERR_NO_USABLE_MEMORY,
    BOOT_ERR_MODULES_UNREADABLE,
    BOOT_ERR_TOO_MANY_MODULES,
    BOOT_ERR_MODULE_EMPTY,       /* end <= start */
    BOOT_ERR_MODULE_OUTSIDE_RAM, /* not wholly inside available memory: truncated or misplaced */
    BOOT_ERR_MODULE_OVERLAP,
    BOOT_ERR_STRING_UNREADABLE,
};

/* Reads len bytes of physical memory at phys; false if any of it is outside
 * what the caller can reach. */
struct phys_reader {
    bool (*read)(void *ctx, uint64_t phys, void *dst, size_t len);
    void *ctx;
};

/* Fills *out from the multiboot1 magic and info structure.  On error, returns
 * the code, sets *error_index to the offending entry or module (0 when none)
 * and leaves *out in an unspecified state. */
enum boot_error multiboot_parse(uint32_t magic, uint64_t info_phys, const struct phys_reader *reader,
                                struct boot_info *out, unsigned *error_index);
const char *boot_error_text(enum boot_error e);

/* Total bytes of available memory in the map (overlaps counted once per
 * region; the map is expected not to overlap). */
uint64_t boot_available_bytes(const struct boot_info *info);
