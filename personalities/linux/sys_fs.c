/* personalities/linux/sys_fs.c — the system calls on paths: open, stat,
 * the name-space changes, permissions, owners and times.  Each copies its
 * path(s) in, finds where they start (sys_at_begin), and hands them to the
 * VFS (vfs.h), which checks the rest in Linux's order. */
#include "sys_file.h"

#include "heap.h"
#include "mm.h"
#include <kumiki/user.h>

/* ---- A path call's frame: copy in, resolve dirfd, run, release ---------- */

struct path_call {
    char *path;
    struct sys_at at;
    bool at_begun;
};

static int call_begin(struct lx_thread *t, int dirfd, uint64_t upath, unsigned at_flags, struct path_call *pc)
{
    pc->at_begun = false;
    pc->path = NULL;
    int err = sys_path_in(t, upath, &pc->path);
    if (err < 0)
        return err;
    pc->at_begun = true;
    return sys_at_begin(t, dirfd, pc->path, at_flags, &pc->at);
}

static void call_end(struct path_call *pc)
{
    if (pc->at_begun)
        sys_at_end(&pc->at);
    lx_free(pc->path);
}

/* ---- open ------------------------------------------------------------------ */

static int64_t do_open(struct lx_thread *t, int dirfd, uint64_t upath, unsigned flags, uint32_t mode)
{
    struct path_call pc;
    int64_t ret = call_begin(t, dirfd, upath, 0, &pc);
    struct lx_files *files = t->proc->files;
    if (ret == 0 && !fd_available(files))
        ret = -LX_EMFILE;
    struct lx_file *f = NULL;
    if (ret == 0)
        ret = vfs_open(&pc.at.c, pc.path, flags, mode, t->proc->fs->umask, &f);
    if (ret == 0) {
        ret = fd_alloc(files, 0, f, flags & LX_O_CLOEXEC);
        file_put(f);
    }
    call_end(&pc);
    return ret;
}

int64_t sys_open(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return do_open(t, LX_AT_FDCWD, r->rdi, arg_uint(r->rsi), arg_uint(r->rdx));
}

int64_t sys_openat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return do_open(t, arg_int(r->rdi), r->rsi, arg_uint(r->rdx), arg_uint(r->r10));
}

int64_t sys_creat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return do_open(t, LX_AT_FDCWD, r->rdi, LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC, arg_uint(r->rsi));
}

/* ---- stat ------------------------------------------------------------------- */

/* The inode a stat-like call names; AT_EMPTY_PATH with a NULL path is
 * allowed as on Linux 6.11. */
static int stat_lookup(struct lx_thread *t, int dirfd, uint64_t upath, unsigned at_flags,
                       struct path_call *pc, struct lx_path *out)
{
    bool empty = at_flags & LX_AT_EMPTY_PATH;
    int err;
    if (upath == 0 && empty) {
        pc->path = lx_malloc(1);
        if (!pc->path)
            return -LX_ENOMEM;
        pc->path[0] = '\0';
        pc->at_begun = true;
        err = sys_at_begin(t, dirfd, pc->path, SYS_AT_EMPTY_OK, &pc->at);
    } else {
        err = call_begin(t, dirfd, upath, empty ? SYS_AT_EMPTY_OK : 0, pc);
    }
    if (err < 0)
        return err;
    unsigned lookup =
        (at_flags & LX_AT_SYMLINK_NOFOLLOW ? 0 : LX_LOOKUP_FOLLOW) | (empty ? LX_LOOKUP_EMPTY : 0);
    return vfs_lookup(&pc->at.c, pc->path, lookup, out);
}

static int64_t stat_at(struct lx_thread *t, int dirfd, uint64_t upath, uint64_t ubuf, unsigned at_flags)
{
    if (at_flags &
        ~(unsigned)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_NO_AUTOMOUNT | LX_AT_EMPTY_PATH | LX_AT_STATX_SYNC_TYPE))
        return -LX_EINVAL;
    struct path_call pc = { 0 };
    struct lx_path p;
    int64_t ret = stat_lookup(t, dirfd, upath, at_flags, &pc, &p);
    if (ret == 0) {
        struct lx_stat st;
        inode_stat(p.inode, &st);
        path_put(&p);
        if (mm_copy_out(t->proc->mm, ubuf, &st, sizeof(st)))
            ret = -LX_EFAULT;
    }
    call_end(&pc);
    return ret;
}

int64_t sys_stat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return stat_at(t, LX_AT_FDCWD, r->rdi, r->rsi, 0);
}

int64_t sys_lstat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return stat_at(t, LX_AT_FDCWD, r->rdi, r->rsi, LX_AT_SYMLINK_NOFOLLOW);
}

int64_t sys_newfstatat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return stat_at(t, arg_int(r->rdi), r->rsi, r->rdx, arg_uint(r->r10));
}

static void fill_statx(const struct lx_path *p, struct lx_statx *sx)
{
    const struct lx_inode *ino = p->inode;
    memset(sx, 0, sizeof(*sx));
    sx->stx_mask = LX_STATX_BASIC_STATS;
    sx->stx_blksize = ino->sb->block_size;
    sx->stx_attributes_mask = 0x2000; /* STATX_ATTR_MOUNT_ROOT */
    if (p->mnt && ino == p->mnt->root)
        sx->stx_attributes = 0x2000;
    sx->stx_nlink = ino->nlink;
    sx->stx_uid = ino->uid;
    sx->stx_gid = ino->gid;
    sx->stx_mode = (uint16_t)ino->mode;
    sx->stx_ino = ino->ino;
    sx->stx_size = ino->size;
    sx->stx_blocks = ino->blocks;
    const struct lx_timespec *src[3] = { &ino->atime, &ino->ctime, &ino->mtime };
    struct lx_statx_timestamp *dst[3] = { &sx->stx_atime, &sx->stx_ctime, &sx->stx_mtime };
    for (int i = 0; i < 3; i++)
        *dst[i] = (struct lx_statx_timestamp){ src[i]->tv_sec, (uint32_t)src[i]->tv_nsec, 0 };
    sx->stx_rdev_major = lx_dev_major(ino->rdev);
    sx->stx_rdev_minor = lx_dev_minor(ino->rdev);
    sx->stx_dev_major = lx_dev_major(ino->sb->dev);
    sx->stx_dev_minor = lx_dev_minor(ino->sb->dev);
}

int64_t sys_statx(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    unsigned flags = arg_uint(r->rdx), mask = arg_uint(r->r10);
    if (mask & (unsigned)LX_STATX__RESERVED)
        return -LX_EINVAL;
    if ((flags & LX_AT_STATX_SYNC_TYPE) == LX_AT_STATX_SYNC_TYPE)
        return -LX_EINVAL;
    if (flags &
        ~(unsigned)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_NO_AUTOMOUNT | LX_AT_EMPTY_PATH | LX_AT_STATX_SYNC_TYPE))
        return -LX_EINVAL;
    struct path_call pc = { 0 };
    struct lx_path p;
    int64_t ret = stat_lookup(t, arg_int(r->rdi), r->rsi, flags, &pc, &p);
    if (ret == 0) {
        struct lx_statx sx;
        fill_statx(&p, &sx);
        path_put(&p);
        if (mm_copy_out(t->proc->mm, r->r8, &sx, sizeof(sx)))
            ret = -LX_EFAULT;
    }
    call_end(&pc);
    return ret;
}

int64_t sys_statfs(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct path_call pc;
    struct lx_path p;
    int64_t ret = call_begin(t, LX_AT_FDCWD, r->rdi, 0, &pc);
    if (ret == 0)
        ret = vfs_lookup(&pc.at.c, pc.path, LX_LOOKUP_FOLLOW, &p);
    if (ret == 0) {
        struct lx_statfs st;
        vfs_statfs(&p, &st);
        path_put(&p);
        if (mm_copy_out(t->proc->mm, r->rsi, &st, sizeof(st)))
            ret = -LX_EFAULT;
    }
    call_end(&pc);
    return ret;
}

/* ---- cwd -------------------------------------------------------------------- */

int64_t sys_getcwd(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    uint64_t size = r->rsi;
    char *buf = lx_malloc(LX_PATH_MAX);
    if (!buf)
        return -LX_ENOMEM;
    int64_t ret = vfs_getcwd(t->proc->fs, buf, size < LX_PATH_MAX ? (size_t)size : LX_PATH_MAX);
    if (ret > 0 && mm_copy_out(t->proc->mm, r->rdi, buf, (size_t)ret))
        ret = -LX_EFAULT;
    lx_free(buf);
    return ret;
}

/* The directory named at upath, searchable by the caller (chdir, chroot):
 * 0 with *out ref'd, or -errno. */
static int64_t searchable_dir(struct lx_thread *t, uint64_t upath, struct lx_path *out)
{
    struct path_call pc;
    int64_t ret = call_begin(t, LX_AT_FDCWD, upath, 0, &pc);
    if (ret == 0)
        ret = vfs_lookup(&pc.at.c, pc.path, LX_LOOKUP_FOLLOW | LX_LOOKUP_DIRECTORY, out);
    if (ret == 0 && (ret = inode_permission(&pc.at.c.cred, out->inode, LX_X_OK)))
        path_put(out);
    call_end(&pc);
    return ret;
}

int64_t sys_chdir(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_path p;
    int64_t ret = searchable_dir(t, r->rdi, &p);
    if (ret == 0) {
        fsinfo_set_cwd(t->proc->fs, &p);
        path_put(&p);
    }
    return ret;
}

/* chroot(path): the directory must be searchable (EACCES) before root is
 * asked for (EPERM: CAP_SYS_CHROOT), in Linux's order; the working
 * directory stays where it is, outside the new root if it was. */
int64_t sys_chroot(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_path p;
    int64_t ret = searchable_dir(t, r->rdi, &p);
    if (ret == 0) {
        if (t->proc->euid != 0)
            ret = -LX_EPERM;
        else
            fsinfo_set_root(t->proc->fs, &p);
        path_put(&p);
    }
    return ret;
}

/* ---- readlink ----------------------------------------------------------------- */

static int64_t readlink_at(struct lx_thread *t, int dirfd, uint64_t upath, uint64_t ubuf, int size)
{
    if (size <= 0)
        return -LX_EINVAL;
    struct path_call pc = { .at_begun = false };
    int64_t ret = sys_path_in(t, upath, &pc.path);
    char *buf = ret == 0 ? lx_malloc(LX_PATH_MAX) : NULL;
    if (ret == 0 && !buf)
        ret = -LX_ENOMEM;
    size_t want = (size_t)size < LX_PATH_MAX ? (size_t)size : LX_PATH_MAX;
    if (ret == 0) {
        pc.at_begun = true;
        ret = sys_at_begin(t, dirfd, pc.path, SYS_AT_EMPTY_OK, &pc.at);
        if (ret == 0)
            ret = vfs_readlink(&pc.at.c, pc.path, buf, want);
    }
    if (ret > 0 && mm_copy_out(t->proc->mm, ubuf, buf, (size_t)ret))
        ret = -LX_EFAULT;
    lx_free(buf);
    call_end(&pc);
    return ret;
}

int64_t sys_readlink(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return readlink_at(t, LX_AT_FDCWD, r->rdi, r->rsi, arg_int(r->rdx));
}

int64_t sys_readlinkat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return readlink_at(t, arg_int(r->rdi), r->rsi, r->rdx, arg_int(r->r10));
}

/* ---- access ------------------------------------------------------------------ */

static int64_t access_at(struct lx_thread *t, int dirfd, uint64_t upath, unsigned mode, unsigned flags)
{
    if (mode & ~7u)
        return -LX_EINVAL;
    if (flags & ~(unsigned)(LX_AT_EACCESS | LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
        return -LX_EINVAL;
    struct path_call pc;
    unsigned at_flags =
        (flags & LX_AT_EMPTY_PATH ? SYS_AT_EMPTY_OK : 0) | (flags & LX_AT_EACCESS ? 0 : SYS_AT_REAL_IDS);
    int64_t ret = call_begin(t, dirfd, upath, at_flags, &pc);
    struct lx_path p;
    if (ret == 0)
        ret = vfs_lookup(&pc.at.c, pc.path,
                         (flags & LX_AT_SYMLINK_NOFOLLOW ? 0 : LX_LOOKUP_FOLLOW) |
                             (flags & LX_AT_EMPTY_PATH ? LX_LOOKUP_EMPTY : 0),
                         &p);
    if (ret == 0) {
        struct lx_inode *ino = p.inode;
        ret = inode_permission(&pc.at.c.cred, ino, (int)mode);
        /* SuS: a read-only file system is reported too. */
        if (ret == 0 && (mode & LX_W_OK) && (inode_is_reg(ino) || inode_is_dir(ino) || inode_is_link(ino)))
            ret = path_writable(&p);
        path_put(&p);
    }
    call_end(&pc);
    return ret;
}

int64_t sys_access(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return access_at(t, LX_AT_FDCWD, r->rdi, arg_uint(r->rsi), 0);
}

int64_t sys_faccessat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return access_at(t, arg_int(r->rdi), r->rsi, arg_uint(r->rdx), 0);
}

int64_t sys_faccessat2(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return access_at(t, arg_int(r->rdi), r->rsi, arg_uint(r->rdx), arg_uint(r->r10));
}

int64_t sys_umask(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_fsinfo *fs = t->proc->fs;
    uint32_t old = fs->umask;
    fs->umask = arg_uint(r->rdi) & 0777;
    return old;
}

/* ---- creating and removing names ---------------------------------------------- */

static int64_t mkdir_at(struct lx_thread *t, int dirfd, uint64_t upath, uint32_t mode)
{
    struct path_call pc;
    int64_t ret = call_begin(t, dirfd, upath, 0, &pc);
    if (ret == 0)
        ret = vfs_mkdir(&pc.at.c, pc.path, mode & ~t->proc->fs->umask);
    call_end(&pc);
    return ret;
}

int64_t sys_mkdir(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return mkdir_at(t, LX_AT_FDCWD, r->rdi, arg_uint(r->rsi));
}

int64_t sys_mkdirat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return mkdir_at(t, arg_int(r->rdi), r->rsi, arg_uint(r->rdx));
}

static int64_t mknod_at(struct lx_thread *t, int dirfd, uint64_t upath, uint32_t mode, uint32_t dev)
{
    struct path_call pc;
    int64_t ret = call_begin(t, dirfd, upath, 0, &pc);
    /* The 32-bit dev_t of the system call (new_decode_dev). */
    uint32_t major = (dev & 0xfff00) >> 8, minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
    uint32_t perm = mode & 07777 & ~t->proc->fs->umask;
    if (ret == 0)
        ret = vfs_mknod(&pc.at.c, pc.path, (mode & LX_S_IFMT) | perm, lx_makedev(major, minor));
    call_end(&pc);
    return ret;
}

int64_t sys_mknod(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return mknod_at(t, LX_AT_FDCWD, r->rdi, arg_uint(r->rsi), arg_uint(r->rdx));
}

int64_t sys_mknodat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return mknod_at(t, arg_int(r->rdi), r->rsi, arg_uint(r->rdx), arg_uint(r->r10));
}

static int64_t remove_at(struct lx_thread *t, int dirfd, uint64_t upath, bool dir)
{
    struct path_call pc;
    int64_t ret = call_begin(t, dirfd, upath, 0, &pc);
    if (ret == 0)
        ret = dir ? vfs_rmdir(&pc.at.c, pc.path) : vfs_unlink(&pc.at.c, pc.path);
    call_end(&pc);
    return ret;
}

int64_t sys_rmdir(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return remove_at(t, LX_AT_FDCWD, r->rdi, true);
}

int64_t sys_unlink(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return remove_at(t, LX_AT_FDCWD, r->rdi, false);
}

int64_t sys_unlinkat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    unsigned flags = arg_uint(r->rdx);
    if (flags & ~(unsigned)LX_AT_REMOVEDIR)
        return -LX_EINVAL;
    return remove_at(t, arg_int(r->rdi), r->rsi, flags & LX_AT_REMOVEDIR);
}

/* Two-path calls: both copied in and placed before anything is done. */
static int64_t two_paths(struct lx_thread *t, int olddir, uint64_t uold, unsigned old_at, int newdir,
                         uint64_t unew, struct path_call *o, struct path_call *n)
{
    *n = (struct path_call){ 0 };
    int64_t ret = call_begin(t, olddir, uold, old_at, o);
    if (ret == 0)
        ret = call_begin(t, newdir, unew, 0, n);
    return ret;
}

static int64_t rename_at(struct lx_thread *t, int olddir, uint64_t uold, int newdir, uint64_t unew,
                         unsigned flags)
{
    struct path_call o, n;
    int64_t ret = two_paths(t, olddir, uold, 0, newdir, unew, &o, &n);
    if (ret == 0)
        ret = vfs_rename(&o.at.c, o.path, &n.at.c, n.path, flags);
    call_end(&n);
    call_end(&o);
    return ret;
}

int64_t sys_rename(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return rename_at(t, LX_AT_FDCWD, r->rdi, LX_AT_FDCWD, r->rsi, 0);
}

int64_t sys_renameat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return rename_at(t, arg_int(r->rdi), r->rsi, arg_int(r->rdx), r->r10, 0);
}

int64_t sys_renameat2(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return rename_at(t, arg_int(r->rdi), r->rsi, arg_int(r->rdx), r->r10, arg_uint(r->r8));
}

static int64_t link_at(struct lx_thread *t, int olddir, uint64_t uold, int newdir, uint64_t unew,
                       unsigned flags)
{
    if (flags & ~(unsigned)(LX_AT_SYMLINK_FOLLOW | LX_AT_EMPTY_PATH))
        return -LX_EINVAL;
    /* AT_EMPTY_PATH links an open file: CAP_DAC_READ_SEARCH only. */
    if ((flags & LX_AT_EMPTY_PATH) && t->proc->euid != 0)
        flags &= ~(unsigned)LX_AT_EMPTY_PATH;
    struct path_call o, n;
    int64_t ret =
        two_paths(t, olddir, uold, flags & LX_AT_EMPTY_PATH ? SYS_AT_EMPTY_OK : 0, newdir, unew, &o, &n);
    unsigned lookup = (flags & LX_AT_SYMLINK_FOLLOW ? LX_LOOKUP_FOLLOW : 0) |
                      (flags & LX_AT_EMPTY_PATH ? LX_LOOKUP_EMPTY : 0);
    if (ret == 0)
        ret = vfs_link(&o.at.c, o.path, lookup, &n.at.c, n.path);
    call_end(&n);
    call_end(&o);
    return ret;
}

int64_t sys_link(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return link_at(t, LX_AT_FDCWD, r->rdi, LX_AT_FDCWD, r->rsi, 0);
}

int64_t sys_linkat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return link_at(t, arg_int(r->rdi), r->rsi, arg_int(r->rdx), r->r10, arg_uint(r->r8));
}

static int64_t symlink_at(struct lx_thread *t, uint64_t utarget, int newdir, uint64_t upath)
{
    char *target;
    int64_t ret = sys_path_in(t, utarget, &target);
    if (ret < 0)
        return ret;
    struct path_call pc;
    ret = target[0] ? call_begin(t, newdir, upath, 0, &pc) : -LX_ENOENT;
    if (ret == 0)
        ret = vfs_symlink(&pc.at.c, target, pc.path);
    if (target[0])
        call_end(&pc);
    lx_free(target);
    return ret;
}

int64_t sys_symlink(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return symlink_at(t, r->rdi, LX_AT_FDCWD, r->rsi);
}

int64_t sys_symlinkat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return symlink_at(t, r->rdi, arg_int(r->rsi), r->rdx);
}

/* ---- attributes ----------------------------------------------------------------- */

enum attr_op { ATTR_CHMOD, ATTR_CHOWN, ATTR_TRUNCATE };

/* chmod/chown/truncate on a path. */
static int64_t attr_at(struct lx_thread *t, int dirfd, uint64_t upath, unsigned at_flags, enum attr_op op,
                       uint64_t a, uint64_t b)
{
    struct path_call pc;
    int64_t ret = call_begin(t, dirfd, upath, at_flags & LX_AT_EMPTY_PATH ? SYS_AT_EMPTY_OK : 0, &pc);
    struct lx_path p;
    if (ret == 0)
        ret = vfs_lookup(&pc.at.c, pc.path,
                         (at_flags & LX_AT_SYMLINK_NOFOLLOW ? 0 : LX_LOOKUP_FOLLOW) |
                             (at_flags & LX_AT_EMPTY_PATH ? LX_LOOKUP_EMPTY : 0),
                         &p);
    if (ret == 0) {
        const struct lx_cred *c = &pc.at.c.cred;
        if (op == ATTR_CHMOD)
            ret = vfs_chmod(c, &p, (uint32_t)a);
        else if (op == ATTR_CHOWN)
            ret = vfs_chown(c, &p, (uint32_t)a, (uint32_t)b);
        else
            ret = vfs_truncate(c, &p, a);
        path_put(&p);
    }
    call_end(&pc);
    return ret;
}

int64_t sys_chmod(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return attr_at(t, LX_AT_FDCWD, r->rdi, 0, ATTR_CHMOD, arg_uint(r->rsi), 0);
}

int64_t sys_fchmodat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return attr_at(t, arg_int(r->rdi), r->rsi, 0, ATTR_CHMOD, arg_uint(r->rdx), 0);
}

int64_t sys_chown(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return attr_at(t, LX_AT_FDCWD, r->rdi, 0, ATTR_CHOWN, arg_uint(r->rsi), arg_uint(r->rdx));
}

int64_t sys_lchown(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    return attr_at(t, LX_AT_FDCWD, r->rdi, LX_AT_SYMLINK_NOFOLLOW, ATTR_CHOWN, arg_uint(r->rsi),
                   arg_uint(r->rdx));
}

int64_t sys_fchownat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    unsigned flags = arg_uint(r->r8);
    if (flags & ~(unsigned)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
        return -LX_EINVAL;
    return attr_at(t, arg_int(r->rdi), r->rsi, flags, ATTR_CHOWN, arg_uint(r->rdx), arg_uint(r->r10));
}

int64_t sys_truncate(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    if ((int64_t)r->rsi < 0)
        return -LX_EINVAL;
    return attr_at(t, LX_AT_FDCWD, r->rdi, 0, ATTR_TRUNCATE, r->rsi, 0);
}

int64_t sys_sync(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    vfs_sync_all();
    return 0;
}

/* utimensat and the older utimes/utime: times as [atime, mtime]. */
static int64_t utimes_at(struct lx_thread *t, int dirfd, uint64_t upath, const struct lx_timespec *times,
                         unsigned flags)
{
    if (flags & ~(unsigned)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
        return -LX_EINVAL;
    int64_t ret;
    struct lx_path p;
    struct path_call pc = { 0 };
    if (upath == 0 && dirfd != LX_AT_FDCWD) {
        /* futimens: the descriptor itself (not an O_PATH one). */
        if (flags & LX_AT_SYMLINK_NOFOLLOW)
            return -LX_EINVAL;
        struct lx_file *f = sys_file_get(t, dirfd);
        if (!f)
            return -LX_EBADF;
        struct lx_cred c = sys_cred(t->proc);
        ret = vfs_utimes(&c, &f->path, times);
        file_put(f);
        return ret;
    }
    ret = call_begin(t, dirfd, upath, flags & LX_AT_EMPTY_PATH ? SYS_AT_EMPTY_OK : 0, &pc);
    if (ret == 0)
        ret = vfs_lookup(&pc.at.c, pc.path,
                         (flags & LX_AT_SYMLINK_NOFOLLOW ? 0 : LX_LOOKUP_FOLLOW) |
                             (flags & LX_AT_EMPTY_PATH ? LX_LOOKUP_EMPTY : 0),
                         &p);
    if (ret == 0) {
        ret = vfs_utimes(&pc.at.c.cred, &p, times);
        path_put(&p);
    }
    call_end(&pc);
    return ret;
}

int64_t sys_utimensat(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_timespec times[2];
    if (r->rdx) {
        if (mm_copy_in(t->proc->mm, times, r->rdx, sizeof(times)))
            return -LX_EFAULT;
        /* Nothing to do: the path is not even looked at. */
        if (times[0].tv_nsec == LX_UTIME_OMIT && times[1].tv_nsec == LX_UTIME_OMIT)
            return 0;
    }
    return utimes_at(t, arg_int(r->rdi), r->rsi, r->rdx ? times : NULL, arg_uint(r->r10));
}

int64_t sys_utimes(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct lx_timeval tv[2];
    struct lx_timespec times[2];
    if (r->rsi) {
        if (mm_copy_in(t->proc->mm, tv, r->rsi, sizeof(tv)))
            return -LX_EFAULT;
        for (int i = 0; i < 2; i++) {
            if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
                return -LX_EINVAL;
            times[i] = (struct lx_timespec){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
        }
    }
    return utimes_at(t, LX_AT_FDCWD, r->rdi, r->rsi ? times : NULL, 0);
}

int64_t sys_utime(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int64_t buf[2]; /* struct utimbuf: actime, modtime */
    struct lx_timespec times[2];
    if (r->rsi) {
        if (mm_copy_in(t->proc->mm, buf, r->rsi, sizeof(buf)))
            return -LX_EFAULT;
        times[0] = (struct lx_timespec){ buf[0], 0 };
        times[1] = (struct lx_timespec){ buf[1], 0 };
    }
    return utimes_at(t, LX_AT_FDCWD, r->rdi, r->rsi ? times : NULL, 0);
}

/* ---- mount, umount2 ------------------------------------------------------------ */

/* An optional string argument (NULL stays NULL). */
static int optional_string_in(struct lx_thread *t, uint64_t uaddr, char **out)
{
    *out = NULL;
    return uaddr ? sys_path_in(t, uaddr, out) : 0;
}

int64_t sys_mount(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    char *source = NULL, *target = NULL, *type = NULL, *data = NULL;
    /* Linux copies the type, the source and the options (a page, here a
     * string: no file system here takes binary options) before it looks
     * at the target. */
    int64_t ret = optional_string_in(t, r->rdx, &type);
    if (ret == 0)
        ret = optional_string_in(t, r->rdi, &source);
    if (ret == 0)
        ret = optional_string_in(t, r->r8, &data);
    if (ret == 0)
        ret = sys_path_in(t, r->rsi, &target);
    struct sys_at at = { .dir = NULL };
    if (ret == 0)
        ret = sys_at_begin(t, LX_AT_FDCWD, target, 0, &at);
    if (ret == 0)
        ret = vfs_mount_call(&at.c, source, target, type, r->r10, data);
    sys_at_end(&at);
    lx_free(source);
    lx_free(target);
    lx_free(type);
    lx_free(data);
    return ret;
}

int64_t sys_umount2(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    struct path_call pc;
    int64_t ret = call_begin(t, LX_AT_FDCWD, r->rdi, 0, &pc);
    if (ret == 0)
        ret = vfs_umount_call(&pc.at.c, pc.path, arg_uint(r->rsi));
    call_end(&pc);
    return ret;
}
