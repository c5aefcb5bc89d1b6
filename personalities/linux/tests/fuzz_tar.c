/* personalities/linux/tests/fuzz_tar.c — libFuzzer on the boot archive:
 * any bytes are either refused with a message or loaded into a memfs
 * tree, which is then walked (every directory listed, every file read)
 * and freed; either way no memory and no frame stays behind. */
#include "../rootfs.h"
#include "../vfs.h"
#include "host_env.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An iterative walk over the loaded tree (it may be thousands deep). */
enum { STACK = 8192 };
struct tree_walk {
    struct lx_inode *stack[STACK];
    unsigned depth;
    struct lx_inode *dir;
};

static bool visit_entry(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype, uint64_t next)
{
    struct tree_walk *w = ctx;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return true;
    struct lx_inode *child;
    if (w->dir->ops->lookup(w->dir, name, len, &child) < 0 || child->ino != ino ||
        vfs_dtype(child->mode) != dtype)
        abort(); /* readdir and lookup disagree */
    char buf[4096];
    if (inode_is_dir(child) && w->depth < STACK) {
        w->stack[w->depth++] = child;
        return true;
    }
    if (inode_is_reg(child)) {
        for (uint64_t off = 0; off < child->size; off += sizeof(buf))
            if (vfs_read_inode(child, off, buf, sizeof(buf)) <= 0)
                abort();
    } else if (inode_is_link(child) && child->ops->readlink(child, buf, sizeof(buf)) <= 0) {
        abort();
    }
    inode_put(child);
    return true;
}

static void visit_tree(struct lx_inode *root)
{
    static struct tree_walk w;
    w.depth = 0;
    inode_get(root);
    w.stack[w.depth++] = root;
    while (w.depth) {
        w.dir = w.stack[--w.depth];
        uint64_t pos = 0;
        if (w.dir->ops->readdir(w.dir, &pos, visit_entry, &w) < 0)
            abort();
        inode_put(w.dir);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lx_inode *root;
    struct tar_error why;
    memset(&why, 0, sizeof(why));
    if (rootfs_load_tar(data, size, &root, &why) == 0) {
        visit_tree(root);
        char buf[256];
        (void)vfs_read_inode(root, 0, buf, sizeof(buf)); /* a directory: refused */
        rootfs_free(root);
    } else if (!why.message[0] || strlen(why.message) >= sizeof(why.message)) {
        abort(); /* every refusal says why */
    }
    if (frames_in_use() != 0 || host_heap_live() != 0) {
        fprintf(stderr, "fuzz_tar: %u frames, %ld allocations left\n", frames_in_use(), host_heap_live());
        abort();
    }
    return 0;
}
