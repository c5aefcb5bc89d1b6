/* personalities/linux/mount.c — the mount table, file-system types, and
 * the rules of mount(2) and umount2(2).
 *
 * The table lists the newest mount first, so that walking it meets
 * children before their parents.  A mount is referenced by the table, by
 * every path inside it (open files, cwds, walks in progress) and by each
 * child mount; unmounting needs only the table's reference to be left.
 *
 * umount2(MNT_DETACH) takes a mount and every mount below it out of the
 * name space at once; each is freed when its last reference goes and its
 * file system is no longer busy (a mapped file holds an inode but not the
 * mount, so a detached mount whose file system is still busy waits on the
 * detached list and is looked at again at the next mount or unmount).
 *
 * One superblock per mount: bind mounts and moving mounts are not
 * supported (EINVAL); every mount is private, so the propagation flags
 * are accepted and change nothing. */
#include "devfs.h"
#include "heap.h"
#include "procfs.h"
#include "tmpfs.h"
#include "vfs.h"
#include "walk.h"
#include <kumiki/user.h>

static struct lx_mount *mount_table;
static struct lx_mount *detached; /* waiting for their last reference */

/* Anonymous st_dev numbers: 0:32 is the boot archive's root file system,
 * the others count up from there. */
static uint32_t anon_minor = 32;

uint64_t vfs_anon_dev(void)
{
    return lx_makedev(0, ++anon_minor);
}

struct lx_mount *mount_first(void)
{
    return mount_table;
}

struct lx_mount *mount_next(const struct lx_mount *m)
{
    return m->next;
}

/* ---- References ---------------------------------------------------------- */

static void reap_detached(void);

void path_get(const struct lx_path *p)
{
    if (p->mnt)
        p->mnt->refs++;
    if (p->inode)
        inode_get(p->inode);
}

void path_put(struct lx_path *p)
{
    struct lx_mount *m = p->mnt;
    inode_put(p->inode);
    p->mnt = NULL;
    p->inode = NULL;
    /* A mount in the table outlives its paths; a detached one goes with
     * its last reference. */
    if (m && --m->refs == 0 && m->detached)
        reap_detached();
}

static bool sb_busy(struct lx_superblock *sb)
{
    return sb->ops->busy && sb->ops->busy(sb);
}

/* Frees m (out of the table, no references left) and drops its reference
 * on its parent. */
static void mount_free(struct lx_mount *m)
{
    struct lx_mount *parent = m->parent;
    if (m->mountpoint) {
        if (m->mountpoint->mounted == m)
            m->mountpoint->mounted = NULL;
        inode_put(m->mountpoint);
    }
    struct lx_superblock *sb = m->sb;
    inode_put(m->root);
    if (sb->ops->kill)
        sb->ops->kill(sb);
    lx_free(m->source);
    lx_free(m);
    if (parent)
        parent->refs--; /* a detached parent is looked at by the caller's reap loop */
}

/* Frees every detached mount nothing uses any more (children first: a
 * child holds its parent, so freeing one can free the next). */
static void reap_detached(void)
{
    bool freed = true;
    while (freed) {
        freed = false;
        for (struct lx_mount **pp = &detached; *pp;) {
            struct lx_mount *m = *pp;
            if (m->refs == 0 && !sb_busy(m->sb)) {
                *pp = m->next;
                mount_free(m);
                freed = true;
            } else {
                pp = &m->next;
            }
        }
    }
}

/* ---- Mounting ----------------------------------------------------------- */

int vfs_mount_named(const struct lx_path *at, struct lx_superblock *sb, struct lx_inode *root, unsigned flags,
                    const char *type, const char *source)
{
    if (!at && mount_table)
        return -LX_EBUSY;
    if (at && !mount_table)
        return -LX_ENOENT;
    if (at && !inode_is_dir(at->inode))
        return -LX_ENOTDIR;
    if (at && at->inode->mounted)
        return -LX_EBUSY;
    if (at && at->inode->nlink == 0)
        return -LX_ENOENT; /* a directory removed while someone is in it */
    if (!inode_is_dir(root))
        return -LX_ENOTDIR;
    struct lx_mount *m = lx_calloc(1, sizeof(*m));
    char *name = lx_strdup(source && source[0] ? source : "none");
    if (!m || !name) {
        lx_free(m);
        lx_free(name);
        return -LX_ENOMEM;
    }
    m->refs = 1; /* the table's */
    m->root = root;
    m->sb = sb;
    m->flags = flags & (LX_MNT_RDONLY | LX_MNT_NOSUID | LX_MNT_NODEV | LX_MNT_NOEXEC);
    m->type = type ? type : "none";
    m->source = name;
    if (at) {
        m->parent = at->mnt;
        m->parent->refs++;
        m->mountpoint = at->inode;
        inode_get(m->mountpoint);
        m->mountpoint->mounted = m;
    }
    m->next = mount_table;
    mount_table = m;
    return 0;
}

int vfs_mount(const struct lx_path *at, struct lx_superblock *sb, struct lx_inode *root, unsigned flags)
{
    return vfs_mount_named(at, sb, root, flags, NULL, NULL);
}

bool vfs_root(struct lx_path *out)
{
    struct lx_mount *m = mount_table;
    while (m && m->parent)
        m = m->next;
    if (!m)
        return false;
    out->mnt = m;
    out->inode = m->root;
    path_get(out);
    return true;
}

void vfs_unmount_all(void)
{
    /* Detached mounts first: they may hold mounts of the table (their
     * parents). */
    while (detached) {
        struct lx_mount **pick = &detached;
        for (struct lx_mount **pp = &detached; *pp; pp = &(*pp)->next)
            if ((*pp)->refs == 0) {
                pick = pp;
                break;
            }
        struct lx_mount *m = *pick;
        *pick = m->next;
        mount_free(m);
    }
    while (mount_table) {
        struct lx_mount *m = mount_table;
        mount_table = m->next;
        mount_free(m);
    }
}

/* ---- File-system types ---------------------------------------------------- */

enum { LX_MAX_FS_TYPES = 8 };
/* In Linux's order of registration (what /proc/filesystems lists). */
static const struct lx_fs_type *fs_types[LX_MAX_FS_TYPES] = { &lx_tmpfs_type, &lx_proc_fs_type,
                                                              &lx_devtmpfs_type };
static unsigned fs_type_count = 3;

const struct lx_fs_type *vfs_find_fs(const char *name)
{
    for (unsigned i = 0; i < fs_type_count; i++)
        if (strcmp(fs_types[i]->name, name) == 0)
            return fs_types[i];
    return NULL;
}

const struct lx_fs_type *vfs_fs_type_at(unsigned index)
{
    return index < fs_type_count ? fs_types[index] : NULL;
}

int vfs_register_fs(const struct lx_fs_type *type)
{
    if (!type || !type->name || !type->name[0] || !type->mount)
        return -LX_EINVAL;
    if (vfs_find_fs(type->name))
        return -LX_EBUSY;
    if (fs_type_count == LX_MAX_FS_TYPES)
        return -LX_ENOSPC;
    fs_types[fs_type_count++] = type;
    return 0;
}

/* ---- mount(2) ----------------------------------------------------------------- */

enum { MOUNT_FLAGS = LX_MNT_RDONLY | LX_MNT_NOSUID | LX_MNT_NODEV | LX_MNT_NOEXEC };

/* A new instance of the type called `type` on the directory at. */
static int mount_new(const struct lx_lookup_ctx *c, const struct lx_path *at, const char *type,
                     const char *source, unsigned long flags, const char *data)
{
    if (!type || !type[0])
        return -LX_EINVAL;
    const struct lx_fs_type *t = vfs_find_fs(type);
    if (!t)
        return -LX_ENODEV;
    if (!inode_is_dir(at->inode))
        return -LX_ENOTDIR;
    struct lx_mount_args a = {
        .source = source ? source : "",
        .data = data ? data : "",
        .c = c,
        .readonly = flags & LX_MS_RDONLY,
    };
    struct lx_inode *root;
    int err = t->mount(&a, &root);
    if (err < 0)
        return err;
    unsigned mflags = (unsigned)(flags & MOUNT_FLAGS) | (a.readonly ? LX_MNT_RDONLY : 0);
    err = vfs_mount_named(at, root->sb, root, mflags, t->name, source);
    if (err < 0) {
        struct lx_superblock *sb = root->sb;
        inode_put(root);
        if (sb->ops->kill)
            sb->ops->kill(sb);
    }
    return err;
}

static bool is_mount_root(const struct lx_path *p)
{
    return p->inode == p->mnt->root;
}

/* MS_SHARED, MS_PRIVATE, MS_SLAVE or MS_UNBINDABLE: exactly one of them
 * (with MS_REC and MS_SILENT allowed) on a mount's root.  Every mount
 * here is private and stays so; the others are accepted as Linux accepts
 * them, since nothing ever propagates. */
static int change_propagation(const struct lx_path *at, unsigned long flags)
{
    unsigned long kind = flags & ~(unsigned long)(LX_MS_REC | LX_MS_SILENT);
    if (!is_mount_root(at) || kind == 0 || (kind & (kind - 1)) != 0)
        return -LX_EINVAL;
    return 0;
}

int vfs_mount_call(const struct lx_lookup_ctx *c, const char *source, const char *target, const char *type,
                   unsigned long flags, const char *data)
{
    if ((flags & LX_MS_MGC_MSK) == LX_MS_MGC_VAL)
        flags &= ~LX_MS_MGC_MSK;
    struct lx_path at;
    int err = vfs_lookup(c, target, LX_LOOKUP_FOLLOW, &at);
    if (err < 0)
        return err;
    if (flags & LX_MS_NOUSER)
        err = -LX_EINVAL;
    else if (c->cred.uid != 0)
        err = -LX_EPERM; /* CAP_SYS_ADMIN */
    else if (flags & LX_MS_REMOUNT) {
        /* New mount flags for the mount (and, without MS_BIND, its file
         * system: one mount per superblock here, so the same).  The
         * options in data are not looked at. */
        if (!is_mount_root(&at))
            err = -LX_EINVAL;
        else
            at.mnt->flags = (unsigned)(flags & MOUNT_FLAGS);
    } else if (flags & (LX_MS_BIND | LX_MS_MOVE))
        err = -LX_EINVAL; /* one mount per superblock; mounts stay where they are made */
    else if (flags & (LX_MS_SHARED | LX_MS_PRIVATE | LX_MS_SLAVE | LX_MS_UNBINDABLE))
        err = change_propagation(&at, flags);
    else
        err = mount_new(c, &at, type, source, flags, data);
    path_put(&at);
    reap_detached();
    return err;
}

int vfs_mount_boot(const char *type, const char *path)
{
    struct lx_lookup_ctx c = { .cred = { 0, 0 } };
    if (!vfs_root(&c.root))
        return -LX_ENOENT;
    c.start = c.root;
    struct lx_path at;
    int err = vfs_lookup(&c, path, LX_LOOKUP_FOLLOW | LX_LOOKUP_DIRECTORY, &at);
    if (err == -LX_ENOENT && (err = vfs_mkdir(&c, path, 0755)) == 0)
        err = vfs_lookup(&c, path, LX_LOOKUP_FOLLOW | LX_LOOKUP_DIRECTORY, &at);
    if (err == 0) {
        err = mount_new(&c, &at, type, type, 0, "");
        path_put(&at);
    }
    path_put(&c.root);
    return err;
}

/* ---- umount2(2) ---------------------------------------------------------------- */

static bool is_below(const struct lx_mount *m, const struct lx_mount *top)
{
    for (; m; m = m->parent)
        if (m == top)
            return true;
    return false;
}

/* MNT_DETACH: top and every mount below it leave the table; each is freed
 * when nothing uses it any more. */
static void detach_tree(struct lx_mount *top)
{
    struct lx_mount **tail = &detached;
    while (*tail)
        tail = &(*tail)->next;
    /* The table is newest first, so children come before their parents
     * on the detached list too (the order reap_detached frees them in). */
    for (struct lx_mount **pp = &mount_table; *pp;) {
        struct lx_mount *m = *pp;
        if (!is_below(m, top)) {
            pp = &m->next;
            continue;
        }
        *pp = m->next;
        if (m->mountpoint && m->mountpoint->mounted == m)
            m->mountpoint->mounted = NULL;
        m->detached = true;
        m->refs--; /* the table's */
        m->next = NULL;
        *tail = m;
        tail = &m->next;
    }
}

int vfs_umount_call(const struct lx_lookup_ctx *c, const char *target, unsigned flags)
{
    if (flags & ~(unsigned)(LX_MNT_FORCE | LX_MNT_DETACH | LX_MNT_EXPIRE | LX_UMOUNT_NOFOLLOW))
        return -LX_EINVAL;
    struct lx_path p;
    int err = vfs_lookup(c, target, (flags & LX_UMOUNT_NOFOLLOW) ? 0 : LX_LOOKUP_FOLLOW, &p);
    if (err < 0)
        return err;
    struct lx_mount *m = p.mnt;
    if (c->cred.uid != 0)
        err = -LX_EPERM;
    else if (!is_mount_root(&p))
        err = -LX_EINVAL;
    else if (flags & LX_MNT_EXPIRE)
        err = -LX_EINVAL; /* expiry marks are not kept */
    else if (!m->parent)
        err = -LX_EBUSY; /* the root file system stays */
    path_put(&p);
    if (err < 0)
        return err;
    if (flags & LX_MNT_DETACH) {
        detach_tree(m);
    } else {
        /* Only the table's reference left (children hold one each), and
         * no inode held from outside (a mapped program). */
        if (m->refs > 1 || sb_busy(m->sb))
            return -LX_EBUSY;
        for (struct lx_mount **pp = &mount_table; *pp; pp = &(*pp)->next)
            if (*pp == m) {
                *pp = m->next;
                break;
            }
        mount_free(m);
    }
    reap_detached();
    return 0;
}
