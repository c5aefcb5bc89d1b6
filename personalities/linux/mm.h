/* personalities/linux/mm.h — a Linux address space: the areas (VMAs) a
 * process asked for, the pages it has touched, and the kernel objects that
 * make them real.
 *
 * The personality is the pager.  Areas are created by exec, brk and mmap
 * without touching any page; a page appears when the program faults on it
 * (VM fault IPC) or when the personality itself reads or writes the
 * program's memory on its behalf (system-call arguments).  A page is
 *   anonymous   a pool frame of its own (zeroed), or
 *   file        a page-cache frame of the file (vfs_get_page), mapped
 *               read-only until written; a private write copies it.
 * fork shares every page copy-on-write: both sides map it read-only and
 * the first write copies it unless the writer is the last owner.
 *
 * Kernel objects: each address space has its own untyped chunk (a child of
 * the personality's untyped) holding its PML4, page tables and the TCBs of
 * its threads, so that destroying it is one revoke.  Each page mapping is a
 * copy of the pool frame's capability in a personality slot. */
#pragma once

#include "frames.h"
#include <kumiki/abi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lx_inode;

enum {
    LX_PAGE = 4096,
    LX_VMA_READ = 1,
    LX_VMA_WRITE = 2,
    LX_VMA_EXEC = 4,          /* = PROT_* */
    LX_VMA_SHARED = 8,        /* MAP_SHARED: writes go to the file's pages */
    LX_VMA_GROWSDOWN = 16,    /* the main stack */
    LX_VMA_HEAP = 32,         /* the brk area */
    LX_VMA_MMAPPED_FILE = 64, /* mmap of a file: a page past its end is SIGBUS (ELF segments read zero) */
};

/* User addresses the personality hands out. */
#define LX_USER_MIN  0x10000ull
#define LX_USER_END  0x00007ffffffff000ull /* exclusive */
#define LX_MMAP_TOP  0x00007f0000000000ull /* mmap without a hint searches downwards from here */
#define LX_STACK_TOP 0x00007ffffffde000ull
#define LX_STACK_MAX (8ull << 20)
#define LX_PIE_BASE  0x0000555555554000ull

struct lx_vma {
    struct lx_vma *next;   /* sorted by start, not overlapping */
    uint64_t start, end;   /* page aligned, end exclusive */
    unsigned flags;        /* LX_VMA_* */
    struct lx_inode *file; /* NULL: anonymous (a reference is held) */
    uint64_t file_offset;  /* of start, page aligned */
    uint64_t file_size;    /* bytes of the file that back the area from file_offset
                              (ELF segments: p_filesz; the rest reads as zero) */
};

/* One page of the address space, in the software page map. */
struct lx_pte {
    lx_frame_t frame;       /* 0: not present */
    uint16_t mapped_rights; /* KUMIKI_RIGHT_* the kernel mapping has, 0 if not mapped */
    uint16_t cow;           /* shared copy-on-write: a write must copy (or take over) */
    kumiki_cptr_t slot;     /* the capability of the mapping */
};

struct lx_mm {
    unsigned refs;
    kumiki_cptr_t chunk; /* the untyped chunk of this address space */
    unsigned chunk_index;
    kumiki_cptr_t vspace; /* PML4 */
    kumiki_cptr_t cnode;  /* a tiny CNode its threads get as CSpace (they never use it) */
    struct lx_vma *vmas;
    void *pagemap;          /* radix tree of struct lx_pte, 4 levels like the hardware */
    kumiki_cptr_t *objects; /* slots of the objects retyped from the chunk (tables, TCBs) */
    unsigned object_count, object_cap;
    uint64_t brk_start, brk;
    uint64_t pages_present;
    /* Where the image's argument and environment strings are (execve
     * sets them from lx_stack_strings, fork copies them): what
     * /proc/<pid>/cmdline and environ read.  0: not known. */
    uint64_t arg_start, arg_end, env_start, env_end;
};

/* Address space lifetime.  mm_create returns NULL when out of chunks or
 * memory. */
struct lx_mm *mm_create(void);
void mm_get(struct lx_mm *mm);
void mm_put(struct lx_mm *mm); /* last reference: every mapping, table and TCB of the chunk is gone */
/* A copy-on-write copy of every area and page (fork). NULL when out of memory. */
struct lx_mm *mm_fork(struct lx_mm *parent);

/* Areas.  Return 0 or -errno. */
int mm_map(struct lx_mm *mm, uint64_t start, uint64_t len, unsigned flags, struct lx_inode *file,
           uint64_t file_offset, uint64_t file_size);
int mm_unmap(struct lx_mm *mm, uint64_t start, uint64_t len);
int mm_protect(struct lx_mm *mm, uint64_t start, uint64_t len, unsigned prot);
/* A free range of len bytes: at hint if it is free (or always with fixed),
 * else searching down from LX_MMAP_TOP.  0 when none. */
uint64_t mm_find_free(struct lx_mm *mm, uint64_t hint, uint64_t len);
struct lx_vma *mm_find_vma(struct lx_mm *mm, uint64_t addr);

/* A page fault at addr (error_code bits as the CPU gives them: 1 present,
 * 2 write, 16 fetch).  0 when the page is now mapped so that the access
 * can be retried, -LX_EFAULT (no area or wrong rights: SIGSEGV),
 * -LX_ENOMEM (out of frames: SIGBUS/kill). */
int mm_fault(struct lx_mm *mm, uint64_t addr, uint64_t error_code);

/* The personality's access to a program's memory, with the program's
 * rights: an address outside an area, or writing a read-only area, is
 * -LX_EFAULT.  Pages are brought in as a fault would. */
int mm_copy_in(struct lx_mm *mm, void *dst, uint64_t uaddr, size_t len);
int mm_copy_out(struct lx_mm *mm, uint64_t uaddr, const void *src, size_t len);
int mm_zero_out(struct lx_mm *mm, uint64_t uaddr, size_t len);
/* A NUL-terminated string of at most max-1 bytes: its length, -LX_EFAULT,
 * or -LX_ENAMETOOLONG. */
long mm_string_in(struct lx_mm *mm, char *dst, uint64_t uaddr, size_t max);
/* Direct access to the page holding uaddr: *ptr points at uaddr inside the
 * personality's view of the page, *avail bytes are left in that page. */
int mm_user_page(struct lx_mm *mm, uint64_t uaddr, bool write, void **ptr, size_t *avail);

/* Statistics for the tests and /proc. */
uint64_t mm_pages_present(const struct lx_mm *mm);

/* Boot: `untyped` gives count chunks of 2^chunk_bits bytes. */
int mm_init(kumiki_cptr_t untyped, unsigned chunk_bits, unsigned count);
/* Retype one object of type/size_bits from the chunk of mm into a new
 * personality slot (TCBs of the mm's threads).  0 on failure. */
kumiki_cptr_t mm_new_object(struct lx_mm *mm, uint64_t type, uint64_t size_bits);
/* Deletes an object made by mm_new_object (an exited thread's TCB). */
void mm_delete_object(struct lx_mm *mm, kumiki_cptr_t slot);
/* Moves the areas and pages of [from, from + len) to [to, to + len) (which
 * must be free); mremap's move.  0 or -errno. */
int mm_move(struct lx_mm *mm, uint64_t from, uint64_t to, uint64_t len);
