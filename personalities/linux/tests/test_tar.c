/* personalities/linux/tests/test_tar.c — the boot archive: tar.c's checks
 * on good and bad archives (every refusal with its message), the tree
 * rootfs.c builds from one, and loading under memory and frame
 * exhaustion.  Archives given as arguments (written by Python's tarfile in
 * ustar, GNU and pax formats: make_tar_corpus.py) must load and hold the
 * tree that script writes. */
#include "../memfs.h"
#include "../rootfs.h"
#include "../tar.h"
#include "../vfs.h"
#include "check.h"
#include "host_env.h"
#include "tar_builder.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tb b;

/* Loads b and mounts the tree as "/": 0 or the error (message in why). */
static int load(struct tar_error *why)
{
    struct lx_inode *root;
    int err = rootfs_load_tar(b.buf, b.len, &root, why);
    if (err == 0 && (err = vfs_mount(NULL, root->sb, root, 0)) < 0) {
        snprintf(why->message, sizeof(why->message), "out of memory to mount");
        rootfs_free(root);
    }
    return err;
}

/* Appends the pax record "LEN key=value\n" to out (LEN counts itself). */
static void pax(char *out, const char *key, const char *value)
{
    size_t body = 1 + strlen(key) + 1 + strlen(value) + 1, total = body + 1;
    while (total != body + (size_t)snprintf(NULL, 0, "%zu", total))
        total = body + (size_t)snprintf(NULL, 0, "%zu", total);
    sprintf(out + strlen(out), "%zu %s=%s\n", total, key, value);
}

static void unload(void)
{
    vfs_unmount_all();
    CHECK(frames_in_use() == 0);
    CHECK(host_heap_live() == 0);
}

static struct lx_inode *find(const char *path, bool follow)
{
    struct lx_lookup_ctx c = { .cred = { 0, 0 } };
    if (!vfs_root(&c.root))
        return NULL;
    c.start = c.root;
    struct lx_path p;
    int err = vfs_lookup(&c, path, follow ? LX_LOOKUP_FOLLOW : 0, &p);
    path_put(&c.root);
    if (err < 0)
        return NULL;
    struct lx_inode *ino = p.inode;
    inode_get(ino);
    path_put(&p);
    inode_put(ino); /* the tree keeps it alive */
    return ino;
}

static bool content_is(const char *path, const char *want)
{
    struct lx_inode *ino = find(path, true);
    if (!ino || ino->size != strlen(want))
        return false;
    char buf[8192];
    int64_t n = vfs_read_inode(ino, 0, buf, sizeof(buf));
    return n == (int64_t)strlen(want) && memcmp(buf, want, (size_t)n) == 0;
}

static bool link_is(const char *path, const char *want)
{
    struct lx_inode *ino = find(path, false);
    char buf[4096];
    if (!ino || !inode_is_link(ino))
        return false;
    int n = ino->ops->readlink(ino, buf, sizeof(buf));
    return n == (int)strlen(want) && memcmp(buf, want, (size_t)n) == 0;
}

/* Expects the archive in b to be refused with a message containing want. */
static void refused(const char *want, int line)
{
    struct tar_error why = { 0 };
    int err = load(&why);
    if (err == 0) {
        fprintf(stderr, "line %d: archive accepted, expected '%s'\n", line, want);
        check_failures++;
        unload();
        return;
    }
    if (!strstr(why.message, want)) {
        fprintf(stderr, "line %d: message '%s' lacks '%s'\n", line, why.message, want);
        check_failures++;
    }
    check_count++;
    CHECK(frames_in_use() == 0);
    CHECK(host_heap_live() == 0);
}
#define REFUSED(want) refused(want, __LINE__)

static void test_good_tree(void)
{
    tb_reset(&b);
    tb_dir(&b, "./", 0755);
    tb_dir(&b, "./etc/", 0755);
    tb_file(&b, "./etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644);
    tb_dir(&b, "bin", 0755);
    tb_file(&b, "bin/busybox", "\177ELF pretend", 0755);
    tb_header(&b, "bin/sh", '2', "busybox", 0, 0777);
    tb_header(&b, "bin/ls", '1', "bin/busybox", 0, 0755);
    tb_header(&b, "/dev/null", '3', NULL, 0, 0666);
    tb_octal(b.last + 329, 8, 1);
    tb_octal(b.last + 337, 8, 3);
    tb_checksum(b.last);
    tb_header(&b, "run/fifo", '6', NULL, 0, 0600);
    /* Parents never listed, then one of them listed afterwards. */
    tb_file(&b, "usr/share/doc/README", "read me", 0600);
    tb_dir(&b, "usr/share/", 0700);
    /* Exactly one block of data, and an empty file. */
    char block[513];
    memset(block, 'x', 512);
    block[512] = 0;
    tb_file(&b, "data/block", block, 0644);
    tb_file(&b, "data/empty", "", 0644);
    /* A name split into prefix and name (over 100 bytes). */
    char longname[200];
    snprintf(longname, sizeof(longname), "deep/%s/%s/file",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
             "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    tb_file(&b, longname, "long", 0644);
    tb_end(&b);

    struct tar_error why = { 0 };
    CHECK(load(&why) == 0);
    CHECK(content_is("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"));
    CHECK(link_is("/bin/sh", "busybox"));
    CHECK(content_is("/bin/sh", "\177ELF pretend"));
    struct lx_inode *bb = find("/bin/busybox", false), *ls = find("/bin/ls", false);
    CHECK(bb && bb == ls && bb->nlink == 2);
    CHECK(bb && (bb->mode & 07777) == 0755 && bb->uid == 1000 && bb->gid == 100 &&
          bb->mtime.tv_sec == 1600000000);
    struct lx_inode *null = find("/dev/null", false);
    CHECK(null && (null->mode & LX_S_IFMT) == LX_S_IFCHR && null->rdev == lx_makedev(1, 3) &&
          null->rdev == 0x103);
    struct lx_inode *fifo = find("/run/fifo", false);
    CHECK(fifo && (fifo->mode & LX_S_IFMT) == LX_S_IFIFO);
    CHECK(content_is("/usr/share/doc/README", "read me"));
    struct lx_inode *share = find("/usr/share", false), *doc = find("/usr/share/doc", false);
    CHECK(share && (share->mode & 07777) == 0700);
    CHECK(doc && (doc->mode & 07777) == 0755 && doc->uid == 0);
    CHECK(content_is("/data/block", block));
    CHECK(content_is("/data/empty", ""));
    CHECK(content_is(longname, "long")); /* split into prefix and name */
    unload();
}

static void test_extended_headers(void)
{
    /* GNU long name and long link target. */
    char name[600], target[700];
    memset(name, 0, sizeof(name));
    for (int i = 0; i < 5; i++)
        memset(name + i * 101, 'n', 100), name[i * 101 + 100] = '/';
    strcpy(name + 505, "end");
    memset(target, 't', 650);
    target[650] = 0;
    tb_reset(&b);
    tb_long(&b, 'L', name, strlen(name) + 1);
    tb_file(&b, "ignored", "gnu", 0644);
    tb_long(&b, 'L', "lnk", 4);
    tb_long(&b, 'K', target, strlen(target) + 1);
    tb_header(&b, "ignored-too", '2', "short", 0, 0777);
    /* pax: path, size, mtime with a fraction, uid, gid, unknown keys. */
    char rec[256] = "";
    pax(rec, "path", "pax/dir/with space");
    pax(rec, "mtime", "1234.5678");
    pax(rec, "uid", "4242");
    pax(rec, "gid", "4343");
    pax(rec, "SCHILY.xattr.user.x", "1");
    tb_pax(&b, rec);
    tb_file(&b, "short-name", "pax!", 0640);
    rec[0] = 0;
    pax(rec, "linkpath", "pax");
    tb_pax(&b, rec);
    tb_header(&b, "paxlink", '2', "wrong", 0, 0777);
    rec[0] = 0;
    pax(rec, "size", "3");
    tb_pax(&b, rec);
    tb_header(&b, "sized", '0', NULL, 999, 0644);
    tb_data(&b, "abc", 3);
    /* A global header changes nothing here. */
    rec[0] = 0;
    pax(rec, "path", "x");
    tb_header(&b, "global", 'g', NULL, strlen(rec), 0644);
    tb_data(&b, rec, strlen(rec));
    tb_end(&b);
    struct tar_error why = { 0 };
    CHECK(load(&why) == 0);
    if (why.message[0])
        fprintf(stderr, "extended: %s\n", why.message);
    CHECK(content_is(name, "gnu"));
    CHECK(link_is("/lnk", target));
    CHECK(content_is("/pax/dir/with space", "pax!"));
    struct lx_inode *p = find("/pax/dir/with space", false);
    CHECK(p && p->uid == 4242 && p->gid == 4343 && p->mtime.tv_sec == 1234 && (p->mode & 07777) == 0640);
    CHECK(link_is("/paxlink", "pax"));
    CHECK(content_is("/sized", "abc"));
    CHECK(find("/x", false) == NULL);
    unload();

    /* GNU base-256 size. */
    tb_reset(&b);
    uint8_t *h = tb_header(&b, "b256", '0', NULL, 0, 0644);
    memset(h + 124, 0, 12);
    h[124] = 0x80;
    h[135] = 5;
    tb_checksum(h);
    tb_data(&b, "12345", 5);
    tb_end(&b);
    CHECK(load(&why) == 0);
    CHECK(content_is("/b256", "12345"));
    unload();
}

static void test_bad_headers(void)
{
    tb_reset(&b);
    REFUSED("ends without its end-of-archive block");
    tb_reset(&b);
    tb_file(&b, "a", "x", 0644);
    b.len = 300;
    REFUSED("ends inside a header");
    tb_reset(&b);
    tb_file(&b, "a", "x", 0644);
    REFUSED("ends without its end-of-archive block");

    tb_reset(&b);
    tb_file(&b, "a", "x", 0644);
    b.buf[0] = 'b';
    tb_end(&b);
    REFUSED("at offset 0: a header with a bad checksum");

    tb_reset(&b);
    tb_file(&b, "ok", "x", 0644);
    uint8_t *h = tb_header(&b, "a", '0', NULL, 0, 0644);
    memcpy(h + 257, "ustaR", 5);
    tb_checksum(h);
    tb_end(&b);
    REFUSED("at offset 1024: not a ustar header");

    tb_reset(&b);
    h = tb_header(&b, "a", '0', NULL, 0, 0644);
    h[124] = '9';
    tb_checksum(h);
    tb_end(&b);
    REFUSED("a malformed size field");

    tb_reset(&b);
    h = tb_header(&b, "a", '0', NULL, 0, 0644);
    h[100] = 'x';
    tb_checksum(h);
    tb_end(&b);
    REFUSED("'a': a malformed number field");

    tb_reset(&b);
    tb_header(&b, "a", '0', NULL, 10000, 0644);
    tb_end(&b);
    REFUSED("data that runs past the end of the archive");

    tb_reset(&b);
    h = tb_header(&b, "a", '0', NULL, 0, 0644);
    h[124] = 0x80;
    memset(h + 125, 0xff, 11);
    tb_checksum(h);
    tb_end(&b);
    REFUSED("a malformed size field");

    tb_reset(&b);
    tb_header(&b, "a", 'S', NULL, 0, 0644);
    tb_end(&b);
    REFUSED("an unsupported entry type 'S'");
    tb_reset(&b);
    tb_header(&b, "a", 1, NULL, 0, 0644);
    tb_end(&b);
    REFUSED("an unsupported entry type 0x01");

    tb_reset(&b);
    tb_header(&b, "dev/x", '3', NULL, 0, 0644);
    tb_octal(b.last + 329, 8, 4096);
    tb_checksum(b.last);
    tb_end(&b);
    REFUSED("a device number out of range");

    tb_reset(&b);
    tb_header(&b, "d", '5', NULL, 512, 0755);
    tb_data(&b, "x", 1);
    tb_end(&b);
    REFUSED("'d': data on an entry that has none");
}

static void test_bad_names(void)
{
    /* A name hidden behind a NUL. */
    tb_reset(&b);
    uint8_t *h = tb_header(&b, "abc", '0', NULL, 0, 0644);
    memcpy(h + 4, "etc/shadow", 10);
    tb_checksum(h);
    tb_end(&b);
    REFUSED("a name field with bytes after its NUL");

    tb_reset(&b);
    h = tb_header(&b, "l", '2', "abc", 0, 0777);
    h[157 + 5] = 'z';
    tb_checksum(h);
    tb_end(&b);
    REFUSED("a link name with bytes after its NUL");

    tb_reset(&b);
    tb_file(&b, "a/../../etc/passwd", "x", 0644);
    tb_end(&b);
    REFUSED("'a/../../etc/passwd': a '..' component in a name");
    tb_reset(&b);
    tb_file(&b, "..", "x", 0644);
    tb_end(&b);
    REFUSED("a '..' component");
    tb_reset(&b);
    tb_header(&b, "h", '1', "x/../y", 0, 0644);
    tb_end(&b);
    REFUSED("a '..' component");

    tb_reset(&b);
    tb_file(&b, "./", "", 0644);
    tb_end(&b);
    REFUSED("an empty name");
    tb_reset(&b);
    tb_file(&b, "file/", "", 0644);
    tb_end(&b);
    REFUSED("a name ending in '/' on something not a directory");
    tb_reset(&b);
    tb_header(&b, "l", '2', "", 0, 0777);
    tb_end(&b);
    REFUSED("'l': an empty link target");

    char big[5000];
    memset(big, 'c', 300);
    big[300] = 0;
    tb_reset(&b);
    tb_long(&b, 'L', big, 301);
    tb_file(&b, "x", "", 0644);
    tb_end(&b);
    REFUSED("a name component longer than 255 bytes");
    for (int i = 0; i < 4100; i++)
        big[i] = i % 2 ? '/' : 'd';
    big[4100] = 0;
    tb_reset(&b);
    tb_long(&b, 'L', big, 4101);
    tb_file(&b, "x", "", 0644);
    tb_end(&b);
    REFUSED("a GNU long name of a bad size");
    /* 4095 bytes of name that normalize to more than PATH_MAX-1? No:
     * "d/d/.../d" of 4095 bytes is fine; with a pax path of 4095 bytes plus
     * a leading "./" it still fits after normalizing. */

    tb_reset(&b);
    tb_long(&b, 'L', "abc\0def", 8);
    tb_file(&b, "x", "", 0644);
    tb_end(&b);
    REFUSED("a GNU long name with bytes after its NUL");
    tb_reset(&b);
    tb_long(&b, 'L', "one", 4);
    tb_long(&b, 'L', "two", 4);
    tb_file(&b, "x", "", 0644);
    tb_end(&b);
    REFUSED("two long names for one entry");

    char rec[64] = "";
    tb_reset(&b);
    tb_pax(&b, "99 path=x\n");
    tb_file(&b, "x", "", 0644);
    tb_end(&b);
    REFUSED("a malformed pax record");
    tb_reset(&b);
    tb_pax(&b, "10 path=x\n"
               "1x\n");
    tb_file(&b, "x", "", 0644);
    tb_end(&b);
    REFUSED("a malformed pax record");
    tb_reset(&b);
    tb_pax(&b, "20 path=a\0b/c/d/e\n");
    tb_end(&b);
    REFUSED("a malformed pax record");
    tb_reset(&b);
    pax(rec, "GNU.sparse.major", "1");
    tb_pax(&b, rec);
    tb_file(&b, "x", "", 0644);
    tb_end(&b);
    REFUSED("sparse files are not supported");
    tb_reset(&b);
    rec[0] = 0;
    pax(rec, "size", "-1");
    tb_pax(&b, rec);
    tb_file(&b, "x", "", 0644);
    tb_end(&b);
    REFUSED("a bad pax number");
    tb_reset(&b);
    rec[0] = 0;
    pax(rec, "path", "");
    tb_pax(&b, rec);
    tb_file(&b, "x", "", 0644);
    tb_end(&b);
    REFUSED("a bad pax path or linkpath");
    tb_reset(&b);
    rec[0] = 0;
    pax(rec, "path", "xy");
    tb_pax(&b, rec);
    tb_end(&b);
    REFUSED("an extended header without its entry");
}

static void test_bad_trees(void)
{
    tb_reset(&b);
    tb_file(&b, "etc/passwd", "a", 0644);
    tb_file(&b, "./etc//passwd", "b", 0644);
    tb_end(&b);
    REFUSED("'etc/passwd': an entry given twice");
    tb_reset(&b);
    tb_dir(&b, "etc", 0755);
    tb_dir(&b, "etc/", 0755);
    tb_end(&b);
    REFUSED("an entry given twice");
    tb_reset(&b);
    tb_dir(&b, "./", 0755);
    tb_dir(&b, "/", 0755);
    tb_end(&b);
    REFUSED("an entry given twice");
    tb_reset(&b);
    tb_file(&b, "etc", "a", 0644);
    tb_file(&b, "etc/passwd", "b", 0644);
    tb_end(&b);
    REFUSED("'etc/passwd': a parent that is not a directory");
    tb_reset(&b);
    tb_header(&b, "etc", '2', "/", 0, 0777);
    tb_file(&b, "etc/passwd", "b", 0644); /* never through a symbolic link */
    tb_end(&b);
    REFUSED("a parent that is not a directory");
    tb_reset(&b);
    tb_header(&b, "h", '1', "missing", 0, 0644);
    tb_end(&b);
    REFUSED("'h': a hard link to a missing entry");
    tb_reset(&b);
    tb_dir(&b, "d", 0755);
    tb_header(&b, "h", '1', "d", 0, 0644);
    tb_end(&b);
    REFUSED("a hard link to a directory");
    tb_reset(&b);
    tb_file(&b, "f", "x", 0644);
    tb_header(&b, "h", '1', "f/g", 0, 0644);
    tb_end(&b);
    REFUSED("a parent that is not a directory");
}

/* A path of 2000 levels loads and frees without recursion. */
static void test_deep_path(void)
{
    static char name[4100];
    size_t n = 0;
    for (int i = 0; i < 2000; i++) {
        name[n++] = 'a';
        name[n++] = '/';
    }
    strcpy(name + n, "leaf");
    tb_reset(&b);
    static char rec[4200];
    rec[0] = 0;
    pax(rec, "path", name);
    tb_pax(&b, rec);
    tb_file(&b, "x", "deep", 0644);
    tb_end(&b);
    struct tar_error why = { 0 };
    int err = load(&why);
    CHECK(err == 0);
    if (err)
        fprintf(stderr, "deep: %s\n", why.message);
    CHECK(content_is(name, "deep"));
    unload();
}

/* Out of frames and out of memory at every step: refused or loaded,
 * nothing leaked, nothing broken. */
static void test_exhaustion(void)
{
    tb_reset(&b);
    static char big[40000];
    memset(big, 'z', sizeof(big) - 1);
    tb_file(&b, "big", big, 0644);
    tb_end(&b);
    host_frames_limit(5);
    REFUSED("'big': out of frames for the file's data");
    host_frames_limit(HOST_FRAMES_MAX);

    tb_reset(&b);
    tb_dir(&b, "d", 0755);
    tb_file(&b, "d/e/f", "contents", 0644);
    tb_header(&b, "d/link", '2', "e/f", 0, 0777);
    tb_header(&b, "d/hard", '1', "d/e/f", 0, 0644);
    tb_end(&b);
    int loaded = 0;
    for (long n = 1; n < 200; n++) {
        host_heap_fail_after(n);
        struct tar_error why = { 0 };
        int err = load(&why);
        host_heap_fail_after(0);
        if (err == 0) {
            loaded++;
            CHECK(content_is("/d/link", "contents"));
            unload();
        } else {
            CHECK(strstr(why.message, "out of memory") != NULL);
            if (!strstr(why.message, "out of memory"))
                fprintf(stderr, "exhaustion %ld: %s\n", n, why.message);
            CHECK(host_heap_live() == 0 && frames_in_use() == 0);
        }
    }
    CHECK(loaded > 0);
}

static void test_init_from_tar(void)
{
    tb_reset(&b);
    tb_file(&b, "etc/motd", "hi", 0644);
    tb_end(&b);
    CHECK(vfs_init_from_tar(b.buf, b.len) == 0);
    struct lx_inode *zero = find("/dev/zero", false), *tmp = find("/tmp", false);
    CHECK(zero && zero->rdev == lx_makedev(1, 5) && (zero->mode & 07777) == 0666);
    CHECK(find("/dev/full", false) && find("/dev/null", false));
    CHECK(tmp && tmp->mode == (LX_S_IFDIR | 01777));
    CHECK(content_is("/etc/motd", "hi"));
    CHECK(vfs_init_from_tar(b.buf, b.len) == -LX_EBUSY); /* one root */
    unload();

    b.buf[0] ^= 1;
    host_last_log[0] = 0;
    CHECK(vfs_init_from_tar(b.buf, b.len) == -LX_EINVAL);
    CHECK(strstr(host_last_log,
                 "root file system archive is refused: at offset 0: a header with a bad checksum"));
    CHECK(!find("/", false));
}

/* An archive from make_tar_corpus.py. */
static void test_corpus_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        check_failures++;
        return;
    }
    b.len = fread(b.buf, 1, sizeof(b.buf), f);
    fclose(f);
    struct tar_error why = { 0 };
    int err = load(&why);
    CHECK(err == 0);
    if (err) {
        fprintf(stderr, "%s: %s\n", path, why.message);
        return;
    }
    char deep[400] = "tree";
    for (int i = 0; i < 8; i++)
        strcat(deep, "/directory-with-a-long-name");
    strcat(deep, "/file.txt");
    CHECK(content_is("/tree/hello.txt", "hello, world\n"));
    CHECK(content_is(deep, "deep\n"));
    CHECK(link_is("/tree/link-to-hello", "hello.txt"));
    CHECK(content_is("/tree/link-to-hello", "hello, world\n"));
    struct lx_inode *a = find("/tree/hello.txt", false), *h = find("/tree/hard-hello", false);
    CHECK(a && a == h && a->nlink == 2);
    struct lx_inode *x = find("/tree/bin/tool", false);
    CHECK(x && (x->mode & 07777) == 04755);
    CHECK(content_is("/tree/\xc3\xbcn\xc3\xaf"
                     "code.txt",
                     "u\n"));
    struct lx_inode *dn = find("/tree/dev-null", false);
    CHECK(dn && dn->rdev == lx_makedev(1, 3));
    struct lx_inode *big = find("/tree/big.bin", false);
    CHECK(big && big->size == 70000);
    unload();
}

int main(int argc, char **argv)
{
    test_good_tree();
    test_extended_headers();
    test_bad_headers();
    test_bad_names();
    test_bad_trees();
    test_deep_path();
    test_exhaustion();
    test_init_from_tar();
    for (int i = 1; i < argc; i++)
        test_corpus_file(argv[i]);
    return check_exit("linux_tar");
}
