/* personalities/linux/file.h — open file descriptions: what open(2),
 * pipe(2) and the boot streams create and file descriptors point to.
 *
 * A description is shared by every descriptor dup'd or inherited from the
 * same open (refs counts them), so they share the offset and the status
 * flags.  Its operations are those of its kind: regular files and
 * directories of a file system, pipe ends, devices, host streams.
 *
 * Operations that may wait follow proc.h's block-and-retry rule: they
 * register the thread (lx_wait_on) and return LX_BLOCK before changing
 * anything; a call with t == NULL (the personality itself) never waits. */
#pragma once

#include "linux_abi.h"
#include "vfs.h"
#include <stdbool.h>
#include <stdint.h>

struct lx_file;
struct lx_thread;
struct lx_uio;

struct lx_file_ops {
    /* pos: the offset to read at and advance (the description's own, or
     * pread's); NULL for a file that has none (pipes, streams). */
    int64_t (*read)(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos);
    int64_t (*write)(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos);
    /* NULL: the generic lseek of a seekable file. */
    int64_t (*lseek)(struct lx_file *f, int64_t off, int whence);
    /* Ready events (LX_POLL*).  With t, also registers t on every queue
     * whose wake-up could change the answer. NULL: always readable and
     * writable. */
    unsigned (*poll)(struct lx_file *f, struct lx_thread *t);
    /* NULL: -LX_ENOTTY. */
    int64_t (*ioctl)(struct lx_file *f, struct lx_thread *t, unsigned cmd, uint64_t arg);
    /* The last reference went away. */
    void (*release)(struct lx_file *f);
    /* Optional (devices): a description was just made by open(2), with
     * f->fmode saying how: 0, or -errno refusing the open (a mounted disk
     * refuses writers).  A refused description is released (release runs,
     * with f->priv as open left it). */
    int (*open)(struct lx_file *f);
    /* Optional (devices): fsync(2) and fdatasync(2); NULL: -LX_EINVAL. */
    int (*fsync)(struct lx_file *f);
};

/* What the description may do (fixed at open; the flags field holds what
 * fcntl can change). */
enum {
    LX_FMODE_READ = 1,
    LX_FMODE_WRITE = 2,
    LX_FMODE_SEEK = 4, /* has an offset: lseek, pread, pwrite */
    LX_FMODE_PATH = 8, /* O_PATH: names a file, no I/O */
};

struct lx_file {
    unsigned refs;
    unsigned fmode; /* LX_FMODE_* */
    unsigned flags; /* O_* as F_GETFL reports them */
    uint64_t pos;
    struct lx_path path; /* every file has an inode (pipes an anonymous one) */
    const struct lx_file_ops *ops;
    void *priv; /* the kind's own state */
    /* The name it was opened by, for /proc/<pid>/fd/N (there is no dentry
     * cache to ask): the directory it was found in (held) and its name
     * there (heap).  None for directories (named by climbing `..`) and
     * anonymous files.  A later rename is not seen. */
    struct lx_path name_dir;
    char *name;
};

/* A description of path (a reference is taken) with ops; NULL when out of
 * memory. */
struct lx_file *file_new(const struct lx_path *path, const struct lx_file_ops *ops, unsigned fmode,
                         unsigned flags, void *priv);
void file_get(struct lx_file *f);
void file_put(struct lx_file *f); /* NULL allowed */
/* Records the name of a file just opened: found in dir (a reference is
 * taken) as name[0..len).  Out of memory leaves the file unnamed. */
void file_set_name(struct lx_file *f, const struct lx_path *dir, const char *name, size_t len);
/* `to` gets the name `from` has (reopening through /proc/<pid>/fd/N). */
void file_copy_name(struct lx_file *to, const struct lx_file *from);
static inline struct lx_inode *file_inode(const struct lx_file *f)
{
    return f->path.inode;
}

/* The operations of a regular file and of a directory on a file system. */
extern const struct lx_file_ops lx_regular_file_ops;
extern const struct lx_file_ops lx_directory_file_ops;
/* O_PATH descriptions: every operation refuses. */
extern const struct lx_file_ops lx_path_file_ops;

/* The generic lseek of a seekable file (directories included). */
int64_t file_lseek_generic(struct lx_file *f, int64_t off, int whence);

/* Anonymous inodes for files outside any name space (pipes, host
 * streams): fstat shows mode, the owner and a unique inode number. */
struct lx_inode *anon_inode_new(uint32_t mode, const struct lx_cred *owner);
/* A path for such an inode (the anonymous mount, no name). */
void anon_path(struct lx_inode *ino, struct lx_path *out);
bool inode_is_anon(const struct lx_inode *ino);
/* Opening an anonymous inode again, through /proc/<pid>/fd/N: the kind
 * that made it says how (a pipe opens a new end of itself); without a
 * reopen function (or with fn NULL again, once the pipe is gone) the open
 * fails with ENXIO.  flags are open(2)'s. */
typedef int (*anon_reopen_fn)(struct lx_inode *ino, void *priv, unsigned flags, struct lx_file **out);
void anon_inode_set_reopen(struct lx_inode *ino, anon_reopen_fn fn, void *priv);
int anon_inode_reopen(struct lx_inode *ino, unsigned flags, struct lx_file **out);
