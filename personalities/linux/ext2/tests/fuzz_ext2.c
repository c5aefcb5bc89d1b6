/* personalities/linux/ext2/tests/fuzz_ext2.c — libFuzzer on ext2 images:
 * the input is a disk.  Mounting must refuse it (having written nothing)
 * or accept it; an accepted one is walked (bounded: depth, entries, bytes
 * read), changed a little (create, write, mkdir, rename, truncate,
 * unlink) and unmounted, and everything ext2 allocated must be freed.
 * Errors are fine; crashes, sanitizer reports, leaks and writes to a
 * refused image are not. */
#include "../../file.h"
#include "../../tests/host_env.h"
#include "../../uio.h"
#include "../../vfs.h"
#include "../ext2.h"
#include "host_blockdev.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 6, MAX_ENTRIES = 64, MAX_READ = 16384, MAX_DISK = 1 << 20 };

static struct lx_lookup_ctx ctx;
static unsigned budget;

struct names {
    char name[MAX_ENTRIES][256];
    unsigned count;
};

static bool collect(void *p, const char *name, size_t len, uint64_t ino, unsigned dtype, uint64_t next)
{
    struct names *n = p;
    if (n->count == MAX_ENTRIES)
        return false;
    memcpy(n->name[n->count], name, len);
    n->name[n->count++][len] = 0;
    return true;
}

static void walk(struct lx_inode *dir, int depth)
{
    static struct names levels[MAX_DEPTH + 1];
    struct names *n = &levels[depth];
    n->count = 0;
    uint64_t pos = 0;
    if (dir->ops->readdir(dir, &pos, collect, n) < 0)
        return;
    for (unsigned i = 0; i < n->count && budget; i++, budget--) {
        const char *name = n->name[i];
        size_t len = strlen(name);
        if (!strcmp(name, ".") || !strcmp(name, ".."))
            continue;
        struct lx_inode *child;
        if (!dir->ops->lookup || dir->ops->lookup(dir, name, len, &child) < 0)
            continue;
        static uint8_t buf[MAX_READ];
        char target[4096];
        if (inode_is_dir(child) && depth < MAX_DEPTH) {
            struct lx_inode *up;
            if (child->ops->parent(child, &up) == 0)
                inode_put(up);
            walk(child, depth + 1);
        } else if (inode_is_reg(child)) {
            vfs_read_inode(child, 0, buf, sizeof(buf));
            vfs_read_inode(child, child->size > 100 ? child->size - 100 : 0, buf, 200);
            lx_frame_t f;
            if (child->size && vfs_get_page(child, 0, &f) == 0)
                frame_unref(f);
        } else if (inode_is_link(child)) {
            child->ops->readlink(child, target, sizeof(target));
        }
        inode_put(child);
    }
}

static void change(void)
{
    static const char data[] = "fuzz data fuzz data fuzz data";
    struct lx_file *f;
    if (vfs_open(&ctx, "new", LX_O_CREAT | LX_O_RDWR, 0644, 022, &f) == 0) {
        struct lx_iovec seg;
        struct lx_uio u;
        uio_init_kernel(&u, &seg, (void *)data, sizeof(data));
        uint64_t pos = 5000;
        f->ops->write(f, NULL, &u, &pos);
        file_put(f);
    }
    vfs_mkdir(&ctx, "newdir", 0755);
    vfs_rename(&ctx, "new", &ctx, "newdir/moved", 0);
    vfs_symlink(&ctx, "newdir/moved", "link");
    struct names top = { .count = 0 };
    uint64_t pos = 0;
    ctx.root.inode->ops->readdir(ctx.root.inode, &pos, collect, &top);
    for (unsigned i = 0; i < top.count && i < 4; i++) {
        struct lx_path p;
        if (vfs_lookup(&ctx, top.name[i], 0, &p) == 0) {
            if (inode_is_reg(p.inode))
                vfs_truncate(NULL, &p, p.inode->size / 2);
            path_put(&p);
        }
    }
    vfs_unlink(&ctx, "link");
    vfs_sync_all();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_DISK)
        return 0;
    size_t disk_size = size & ~(size_t)511;
    uint8_t *mem = malloc(disk_size ? disk_size : 1);
    memcpy(mem, data, disk_size);
    struct host_blockdev hd;
    host_blockdev_memory(&hd, mem, disk_size);
    struct ext2_mount_opts opts = { .page_limit = 8, .idle_inodes = 4, .cache_bytes = 8192 };
    struct lx_inode *root;
    bool ro;
    if (ext2_mount(&hd.dev, 1, &opts, &root, &ro) < 0) {
        if (hd.writes)
            abort(); /* a refused image must not be written */
    } else {
        if (vfs_mount(NULL, root->sb, root, ro ? LX_MNT_RDONLY : 0) < 0)
            abort();
        ctx = (struct lx_lookup_ctx){ .cred = { 0, 0 } };
        vfs_root(&ctx.root);
        ctx.start = ctx.root;
        budget = 256;
        walk(ctx.root.inode, 0);
        if (!ro)
            change();
        else if (hd.writes)
            abort();
        path_put(&ctx.root);
        vfs_unmount_all();
    }
    if (host_heap_live() != 0 || frames_in_use() != 0)
        abort();
    free(mem);
    return 0;
}
