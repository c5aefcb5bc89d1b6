/* personalities/linux/vfs.h — the virtual file system: inodes, file
 * systems, mounts, path lookup and the name-space operations.
 *
 * Objects and ownership:
 *   lx_superblock  one mounted file system instance; owns its inodes.
 *   lx_inode       a file, directory, symbolic link or device node.  refs
 *                  counts in-memory holders (open files, cwds, mappings,
 *                  lookups in progress); the name space holds a file by its
 *                  link count, not by a reference.  When refs drops to 0 the
 *                  file system's release op decides what to do (memfs frees
 *                  an inode with no links left, ext2 would write it back).
 *   lx_mount       a file system's root attached on a directory of its
 *                  parent mount.  The root mount has no parent.
 *   lx_path        a position in the name space: (mount, inode).  Both are
 *                  needed so that `..` can leave a mounted file system.
 *   lx_fsinfo      a process's cwd, root and umask (shared with CLONE_FS).
 *   lx_fs_type     a kind of file system mount(2) can make (tmpfs, proc,
 *                  devtmpfs; ext2 registers itself): mount.c.
 *
 * There is no dentry cache: a file system answers lookups by name and
 * knows each directory's parent (its `..`).  Inode identity is pointer
 * identity: a file system hands out one lx_inode per file while any
 * reference to it exists.
 *
 * The personality is single-threaded (one server thread answers every
 * Linux thread), so nothing here locks. */
#pragma once

#include "file_abi.h"
#include "frames.h"
#include "linux_abi.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lx_inode;
struct lx_superblock;
struct lx_mount;
struct lx_proc;
struct lx_uio;
struct lx_file;
struct lx_lookup_ctx;
struct lx_link_jump;

/* Who asks: the file-system user and group (Linux's fsuid/fsgid = the
 * effective ids; access(2) uses the real ones).  uid 0 overrides
 * permissions as CAP_DAC_OVERRIDE does. */
struct lx_cred {
    uint32_t uid, gid;
};

/* A directory entry handed to readdir's callback.  Returns false when the
 * caller's buffer is full: the entry was not taken and readdir stops with
 * *pos pointing at it. */
typedef bool (*lx_filldir_fn)(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype,
                              uint64_t next_pos);

/* What a file system implements.  Names are len bytes (1..LX_NAME_MAX),
 * never "." or "..", never containing '/', not NUL-terminated.  The VFS has
 * checked types and permissions; the file system checks what only it can
 * know (existence, emptiness, space).  Ops a file system lacks are NULL and
 * the VFS answers with the Linux error for "not supported here". */
struct lx_inode_ops {
    /* Directories. */
    int (*lookup)(struct lx_inode *dir, const char *name, size_t len, struct lx_inode **out); /* ref'd */
    int (*parent)(struct lx_inode *dir, struct lx_inode **out); /* `..`, ref'd; a root answers itself */
    /* Creates a new inode of `mode` (type and permissions) named name in dir:
     * rdev for devices, target (NUL-terminated) for symbolic links. */
    int (*create)(struct lx_inode *dir, const char *name, size_t len, uint32_t mode,
                  const struct lx_cred *owner, uint64_t rdev, const char *target, struct lx_inode **out);
    int (*link)(struct lx_inode *dir, const char *name, size_t len, struct lx_inode *target);
    /* Removes the entry naming victim (a directory only when empty, else
     * -LX_ENOTEMPTY). */
    int (*unlink)(struct lx_inode *dir, const char *name, size_t len, struct lx_inode *victim);
    /* Moves old_dir/old_name (inode moved) to new_dir/new_name, replacing
     * `replaced` (NULL if new_name does not exist; an empty directory if moved
     * is one).  With exchange, swaps the two entries instead. */
    int (*rename)(struct lx_inode *old_dir, const char *old_name, size_t old_len, struct lx_inode *moved,
                  struct lx_inode *new_dir, const char *new_name, size_t new_len, struct lx_inode *replaced,
                  bool exchange);
    /* Entries from *pos on ("." and ".." included), advancing *pos. */
    int (*readdir)(struct lx_inode *dir, uint64_t *pos, lx_filldir_fn fill, void *ctx);
    /* Symbolic links: the target's length; copies at most size bytes. */
    int (*readlink)(struct lx_inode *link, char *buf, size_t size);
    /* Optional, used instead of readlink: links whose target depends on
     * who asks (c->proc: /proc/self) or that lead straight to a file
     * (Linux's "magic" links /proc/<pid>/fd/N, cwd, root).  Returns the
     * text readlink shows, as readlink does.  With jump not NULL, a magic
     * link also sets jump->path (ref'd) to the file it leads to, and
     * jump->file (ref'd, or NULL) to the open file it names; the walk goes
     * on from jump->path instead of splicing the text. */
    int (*get_link)(struct lx_inode *link, const struct lx_lookup_ctx *c, char *buf, size_t size,
                    struct lx_link_jump *jump);
    /* Regular files.  read stops at the end of the file. */
    int64_t (*read)(struct lx_inode *ino, uint64_t off, struct lx_uio *u);
    int64_t (*write)(struct lx_inode *ino, uint64_t off, struct lx_uio *u);
    int (*truncate)(struct lx_inode *ino, uint64_t size);
    /* The page-cache frame of bytes [pgoff*4096, +4096), refcount +1. */
    int (*get_page)(struct lx_inode *ino, uint64_t pgoff, lx_frame_t *out);
    /* Attributes in the lx_inode changed (mode, owner, times): persist them. */
    void (*dirty)(struct lx_inode *ino);
    int (*fsync)(struct lx_inode *ino);
    /* Optional: replaces the file operations of a file just opened (procfs). */
    int (*open)(struct lx_inode *ino, struct lx_file *file);
    /* refs reached 0. */
    void (*release)(struct lx_inode *ino);
};

struct lx_super_ops {
    void (*statfs)(struct lx_superblock *sb, struct lx_statfs *out);
    int (*sync)(struct lx_superblock *sb);
    /* Optional: some inode is referenced from outside the file system
     * other than the root by its mount (an open file, a cwd, a mapping, a
     * running program): umount then answers EBUSY.  Without it, a mount
     * whose paths are all released counts as idle, so a file system that
     * can be unmounted while its inodes are mapped must provide it. */
    bool (*busy)(struct lx_superblock *sb);
    /* Unmounted and no inode is referenced any more: free everything. */
    void (*kill)(struct lx_superblock *sb);
};

struct lx_superblock {
    const struct lx_super_ops *ops;
    uint64_t dev;  /* st_dev of its inodes */
    int64_t magic; /* statfs f_type */
    uint32_t block_size;
    void *fs; /* the file system's own state */
};

struct lx_inode {
    unsigned refs;
    uint32_t mode, uid, gid, nlink;
    uint64_t ino;
    uint64_t size;
    uint64_t rdev;   /* devices: lx_makedev(major, minor) */
    uint64_t blocks; /* 512-byte units allocated */
    struct lx_timespec atime, mtime, ctime;
    struct lx_superblock *sb;
    const struct lx_inode_ops *ops;
    struct lx_mount *mounted; /* the mount covering this directory, or NULL */
};

struct lx_mount {
    unsigned refs;               /* paths inside it, child mounts, the table */
    struct lx_mount *parent;     /* NULL: the root mount */
    struct lx_inode *mountpoint; /* in parent (ref held) */
    struct lx_inode *root;       /* ref held */
    struct lx_superblock *sb;
    unsigned flags;        /* LX_MNT_* */
    const char *type;      /* /proc/mounts: "tmpfs", "proc"... (static) */
    char *source;          /* /proc/mounts: mount(2)'s source (heap) */
    bool detached;         /* umount2(MNT_DETACH): out of the table, freed with its last reference */
    struct lx_mount *next; /* the mount table */
};
/* The values of MS_* (mount(2)) and ST_* (statfs f_flags) alike. */
enum { LX_MNT_RDONLY = 1, LX_MNT_NOSUID = 2, LX_MNT_NODEV = 4, LX_MNT_NOEXEC = 8 };

struct lx_path {
    struct lx_mount *mnt;
    struct lx_inode *inode;
};

/* Where a magic link leads (get_link). */
struct lx_link_jump {
    struct lx_path path;
    struct lx_file *file;
};

struct lx_fsinfo {
    unsigned refs;
    struct lx_path root, cwd; /* references held */
    uint32_t umask;
};

/* ---- Inodes ---------------------------------------------------------- */
void inode_get(struct lx_inode *ino);
void inode_put(struct lx_inode *ino); /* NULL allowed */
uint64_t inode_size(const struct lx_inode *ino);
static inline bool inode_is_dir(const struct lx_inode *ino)
{
    return (ino->mode & LX_S_IFMT) == LX_S_IFDIR;
}
static inline bool inode_is_reg(const struct lx_inode *ino)
{
    return (ino->mode & LX_S_IFMT) == LX_S_IFREG;
}
static inline bool inode_is_link(const struct lx_inode *ino)
{
    return (ino->mode & LX_S_IFMT) == LX_S_IFLNK;
}
/* mask: LX_R_OK | LX_W_OK | LX_X_OK.  0 or -LX_EACCES. */
int inode_permission(const struct lx_cred *c, const struct lx_inode *ino, int mask);
/* ctime (and mtime if `modified`) = now; calls dirty. */
void inode_touch(struct lx_inode *ino, bool modified);
void inode_stat(const struct lx_inode *ino, struct lx_stat *st);
/* Bytes or -errno (into personality memory). */
int64_t vfs_read_inode(struct lx_inode *ino, uint64_t off, void *buf, size_t len);
int vfs_get_page(struct lx_inode *ino, uint64_t pgoff, lx_frame_t *out);
/* The d_type of an inode mode. */
unsigned vfs_dtype(uint32_t mode);

/* ---- Mounts and paths ------------------------------------------------ */
void path_get(const struct lx_path *p);
void path_put(struct lx_path *p); /* clears *p */
static inline bool path_equal(const struct lx_path *a, const struct lx_path *b)
{
    return a->mnt == b->mnt && a->inode == b->inode;
}
/* Mounts sb with root inode `root` (reference taken over) on the directory
 * at `at` (the first mount, with at NULL, becomes the root mount).
 * vfs_mount_named also says what /proc/mounts shows: the type (a static
 * string) and the source (copied); vfs_mount shows "none" for both. */
int vfs_mount(const struct lx_path *at, struct lx_superblock *sb, struct lx_inode *root, unsigned flags);
int vfs_mount_named(const struct lx_path *at, struct lx_superblock *sb, struct lx_inode *root, unsigned flags,
                    const char *type, const char *source);
/* The root mount's root ("/"), ref'd; false before any mount. */
bool vfs_root(struct lx_path *out);
/* Drops every mount (tests, and a boot that failed half-way). */
void vfs_unmount_all(void);
/* Iterates the mount table, newest first. */
struct lx_mount *mount_first(void);
struct lx_mount *mount_next(const struct lx_mount *m);
/* A fresh st_dev for a file system without a device (Linux's anonymous
 * block devices, major 0). */
uint64_t vfs_anon_dev(void);

/* ---- File-system types and mount(2) (mount.c) ---------------------------
 * A type makes a new instance of its file system for mount(2).  args->data
 * holds mount(2)'s option string ("" when none) and args->source its
 * source ("" when none); the type answers -LX_EINVAL for options it does
 * not know, and may set args->readonly (a device that cannot be written). */
struct lx_mount_args {
    const char *source;
    const char *data;
    const struct lx_lookup_ctx *c; /* the caller's, to find a source device */
    bool readonly;
};
struct lx_fs_type {
    const char *name;
    bool nodev; /* needs no device ("nodev" in /proc/filesystems) */
    int (*mount)(struct lx_mount_args *args, struct lx_inode **root);
};
/* The built-in types (tmpfs, devtmpfs, proc) are always there; others
 * (ext2) register at boot.  0, -LX_EBUSY (the name is taken) or
 * -LX_ENOSPC (the table is full). */
int vfs_register_fs(const struct lx_fs_type *type);
const struct lx_fs_type *vfs_find_fs(const char *name);
/* The registered types in order: index 0, 1, ... until NULL. */
const struct lx_fs_type *vfs_fs_type_at(unsigned index);
/* mount(2) with permissions checked for c (uid 0 only): flags LX_MS_*
 * (file_abi.h). */
int vfs_mount_call(const struct lx_lookup_ctx *c, const char *source, const char *target, const char *type,
                   unsigned long flags, const char *data);
/* umount2(2): flags LX_MNT_FORCE, LX_MNT_DETACH, LX_UMOUNT_NOFOLLOW. */
int vfs_umount_call(const struct lx_lookup_ctx *c, const char *target, unsigned flags);
/* Boot: mounts a new instance of `type` on the directory `path` (made,
 * mode 0755, if the root file system has room for it), as root. */
int vfs_mount_boot(const char *type, const char *path);

/* ---- Path lookup ------------------------------------------------------
 * Relative paths start at `start`; absolute ones and `..` stop at `root`.
 * Both are borrowed: the caller keeps them alive for the call. */
struct lx_lookup_ctx {
    struct lx_cred cred;
    struct lx_path root, start;
    /* Who asks (/proc/self is its pid); NULL: the personality itself,
     * for which /proc/self names nothing. */
    struct lx_proc *proc;
};
enum {
    LX_LOOKUP_FOLLOW = 1,    /* follow a symbolic link in the last component */
    LX_LOOKUP_DIRECTORY = 2, /* the result must be a directory */
    LX_LOOKUP_EMPTY = 4,     /* "" names start itself (AT_EMPTY_PATH) */
};
/* The path's inode (ref'd in *out) or -errno: ENOENT, ENOTDIR, ELOOP,
 * ENAMETOOLONG, EACCES (search permission). */
int vfs_lookup(const struct lx_lookup_ctx *c, const char *path, unsigned flags, struct lx_path *out);

/* ---- Name-space operations (permissions checked for c->cred) ---------- */
int vfs_mknod(const struct lx_lookup_ctx *c, const char *path, uint32_t mode, uint64_t rdev);
int vfs_mkdir(const struct lx_lookup_ctx *c, const char *path, uint32_t mode);
int vfs_symlink(const struct lx_lookup_ctx *c, const char *target, const char *path);
/* old_flags: LX_LOOKUP_FOLLOW (AT_SYMLINK_FOLLOW), LX_LOOKUP_EMPTY. */
int vfs_link(const struct lx_lookup_ctx *oc, const char *oldpath, unsigned old_flags,
             const struct lx_lookup_ctx *nc, const char *newpath);
int vfs_unlink(const struct lx_lookup_ctx *c, const char *path);
int vfs_rmdir(const struct lx_lookup_ctx *c, const char *path);
/* flags: LX_RENAME_NOREPLACE, LX_RENAME_EXCHANGE. */
int vfs_rename(const struct lx_lookup_ctx *oc, const char *oldpath, const struct lx_lookup_ctx *nc,
               const char *newpath, unsigned flags);
/* The link's target (not NUL-terminated, at most size bytes) and the
 * bytes copied.  "" names c->start (readlinkat on an O_PATH descriptor). */
int vfs_readlink(const struct lx_lookup_ctx *c, const char *path, char *buf, size_t size);

/* Attribute changes with Linux's ownership rules.  uid/gid -1: unchanged.
 * times: NULL = now; else [atime, mtime] with UTIME_NOW/UTIME_OMIT. */
int vfs_chmod(const struct lx_cred *c, const struct lx_path *p, uint32_t mode);
int vfs_chown(const struct lx_cred *c, const struct lx_path *p, uint32_t uid, uint32_t gid);
int vfs_utimes(const struct lx_cred *c, const struct lx_path *p, const struct lx_timespec *times);
/* truncate(2): a regular file on a writable mount, with write permission
 * for c (NULL: already checked, as by ftruncate and O_TRUNC). */
int vfs_truncate(const struct lx_cred *c, const struct lx_path *p, uint64_t size);
/* The mount is writable (else -LX_EROFS). */
int path_writable(const struct lx_path *p);
/* statfs(2) of the file system holding p. */
void vfs_statfs(const struct lx_path *p, struct lx_statfs *out);
/* sync(2): every mounted file system writes back what it holds. */
void vfs_sync_all(void);

/* ---- Opening ---------------------------------------------------------- */
/* open(2): flags O_*, mode for O_CREAT before the umask (applied here). */
int vfs_open(const struct lx_lookup_ctx *c, const char *path, unsigned flags, uint32_t mode, uint32_t umask,
             struct lx_file **out);
/* A file for an inode already found (O_PATH/fd reopen and the tests). */
int vfs_open_path(const struct lx_cred *c, const struct lx_path *p, unsigned flags, struct lx_file **out);
/* The ref'd regular file execve loads from, symbolic links followed:
 * EACCES when not a regular file or not executable, ENOENT, ENOTDIR... */
int vfs_open_exec(struct lx_proc *p, const char *path, struct lx_inode **out);
/* The same, also giving the absolute name of the file found (its
 * directory's path and its name there, symbolic links resolved), which
 * execve keeps as /proc/<pid>/exe.  name may be NULL. */
int vfs_open_exec_named(struct lx_proc *p, const char *path, struct lx_inode **out, char *name, size_t size);
/* Boot: opens path with root's rights from "/"; NULL on failure. */
struct lx_file *vfs_open_kernel(const char *path, unsigned flags);

/* ---- The root file system -------------------------------------------- */
/* Builds the root file system (memfs) from a ustar archive and mounts it
 * at "/", with a tmpfs on /tmp (which receives the archive's tmp/
 * entries), devtmpfs on /dev and proc on /proc (their directories made
 * when the archive lacks them; archive entries under dev/ and proc/ are
 * hidden by the mounts, as on Linux).  0, or -errno after printing why. */
int vfs_init_from_tar(const void *archive, size_t size);

/* ---- Per-process file-system state ----------------------------------- */
struct lx_fsinfo *fsinfo_new_root(void); /* cwd = root = "/", umask 022; NULL if no memory */
struct lx_fsinfo *fsinfo_clone(struct lx_fsinfo *fs);
void fsinfo_get(struct lx_fsinfo *fs);
void fsinfo_put(struct lx_fsinfo *fs);
/* Replaces fs->cwd by p (a reference is taken). */
void fsinfo_set_cwd(struct lx_fsinfo *fs, const struct lx_path *p);
void fsinfo_set_root(struct lx_fsinfo *fs, const struct lx_path *p); /* chroot: the cwd stays */
/* getcwd(2): the absolute path of fs->cwd into buf; its length with the
 * NUL, or -LX_ERANGE, -LX_ENOENT (cwd removed). */
int vfs_getcwd(const struct lx_fsinfo *fs, char *buf, size_t size);
/* The absolute name of the directory dir seen from root (Linux's d_path;
 * a name is found by climbing `..` and searching each parent), NUL-
 * terminated: its length with the NUL, or -LX_ENAMETOOLONG, -LX_ERANGE,
 * -LX_ENOENT (removed).  A directory outside root is named from the top
 * of its mount tree. */
int vfs_dir_name(const struct lx_path *root, const struct lx_path *dir, char *buf, size_t size);
/* The same, saying whether dir is outside root (chroot): the name is then
 * the one from the top of its mount tree. */
int vfs_dir_name_reach(const struct lx_path *root, const struct lx_path *dir, char *buf, size_t size,
                       bool *unreachable);
