/* personalities/linux/path.c — path lookup: components, `.` and `..`
 * (leaving mounted file systems, stopping at the process root), mount
 * points, symbolic links (at most LX_MAXSYMLINKS per lookup), trailing
 * slashes, and the errors Linux gives on the way. */
#include "walk.h"

#include "file.h"
#include "heap.h"
#include <kumiki/user.h>

static void path_replace(struct lx_path *dst, const struct lx_path *src)
{
    struct lx_path old = *dst;
    *dst = *src;
    path_get(dst);
    path_put(&old);
}

int walk_dir_ok(struct walk *w)
{
    if (!inode_is_dir(w->dir.inode))
        return -LX_ENOTDIR;
    return inode_permission(&w->c->cred, w->dir.inode, LX_X_OK);
}

/* `..` of w->dir: stays at the process root, climbs out of mounts. */
static int walk_dotdot(struct walk *w)
{
    for (;;) {
        if (path_equal(&w->dir, &w->c->root))
            return 0;
        struct lx_mount *m = w->dir.mnt;
        if (w->dir.inode != m->root || !m->parent)
            break;
        struct lx_path up = { m->parent, m->mountpoint };
        path_replace(&w->dir, &up);
    }
    struct lx_inode *parent;
    if (!w->dir.inode->ops->parent)
        return -LX_ENOENT;
    int err = w->dir.inode->ops->parent(w->dir.inode, &parent);
    if (err < 0)
        return err;
    inode_put(w->dir.inode);
    w->dir.inode = parent;
    return 0;
}

/* The child `name` of w->dir, with mounts on it crossed if cross; ref'd. */
static int walk_child(struct walk *w, const char *name, size_t len, bool cross, struct lx_path *out)
{
    struct lx_inode *dir = w->dir.inode;
    if (!dir->ops->lookup)
        return -LX_ENOTDIR;
    struct lx_inode *child;
    int err = dir->ops->lookup(dir, name, len, &child);
    if (err < 0)
        return err;
    out->mnt = w->dir.mnt;
    out->inode = child;
    out->mnt->refs++;
    while (cross && out->inode->mounted) {
        struct lx_path down = { out->inode->mounted, out->inode->mounted->root };
        path_replace(out, &down);
    }
    return 0;
}

static void walk_forget_jump(struct walk *w)
{
    w->jumped = false;
    file_put(w->jump_file);
    w->jump_file = NULL;
}

/* Splices the target of `link` in front of `rest`; returns the new path
 * string (in one of the walker's buffers) or an error through *err.  A
 * magic link moves w->dir to its file instead and returns rest. */
static const char *walk_splice(struct walk *w, struct lx_inode *link, const char *rest, int *err)
{
    if (++w->links > LX_MAXSYMLINKS) {
        *err = -LX_ELOOP;
        return NULL;
    }
    int next = w->cur_buf == 0 ? 1 : 0;
    if (!w->buf[next] && !(w->buf[next] = lx_malloc(LX_PATH_MAX))) {
        *err = -LX_ENOMEM;
        return NULL;
    }
    char *dst = w->buf[next];
    int n;
    if (link->ops->get_link) {
        struct lx_link_jump jump = { { NULL, NULL }, NULL };
        n = link->ops->get_link(link, w->c, dst, LX_PATH_MAX, &jump);
        if (n >= 0 && jump.path.inode) {
            path_replace(&w->dir, &jump.path);
            path_put(&jump.path);
            walk_forget_jump(w);
            w->jumped = true;
            w->jump_file = jump.file;
            return rest;
        }
    } else if (link->ops->readlink) {
        n = link->ops->readlink(link, dst, LX_PATH_MAX);
    } else {
        *err = -LX_EINVAL;
        return NULL;
    }
    if (n < 0) {
        *err = n;
        return NULL;
    }
    if (n == 0) {
        *err = -LX_ENOENT; /* an empty target names nothing */
        return NULL;
    }
    size_t rest_len = strlen(rest);
    if ((size_t)n + rest_len >= LX_PATH_MAX) {
        *err = -LX_ENAMETOOLONG;
        return NULL;
    }
    memcpy(dst + n, rest, rest_len + 1);
    w->cur_buf = next;
    if (dst[0] == '/')
        path_replace(&w->dir, &w->c->root);
    return dst;
}

/* Walks components of p until the last one. */
static int walk_components(struct walk *w, const char *p)
{
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p) {
            /* Only slashes: the directory itself ("/" or a link to it). */
            w->last = p;
            w->last_len = 0;
            w->last_type = WALK_LAST_ROOT;
            w->trailing_slash = false;
            return 0;
        }
        walk_forget_jump(w); /* a name follows: the walk goes past any jump */
        int err = walk_dir_ok(w);
        if (err < 0)
            return err;
        const char *name = p;
        size_t len = 0;
        while (name[len] && name[len] != '/')
            len++;
        if (len > LX_NAME_MAX)
            return -LX_ENAMETOOLONG;
        const char *after = name + len, *next = after;
        while (*next == '/')
            next++;
        enum walk_last type = WALK_LAST_NORM;
        if (len == 1 && name[0] == '.')
            type = WALK_LAST_DOT;
        else if (len == 2 && name[0] == '.' && name[1] == '.')
            type = WALK_LAST_DOTDOT;
        if (!*next) {
            w->last = name;
            w->last_len = len;
            w->last_type = type;
            w->trailing_slash = next != after;
            return 0;
        }
        p = next;
        if (type == WALK_LAST_DOT)
            continue;
        if (type == WALK_LAST_DOTDOT) {
            err = walk_dotdot(w);
        } else {
            struct lx_path child;
            err = walk_child(w, name, len, true, &child);
            if (err < 0)
                return err;
            if (inode_is_link(child.inode)) {
                /* The rest starts at the slash after the name. */
                p = walk_splice(w, child.inode, after, &err);
                path_put(&child);
                if (!p)
                    return err;
                continue;
            }
            path_replace(&w->dir, &child);
            path_put(&child);
        }
        if (err < 0)
            return err;
        if (!inode_is_dir(w->dir.inode))
            return -LX_ENOTDIR;
    }
}

int walk_parent(struct walk *w, const struct lx_lookup_ctx *c, const char *path)
{
    memset(w, 0, sizeof(*w));
    w->c = c;
    w->cur_buf = -1;
    w->dir = path[0] == '/' ? c->root : c->start;
    path_get(&w->dir);
    if (!path[0])
        return -LX_ENOENT;
    return walk_components(w, path);
}

int walk_follow_last(struct walk *w, struct lx_inode *link)
{
    int err;
    const char *p = walk_splice(w, link, w->trailing_slash ? "/" : "", &err);
    if (!p)
        return err;
    return walk_components(w, p);
}

static int walk_last_lookup(struct walk *w, bool cross, struct lx_path *out)
{
    int err = walk_dir_ok(w);
    if (err < 0)
        return err;
    if (w->last_type != WALK_LAST_NORM)
        return -LX_EINVAL;
    return walk_child(w, w->last, w->last_len, cross, out);
}

int walk_last_child(struct walk *w, struct lx_path *out)
{
    return walk_last_lookup(w, true, out);
}

int walk_last_entry(struct walk *w, struct lx_path *out)
{
    return walk_last_lookup(w, false, out);
}

int walk_last(struct walk *w, unsigned flags, struct lx_path *out)
{
    for (;;) {
        int err = 0;
        if (w->last_type == WALK_LAST_ROOT) {
            *out = w->dir;
            path_get(out);
        } else if (w->last_type == WALK_LAST_DOT) {
            err = walk_dir_ok(w);
            *out = w->dir;
            path_get(out);
        } else if (w->last_type == WALK_LAST_DOTDOT) {
            err = walk_dir_ok(w);
            if (err == 0)
                err = walk_dotdot(w);
            *out = w->dir;
            path_get(out);
        } else {
            err = walk_last_child(w, out);
            if (err < 0)
                return err;
            if (inode_is_link(out->inode) && ((flags & LX_LOOKUP_FOLLOW) || w->trailing_slash)) {
                struct lx_inode *link = out->inode;
                inode_get(link);
                path_put(out);
                err = walk_follow_last(w, link);
                inode_put(link);
                if (err < 0)
                    return err;
                continue;
            }
        }
        if (err == 0 && (w->trailing_slash || (flags & LX_LOOKUP_DIRECTORY)) && !inode_is_dir(out->inode))
            err = -LX_ENOTDIR;
        if (err < 0)
            path_put(out);
        return err;
    }
}

void walk_end(struct walk *w)
{
    walk_forget_jump(w);
    path_put(&w->dir);
    lx_free(w->buf[0]);
    lx_free(w->buf[1]);
    w->buf[0] = w->buf[1] = NULL;
}

int vfs_lookup(const struct lx_lookup_ctx *c, const char *path, unsigned flags, struct lx_path *out)
{
    out->mnt = NULL;
    out->inode = NULL;
    if (!path[0] && (flags & LX_LOOKUP_EMPTY)) {
        if ((flags & LX_LOOKUP_DIRECTORY) && !inode_is_dir(c->start.inode))
            return -LX_ENOTDIR;
        *out = c->start;
        path_get(out);
        return 0;
    }
    struct walk w;
    int err = walk_parent(&w, c, path);
    if (err == 0)
        err = walk_last(&w, flags, out);
    walk_end(&w);
    return err;
}
