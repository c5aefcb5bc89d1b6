/* personalities/linux/sys_mem.c — brk, mmap, munmap, mprotect, mremap and
 * the advice calls. */
#include "fd.h"
#include "syscall.h"
#include <kumiki/user.h>

enum { SHARED_ANON_MAX = 64u << 20 };

static uint64_t page_up(uint64_t v)
{
    return (v + LX_PAGE - 1) & ~(uint64_t)(LX_PAGE - 1);
}

static int64_t sys_brk(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_mm *mm = t->proc->mm;
    uint64_t want = r->rdi;
    if (want < mm->brk_start || want >= LX_MMAP_TOP)
        return (int64_t)mm->brk;
    uint64_t old_top = page_up(mm->brk), new_top = page_up(want);
    if (new_top > old_top) {
        for (struct lx_vma *v = mm->vmas; v; v = v->next)
            if (v->start < new_top && old_top < v->end)
                return (int64_t)mm->brk; /* would run into a mapping: Linux leaves brk as it was */
        if (mm_map(mm, old_top, new_top - old_top, LX_VMA_READ | LX_VMA_WRITE | LX_VMA_HEAP, NULL, 0, 0))
            return (int64_t)mm->brk;
    } else if (new_top < old_top) {
        mm_unmap(mm, new_top, old_top - new_top);
    }
    mm->brk = want;
    return (int64_t)want;
}

static int64_t sys_mmap(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_mm *mm = t->proc->mm;
    uint64_t addr = r->rdi, len = r->rsi, off = r->r9;
    unsigned prot = arg_uint(r->rdx), flags = arg_uint(r->r10);
    int fd = arg_int(r->r8);
    unsigned type = flags & 3;
    if (!len || (off & (LX_PAGE - 1)) || (type != LX_MAP_SHARED && type != LX_MAP_PRIVATE && type != 3))
        return -LX_EINVAL;
    if (prot & ~7u)
        return -LX_EINVAL;
    len = page_up(len);
    if (!len || len > LX_MMAP_TOP)
        return -LX_ENOMEM;
    bool shared = type != LX_MAP_PRIVATE;
    struct lx_file *file = NULL;
    struct lx_inode *ino = NULL;
    if (!(flags & LX_MAP_ANONYMOUS)) {
        if (!(file = fd_get(t->proc->files, fd)))
            return -LX_EBADF;
        ino = file_inode(file);
        int e = 0;
        if (!(file->fmode & LX_FMODE_READ) || (file->fmode & LX_FMODE_PATH))
            e = -LX_EACCES;
        else if (!inode_is_reg(ino))
            e = -LX_ENODEV;
        else if (shared && (prot & LX_PROT_WRITE) && !(file->fmode & LX_FMODE_WRITE))
            e = -LX_EACCES;
        if (e) {
            file_put(file);
            return e;
        }
    }
    uint64_t where;
    if (flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) {
        if (addr & (LX_PAGE - 1) || addr < LX_USER_MIN || addr >= LX_USER_END || len > LX_USER_END - addr) {
            file_put(file);
            return -LX_EINVAL;
        }
        if (flags & LX_MAP_FIXED_NOREPLACE && !(flags & LX_MAP_FIXED)) {
            for (struct lx_vma *v = mm->vmas; v; v = v->next)
                if (v->start < addr + len && addr < v->end) {
                    file_put(file);
                    return -LX_EEXIST;
                }
        }
        where = addr;
    } else if (!(where = mm_find_free(mm, addr, len))) {
        file_put(file);
        return -LX_ENOMEM;
    }
    unsigned vflags = (prot & 7) | (shared ? LX_VMA_SHARED : 0) | (ino ? LX_VMA_MMAPPED_FILE : 0);
    int e = mm_map(mm, where, len, vflags, ino, ino ? off : 0, ino ? len : 0);
    file_put(file);
    if (e)
        return e;
    if (shared && !ino) {
        /* Shared anonymous memory must be the same pages in every process
         * that inherits it, so they exist from the start. */
        if (len > SHARED_ANON_MAX) {
            mm_unmap(mm, where, len);
            return -LX_ENOMEM;
        }
        if (!(prot & 7))
            mm_protect(mm, where, len, LX_PROT_READ); /* to populate; PROT_NONE again below */
        for (uint64_t a = where; a < where + len; a += LX_PAGE) {
            void *p;
            size_t n;
            if (mm_user_page(mm, a, false, &p, &n)) {
                mm_unmap(mm, where, len);
                return -LX_ENOMEM;
            }
        }
        if (!(prot & 7))
            mm_protect(mm, where, len, 0);
    }
    return (int64_t)where;
}

static int64_t sys_munmap(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    if (r->rdi & (LX_PAGE - 1) || !r->rsi)
        return -LX_EINVAL;
    return mm_unmap(t->proc->mm, r->rdi, r->rsi);
}

static int64_t sys_mprotect(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    unsigned prot = arg_uint(r->rdx);
    if (r->rdi & (LX_PAGE - 1) || prot & ~(7u | 0x01000000u | 0x02000000u)) /* GROWSDOWN/GROWSUP */
        return -LX_EINVAL;
    if (!r->rsi)
        return 0;
    return mm_protect(t->proc->mm, r->rdi, r->rsi, prot & 7);
}

static int64_t sys_mremap(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_mm *mm = t->proc->mm;
    uint64_t old = r->rdi, old_len = page_up(r->rsi), new_len = page_up(r->rdx), new_addr = r->r8;
    unsigned flags = arg_uint(r->r10);
    if ((old & (LX_PAGE - 1)) || !new_len || (flags & ~3u) ||
        ((flags & LX_MREMAP_FIXED) && !(flags & LX_MREMAP_MAYMOVE)))
        return -LX_EINVAL;
    struct lx_vma *v = mm_find_vma(mm, old);
    if (!v || old_len == 0)
        return -LX_EFAULT;
    for (uint64_t a = old; a < old + old_len;) { /* the whole old range must be mapped */
        struct lx_vma *w = mm_find_vma(mm, a);
        if (!w)
            return -LX_EFAULT;
        a = w->end;
    }
    if (flags & LX_MREMAP_FIXED) {
        if (new_addr & (LX_PAGE - 1))
            return -LX_EINVAL;
        mm_unmap(mm, new_addr, new_len);
        int e = mm_move(mm, old, new_addr, old_len < new_len ? old_len : new_len);
        if (e)
            return e;
        if (old_len > new_len)
            mm_unmap(mm, old + new_len, old_len - new_len);
        else if (new_len > old_len) {
            struct lx_vma *nv = mm_find_vma(mm, new_addr);
            e = mm_map(mm, new_addr + old_len, new_len - old_len, nv ? nv->flags : LX_VMA_READ | LX_VMA_WRITE,
                       NULL, 0, 0);
            if (e)
                return e;
        }
        return (int64_t)new_addr;
    }
    if (new_len <= old_len) {
        if (new_len < old_len)
            mm_unmap(mm, old + new_len, old_len - new_len);
        return (int64_t)old;
    }
    /* Grow in place when the pages after it are free. */
    bool free_after = old + new_len <= LX_MMAP_TOP;
    for (struct lx_vma *w = mm->vmas; w && free_after; w = w->next)
        if (w->start < old + new_len && old + old_len < w->end)
            free_after = false;
    if (free_after && !v->file) {
        int e = mm_map(mm, old + old_len, new_len - old_len, v->flags, NULL, 0, 0);
        return e ? e : (int64_t)old;
    }
    if (!(flags & LX_MREMAP_MAYMOVE))
        return -LX_ENOMEM;
    uint64_t to = mm_find_free(mm, 0, new_len);
    if (!to)
        return -LX_ENOMEM;
    unsigned vflags = v->flags;
    int e = mm_move(mm, old, to, old_len);
    if (e)
        return e;
    e = mm_map(mm, to + old_len, new_len - old_len, vflags & ~(unsigned)LX_VMA_SHARED, NULL, 0, 0);
    return e ? e : (int64_t)to;
}

static int64_t sys_madvise(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    if (r->rdi & (LX_PAGE - 1))
        return -LX_EINVAL;
    int advice = arg_int(r->rdx);
    if (advice == 4 /* MADV_DONTNEED */ && r->rsi) {
        /* Private anonymous pages read back as zero: drop them. */
        struct lx_vma *v = mm_find_vma(t->proc->mm, r->rdi);
        if (v && !v->file && !(v->flags & LX_VMA_SHARED)) {
            unsigned flags = v->flags;
            uint64_t len = page_up(r->rsi);
            if (r->rdi + len <= v->end)
                return mm_map(t->proc->mm, r->rdi, len, flags, NULL, 0, 0);
        }
    }
    return 0; /* advice */
}

static int64_t sys_no_op_range(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    (void)t;
    return r->rdi & (LX_PAGE - 1) ? -LX_EINVAL : 0; /* msync, mlock: memory is always resident */
}

const struct lx_syscall_def lx_syscalls_mem[] = {
    LX_SYSCALL(12, brk, sys_brk),
    LX_SYSCALL(9, mmap, sys_mmap),
    LX_SYSCALL(11, munmap, sys_munmap),
    LX_SYSCALL(10, mprotect, sys_mprotect),
    LX_SYSCALL(25, mremap, sys_mremap),
    LX_SYSCALL(28, madvise, sys_madvise),
    LX_SYSCALL(26, msync, sys_no_op_range),
    LX_SYSCALL(149, mlock, sys_no_op_range),
    LX_SYSCALL(150, munlock, sys_no_op_range),
    { 0, NULL, NULL },
};
