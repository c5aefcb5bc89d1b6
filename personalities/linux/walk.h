/* personalities/linux/walk.h — the path walker's state, shared by the
 * lookup (path.c), the name-space operations (namespace.c) and open
 * (open.c).  Private to the VFS.
 *
 * A walk resolves every component but the last (walk_parent), leaving
 * `dir` on the directory that holds it; the caller then looks the last
 * component up its own way (follow or not, create, remove).  Symbolic
 * links met on the way are spliced into the remaining path: the walker
 * owns two PATH_MAX buffers and alternates between them, so `last` always
 * points into the string being walked. */
#pragma once

#include "vfs.h"

enum walk_last { WALK_LAST_NORM, WALK_LAST_DOT, WALK_LAST_DOTDOT, WALK_LAST_ROOT };

struct walk {
    const struct lx_lookup_ctx *c;
    struct lx_path dir; /* held */
    const char *last;   /* the last component (not NUL-terminated) */
    size_t last_len;
    enum walk_last last_type;
    bool trailing_slash; /* the path ended in '/' */
    unsigned links;      /* symbolic links followed so far */
    char *buf[2];
    int cur_buf; /* which buf holds the path being walked; -1: the caller's */
    /* The walk ended on a magic link's target (vfs.h, get_link): `dir` is
     * the file itself (last_type WALK_LAST_ROOT, maybe not a directory),
     * and jump_file (held, or NULL) the open file the link named. */
    bool jumped;
    struct lx_file *jump_file;
};

/* Starts at c->start (or c->root for an absolute path) and stops before
 * the last component.  Always pair with walk_end. */
int walk_parent(struct walk *w, const struct lx_lookup_ctx *c, const char *path);
/* Resolves the last component (following a final symbolic link when
 * LX_LOOKUP_FOLLOW or a trailing slash says so); *out is ref'd. */
int walk_last(struct walk *w, unsigned flags, struct lx_path *out);
/* The last component's inode without following it (NORM only), ref'd:
 * -LX_ENOENT if absent.  Checks search permission on the directory.
 * walk_last_child crosses a mount on it (what opening sees);
 * walk_last_entry does not (what removing and renaming see). */
int walk_last_child(struct walk *w, struct lx_path *out);
int walk_last_entry(struct walk *w, struct lx_path *out);
/* Replaces the last component by the target of the symbolic link `link`
 * found there and walks to the new last component. */
int walk_follow_last(struct walk *w, struct lx_inode *link);
/* The directory of the last component is a directory we may search. */
int walk_dir_ok(struct walk *w);
void walk_end(struct walk *w);

/* namespace.c: creating the last component.  vfs_may_create: write and
 * search permission on a directory not removed.  walk_create: the inode
 * (owner from the walk's credentials, group and set-group-ID inherited as
 * Linux's inode_init_owner does), ref'd in *out unless out is NULL. */
int vfs_may_create(const struct lx_cred *cred, struct lx_inode *dir);
int walk_create(struct walk *w, uint32_t mode, uint64_t rdev, const char *target, struct lx_inode **out);
