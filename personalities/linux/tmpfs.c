/* personalities/linux/tmpfs.c — see tmpfs.h. */
#include "tmpfs.h"

#include "memfs.h"
#include <kumiki/user.h>

/* An unsigned number of base 8 or 10 in s[0..len): false when empty, not
 * a number, or above max. */
static bool parse_number(const char *s, size_t len, unsigned base, uint64_t max, uint64_t *out)
{
    if (len == 0)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (s[i] < '0' || d >= base || v > (max - d) / base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

/* size=: a number with an optional k, m, g (binary) or % suffix. */
static bool parse_size(const char *s, size_t len)
{
    uint64_t v, max = ~0ull >> 30;
    if (len && (s[len - 1] == 'k' || s[len - 1] == 'K' || s[len - 1] == 'm' || s[len - 1] == 'M' ||
                s[len - 1] == 'g' || s[len - 1] == 'G' || s[len - 1] == '%'))
        len--;
    return parse_number(s, len, 10, max, &v);
}

static bool option_is(const char *opt, size_t len, const char *name)
{
    size_t n = strlen(name);
    return len == n && memcmp(opt, name, n) == 0;
}

int tmpfs_parse_options(struct lx_mount_args *args, uint32_t default_mode, struct tmpfs_options *out)
{
    *out = (struct tmpfs_options){ .mode = default_mode, .uid = 0, .gid = 0 };
    const char *p = args->data;
    while (*p) {
        const char *opt = p;
        size_t len = 0;
        while (opt[len] && opt[len] != ',')
            len++;
        p = opt[len] ? opt + len + 1 : opt + len;
        if (len == 0)
            continue; /* "a,,b": Linux skips empty options too */
        size_t key = 0;
        while (key < len && opt[key] != '=')
            key++;
        const char *value = opt + key + 1;
        size_t value_len = key < len ? len - key - 1 : 0;
        uint64_t v;
        if (key == len && option_is(opt, len, "ro"))
            args->readonly = true;
        else if (key == len && option_is(opt, len, "rw"))
            args->readonly = false;
        else if (key == len)
            return -LX_EINVAL;
        else if (option_is(opt, key, "mode") && parse_number(value, value_len, 8, 07777, &v))
            out->mode = (uint32_t)v;
        else if (option_is(opt, key, "uid") && parse_number(value, value_len, 10, 0xfffffffeu, &v))
            out->uid = (uint32_t)v;
        else if (option_is(opt, key, "gid") && parse_number(value, value_len, 10, 0xfffffffeu, &v))
            out->gid = (uint32_t)v;
        else if (option_is(opt, key, "size") && parse_size(value, value_len))
            continue;
        else if ((option_is(opt, key, "nr_blocks") || option_is(opt, key, "nr_inodes")) &&
                 parse_size(value, value_len) && value[value_len - 1] != '%')
            continue;
        else
            return -LX_EINVAL;
    }
    return 0;
}

int tmpfs_new(const struct tmpfs_options *o, struct lx_inode **root)
{
    struct lx_inode *r = memfs_create(vfs_anon_dev());
    if (!r)
        return -LX_ENOMEM;
    r->mode = LX_S_IFDIR | o->mode;
    r->uid = o->uid;
    r->gid = o->gid;
    *root = r;
    return 0;
}

static int tmpfs_mount(struct lx_mount_args *args, struct lx_inode **root)
{
    struct tmpfs_options o;
    int err = tmpfs_parse_options(args, 01777, &o);
    return err < 0 ? err : tmpfs_new(&o, root);
}

const struct lx_fs_type lx_tmpfs_type = { .name = "tmpfs", .nodev = true, .mount = tmpfs_mount };
