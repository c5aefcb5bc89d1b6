/* personalities/linux/ext2/tests/test_ext2.c — ext2 through the VFS on
 * images mke2fs made (test_ext2.py makes them and runs e2fsck and debugfs
 * on the results).  Modes:
 *
 *   verify IMAGE TREE          the image holds exactly TREE (mke2fs -d TREE)
 *   mutate IMAGE MIRROR SEED N N random name-space and data operations on
 *                              the image and, through Linux, on MIRROR (a
 *                              copy of the tree): same results; then the
 *                              image, remounted, holds exactly MIRROR
 *   refuse IMAGE               mounting fails, and nothing was written
 *   eio IMAGE BAD [GOOD...]    mounts; BAD gives EIO (lookup or read),
 *                              the GOOD paths read, the whole tree can be
 *                              walked, nothing was written
 *   write-eio IMAGE PATH       PATH's blocks include one the bitmap says is
 *                              free: writing it back fails with EIO (the
 *                              free block is not written)
 *   readonly IMAGE             a read-only mount refuses every change and
 *                              writes nothing
 *   blk IMAGE TREE             the same as verify, and a few changes, through
 *                              the blk interface's client (blk_client_dev.c)
 *                              to a fake driver on the loopback transport,
 *                              mounted by ext2_mount_blk and mount(2) (the
 *                              disk registry, umount's busy check, "ro")
 *   unit IMAGE                 scenarios on an empty file system: a full
 *                              disk, unlink while open, renames, links,
 *                              symbolic links, holes, truncation, big
 *                              directories, the caches' bounds, mappings */
#define _GNU_SOURCE
#include "../../tests/host_env.h"
#include "../../uio.h"
#include "../blk_client_dev.h"
#include "../disks.h"
#include "../ext2_internal.h"
#include "blk_server.h"
#include "check.h"
#include "ext2_harness.h"
#include "kidl_loopback.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int harness_check_failures(void);
int harness_check_count(void);

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

static void fill_random(uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(rnd() >> 24);
}

static int host_err(int r)
{
    return r < 0 ? -errno : 0;
}

/* ---- verify ------------------------------------------------------------------ */

static int mode_verify(const char *image, const char *tree)
{
    bool ro;
    int err = harness_mount(image, NULL, &ro);
    CHECK(err == 0 && !ro);
    if (err < 0)
        return 1;
    harness_compare_tree(".", tree, true);
    struct lx_statfs st;
    struct lx_path root = root_ctx.root;
    vfs_statfs(&root, &st);
    CHECK(st.f_type == EXT2_SUPER_MAGIC && st.f_bfree <= st.f_blocks && st.f_ffree < st.f_files);
    harness_unmount();
    return 0;
}

/* ---- mutate ------------------------------------------------------------------ */

static const char *const pool[] = {
    "f0",    "f1",    "f2",       "d0", "d1",    "d0/f0", "d0/f1", "d0/d2",    "d0/d2/f0",
    "d1/f0", "d1/d3", "d1/d3/f1", "l0", "d0/l1", "big",   "holes", "d0/d2/d4", "d0/d2/d4/f2",
};
enum { POOL = sizeof(pool) / sizeof(pool[0]) };

static int mirror_fd;
static bool allow_far;

static const char *pick(void)
{
    return pool[below(POOL)];
}

static int ext2_truncate_path(const char *path, uint64_t size)
{
    struct lx_path p;
    int err = vfs_lookup(&root_ctx, path, LX_LOOKUP_FOLLOW, &p);
    if (err < 0)
        return err;
    err = vfs_truncate(&root_ctx.cred, &p, size);
    path_put(&p);
    return err;
}

static int ext2_chmod_path(const char *path, uint32_t mode)
{
    struct lx_path p;
    int err = vfs_lookup(&root_ctx, path, LX_LOOKUP_FOLLOW, &p);
    if (err < 0)
        return err;
    err = vfs_chmod(&root_ctx.cred, &p, mode);
    path_put(&p);
    return err;
}

static int host_pwrite(const char *path, uint64_t off, const void *buf, size_t len)
{
    int fd = openat(mirror_fd, path, O_WRONLY | O_CREAT, 0644);
    if (fd < 0)
        return -errno;
    ssize_t n = pwrite(fd, buf, len, (off_t)off);
    int err = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
    close(fd);
    return err;
}

static int host_truncate(const char *path, uint64_t size)
{
    int fd = openat(mirror_fd, path, O_WRONLY);
    if (fd < 0)
        return -errno;
    int err = host_err(ftruncate(fd, (off_t)size));
    close(fd);
    return err;
}

static void expect_same(const char *what, const char *path, int ext2, int host)
{
    if (ext2 != host)
        fprintf(stderr, "%s %s: ext2 %d, Linux %d\n", what, path, ext2, host);
    CHECK(ext2 == host);
}

/* Open, unlink, then write and read through the open file. */
static void unlink_while_open(const char *path)
{
    struct lx_file *f;
    int err = vfs_open(&root_ctx, path, LX_O_RDWR, 0, 022, &f);
    int hfd = openat(mirror_fd, path, O_RDWR);
    expect_same("open", path, err, hfd < 0 ? -errno : 0);
    if (err < 0 || hfd < 0) {
        if (err == 0)
            file_put(f);
        if (hfd >= 0)
            close(hfd);
        return;
    }
    expect_same("unlink-open", path, vfs_unlink(&root_ctx, path), host_err(unlinkat(mirror_fd, path, 0)));
    uint8_t buf[6000], back[6000];
    fill_random(buf, sizeof(buf));
    struct lx_iovec seg;
    struct lx_uio u;
    uio_init_kernel(&u, &seg, buf, sizeof(buf));
    uint64_t pos = 100;
    CHECK(f->ops->write(f, NULL, &u, &pos) == (int64_t)sizeof(buf));
    CHECK(pwrite(hfd, buf, sizeof(buf), 100) == (ssize_t)sizeof(buf)); /* the path may have been a link */
    CHECK(vfs_read_inode(file_inode(f), 100, back, sizeof(back)) == (int64_t)sizeof(back));
    CHECK(memcmp(buf, back, sizeof(buf)) == 0);
    file_put(f);
    close(hfd);
}

static void one_operation(void)
{
    static uint8_t buf[320 * 1024];
    const char *a = pick(), *b = pick();
    switch (below(14)) {
    case 0:
    case 1:
    case 2: {
        uint64_t off = below(4) == 0 ? below(400 * 1024) : below(70000);
        if (allow_far && below(40) == 0)
            off = 70ull * 1024 * 1024 + below(1 << 20);
        size_t len = below(5) == 0 ? below(sizeof(buf)) : below(9000);
        fill_random(buf, len);
        expect_same("write", a, harness_pwrite(a, off, buf, len, true), host_pwrite(a, off, buf, len));
        break;
    }
    case 3: {
        uint64_t size = below(3) == 0 ? 0 : below(450 * 1024);
        expect_same("truncate", a, ext2_truncate_path(a, size), host_truncate(a, size));
        break;
    }
    case 4: expect_same("unlink", a, vfs_unlink(&root_ctx, a), host_err(unlinkat(mirror_fd, a, 0))); break;
    case 5:
        expect_same("rmdir", a, vfs_rmdir(&root_ctx, a), host_err(unlinkat(mirror_fd, a, AT_REMOVEDIR)));
        break;
    case 6:
    case 7:
        expect_same("mkdir", a, vfs_mkdir(&root_ctx, a, 0755), host_err(mkdirat(mirror_fd, a, 0755)));
        break;
    case 8:
    case 9: {
        unsigned flags = below(6) == 0 ? RENAME_EXCHANGE : below(6) == 0 ? RENAME_NOREPLACE : 0;
        int h = host_err(renameat2(mirror_fd, a, mirror_fd, b, flags));
        expect_same("rename", a, vfs_rename(&root_ctx, a, &root_ctx, b, flags), h);
        break;
    }
    case 10:
        expect_same("link", a, vfs_link(&root_ctx, a, 0, &root_ctx, b),
                    host_err(linkat(mirror_fd, a, mirror_fd, b, 0)));
        break;
    case 11: {
        char target[300];
        size_t len = below(2) ? 1 + below(50) : 60 + below(200);
        for (size_t i = 0; i < len; i++)
            target[i] = (char)('a' + below(26));
        target[len] = 0;
        if (below(3) == 0)
            memcpy(target, "f0", 3); /* a link that resolves */
        expect_same("symlink", b, vfs_symlink(&root_ctx, target, b),
                    host_err(symlinkat(target, mirror_fd, b)));
        break;
    }
    case 12: {
        uint32_t mode = (uint32_t)below(01000);
        expect_same("chmod", a, ext2_chmod_path(a, mode | 0700),
                    host_err(fchmodat(mirror_fd, a, mode | 0700, 0)));
        break;
    }
    case 13: unlink_while_open(a); break;
    }
}

static int mode_mutate(const char *image, const char *mirror, uint64_t seed, long steps)
{
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    mirror_fd = open(mirror, O_RDONLY | O_DIRECTORY);
    umask(0);
    struct ext2_mount_opts opts = { .page_limit = 64, .idle_inodes = 8, .cache_bytes = 16 * 1024 };
    CHECK(harness_mount(image, &opts, NULL) == 0);
    struct lx_statfs st;
    vfs_statfs(&root_ctx.root, &st);
    allow_far = st.f_bsize == 1024; /* the triple-indirect range of 1 KiB blocks */
    for (long i = 0; i < steps; i++) {
        one_operation();
        if (below(50) == 0)
            vfs_sync_all();
        if (below(200) == 0) {
            harness_unmount();
            CHECK(harness_mount(image, &opts, NULL) == 0);
        }
    }
    harness_compare_tree(".", mirror, false);
    harness_unmount();
    /* Everything reached the disk: a fresh mount with default caches sees it. */
    CHECK(harness_mount(image, NULL, NULL) == 0);
    harness_compare_tree(".", mirror, false);
    harness_unmount();
    close(mirror_fd);
    return 0;
}

/* ---- refuse, eio, readonly ------------------------------------------------------- */

static int mode_refuse(const char *image)
{
    int err = harness_mount(image, NULL, NULL);
    if (err == 0) {
        fprintf(stderr, "%s: mounted, should have been refused\n", image);
        harness_unmount();
    }
    CHECK(err == -LX_EINVAL);
    CHECK(disk.writes == 0);
    CHECK(host_heap_live() == 0 && frames_in_use() == 0);
    printf("refused: %s\n", host_last_log);
    return 0;
}

/* Reads everything reachable, tolerating errors; counts them. */
static unsigned walk_all(const char *path, int depth)
{
    struct lx_inode *ino;
    int err = harness_lookup(path, false, &ino);
    if (err < 0)
        return 1;
    unsigned errors = 0;
    if (inode_is_dir(ino) && depth < 64) {
        char *names;
        size_t count;
        errors += harness_list(ino, &names, &count) < 0;
        for (char *name = names, *end; *name; name = end + 1) {
            end = strchr(name, '\n');
            *end = 0;
            char sub[8192];
            snprintf(sub, sizeof(sub), "%s/%s", path, name);
            errors += walk_all(sub, depth + 1);
        }
        free(names);
    } else if (inode_is_reg(ino)) {
        uint8_t *data;
        size_t len;
        if (harness_read_all(path, &data, &len) < 0)
            errors++;
        else
            free(data);
    } else if (inode_is_link(ino)) {
        char target[4096];
        errors += ino->ops->readlink(ino, target, sizeof(target)) < 0;
    }
    inode_put(ino);
    return errors;
}

static int read_path(const char *path)
{
    struct lx_inode *ino;
    int err = harness_lookup(path, false, &ino);
    if (err < 0)
        return err;
    if (inode_is_reg(ino)) {
        inode_put(ino);
        uint8_t *data;
        size_t len;
        err = harness_read_all(path, &data, &len);
        if (err == 0)
            free(data);
        return err;
    }
    if (inode_is_dir(ino)) {
        char *names;
        size_t count;
        err = harness_list(ino, &names, &count);
        free(names);
    }
    inode_put(ino);
    return err;
}

static int mode_eio(const char *image, int count, char **paths)
{
    struct ext2_mount_opts opts = { .readonly = true };
    bool ro;
    int err = harness_mount(image, &opts, &ro);
    CHECK(err == 0 && ro);
    if (err < 0)
        return 1;
    err = read_path(paths[0]);
    if (err != -LX_EIO)
        fprintf(stderr, "%s: %d, expected EIO\n", paths[0], err);
    CHECK(err == -LX_EIO);
    printf("%s: EIO (%s)\n", paths[0], host_last_log);
    for (int i = 1; i < count; i++) {
        err = read_path(paths[i]);
        if (err != 0)
            fprintf(stderr, "%s: %d\n", paths[i], err);
        CHECK(err == 0);
    }
    CHECK(walk_all(".", 0) >= 1);
    harness_unmount();
    CHECK(disk.writes == 0);
    return 0;
}

static int mode_write_eio(const char *image, const char *path)
{
    CHECK(harness_mount(image, NULL, NULL) == 0);
    static uint8_t data[64 * 1024];
    memset(data, 0x5a, sizeof(data));
    CHECK(harness_pwrite(path, 0, data, sizeof(data), false) == 0); /* into the cache */
    struct lx_inode *ino;
    CHECK(harness_lookup(path, false, &ino) == 0);
    int err = ino->ops->fsync(ino);
    if (err != -LX_EIO)
        fprintf(stderr, "fsync: %d, expected EIO\n", err);
    CHECK(err == -LX_EIO);
    printf("%s: fsync EIO (%s)\n", path, host_last_log);
    inode_put(ino);
    harness_unmount();
    return 0;
}

static int mode_readonly(const char *image)
{
    struct ext2_mount_opts opts = { .readonly = true };
    bool ro;
    CHECK(harness_mount(image, &opts, &ro) == 0 && ro);
    CHECK(walk_all(".", 0) == 0);
    CHECK(vfs_mkdir(&root_ctx, "newdir", 0755) == -LX_EROFS);
    CHECK(harness_pwrite("newfile", 0, "x", 1, true) == -LX_EROFS);
    struct lx_inode *root = root_ctx.root.inode;
    struct lx_inode *made;
    struct lx_cred cred = { 0, 0 };
    /* The file system refuses by itself too, not only the mount flag. */
    CHECK(root->ops->create(root, "x", 1, LX_S_IFREG | 0644, &cred, 0, NULL, &made) == -LX_EROFS);
    vfs_sync_all();
    harness_unmount();
    CHECK(disk.writes == 0);
    return 0;
}

/* ---- blk: through the driver's interface ------------------------------------------ */

/* A fake virtio_blk driver: the image in memory, the region it shares with
 * the client, and the real driver's checks on requests. */
static struct {
    uint8_t *disk;
    size_t sectors;
    uint8_t shared[3 * 1024]; /* not a whole number of 4 KiB pages: requests are split */
    unsigned calls, fail_reads;
} fake;

enum { FAKE_MAX_SECTORS = 5, FAKE_ENDPOINT = 7 };

static int fake_capacity(void *ctx, kidl_badge_t badge, uint64_t *sectors, uint32_t *max_sectors)
{
    *sectors = fake.sectors;
    *max_sectors = FAKE_MAX_SECTORS;
    return 0;
}

static int fake_check(uint64_t sector, uint32_t count, uint64_t offset, uint64_t length)
{
    fake.calls++;
    if (count == 0 || sector >= fake.sectors || count > fake.sectors - sector)
        return BLK_ERROR_OUT_OF_RANGE;
    if (count > FAKE_MAX_SECTORS)
        return BLK_ERROR_TOO_LARGE;
    if (length < (uint64_t)count * 512 || offset > sizeof(fake.shared) ||
        length > sizeof(fake.shared) - offset)
        return BLK_ERROR_BAD_BUFFER;
    return 0;
}

static int fake_read(void *ctx, kidl_badge_t badge, uint64_t sector, uint32_t count, uint64_t offset,
                     uint64_t length)
{
    int err = fake_check(sector, count, offset, length);
    if (err)
        return err;
    if (fake.fail_reads && --fake.fail_reads == 0)
        return BLK_ERROR_IO_ERROR;
    memcpy(fake.shared + offset, fake.disk + sector * 512, (size_t)count * 512);
    return 0;
}

static int fake_write(void *ctx, kidl_badge_t badge, uint64_t sector, uint32_t count, uint64_t offset,
                      uint64_t length)
{
    int err = fake_check(sector, count, offset, length);
    if (err)
        return err;
    memcpy(fake.disk + sector * 512, fake.shared + offset, (size_t)count * 512);
    return 0;
}

static int fake_flush(void *ctx, kidl_badge_t badge)
{
    return 0;
}

static const struct blk_handlers fake_handlers = {
    .capacity = fake_capacity, .read = fake_read, .write = fake_write, .flush = fake_flush
};
static const struct blk_server fake_server = { &fake_handlers, NULL };

/* The disk's node (/dev/vda) read and written as a program would. */
static int64_t node_pread(struct lx_file *f, uint64_t off, void *buf, size_t len)
{
    struct lx_iovec seg;
    struct lx_uio u;
    uio_init_kernel(&u, &seg, buf, len);
    return f->ops->read(f, NULL, &u, &off);
}

static int64_t node_pwrite(struct lx_file *f, uint64_t off, const void *buf, size_t len)
{
    struct lx_iovec seg;
    struct lx_uio u;
    uio_init_kernel(&u, &seg, (void *)buf, len);
    return f->ops->write(f, NULL, &u, &off);
}

static struct lx_file *node_open(unsigned flags, int *err)
{
    struct lx_file *f = NULL;
    *err = vfs_open(&root_ctx, "/dev/vda", flags, 0, 022, &f);
    return f;
}

/* Unmounted: the node reads and writes the disk's bytes at any offset and
 * length, stops at its end, and holds off mount(2) while open for writing. */
static void node_unmounted(size_t size)
{
    int err;
    struct lx_file *f = node_open(LX_O_RDWR, &err);
    CHECK(err == 0);
    uint8_t magic[2];
    CHECK(node_pread(f, 1024 + 56, magic, 2) == 2 && magic[0] == 0x53 && magic[1] == 0xef);
    CHECK(f->ops->lseek(f, 0, LX_SEEK_END) == (int64_t)size);
    CHECK(f->ops->lseek(f, 1, LX_SEEK_END) == -LX_EINVAL);
    CHECK(f->ops->lseek(f, -1, LX_SEEK_SET) == -LX_EINVAL);
    CHECK(f->ops->lseek(f, 100, LX_SEEK_SET) == 100 && f->ops->lseek(f, 5, LX_SEEK_CUR) == 105);
    CHECK(f->ops->lseek(f, (int64_t)size, LX_SEEK_DATA) == -LX_ENXIO);
    CHECK(f->ops->lseek(f, 7, LX_SEEK_HOLE) == (int64_t)size);
    static uint8_t buf[10000], saved[10000], pattern[10000];
    CHECK(node_pread(f, size, buf, 10) == 0);
    CHECK(node_pread(f, size - 3, buf, 10) == 3 && memcmp(buf, fake.disk + size - 3, 3) == 0);
    CHECK(node_pwrite(f, size, buf, 10) == -LX_ENOSPC);
    CHECK(node_pwrite(f, size + 4096, buf, 1) == -LX_ENOSPC);
    CHECK(node_pwrite(f, size, buf, 0) == 0);
    /* Writes that start and end inside sectors, one that crosses the end:
     * exactly those bytes change, on the device itself. */
    static const struct {
        uint64_t off;
        size_t len;
    } writes[] = { { 12345, 1000 }, { 4096 - 7, 7 + 512 + 9 }, { 3 * 4096, 2000 }, { 5000, 9000 }, { 0, 0 } };
    for (unsigned i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
        uint64_t off = writes[i].off ? writes[i].off : size - 300;
        size_t len = writes[i].len ? writes[i].len : 700, landed = off + len > size ? size - off : len;
        uint8_t *before = malloc(size);
        memcpy(before, fake.disk, size);
        memcpy(saved, fake.disk + off, landed);
        fill_random(pattern, len);
        CHECK(node_pwrite(f, off, pattern, len) == (int64_t)landed);
        CHECK(memcmp(fake.disk + off, pattern, landed) == 0);
        CHECK(memcmp(fake.disk, before, off) == 0);
        CHECK(memcmp(fake.disk + off + landed, before + off + landed, size - off - landed) == 0);
        CHECK(node_pread(f, off, buf, len) == (int64_t)landed && memcmp(buf, pattern, landed) == 0);
        CHECK(node_pwrite(f, off, saved, landed) == (int64_t)landed);
        CHECK(memcmp(fake.disk, before, size) == 0);
        free(before);
    }
    CHECK(f->ops->fsync(f) == 0);
    /* Open for writing: no mount. */
    CHECK(vfs_mount_call(&root_ctx, "/dev/vda", "/mnt", "ext2", 0, "") == -LX_EBUSY);
    file_put(f);
    CHECK(lx_disk_find(lx_makedev(254, 0))->writers == 0);
}

/* Mounted: no opens for writing; reading shows the file system's metadata
 * as its block cache has it, which fsync on the node writes out. */
static void node_mounted(size_t size)
{
    int err;
    CHECK(node_open(LX_O_RDWR, &err) == NULL && err == -LX_EBUSY);
    CHECK(node_open(LX_O_WRONLY, &err) == NULL && err == -LX_EBUSY);
    struct lx_file *f = node_open(LX_O_RDONLY, &err);
    CHECK(err == 0);
    struct lx_disk *d = lx_disk_find(lx_makedev(254, 0));
    CHECK(d->fs && bcache_dirty_count(d->fs->bc) > 0); /* what the overlay is for */
    uint8_t *seen = malloc(size);
    /* Odd pieces, so that blocks are cut across chunk boundaries. */
    for (size_t off = 0; off < size;) {
        size_t len = off % 3 ? 3000 : 777;
        if (len > size - off)
            len = size - off;
        CHECK(node_pread(f, off, seen + off, len) == (int64_t)len);
        off += len;
    }
    CHECK(memcmp(seen, fake.disk, size) != 0);
    CHECK(f->ops->fsync(f) == 0);
    CHECK(bcache_dirty_count(d->fs->bc) == 0);
    CHECK(memcmp(seen, fake.disk, size) == 0);
    free(seen);
    /* The block ioctls. */
    struct lx_thread *t = host_thread_new(0, 0), *user = host_thread_new(1000, 1000);
    uint64_t arg = host_user_alloc(8);
    uint64_t value = 0;
    CHECK(f->ops->ioctl(f, t, 0x80081272u, arg) == 0); /* BLKGETSIZE64 */
    memcpy(&value, host_user_ptr(arg), 8);
    CHECK(value == size);
    CHECK(f->ops->ioctl(f, t, 0x1260u, arg) == 0); /* BLKGETSIZE */
    memcpy(&value, host_user_ptr(arg), 8);
    CHECK(value == size / 512);
    int32_t small = 0;
    CHECK(f->ops->ioctl(f, t, 0x1268u, arg) == 0); /* BLKSSZGET */
    memcpy(&small, host_user_ptr(arg), 4);
    CHECK(small == 512);
    CHECK(f->ops->ioctl(f, t, 0x80081270u, arg) == 0); /* BLKBSZGET: the file system's block */
    memcpy(&small, host_user_ptr(arg), 4);
    CHECK(small == (int32_t)d->fs->block_size);
    CHECK(f->ops->ioctl(f, t, 0x80081272u, 0x1000) == -LX_EFAULT);
    CHECK(f->ops->ioctl(f, t, 0x5401u, arg) == -LX_ENOTTY);  /* TCGETS: not a terminal */
    CHECK(f->ops->ioctl(f, user, 0x1261u, 0) == -LX_EACCES); /* BLKFLSBUF needs root */
    CHECK(f->ops->ioctl(f, t, 0x1261u, 0) == 0);
    host_thread_free(user);
    host_thread_free(t);
    file_put(f);
}

static int mode_blk(const char *image, const char *tree)
{
    FILE *f = fopen(image, "r+b");
    if (!f)
        return 2;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    fake.disk = malloc((size_t)size);
    fake.sectors = (size_t)size / 512;
    CHECK(fread(fake.disk, 1, (size_t)size, f) == (size_t)size);
    CHECK(kidl_loopback_bind(FAKE_ENDPOINT, blk_dispatch_any, &fake_server, 0) == 0);
    /* A root file system with /mnt and the disk's node, as at boot. */
    static const uint8_t empty_archive[1024];
    CHECK(vfs_init_from_tar(empty_archive, sizeof(empty_archive)) == 0);
    root_ctx = (struct lx_lookup_ctx){ .cred = { 0, 0 } };
    CHECK(vfs_root(&root_ctx.root));
    root_ctx.start = root_ctx.root;
    const uint64_t vda = lx_makedev(254, 0);
    CHECK(vfs_mkdir(&root_ctx, "/mnt", 0755) == 0);
    CHECK(vfs_mknod(&root_ctx, "/dev/notblk", LX_S_IFCHR | 0600, vda) == 0);
    struct lx_path mnt;
    CHECK(vfs_lookup(&root_ctx, "/mnt", 0, &mnt) == 0);
    /* A disk that fails while the mount reads it: refused, but it stays
     * registered and can be mounted once it works. */
    fake.fail_reads = 3;
    CHECK(ext2_mount_blk(FAKE_ENDPOINT, fake.shared, sizeof(fake.shared), &mnt, vda, NULL) == -LX_EIO);
    fake.fail_reads = 0;
    path_put(&mnt);
    /* Registered, the disk has its node in devtmpfs (mounted before it came). */
    struct lx_path node;
    CHECK(vfs_lookup(&root_ctx, "/dev/vda", 0, &node) == 0);
    CHECK(node.inode->mode == (LX_S_IFBLK | 0660) && node.inode->rdev == vda);
    CHECK(node.inode->uid == 0 && node.inode->gid == 6);
    path_put(&node);
    node_unmounted((size_t)size);
    CHECK(vfs_mount_call(&root_ctx, "/dev/notblk", "/mnt", "ext2", 0, "") == -15); /* ENOTBLK */
    CHECK(vfs_mount_call(&root_ctx, "/dev/null", "/mnt", "ext2", 0, "") == -15);
    CHECK(vfs_mount_call(&root_ctx, "/dev/nothing", "/mnt", "ext2", 0, "") == -LX_ENOENT);
    CHECK(vfs_mknod(&root_ctx, "/tmp/vdb", LX_S_IFBLK | 0600, lx_makedev(254, 16)) == 0);
    CHECK(vfs_mount_call(&root_ctx, "/tmp/vdb", "/mnt", "ext2", 0, "") == -LX_ENXIO); /* not registered */
    CHECK(vfs_mknod(&root_ctx, "/tmp/vda", LX_S_IFBLK | 0600, vda) == 0);
    CHECK(vfs_mount_call(&root_ctx, "none", "/tmp", NULL, LX_MS_REMOUNT | LX_MS_NODEV, NULL) == 0);
    CHECK(vfs_mount_call(&root_ctx, "/tmp/vda", "/mnt", "ext2", 0, "") == -LX_EACCES); /* a nodev mount */
    CHECK(vfs_mount_call(&root_ctx, "/dev/vda", "/mnt", "ext2", 0, "bogus") == -LX_EINVAL);
    CHECK(vfs_mount_call(&root_ctx, "/dev/vda", "/mnt", "ext2", 0, "") == 0);
    CHECK(vfs_mount_call(&root_ctx, "/dev/vda", "/tmp", "ext2", 0, "") == -LX_EBUSY); /* mounted already */
    harness_compare_tree("/mnt", tree, true);
    static uint8_t data[100000];
    fill_random(data, sizeof(data));
    CHECK(vfs_mkdir(&root_ctx, "/mnt/through-blk", 0755) == 0);
    CHECK(harness_pwrite("/mnt/through-blk/data", 0, data, sizeof(data), true) == 0);
    node_mounted((size_t)size);
    /* umount waits for what is open in it (the file system's busy op). */
    struct lx_file *open_file;
    CHECK(vfs_open(&root_ctx, "/mnt/one", LX_O_RDONLY, 0, 022, &open_file) == 0);
    struct lx_inode *held = file_inode(open_file);
    inode_get(held);
    file_put(open_file);
    CHECK(vfs_umount_call(&root_ctx, "/mnt", 0) == -LX_EBUSY);
    inode_put(held);
    CHECK(vfs_umount_call(&root_ctx, "/mnt", 0) == 0);
    int err;
    file_put(node_open(LX_O_RDWR, &err)); /* unmounted: writers welcome again */
    CHECK(err == 0);
    /* Mounted again, read-only: writers still refused. */
    CHECK(vfs_mount_call(&root_ctx, "/dev/vda", "/mnt", "ext2", 0, "ro") == 0);
    struct lx_path p;
    CHECK(vfs_lookup(&root_ctx, "/mnt/through-blk/data", 0, &p) == 0);
    struct lx_statfs st;
    vfs_statfs(&p, &st);
    CHECK(st.f_type == EXT2_SUPER_MAGIC && (st.f_flags & LX_ST_RDONLY));
    path_put(&p);
    CHECK(vfs_mkdir(&root_ctx, "/mnt/x", 0755) == -LX_EROFS);
    CHECK(node_open(LX_O_WRONLY, &err) == NULL && err == -LX_EBUSY);
    CHECK(vfs_umount_call(&root_ctx, "/mnt", 0) == 0);
    path_put(&root_ctx.root);
    vfs_unmount_all();
    CHECK(frames_in_use() == 0);
    CHECK(host_heap_live() == 1); /* the registered disk lives on */
    CHECK(fake.calls > 0);
    fseek(f, 0, SEEK_SET);
    CHECK(fwrite(fake.disk, 1, (size_t)size, f) == (size_t)size);
    fclose(f);
    free(fake.disk);
    /* What went through the driver is on the disk. */
    CHECK(harness_mount(image, NULL, NULL) == 0);
    uint8_t *back;
    size_t len;
    CHECK(harness_read_all("through-blk/data", &back, &len) == 0 && len == sizeof(data) &&
          memcmp(back, data, len) == 0);
    free(back);
    path_put(&root_ctx.root);
    vfs_unmount_all();
    host_blockdev_close(&disk);
    return 0;
}

/* ---- unit ------------------------------------------------------------------------ */

static void unit_space(void)
{
    /* Fill the disk: writes stop at ENOSPC with a short count, nothing
     * leaks, and deleting gives every block back. */
    struct lx_statfs before, full, after;
    vfs_statfs(&root_ctx.root, &before);
    static uint8_t chunk[64 * 1024];
    fill_random(chunk, sizeof(chunk));
    struct lx_file *f;
    CHECK(vfs_open(&root_ctx, "fill", LX_O_CREAT | LX_O_WRONLY, 0644, 022, &f) == 0);
    uint64_t total = 0;
    int64_t n;
    for (;;) {
        struct lx_iovec seg;
        struct lx_uio u;
        uio_init_kernel(&u, &seg, chunk, sizeof(chunk));
        n = f->ops->write(f, NULL, &u, &f->pos);
        if (n <= 0)
            break;
        total += (uint64_t)n;
    }
    CHECK(n == -LX_ENOSPC);
    CHECK(total > 0);
    vfs_statfs(&root_ctx.root, &full);
    CHECK(full.f_bfree == 0);
    CHECK(file_inode(f)->size == total);
    /* Creating needs no block for an inode, but a directory needs one. */
    CHECK(vfs_mkdir(&root_ctx, "nospace", 0755) == -LX_ENOSPC);
    CHECK(vfs_symlink(&root_ctx, "0123456789012345678901234567890123456789012345678901234567890123456789",
                      "slowlink") == -LX_ENOSPC);
    file_put(f);
    uint8_t *data;
    size_t len;
    CHECK(harness_read_all("fill", &data, &len) == 0 && len == total);
    bool same = true;
    for (uint64_t off = 0; off < len && same; off += sizeof(chunk))
        same = memcmp(data + off, chunk, len - off < sizeof(chunk) ? len - off : sizeof(chunk)) == 0;
    CHECK(same);
    free(data);
    CHECK(vfs_unlink(&root_ctx, "fill") == 0);
    vfs_statfs(&root_ctx.root, &after);
    CHECK(after.f_bfree == before.f_bfree);
    CHECK(after.f_ffree == before.f_ffree);
}

static void unit_unlink_open(void)
{
    struct lx_statfs before, during, after;
    vfs_statfs(&root_ctx.root, &before);
    static uint8_t data[200000];
    fill_random(data, sizeof(data));
    CHECK(harness_pwrite("open-unlinked", 0, data, sizeof(data), true) == 0);
    struct lx_file *f;
    CHECK(vfs_open(&root_ctx, "open-unlinked", LX_O_RDONLY, 0, 022, &f) == 0);
    CHECK(vfs_unlink(&root_ctx, "open-unlinked") == 0);
    CHECK(file_inode(f)->nlink == 0);
    vfs_statfs(&root_ctx.root, &during);
    CHECK(during.f_bfree < before.f_bfree); /* still held */
    static uint8_t back[200000];
    CHECK(vfs_read_inode(file_inode(f), 0, back, sizeof(back)) == (int64_t)sizeof(back));
    CHECK(memcmp(data, back, sizeof(data)) == 0);
    vfs_sync_all();
    file_put(f); /* the last close frees it */
    vfs_statfs(&root_ctx.root, &after);
    CHECK(after.f_bfree == before.f_bfree && after.f_ffree == before.f_ffree);
}

static void unit_names(void)
{
    CHECK(vfs_mkdir(&root_ctx, "a", 0755) == 0);
    CHECK(vfs_mkdir(&root_ctx, "a/b", 0755) == 0);
    CHECK(vfs_mkdir(&root_ctx, "c", 0755) == 0);
    CHECK(harness_pwrite("a/b/file", 0, "hello", 5, true) == 0);
    struct lx_inode *a, *b, *c, *root = root_ctx.root.inode, *up;
    CHECK(harness_lookup("a", false, &a) == 0 && a->nlink == 3);
    CHECK(harness_lookup("c", false, &c) == 0 && c->nlink == 2);
    unsigned root_links = root->nlink;
    /* A directory moves between directories: `..` and the counts follow. */
    CHECK(vfs_rename(&root_ctx, "a/b", &root_ctx, "c/b", 0) == 0);
    CHECK(a->nlink == 2 && c->nlink == 3);
    CHECK(harness_lookup("c/b", false, &b) == 0);
    CHECK(b->ops->parent(b, &up) == 0 && up == c);
    inode_put(up);
    CHECK(harness_lookup("c/b/..", false, &up) == 0 && up == c);
    inode_put(up);
    CHECK(vfs_rename(&root_ctx, "c", &root_ctx, "c/b/x", 0) == -LX_EINVAL); /* into itself */
    /* Replacing: a file over a file, a directory over an empty one. */
    CHECK(harness_pwrite("c/other", 0, "x", 1, true) == 0);
    CHECK(vfs_rename(&root_ctx, "c/b/file", &root_ctx, "c/other", 0) == 0);
    uint8_t *data;
    size_t len;
    CHECK(harness_read_all("c/other", &data, &len) == 0 && len == 5 && memcmp(data, "hello", 5) == 0);
    free(data);
    CHECK(vfs_mkdir(&root_ctx, "a/empty", 0755) == 0);
    CHECK(a->nlink == 3);
    CHECK(vfs_rename(&root_ctx, "c/b", &root_ctx, "a/empty", 0) == 0);
    CHECK(a->nlink == 3 && c->nlink == 2);
    CHECK(vfs_rmdir(&root_ctx, "a") == -LX_ENOTEMPTY);
    /* Exchange a directory and a file across directories. */
    CHECK(vfs_rename(&root_ctx, "a/empty", &root_ctx, "c/other", LX_RENAME_EXCHANGE) == 0);
    CHECK(a->nlink == 2 && c->nlink == 3);
    struct lx_inode *moved;
    CHECK(harness_lookup("c/other", false, &moved) == 0 && inode_is_dir(moved));
    CHECK(moved->ops->parent(moved, &up) == 0 && up == c);
    inode_put(up);
    inode_put(moved);
    /* Hard links and their counts. */
    CHECK(vfs_link(&root_ctx, "a/empty", 0, &root_ctx, "l1") == 0);
    CHECK(vfs_link(&root_ctx, "a/empty", 0, &root_ctx, "c/l2") == 0);
    struct lx_inode *file;
    CHECK(harness_lookup("l1", false, &file) == 0 && file->nlink == 3);
    CHECK(vfs_unlink(&root_ctx, "a/empty") == 0 && file->nlink == 2);
    CHECK(vfs_link(&root_ctx, "a", 0, &root_ctx, "dirlink") == -LX_EPERM);
    inode_put(file);
    /* Symbolic links, fast and slow. */
    char long_target[300];
    memset(long_target, 'y', sizeof(long_target) - 1);
    long_target[sizeof(long_target) - 1] = 0;
    CHECK(vfs_symlink(&root_ctx, "l1", "fast") == 0);
    CHECK(vfs_symlink(&root_ctx, long_target, "slow") == 0);
    char buf[400];
    CHECK(vfs_readlink(&root_ctx, "fast", buf, sizeof(buf)) == 2 && memcmp(buf, "l1", 2) == 0);
    CHECK(vfs_readlink(&root_ctx, "slow", buf, sizeof(buf)) == 299 && memcmp(buf, long_target, 299) == 0);
    struct lx_inode *through;
    CHECK(harness_lookup("fast", true, &through) == 0 && through->nlink == 2);
    inode_put(through);
    CHECK(vfs_unlink(&root_ctx, "slow") == 0);
    /* Removing directories. */
    CHECK(vfs_rmdir(&root_ctx, "c") == -LX_ENOTEMPTY);
    CHECK(vfs_rmdir(&root_ctx, "c/other") == 0);
    CHECK(c->nlink == 2);
    CHECK(vfs_unlink(&root_ctx, "c/l2") == 0);
    CHECK(vfs_rmdir(&root_ctx, "c") == 0);
    CHECK(c->nlink == 0);
    CHECK(c->ops->parent(c, &up) == -LX_ENOENT);
    CHECK(root->nlink == root_links - 1); /* "c" is gone */
    inode_put(a);
    inode_put(b);
    inode_put(c);
    /* Devices and FIFOs keep their numbers. */
    CHECK(vfs_mknod(&root_ctx, "chr", LX_S_IFCHR | 0600, lx_makedev(4, 64)) == 0);
    CHECK(vfs_mknod(&root_ctx, "bigdev", LX_S_IFBLK | 0600, lx_makedev(300, 70000)) == 0);
    CHECK(vfs_mknod(&root_ctx, "fifo", LX_S_IFIFO | 0600, 0) == 0);
}

static void unit_big_directory(void)
{
    /* More entries than a block holds: the directory grows, and removing
     * every other entry then adding again reuses the space. */
    CHECK(vfs_mkdir(&root_ctx, "many", 0755) == 0);
    char name[64];
    for (int i = 0; i < 600; i++) {
        snprintf(name, sizeof(name), "many/entry-with-a-longish-name-%04d", i);
        CHECK(harness_pwrite(name, 0, name, strlen(name), true) == 0);
    }
    struct lx_inode *dir;
    CHECK(harness_lookup("many", false, &dir) == 0);
    uint64_t size = dir->size;
    CHECK(size > dir->sb->block_size);
    for (int i = 0; i < 600; i += 2) {
        snprintf(name, sizeof(name), "many/entry-with-a-longish-name-%04d", i);
        CHECK(vfs_unlink(&root_ctx, name) == 0);
    }
    for (int i = 0; i < 600; i += 2) {
        snprintf(name, sizeof(name), "many/new-%04d", i);
        CHECK(vfs_mkdir(&root_ctx, name, 0700) == 0);
    }
    CHECK(dir->size == size);
    CHECK(dir->nlink == 2 + 300);
    char *names;
    size_t count;
    CHECK(harness_list(dir, &names, &count) == 0 && count == 600);
    free(names);
    /* readdir resumes where a full buffer stopped. */
    inode_put(dir);
    CHECK(harness_lookup("many/entry-with-a-longish-name-0001", false, &dir) == 0);
    uint8_t *data;
    size_t len;
    CHECK(harness_read_all("many/entry-with-a-longish-name-0001", &data, &len) == 0);
    CHECK(len == strlen("many/entry-with-a-longish-name-0001"));
    free(data);
    inode_put(dir);
}

struct stop_after {
    unsigned left, seen;
    uint64_t last_pos;
};

static bool stop_fill(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype, uint64_t next)
{
    struct stop_after *s = ctx;
    if (s->left == 0)
        return false;
    s->left--;
    s->seen++;
    s->last_pos = next;
    return true;
}

static void unit_readdir_positions(void)
{
    struct lx_inode *dir;
    CHECK(harness_lookup("many", false, &dir) == 0);
    uint64_t pos = 0;
    unsigned total = 0;
    for (int round = 0; round < 1000; round++) {
        struct stop_after s = { 7, 0, 0 };
        CHECK(dir->ops->readdir(dir, &pos, stop_fill, &s) == 0);
        total += s.seen;
        if (s.seen < 7)
            break;
    }
    CHECK(total == 602); /* with "." and ".." */
    /* A position in the middle of an entry goes on at the next one. */
    pos = 5;
    struct stop_after s = { 1, 0, 0 };
    CHECK(dir->ops->readdir(dir, &pos, stop_fill, &s) == 0 && s.seen == 1);
    inode_put(dir);
}

static void unit_holes_truncate(void)
{
    static uint8_t a[5000], back[300000];
    fill_random(a, sizeof(a));
    /* Data, a hole, data far away (double indirect with 1 KiB blocks). */
    CHECK(harness_pwrite("sparse", 0, a, sizeof(a), true) == 0);
    CHECK(harness_pwrite("sparse", 290000, a, sizeof(a), true) == 0);
    struct lx_inode *ino;
    CHECK(harness_lookup("sparse", false, &ino) == 0);
    CHECK(ino->size == 295000);
    uint64_t blocks = ino->blocks;
    CHECK(blocks * 512 < 40000); /* the hole takes no blocks */
    CHECK(vfs_read_inode(ino, 0, back, 295000) == 295000);
    CHECK(memcmp(back, a, sizeof(a)) == 0 && memcmp(back + 290000, a, sizeof(a)) == 0);
    bool zeros = true;
    for (size_t i = sizeof(a); i < 290000; i++)
        zeros &= back[i] == 0;
    CHECK(zeros);
    /* Truncating into the middle of a block keeps zeros past the end when
     * the file grows again. */
    struct lx_path p = { root_ctx.root.mnt, ino };
    CHECK(vfs_truncate(NULL, &p, 100) == 0);
    CHECK(ino->size == 100 && ino->blocks < blocks);
    CHECK(vfs_truncate(NULL, &p, 20000) == 0);
    CHECK(vfs_read_inode(ino, 0, back, 20000) == 20000);
    zeros = memcmp(back, a, 100) == 0;
    for (size_t i = 100; i < 20000; i++)
        zeros &= back[i] == 0;
    CHECK(zeros);
    CHECK(vfs_truncate(NULL, &p, 0) == 0 && ino->blocks == 0);
    /* O_APPEND and writes at odd offsets across page boundaries. */
    for (int i = 0; i < 20; i++)
        CHECK(harness_pwrite("sparse", (uint64_t)i * 4093, a, 4099, false) == 0);
    CHECK(ino->size == 19 * 4093 + 4099);
    inode_put(ino);
}

static void unit_mapping(void)
{
    /* A shared mapping writes into the cache frame behind the file
     * system's back (even into a hole): sync writes it. */
    static uint8_t a[8192];
    fill_random(a, sizeof(a));
    CHECK(harness_pwrite("mapped", 0, a, 10, true) == 0);
    struct lx_path p;
    CHECK(vfs_lookup(&root_ctx, "mapped", 0, &p) == 0);
    CHECK(vfs_truncate(NULL, &p, 3 * 4096) == 0);
    lx_frame_t f0, f2;
    CHECK(vfs_get_page(p.inode, 0, &f0) == 0);
    CHECK(vfs_get_page(p.inode, 2, &f2) == 0);
    memcpy((uint8_t *)frame_ptr(f0) + 100, "mapped write", 12);
    memcpy((uint8_t *)frame_ptr(f2) + 4000, "into a hole", 11);
    vfs_sync_all();
    frame_unref(f0);
    frame_unref(f2);
    path_put(&p);
}

static void unit_check_mapping_persisted(void)
{
    uint8_t *data;
    size_t len;
    CHECK(harness_read_all("mapped", &data, &len) == 0 && len == 3 * 4096);
    CHECK(memcmp(data + 100, "mapped write", 12) == 0);
    CHECK(memcmp(data + 2 * 4096 + 4000, "into a hole", 11) == 0);
    free(data);
}

static void unit_caches(void)
{
    /* Small bounds: many files, each read twice; the caches stay within
     * their limits and the data stays right. */
    struct ext2_stats st;
    char name[64];
    static uint8_t a[9000];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof(name), "cache-%d", i);
        fill_random(a, sizeof(a));
        a[0] = (uint8_t)i;
        CHECK(harness_pwrite(name, 0, a, sizeof(a), true) == 0);
    }
    ext2_get_stats(root_ctx.root.inode->sb, &st);
    CHECK(st.pages <= 16 + 3 && st.idle_inodes <= 4);
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof(name), "cache-%d", i);
        uint8_t *data;
        size_t len;
        CHECK(harness_read_all(name, &data, &len) == 0 && len == sizeof(a) && data[0] == (uint8_t)i);
        free(data);
    }
    ext2_get_stats(root_ctx.root.inode->sb, &st);
    CHECK(st.pages <= 16 + 3 && st.idle_inodes <= 4 && st.cache_blocks <= 16);
}

static void unit_frames_tight(void)
{
    /* The frame pool runs dry (programs took it): the cache gives frames
     * back instead of failing. */
    static uint8_t a[120000];
    fill_random(a, sizeof(a));
    CHECK(harness_pwrite("tight", 0, a, sizeof(a), true) == 0);
    vfs_sync_all();
    host_frames_limit(frames_in_use() + 2);
    uint8_t *data;
    size_t len;
    CHECK(harness_read_all("tight", &data, &len) == 0 && len == sizeof(a) && memcmp(data, a, len) == 0);
    free(data);
    host_frames_limit(HOST_FRAMES_MAX);
}

static void unit_io_errors(void)
{
    /* A device that fails: errors come back, nothing crashes. */
    disk.fail_writes_after = 1;
    CHECK(harness_pwrite("ioerr", 0, "data", 4, true) == 0); /* cached */
    vfs_sync_all();                                          /* the write fails here */
    disk.fail_writes_after = 0;
    vfs_sync_all(); /* and succeeds now */
    uint8_t *data;
    size_t len;
    CHECK(harness_read_all("ioerr", &data, &len) == 0 && len == 4 && memcmp(data, "data", 4) == 0);
    free(data);
}

static int mode_unit(const char *image)
{
    rng_state = 12345;
    struct ext2_mount_opts small = { .page_limit = 16, .idle_inodes = 4, .cache_bytes = 16 * 1024 };
    CHECK(harness_mount(image, &small, NULL) == 0);
    unit_space();
    unit_unlink_open();
    unit_names();
    unit_big_directory();
    unit_readdir_positions();
    unit_holes_truncate();
    unit_mapping();
    unit_caches();
    unit_frames_tight();
    unit_io_errors();
    harness_unmount();
    CHECK(harness_mount(image, NULL, NULL) == 0);
    unit_check_mapping_persisted();
    struct lx_inode *dev;
    CHECK(harness_lookup("bigdev", false, &dev) == 0 && dev->rdev == lx_makedev(300, 70000));
    inode_put(dev);
    harness_unmount();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s verify|mutate|refuse|eio|readonly|unit IMAGE ...\n", argv[0]);
        return 2;
    }
    const char *mode = argv[1], *image = argv[2];
    int r = 2;
    if (!strcmp(mode, "verify") && argc == 4)
        r = mode_verify(image, argv[3]);
    else if (!strcmp(mode, "mutate") && argc == 6)
        r = mode_mutate(image, argv[3], strtoull(argv[4], NULL, 0), strtol(argv[5], NULL, 0));
    else if (!strcmp(mode, "refuse") && argc == 3)
        r = mode_refuse(image);
    else if (!strcmp(mode, "eio") && argc >= 4)
        r = mode_eio(image, argc - 3, argv + 3);
    else if (!strcmp(mode, "write-eio") && argc == 4)
        r = mode_write_eio(image, argv[3]);
    else if (!strcmp(mode, "readonly") && argc == 3)
        r = mode_readonly(image);
    else if (!strcmp(mode, "blk") && argc == 4)
        r = mode_blk(image, argv[3]);
    else if (!strcmp(mode, "unit") && argc == 3)
        r = mode_unit(image);
    if (r == 2) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    int failures = check_failures + harness_check_failures();
    printf("test_ext2 %s: %d checks, %d failed\n", mode, check_count + harness_check_count(), failures);
    return failures || r ? 1 : 0;
}
