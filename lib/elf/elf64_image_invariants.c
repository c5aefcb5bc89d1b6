/*
 * Re-checks a parse result against the invariants of elf64_image.h without
 * sharing code with the parser, so a bug in one is caught by the other.
 */
#include "elf64_image_invariants.h"

#include <stdbool.h>

static uint64_t read_le(const uint8_t *p, unsigned bytes)
{
    uint64_t value = 0;
    for (unsigned i = bytes; i-- > 0;)
        value = value << 8 | p[i];
    return value;
}

static bool all_zero(const struct elf_segment *seg)
{
    return seg->vaddr == 0 && seg->memsz == 0 && seg->file_offset == 0 && seg->filesz == 0 &&
           seg->flags == 0 && seg->page_sharing == 0;
}

static bool is_power_of_two(uint64_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

static uint64_t page_of(uint64_t address)
{
    return address / ELF_PAGE_SIZE * ELF_PAGE_SIZE;
}

static bool segment_contains(const struct elf_segment *seg, uint64_t start, uint64_t length)
{
    return start >= seg->vaddr && start - seg->vaddr <= seg->memsz &&
           length <= seg->memsz - (start - seg->vaddr);
}

static const char *check_segment(const struct elf_segment *seg, size_t size, const struct elf_limits *limits)
{
    if (seg->memsz == 0)
        return "segment with memsz 0";
    if (seg->filesz > seg->memsz)
        return "segment filesz > memsz";
    if ((seg->flags & ~(uint32_t)(ELF_SEG_R | ELF_SEG_W | ELF_SEG_X)) != 0)
        return "segment flags beyond R|W|X";
    if ((seg->page_sharing & ~(uint32_t)(ELF_SHARES_FIRST_PAGE | ELF_SHARES_LAST_PAGE)) != 0)
        return "unknown page_sharing bits";
    if (seg->file_offset > size || seg->filesz > size - seg->file_offset)
        return "segment file bytes outside the file";
    if (seg->vaddr < limits->user_lo || seg->vaddr >= limits->user_hi ||
        seg->memsz > limits->user_hi - seg->vaddr)
        return "segment outside [user_lo, user_hi)";
    if ((seg->vaddr - seg->file_offset) % ELF_PAGE_SIZE != 0)
        return "segment vaddr and file offset not page congruent";
    return NULL;
}

static const char *check_segments(const struct elf_image *img, size_t size, const struct elf_limits *limits)
{
    if (img->nsegments < 1 || img->nsegments > ELF_MAX_SEGMENTS)
        return "nsegments out of range";
    for (unsigned i = img->nsegments; i < ELF_MAX_SEGMENTS; i++) {
        if (!all_zero(&img->segments[i]))
            return "segment past nsegments not zero";
    }

    uint64_t pages = 0;
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *seg = &img->segments[i];
        const char *why = check_segment(seg, size, limits);
        if (why != NULL)
            return why;
        uint64_t first_page = page_of(seg->vaddr);
        uint64_t last_page = page_of(seg->vaddr + seg->memsz - 1);
        pages += (last_page - first_page) / ELF_PAGE_SIZE + 1;

        bool shares_with_prev = false;
        if (i > 0) {
            const struct elf_segment *prev = &img->segments[i - 1];
            uint64_t prev_end = prev->vaddr + prev->memsz;
            if (prev->vaddr >= seg->vaddr)
                return "segments not sorted by vaddr";
            if (prev_end > seg->vaddr)
                return "segments overlap";
            shares_with_prev = page_of(prev_end - 1) == first_page;
            if (shares_with_prev != ((prev->page_sharing & ELF_SHARES_LAST_PAGE) != 0))
                return "ELF_SHARES_LAST_PAGE wrong";
        }
        if (shares_with_prev != ((seg->page_sharing & ELF_SHARES_FIRST_PAGE) != 0))
            return "ELF_SHARES_FIRST_PAGE wrong";
        if (shares_with_prev)
            pages--;
    }
    if (img->segments[img->nsegments - 1].page_sharing & ELF_SHARES_LAST_PAGE)
        return "last segment claims to share its last page";

    const struct elf_segment *last = &img->segments[img->nsegments - 1];
    uint64_t end = last->vaddr + last->memsz;
    if (img->lowest_vaddr != page_of(img->segments[0].vaddr))
        return "lowest_vaddr wrong";
    if (img->highest_vaddr_end != page_of(end) + (end % ELF_PAGE_SIZE ? ELF_PAGE_SIZE : 0))
        return "highest_vaddr_end wrong";
    if (img->lowest_vaddr < limits->user_lo || img->highest_vaddr_end > limits->user_hi)
        return "page-rounded extent outside user memory";
    if (img->page_count != pages)
        return "page_count wrong";
    if (!is_power_of_two(img->load_align) || img->load_align < ELF_PAGE_SIZE)
        return "load_align not a power of two >= page size";
    return NULL;
}

static const char *check_phdr(const uint8_t *file, const struct elf_image *img)
{
    uint64_t phoff = read_le(file + 32, 8);
    uint64_t table_size = (uint64_t)img->phnum * img->phentsize;
    if (img->phdr_vaddr == 0)
        return NULL;
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *seg = &img->segments[i];
        if (img->phdr_vaddr < seg->vaddr || img->phdr_vaddr - seg->vaddr > seg->filesz ||
            table_size > seg->filesz - (img->phdr_vaddr - seg->vaddr))
            continue;
        if (seg->file_offset + (img->phdr_vaddr - seg->vaddr) == phoff)
            return NULL;
    }
    return "phdr_vaddr does not map the program header table";
}

static const char *check_tls(const struct elf_image *img, size_t size, const struct elf_limits *limits)
{
    const struct elf_segment *tls = &img->tls;
    if (tls->memsz == 0)
        return all_zero(tls) && img->tls_align == 1 ? NULL : "absent TLS not zero";
    if (tls->filesz > tls->memsz || tls->memsz > limits->user_hi - limits->user_lo)
        return "TLS sizes wrong";
    if (tls->file_offset > size || tls->filesz > size - tls->file_offset)
        return "TLS file bytes outside the file";
    if (tls->page_sharing != 0 || (tls->flags & ~(uint32_t)7) != 0)
        return "TLS flags wrong";
    if (!is_power_of_two(img->tls_align) || img->tls_align > ELF_MAX_TLS_ALIGN)
        return "tls_align wrong";
    if (tls->filesz == 0)
        return NULL;
    for (unsigned i = 0; i < img->nsegments; i++) {
        if (segment_contains(&img->segments[i], tls->vaddr, tls->filesz))
            return NULL;
    }
    return "TLS image not inside a segment";
}

const char *elf64_image_invariant_violation(const uint8_t *file, size_t size, const struct elf_limits *limits,
                                            const struct elf_image *img)
{
    if (size < 64)
        return "success on a file shorter than the ELF header";
    uint64_t raw_type = read_le(file + 16, 2);
    if (img->type != ELF_TYPE_EXEC && img->type != ELF_TYPE_DYN)
        return "type neither ET_EXEC nor ET_DYN";
    if ((uint64_t)img->type != raw_type)
        return "type differs from e_type";
    if (img->phnum != read_le(file + 56, 2) || img->phentsize != 56)
        return "phnum/phentsize differ from the header";

    uint64_t bias = img->type == ELF_TYPE_DYN ? limits->load_bias : 0;
    if (img->entry != read_le(file + 24, 8) + bias)
        return "entry is not e_entry plus bias";

    const char *why = check_segments(img, size, limits);
    if (why == NULL)
        why = check_phdr(file, img);
    if (why == NULL)
        why = check_tls(img, size, limits);
    if (why != NULL)
        return why;

    for (unsigned i = 0; i < img->nsegments; i++) {
        if ((img->segments[i].flags & ELF_SEG_X) && segment_contains(&img->segments[i], img->entry, 1))
            return NULL;
    }
    return "entry not inside an executable segment";
}
