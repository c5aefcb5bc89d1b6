/* personalities/linux/procfs.c — see procfs.h: the tree of /proc (its
 * directories, links and files as inodes made on lookup), the open files
 * that hold a generated text, and the file system type "proc".
 *
 * Inodes: one per (kind, pid, entry, fd) while referenced, kept on the
 * file system's list of live nodes so that two lookups of one name give
 * one inode (the VFS compares inodes by pointer); freed when the last
 * reference goes.  Inode numbers are made from the same key:
 *   1                         /proc
 *   2 + i                     the i-th entry of /proc
 *   pid << 32 | 1 << 24       /proc/<pid>
 *   pid << 32 | (2 + i) << 24 the i-th entry of /proc/<pid>
 *   pid << 32 | 0x80 << 24 | n   /proc/<pid>/fd/<n>
 * Owners and modes are refreshed at every lookup (a process's euid may
 * change). */
#include "procfs.h"

#include "devfs.h"
#include "fd.h"
#include "file.h"
#include "heap.h"
#include "pipe.h"
#include "proc.h"
#include "uio.h"
#include <kumiki/user.h>

enum proc_kind {
    PK_ROOT,      /* /proc */
    PK_ROOT_FILE, /* /proc/meminfo... */
    PK_ROOT_LINK, /* /proc/mounts -> self/mounts */
    PK_SELF,      /* /proc/self */
    PK_PID,       /* /proc/<pid> */
    PK_PID_FILE,  /* /proc/<pid>/status... */
    PK_EXE,       /* /proc/<pid>/exe */
    PK_CWD,       /* /proc/<pid>/cwd */
    PK_ROOTDIR,   /* /proc/<pid>/root */
    PK_FD_DIR,    /* /proc/<pid>/fd */
    PK_FD,        /* /proc/<pid>/fd/<n> */
};

struct proc_entry {
    const char *name;
    uint32_t mode;
    enum proc_kind kind;
    proc_show_fn show;  /* files */
    const char *target; /* PK_ROOT_LINK */
};

static const struct proc_entry root_entries[] = {
    { "cpuinfo", LX_S_IFREG | 0444, PK_ROOT_FILE, proc_show_cpuinfo, NULL },
    { "filesystems", LX_S_IFREG | 0444, PK_ROOT_FILE, proc_show_filesystems, NULL },
    { "loadavg", LX_S_IFREG | 0444, PK_ROOT_FILE, proc_show_loadavg, NULL },
    { "meminfo", LX_S_IFREG | 0444, PK_ROOT_FILE, proc_show_meminfo, NULL },
    { "mounts", LX_S_IFLNK | 0777, PK_ROOT_LINK, NULL, "self/mounts" },
    { "self", LX_S_IFLNK | 0777, PK_SELF, NULL, NULL },
    { "stat", LX_S_IFREG | 0444, PK_ROOT_FILE, proc_show_kernel_stat, NULL },
    { "uptime", LX_S_IFREG | 0444, PK_ROOT_FILE, proc_show_uptime, NULL },
};
enum { ROOT_ENTRIES = sizeof(root_entries) / sizeof(root_entries[0]) };

static const struct proc_entry pid_entries[] = {
    { "cmdline", LX_S_IFREG | 0444, PK_PID_FILE, proc_show_cmdline, NULL },
    { "comm", LX_S_IFREG | 0444, PK_PID_FILE, proc_show_comm, NULL },
    { "cwd", LX_S_IFLNK | 0777, PK_CWD, NULL, NULL },
    { "environ", LX_S_IFREG | 0400, PK_PID_FILE, proc_show_environ, NULL },
    { "exe", LX_S_IFLNK | 0777, PK_EXE, NULL, NULL },
    { "fd", LX_S_IFDIR | 0500, PK_FD_DIR, NULL, NULL },
    { "mounts", LX_S_IFREG | 0444, PK_PID_FILE, proc_show_mounts, NULL },
    { "root", LX_S_IFLNK | 0777, PK_ROOTDIR, NULL, NULL },
    { "stat", LX_S_IFREG | 0444, PK_PID_FILE, proc_show_stat, NULL },
    { "statm", LX_S_IFREG | 0444, PK_PID_FILE, proc_show_statm, NULL },
    { "status", LX_S_IFREG | 0444, PK_PID_FILE, proc_show_status, NULL },
};
enum { PID_ENTRIES = sizeof(pid_entries) / sizeof(pid_entries[0]), FD_DIR_INDEX = 5 };

struct procfs;

struct proc_node {
    struct lx_inode vfs; /* first: an lx_inode * of procfs is a proc_node * */
    struct procfs *fs;
    struct proc_node *next; /* the live list */
    enum proc_kind kind;
    const struct proc_entry *entry; /* NULL for /proc, /proc/<pid>, fd links */
    int pid;                        /* 0: /proc's own */
    uint64_t pid_start;             /* the process's start_ns at lookup: a reused pid is not it */
    int fd;
};

struct procfs {
    struct lx_superblock sb;
    struct proc_node *live;
    unsigned live_count;
    struct proc_node *root;
};

static const struct lx_inode_ops proc_ops;

static struct proc_node *node_of(struct lx_inode *ino)
{
    return (struct proc_node *)ino;
}

static uint64_t pid_ino(int pid, unsigned slot)
{
    return ((uint64_t)pid << 32) | ((uint64_t)slot << 24);
}

/* The process a node is about, if it still exists. */
static struct lx_proc *node_proc(const struct proc_node *n)
{
    struct lx_proc *p = proc_by_pid(n->pid);
    return p && p->start_ns == n->pid_start ? p : NULL;
}

static struct lx_timespec now(void)
{
    uint64_t ns = lx_realtime_ns();
    return (struct lx_timespec){ (int64_t)(ns / 1000000000u), (int64_t)(ns % 1000000000u) };
}

/* The node of key (ino) with one more reference, made if none is alive;
 * NULL when out of memory. */
static struct proc_node *node_get(struct procfs *fs, uint64_t ino, enum proc_kind kind,
                                  const struct proc_entry *entry, struct lx_proc *p, int fd, uint32_t mode)
{
    struct proc_node *n;
    for (n = fs->live; n; n = n->next)
        if (n->vfs.ino == ino && (!p || n->pid_start == p->start_ns))
            break; /* (a node of an earlier process with this pid is not this one's) */
    if (n) {
        inode_get(&n->vfs);
    } else {
        n = lx_calloc(1, sizeof(*n));
        if (!n)
            return NULL;
        n->vfs.refs = 1;
        n->vfs.ino = ino;
        n->vfs.sb = &fs->sb;
        n->vfs.ops = &proc_ops;
        n->vfs.atime = n->vfs.mtime = n->vfs.ctime = now();
        n->fs = fs;
        n->kind = kind;
        n->entry = entry;
        n->pid = p ? p->pid : 0;
        n->pid_start = p ? p->start_ns : 0;
        n->fd = fd;
        n->next = fs->live;
        fs->live = n;
        fs->live_count++;
    }
    /* The process's effective ids own its files (as Linux's
     * task_dump_owner for a dumpable process). */
    n->vfs.mode = mode;
    n->vfs.uid = p ? p->euid : 0;
    n->vfs.gid = p ? p->egid : 0;
    n->vfs.nlink = (mode & LX_S_IFMT) == LX_S_IFDIR ? (kind == PK_PID ? 3 : 2) : 1;
    n->vfs.size = kind == PK_FD ? 64 : 0; /* what Linux's fd links say */
    return n;
}

static void proc_release(struct lx_inode *ino)
{
    struct proc_node *n = node_of(ino);
    struct procfs *fs = n->fs;
    for (struct proc_node **pp = &fs->live; *pp; pp = &(*pp)->next)
        if (*pp == n) {
            *pp = n->next;
            break;
        }
    fs->live_count--;
    if (fs->root == n)
        fs->root = NULL;
    lx_free(n);
}

/* ---- Names ---------------------------------------------------------------- */

/* A decimal number of at most 9 digits without leading zeros (a pid or a
 * descriptor), or -1. */
static int parse_decimal(const char *name, size_t len)
{
    if (len == 0 || len > 9 || (len > 1 && name[0] == '0'))
        return -1;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        v = v * 10 + (name[i] - '0');
    }
    return v;
}

static size_t format_decimal(char *buf, uint64_t v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    return n;
}

static const struct proc_entry *find_entry(const struct proc_entry *table, unsigned count, const char *name,
                                           size_t len, unsigned *index)
{
    for (unsigned i = 0; i < count; i++)
        if (strlen(table[i].name) == len && memcmp(table[i].name, name, len) == 0) {
            *index = i;
            return &table[i];
        }
    return NULL;
}

/* The node of /proc/<pid> for p (ref'd). */
static struct proc_node *pid_node(struct procfs *fs, struct lx_proc *p)
{
    return node_get(fs, pid_ino(p->pid, 1), PK_PID, NULL, p, -1, LX_S_IFDIR | 0555);
}

static struct proc_node *pid_entry_node(struct procfs *fs, struct lx_proc *p, unsigned i)
{
    return node_get(fs, pid_ino(p->pid, 2 + i), pid_entries[i].kind, &pid_entries[i], p, -1,
                    pid_entries[i].mode);
}

/* The mode of /proc/<pid>/fd/<n>: the link's permission bits say how the
 * file is open (lr-x, l-wx or lrwx for the owner). */
static uint32_t fd_link_mode(const struct lx_file *f)
{
    uint32_t mode = LX_S_IFLNK;
    if (f->fmode & LX_FMODE_READ)
        mode |= 0500;
    if (f->fmode & LX_FMODE_WRITE)
        mode |= 0300;
    return mode;
}

/* ---- Directories ------------------------------------------------------------ */

static int proc_lookup(struct lx_inode *dir, const char *name, size_t len, struct lx_inode **out)
{
    struct proc_node *d = node_of(dir), *n = NULL;
    struct procfs *fs = d->fs;
    unsigned i;
    const struct proc_entry *e;
    struct lx_proc *p = d->kind == PK_ROOT ? NULL : node_proc(d);
    if (d->kind != PK_ROOT && !p)
        return -LX_ENOENT;
    switch (d->kind) {
    case PK_ROOT:
        if ((e = find_entry(root_entries, ROOT_ENTRIES, name, len, &i)))
            n = node_get(fs, 2 + i, e->kind, e, NULL, -1, e->mode);
        else if ((p = proc_by_pid(parse_decimal(name, len))))
            n = pid_node(fs, p);
        else
            return -LX_ENOENT;
        break;
    case PK_PID:
        if (!(e = find_entry(pid_entries, PID_ENTRIES, name, len, &i)))
            return -LX_ENOENT;
        n = pid_entry_node(fs, p, i);
        break;
    case PK_FD_DIR: {
        int fd = parse_decimal(name, len);
        struct lx_file *f = p->files && fd >= 0 ? fd_get(p->files, fd) : NULL;
        if (!f)
            return -LX_ENOENT;
        n = node_get(fs, pid_ino(p->pid, 0x80) | (uint64_t)fd, PK_FD, NULL, p, fd, fd_link_mode(f));
        file_put(f);
        break;
    }
    default: return -LX_ENOTDIR;
    }
    if (!n)
        return -LX_ENOMEM;
    *out = &n->vfs;
    return 0;
}

static int proc_parent(struct lx_inode *dir, struct lx_inode **out)
{
    struct proc_node *d = node_of(dir), *n;
    struct procfs *fs = d->fs;
    struct lx_proc *p = node_proc(d);
    switch (d->kind) {
    case PK_FD_DIR:
        if (!p)
            return -LX_ENOENT;
        n = pid_node(fs, p);
        break;
    default:
        /* /proc and /proc/<pid>: /proc (the mount's root, whose `..` the
         * walk takes to the mount point). */
        n = fs->root;
        if (n)
            inode_get(&n->vfs);
        break;
    }
    if (!n)
        return -LX_ENOMEM;
    *out = &n->vfs;
    return 0;
}

/* Entries: 0 ".", 1 "..", 2.. the fixed entries, then (in /proc) one per
 * process at 2 + ROOT_ENTRIES + pid, (in fd/) one per descriptor at
 * 2 + fd, so that a position stays valid while processes come and go. */
static int proc_readdir(struct lx_inode *dir, uint64_t *pos, lx_filldir_fn fill, void *ctx)
{
    struct proc_node *d = node_of(dir);
    struct lx_proc *p = d->kind == PK_ROOT ? NULL : node_proc(d);
    if (d->kind != PK_ROOT && !p)
        return -LX_ENOENT;
    if (*pos == 0) {
        if (!fill(ctx, ".", 1, d->vfs.ino, LX_DT_DIR, 1))
            return 0;
        *pos = 1;
    }
    if (*pos == 1) {
        uint64_t up = d->kind == PK_FD_DIR ? pid_ino(d->pid, 1) : 1;
        if (!fill(ctx, "..", 2, up, LX_DT_DIR, 2))
            return 0;
        *pos = 2;
    }
    char name[16];
    if (d->kind == PK_ROOT) {
        for (; *pos < 2 + ROOT_ENTRIES; ++*pos) {
            const struct proc_entry *e = &root_entries[*pos - 2];
            if (!fill(ctx, e->name, strlen(e->name), *pos, vfs_dtype(e->mode), *pos + 1))
                return 0;
        }
        uint64_t base = 2 + ROOT_ENTRIES;
        for (struct lx_proc *q = proc_first(); q; q = proc_next(q)) {
            if ((uint64_t)q->pid + base < *pos)
                continue;
            size_t len = format_decimal(name, (uint64_t)q->pid);
            if (!fill(ctx, name, len, pid_ino(q->pid, 1), LX_DT_DIR, base + (uint64_t)q->pid + 1)) {
                *pos = base + (uint64_t)q->pid;
                return 0;
            }
        }
        *pos = base + LX_MAX_PID;
    } else if (d->kind == PK_PID) {
        for (; *pos < 2 + PID_ENTRIES; ++*pos) {
            const struct proc_entry *e = &pid_entries[*pos - 2];
            if (!fill(ctx, e->name, strlen(e->name), pid_ino(d->pid, 2 + (unsigned)(*pos - 2)),
                      vfs_dtype(e->mode), *pos + 1))
                return 0;
        }
    } else if (d->kind == PK_FD_DIR && p->files) {
        int high = fd_high_water(p->files);
        for (; *pos < 2 + (uint64_t)high; ++*pos) {
            int fd = (int)(*pos - 2);
            struct lx_file *f = fd_get(p->files, fd);
            if (!f)
                continue;
            file_put(f);
            size_t len = format_decimal(name, (uint64_t)fd);
            if (!fill(ctx, name, len, pid_ino(d->pid, 0x80) | (uint64_t)fd, LX_DT_LNK, *pos + 1))
                return 0;
        }
    }
    return 0;
}

/* ---- Links -------------------------------------------------------------------- */

/* Copies text into buf (at most size bytes) and returns its length. */
static int link_text(const char *text, size_t len, char *buf, size_t size)
{
    memcpy(buf, text, len < size ? len : size);
    return (int)len;
}

/* Another process's links need ptrace access: here, the same user or root. */
static int may_see(const struct lx_lookup_ctx *c, const struct lx_proc *p)
{
    return c->cred.uid == 0 || c->cred.uid == p->euid ? 0 : -LX_EACCES;
}

/* The name of directory dir seen from root, into buf. */
static int dir_text(const struct lx_path *root, const struct lx_path *dir, char *buf, size_t size)
{
    char *name = lx_malloc(LX_PATH_MAX);
    if (!name)
        return -LX_ENOMEM;
    int n = vfs_dir_name(root, dir, name, LX_PATH_MAX);
    if (n > 0)
        n = link_text(name, (size_t)n - 1, buf, size);
    lx_free(name);
    return n;
}

static int proc_get_link(struct lx_inode *link, const struct lx_lookup_ctx *c, char *buf, size_t size,
                         struct lx_link_jump *jump)
{
    struct proc_node *n = node_of(link);
    if (n->kind == PK_SELF) {
        if (!c->proc)
            return -LX_ENOENT; /* the personality itself has no pid */
        char num[16];
        return link_text(num, format_decimal(num, (uint64_t)c->proc->pid), buf, size);
    }
    if (n->kind == PK_ROOT_LINK)
        return link_text(n->entry->target, strlen(n->entry->target), buf, size);
    struct lx_proc *p = node_proc(n);
    if (!p || p->state != LX_PROC_ALIVE)
        return -LX_ENOENT;
    int err = may_see(c, p);
    if (err < 0)
        return err;
    switch (n->kind) {
    case PK_EXE: {
        /* The name execve kept: followed like any link's text. */
        size_t len = 0;
        while (len < sizeof(p->exe) && p->exe[len])
            len++;
        return len ? link_text(p->exe, len, buf, size) : -LX_ENOENT;
    }
    case PK_CWD:
    case PK_ROOTDIR: {
        if (!p->fs)
            return -LX_ENOENT;
        const struct lx_path *dir = n->kind == PK_CWD ? &p->fs->cwd : &p->fs->root;
        if (jump) {
            jump->path = *dir;
            path_get(&jump->path);
            return 0;
        }
        return dir_text(&c->root, dir, buf, size);
    }
    case PK_FD: {
        struct lx_file *f = p->files ? fd_get(p->files, n->fd) : NULL;
        if (!f)
            return -LX_ENOENT;
        if (jump) {
            jump->path = f->path;
            path_get(&jump->path);
            jump->file = f; /* the reference goes with it */
            return 0;
        }
        err = proc_describe_file(f, &c->root, buf, size);
        file_put(f);
        return err;
    }
    default: return -LX_EINVAL;
    }
}

static int describe_text(char *out, size_t size, size_t used, const char *text)
{
    size_t len = strlen(text);
    if (used + len > size)
        return -LX_ENAMETOOLONG;
    memcpy(out + used, text, len);
    return (int)(used + len);
}

int proc_describe_file(const struct lx_file *f, const struct lx_path *root, char *buf, size_t size)
{
    struct lx_inode *ino = file_inode(f);
    char *text = lx_malloc(LX_PATH_MAX);
    if (!text)
        return -LX_ENOMEM;
    int n;
    uint32_t type = ino->mode & LX_S_IFMT;
    if (inode_is_anon(ino)) {
        /* Files without a name: Linux's pipe:[ino]; the console's fallback
         * inode (tty.c) by its device's name. */
        const char *dev = type == LX_S_IFCHR ? devfs_name(ino->rdev) : NULL;
        if (dev) {
            n = describe_text(text, LX_PATH_MAX, 0, "/dev/");
            n = describe_text(text, LX_PATH_MAX, (size_t)n, dev);
        } else {
            n = describe_text(text, LX_PATH_MAX, 0, type == LX_S_IFIFO ? "pipe:[" : "anon_inode:[");
            n += (int)format_decimal(text + n, ino->ino);
            text[n++] = ']';
        }
    } else if (type == LX_S_IFDIR || !f->name) {
        /* Directories are named by climbing; a file opened without a name
         * (by the personality itself) by its directory-less inode. */
        n = type == LX_S_IFDIR ? vfs_dir_name(root, &f->path, text, LX_PATH_MAX) - 1 : -LX_ENOENT;
        if (n < 0) {
            n = describe_text(text, LX_PATH_MAX, 0, "anon_inode:[");
            n += (int)format_decimal(text + n, ino->ino);
            text[n++] = ']';
        }
    } else {
        /* The directory it was opened in, its name there, and whether
         * that name has been removed since. */
        n = vfs_dir_name(root, &f->name_dir, text, LX_PATH_MAX);
        if (n > 0) {
            size_t used = (size_t)n - 1;
            if (used == 1)
                used = 0; /* in "/": no second slash */
            n = describe_text(text, LX_PATH_MAX, used, "/");
            if (n >= 0)
                n = describe_text(text, LX_PATH_MAX, (size_t)n, f->name);
            if (n >= 0 && ino->nlink == 0)
                n = describe_text(text, LX_PATH_MAX, (size_t)n, " (deleted)");
        }
    }
    if (n >= 0)
        n = link_text(text, (size_t)n, buf, size);
    lx_free(text);
    return n;
}

/* ---- Files ---------------------------------------------------------------------- */

/* The text of a file, made at the first read and again at each read from
 * offset 0 (Linux's seq_file does the same). */
static int64_t proc_file_read(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    struct proc_text *text = f->priv;
    struct proc_node *n = node_of(file_inode(f));
    if (!text || *pos == 0) {
        struct lx_proc *p = NULL;
        if (n->pid && !(p = node_proc(n)))
            return -LX_ESRCH;
        struct proc_text *fresh = lx_calloc(1, sizeof(*fresh));
        if (!fresh)
            return -LX_ENOMEM;
        int err = n->entry->show(fresh, p);
        if (err == 0 && fresh->failed)
            err = -LX_ENOMEM;
        if (err < 0) {
            proc_text_free(fresh);
            lx_free(fresh);
            return err;
        }
        if (text) {
            proc_text_free(text);
            lx_free(text);
        }
        f->priv = text = fresh;
    }
    if (*pos >= text->len || u->resid == 0)
        return 0;
    size_t want = text->len - (size_t)*pos;
    if (want > u->resid)
        want = u->resid;
    int64_t moved = uio_copy_out(u, text->buf + *pos, want);
    if (moved > 0)
        *pos += (uint64_t)moved;
    return moved;
}

static int64_t proc_file_write(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    return -LX_EINVAL; /* nothing in /proc takes writes here */
}

static void proc_file_release(struct lx_file *f)
{
    struct proc_text *text = f->priv;
    if (text) {
        proc_text_free(text);
        lx_free(text);
    }
    f->priv = NULL;
}

static const struct lx_file_ops proc_file_ops = {
    .read = proc_file_read,
    .write = proc_file_write,
    .release = proc_file_release,
};

static int proc_open(struct lx_inode *ino, struct lx_file *f)
{
    struct proc_node *n = node_of(ino);
    if (n->kind == PK_ROOT_FILE || n->kind == PK_PID_FILE) {
        if (n->pid && !node_proc(n))
            return -LX_ESRCH;
        f->ops = &proc_file_ops;
        f->priv = NULL;
    }
    return 0;
}

static const struct lx_inode_ops proc_ops = {
    .lookup = proc_lookup,
    .parent = proc_parent,
    .readdir = proc_readdir,
    .get_link = proc_get_link,
    .open = proc_open,
    .release = proc_release,
};

/* ---- The file system ---------------------------------------------------------- */

static void proc_statfs(struct lx_superblock *sb, struct lx_statfs *out)
{
    memset(out, 0, sizeof(*out));
    out->f_type = LX_PROC_SUPER_MAGIC;
    out->f_bsize = LX_PAGE;
    out->f_namelen = LX_NAME_MAX;
    out->f_frsize = LX_PAGE;
    out->f_fsid[0] = (int32_t)sb->dev;
    out->f_flags = LX_ST_VALID;
}

/* Busy while any node but the root is alive, or the root has more than
 * the mount's reference. */
static bool proc_busy(struct lx_superblock *sb)
{
    struct procfs *fs = sb->fs;
    unsigned others = fs->live_count - (fs->root ? 1 : 0);
    return others > 0 || (fs->root && fs->root->vfs.refs > 1);
}

static void proc_kill(struct lx_superblock *sb)
{
    struct procfs *fs = sb->fs;
    while (fs->live) {
        struct proc_node *n = fs->live;
        fs->live = n->next;
        lx_free(n);
    }
    lx_free(fs);
}

static const struct lx_super_ops proc_super_ops = {
    .statfs = proc_statfs,
    .busy = proc_busy,
    .kill = proc_kill,
};

static int proc_mount(struct lx_mount_args *args, struct lx_inode **root)
{
    /* Options: ro and rw only (no hidepid=, gid=, subset=). */
    const char *d = args->data;
    if (strcmp(d, "ro") == 0)
        args->readonly = true;
    else if (d[0] && strcmp(d, "rw") != 0)
        return -LX_EINVAL;
    struct procfs *fs = lx_calloc(1, sizeof(*fs));
    if (!fs)
        return -LX_ENOMEM;
    fs->sb = (struct lx_superblock){ .ops = &proc_super_ops,
                                     .dev = vfs_anon_dev(),
                                     .magic = LX_PROC_SUPER_MAGIC,
                                     .block_size = LX_PAGE,
                                     .fs = fs };
    fs->root = node_get(fs, 1, PK_ROOT, NULL, NULL, -1, LX_S_IFDIR | 0555);
    if (!fs->root) {
        lx_free(fs);
        return -LX_ENOMEM;
    }
    *root = &fs->root->vfs;
    return 0;
}

const struct lx_fs_type lx_proc_fs_type = { .name = "proc", .nodev = true, .mount = proc_mount };
