/* tests/host/test_multiboot.c — multiboot_parse() on fabricated information
 * structures: every error path and the good cases. */
#include "check.h"

#include <kernel/boot_info.h>
#include <stdint.h>
#include <string.h>

enum { FAKE_RAM = 1 << 20, INFO = 0x1000, MMAP = 0x2000, MODS = 0x3000, STRINGS = 0x4000 };
enum { MAGIC = 0x2badb002 };

static uint8_t ram[FAKE_RAM];

static bool read_fake(void *ctx, uint64_t phys, void *dst, size_t len)
{
    (void)ctx;
    if (phys > FAKE_RAM || len > FAKE_RAM - phys)
        return false;
    memcpy(dst, ram + phys, len);
    return true;
}

static const struct phys_reader reader = { .read = read_fake };
static struct boot_info info;

static void put32(uint64_t at, uint32_t v)
{
    memcpy(ram + at, &v, 4);
}
static void put64(uint64_t at, uint64_t v)
{
    memcpy(ram + at, &v, 8);
}

static unsigned mmap_entries;
static void add_region(uint64_t base, uint64_t length, uint32_t type)
{
    uint64_t at = MMAP + mmap_entries++ * 24;
    put32(at, 20);
    put64(at + 4, base);
    put64(at + 12, length);
    put32(at + 20, type);
    put32(INFO + 44, mmap_entries * 24);
}

static unsigned module_count;
static void add_module(uint32_t start, uint32_t end, const char *cmdline)
{
    uint64_t at = MODS + module_count * 16;
    uint32_t string = STRINGS + module_count * 0x100;
    put32(at, start);
    put32(at + 4, end);
    put32(at + 8, cmdline ? string : 0);
    if (cmdline)
        strcpy((char *)ram + string, cmdline);
    module_count++;
    put32(INFO + 20, module_count);
}

/* A good machine: RAM [0, 640K) and [1M, 1M+...) clipped to the fake RAM,
 * one reserved hole, two modules. */
static void make_good(void)
{
    memset(ram, 0, sizeof(ram));
    mmap_entries = module_count = 0;
    put32(INFO + 0, (1u << 6) | (1u << 3) | (1u << 2)); /* mmap, modules, cmdline */
    put32(INFO + 48, MMAP);
    put32(INFO + 24, MODS);
    put32(INFO + 16, STRINGS + 0xf00);
    strcpy((char *)ram + STRINGS + 0xf00, "loglevel=debug");
    add_region(0, 0x9fc00, 1);
    add_region(0x9fc00, 0x400, 2);
    add_region(0xa0000, FAKE_RAM - 0xa0000, 1);
    add_module(0x80000, 0x81000, "hello.elf first");
    add_module(0x82000, 0x82100, "second.elf");
}

static enum boot_error parse(unsigned *index)
{
    return multiboot_parse(MAGIC, INFO, &reader, &info, index);
}

static void test_good(void)
{
    unsigned index = 99;
    make_good();
    CHECK(parse(&index) == BOOT_OK);
    CHECK(index == 0);
    CHECK(info.region_count == 3);
    CHECK(info.regions[1].type == 2);
    CHECK(info.module_count == 2);
    CHECK(info.modules[0].start == 0x80000 && info.modules[0].end == 0x81000);
    CHECK(strcmp(info.modules[0].cmdline, "hello.elf first") == 0);
    CHECK(strcmp(info.modules[1].cmdline, "second.elf") == 0);
    CHECK(strcmp(info.cmdline, "loglevel=debug") == 0);
    CHECK(boot_available_bytes(&info) == 0x9fc00 + FAKE_RAM - 0xa0000);
    /* info, memory map, module list and three strings must be reserved */
    bool info_reserved = false, mods_reserved = false;
    for (unsigned i = 0; i < info.reserved_count; i++) {
        info_reserved |= info.reserved[i].start == INFO;
        mods_reserved |= info.reserved[i].start == MODS && info.reserved[i].end == MODS + 32;
    }
    CHECK(info_reserved && mods_reserved);
    CHECK(info.reserved_count == 6);
}

static void test_no_modules_is_not_an_error(void)
{
    unsigned index;
    make_good();
    put32(INFO + 0, 1u << 6);
    CHECK(parse(&index) == BOOT_OK);
    CHECK(info.module_count == 0);
    CHECK(info.cmdline[0] == '\0');
}

static void test_bad_magic(void)
{
    unsigned index;
    make_good();
    CHECK(multiboot_parse(0x1badb002, INFO, &reader, &info, &index) == BOOT_ERR_MAGIC);
}

static void test_info_unreadable(void)
{
    unsigned index;
    make_good();
    CHECK(multiboot_parse(MAGIC, FAKE_RAM - 8, &reader, &info, &index) == BOOT_ERR_INFO_UNREADABLE);
    CHECK(multiboot_parse(MAGIC, UINT64_MAX - 4, &reader, &info, &index) == BOOT_ERR_INFO_UNREADABLE);
}

static void test_memory_map_errors(void)
{
    unsigned index;
    make_good();
    put32(INFO + 0, (1u << 3));
    CHECK(parse(&index) == BOOT_ERR_NO_MEMORY_MAP);

    make_good();
    put32(INFO + 44, 0);
    CHECK(parse(&index) == BOOT_ERR_NO_MEMORY_MAP);

    make_good();
    put32(INFO + 48, FAKE_RAM - 16);
    CHECK(parse(&index) == BOOT_ERR_MEMORY_MAP_UNREADABLE);

    make_good();
    put32(MMAP + 24, 12); /* second entry claims 12 bytes: too small */
    CHECK(parse(&index) == BOOT_ERR_MEMORY_MAP_ENTRY);
    CHECK(index == 1);

    make_good();
    put32(MMAP + 48, 0x1000); /* third entry runs past the map */
    CHECK(parse(&index) == BOOT_ERR_MEMORY_MAP_ENTRY);
    CHECK(index == 2);

    make_good();
    put32(INFO + 44, 3 * 24 - 5); /* length cuts the last entry */
    CHECK(parse(&index) == BOOT_ERR_MEMORY_MAP_ENTRY);

    make_good();
    mmap_entries = 0;
    for (unsigned i = 0; i < BOOT_MAX_MEMORY_REGIONS + 1; i++)
        add_region(i * 0x1000, 0x1000, 1);
    CHECK(parse(&index) == BOOT_ERR_TOO_MANY_REGIONS);

    make_good();
    mmap_entries = 0;
    add_region(0, FAKE_RAM, 2);
    CHECK(parse(&index) == BOOT_ERR_NO_USABLE_MEMORY);

    make_good();
    mmap_entries = 0;
    add_region(UINT64_MAX - 0xfff, 0x10000, 2); /* wraps: clamped, not trusted */
    add_region(0, FAKE_RAM, 1);
    module_count = 0;
    put32(INFO + 20, 0);
    CHECK(parse(&index) == BOOT_OK);
    CHECK(info.regions[0].base + info.regions[0].length >= info.regions[0].base);
}

static void test_module_errors(void)
{
    unsigned index;
    make_good();
    put32(MODS + 16 + 4, 0x82000); /* second module: end == start */
    CHECK(parse(&index) == BOOT_ERR_MODULE_EMPTY);
    CHECK(index == 1);

    make_good();
    put32(MODS + 4, FAKE_RAM + 0x1000); /* first module runs past RAM: truncated */
    CHECK(parse(&index) == BOOT_ERR_MODULE_OUTSIDE_RAM);
    CHECK(index == 0);

    make_good();
    put32(MODS + 0, 0x9f000); /* crosses into the reserved EBDA hole */
    put32(MODS + 4, 0xa0000);
    CHECK(parse(&index) == BOOT_ERR_MODULE_OUTSIDE_RAM);

    make_good();
    put32(MODS + 16, 0x80800); /* second module overlaps the first */
    CHECK(parse(&index) == BOOT_ERR_MODULE_OVERLAP);
    CHECK(index == 1);

    make_good();
    put32(MODS + 8, FAKE_RAM + 5);
    CHECK(parse(&index) == BOOT_ERR_STRING_UNREADABLE);

    make_good();
    put32(INFO + 24, FAKE_RAM - 8);
    CHECK(parse(&index) == BOOT_ERR_MODULES_UNREADABLE);

    make_good();
    put32(INFO + 20, BOOT_MAX_MODULES + 1);
    CHECK(parse(&index) == BOOT_ERR_TOO_MANY_MODULES);

    make_good();
    put32(INFO + 16, FAKE_RAM); /* kernel command line unreadable */
    CHECK(parse(&index) == BOOT_ERR_STRING_UNREADABLE);
}

static void test_long_cmdline_is_cut(void)
{
    unsigned index;
    make_good();
    memset(ram + STRINGS, 'x', 0x100); /* no terminator within 256 bytes */
    ram[STRINGS + 0x100] = 'y';
    CHECK(parse(&index) == BOOT_OK);
    CHECK(strlen(info.modules[0].cmdline) == BOOT_CMDLINE_MAX - 1);
}

static void test_error_texts(void)
{
    for (int e = BOOT_OK; e <= BOOT_ERR_STRING_UNREADABLE; e++) {
        const char *text = boot_error_text((enum boot_error)e);
        CHECK(text && strcmp(text, "unknown boot error") != 0);
    }
    CHECK(strcmp(boot_error_text((enum boot_error)999), "unknown boot error") == 0);
}

int main(void)
{
    test_good();
    test_no_modules_is_not_an_error();
    test_bad_magic();
    test_info_unreadable();
    test_memory_map_errors();
    test_module_errors();
    test_long_cmdline_is_cut();
    test_error_texts();
    return check_exit("multiboot");
}
