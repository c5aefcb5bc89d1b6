/* personalities/linux/mm.c — see mm.h. */
#include "mm.h"
#include "heap.h"
#include "kobj.h"
#include "linux_abi.h"
#include "slots.h"
#include "vfs.h"
#include <kumiki/invocations_generated.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

/* ---- chunks: one untyped per address space -------------------------------- */

enum { MM_MAX_CHUNKS = 128 };
static kumiki_cptr_t chunk_slots[MM_MAX_CHUNKS];
static bool chunk_used[MM_MAX_CHUNKS];
static unsigned chunk_count;
static unsigned chunk_bits_global;

int mm_init(kumiki_cptr_t untyped, unsigned chunk_bits, unsigned count)
{
    if (count > MM_MAX_CHUNKS)
        count = MM_MAX_CHUNKS;
    chunk_bits_global = chunk_bits;
    for (unsigned i = 0; i < count; i++) {
        kumiki_cptr_t slot = lx_slot_alloc();
        if (!slot || kumiki_untyped_retype(untyped, KUMIKI_OBJ_UNTYPED, chunk_bits, KUMIKI_PROGRAM_CAP_CNODE,
                                           0, 0, slot, 1)) {
            lx_slot_free(slot);
            break;
        }
        chunk_slots[chunk_count++] = slot;
    }
    return chunk_count ? 0 : -LX_ENOMEM;
}

static void record_object(struct lx_mm *mm, kumiki_cptr_t slot)
{
    if (mm->object_count == mm->object_cap) {
        unsigned cap = mm->object_cap ? mm->object_cap * 2 : 16;
        kumiki_cptr_t *n = lx_calloc(cap, sizeof(*n));
        if (!n)
            return; /* the slot stays in use until the personality ends: a leak, not a fault */
        if (mm->objects)
            memcpy(n, mm->objects, mm->object_count * sizeof(*n));
        lx_free(mm->objects);
        mm->objects = n;
        mm->object_cap = cap;
    }
    mm->objects[mm->object_count++] = slot;
}

kumiki_cptr_t mm_new_object(struct lx_mm *mm, uint64_t type, uint64_t size_bits)
{
    kumiki_cptr_t slot = lx_slot_alloc();
    if (!slot)
        return 0;
    if (kumiki_untyped_retype(mm->chunk, type, size_bits, KUMIKI_PROGRAM_CAP_CNODE, 0, 0, slot, 1)) {
        lx_slot_free(slot);
        return 0;
    }
    record_object(mm, slot);
    return slot;
}

void mm_delete_object(struct lx_mm *mm, kumiki_cptr_t slot)
{
    for (unsigned i = 0; i < mm->object_count; i++) {
        if (mm->objects[i] == slot) {
            mm->objects[i] = mm->objects[--mm->object_count];
            kobj_delete(slot);
            return;
        }
    }
}

static kumiki_cptr_t table_retype(void *ctx, uint64_t type)
{
    return mm_new_object(ctx, type, 0);
}

/* ---- the software page map ------------------------------------------------ */

/* Levels 3..1 are arrays of 512 pointers; level 0 is an array of 512 ptes
 * (8 KiB).  Indexes are the hardware's: bits 39, 30, 21, 12 of the address. */
static unsigned index_at(uint64_t addr, unsigned level)
{
    return (unsigned)(addr >> (12 + 9 * level)) & 511;
}

static struct lx_pte *pte_lookup(struct lx_mm *mm, uint64_t addr, bool create)
{
    void **node = (void **)&mm->pagemap;
    for (int level = 3; level >= 0; level--) {
        if (!*node) {
            if (!create)
                return NULL;
            *node = level == 0 ? lx_calloc(512, sizeof(struct lx_pte)) : lx_calloc(512, sizeof(void *));
            if (!*node)
                return NULL;
        }
        if (level == 0)
            return &((struct lx_pte *)*node)[index_at(addr, 0)];
        node = &((void **)*node)[index_at(addr, (unsigned)level)];
    }
    return NULL;
}

typedef void (*pte_fn)(struct lx_mm *mm, uint64_t addr, struct lx_pte *pte, void *ctx);

/* Calls fn for every present pte in [start, end). */
static void walk_level(struct lx_mm *mm, void *node, int level, uint64_t base, uint64_t start, uint64_t end,
                       pte_fn fn, void *ctx)
{
    uint64_t span = 1ull << (12 + 9 * level);
    for (unsigned i = 0; i < 512; i++) {
        uint64_t lo = base + i * span, hi = lo + span;
        if (hi <= start || lo >= end)
            continue;
        if (level == 0) {
            struct lx_pte *pte = &((struct lx_pte *)node)[i];
            if (pte->frame)
                fn(mm, lo, pte, ctx);
        } else {
            void *child = ((void **)node)[i];
            if (child)
                walk_level(mm, child, level - 1, lo, start, end, fn, ctx);
        }
    }
}

static void pagemap_walk(struct lx_mm *mm, uint64_t start, uint64_t end, pte_fn fn, void *ctx)
{
    if (mm->pagemap)
        walk_level(mm, mm->pagemap, 3, 0, start, end, fn, ctx);
}

static void free_level(void *node, int level)
{
    if (level > 0)
        for (unsigned i = 0; i < 512; i++)
            if (((void **)node)[i])
                free_level(((void **)node)[i], level - 1);
    lx_free(node);
}

/* ---- kernel mappings ------------------------------------------------------ */

static unsigned vma_rights(const struct lx_vma *v)
{
    unsigned r = 0;
    if (v->flags & (LX_VMA_READ | LX_VMA_WRITE | LX_VMA_EXEC))
        r |= KUMIKI_RIGHT_READ; /* x86 cannot map write-only or execute-only */
    if (v->flags & LX_VMA_WRITE)
        r |= KUMIKI_RIGHT_WRITE;
    if (v->flags & LX_VMA_EXEC)
        r |= KUMIKI_RIGHT_EXECUTE;
    return r;
}

static void unmap_kernel(struct lx_pte *pte)
{
    if (pte->slot) {
        kobj_delete(pte->slot); /* deleting the capability removes its mapping */
        pte->slot = 0;
    }
    pte->mapped_rights = 0;
}

/* Makes the kernel mapping of pte at addr have exactly `rights` (0: none). */
static int set_mapping(struct lx_mm *mm, uint64_t addr, struct lx_pte *pte, unsigned rights)
{
    if (rights == pte->mapped_rights && (rights == 0 || pte->slot))
        return 0;
    if (!(rights & KUMIKI_RIGHT_READ)) {
        unmap_kernel(pte);
        return 0;
    }
    if (pte->slot) { /* the same frame at the same address: the kernel changes the rights in place */
        if (kumiki_frame_map(pte->slot, mm->vspace, addr, rights, 0) == KE_OK) {
            pte->mapped_rights = (uint16_t)rights;
            return 0;
        }
        unmap_kernel(pte);
    }
    kumiki_cptr_t slot = lx_slot_alloc();
    if (!slot)
        return -LX_ENOMEM;
    if (kumiki_cnode_copy(KUMIKI_PROGRAM_CAP_CNODE, slot, 64, KUMIKI_PROGRAM_CAP_CNODE, frame_cap(pte->frame),
                          64, KUMIKI_RIGHTS_ALL)) {
        lx_slot_free(slot);
        return -LX_ENOMEM;
    }
    struct kobj_tables tables = { .retype = table_retype, .ctx = mm };
    uint64_t e = kobj_map_in(mm->vspace, slot, addr, rights, &tables);
    for (unsigned i = 0; i < 3; i++)
        if (tables.spare[i])
            mm_delete_object(mm, tables.spare[i]);
    if (e) {
        kobj_delete(slot);
        return -LX_ENOMEM;
    }
    pte->slot = slot;
    pte->mapped_rights = (uint16_t)rights;
    return 0;
}

static void drop_page(struct lx_mm *mm, uint64_t addr, struct lx_pte *pte, void *ctx)
{
    (void)addr;
    (void)ctx;
    unmap_kernel(pte);
    frame_unref(pte->frame);
    pte->frame = 0;
    pte->cow = 0;
    mm->pages_present--;
}

/* ---- areas ----------------------------------------------------------------- */

struct lx_vma *mm_find_vma(struct lx_mm *mm, uint64_t addr)
{
    for (struct lx_vma *v = mm->vmas; v && v->start <= addr; v = v->next)
        if (addr < v->end)
            return v;
    return NULL;
}

static void vma_free(struct lx_vma *v)
{
    if (v->file)
        inode_put(v->file);
    lx_free(v);
}

/* Splits the area containing addr so that an area starts at addr. */
static int split_at(struct lx_mm *mm, uint64_t addr)
{
    struct lx_vma *v = mm_find_vma(mm, addr);
    if (!v || v->start == addr)
        return 0;
    struct lx_vma *tail = lx_malloc(sizeof(*tail));
    if (!tail)
        return -LX_ENOMEM;
    *tail = *v;
    tail->start = addr;
    uint64_t cut = addr - v->start;
    tail->file_offset = v->file_offset + cut;
    tail->file_size = v->file_size > cut ? v->file_size - cut : 0;
    if (tail->file)
        inode_get(tail->file);
    v->end = addr;
    v->file_size = v->file_size < cut ? v->file_size : cut;
    v->next = tail;
    return 0;
}

static bool range_ok(uint64_t start, uint64_t len)
{
    return len && !(start & (LX_PAGE - 1)) && start >= LX_USER_MIN && start < LX_USER_END &&
           len <= LX_USER_END - start;
}

int mm_unmap(struct lx_mm *mm, uint64_t start, uint64_t len)
{
    len = (len + LX_PAGE - 1) & ~(uint64_t)(LX_PAGE - 1);
    if (!range_ok(start, len))
        return -LX_EINVAL;
    uint64_t end = start + len;
    int e;
    if ((e = split_at(mm, start)) || (e = split_at(mm, end)))
        return e;
    pagemap_walk(mm, start, end, drop_page, NULL);
    struct lx_vma **link = &mm->vmas;
    while (*link) {
        struct lx_vma *v = *link;
        if (v->start >= start && v->end <= end) {
            *link = v->next;
            vma_free(v);
        } else {
            link = &v->next;
        }
    }
    return 0;
}

int mm_map(struct lx_mm *mm, uint64_t start, uint64_t len, unsigned flags, struct lx_inode *file,
           uint64_t file_offset, uint64_t file_size)
{
    len = (len + LX_PAGE - 1) & ~(uint64_t)(LX_PAGE - 1);
    if (!range_ok(start, len) || (file_offset & (LX_PAGE - 1)))
        return -LX_EINVAL;
    struct lx_vma *v = lx_malloc(sizeof(*v));
    if (!v)
        return -LX_ENOMEM;
    int e = mm_unmap(mm, start, len);
    if (e) {
        lx_free(v);
        return e;
    }
    *v = (struct lx_vma){ .start = start,
                          .end = start + len,
                          .flags = flags,
                          .file = file,
                          .file_offset = file_offset,
                          .file_size = file_size };
    if (file)
        inode_get(file);
    struct lx_vma **link = &mm->vmas;
    while (*link && (*link)->start < start)
        link = &(*link)->next;
    v->next = *link;
    *link = v;
    return 0;
}

struct protect_ctx {
    int error;
};

static void reprotect_page(struct lx_mm *mm, uint64_t addr, struct lx_pte *pte, void *ctx)
{
    struct protect_ctx *p = ctx;
    if (!pte->mapped_rights && !pte->slot)
        return; /* not mapped now: the next fault maps it with the new rights */
    struct lx_vma *v = mm_find_vma(mm, addr);
    unsigned rights = v ? vma_rights(v) : 0;
    if (pte->cow)
        rights &= ~(unsigned)KUMIKI_RIGHT_WRITE;
    int e = set_mapping(mm, addr, pte, rights);
    if (e)
        p->error = e;
}

int mm_protect(struct lx_mm *mm, uint64_t start, uint64_t len, unsigned prot)
{
    len = (len + LX_PAGE - 1) & ~(uint64_t)(LX_PAGE - 1);
    if (!range_ok(start, len))
        return -LX_EINVAL;
    uint64_t end = start + len;
    /* Linux: every page of the range must be mapped, else ENOMEM. */
    for (uint64_t a = start; a < end;) {
        struct lx_vma *v = mm_find_vma(mm, a);
        if (!v)
            return -LX_ENOMEM;
        a = v->end;
    }
    int e;
    if ((e = split_at(mm, start)) || (e = split_at(mm, end)))
        return e;
    for (struct lx_vma *v = mm->vmas; v; v = v->next)
        if (v->start >= start && v->end <= end)
            v->flags = (v->flags & ~(unsigned)(LX_VMA_READ | LX_VMA_WRITE | LX_VMA_EXEC)) |
                       (prot & (LX_VMA_READ | LX_VMA_WRITE | LX_VMA_EXEC));
    struct protect_ctx ctx = { 0 };
    pagemap_walk(mm, start, end, reprotect_page, &ctx);
    return ctx.error;
}

uint64_t mm_find_free(struct lx_mm *mm, uint64_t hint, uint64_t len)
{
    len = (len + LX_PAGE - 1) & ~(uint64_t)(LX_PAGE - 1);
    if (!len || len > LX_MMAP_TOP - LX_USER_MIN)
        return 0;
    if (hint && range_ok(hint & ~(uint64_t)(LX_PAGE - 1), len)) {
        hint &= ~(uint64_t)(LX_PAGE - 1);
        bool free = true;
        for (struct lx_vma *v = mm->vmas; v && free; v = v->next)
            if (v->start < hint + len && hint < v->end)
                free = false;
        if (free)
            return hint;
    }
    uint64_t candidate = LX_MMAP_TOP - len;
    for (;;) {
        bool moved = false;
        for (struct lx_vma *v = mm->vmas; v; v = v->next) {
            if (v->start < candidate + len && candidate < v->end) {
                if (v->start < LX_USER_MIN + len)
                    return 0;
                candidate = v->start - len;
                moved = true;
            }
        }
        if (!moved)
            return candidate >= LX_USER_MIN ? candidate : 0;
    }
}

/* ---- faults --------------------------------------------------------------- */

/* The frame for a page not yet present: anonymous zero, the file's page
 * cache page (shared with the file: *cow tells whether a write must copy),
 * or a private copy of a page that is partly file, partly zero. */
static int page_in(struct lx_vma *v, uint64_t page, lx_frame_t *out, bool *shares_cache)
{
    *shares_cache = false;
    uint64_t delta = page - v->start;
    if (!v->file || delta >= v->file_size) {
        *out = frame_alloc();
        return *out ? 0 : -LX_ENOMEM;
    }
    uint64_t pgoff = (v->file_offset + delta) / LX_PAGE;
    if (pgoff * LX_PAGE >= inode_size(v->file) && (v->flags & LX_VMA_MMAPPED_FILE))
        return -LX_ENXIO; /* a page wholly past the end of a mapped file: SIGBUS */
    lx_frame_t cache;
    int e = vfs_get_page(v->file, pgoff, &cache);
    if (e)
        return e;
    uint64_t valid = v->file_size - delta; /* bytes of this page backed by the file */
    if (valid >= LX_PAGE || (v->flags & LX_VMA_SHARED)) {
        *out = cache; /* vfs_get_page gave us a reference */
        *shares_cache = true;
        return 0;
    }
    lx_frame_t f = frame_alloc();
    if (!f) {
        frame_unref(cache);
        return -LX_ENOMEM;
    }
    memcpy(frame_ptr(f), frame_ptr(cache), valid);
    frame_unref(cache);
    *out = f;
    return 0;
}

/* Makes the page at addr present and, unless only_present, mapped for the
 * access; breaks copy-on-write for writes. */
static int make_present(struct lx_mm *mm, uint64_t addr, bool write, bool fetch, bool map,
                        struct lx_pte **out)
{
    struct lx_vma *v = mm_find_vma(mm, addr);
    if (!v)
        return -LX_EFAULT;
    if ((write && !(v->flags & LX_VMA_WRITE)) || (fetch && !(v->flags & LX_VMA_EXEC)) ||
        !(v->flags & (LX_VMA_READ | LX_VMA_WRITE | LX_VMA_EXEC)))
        return -LX_EFAULT;
    uint64_t page = addr & ~(uint64_t)(LX_PAGE - 1);
    struct lx_pte *pte = pte_lookup(mm, page, true);
    if (!pte)
        return -LX_ENOMEM;
    if (!pte->frame) {
        bool shares_cache;
        int e = page_in(v, page, &pte->frame, &shares_cache);
        if (e)
            return e;
        /* A private mapping of a page-cache page must copy on write. */
        pte->cow = shares_cache && !(v->flags & LX_VMA_SHARED);
        mm->pages_present++;
    }
    if (write && pte->cow) {
        if (frame_refcount(pte->frame) > 1) {
            lx_frame_t copy = frame_alloc();
            if (!copy)
                return -LX_ENOMEM;
            memcpy(frame_ptr(copy), frame_ptr(pte->frame), LX_PAGE);
            unmap_kernel(pte); /* the old frame's mapping goes; the new one is made below */
            frame_unref(pte->frame);
            pte->frame = copy;
        }
        pte->cow = 0; /* the last owner takes the page over */
    }
    if (map) {
        unsigned rights = vma_rights(v);
        if (pte->cow)
            rights &= ~(unsigned)KUMIKI_RIGHT_WRITE;
        int e = set_mapping(mm, page, pte, rights);
        if (e)
            return e;
    }
    *out = pte;
    return 0;
}

int mm_fault(struct lx_mm *mm, uint64_t addr, uint64_t error_code)
{
    struct lx_pte *pte;
    return make_present(mm, addr, error_code & 2, error_code & 16, true, &pte);
}

/* ---- the personality's access to user memory ---------------------------- */

int mm_user_page(struct lx_mm *mm, uint64_t uaddr, bool write, void **ptr, size_t *avail)
{
    if (uaddr < LX_USER_MIN || uaddr >= LX_USER_END)
        return -LX_EFAULT;
    struct lx_pte *pte;
    /* Not mapped for the program here: the access is the personality's; the
     * program's own access will fault and map it.  A write must still break
     * copy-on-write, and a cow page already mapped writable cannot exist. */
    int e = make_present(mm, uaddr, write, false, false, &pte);
    if (e)
        return e == -LX_ENXIO ? -LX_EFAULT : e;
    if (write && pte->slot && !(pte->mapped_rights & KUMIKI_RIGHT_WRITE)) {
        /* A page that was mapped read-only for copy-on-write and now is the
         * program's own: let the mapping follow the area's rights. */
        struct lx_vma *v = mm_find_vma(mm, uaddr);
        if (v && (e = set_mapping(mm, uaddr & ~(uint64_t)(LX_PAGE - 1), pte, vma_rights(v))))
            return e;
    }
    size_t off = uaddr & (LX_PAGE - 1);
    *ptr = (uint8_t *)frame_ptr(pte->frame) + off;
    *avail = LX_PAGE - off;
    return 0;
}

/* The one page-by-page walk behind copy in, copy out and zeroing. */
enum user_access { USER_READ, USER_WRITE, USER_ZERO };

static int user_bytes(struct lx_mm *mm, uint64_t uaddr, size_t len, enum user_access how, uint8_t *buf)
{
    while (len) {
        void *p;
        size_t n;
        int e = mm_user_page(mm, uaddr, how != USER_READ, &p, &n);
        if (e)
            return e;
        if (n > len)
            n = len;
        if (how == USER_READ)
            memcpy(buf, p, n);
        else if (how == USER_WRITE)
            memcpy(p, buf, n);
        else
            memset(p, 0, n);
        if (buf)
            buf += n;
        uaddr += n;
        len -= n;
    }
    return 0;
}

int mm_copy_in(struct lx_mm *mm, void *dst, uint64_t uaddr, size_t len)
{
    return user_bytes(mm, uaddr, len, USER_READ, dst);
}

int mm_copy_out(struct lx_mm *mm, uint64_t uaddr, const void *src, size_t len)
{
    return user_bytes(mm, uaddr, len, USER_WRITE, (uint8_t *)(uintptr_t)src); /* only read from */
}

int mm_zero_out(struct lx_mm *mm, uint64_t uaddr, size_t len)
{
    return user_bytes(mm, uaddr, len, USER_ZERO, NULL);
}

long mm_string_in(struct lx_mm *mm, char *dst, uint64_t uaddr, size_t max)
{
    size_t done = 0;
    while (done < max) {
        void *p;
        size_t n;
        int e = mm_user_page(mm, uaddr + done, false, &p, &n);
        if (e)
            return e;
        const char *s = p;
        for (size_t i = 0; i < n && done < max; i++, done++) {
            dst[done] = s[i];
            if (!s[i])
                return (long)done;
        }
    }
    if (max)
        dst[max - 1] = 0;
    return -LX_ENAMETOOLONG;
}

uint64_t mm_pages_present(const struct lx_mm *mm)
{
    return mm->pages_present;
}

/* ---- lifetime -------------------------------------------------------------- */

struct lx_mm *mm_create(void)
{
    unsigned i = 0;
    while (i < chunk_count && chunk_used[i])
        i++;
    if (i == chunk_count)
        return NULL;
    struct lx_mm *mm = lx_calloc(1, sizeof(*mm));
    if (!mm)
        return NULL;
    mm->refs = 1;
    mm->chunk = chunk_slots[i];
    mm->chunk_index = i;
    chunk_used[i] = true;
    mm->vspace = mm_new_object(mm, KUMIKI_OBJ_PML4, 0);
    mm->cnode = mm_new_object(mm, KUMIKI_OBJ_CNODE, 1);
    if (!mm->vspace || !mm->cnode) {
        mm_put(mm);
        return NULL;
    }
    return mm;
}

void mm_get(struct lx_mm *mm)
{
    mm->refs++;
}

void mm_put(struct lx_mm *mm)
{
    if (!mm || --mm->refs)
        return;
    pagemap_walk(mm, 0, LX_USER_END, drop_page, NULL);
    if (mm->pagemap)
        free_level(mm->pagemap, 3);
    while (mm->vmas) {
        struct lx_vma *v = mm->vmas;
        mm->vmas = v->next;
        vma_free(v);
    }
    /* One revoke destroys the PML4, the tables and the TCBs; the slots that
     * held them are empty now. */
    kumiki_cnode_revoke(KUMIKI_PROGRAM_CAP_CNODE, mm->chunk, 64);
    for (unsigned i = 0; i < mm->object_count; i++)
        lx_slot_free(mm->objects[i]);
    lx_free(mm->objects);
    chunk_used[mm->chunk_index] = false;
    lx_free(mm);
}

struct fork_ctx {
    struct lx_mm *child;
    int error;
};

static void fork_page(struct lx_mm *mm, uint64_t addr, struct lx_pte *pte, void *ctx)
{
    struct fork_ctx *f = ctx;
    if (f->error)
        return;
    struct lx_vma *v = mm_find_vma(mm, addr);
    struct lx_pte *cpte = pte_lookup(f->child, addr, true);
    if (!cpte || !v) {
        f->error = -LX_ENOMEM;
        return;
    }
    frame_ref(pte->frame);
    cpte->frame = pte->frame;
    f->child->pages_present++;
    if (v->flags & LX_VMA_SHARED)
        return; /* both see the same page; the child maps it at its first touch */
    cpte->cow = 1;
    if (!pte->cow) {
        pte->cow = 1;
        if (pte->mapped_rights & KUMIKI_RIGHT_WRITE) {
            int e = set_mapping(mm, addr, pte, pte->mapped_rights & ~(unsigned)KUMIKI_RIGHT_WRITE);
            if (e)
                f->error = e;
        }
    }
}

struct lx_mm *mm_fork(struct lx_mm *parent)
{
    struct lx_mm *child = mm_create();
    if (!child)
        return NULL;
    child->brk_start = parent->brk_start;
    child->brk = parent->brk;
    child->arg_start = parent->arg_start;
    child->arg_end = parent->arg_end;
    child->env_start = parent->env_start;
    child->env_end = parent->env_end;
    struct lx_vma **link = &child->vmas;
    for (struct lx_vma *v = parent->vmas; v; v = v->next) {
        struct lx_vma *c = lx_malloc(sizeof(*c));
        if (!c) {
            mm_put(child);
            return NULL;
        }
        *c = *v;
        c->next = NULL;
        if (c->file)
            inode_get(c->file);
        *link = c;
        link = &c->next;
    }
    struct fork_ctx ctx = { .child = child };
    pagemap_walk(parent, 0, LX_USER_END, fork_page, &ctx);
    if (ctx.error) {
        mm_put(child);
        return NULL;
    }
    return child;
}

struct move_ctx {
    struct lx_mm *mm;
    int64_t delta;
    int error;
};

static void move_page(struct lx_mm *mm, uint64_t addr, struct lx_pte *pte, void *ctx)
{
    struct move_ctx *m = ctx;
    struct lx_pte *dst = pte_lookup(mm, addr + (uint64_t)m->delta, true);
    if (!dst) {
        m->error = -LX_ENOMEM;
        return;
    }
    unmap_kernel(pte); /* the new address maps it at the next touch */
    dst->frame = pte->frame;
    dst->cow = pte->cow;
    pte->frame = 0;
    pte->cow = 0;
}

int mm_move(struct lx_mm *mm, uint64_t from, uint64_t to, uint64_t len)
{
    len = (len + LX_PAGE - 1) & ~(uint64_t)(LX_PAGE - 1);
    if (!range_ok(from, len) || !range_ok(to, len))
        return -LX_EINVAL;
    int e;
    if ((e = split_at(mm, from)) || (e = split_at(mm, from + len)))
        return e;
    struct move_ctx ctx = { .mm = mm, .delta = (int64_t)(to - from) };
    pagemap_walk(mm, from, from + len, move_page, &ctx);
    if (ctx.error)
        return ctx.error;
    /* Unlink the moved areas, shift them, and insert them at their place. */
    struct lx_vma *moved = NULL, **tail = &moved;
    struct lx_vma **link = &mm->vmas;
    while (*link) {
        struct lx_vma *v = *link;
        if (v->start >= from && v->end <= from + len) {
            *link = v->next;
            v->start += (uint64_t)ctx.delta;
            v->end += (uint64_t)ctx.delta;
            v->next = NULL;
            *tail = v;
            tail = &v->next;
        } else {
            link = &v->next;
        }
    }
    while (moved) {
        struct lx_vma *v = moved;
        moved = v->next;
        struct lx_vma **at = &mm->vmas;
        while (*at && (*at)->start < v->start)
            at = &(*at)->next;
        v->next = *at;
        *at = v;
    }
    return 0;
}
