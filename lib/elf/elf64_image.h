/*
 * elf64_image: validate an untrusted ELF64 x86-64 executable and describe
 * what a loader has to map.
 *
 * Pure and freestanding: no libc, no allocation, no global state.  The input
 * is only read (byte by byte, so it may be unaligned) and never trusted:
 * every offset, size and address is range- and overflow-checked.  A file
 * that parses successfully satisfies every invariant documented on
 * struct elf_image, so a loader may use the result without re-checking it.
 *
 * Accepted: statically linked ET_EXEC, and ET_DYN without PT_INTERP
 * (static-PIE, which relocates itself; the caller chooses the load bias).
 * Anything that needs a dynamic loader (PT_INTERP) is refused.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Most PT_LOAD segments (with p_memsz > 0) an image may have. */
enum { ELF_MAX_SEGMENTS = 16 };

/* Page granularity the validator assumes for mapping and congruence. */
enum { ELF_PAGE_SIZE = 4096 };

/* Largest PT_TLS alignment accepted (TLS blocks are placed in pages). */
enum { ELF_MAX_TLS_ALIGN = ELF_PAGE_SIZE };

/* Values of elf_image.type (the ELF e_type values). */
enum { ELF_TYPE_EXEC = 2, ELF_TYPE_DYN = 3 };

enum elf_error {
    ELF_OK = 0,
    ELF_ERR_INVALID_ARGUMENT,   /* NULL pointer or malformed elf_limits (caller bug) */
    ELF_ERR_TRUNCATED,          /* shorter than the 64-byte ELF header */
    ELF_ERR_MAGIC,              /* not \x7fELF */
    ELF_ERR_CLASS,              /* not ELFCLASS64 */
    ELF_ERR_ENDIAN,             /* not little endian */
    ELF_ERR_VERSION,            /* e_ident[EI_VERSION] or e_version not EV_CURRENT */
    ELF_ERR_TYPE,               /* e_type neither ET_EXEC nor ET_DYN */
    ELF_ERR_MACHINE,            /* e_machine not EM_X86_64 */
    ELF_ERR_PHDR_TABLE,         /* bad e_phentsize, PN_XNUM, or table outside the file */
    ELF_ERR_INTERP,             /* PT_INTERP: needs a dynamic loader */
    ELF_ERR_TOO_MANY_SEGMENTS,  /* more than ELF_MAX_SEGMENTS non-empty PT_LOAD */
    ELF_ERR_NO_LOAD_SEGMENT,    /* no PT_LOAD with p_memsz > 0 */
    ELF_ERR_SEGMENT_FILE_RANGE, /* PT_LOAD file bytes outside the file */
    ELF_ERR_SEGMENT_MEM_RANGE,  /* PT_LOAD memory outside [user_lo, user_hi) */
    ELF_ERR_SEGMENT_FILESZ,     /* PT_LOAD p_filesz > p_memsz */
    ELF_ERR_SEGMENT_ALIGN,      /* bad p_align, or p_vaddr/p_offset not congruent */
    ELF_ERR_SEGMENT_OVERLAP,    /* two PT_LOAD byte ranges overlap */
    ELF_ERR_ENTRY,              /* e_entry not inside an executable PT_LOAD */
    ELF_ERR_PHDR_SEGMENT,       /* PT_PHDR duplicated or not the mapped header table */
    ELF_ERR_TLS,                /* PT_TLS duplicated, out of range or misaligned */
    ELF_ERR_COUNT               /* number of codes; not an error */
};

/* Segment permission bits: the ELF PF_R, PF_W, PF_X values. */
enum { ELF_SEG_R = 4, ELF_SEG_W = 2, ELF_SEG_X = 1 };

/*
 * elf_segment.page_sharing bits.  The first (last) page of this segment also
 * holds bytes of the previous (next) PT_LOAD segment in vaddr order.  A shared
 * page needs the union (OR) of the permissions of every segment touching it,
 * and must be filled by copying each segment's bytes into one zeroed page.
 */
enum { ELF_SHARES_FIRST_PAGE = 1, ELF_SHARES_LAST_PAGE = 2 };

struct elf_segment {
    uint64_t vaddr;        /* load address, load bias already applied */
    uint64_t memsz;        /* bytes of memory; > 0 for PT_LOAD */
    uint64_t file_offset;  /* where the initial bytes start in the file */
    uint64_t filesz;       /* initial bytes; the rest up to memsz is zero */
    uint32_t flags;        /* ELF_SEG_R | ELF_SEG_W | ELF_SEG_X */
    uint32_t page_sharing; /* ELF_SHARES_* (PT_LOAD only; 0 for tls) */
};

/*
 * Result of a successful parse.  Invariants (checked by the fuzzer):
 *  - 1 <= nsegments <= ELF_MAX_SEGMENTS; entries past nsegments are zero.
 *  - segments[] sorted by vaddr; their byte ranges [vaddr, vaddr + memsz)
 *    are disjoint but consecutive ones may share a page (see page_sharing).
 *  - each segment: 0 < memsz, filesz <= memsz, flags has no bits but R|W|X,
 *    [file_offset, file_offset + filesz) lies inside the file,
 *    [vaddr, vaddr + memsz) lies inside [user_lo, user_hi), and
 *    vaddr == file_offset (mod ELF_PAGE_SIZE), so file pages can be mapped.
 *  - entry lies inside a segment with ELF_SEG_X.
 *  - user_lo <= lowest_vaddr < highest_vaddr_end <= user_hi, both page
 *    aligned, covering every segment; page_count is the number of distinct
 *    pages the segments touch (what a loader must allocate).
 *  - phdr_vaddr is 0 or the address where the program header table is
 *    mapped, from file-backed bytes of one segment.
 *  - tls.memsz is 0 (no PT_TLS) or: tls.filesz <= tls.memsz <= user_hi -
 *    user_lo, the initialisation image [tls.vaddr, + tls.filesz) lies inside
 *    one segment and its file bytes inside the file; tls_align is a power of
 *    two <= ELF_MAX_TLS_ALIGN.
 * All addresses have the load bias applied (ET_DYN only).
 */
struct elf_image {
    uint64_t entry;
    int type;                  /* ELF_TYPE_EXEC or ELF_TYPE_DYN (static-PIE) */
    uint64_t phdr_vaddr;       /* program headers in memory (AT_PHDR), 0 if not mapped */
    uint16_t phnum, phentsize; /* for AT_PHNUM, AT_PHENT */
    unsigned nsegments;        /* PT_LOAD with memsz > 0, sorted by vaddr */
    struct elf_segment segments[ELF_MAX_SEGMENTS];
    struct elf_segment tls;                   /* PT_TLS if present (memsz 0 otherwise) */
    uint64_t tls_align;                       /* power of two; 1 without PT_TLS */
    uint64_t load_align;                      /* largest PT_LOAD p_align, at least ELF_PAGE_SIZE */
    uint64_t lowest_vaddr, highest_vaddr_end; /* page-rounded extent of the image */
    uint64_t page_count;                      /* distinct pages touched by the segments */
};

/*
 * Where the image may live.  user_lo and user_hi must be page aligned with
 * user_lo < user_hi; load_bias must be page aligned.  load_bias is added to
 * every address of an ET_DYN file and ignored for ET_EXEC.  To honour the
 * file's own alignment wishes, choose a bias aligned to elf_image.load_align
 * (only known after a parse: parse once with bias 0 and a wide range, or
 * just use a page-aligned bias, which is always correct).
 */
struct elf_limits {
    uint64_t user_lo, user_hi;
    uint64_t load_bias;
};

/*
 * Validate file[0, size) and describe it in *out.  On any error *out is left
 * untouched.  Uses about 1 KiB of stack (the result is built in a local).
 */
enum elf_error elf64_image_parse(const void *file, size_t size, const struct elf_limits *limits,
                                 struct elf_image *out);

/* Short human-readable text for an error code; never NULL. */
const char *elf_error_name(enum elf_error e);
