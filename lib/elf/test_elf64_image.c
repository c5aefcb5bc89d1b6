/*
 * Host unit test for the ELF64 validator.
 *
 *   test_elf64_image                 every error code and the good cases, on
 *                                    ELF images built in memory
 *   test_elf64_image [--optional] [--expect=exec|dyn|loadable|loadable-or-interp]
 *                    [--tls] [--shares-pages] FILE
 *                                    parse a real executable
 *
 * Every parse reads from a heap buffer holding exactly the file, shifted by
 * one byte: AddressSanitizer catches any read past the end, and the parser
 * must cope with unaligned data.  Exit status 77 means "skipped" to meson.
 */
#include "elf64_image.h"
#include "elf64_image_invariants.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_SKIP = 77 };

/* ---- Building ELF files in memory --------------------------------------- */

enum { MAX_FILE_SIZE = 0x4000, EHDR_SIZE = 64, PHDR_SIZE = 56 };

/* Header and program header field offsets (see the gABI). */
enum {
    E_TYPE = 16,
    E_MACHINE = 18,
    E_VERSION = 20,
    E_ENTRY = 24,
    E_PHOFF = 32,
    E_EHSIZE = 52,
    E_PHENTSIZE = 54,
    E_PHNUM = 56,
    P_TYPE = 0,
    P_FLAGS = 4,
    P_OFFSET = 8,
    P_VADDR = 16,
    P_PADDR = 24,
    P_FILESZ = 32,
    P_MEMSZ = 40,
    P_ALIGN = 48,
};

enum {
    PT_LOAD = 1,
    PT_DYNAMIC = 2,
    PT_INTERP = 3,
    PT_NOTE = 4,
    PT_PHDR = 6,
    PT_TLS = 7,
    PT_GNU_STACK = 0x6474e551,
    ET_REL = 1,
    ET_EXEC = 2,
    ET_DYN = 3,
    ET_CORE = 4,
};

enum { R = ELF_SEG_R, W = ELF_SEG_W, X = ELF_SEG_X };

struct elf_builder {
    uint8_t bytes[MAX_FILE_SIZE];
    size_t size;
    uint16_t phnum;
};

static void put_le(uint8_t *p, uint64_t value, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(value >> (8 * i));
}

static void set_u16(struct elf_builder *b, size_t offset, uint16_t v)
{
    put_le(b->bytes + offset, v, 2);
}
static void set_u32(struct elf_builder *b, size_t offset, uint32_t v)
{
    put_le(b->bytes + offset, v, 4);
}
static void set_u64(struct elf_builder *b, size_t offset, uint64_t v)
{
    put_le(b->bytes + offset, v, 8);
}

static size_t phdr_at(unsigned index, unsigned field)
{
    return EHDR_SIZE + (size_t)index * PHDR_SIZE + field;
}

/* A header with no program headers yet; the table goes right after it. */
static void begin_elf(struct elf_builder *b, uint16_t type, uint64_t entry)
{
    memset(b, 0, sizeof *b);
    memcpy(b->bytes,
           "\x7f"
           "ELF",
           4);
    b->bytes[4] = 2; /* ELFCLASS64 */
    b->bytes[5] = 1; /* ELFDATA2LSB */
    b->bytes[6] = 1; /* EV_CURRENT */
    set_u16(b, E_TYPE, type);
    set_u16(b, E_MACHINE, 62);
    set_u32(b, E_VERSION, 1);
    set_u64(b, E_ENTRY, entry);
    set_u64(b, E_PHOFF, EHDR_SIZE);
    set_u16(b, E_EHSIZE, EHDR_SIZE);
    set_u16(b, E_PHENTSIZE, PHDR_SIZE);
    b->size = EHDR_SIZE;
}

static void set_file_size(struct elf_builder *b, size_t size)
{
    if (size > MAX_FILE_SIZE) {
        fprintf(stderr, "test bug: file size %zu too big\n", size);
        exit(2);
    }
    b->size = size;
}

/* Appends a program header; returns its index. */
static unsigned add_phdr(struct elf_builder *b, uint32_t type, uint32_t flags, uint64_t offset,
                         uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint64_t align)
{
    unsigned i = b->phnum++;
    if (phdr_at(b->phnum, 0) > MAX_FILE_SIZE) {
        fprintf(stderr, "test bug: too many program headers\n");
        exit(2);
    }
    set_u32(b, phdr_at(i, P_TYPE), type);
    set_u32(b, phdr_at(i, P_FLAGS), flags);
    set_u64(b, phdr_at(i, P_OFFSET), offset);
    set_u64(b, phdr_at(i, P_VADDR), vaddr);
    set_u64(b, phdr_at(i, P_PADDR), vaddr);
    set_u64(b, phdr_at(i, P_FILESZ), filesz);
    set_u64(b, phdr_at(i, P_MEMSZ), memsz);
    set_u64(b, phdr_at(i, P_ALIGN), align);
    set_u16(b, E_PHNUM, b->phnum);
    if (b->size < phdr_at(b->phnum, 0))
        b->size = phdr_at(b->phnum, 0);
    return i;
}

static unsigned add_load(struct elf_builder *b, uint32_t flags, uint64_t offset, uint64_t vaddr,
                         uint64_t filesz, uint64_t memsz)
{
    return add_phdr(b, PT_LOAD, flags, offset, vaddr, filesz, memsz, 0x1000);
}

/*
 * The typical static executable: headers in a read-only first page, then
 * text, then data with bss.  Entry at 0x401010.
 *   0: R   file [0, 0x200)       mem [0x400000, 0x400200)
 *   1: R X file [0x1000, 0x1100) mem [0x401000, 0x401100)
 *   2: RW  file [0x2000, 0x2080) mem [0x402000, 0x405000)
 */
static void build_exec(struct elf_builder *b)
{
    begin_elf(b, ET_EXEC, 0x401010);
    add_load(b, R, 0, 0x400000, 0x200, 0x200);
    add_load(b, R | X, 0x1000, 0x401000, 0x100, 0x100);
    add_load(b, R | W, 0x2000, 0x402000, 0x80, 0x3000);
    set_file_size(b, 0x2080);
}

static const struct elf_limits default_limits = {
    .user_lo = 0x10000,
    .user_hi = 0x800000000000,
    .load_bias = 0,
};

static const struct elf_limits pie_limits = {
    .user_lo = 0x10000,
    .user_hi = 0x800000000000,
    .load_bias = 0x555555554000,
};

/* ---- Checking ------------------------------------------------------------ */

static const char *current_test;
static int failures;
static bool error_tested[ELF_ERR_COUNT]; /* some parse expected and got it */

#define CHECK(cond)                                                                                    \
    do {                                                                                               \
        if (!(cond)) {                                                                                 \
            fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__, current_test, #cond); \
            failures++;                                                                                \
        }                                                                                              \
    } while (0)

#define CHECK_EQ(actual, expected)                                                                        \
    do {                                                                                                  \
        uint64_t actual_ = (uint64_t)(actual), expected_ = (uint64_t)(expected);                          \
        if (actual_ != expected_) {                                                                       \
            fprintf(stderr, "%s:%d: %s: %s == %#llx, expected %#llx\n", __FILE__, __LINE__, current_test, \
                    #actual, (unsigned long long)actual_, (unsigned long long)expected_);                 \
            failures++;                                                                                   \
        }                                                                                                 \
    } while (0)

static void fail_at(int line, const char *what, const char *detail)
{
    fprintf(stderr, "%s:%d: %s: %s%s\n", __FILE__, line, current_test, what, detail);
    failures++;
}

/*
 * Parses bytes[0, size) from an exactly-sized, misaligned heap copy.
 * Checks the error, that *out is untouched on failure and that a success
 * keeps every invariant.
 */
static struct elf_image parse_bytes(int line, const uint8_t *bytes, size_t size,
                                    const struct elf_limits *limits, enum elf_error expected)
{
    uint8_t *allocation = malloc(size + 1);
    if (allocation == NULL) {
        perror("malloc");
        exit(2);
    }
    uint8_t *file = allocation + 1;
    memcpy(file, bytes, size);

    struct elf_image out, before;
    memset(&out, 0xa5, sizeof out);
    before = out;
    enum elf_error err = elf64_image_parse(file, size, limits, &out);
    if (err != expected) {
        char detail[160];
        snprintf(detail, sizeof detail, "got %d (%s), expected %d (%s)", err, elf_error_name(err), expected,
                 elf_error_name(expected));
        fail_at(line, "parse: ", detail);
    } else if (err != ELF_OK) {
        error_tested[err] = true;
        if (memcmp(&out, &before, sizeof out) != 0)
            fail_at(line, "failed parse modified *out", "");
    } else {
        error_tested[err] = true;
        const char *why = elf64_image_invariant_violation(file, size, limits, &out);
        if (why != NULL)
            fail_at(line, "invariant violated: ", why);
    }
    free(allocation);
    return out;
}

static struct elf_image parse_expect(int line, const struct elf_builder *b, const struct elf_limits *limits,
                                     enum elf_error expected)
{
    return parse_bytes(line, b->bytes, b->size, limits, expected);
}

#define EXPECT(b, limits, expected) parse_expect(__LINE__, (b), (limits), (expected))

static void check_segment(int line, const struct elf_segment *seg, uint64_t vaddr, uint64_t memsz,
                          uint64_t file_offset, uint64_t filesz, uint32_t flags, uint32_t page_sharing)
{
    if (seg->vaddr != vaddr || seg->memsz != memsz || seg->file_offset != file_offset ||
        seg->filesz != filesz || seg->flags != flags || seg->page_sharing != page_sharing) {
        char detail[256];
        snprintf(detail, sizeof detail,
                 "vaddr %#llx memsz %#llx offset %#llx filesz %#llx flags %u sharing %u",
                 (unsigned long long)seg->vaddr, (unsigned long long)seg->memsz,
                 (unsigned long long)seg->file_offset, (unsigned long long)seg->filesz, seg->flags,
                 seg->page_sharing);
        fail_at(line, "unexpected segment: ", detail);
    }
}

#define CHECK_SEGMENT(seg, ...) check_segment(__LINE__, (seg), __VA_ARGS__)

/* ---- Tests --------------------------------------------------------------- */

static void test_error_names(void)
{
    for (int e = 0; e < ELF_ERR_COUNT; e++) {
        const char *name = elf_error_name((enum elf_error)e);
        CHECK(name != NULL && name[0] != '\0');
        CHECK(strcmp(name, "unknown ELF error") != 0);
        for (int other = 0; other < e; other++)
            CHECK(strcmp(name, elf_error_name((enum elf_error)other)) != 0);
    }
    CHECK(strcmp(elf_error_name(ELF_ERR_COUNT), "unknown ELF error") == 0);
    CHECK(strcmp(elf_error_name((enum elf_error) - 1), "unknown ELF error") == 0);
    CHECK(strcmp(elf_error_name(ELF_ERR_SEGMENT_MEM_RANGE), "segment outside user memory") == 0);
}

static void test_invalid_arguments(void)
{
    struct elf_builder b;
    build_exec(&b);
    struct elf_image out;
    memset(&out, 0x5a, sizeof out);
    struct elf_image before = out;

    CHECK_EQ(elf64_image_parse(NULL, b.size, &default_limits, &out), ELF_ERR_INVALID_ARGUMENT);
    CHECK_EQ(elf64_image_parse(b.bytes, b.size, NULL, &out), ELF_ERR_INVALID_ARGUMENT);
    CHECK_EQ(elf64_image_parse(b.bytes, b.size, &default_limits, NULL), ELF_ERR_INVALID_ARGUMENT);
    CHECK(memcmp(&out, &before, sizeof out) == 0);

    struct elf_limits bad;
    bad = default_limits;
    bad.user_lo = 0;
    EXPECT(&b, &bad, ELF_ERR_INVALID_ARGUMENT);
    bad = default_limits;
    bad.user_lo = bad.user_hi;
    EXPECT(&b, &bad, ELF_ERR_INVALID_ARGUMENT);
    bad = default_limits;
    bad.user_lo = 0x10800;
    EXPECT(&b, &bad, ELF_ERR_INVALID_ARGUMENT);
    bad = default_limits;
    bad.user_hi = 0x7fffffffffff;
    EXPECT(&b, &bad, ELF_ERR_INVALID_ARGUMENT);
    bad = default_limits;
    bad.load_bias = 0x10;
    EXPECT(&b, &bad, ELF_ERR_INVALID_ARGUMENT);
}

static void test_header_errors(void)
{
    struct elf_builder b;
    build_exec(&b);
    EXPECT(&b, &default_limits, ELF_OK);

    parse_bytes(__LINE__, b.bytes, 0, &default_limits, ELF_ERR_TRUNCATED);
    parse_bytes(__LINE__, b.bytes, EHDR_SIZE - 1, &default_limits, ELF_ERR_TRUNCATED);

    static const struct {
        size_t offset;
        unsigned width;
        uint64_t value;
        enum elf_error expected;
    } corruptions[] = {
        { 0, 1, 0x7e, ELF_ERR_MAGIC },
        { 3, 1, 'f', ELF_ERR_MAGIC },
        { 4, 1, 1, ELF_ERR_CLASS }, /* ELFCLASS32 */
        { 4, 1, 0, ELF_ERR_CLASS },
        { 5, 1, 2, ELF_ERR_ENDIAN }, /* ELFDATA2MSB */
        { 6, 1, 0, ELF_ERR_VERSION },
        { E_VERSION, 4, 2, ELF_ERR_VERSION },
        { E_TYPE, 2, ET_REL, ELF_ERR_TYPE },
        { E_TYPE, 2, ET_CORE, ELF_ERR_TYPE },
        { E_TYPE, 2, 0x0102, ELF_ERR_TYPE },    /* ET_EXEC, big endian */
        { E_MACHINE, 2, 3, ELF_ERR_MACHINE },   /* EM_386 */
        { E_MACHINE, 2, 183, ELF_ERR_MACHINE }, /* EM_AARCH64 */
        { 7, 1, 3, ELF_OK },                    /* EI_OSABI = GNU is fine */
    };
    for (size_t i = 0; i < sizeof corruptions / sizeof corruptions[0]; i++) {
        build_exec(&b);
        put_le(b.bytes + corruptions[i].offset, corruptions[i].value, corruptions[i].width);
        EXPECT(&b, &default_limits, corruptions[i].expected);
    }
}

static void test_phdr_table_errors(void)
{
    struct elf_builder b;

    build_exec(&b);
    set_u16(&b, E_PHENTSIZE, 64);
    EXPECT(&b, &default_limits, ELF_ERR_PHDR_TABLE);
    set_u16(&b, E_PHENTSIZE, 0);
    EXPECT(&b, &default_limits, ELF_ERR_PHDR_TABLE);

    build_exec(&b);
    set_u16(&b, E_PHNUM, 0xffff); /* PN_XNUM */
    EXPECT(&b, &default_limits, ELF_ERR_PHDR_TABLE);

    build_exec(&b);
    set_u16(&b, E_PHNUM, 0xfffe); /* huge table, small file */
    EXPECT(&b, &default_limits, ELF_ERR_PHDR_TABLE);

    build_exec(&b);
    set_u64(&b, E_PHOFF, b.size - 3 * PHDR_SIZE + 1); /* last byte past the end */
    EXPECT(&b, &default_limits, ELF_ERR_PHDR_TABLE);
    set_u64(&b, E_PHOFF, b.size - 3 * PHDR_SIZE); /* ends exactly at the end: fine */
    memcpy(b.bytes + b.size - 3 * PHDR_SIZE, b.bytes + EHDR_SIZE, 3 * PHDR_SIZE);
    EXPECT(&b, &default_limits, ELF_OK);

    /* phoff + 3 * 56 wraps around to a small in-file value. */
    build_exec(&b);
    set_u64(&b, E_PHOFF, UINT64_MAX - PHDR_SIZE);
    EXPECT(&b, &default_limits, ELF_ERR_PHDR_TABLE);
    set_u64(&b, E_PHOFF, UINT64_MAX);
    EXPECT(&b, &default_limits, ELF_ERR_PHDR_TABLE);

    /* No program headers at all: nothing to load. */
    build_exec(&b);
    set_u16(&b, E_PHNUM, 0);
    EXPECT(&b, &default_limits, ELF_ERR_NO_LOAD_SEGMENT);
    set_u64(&b, E_PHOFF, UINT64_MAX);                /* an empty table may sit anywhere... */
    EXPECT(&b, &default_limits, ELF_ERR_PHDR_TABLE); /* ...but not past the end */
}

static void test_interp(void)
{
    struct elf_builder b;
    build_exec(&b);
    add_phdr(&b, PT_INTERP, R, 0x100, 0x400100, 0x1c, 0x1c, 1);
    EXPECT(&b, &default_limits, ELF_ERR_INTERP);

    /* Reported even when an earlier segment is broken. */
    build_exec(&b);
    set_u64(&b, phdr_at(0, P_FILESZ), 0x300);
    add_phdr(&b, PT_INTERP, R, 0x100, 0x400100, 0x1c, 0x1c, 1);
    EXPECT(&b, &default_limits, ELF_ERR_INTERP);

    begin_elf(&b, ET_DYN, 0x1000);
    add_phdr(&b, PT_INTERP, R, 0x100, 0x100, 0x1c, 0x1c, 1);
    add_load(&b, R | X, 0, 0, 0x200, 0x200);
    EXPECT(&b, &pie_limits, ELF_ERR_INTERP);
}

/* n one-page bss segments, entry in the first (executable) one. */
static void build_many_segments(struct elf_builder *b, unsigned n)
{
    begin_elf(b, ET_EXEC, 0x400000);
    for (unsigned i = 0; i < n; i++)
        add_load(b, i == 0 ? R | X : R | W, 0, 0x400000 + (uint64_t)i * 0x1000, 0, 0x1000);
}

static void test_segment_count(void)
{
    struct elf_builder b;
    build_many_segments(&b, ELF_MAX_SEGMENTS);
    struct elf_image img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.nsegments, ELF_MAX_SEGMENTS);
    CHECK_EQ(img.page_count, ELF_MAX_SEGMENTS);
    CHECK_EQ(img.phdr_vaddr, 0); /* no segment has file bytes */

    build_many_segments(&b, ELF_MAX_SEGMENTS + 1);
    EXPECT(&b, &default_limits, ELF_ERR_TOO_MANY_SEGMENTS);

    /* Empty PT_LOADs are dropped and do not count. */
    build_many_segments(&b, ELF_MAX_SEGMENTS);
    add_load(&b, R, 0, 0x900000, 0, 0);
    add_load(&b, R, 0x123456789, 0xdead, 0, 0); /* nonsense, but maps nothing */
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.nsegments, ELF_MAX_SEGMENTS);

    begin_elf(&b, ET_EXEC, 0x400000);
    add_load(&b, R | X, 0, 0x400000, 0, 0);
    EXPECT(&b, &default_limits, ELF_ERR_NO_LOAD_SEGMENT);

    /* Only non-PT_LOAD headers. */
    begin_elf(&b, ET_EXEC, 0x400000);
    add_phdr(&b, PT_NOTE, R, 0, 0x400000, 0x40, 0x40, 4);
    add_phdr(&b, PT_GNU_STACK, R | W, 0, 0, 0, 0, 16);
    EXPECT(&b, &default_limits, ELF_ERR_NO_LOAD_SEGMENT);
}

static void test_segment_file_range(void)
{
    struct elf_builder b;

    build_exec(&b);
    set_u64(&b, phdr_at(2, P_FILESZ), 0x81); /* one byte past the end of the file */
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_FILE_RANGE);

    build_exec(&b);
    set_file_size(&b, 0x2000); /* data segment's file bytes cut off */
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_FILE_RANGE);

    /* p_offset + p_filesz wraps to 0x1000, inside the file. */
    build_exec(&b);
    set_u64(&b, phdr_at(1, P_OFFSET), 0xfffffffffffff000);
    set_u64(&b, phdr_at(1, P_FILESZ), 0x2000);
    set_u64(&b, phdr_at(1, P_MEMSZ), 0x2000);
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_FILE_RANGE);

    /* A bss-only segment may point at the end of the file, not beyond. */
    build_exec(&b);
    set_u64(&b, phdr_at(2, P_OFFSET), 0x3000);
    set_u64(&b, phdr_at(2, P_VADDR), 0x403000);
    set_u64(&b, phdr_at(2, P_FILESZ), 0);
    set_file_size(&b, 0x3000);
    EXPECT(&b, &default_limits, ELF_OK);
    set_file_size(&b, 0x2fff);
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_FILE_RANGE);
}

static void test_segment_filesz(void)
{
    struct elf_builder b;
    build_exec(&b);
    set_u64(&b, phdr_at(1, P_MEMSZ), 0xff);
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_FILESZ);

    /* Also for an otherwise ignorable empty segment. */
    build_exec(&b);
    add_load(&b, R, 0, 0x500000, 1, 0);
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_FILESZ);
}

static void test_segment_align(void)
{
    struct elf_builder b;

    build_exec(&b);
    set_u64(&b, phdr_at(1, P_ALIGN), 3);
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_ALIGN);
    set_u64(&b, phdr_at(1, P_ALIGN), 0x3000);
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_ALIGN);

    /* p_vaddr and p_offset disagree within the page. */
    build_exec(&b);
    set_u64(&b, phdr_at(1, P_VADDR), 0x401010);
    set_u64(&b, E_ENTRY, 0x401010);
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_ALIGN);
    /* Page congruence is required even when p_align claims none. */
    set_u64(&b, phdr_at(1, P_ALIGN), 0);
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_ALIGN);
    set_u64(&b, phdr_at(1, P_ALIGN), 1);
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_ALIGN);

    /* p_align 0, 1, 8 and 4096 with congruent addresses are fine. */
    static const uint64_t small_aligns[] = { 0, 1, 8, 0x1000 };
    for (size_t i = 0; i < sizeof small_aligns / sizeof small_aligns[0]; i++) {
        build_exec(&b);
        set_u64(&b, phdr_at(1, P_ALIGN), small_aligns[i]);
        struct elf_image img = EXPECT(&b, &default_limits, ELF_OK);
        CHECK_EQ(img.load_align, 0x1000);
    }

    /* 2 MiB alignment: must hold modulo 2 MiB, and is reported. */
    build_exec(&b);
    set_u64(&b, phdr_at(1, P_ALIGN), 0x200000);
    set_u64(&b, phdr_at(1, P_VADDR), 0x501000); /* congruent modulo 1 MiB only */
    set_u64(&b, E_ENTRY, 0x501000);
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_ALIGN);
    set_u64(&b, phdr_at(1, P_VADDR), 0x601000);
    set_u64(&b, E_ENTRY, 0x601000);
    struct elf_image img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.load_align, 0x200000);

    /* Congruence holds across wrap-around of p_vaddr - p_offset. */
    struct elf_limits low = default_limits;
    low.user_lo = 0x1000;
    build_exec(&b);
    set_u64(&b, phdr_at(2, P_VADDR), 0x1000); /* below its file offset 0x2000 */
    img = EXPECT(&b, &low, ELF_OK);
    CHECK_EQ(img.segments[0].vaddr, 0x1000);
    set_u64(&b, phdr_at(2, P_VADDR), 0x1800);
    EXPECT(&b, &low, ELF_ERR_SEGMENT_ALIGN);
}

static void test_segment_mem_range(void)
{
    struct elf_builder b;

    build_exec(&b);
    set_u64(&b, phdr_at(0, P_VADDR), 0xf000); /* below user_lo */
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_MEM_RANGE);

    struct elf_limits tight = { .user_lo = 0x400000, .user_hi = 0x405000, .load_bias = 0 };
    build_exec(&b);
    EXPECT(&b, &tight, ELF_OK); /* ends exactly at user_hi */
    tight.user_hi = 0x404000;
    EXPECT(&b, &tight, ELF_ERR_SEGMENT_MEM_RANGE);
    tight.user_hi = 0x405000;
    tight.user_lo = 0x401000;
    EXPECT(&b, &tight, ELF_ERR_SEGMENT_MEM_RANGE);

    /* p_vaddr + p_memsz wraps, with limits reaching the top of the space. */
    struct elf_limits everything = { .user_lo = 0x1000, .user_hi = 0xfffffffffffff000 };
    build_exec(&b);
    EXPECT(&b, &everything, ELF_OK);
    set_u64(&b, phdr_at(2, P_VADDR), 0xffffffffffffe000);
    EXPECT(&b, &everything, ELF_ERR_SEGMENT_MEM_RANGE);
    set_u64(&b, phdr_at(2, P_MEMSZ), 0x1000); /* now ends exactly at user_hi */
    EXPECT(&b, &everything, ELF_OK);
    set_u64(&b, phdr_at(2, P_VADDR), 0xfffffffffffff000); /* starts at user_hi */
    set_u64(&b, phdr_at(2, P_MEMSZ), 0x80);
    EXPECT(&b, &everything, ELF_ERR_SEGMENT_MEM_RANGE);
    set_u64(&b, phdr_at(2, P_MEMSZ), UINT64_MAX);
    EXPECT(&b, &everything, ELF_ERR_SEGMENT_MEM_RANGE);

    /* ET_DYN: p_vaddr + load_bias wraps. */
    begin_elf(&b, ET_DYN, 0x1000);
    add_load(&b, R | X, 0, 0, 0x200, 0x2000);
    set_file_size(&b, 0x200);
    EXPECT(&b, &pie_limits, ELF_OK);
    add_load(&b, R, 0, 0xffffffffffff0000, 0x200, 0x200);
    EXPECT(&b, &pie_limits, ELF_ERR_SEGMENT_MEM_RANGE);
}

static void test_overlap(void)
{
    struct elf_builder b;

    /* Text overlaps the data segment's first byte; listed out of order. */
    begin_elf(&b, ET_EXEC, 0x401000);
    add_load(&b, R | W, 0x1000, 0x402000, 0x80, 0x1000);
    add_load(&b, R | X, 0x1000, 0x401000, 0x100, 0x1001);
    set_file_size(&b, 0x1100);
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_OVERLAP);
    set_u64(&b, phdr_at(1, P_MEMSZ), 0x1000); /* touching is fine */
    EXPECT(&b, &default_limits, ELF_OK);

    /* Same start address. */
    begin_elf(&b, ET_EXEC, 0x401000);
    add_load(&b, R | X, 0x1000, 0x401000, 0x10, 0x10);
    add_load(&b, R, 0x1000, 0x401000, 0x10, 0x10);
    set_file_size(&b, 0x1100);
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_OVERLAP);

    /* One segment inside another, not neighbours in the table. */
    begin_elf(&b, ET_EXEC, 0x401000);
    add_load(&b, R | X, 0x1000, 0x401000, 0x100, 0x10000);
    add_load(&b, R, 0x0, 0x420000, 0x10, 0x10);
    add_load(&b, R | W, 0x1000, 0x405000, 0x10, 0x10);
    set_file_size(&b, 0x1100);
    EXPECT(&b, &default_limits, ELF_ERR_SEGMENT_OVERLAP);
}

static void test_entry(void)
{
    struct elf_builder b;
    struct elf_image img;

    build_exec(&b);
    set_u64(&b, E_ENTRY, 0x400010); /* read-only segment */
    EXPECT(&b, &default_limits, ELF_ERR_ENTRY);
    set_u64(&b, E_ENTRY, 0x402010); /* data segment */
    EXPECT(&b, &default_limits, ELF_ERR_ENTRY);
    set_u64(&b, E_ENTRY, 0x401100); /* one past the end of text */
    EXPECT(&b, &default_limits, ELF_ERR_ENTRY);
    set_u64(&b, E_ENTRY, 0x400fff); /* in no segment (gap) */
    EXPECT(&b, &default_limits, ELF_ERR_ENTRY);
    set_u64(&b, E_ENTRY, 0);
    EXPECT(&b, &default_limits, ELF_ERR_ENTRY);
    set_u64(&b, E_ENTRY, UINT64_MAX);
    EXPECT(&b, &default_limits, ELF_ERR_ENTRY);
    set_u64(&b, E_ENTRY, 0x4010ff); /* last byte of text */
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.entry, 0x4010ff);
    set_u64(&b, E_ENTRY, 0x401000); /* first byte of text */
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.entry, 0x401000);

    /* ET_DYN: e_entry + load_bias wraps around into the image. */
    begin_elf(&b, ET_DYN, 0x10);
    add_load(&b, R | X, 0, 0, 0x200, 0x200);
    set_file_size(&b, 0x200);
    img = EXPECT(&b, &pie_limits, ELF_OK);
    CHECK_EQ(img.entry, pie_limits.load_bias + 0x10);
    set_u64(&b, E_ENTRY, 0x10 - pie_limits.load_bias);
    EXPECT(&b, &pie_limits, ELF_ERR_ENTRY);
}

static void test_phdr(void)
{
    struct elf_builder b;
    struct elf_image img;

    /* Without PT_PHDR: found through the segment mapping file offset 64. */
    build_exec(&b);
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.phdr_vaddr, 0x400040);
    CHECK_EQ(img.phnum, 3);
    CHECK_EQ(img.phentsize, 56);

    /* PT_PHDR naming the same place. */
    build_exec(&b);
    add_phdr(&b, PT_PHDR, R, EHDR_SIZE, 0x400040, 4 * PHDR_SIZE, 4 * PHDR_SIZE, 8);
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.phdr_vaddr, 0x400040);
    CHECK_EQ(img.phnum, 4);

    /* Duplicate PT_PHDR. */
    add_phdr(&b, PT_PHDR, R, EHDR_SIZE, 0x400040, 5 * PHDR_SIZE, 5 * PHDR_SIZE, 8);
    EXPECT(&b, &default_limits, ELF_ERR_PHDR_SEGMENT);

    /* PT_PHDR pointing elsewhere in memory, or at other file bytes. */
    build_exec(&b);
    unsigned phdr = add_phdr(&b, PT_PHDR, R, EHDR_SIZE, 0x400048, 0xe0, 0xe0, 8);
    EXPECT(&b, &default_limits, ELF_ERR_PHDR_SEGMENT);
    set_u64(&b, phdr_at(phdr, P_VADDR), 0x400040);
    set_u64(&b, phdr_at(phdr, P_OFFSET), EHDR_SIZE + 8);
    EXPECT(&b, &default_limits, ELF_ERR_PHDR_SEGMENT);
    set_u64(&b, phdr_at(phdr, P_OFFSET), EHDR_SIZE);
    EXPECT(&b, &default_limits, ELF_OK);
    /* PT_PHDR + bias wrapping. */
    set_u16(&b, E_TYPE, ET_DYN);
    set_u64(&b, phdr_at(phdr, P_VADDR), UINT64_MAX - 0x1000);
    EXPECT(&b, &pie_limits, ELF_ERR_PHDR_SEGMENT);

    /* The table is not inside any segment's file bytes. */
    build_exec(&b);
    set_u64(&b, phdr_at(0, P_FILESZ), EHDR_SIZE + 3 * PHDR_SIZE - 1); /* misses a byte */
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.phdr_vaddr, 0);
    add_phdr(&b, PT_PHDR, R, EHDR_SIZE, 0x400040, 4 * PHDR_SIZE, 4 * PHDR_SIZE, 8);
    EXPECT(&b, &default_limits, ELF_ERR_PHDR_SEGMENT);

    /* Mapped, but only as bss (file bytes not loaded): not the table. */
    build_exec(&b);
    set_u64(&b, phdr_at(0, P_FILESZ), 0);
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.phdr_vaddr, 0);
}

static void test_tls(void)
{
    struct elf_builder b;
    struct elf_image img;

    build_exec(&b);
    unsigned tls = add_phdr(&b, PT_TLS, R, 0x2000, 0x402000, 0x10, 0x48, 16);
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_SEGMENT(&img.tls, 0x402000, 0x48, 0x2000, 0x10, R, 0);
    CHECK_EQ(img.tls_align, 16);

    set_u64(&b, phdr_at(tls, P_ALIGN), 0x1000);
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.tls_align, 0x1000);
    set_u64(&b, phdr_at(tls, P_ALIGN), 0);
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.tls_align, 1);

    set_u64(&b, phdr_at(tls, P_ALIGN), 24);
    EXPECT(&b, &default_limits, ELF_ERR_TLS);
    set_u64(&b, phdr_at(tls, P_ALIGN), 0x2000); /* beyond ELF_MAX_TLS_ALIGN */
    EXPECT(&b, &default_limits, ELF_ERR_TLS);
    set_u64(&b, phdr_at(tls, P_ALIGN), 8);

    set_u64(&b, phdr_at(tls, P_FILESZ), 0x49);
    EXPECT(&b, &default_limits, ELF_ERR_TLS);
    set_u64(&b, phdr_at(tls, P_FILESZ), 0x10);

    set_u64(&b, phdr_at(tls, P_OFFSET), 0x2078); /* file bytes run past the end */
    EXPECT(&b, &default_limits, ELF_ERR_TLS);
    set_u64(&b, phdr_at(tls, P_OFFSET), UINT64_MAX - 8); /* offset + filesz wraps */
    EXPECT(&b, &default_limits, ELF_ERR_TLS);
    set_u64(&b, phdr_at(tls, P_OFFSET), 0x2000);

    set_u64(&b, phdr_at(tls, P_VADDR), 0x405000); /* image not in memory */
    EXPECT(&b, &default_limits, ELF_ERR_TLS);
    set_u64(&b, phdr_at(tls, P_VADDR), 0x404ff8); /* straddles the end */
    EXPECT(&b, &default_limits, ELF_ERR_TLS);
    set_u64(&b, phdr_at(tls, P_VADDR), UINT64_MAX - 0x20); /* vaddr + memsz wraps */
    EXPECT(&b, &default_limits, ELF_ERR_TLS);
    set_u64(&b, phdr_at(tls, P_VADDR), 0x402000);

    set_u64(&b, phdr_at(tls, P_MEMSZ), default_limits.user_hi); /* cannot fit anywhere */
    EXPECT(&b, &default_limits, ELF_ERR_TLS);
    set_u64(&b, phdr_at(tls, P_MEMSZ), 0x48);
    EXPECT(&b, &default_limits, ELF_OK);

    add_phdr(&b, PT_TLS, R, 0x2000, 0x402000, 0x10, 0x48, 16);
    EXPECT(&b, &default_limits, ELF_ERR_TLS); /* duplicate */

    /* .tbss only: no initialisation image to check. */
    build_exec(&b);
    add_phdr(&b, PT_TLS, R, 0x2080, 0x402080, 0, 0x100, 64);
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_SEGMENT(&img.tls, 0x402080, 0x100, 0x2080, 0, R, 0);
    CHECK_EQ(img.tls_align, 64);

    /* An empty PT_TLS asks for nothing and is reported as absent. */
    build_exec(&b);
    add_phdr(&b, PT_TLS, R, 0x999999, 0x999999, 0, 0, 3);
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.tls.memsz, 0);
    CHECK_EQ(img.tls_align, 1);
}

static void test_good_exec(void)
{
    struct elf_builder b;
    build_exec(&b);
    add_phdr(&b, PT_NOTE, R, 0x1f0, 0x4001f0, 0x10, 0x10, 4);
    add_phdr(&b, PT_GNU_STACK, R | W, 0, 0, 0, 0, 16);
    add_phdr(&b, PT_DYNAMIC, R | W, 0xdeadbeef, 0xdeadbeef, 0xffff, 0xffff, 8); /* ignored */
    add_phdr(&b, 0x12345678, 0xffffffff, UINT64_MAX, UINT64_MAX, UINT64_MAX, 1, 3);

    struct elf_image img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.type, ELF_TYPE_EXEC);
    CHECK_EQ(img.entry, 0x401010);
    CHECK_EQ(img.phdr_vaddr, 0x400040);
    CHECK_EQ(img.phnum, 7);
    CHECK_EQ(img.phentsize, 56);
    CHECK_EQ(img.nsegments, 3);
    CHECK_SEGMENT(&img.segments[0], 0x400000, 0x200, 0, 0x200, R, 0);
    CHECK_SEGMENT(&img.segments[1], 0x401000, 0x100, 0x1000, 0x100, R | X, 0);
    CHECK_SEGMENT(&img.segments[2], 0x402000, 0x3000, 0x2000, 0x80, R | W, 0);
    CHECK_EQ(img.tls.memsz, 0);
    CHECK_EQ(img.tls_align, 1);
    CHECK_EQ(img.load_align, 0x1000);
    CHECK_EQ(img.lowest_vaddr, 0x400000);
    CHECK_EQ(img.highest_vaddr_end, 0x405000);
    CHECK_EQ(img.page_count, 5);

    /* Unknown flag bits are dropped. */
    build_exec(&b);
    set_u32(&b, phdr_at(1, P_FLAGS), 0xfffffff0 | R | X);
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.segments[1].flags, R | X);

    /* ET_EXEC ignores the load bias. */
    build_exec(&b);
    img = EXPECT(&b, &pie_limits, ELF_OK);
    CHECK_EQ(img.entry, 0x401010);
    CHECK_EQ(img.segments[0].vaddr, 0x400000);
}

/* A static-PIE laid out like glibc's: linked at 0, headers, PT_PHDR, TLS. */
static void test_good_dyn(void)
{
    const uint64_t bias = pie_limits.load_bias;
    struct elf_builder b;
    begin_elf(&b, ET_DYN, 0x1040);
    add_phdr(&b, PT_PHDR, R, EHDR_SIZE, EHDR_SIZE, 6 * PHDR_SIZE, 6 * PHDR_SIZE, 8);
    add_load(&b, R, 0, 0, 0x400, 0x400);
    add_load(&b, R | X, 0x1000, 0x1000, 0x200, 0x200);
    add_load(&b, R | W, 0x1f48, 0x2f48, 0x100, 0x2000);
    add_phdr(&b, PT_DYNAMIC, R | W, 0x1f80, 0x2f80, 0x40, 0x40, 8);
    add_phdr(&b, PT_TLS, R, 0x1f48, 0x2f48, 0x28, 0x80, 8);
    set_file_size(&b, 0x2048);

    struct elf_image img = EXPECT(&b, &pie_limits, ELF_OK);
    CHECK_EQ(img.type, ELF_TYPE_DYN);
    CHECK_EQ(img.entry, bias + 0x1040);
    CHECK_EQ(img.phdr_vaddr, bias + EHDR_SIZE);
    CHECK_EQ(img.nsegments, 3);
    CHECK_SEGMENT(&img.segments[0], bias, 0x400, 0, 0x400, R, 0);
    CHECK_SEGMENT(&img.segments[1], bias + 0x1000, 0x200, 0x1000, 0x200, R | X, 0);
    CHECK_SEGMENT(&img.segments[2], bias + 0x2f48, 0x2000, 0x1f48, 0x100, R | W, 0);
    CHECK_SEGMENT(&img.tls, bias + 0x2f48, 0x80, 0x1f48, 0x28, R, 0);
    CHECK_EQ(img.tls_align, 8);
    CHECK_EQ(img.lowest_vaddr, bias);
    CHECK_EQ(img.highest_vaddr_end, bias + 0x5000);
    CHECK_EQ(img.page_count, 5);

    /* Linked at 0 without a bias: page 0 is never user memory. */
    struct elf_limits no_bias = pie_limits;
    no_bias.load_bias = 0;
    EXPECT(&b, &no_bias, ELF_ERR_SEGMENT_MEM_RANGE);
}

static void test_page_sharing(void)
{
    struct elf_builder b;
    struct elf_image img;

    /*
     * Text ends and read-only data starts inside page 0x401000, as ld lays
     * out segments without -z separate-code; data shares rodata's last page.
     */
    begin_elf(&b, ET_EXEC, 0x401000);
    add_load(&b, R | X, 0x1000, 0x401000, 0x234, 0x234);
    add_load(&b, R, 0x1234, 0x401234, 0x1000, 0x1000);
    add_load(&b, R | W, 0x2234, 0x402234, 0x10, 0x2000);
    set_file_size(&b, 0x2244);
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_SEGMENT(&img.segments[0], 0x401000, 0x234, 0x1000, 0x234, R | X, ELF_SHARES_LAST_PAGE);
    CHECK_SEGMENT(&img.segments[1], 0x401234, 0x1000, 0x1234, 0x1000, R,
                  ELF_SHARES_FIRST_PAGE | ELF_SHARES_LAST_PAGE);
    CHECK_SEGMENT(&img.segments[2], 0x402234, 0x2000, 0x2234, 0x10, R | W, ELF_SHARES_FIRST_PAGE);
    CHECK_EQ(img.page_count, 4); /* 0x401000..0x405000 */
    CHECK_EQ(img.lowest_vaddr, 0x401000);
    CHECK_EQ(img.highest_vaddr_end, 0x405000);

    /* Three segments in one page; the middle one shares on both sides. */
    begin_elf(&b, ET_EXEC, 0x401100);
    add_load(&b, R, 0x1000, 0x401000, 0x100, 0x100);
    add_load(&b, R | X, 0x1100, 0x401100, 0x100, 0x100);
    add_load(&b, R | W, 0x1200, 0x401200, 0x100, 0x100);
    set_file_size(&b, 0x1300);
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.segments[0].page_sharing, ELF_SHARES_LAST_PAGE);
    CHECK_EQ(img.segments[1].page_sharing, ELF_SHARES_FIRST_PAGE | ELF_SHARES_LAST_PAGE);
    CHECK_EQ(img.segments[2].page_sharing, ELF_SHARES_FIRST_PAGE);
    CHECK_EQ(img.page_count, 1);

    /* Touching at a page boundary is not sharing. */
    begin_elf(&b, ET_EXEC, 0x401000);
    add_load(&b, R | X, 0x1000, 0x401000, 0x1000, 0x1000);
    add_load(&b, R, 0x2000, 0x402000, 0x10, 0x10);
    set_file_size(&b, 0x2010);
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.segments[0].page_sharing, 0);
    CHECK_EQ(img.segments[1].page_sharing, 0);
    CHECK_EQ(img.page_count, 2);

    /* A gap of less than a page between two segments still shares. */
    begin_elf(&b, ET_EXEC, 0x401000);
    add_load(&b, R | X, 0x1000, 0x401000, 0x10, 0x10);
    add_load(&b, R, 0x1ff0, 0x401ff0, 0x20, 0x20);
    set_file_size(&b, 0x2010);
    img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.segments[0].page_sharing, ELF_SHARES_LAST_PAGE);
    CHECK_EQ(img.segments[1].page_sharing, ELF_SHARES_FIRST_PAGE);
    CHECK_EQ(img.page_count, 2);
}

static void test_sorting(void)
{
    struct elf_builder b;
    begin_elf(&b, ET_EXEC, 0x401000);
    add_load(&b, R | W, 0x2000, 0x402000, 0x10, 0x10);
    add_load(&b, R, 0, 0x400000, 0x10, 0x10);
    add_load(&b, R | X, 0x1000, 0x401000, 0x10, 0x10);
    add_load(&b, R, 0, 0x410000, 0x10, 0x10);
    set_file_size(&b, 0x2010);
    struct elf_image img = EXPECT(&b, &default_limits, ELF_OK);
    CHECK_EQ(img.nsegments, 4);
    CHECK_EQ(img.segments[0].vaddr, 0x400000);
    CHECK_EQ(img.segments[1].vaddr, 0x401000);
    CHECK_EQ(img.segments[2].vaddr, 0x402000);
    CHECK_EQ(img.segments[3].vaddr, 0x410000);
    CHECK_EQ(img.segments[2].flags, R | W);
    CHECK_EQ(img.highest_vaddr_end, 0x411000);
    CHECK_EQ(img.page_count, 4);
}

/* Whatever the error, *out keeps its old contents (parse_bytes checks). */
static void test_out_untouched(void)
{
    struct elf_builder b;
    build_exec(&b);
    struct elf_image good = EXPECT(&b, &default_limits, ELF_OK);
    struct elf_image out = good;
    set_u64(&b, E_ENTRY, 0x400000);
    CHECK_EQ(elf64_image_parse(b.bytes, b.size, &default_limits, &out), ELF_ERR_ENTRY);
    CHECK(memcmp(&out, &good, sizeof out) == 0);
}

/* Runs last: every code the validator can return has a test above. */
static void test_every_error_code_tested(void)
{
    for (int e = 0; e < ELF_ERR_COUNT; e++) {
        if (!error_tested[e]) {
            fprintf(stderr, "%s: no test expects %d (%s)\n", current_test, e,
                    elf_error_name((enum elf_error)e));
            failures++;
        }
    }
}

static const struct {
    const char *name;
    void (*run)(void);
} tests[] = {
    { "error_names", test_error_names },
    { "invalid_arguments", test_invalid_arguments },
    { "header_errors", test_header_errors },
    { "phdr_table_errors", test_phdr_table_errors },
    { "interp", test_interp },
    { "segment_count", test_segment_count },
    { "segment_file_range", test_segment_file_range },
    { "segment_filesz", test_segment_filesz },
    { "segment_align", test_segment_align },
    { "segment_mem_range", test_segment_mem_range },
    { "overlap", test_overlap },
    { "entry", test_entry },
    { "phdr", test_phdr },
    { "tls", test_tls },
    { "good_exec", test_good_exec },
    { "good_dyn", test_good_dyn },
    { "page_sharing", test_page_sharing },
    { "sorting", test_sorting },
    { "out_untouched", test_out_untouched },
    { "every_error_code_tested", test_every_error_code_tested },
};

static int run_unit_tests(void)
{
    size_t count = sizeof tests / sizeof tests[0];
    printf("1..%zu\n", count);
    for (size_t i = 0; i < count; i++) {
        int failures_before = failures;
        current_test = tests[i].name;
        tests[i].run();
        printf("%s %zu - %s\n", failures == failures_before ? "ok" : "not ok", i + 1, tests[i].name);
    }
    return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ---- Real files ---------------------------------------------------------- */

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t capacity = 1 << 16, used = 0;
    uint8_t *data = malloc(capacity);
    for (;;) {
        if (data == NULL) {
            perror("malloc");
            exit(2);
        }
        used += fread(data + used, 1, capacity - used, f);
        if (used < capacity)
            break;
        capacity *= 2;
        data = realloc(data, capacity);
    }
    if (ferror(f)) {
        perror(path);
        exit(2);
    }
    fclose(f);
    *size = used;
    return data;
}

static void print_image(const struct elf_image *img)
{
    printf("  type %s, entry %#llx, phdr at %#llx, %u segments, %llu pages\n",
           img->type == ELF_TYPE_DYN ? "ET_DYN" : "ET_EXEC", (unsigned long long)img->entry,
           (unsigned long long)img->phdr_vaddr, img->nsegments, (unsigned long long)img->page_count);
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->segments[i];
        printf("  %#14llx +%#-9llx file %#-9llx +%#-9llx %c%c%c%s%s\n", (unsigned long long)s->vaddr,
               (unsigned long long)s->memsz, (unsigned long long)s->file_offset,
               (unsigned long long)s->filesz, s->flags & ELF_SEG_R ? 'r' : '-',
               s->flags & ELF_SEG_W ? 'w' : '-', s->flags & ELF_SEG_X ? 'x' : '-',
               s->page_sharing & ELF_SHARES_FIRST_PAGE ? " shares-first-page" : "",
               s->page_sharing & ELF_SHARES_LAST_PAGE ? " shares-last-page" : "");
    }
    if (img->tls.memsz != 0)
        printf("  tls %#llx filesz %#llx memsz %#llx align %llu\n", (unsigned long long)img->tls.vaddr,
               (unsigned long long)img->tls.filesz, (unsigned long long)img->tls.memsz,
               (unsigned long long)img->tls_align);
}

/*
 * --expect=exec|dyn: must load as that type; loadable: ET_EXEC or ET_DYN;
 * loadable-or-interp: a linker-made executable, static or dynamic, so the
 * only acceptable refusal is PT_INTERP.  --tls: must have PT_TLS.
 * --shares-pages: some segments must share a page.
 * --optional: a missing file, or one that is not ELF (a script), is a skip.
 */
static int run_file_test(int argc, char **argv)
{
    const char *expect = "loadable", *path = NULL;
    bool optional = false, want_tls = false, want_shared_page = false;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--expect=", 9) == 0)
            expect = argv[i] + 9;
        else if (strcmp(argv[i], "--optional") == 0)
            optional = true;
        else if (strcmp(argv[i], "--tls") == 0)
            want_tls = true;
        else if (strcmp(argv[i], "--shares-pages") == 0)
            want_shared_page = true;
        else if (argv[i][0] != '-' && path == NULL)
            path = argv[i];
        else {
            fprintf(stderr,
                    "usage: %s [--optional] [--expect=exec|dyn|loadable|"
                    "loadable-or-interp] [--tls] [--shares-pages] FILE\n",
                    argv[0]);
            return 2;
        }
    }
    if (path == NULL) {
        fprintf(stderr, "%s: no file given\n", argv[0]);
        return 2;
    }

    size_t size;
    uint8_t *data = read_file(path, &size);
    if (data == NULL) {
        printf("%s: cannot open%s\n", path, optional ? ": skipped" : "");
        return optional ? EXIT_SKIP : EXIT_FAILURE;
    }

    /* Exact-size copy so ASan sees reads past the end. */
    uint8_t *file = malloc(size ? size : 1);
    if (file == NULL) {
        perror("malloc");
        exit(2);
    }
    memcpy(file, data, size);
    free(data);

    struct elf_limits limits = pie_limits;
    struct elf_image img;
    enum elf_error err = elf64_image_parse(file, size, &limits, &img);
    printf("%s: %zu bytes: %s\n", path, size, elf_error_name(err));

    int status = EXIT_SUCCESS;
    if (err == ELF_ERR_MAGIC && optional) {
        status = EXIT_SKIP;
    } else if (err == ELF_ERR_INTERP && strcmp(expect, "loadable-or-interp") == 0) {
        status = EXIT_SUCCESS;
    } else if (err != ELF_OK) {
        status = EXIT_FAILURE;
    } else {
        print_image(&img);
        const char *why = elf64_image_invariant_violation(file, size, &limits, &img);
        if (why != NULL) {
            printf("invariant violated: %s\n", why);
            status = EXIT_FAILURE;
        }
        if ((strcmp(expect, "exec") == 0 && img.type != ELF_TYPE_EXEC) ||
            (strcmp(expect, "dyn") == 0 && img.type != ELF_TYPE_DYN)) {
            printf("expected %s, got another type\n", expect);
            status = EXIT_FAILURE;
        }
        if (want_tls && img.tls.memsz == 0) {
            printf("expected a PT_TLS segment\n");
            status = EXIT_FAILURE;
        }
        if (want_shared_page && img.segments[0].page_sharing == 0) {
            printf("expected the first segment to share a page\n");
            status = EXIT_FAILURE;
        }
    }
    free(file);
    return status;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return run_file_test(argc, argv);
    return run_unit_tests();
}
