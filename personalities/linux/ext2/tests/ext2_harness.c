/* personalities/linux/ext2/tests/ext2_harness.c — see ext2_harness.h. */
#include "ext2_harness.h"

#include "../../tests/host_env.h"
#include "../../uio.h"
#include "check.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct lx_lookup_ctx root_ctx;
struct host_blockdev disk;

int harness_mount(const char *image, const struct ext2_mount_opts *opts, bool *readonly)
{
    if (host_blockdev_open_file(&disk, image) < 0) {
        fprintf(stderr, "cannot open %s\n", image);
        exit(2);
    }
    struct lx_inode *root;
    bool ro = false;
    int err = ext2_mount(&disk.dev, 0x801, opts, &root, &ro);
    if (err < 0) {
        host_blockdev_close(&disk);
        return err;
    }
    err = vfs_mount(NULL, root->sb, root, ro ? LX_MNT_RDONLY : 0);
    CHECK(err == 0);
    if (readonly)
        *readonly = ro;
    root_ctx = (struct lx_lookup_ctx){ .cred = { 0, 0 } };
    CHECK(vfs_root(&root_ctx.root));
    root_ctx.start = root_ctx.root;
    return 0;
}

void harness_unmount(void)
{
    path_put(&root_ctx.root);
    root_ctx.start = root_ctx.root;
    vfs_unmount_all();
    CHECK(disk.closed == 1);
    host_blockdev_close(&disk);
    CHECK(frames_in_use() == 0);
    CHECK(host_heap_live() == 0);
}

int harness_lookup(const char *path, bool follow, struct lx_inode **out)
{
    struct lx_path p;
    int err = vfs_lookup(&root_ctx, path, follow ? LX_LOOKUP_FOLLOW : 0, &p);
    if (err == 0) {
        *out = p.inode;
        inode_get(*out);
        path_put(&p);
    }
    return err;
}

int harness_read_all(const char *path, uint8_t **data, size_t *len)
{
    struct lx_inode *ino;
    int err = harness_lookup(path, false, &ino);
    if (err < 0)
        return err;
    size_t size = ino->size;
    uint8_t *buf = malloc(size ? size : 1);
    /* Odd-sized reads at odd offsets, so reads cross pages and blocks. */
    size_t done = 0;
    int64_t n = 1;
    while (done < size && n > 0) {
        size_t chunk = size - done < 7777 ? size - done : 7777;
        n = vfs_read_inode(ino, done, buf + done, chunk);
        if (n > 0)
            done += (size_t)n;
    }
    inode_put(ino);
    if (n < 0) {
        free(buf);
        return (int)n;
    }
    *data = buf;
    *len = done;
    return 0;
}

int harness_pwrite(const char *path, uint64_t off, const void *buf, size_t len, bool create)
{
    struct lx_file *f;
    int err = vfs_open(&root_ctx, path, LX_O_WRONLY | (create ? LX_O_CREAT : 0), 0644, 022, &f);
    if (err < 0)
        return err;
    struct lx_iovec seg;
    struct lx_uio u;
    uio_init_kernel(&u, &seg, (void *)buf, len);
    uint64_t pos = off;
    int64_t n = f->ops->write(f, NULL, &u, &pos);
    file_put(f);
    return n < 0 ? (int)n : n == (int64_t)len ? 0 : -LX_EIO;
}

struct name_list {
    char **names;
    size_t count, cap;
};

static bool collect(void *ctx, const char *name, size_t len, uint64_t ino, unsigned dtype, uint64_t next)
{
    struct name_list *l = ctx;
    if ((len == 1 && name[0] == '.') || (len == 2 && memcmp(name, "..", 2) == 0))
        return true;
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->names = realloc(l->names, l->cap * sizeof(char *));
    }
    l->names[l->count++] = strndup(name, len);
    return true;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int harness_list(struct lx_inode *dir, char **names_out, size_t *count_out)
{
    struct name_list l = { 0 };
    uint64_t pos = 0;
    int err = dir->ops->readdir(dir, &pos, collect, &l);
    if (l.count)
        qsort(l.names, l.count, sizeof(char *), cmp_str);
    size_t total = 1;
    for (size_t i = 0; i < l.count; i++)
        total += strlen(l.names[i]) + 1;
    char *s = malloc(total), *p = s;
    for (size_t i = 0; i < l.count; i++) {
        p += sprintf(p, "%s\n", l.names[i]);
        free(l.names[i]);
    }
    *p = 0;
    free(l.names);
    *names_out = s;
    *count_out = l.count;
    return err;
}

static char *host_list(const char *host, size_t *count)
{
    DIR *d = opendir(host);
    struct name_list l = { 0 };
    for (struct dirent *e; d && (e = readdir(d));)
        collect(&l, e->d_name, strlen(e->d_name), 0, 0, 0);
    if (d)
        closedir(d);
    if (l.count)
        qsort(l.names, l.count, sizeof(char *), cmp_str);
    size_t total = 1;
    for (size_t i = 0; i < l.count; i++)
        total += strlen(l.names[i]) + 1;
    char *s = malloc(total), *p = s;
    for (size_t i = 0; i < l.count; i++) {
        p += sprintf(p, "%s\n", l.names[i]);
        free(l.names[i]);
    }
    *p = 0;
    free(l.names);
    *count = l.count;
    return s;
}

/* Host inode -> ext2 inode, to check hard links are the same file. */
struct link_map {
    uint64_t host_ino[4096], ext2_ino[4096];
    size_t count;
};
static struct link_map links;

static void check_same_link(const char *path, uint64_t host_ino, uint64_t ext2_ino)
{
    for (size_t i = 0; i < links.count; i++)
        if (links.host_ino[i] == host_ino) {
            if (links.ext2_ino[i] != ext2_ino)
                fprintf(stderr, "%s: a hard link that is not the same file\n", path);
            CHECK(links.ext2_ino[i] == ext2_ino);
            return;
        }
    if (links.count < 4096) {
        links.host_ino[links.count] = host_ino;
        links.ext2_ino[links.count++] = ext2_ino;
    }
}

static uint8_t *host_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(size ? (size_t)size : 1);
    *len = fread(buf, 1, (size_t)size, f);
    fclose(f);
    return buf;
}

static void compare_one(const char *path, const char *host, bool times, unsigned *subdirs);

static void compare_dir(const char *path, const char *host, bool times, struct lx_inode *dir)
{
    char *names, *host_names;
    size_t count, host_count;
    CHECK(harness_list(dir, &names, &count) == 0);
    host_names = host_list(host, &host_count);
    if (strcmp(names, host_names) != 0)
        fprintf(stderr, "%s: entries differ:\n--- ext2\n%s--- host\n%s", path, names, host_names);
    CHECK(strcmp(names, host_names) == 0);
    unsigned subdirs = 0;
    for (char *name = host_names, *end; *name; name = end + 1) {
        end = strchr(name, '\n');
        *end = 0;
        char sub[4096], hsub[4096];
        snprintf(sub, sizeof(sub), "%s/%s", path, name);
        snprintf(hsub, sizeof(hsub), "%s/%s", host, name);
        compare_one(sub, hsub, times, &subdirs);
    }
    if (dir->nlink != 2 + subdirs)
        fprintf(stderr, "%s: %u links for %u subdirectories\n", path, dir->nlink, subdirs);
    CHECK(dir->nlink == 2 + subdirs);
    free(names);
    free(host_names);
}

static void compare_one(const char *path, const char *host, bool times, unsigned *subdirs)
{
    struct stat st;
    CHECK(lstat(host, &st) == 0);
    struct lx_inode *ino;
    int err = harness_lookup(path, false, &ino);
    if (err < 0) {
        fprintf(stderr, "%s: lookup error %d\n", path, err);
        CHECK(err == 0);
        return;
    }
    bool same_meta = ino->mode == st.st_mode && ino->uid == st.st_uid && ino->gid == st.st_gid;
    if (!same_meta)
        fprintf(stderr, "%s: mode/uid/gid %o %u %u, host %o %u %u\n", path, ino->mode, ino->uid, ino->gid,
                st.st_mode, st.st_uid, st.st_gid);
    CHECK(same_meta);
    if (times && !S_ISLNK(st.st_mode)) {
        if (ino->mtime.tv_sec != st.st_mtim.tv_sec)
            fprintf(stderr, "%s: mtime %ld, host %ld\n", path, (long)ino->mtime.tv_sec,
                    (long)st.st_mtim.tv_sec);
        CHECK(ino->mtime.tv_sec == st.st_mtim.tv_sec);
    }
    if (S_ISDIR(st.st_mode)) {
        (*subdirs)++;
        compare_dir(path, host, times, ino);
    } else {
        if (ino->nlink != st.st_nlink)
            fprintf(stderr, "%s: %u links, host %lu\n", path, ino->nlink, (unsigned long)st.st_nlink);
        CHECK(ino->nlink == st.st_nlink);
        if (st.st_nlink > 1)
            check_same_link(path, st.st_ino, ino->ino);
    }
    if (S_ISREG(st.st_mode)) {
        CHECK(ino->size == (uint64_t)st.st_size);
        uint8_t *data = NULL, *hdata;
        size_t len = 0, hlen = 0;
        err = harness_read_all(path, &data, &len);
        hdata = host_read(host, &hlen);
        bool same = err == 0 && hdata && len == hlen && memcmp(data, hdata, len) == 0;
        if (!same)
            fprintf(stderr, "%s: content differs (error %d, %zu bytes, host %zu)\n", path, err, len, hlen);
        CHECK(same);
        free(data);
        free(hdata);
    } else if (S_ISLNK(st.st_mode)) {
        char target[4096], htarget[4096];
        int n = ino->ops->readlink(ino, target, sizeof(target));
        ssize_t hn = readlink(host, htarget, sizeof(htarget));
        CHECK(n == hn && n >= 0 && memcmp(target, htarget, (size_t)n) == 0);
        CHECK(ino->size == (uint64_t)st.st_size);
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
        CHECK(ino->rdev == lx_makedev(major(st.st_rdev), minor(st.st_rdev)));
    }
    inode_put(ino);
}

void harness_compare_tree(const char *path, const char *host, bool times)
{
    struct lx_inode *dir;
    links.count = 0;
    CHECK(harness_lookup(path, false, &dir) == 0);
    compare_dir(path, host, times, dir);
    inode_put(dir);
}

int harness_check_failures(void)
{
    return check_failures;
}

int harness_check_count(void)
{
    return check_count;
}
