/*
 * ELF64 executable validator; see elf64_image.h for the contract.
 *
 * Everything read from the file is hostile.  The rules followed throughout:
 *  - fields are read byte by byte at offsets already proven to be inside the
 *    file, so the input may be unaligned and no read can go out of bounds;
 *  - every addition of file-controlled values goes through
 *    __builtin_add_overflow, every multiplication is bounded beforehand;
 *  - the result is built in a local and copied to *out only on success.
 * No libc: the code must build with -ffreestanding -fno-builtin, and must not
 * lead the compiler to emit memcpy/memset calls (the meson test
 * elf64_image_freestanding checks the library has no undefined symbols).
 */
#include "elf64_image.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Constants from the System V gABI and the x86-64 psABI. */
enum {
    EHDR_SIZE = 64,
    PHDR_SIZE = 56,

    EI_MAG0 = 0,
    EI_CLASS = 4,
    EI_DATA = 5,
    EI_VERSION = 6,
    ELFCLASS64 = 2,
    ELFDATA2LSB = 1,
    EV_CURRENT = 1,
    ET_EXEC = 2,
    ET_DYN = 3,
    EM_X86_64 = 62,
    PN_XNUM = 0xffff, /* e_phnum escape to section header 0: not supported */

    PT_LOAD = 1,
    PT_INTERP = 3,
    PT_PHDR = 6,
    PT_TLS = 7,
};

/* Byte offsets of the Elf64_Ehdr fields used. */
enum {
    E_TYPE = 16,
    E_MACHINE = 18,
    E_VERSION = 20,
    E_ENTRY = 24,
    E_PHOFF = 32,
    E_PHENTSIZE = 54,
    E_PHNUM = 56,
};

/* Byte offsets of the Elf64_Phdr fields used (p_paddr is ignored). */
enum {
    P_TYPE = 0,
    P_FLAGS = 4,
    P_OFFSET = 8,
    P_VADDR = 16,
    P_FILESZ = 32,
    P_MEMSZ = 40,
    P_ALIGN = 48,
};

static const uint32_t permission_mask = ELF_SEG_R | ELF_SEG_W | ELF_SEG_X;
static const uint64_t page_mask = ELF_PAGE_SIZE - 1;

/* Little-endian loads; the caller guarantees the bytes are in the file. */
static uint16_t load_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t load_le64(const uint8_t *p)
{
    return (uint64_t)load_le32(p) | (uint64_t)load_le32(p + 4) << 32;
}

static bool is_power_of_two(uint64_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

static uint64_t page_down(uint64_t x)
{
    return x & ~page_mask;
}

/*
 * Whole-struct initialisation and assignment of an elf_image would make the
 * compiler call memset/memcpy, which a freestanding kernel need not provide
 * to this library; field-wise copies compile to plain moves.
 */
static void copy_segment(struct elf_segment *dst, const struct elf_segment *src)
{
    dst->vaddr = src->vaddr;
    dst->memsz = src->memsz;
    dst->file_offset = src->file_offset;
    dst->filesz = src->filesz;
    dst->flags = src->flags;
    dst->page_sharing = src->page_sharing;
}

static void copy_image(struct elf_image *dst, const struct elf_image *src)
{
    dst->entry = src->entry;
    dst->type = src->type;
    dst->phdr_vaddr = src->phdr_vaddr;
    dst->phnum = src->phnum;
    dst->phentsize = src->phentsize;
    dst->nsegments = src->nsegments;
    for (unsigned i = 0; i < ELF_MAX_SEGMENTS; i++)
        copy_segment(&dst->segments[i], &src->segments[i]);
    copy_segment(&dst->tls, &src->tls);
    dst->tls_align = src->tls_align;
    dst->load_align = src->load_align;
    dst->lowest_vaddr = src->lowest_vaddr;
    dst->highest_vaddr_end = src->highest_vaddr_end;
    dst->page_count = src->page_count;
}

static void clear_image(struct elf_image *img)
{
    static const struct elf_image zero_image;
    copy_image(img, &zero_image);
}

/* One decoded program header. */
struct program_header {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz, align;
};

static struct program_header decode_program_header(const uint8_t *p)
{
    struct program_header ph;
    ph.type = load_le32(p + P_TYPE);
    ph.flags = load_le32(p + P_FLAGS);
    ph.offset = load_le64(p + P_OFFSET);
    ph.vaddr = load_le64(p + P_VADDR);
    ph.filesz = load_le64(p + P_FILESZ);
    ph.memsz = load_le64(p + P_MEMSZ);
    ph.align = load_le64(p + P_ALIGN);
    return ph;
}

/* Everything the checks share; the file is bytes[0, size). */
struct parser {
    const uint8_t *bytes;
    uint64_t size;
    uint64_t user_lo, user_hi;
    uint64_t bias;         /* load_bias for ET_DYN, 0 for ET_EXEC */
    uint64_t phoff;        /* program header table, proven inside the file */
    uint64_t phtable_size; /* phnum * PHDR_SIZE */
    bool have_phdr, have_tls;
    unsigned phdr_index, tls_index; /* table index of PT_PHDR, PT_TLS if present */
};

/* [offset, offset + length) lies inside the file. */
static bool file_range_ok(const struct parser *ps, uint64_t offset, uint64_t length)
{
    uint64_t end;
    return !__builtin_add_overflow(offset, length, &end) && end <= ps->size;
}

/* *start = vaddr + bias, failing on overflow. */
static bool apply_bias(const struct parser *ps, uint64_t vaddr, uint64_t *start)
{
    return !__builtin_add_overflow(vaddr, ps->bias, start);
}

/* [start, start + length) lies inside [outer_start, outer_start + outer_length). */
static bool contained_in(uint64_t start, uint64_t length, uint64_t outer_start, uint64_t outer_length)
{
    /* outer_start + outer_length never overflows: callers pass validated segments. */
    uint64_t end;
    return start >= outer_start && !__builtin_add_overflow(start, length, &end) &&
           end <= outer_start + outer_length;
}

static bool limits_valid(const struct elf_limits *limits)
{
    /* user_lo > 0 keeps page 0 out of user memory, so that 0 can mean "absent". */
    return limits->user_lo != 0 && limits->user_lo < limits->user_hi && (limits->user_lo & page_mask) == 0 &&
           (limits->user_hi & page_mask) == 0 && (limits->load_bias & page_mask) == 0;
}

/* Checks the ELF header and, on success, fills ps->bias/phoff and img header fields. */
static enum elf_error check_header(struct parser *ps, uint64_t load_bias, struct elf_image *img)
{
    const uint8_t *b = ps->bytes;

    if (ps->size < EHDR_SIZE)
        return ELF_ERR_TRUNCATED;
    if (b[EI_MAG0] != 0x7f || b[EI_MAG0 + 1] != 'E' || b[EI_MAG0 + 2] != 'L' || b[EI_MAG0 + 3] != 'F')
        return ELF_ERR_MAGIC;
    if (b[EI_CLASS] != ELFCLASS64)
        return ELF_ERR_CLASS;
    if (b[EI_DATA] != ELFDATA2LSB)
        return ELF_ERR_ENDIAN;
    if (b[EI_VERSION] != EV_CURRENT || load_le32(b + E_VERSION) != EV_CURRENT)
        return ELF_ERR_VERSION;
    /* EI_OSABI is not checked: glibc static binaries say ELFOSABI_GNU, others SYSV. */

    uint16_t type = load_le16(b + E_TYPE);
    if (type != ET_EXEC && type != ET_DYN)
        return ELF_ERR_TYPE;
    if (load_le16(b + E_MACHINE) != EM_X86_64)
        return ELF_ERR_MACHINE;

    uint16_t phentsize = load_le16(b + E_PHENTSIZE);
    uint16_t phnum = load_le16(b + E_PHNUM);
    uint64_t phoff = load_le64(b + E_PHOFF);
    if (phentsize != PHDR_SIZE || phnum == PN_XNUM)
        return ELF_ERR_PHDR_TABLE;
    /* phnum < 2^16 and PHDR_SIZE < 2^6: the product cannot overflow. */
    uint64_t phtable_size = (uint64_t)phnum * PHDR_SIZE;
    if (!file_range_ok(ps, phoff, phtable_size))
        return ELF_ERR_PHDR_TABLE;

    ps->bias = type == ET_DYN ? load_bias : 0;
    ps->phoff = phoff;
    ps->phtable_size = phtable_size;
    img->type = type;
    img->phnum = phnum;
    img->phentsize = phentsize;
    return ELF_OK;
}

static struct program_header program_header_at(const struct parser *ps, unsigned index)
{
    /* index < phnum, and the whole table was proven inside the file. */
    return decode_program_header(ps->bytes + ps->phoff + (uint64_t)index * PHDR_SIZE);
}

/*
 * Validates one PT_LOAD.  Returns ELF_OK with *keep false for an empty
 * segment (p_memsz 0), which maps nothing and is dropped.
 */
static enum elf_error check_load_segment(const struct parser *ps, const struct program_header *ph,
                                         struct elf_segment *seg, bool *keep)
{
    *keep = false;
    if (ph->filesz > ph->memsz)
        return ELF_ERR_SEGMENT_FILESZ;
    if (ph->memsz == 0)
        return ELF_OK;
    if (!file_range_ok(ps, ph->offset, ph->filesz))
        return ELF_ERR_SEGMENT_FILE_RANGE;

    /*
     * p_align 0 and 1 mean "no alignment".  Whatever p_align says, file and
     * memory must agree within a page, or file pages could not be mapped (and
     * Linux would refuse the file too).  Larger alignments must hold as the
     * gABI requires.  Congruence of unsigned values modulo a power of two
     * survives wrap-around, so vaddr - offset may wrap.
     */
    if (ph->align > 1 && !is_power_of_two(ph->align))
        return ELF_ERR_SEGMENT_ALIGN;
    uint64_t misalignment = ph->vaddr - ph->offset;
    if ((misalignment & page_mask) != 0)
        return ELF_ERR_SEGMENT_ALIGN;
    if (ph->align > ELF_PAGE_SIZE && (misalignment & (ph->align - 1)) != 0)
        return ELF_ERR_SEGMENT_ALIGN;

    uint64_t start, end;
    if (!apply_bias(ps, ph->vaddr, &start) || __builtin_add_overflow(start, ph->memsz, &end) ||
        start < ps->user_lo || end > ps->user_hi)
        return ELF_ERR_SEGMENT_MEM_RANGE;

    seg->vaddr = start;
    seg->memsz = ph->memsz;
    seg->file_offset = ph->offset;
    seg->filesz = ph->filesz;
    seg->flags = ph->flags & permission_mask;
    seg->page_sharing = 0;
    *keep = true;
    return ELF_OK;
}

/* Walks the program header table, collecting PT_LOAD, PT_PHDR and PT_TLS. */
static enum elf_error collect_program_headers(struct parser *ps, struct elf_image *img)
{
    img->load_align = ELF_PAGE_SIZE;

    /* A PT_INTERP anywhere is the most useful diagnosis, so look for it first. */
    for (unsigned i = 0; i < img->phnum; i++) {
        if (program_header_at(ps, i).type == PT_INTERP)
            return ELF_ERR_INTERP;
    }

    for (unsigned i = 0; i < img->phnum; i++) {
        struct program_header ph = program_header_at(ps, i);
        if (ph.type == PT_LOAD) {
            struct elf_segment seg;
            bool keep;
            enum elf_error err = check_load_segment(ps, &ph, &seg, &keep);
            if (err != ELF_OK)
                return err;
            if (!keep)
                continue;
            if (img->nsegments == ELF_MAX_SEGMENTS)
                return ELF_ERR_TOO_MANY_SEGMENTS;
            copy_segment(&img->segments[img->nsegments++], &seg);
            if (ph.align > img->load_align)
                img->load_align = ph.align;
        } else if (ph.type == PT_PHDR) {
            if (ps->have_phdr)
                return ELF_ERR_PHDR_SEGMENT;
            ps->have_phdr = true;
            ps->phdr_index = i;
        } else if (ph.type == PT_TLS) {
            if (ps->have_tls)
                return ELF_ERR_TLS;
            ps->have_tls = true;
            ps->tls_index = i;
        }
        /* Other types (PT_NOTE, PT_DYNAMIC, PT_GNU_*, ...) need no loader action. */
    }
    if (img->nsegments == 0)
        return ELF_ERR_NO_LOAD_SEGMENT;
    return ELF_OK;
}

/* Insertion sort: at most ELF_MAX_SEGMENTS entries, stable. */
static void sort_segments_by_vaddr(struct elf_image *img)
{
    for (unsigned i = 1; i < img->nsegments; i++) {
        struct elf_segment moving;
        copy_segment(&moving, &img->segments[i]);
        unsigned j = i;
        while (j > 0 && img->segments[j - 1].vaddr > moving.vaddr) {
            copy_segment(&img->segments[j], &img->segments[j - 1]);
            j--;
        }
        copy_segment(&img->segments[j], &moving);
    }
}

/*
 * Refuses overlapping bytes, marks shared pages and computes the extent.
 * Sorted by start, so checking neighbours suffices: if segment i overlapped
 * some later j, it would overlap i + 1 too (start of i + 1 <= start of j).
 * Segment ends cannot overflow: they were checked to be <= user_hi.
 */
static enum elf_error arrange_segments(struct elf_image *img)
{
    sort_segments_by_vaddr(img);

    uint64_t page_count = 0;
    for (unsigned i = 0; i < img->nsegments; i++) {
        struct elf_segment *seg = &img->segments[i];
        uint64_t first_page = page_down(seg->vaddr);
        uint64_t last_page = page_down(seg->vaddr + seg->memsz - 1);
        page_count += (last_page - first_page) / ELF_PAGE_SIZE + 1;

        if (i > 0) {
            struct elf_segment *prev = &img->segments[i - 1];
            uint64_t prev_end = prev->vaddr + prev->memsz;
            if (prev_end > seg->vaddr)
                return ELF_ERR_SEGMENT_OVERLAP;
            if (page_down(prev_end - 1) == first_page) {
                prev->page_sharing |= ELF_SHARES_LAST_PAGE;
                seg->page_sharing |= ELF_SHARES_FIRST_PAGE;
                page_count--; /* counted with prev already */
            }
        }
    }

    const struct elf_segment *last = &img->segments[img->nsegments - 1];
    img->lowest_vaddr = page_down(img->segments[0].vaddr);
    /* end <= user_hi, which is page aligned, so rounding up cannot overflow. */
    img->highest_vaddr_end = page_down(last->vaddr + last->memsz + page_mask);
    img->page_count = page_count;
    return ELF_OK;
}

/* e_entry (biased) must be inside an executable segment. */
static enum elf_error check_entry(const struct parser *ps, struct elf_image *img)
{
    uint64_t entry;
    if (!apply_bias(ps, load_le64(ps->bytes + E_ENTRY), &entry))
        return ELF_ERR_ENTRY;
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *seg = &img->segments[i];
        if ((seg->flags & ELF_SEG_X) && contained_in(entry, 1, seg->vaddr, seg->memsz)) {
            img->entry = entry;
            return ELF_OK;
        }
    }
    return ELF_ERR_ENTRY;
}

/*
 * If segment seg maps the program header table from the file, returns true
 * with *vaddr = where the table is in memory.
 */
static bool segment_maps_phtable(const struct parser *ps, const struct elf_segment *seg, uint64_t *vaddr)
{
    if (!contained_in(ps->phoff, ps->phtable_size, seg->file_offset, seg->filesz))
        return false;
    *vaddr = seg->vaddr + (ps->phoff - seg->file_offset);
    return true;
}

/*
 * phdr_vaddr, for AT_PHDR.  A PT_PHDR must name the real table (p_offset ==
 * e_phoff) at an address where a segment maps exactly those file bytes;
 * libc trusts AT_PHDR to find PT_TLS.  Without PT_PHDR, do as Linux does:
 * use the segment whose file bytes contain the table, if any.
 */
static enum elf_error locate_phdr(const struct parser *ps, struct elf_image *img)
{
    uint64_t wanted = 0;
    if (ps->have_phdr) {
        struct program_header ph = program_header_at(ps, ps->phdr_index);
        if (ph.offset != ps->phoff || !apply_bias(ps, ph.vaddr, &wanted))
            return ELF_ERR_PHDR_SEGMENT;
    }
    for (unsigned i = 0; i < img->nsegments; i++) {
        uint64_t mapped;
        if (!segment_maps_phtable(ps, &img->segments[i], &mapped))
            continue;
        if (!ps->have_phdr || mapped == wanted) {
            img->phdr_vaddr = mapped;
            return ELF_OK;
        }
    }
    return ps->have_phdr ? ELF_ERR_PHDR_SEGMENT : ELF_OK;
}

/* Validates PT_TLS, whose initialisation image libc copies from memory. */
static enum elf_error check_tls(const struct parser *ps, struct elf_image *img)
{
    img->tls_align = 1;
    if (!ps->have_tls)
        return ELF_OK;
    const struct program_header ph = program_header_at(ps, ps->tls_index);
    if (ph.memsz == 0)
        return ELF_OK; /* an empty PT_TLS asks for nothing */

    uint64_t align = ph.align > 1 ? ph.align : 1;
    uint64_t start, end;
    if (ph.filesz > ph.memsz || ph.memsz > ps->user_hi - ps->user_lo ||
        !file_range_ok(ps, ph.offset, ph.filesz) || !is_power_of_two(align) || align > ELF_MAX_TLS_ALIGN ||
        !apply_bias(ps, ph.vaddr, &start) || __builtin_add_overflow(start, ph.memsz, &end))
        return ELF_ERR_TLS;

    if (ph.filesz > 0) {
        bool image_loaded = false;
        for (unsigned i = 0; i < img->nsegments; i++) {
            const struct elf_segment *seg = &img->segments[i];
            if (contained_in(start, ph.filesz, seg->vaddr, seg->memsz))
                image_loaded = true;
        }
        if (!image_loaded)
            return ELF_ERR_TLS;
    }

    img->tls.vaddr = start;
    img->tls.memsz = ph.memsz;
    img->tls.file_offset = ph.offset;
    img->tls.filesz = ph.filesz;
    img->tls.flags = ph.flags & permission_mask;
    img->tls.page_sharing = 0;
    img->tls_align = align;
    return ELF_OK;
}

enum elf_error elf64_image_parse(const void *file, size_t size, const struct elf_limits *limits,
                                 struct elf_image *out)
{
    if (file == NULL || limits == NULL || out == NULL || !limits_valid(limits))
        return ELF_ERR_INVALID_ARGUMENT;

    /* Field by field, like clear_image, to keep memset out (clang -O0 too). */
    struct parser ps;
    ps.bytes = file;
    ps.size = size;
    ps.user_lo = limits->user_lo;
    ps.user_hi = limits->user_hi;
    ps.bias = 0;
    ps.phoff = 0;
    ps.phtable_size = 0;
    ps.have_phdr = false;
    ps.have_tls = false;
    ps.phdr_index = 0;
    ps.tls_index = 0;
    struct elf_image img;
    clear_image(&img);

    enum elf_error err = check_header(&ps, limits->load_bias, &img);
    if (err == ELF_OK)
        err = collect_program_headers(&ps, &img);
    if (err == ELF_OK)
        err = arrange_segments(&img);
    if (err == ELF_OK)
        err = check_entry(&ps, &img);
    if (err == ELF_OK)
        err = locate_phdr(&ps, &img);
    if (err == ELF_OK)
        err = check_tls(&ps, &img);
    if (err == ELF_OK)
        copy_image(out, &img);
    return err;
}

const char *elf_error_name(enum elf_error e)
{
    static const char *const names[ELF_ERR_COUNT] = {
        [ELF_OK] = "ok",
        [ELF_ERR_INVALID_ARGUMENT] = "invalid argument",
        [ELF_ERR_TRUNCATED] = "file shorter than an ELF header",
        [ELF_ERR_MAGIC] = "not an ELF file",
        [ELF_ERR_CLASS] = "not a 64-bit ELF file",
        [ELF_ERR_ENDIAN] = "not a little-endian ELF file",
        [ELF_ERR_VERSION] = "unsupported ELF version",
        [ELF_ERR_TYPE] = "not an executable (ET_EXEC or ET_DYN)",
        [ELF_ERR_MACHINE] = "not an x86-64 executable",
        [ELF_ERR_PHDR_TABLE] = "bad program header table",
        [ELF_ERR_INTERP] = "needs a dynamic loader (PT_INTERP)",
        [ELF_ERR_TOO_MANY_SEGMENTS] = "too many loadable segments",
        [ELF_ERR_NO_LOAD_SEGMENT] = "no loadable segment",
        [ELF_ERR_SEGMENT_FILE_RANGE] = "segment outside the file",
        [ELF_ERR_SEGMENT_MEM_RANGE] = "segment outside user memory",
        [ELF_ERR_SEGMENT_FILESZ] = "segment file size exceeds memory size",
        [ELF_ERR_SEGMENT_ALIGN] = "segment misaligned",
        [ELF_ERR_SEGMENT_OVERLAP] = "segments overlap",
        [ELF_ERR_ENTRY] = "entry point not in an executable segment",
        [ELF_ERR_PHDR_SEGMENT] = "PT_PHDR does not match the mapped program headers",
        [ELF_ERR_TLS] = "bad TLS segment",
    };
    if ((unsigned)e >= ELF_ERR_COUNT)
        return "unknown ELF error";
    return names[e];
}
