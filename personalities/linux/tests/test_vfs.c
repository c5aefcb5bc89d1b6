/* personalities/linux/tests/test_vfs.c — the VFS and memfs through their
 * own interfaces: path lookup's edge cases (symbolic links and their
 * limit, `..`, trailing slashes, long names, mounts), the name-space
 * operations and their errors, permissions, and memfs files (page cache,
 * holes, truncate, unlink while open, rename, readdir positions). */
#include "../file.h"
#include "../memfs.h"
#include "../uio.h"
#include "../vfs.h"
#include "check.h"
#include "host_env.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct lx_lookup_ctx root_ctx;

static void setup(void)
{
    static const uint8_t empty[1024];
    CHECK(vfs_init_from_tar(empty, sizeof(empty)) == 0);
    root_ctx = (struct lx_lookup_ctx){ .cred = { 0, 0 } };
    CHECK(vfs_root(&root_ctx.root));
    root_ctx.start = root_ctx.root;
}

static void teardown(void)
{
    path_put(&root_ctx.root);
    vfs_unmount_all();
    CHECK(frames_in_use() == 0);
    CHECK(host_heap_live() == 0);
}

static struct lx_lookup_ctx as_user(uint32_t uid, uint32_t gid)
{
    struct lx_lookup_ctx c = root_ctx;
    c.cred = (struct lx_cred){ uid, gid };
    return c;
}

static int lookup(const struct lx_lookup_ctx *c, const char *path, unsigned flags, struct lx_inode **out)
{
    struct lx_path p;
    int err = vfs_lookup(c, path, flags, &p);
    if (err == 0) {
        if (out) {
            *out = p.inode;
            inode_get(*out);
        }
        path_put(&p);
    }
    return err;
}

static int exists(const char *path)
{
    return lookup(&root_ctx, path, 0, NULL);
}

static int write_file(const char *path, const char *data)
{
    struct lx_file *f;
    int err = vfs_open(&root_ctx, path, LX_O_CREAT | LX_O_WRONLY | LX_O_TRUNC, 0644, 022, &f);
    if (err < 0)
        return err;
    struct lx_iovec seg;
    struct lx_uio u;
    uio_init_kernel(&u, &seg, (void *)data, strlen(data));
    int64_t n = f->ops->write(f, NULL, &u, &f->pos);
    file_put(f);
    return n == (int64_t)strlen(data) ? 0 : (int)n;
}

static int read_file(const char *path, char *buf, size_t size)
{
    struct lx_file *f;
    int err = vfs_open(&root_ctx, path, LX_O_RDONLY, 0, 022, &f);
    if (err < 0)
        return err;
    struct lx_iovec seg;
    struct lx_uio u;
    uio_init_kernel(&u, &seg, buf, size - 1);
    int64_t n = f->ops->read(f, NULL, &u, &f->pos);
    file_put(f);
    if (n >= 0)
        buf[n] = 0;
    return (int)n;
}

static void test_lookup(void)
{
    setup();
    CHECK(vfs_mkdir(&root_ctx, "a", 0755) == 0);
    CHECK(vfs_mkdir(&root_ctx, "a/b", 0755) == 0);
    CHECK(write_file("a/b/f", "data") == 0);
    struct lx_inode *f, *g;
    CHECK(lookup(&root_ctx, "/a/b/f", 0, &f) == 0);
    CHECK(lookup(&root_ctx, "//a///b/./f", 0, &g) == 0 && g == f);
    inode_put(g);
    CHECK(lookup(&root_ctx, "a/b/../b/f", 0, &g) == 0 && g == f);
    inode_put(g);
    CHECK(lookup(&root_ctx, "/../../a/b/f", 0, &g) == 0 && g == f); /* `..` stops at the root */
    inode_put(g);
    inode_put(f);
    CHECK(exists("") == -LX_ENOENT);
    CHECK(exists("a/b/f/") == -LX_ENOTDIR);
    CHECK(exists("a/b/f/.") == -LX_ENOTDIR);
    CHECK(exists("a/b/f/x") == -LX_ENOTDIR);
    CHECK(exists("a/b/f/..") == -LX_ENOTDIR);
    CHECK(exists("a/b/") == 0 && exists("a/b/.") == 0 && exists("a/b//") == 0);
    CHECK(exists("a/missing/x") == -LX_ENOENT);
    CHECK(lookup(&root_ctx, "a/b/f", LX_LOOKUP_DIRECTORY, NULL) == -LX_ENOTDIR);
    struct lx_lookup_ctx at_file = root_ctx;
    struct lx_path fp;
    CHECK(vfs_lookup(&root_ctx, "a/b/f", 0, &fp) == 0);
    at_file.start = fp;
    CHECK(lookup(&at_file, "x", 0, NULL) == -LX_ENOTDIR);
    CHECK(lookup(&at_file, "", LX_LOOKUP_EMPTY, &f) == 0 && f == fp.inode);
    inode_put(f);
    CHECK(lookup(&at_file, "", 0, NULL) == -LX_ENOENT);
    path_put(&fp);

    /* Names: a component of 255 bytes is fine, 256 is not; a path may be
     * at most PATH_MAX-1 long (the system calls refuse longer ones). */
    char name[300];
    memset(name, 'n', 256);
    name[256] = 0;
    CHECK(exists(name) == -LX_ENAMETOOLONG);
    CHECK(vfs_mkdir(&root_ctx, name, 0755) == -LX_ENAMETOOLONG);
    name[255] = 0;
    CHECK(exists(name) == -LX_ENOENT);
    CHECK(write_file(name, "x") == 0 && exists(name) == 0);
    teardown();
}

static void test_symlinks(void)
{
    setup();
    CHECK(vfs_mkdir(&root_ctx, "d", 0755) == 0);
    CHECK(write_file("d/f", "hello") == 0);
    CHECK(vfs_symlink(&root_ctx, "f", "d/rel") == 0);
    CHECK(vfs_symlink(&root_ctx, "/d", "abs") == 0);
    CHECK(vfs_symlink(&root_ctx, "../d/f", "d/up") == 0);
    CHECK(vfs_symlink(&root_ctx, "nowhere", "dangling") == 0);
    CHECK(vfs_symlink(&root_ctx, "loop2", "loop1") == 0);
    CHECK(vfs_symlink(&root_ctx, "loop1", "loop2") == 0);
    CHECK(vfs_symlink(&root_ctx, "self/x", "self") == 0);
    CHECK(vfs_symlink(&root_ctx, "", "empty") == -LX_ENOENT);
    char buf[64];
    CHECK(read_file("d/rel", buf, sizeof(buf)) == 5 && strcmp(buf, "hello") == 0);
    CHECK(read_file("abs/up", buf, sizeof(buf)) == 5);
    CHECK(read_file("abs/../abs/rel", buf, sizeof(buf)) == 5);
    struct lx_inode *l, *d;
    CHECK(lookup(&root_ctx, "abs", 0, &l) == 0 && inode_is_link(l));
    inode_put(l);
    CHECK(lookup(&root_ctx, "abs/", 0, &d) == 0 && inode_is_dir(d)); /* a trailing slash follows */
    inode_put(d);
    CHECK(lookup(&root_ctx, "abs", LX_LOOKUP_FOLLOW, &d) == 0 && inode_is_dir(d));
    inode_put(d);
    CHECK(lookup(&root_ctx, "d/rel/", LX_LOOKUP_FOLLOW, NULL) == -LX_ENOTDIR);
    CHECK(lookup(&root_ctx, "dangling", LX_LOOKUP_FOLLOW, NULL) == -LX_ENOENT);
    CHECK(lookup(&root_ctx, "dangling", 0, NULL) == 0);
    CHECK(lookup(&root_ctx, "loop1", LX_LOOKUP_FOLLOW, NULL) == -LX_ELOOP);
    CHECK(lookup(&root_ctx, "loop1", 0, NULL) == 0);
    CHECK(lookup(&root_ctx, "loop1/x", 0, NULL) == -LX_ELOOP);
    CHECK(lookup(&root_ctx, "self", LX_LOOKUP_FOLLOW, NULL) == -LX_ELOOP);
    char target[64];
    CHECK(vfs_readlink(&root_ctx, "d/up", target, sizeof(target)) == 6 && memcmp(target, "../d/f", 6) == 0);
    CHECK(vfs_readlink(&root_ctx, "d/up", target, 3) == 3 && memcmp(target, "../", 3) == 0);
    CHECK(vfs_readlink(&root_ctx, "d/f", target, sizeof(target)) == -LX_EINVAL);
    CHECK(vfs_readlink(&root_ctx, "d/nothing", target, sizeof(target)) == -LX_ENOENT);

    /* Exactly 40 links are followed; the 41st is a loop. */
    CHECK(vfs_symlink(&root_ctx, "d/f", "c0") == 0);
    for (int i = 1; i <= 41; i++) {
        char name[16], to[16];
        snprintf(name, sizeof(name), "c%d", i);
        snprintf(to, sizeof(to), "c%d", i - 1);
        CHECK(vfs_symlink(&root_ctx, to, name) == 0);
    }
    CHECK(lookup(&root_ctx, "c39", LX_LOOKUP_FOLLOW, NULL) == 0); /* 40 links */
    CHECK(lookup(&root_ctx, "c40", LX_LOOKUP_FOLLOW, NULL) == -LX_ELOOP);

    /* A target that makes the path too long. */
    char longtarget[4000];
    memset(longtarget, 'x', sizeof(longtarget) - 1);
    longtarget[sizeof(longtarget) - 1] = 0;
    for (int i = 100; i < 3999; i += 100)
        longtarget[i] = '/';
    CHECK(vfs_symlink(&root_ctx, longtarget, "longlink") == 0);
    char path[200];
    snprintf(path, sizeof(path), "longlink/%0150d", 0);
    CHECK(lookup(&root_ctx, path, 0, NULL) == -LX_ENAMETOOLONG);

    /* O_CREAT through a dangling link creates its target; O_EXCL does not. */
    struct lx_file *fl;
    CHECK(vfs_open(&root_ctx, "dangling", LX_O_CREAT | LX_O_EXCL | LX_O_WRONLY, 0644, 022, &fl) ==
          -LX_EEXIST);
    CHECK(vfs_open(&root_ctx, "dangling", LX_O_CREAT | LX_O_NOFOLLOW | LX_O_WRONLY, 0644, 022, &fl) ==
          -LX_ELOOP);
    CHECK(vfs_open(&root_ctx, "dangling", LX_O_CREAT | LX_O_WRONLY, 0644, 022, &fl) == 0);
    file_put(fl);
    CHECK(exists("nowhere") == 0);
    CHECK(vfs_open(&root_ctx, "abs", LX_O_RDONLY | LX_O_NOFOLLOW, 0, 022, &fl) == -LX_ELOOP);
    CHECK(vfs_open(&root_ctx, "abs", LX_O_PATH | LX_O_NOFOLLOW, 0, 022, &fl) == 0);
    CHECK(fl->fmode == LX_FMODE_PATH && inode_is_link(file_inode(fl)));
    file_put(fl);
    teardown();
}

static void test_mounts(void)
{
    setup();
    CHECK(vfs_mkdir(&root_ctx, "mnt", 0755) == 0);
    CHECK(vfs_mkdir(&root_ctx, "mnt/hidden", 0755) == 0);
    struct lx_path mnt;
    CHECK(vfs_lookup(&root_ctx, "mnt", 0, &mnt) == 0);
    struct lx_inode *other = memfs_create(lx_makedev(0, 99));
    CHECK(vfs_mount(&mnt, other->sb, other, 0) == 0);
    CHECK(vfs_mount(&mnt, other->sb, other, 0) == -LX_EBUSY);
    path_put(&mnt);
    CHECK(exists("mnt/hidden") == -LX_ENOENT); /* covered */
    CHECK(vfs_mkdir(&root_ctx, "mnt/inside", 0755) == 0);
    struct lx_inode *i, *r;
    CHECK(lookup(&root_ctx, "mnt/inside", 0, &i) == 0 && i->sb == other->sb);
    inode_put(i);
    CHECK(lookup(&root_ctx, "mnt/inside/../..", 0, &r) == 0 && r == root_ctx.root.inode);
    inode_put(r);
    CHECK(vfs_rmdir(&root_ctx, "mnt") == -LX_EBUSY);
    CHECK(write_file("top", "t") == 0);
    CHECK(vfs_rename(&root_ctx, "top", &root_ctx, "mnt/top", 0) == -LX_EXDEV);
    CHECK(vfs_link(&root_ctx, "top", 0, &root_ctx, "mnt/top") == -LX_EXDEV);

    struct lx_fsinfo *fs = fsinfo_new_root();
    struct lx_path cwd;
    CHECK(vfs_lookup(&root_ctx, "mnt/inside", 0, &cwd) == 0);
    fsinfo_set_cwd(fs, &cwd);
    path_put(&cwd);
    char buf[64];
    CHECK(vfs_getcwd(fs, buf, sizeof(buf)) == 12 && strcmp(buf, "/mnt/inside") == 0);
    CHECK(vfs_getcwd(fs, buf, 12) == 12);
    CHECK(vfs_getcwd(fs, buf, 11) == -LX_ERANGE);
    fsinfo_put(fs);
    teardown();
}

static void test_getcwd_removed(void)
{
    setup();
    struct lx_fsinfo *fs = fsinfo_new_root();
    char buf[64];
    CHECK(vfs_getcwd(fs, buf, sizeof(buf)) == 2 && strcmp(buf, "/") == 0);
    CHECK(vfs_mkdir(&root_ctx, "x", 0755) == 0);
    CHECK(vfs_mkdir(&root_ctx, "x/y", 0755) == 0);
    struct lx_path cwd;
    CHECK(vfs_lookup(&root_ctx, "x/y", 0, &cwd) == 0);
    fsinfo_set_cwd(fs, &cwd);
    CHECK(vfs_getcwd(fs, buf, sizeof(buf)) == 5 && strcmp(buf, "/x/y") == 0);
    CHECK(vfs_rename(&root_ctx, "x", &root_ctx, "z", 0) == 0);
    CHECK(vfs_getcwd(fs, buf, sizeof(buf)) == 5 && strcmp(buf, "/z/y") == 0);
    CHECK(vfs_rmdir(&root_ctx, "z/y") == 0);
    CHECK(vfs_getcwd(fs, buf, sizeof(buf)) == -LX_ENOENT);
    /* The removed cwd: nothing can be made in it, `..` still works. */
    struct lx_lookup_ctx in = root_ctx;
    in.start = cwd;
    CHECK(vfs_mkdir(&in, "new", 0755) == -LX_ENOENT);
    CHECK(lookup(&in, "..", 0, NULL) == 0);
    CHECK(vfs_rmdir(&root_ctx, "z") == 0); /* its parent goes too */
    CHECK(lookup(&in, "../..", 0, NULL) == 0);
    path_put(&cwd);
    fsinfo_put(fs);
    teardown();
}

static void test_namespace_errors(void)
{
    setup();
    CHECK(vfs_mkdir(&root_ctx, "d", 0755) == 0);
    CHECK(vfs_mkdir(&root_ctx, "d", 0755) == -LX_EEXIST);
    CHECK(vfs_mkdir(&root_ctx, "d/", 0755) == -LX_EEXIST);
    CHECK(vfs_mkdir(&root_ctx, "e/", 0755) == 0);
    CHECK(vfs_mkdir(&root_ctx, ".", 0755) == -LX_EEXIST);
    CHECK(vfs_mkdir(&root_ctx, "/", 0755) == -LX_EEXIST);
    CHECK(vfs_mkdir(&root_ctx, "nope/x", 0755) == -LX_ENOENT);
    CHECK(write_file("f", "x") == 0);
    CHECK(vfs_mkdir(&root_ctx, "f/x", 0755) == -LX_ENOTDIR);
    CHECK(vfs_mknod(&root_ctx, "g/", LX_S_IFREG | 0644, 0) == -LX_ENOENT);
    CHECK(vfs_mknod(&root_ctx, "dir", LX_S_IFDIR | 0644, 0) == -LX_EPERM);
    CHECK(vfs_mknod(&root_ctx, "bad", 0170000, 0) == -LX_EINVAL);
    CHECK(vfs_mknod(&root_ctx, "fifo", LX_S_IFIFO | 0644, 0) == 0);
    CHECK(vfs_unlink(&root_ctx, "d") == -LX_EISDIR);
    CHECK(vfs_unlink(&root_ctx, "f/") == -LX_ENOTDIR);
    CHECK(vfs_unlink(&root_ctx, "d/") == -LX_EISDIR);
    CHECK(vfs_unlink(&root_ctx, ".") == -LX_EISDIR);
    CHECK(vfs_unlink(&root_ctx, "missing") == -LX_ENOENT);
    CHECK(vfs_rmdir(&root_ctx, "f") == -LX_ENOTDIR);
    CHECK(vfs_rmdir(&root_ctx, "d/.") == -LX_EINVAL);
    CHECK(vfs_rmdir(&root_ctx, "d/..") == -LX_ENOTEMPTY);
    CHECK(vfs_rmdir(&root_ctx, "/") == -LX_EBUSY);
    CHECK(write_file("d/inner", "x") == 0);
    CHECK(vfs_rmdir(&root_ctx, "d") == -LX_ENOTEMPTY);
    CHECK(vfs_link(&root_ctx, "d", 0, &root_ctx, "dlink") == -LX_EPERM);
    CHECK(vfs_link(&root_ctx, "f", 0, &root_ctx, "d/inner") == -LX_EEXIST);
    CHECK(vfs_link(&root_ctx, "f", 0, &root_ctx, "newlink/") == -LX_ENOENT);
    CHECK(vfs_link(&root_ctx, "f/", 0, &root_ctx, "newlink") == -LX_ENOTDIR);
    CHECK(vfs_link(&root_ctx, "f", 0, &root_ctx, "flink") == 0);
    struct lx_inode *f;
    CHECK(lookup(&root_ctx, "flink", 0, &f) == 0 && f->nlink == 2);
    CHECK(vfs_unlink(&root_ctx, "f") == 0 && f->nlink == 1);
    inode_put(f);
    teardown();
}

static void test_rename(void)
{
    setup();
    CHECK(vfs_mkdir(&root_ctx, "a", 0755) == 0);
    CHECK(vfs_mkdir(&root_ctx, "a/b", 0755) == 0);
    CHECK(vfs_mkdir(&root_ctx, "c", 0755) == 0);
    CHECK(write_file("a/f", "one") == 0);
    CHECK(write_file("c/g", "two") == 0);
    CHECK(vfs_rename(&root_ctx, "a", &root_ctx, "a/b/x", 0) == -LX_EINVAL);
    CHECK(vfs_rename(&root_ctx, "a", &root_ctx, "a", 0) == 0);
    CHECK(vfs_rename(&root_ctx, "a/b", &root_ctx, "a", 0) == -LX_ENOTEMPTY);
    CHECK(vfs_rename(&root_ctx, "a/f", &root_ctx, "c", 0) == -LX_EISDIR);
    CHECK(vfs_rename(&root_ctx, "a/b", &root_ctx, "c/g", 0) == -LX_ENOTDIR);
    CHECK(vfs_rename(&root_ctx, "a/f/", &root_ctx, "z", 0) == -LX_ENOTDIR);
    CHECK(vfs_rename(&root_ctx, "a/f", &root_ctx, "z/", 0) == -LX_ENOTDIR);
    CHECK(vfs_rename(&root_ctx, ".", &root_ctx, "z", 0) == -LX_EBUSY);
    CHECK(vfs_rename(&root_ctx, "a/f", &root_ctx, "..", 0) == -LX_EBUSY);
    CHECK(vfs_rename(&root_ctx, "a/f", &root_ctx, "c/g", LX_RENAME_NOREPLACE) == -LX_EEXIST);
    CHECK(vfs_rename(&root_ctx, "a/f", &root_ctx, "c/new", LX_RENAME_EXCHANGE) == -LX_ENOENT);
    CHECK(vfs_rename(&root_ctx, "a/f", &root_ctx, "c/g", LX_RENAME_EXCHANGE | LX_RENAME_NOREPLACE) ==
          -LX_EINVAL);
    CHECK(vfs_rename(&root_ctx, "a/f", &root_ctx, "c/g", 64) == -LX_EINVAL);
    CHECK(vfs_rename(&root_ctx, "missing", &root_ctx, "c/g", 0) == -LX_ENOENT);
    char buf[16];
    /* Exchange a file and a directory across directories. */
    CHECK(vfs_rename(&root_ctx, "a/f", &root_ctx, "c", LX_RENAME_EXCHANGE) == 0);
    CHECK(read_file("c", buf, sizeof(buf)) == 3 && strcmp(buf, "one") == 0);
    CHECK(read_file("a/f/g", buf, sizeof(buf)) == 3 && strcmp(buf, "two") == 0);
    struct lx_inode *root = root_ctx.root.inode, *a;
    CHECK(lookup(&root_ctx, "a", 0, &a) == 0 && a->nlink == 4 && root->nlink == 6); /* a, tmp, dev, proc */
    struct lx_inode *dotdot;
    CHECK(lookup(&root_ctx, "a/f/..", 0, &dotdot) == 0 && dotdot == a);
    inode_put(dotdot);
    inode_put(a);
    /* Replace a file; the replaced one lives while open. */
    struct lx_file *open_g;
    CHECK(vfs_open(&root_ctx, "a/f/g", LX_O_RDONLY, 0, 022, &open_g) == 0);
    CHECK(vfs_rename(&root_ctx, "c", &root_ctx, "a/f/g", 0) == 0);
    CHECK(file_inode(open_g)->nlink == 0);
    struct lx_iovec seg;
    struct lx_uio u;
    uio_init_kernel(&u, &seg, buf, sizeof(buf));
    CHECK(open_g->ops->read(open_g, NULL, &u, &open_g->pos) == 3 && memcmp(buf, "two", 3) == 0);
    file_put(open_g);
    CHECK(read_file("a/f/g", buf, sizeof(buf)) == 3 && strcmp(buf, "one") == 0);
    CHECK(exists("c") == -LX_ENOENT);
    /* Replace an empty directory with a directory. */
    CHECK(vfs_mkdir(&root_ctx, "empty", 0755) == 0);
    CHECK(vfs_rename(&root_ctx, "a/f", &root_ctx, "empty", 0) == 0);
    CHECK(read_file("empty/g", buf, sizeof(buf)) == 3);
    CHECK(root->nlink == 7); /* ., .., a, empty, tmp, dev, proc */
    /* Hard links to one file: nothing happens. */
    CHECK(vfs_link(&root_ctx, "empty/g", 0, &root_ctx, "g2") == 0);
    CHECK(vfs_rename(&root_ctx, "g2", &root_ctx, "empty/g", 0) == 0);
    CHECK(exists("g2") == 0 && exists("empty/g") == 0);
    teardown();
}

static void test_permissions(void)
{
    setup();
    struct lx_lookup_ctx user = as_user(1000, 1000), other = as_user(2000, 2000);
    CHECK(vfs_mkdir(&root_ctx, "home", 0755) == 0);
    CHECK(vfs_mkdir(&user, "home/u", 0755) == -LX_EACCES);
    CHECK(vfs_mkdir(&root_ctx, "home/u", 0700) == 0);
    struct lx_path u;
    CHECK(vfs_lookup(&root_ctx, "home/u", 0, &u) == 0);
    CHECK(vfs_chown(&user.cred, &u, 1000, 1000) == -LX_EPERM);
    CHECK(vfs_chown(&root_ctx.cred, &u, 1000, 1000) == 0);
    CHECK(vfs_mkdir(&user, "home/u/w", 0777) == 0);
    CHECK(lookup(&other, "home/u/w", 0, NULL) == -LX_EACCES);
    CHECK(vfs_chmod(&other.cred, &u, 0777) == -LX_EPERM);
    CHECK(vfs_chmod(&user.cred, &u, 0711) == 0);
    CHECK(lookup(&other, "home/u/w", 0, NULL) == 0);
    struct lx_inode *w;
    CHECK(lookup(&user, "home/u/w", 0, &w) == 0 && w->uid == 1000 && w->gid == 1000 &&
          (w->mode & 0777) == 0777);
    inode_put(w);
    CHECK(vfs_chown(&user.cred, &u, (uint32_t)-1, 2000) == -LX_EPERM); /* not its group */
    CHECK(vfs_chown(&user.cred, &u, (uint32_t)-1, 1000) == 0);
    path_put(&u);

    /* Files: read/write/execute bits, the owner class deciding alone. */
    struct lx_file *f;
    CHECK(vfs_open(&user, "home/u/file", LX_O_CREAT | LX_O_WRONLY, 0604, 0, &f) == 0);
    file_put(f);
    CHECK(vfs_open(&user, "home/u/file", LX_O_RDONLY, 0, 0, &f) == 0);
    file_put(f);
    CHECK(vfs_open(&other, "home/u/file", LX_O_RDONLY, 0, 0, &f) == 0);
    file_put(f);
    CHECK(vfs_open(&other, "home/u/file", LX_O_WRONLY, 0, 0, &f) == -LX_EACCES);
    CHECK(vfs_open(&other, "home/u/file", LX_O_RDONLY | LX_O_TRUNC, 0, 0, &f) == -LX_EACCES);
    struct lx_path fp;
    CHECK(vfs_lookup(&root_ctx, "home/u/file", 0, &fp) == 0);
    CHECK(vfs_chmod(&user.cred, &fp, 0064) == 0);
    CHECK(inode_permission(&user.cred, fp.inode, LX_R_OK) == -LX_EACCES); /* owner class wins */
    CHECK(inode_permission(&other.cred, fp.inode, LX_R_OK) == 0);
    CHECK(inode_permission(&root_ctx.cred, fp.inode, LX_X_OK) == -LX_EACCES); /* nobody may execute */
    CHECK(vfs_chmod(&user.cred, &fp, 0100) == 0);
    CHECK(inode_permission(&root_ctx.cred, fp.inode, LX_X_OK | LX_R_OK | LX_W_OK) == 0);
    /* set-group-ID is dropped by an owner outside the group; a chown drops
     * set-user-ID. */
    CHECK(vfs_chown(&root_ctx.cred, &fp, 1000, 3000) == 0);
    CHECK(vfs_chmod(&user.cred, &fp, 06755) == 0 && (fp.inode->mode & 07777) == 04755);
    CHECK(vfs_chown(&root_ctx.cred, &fp, (uint32_t)-1, 3000) == 0 && (fp.inode->mode & 07777) == 0755);
    /* Times: explicit ones are the owner's; "now" needs write access. */
    struct lx_timespec t2[2] = { { 5, 0 }, { 6, LX_UTIME_OMIT } };
    CHECK(vfs_utimes(&other.cred, &fp, t2) == -LX_EPERM);
    CHECK(vfs_utimes(&other.cred, &fp, NULL) == -LX_EACCES);
    CHECK(vfs_utimes(&user.cred, &fp, t2) == 0 && fp.inode->atime.tv_sec == 5 && fp.inode->mtime.tv_sec != 6);
    t2[1].tv_nsec = 1000000000;
    CHECK(vfs_utimes(&user.cred, &fp, t2) == -LX_EINVAL);
    CHECK(vfs_truncate(&other.cred, &fp, 0) == -LX_EACCES);
    path_put(&fp);

    /* The sticky bit: in /tmp only owners remove. */
    CHECK(vfs_mkdir(&user, "tmp/mine", 0755) == 0);
    CHECK(vfs_open(&user, "tmp/minefile", LX_O_CREAT | LX_O_WRONLY, 0666, 0, &f) == 0);
    file_put(f);
    CHECK(vfs_unlink(&other, "tmp/minefile") == -LX_EPERM);
    CHECK(vfs_rename(&other, "tmp/minefile", &other, "tmp/stolen", 0) == -LX_EPERM);
    CHECK(vfs_rmdir(&other, "tmp/mine") == -LX_EPERM);
    CHECK(vfs_unlink(&user, "tmp/minefile") == 0);
    CHECK(vfs_rmdir(&root_ctx, "tmp/mine") == 0);

    /* Moving a directory to another parent needs write access to it. */
    CHECK(vfs_mkdir(&root_ctx, "tmp/rootdir", 0755) == 0);
    CHECK(vfs_mkdir(&user, "tmp/udir", 0777) == 0);
    CHECK(vfs_mkdir(&root_ctx, "tmp/udir/sub", 0555) == 0);
    CHECK(vfs_rename(&user, "tmp/udir/sub", &user, "tmp/udir2", 0) == -LX_EACCES);

    /* set-group-ID directories give their group to what is made in them. */
    struct lx_path g;
    CHECK(vfs_mkdir(&root_ctx, "grp", 0777) == 0);
    CHECK(vfs_lookup(&root_ctx, "grp", 0, &g) == 0);
    CHECK(vfs_chown(&root_ctx.cred, &g, 0, 555) == 0 && vfs_chmod(&root_ctx.cred, &g, 02777) == 0);
    path_put(&g);
    CHECK(vfs_mkdir(&user, "grp/sub", 0755) == 0);
    struct lx_inode *sub;
    CHECK(lookup(&root_ctx, "grp/sub", 0, &sub) == 0 && sub->gid == 555 && (sub->mode & LX_S_ISGID));
    inode_put(sub);
    teardown();
}

struct listing {
    char names[64][32];
    uint64_t next[64];
    int count, limit;
};

static bool collect(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype, uint64_t next_pos)
{
    struct listing *l = ctx;
    if (l->count == l->limit)
        return false;
    memcpy(l->names[l->count], name, len);
    l->names[l->count][len] = 0;
    l->next[l->count++] = next_pos;
    return true;
}

static void test_memfs_files(void)
{
    setup();
    uint32_t base_frames = frames_in_use();
    struct lx_file *f;
    CHECK(vfs_open(&root_ctx, "file", LX_O_CREAT | LX_O_RDWR, 0644, 022, &f) == 0);
    struct lx_inode *ino = file_inode(f);
    CHECK((ino->mode & 0777) == 0644);
    /* A write far past the end leaves a hole that reads as zeros. */
    struct lx_iovec seg;
    struct lx_uio u;
    uio_init_kernel(&u, &seg, "tail", 4);
    uint64_t pos = 3 * 4096 + 4094;
    CHECK(f->ops->write(f, NULL, &u, &pos) == 4 && ino->size == 3 * 4096 + 4098);
    CHECK(frames_in_use() == base_frames + 2 && ino->blocks == 16);
    char buf[8192];
    CHECK(vfs_read_inode(ino, 4090, buf, 20) == 20);
    for (int i = 0; i < 20; i++)
        CHECK(buf[i] == 0);
    CHECK(vfs_read_inode(ino, 3 * 4096 + 4094, buf, 100) == 4 && memcmp(buf, "tail", 4) == 0);
    CHECK(vfs_read_inode(ino, 1 << 20, buf, 100) == 0);
    /* The page cache: get_page shares the file's frame; a hole gets one. */
    lx_frame_t pg;
    CHECK(vfs_get_page(ino, 4, &pg) == 0);
    CHECK(memcmp((char *)frame_ptr(pg), "il", 2) == 0 && frame_refcount(pg) == 2);
    memcpy(frame_ptr(pg), "IL", 2); /* a shared mapping's write */
    CHECK(vfs_read_inode(ino, 4 * 4096, buf, 2) == 2 && memcmp(buf, "IL", 2) == 0);
    lx_frame_t hole;
    CHECK(vfs_get_page(ino, 1, &hole) == 0 && frame_refcount(hole) == 2 && ino->blocks == 24);
    frame_unref(hole);
    lx_frame_t past;
    CHECK(vfs_get_page(ino, 100, &past) == 0 && frame_refcount(past) == 1 && ino->size == 3 * 4096 + 4098);
    frame_unref(past);
    /* Truncate: pages past the end go (mappings keep theirs), the tail of
     * the last page is zero again. */
    CHECK(vfs_truncate(NULL, &f->path, 4096 + 10) == 0 && ino->size == 4106);
    CHECK(frame_refcount(pg) == 1);
    frame_unref(pg);
    CHECK(vfs_truncate(NULL, &f->path, 8192) == 0);
    CHECK(vfs_read_inode(ino, 4096, buf, 4096) == 4096);
    for (int i = 10; i < 4096; i++)
        if (buf[i])
            CHECK(!"tail not zero");
    CHECK(vfs_truncate(NULL, &f->path, MEMFS_MAX_FILE_SIZE + 1) == -LX_EFBIG);
    pos = MEMFS_MAX_FILE_SIZE;
    uio_init_kernel(&u, &seg, "x", 1);
    CHECK(f->ops->write(f, NULL, &u, &pos) == -LX_EFBIG);
    /* Unlink while open: the data lives until the last close. */
    CHECK(vfs_unlink(&root_ctx, "file") == 0 && ino->nlink == 0);
    CHECK(vfs_read_inode(ino, 4096, buf, 10) == 10);
    uint64_t count = memfs_inode_count(ino->sb);
    file_put(f);
    CHECK(memfs_inode_count(root_ctx.root.inode->sb) == count - 1);
    CHECK(frames_in_use() == base_frames);
    /* Out of frames: ENOSPC, with what fitted written. */
    CHECK(vfs_open(&root_ctx, "full", LX_O_CREAT | LX_O_RDWR, 0644, 022, &f) == 0);
    host_frames_limit(frames_in_use() + 1);
    static char big[3 * 4096];
    uio_init_kernel(&u, &seg, big, sizeof(big));
    CHECK(f->ops->write(f, NULL, &u, &f->pos) == 4096);
    uio_init_kernel(&u, &seg, big, sizeof(big));
    CHECK(f->ops->write(f, NULL, &u, &f->pos) == -LX_ENOSPC);
    host_frames_limit(HOST_FRAMES_MAX);
    file_put(f);
    teardown();
}

static void test_readdir(void)
{
    setup();
    CHECK(vfs_mkdir(&root_ctx, "d", 0755) == 0);
    const char *names[] = { "one", "two", "three", "four" };
    for (int i = 0; i < 4; i++) {
        char path[16];
        snprintf(path, sizeof(path), "d/%s", names[i]);
        CHECK(write_file(path, "") == 0);
    }
    struct lx_inode *d;
    CHECK(lookup(&root_ctx, "d", 0, &d) == 0);
    CHECK(d->size == 40 + 4 * 20 && d->nlink == 2);
    struct listing l = { .limit = 3 };
    uint64_t pos = 0;
    CHECK(d->ops->readdir(d, &pos, collect, &l) == 0);
    CHECK(l.count == 3 && strcmp(l.names[0], ".") == 0 && strcmp(l.names[1], "..") == 0);
    CHECK(strcmp(l.names[2], "one") == 0 && pos == l.next[2]);
    /* Changes between calls: a removed entry is skipped, later ones
     * keep their place, a new one comes at the end. */
    CHECK(vfs_unlink(&root_ctx, "d/one") == 0);
    CHECK(vfs_unlink(&root_ctx, "d/two") == 0);
    CHECK(write_file("d/five", "") == 0);
    l.limit = 64;
    CHECK(d->ops->readdir(d, &pos, collect, &l) == 0);
    CHECK(l.count == 6 && strcmp(l.names[3], "three") == 0 && strcmp(l.names[4], "four") == 0 &&
          strcmp(l.names[5], "five") == 0);
    uint64_t end = pos;
    l.count = 0;
    CHECK(d->ops->readdir(d, &pos, collect, &l) == 0 && l.count == 0 && pos == end);
    inode_put(d);
    teardown();
}

static void test_open_flags(void)
{
    setup();
    struct lx_file *f;
    CHECK(vfs_open(&root_ctx, "tmp", LX_O_WRONLY, 0, 022, &f) == -LX_EISDIR);
    CHECK(vfs_open(&root_ctx, "tmp", LX_O_RDONLY | LX_O_TRUNC, 0, 022, &f) == -LX_EISDIR);
    CHECK(vfs_open(&root_ctx, "tmp", LX_O_CREAT | LX_O_RDONLY, 0, 022, &f) == -LX_EISDIR);
    CHECK(vfs_open(&root_ctx, "new/", LX_O_CREAT | LX_O_RDONLY, 0, 022, &f) == -LX_EISDIR);
    CHECK(vfs_open(&root_ctx, "x", LX_O_CREAT | LX_O_DIRECTORY, 0, 022, &f) == -LX_EINVAL);
    CHECK(vfs_open(&root_ctx, "x", LX_O_TMPFILE_BIT | LX_O_DIRECTORY | LX_O_RDWR, 0, 022, &f) ==
          -LX_EOPNOTSUPP);
    CHECK(vfs_open(&root_ctx, "dev/null", LX_O_RDONLY | LX_O_DIRECTORY, 0, 022, &f) == -LX_ENOTDIR);
    CHECK(vfs_open(&root_ctx, "made", LX_O_CREAT | LX_O_EXCL | LX_O_WRONLY | LX_O_CLOEXEC | LX_O_APPEND, 0777,
                   027, &f) == 0);
    CHECK((file_inode(f)->mode & 0777) == 0750);
    CHECK(f->flags == (LX_O_WRONLY | LX_O_APPEND | LX_O_LARGEFILE) &&
          f->fmode == (LX_FMODE_WRITE | LX_FMODE_SEEK));
    file_put(f);
    CHECK(vfs_open(&root_ctx, "made", LX_O_CREAT | LX_O_EXCL | LX_O_WRONLY, 0777, 027, &f) == -LX_EEXIST);
    CHECK(write_file("made", "12345") == 0);
    CHECK(vfs_open(&root_ctx, "made", LX_O_RDONLY | LX_O_TRUNC, 0, 022, &f) == 0 && file_inode(f)->size == 0);
    file_put(f);
    CHECK(vfs_open(&root_ctx, "dev/zero", LX_O_RDWR, 0, 022, &f) == 0);
    char buf[8] = "garbage";
    struct lx_iovec seg;
    struct lx_uio u;
    uio_init_kernel(&u, &seg, buf, sizeof(buf));
    CHECK(f->ops->read(f, NULL, &u, &f->pos) == 8 && buf[0] == 0 && buf[7] == 0);
    file_put(f);
    CHECK(vfs_mknod(&root_ctx, "nodev", LX_S_IFCHR | 0666, lx_makedev(42, 42)) == 0);
    CHECK(vfs_open(&root_ctx, "nodev", LX_O_RDONLY, 0, 022, &f) == -LX_ENXIO);
    teardown();
}

int main(void)
{
    test_lookup();
    test_symlinks();
    test_mounts();
    test_getcwd_removed();
    test_namespace_errors();
    test_rename();
    test_permissions();
    test_memfs_files();
    test_readdir();
    test_open_flags();
    return check_exit("linux_vfs");
}
