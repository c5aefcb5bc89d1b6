/* personalities/linux/tar.c — see tar.h.  Layout of a ustar header (one
 * 512-byte block; numbers are octal text):
 *   0 name[100]  100 mode[8]  108 uid[8]  116 gid[8]  124 size[12]
 *   136 mtime[12]  148 chksum[8]  156 typeflag  157 linkname[100]
 *   257 magic[6]  263 version[2]  265 uname[32]  297 gname[32]
 *   329 devmajor[8]  337 devminor[8]  345 prefix[155]
 * GNU headers (magic "ustar  ") keep other data where prefix is. */
#include "tar.h"

#include <stdbool.h>

enum { BLOCK = 512 };

/* ---- Messages ------------------------------------------------------------ */

static void msg_add(char *msg, size_t *len, const char *s)
{
    while (*s && *len + 1 < sizeof(((struct tar_error *)0)->message))
        msg[(*len)++] = *s++;
    msg[*len] = '\0';
}

int tar_fail(struct tar_error *err, uint64_t offset, const char *name, const char *what)
{
    size_t len = 0;
    err->offset = offset;
    err->message[0] = '\0';
    char num[24];
    int n = 0;
    uint64_t v = offset;
    do {
        num[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    char digits[24];
    for (int i = 0; i < n; i++)
        digits[i] = num[n - 1 - i];
    digits[n] = '\0';
    msg_add(err->message, &len, "at offset ");
    msg_add(err->message, &len, digits);
    msg_add(err->message, &len, ": ");
    if (name) {
        /* Untrusted bytes: printable ASCII only, and not too many. */
        char shown[68];
        size_t i = 0;
        for (; name[i] && i < 60; i++)
            shown[i] = name[i] >= 0x20 && name[i] < 0x7f ? name[i] : '?';
        shown[i] = '\0';
        msg_add(err->message, &len, "'");
        msg_add(err->message, &len, shown);
        msg_add(err->message, &len, name[i] ? "...': " : "': ");
    }
    msg_add(err->message, &len, what);
    return -LX_EINVAL;
}

/* ---- Fields -------------------------------------------------------------- */

/* A numeric field: octal text (leading spaces, then digits, then spaces or
 * NULs), all blank meaning 0, or GNU base-256 (first byte 0x80). */
static bool parse_number(const uint8_t *f, size_t width, uint64_t *out)
{
    uint64_t v = 0;
    if (f[0] == 0x80) {
        for (size_t i = 1; i < width; i++) {
            if (v >> 56)
                return false;
            v = v << 8 | f[i];
        }
        *out = v;
        return true;
    }
    size_t i = 0;
    while (i < width && f[i] == ' ')
        i++;
    for (; i < width && f[i] >= '0' && f[i] <= '7'; i++) {
        if (v >> 60)
            return false;
        v = v << 3 | (uint64_t)(f[i] - '0');
    }
    for (; i < width; i++)
        if (f[i] != ' ' && f[i] != '\0')
            return false;
    *out = v;
    return true;
}

/* A NUL-padded text field: its length, or -1 when something follows the
 * first NUL (a name hidden behind it). */
static int text_field(const uint8_t *f, size_t width)
{
    size_t len = 0;
    while (len < width && f[len])
        len++;
    for (size_t i = len; i < width; i++)
        if (f[i])
            return -1;
    return (int)len;
}

static bool block_is_zero(const uint8_t *b)
{
    for (size_t i = 0; i < BLOCK; i++)
        if (b[i])
            return false;
    return true;
}

static bool checksum_ok(const uint8_t *h)
{
    uint64_t stored;
    if (!parse_number(h + 148, 8, &stored))
        return false;
    uint64_t unsigned_sum = 0;
    int64_t signed_sum = 0;
    for (size_t i = 0; i < BLOCK; i++) {
        uint8_t b = (i >= 148 && i < 156) ? ' ' : h[i];
        unsigned_sum += b;
        signed_sum += (int8_t)b;
    }
    /* POSIX says unsigned; some old tars summed signed chars. */
    return stored == unsigned_sum || (int64_t)stored == signed_sum;
}

/* ---- Names ----------------------------------------------------------------- */

/* Normalizes src[0..len) into dst: no leading '/', no "." or empty
 * components; refuses "..", an over-long component or name.  *trailing_slash
 * tells whether it ended in '/'. */
static const char *normalize(const char *src, size_t len, char *dst, bool *trailing_slash)
{
    size_t out = 0, i = 0;
    *trailing_slash = len > 0 && src[len - 1] == '/';
    while (i < len) {
        while (i < len && src[i] == '/')
            i++;
        size_t start = i;
        while (i < len && src[i] != '/')
            i++;
        size_t clen = i - start;
        if (clen == 0 || (clen == 1 && src[start] == '.'))
            continue;
        if (clen == 2 && src[start] == '.' && src[start + 1] == '.')
            return "a '..' component in a name";
        if (clen > LX_NAME_MAX)
            return "a name component longer than 255 bytes";
        if (out + (out ? 1 : 0) + clen >= LX_PATH_MAX)
            return "a name longer than 4095 bytes";
        if (out)
            dst[out++] = '/';
        for (size_t k = 0; k < clen; k++)
            dst[out++] = src[start + k];
    }
    dst[out] = '\0';
    return NULL;
}

/* ---- Extended headers -------------------------------------------------------- */

struct pending {
    bool long_path, long_link; /* GNU L/K or pax path/linkpath given */
    bool has_size, has_uid, has_gid, has_mtime;
    uint64_t size, uid, gid;
    int64_t mtime;
};

static bool parse_decimal(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - 9) / 10)
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

static bool key_is(const char *key, size_t len, const char *want)
{
    size_t i = 0;
    for (; i < len && want[i]; i++)
        if (key[i] != want[i])
            return false;
    return i == len && !want[i];
}

static bool copy_text(char *dst, const char *src, size_t len)
{
    if (len == 0 || len >= LX_PATH_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!src[i])
            return false;
        dst[i] = src[i];
    }
    dst[len] = '\0';
    return true;
}

/* One pax record "LEN KEY=VALUE\n" applied to p (global: checked only). */
static const char *pax_record(const char *key, size_t klen, const char *val, size_t vlen, bool global,
                              struct pending *p, struct tar_scratch *s)
{
    uint64_t v;
    if (klen >= 10 && key_is(key, 10, "GNU.sparse"))
        return "sparse files are not supported";
    if (key_is(key, klen, "path") || key_is(key, klen, "linkpath")) {
        if (global)
            return NULL; /* a global default name means nothing for a tree */
        bool is_path = klen == 4;
        if (!copy_text(is_path ? s->long_path : s->long_link, val, vlen))
            return "a bad pax path or linkpath";
        if (is_path)
            p->long_path = true;
        else
            p->long_link = true;
        return NULL;
    }
    if (key_is(key, klen, "size") || key_is(key, klen, "uid") || key_is(key, klen, "gid")) {
        if (!parse_decimal(val, vlen, &v) || (klen == 4 ? v > (1ull << 62) : v > UINT32_MAX))
            return "a bad pax number";
        if (global)
            return NULL;
        if (klen == 4) {
            p->has_size = true;
            p->size = v;
        } else if (key[0] == 'u') {
            p->has_uid = true;
            p->uid = v;
        } else {
            p->has_gid = true;
            p->gid = v;
        }
        return NULL;
    }
    if (key_is(key, klen, "mtime")) {
        bool negative = vlen && val[0] == '-';
        size_t start = negative ? 1 : 0, end = start;
        while (end < vlen && val[end] != '.')
            end++;
        if (!parse_decimal(val + start, end - start, &v) || v > (1ull << 62))
            return "a bad pax mtime";
        for (size_t i = end + 1; i < vlen; i++)
            if (val[i] < '0' || val[i] > '9')
                return "a bad pax mtime";
        if (!global) {
            p->has_mtime = true;
            p->mtime = negative ? -(int64_t)v : (int64_t)v;
        }
        return NULL;
    }
    return NULL; /* other keys (atime, ctime, charset, SCHILY.*...) do not matter here */
}

static const char *pax_parse(const uint8_t *data, uint64_t size, bool global, struct pending *p,
                             struct tar_scratch *s)
{
    const char *d = (const char *)data;
    uint64_t pos = 0;
    while (pos < size) {
        uint64_t len = 0, i = pos;
        while (i < size && d[i] >= '0' && d[i] <= '9' && i - pos < 18)
            len = len * 10 + (uint64_t)(d[i++] - '0');
        if (i == pos || i >= size || d[i] != ' ' || len > size - pos || i + 1 >= pos + len ||
            d[pos + len - 1] != '\n')
            return "a malformed pax record";
        const char *key = d + i + 1;
        const char *end = d + pos + len - 1; /* the '\n' */
        const char *eq = key;
        while (eq < end && *eq != '=')
            eq++;
        if (eq == end || eq == key)
            return "a malformed pax record";
        const char *why = pax_record(key, (size_t)(eq - key), eq + 1, (size_t)(end - eq - 1), global, p, s);
        if (why)
            return why;
        pos += len;
    }
    return NULL;
}

/* GNU 'L'/'K': the data is the name, NUL-terminated. */
static const char *gnu_long_name(const uint8_t *data, uint64_t size, char *dst)
{
    if (size == 0 || size > LX_PATH_MAX)
        return "a GNU long name of a bad size";
    uint64_t len = 0;
    while (len < size && data[len])
        len++;
    for (uint64_t i = len; i < size; i++)
        if (data[i])
            return "a GNU long name with bytes after its NUL";
    if (len == 0 || len >= LX_PATH_MAX)
        return "a GNU long name of a bad size";
    for (uint64_t i = 0; i < len; i++)
        dst[i] = (char)data[i];
    dst[len] = '\0';
    return NULL;
}

/* ---- Entries ---------------------------------------------------------------- */

static int entry_type(uint8_t flag, enum tar_type *type)
{
    switch (flag) {
    case '0':
    case '\0':
    case '7': *type = TAR_FILE; return 0;
    case '1': *type = TAR_HARDLINK; return 0;
    case '2': *type = TAR_SYMLINK; return 0;
    case '3': *type = TAR_CHAR; return 0;
    case '4': *type = TAR_BLOCK; return 0;
    case '5': *type = TAR_DIR; return 0;
    case '6': *type = TAR_FIFO; return 0;
    default: return -1;
    }
}

/* The entry's raw name: a long name, or prefix "/" name. */
static const char *header_name(const uint8_t *h, bool posix, const struct pending *p, struct tar_scratch *s,
                               const char **name, size_t *len)
{
    if (p->long_path) {
        *name = s->long_path;
        *len = 0;
        while (s->long_path[*len])
            (*len)++;
        return NULL;
    }
    int nlen = text_field(h, 100);
    int plen = posix ? text_field(h + 345, 155) : 0;
    if (nlen < 0 || plen < 0)
        return "a name field with bytes after its NUL";
    /* s->link is free at this point: build "prefix/name" there. */
    char *buf = s->link;
    size_t n = 0;
    for (int i = 0; i < plen; i++)
        buf[n++] = (char)h[345 + i];
    if (plen)
        buf[n++] = '/';
    for (int i = 0; i < nlen; i++)
        buf[n++] = (char)h[i];
    buf[n] = '\0';
    *name = buf;
    *len = n;
    return NULL;
}

/* Fills e from header h (the name in s->path, the link in s->link). */
static const char *header_entry(const uint8_t *h, struct pending *p, struct tar_scratch *s,
                                struct tar_entry *e)
{
    bool posix = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
    if (!posix)
        return "not a ustar header (bad magic)";
    bool gnu = h[262] == ' ' && h[263] == ' ' && h[264] == '\0';
    if (!gnu && !(h[262] == '\0' && h[263] == '0' && h[264] == '0'))
        return "not a ustar header (bad magic or version)";
    if (entry_type(h[156], &e->type) < 0)
        return "an unsupported entry type"; /* tar_walk checked it already */
    const char *raw;
    size_t raw_len;
    const char *why = header_name(h, !gnu, p, s, &raw, &raw_len);
    if (why)
        return why;
    e->path = raw; /* for the messages until it is normalized */
    bool trailing;
    if ((why = normalize(raw, raw_len, s->path, &trailing)))
        return why;
    e->path = s->path;
    uint64_t mode, uid, gid, size, mtime, major, minor;
    if (!parse_number(h + 100, 8, &mode) || !parse_number(h + 108, 8, &uid) ||
        !parse_number(h + 116, 8, &gid) || !parse_number(h + 124, 12, &size) ||
        !parse_number(h + 136, 12, &mtime) || !parse_number(h + 329, 8, &major) ||
        !parse_number(h + 337, 8, &minor))
        return "a malformed number field";
    if (p->has_uid)
        uid = p->uid;
    if (p->has_gid)
        gid = p->gid;
    if (p->has_size)
        size = p->size;
    if (uid > UINT32_MAX || gid > UINT32_MAX || mtime > (1ull << 62))
        return "an out-of-range owner or time";
    e->mode = (uint32_t)(mode & 07777);
    e->uid = (uint32_t)uid;
    e->gid = (uint32_t)gid;
    e->mtime = p->has_mtime ? p->mtime : (int64_t)mtime;
    e->size = size;
    e->devmajor = e->devminor = 0;
    if (e->type == TAR_CHAR || e->type == TAR_BLOCK) {
        if (major > 0xfff || minor > 0xfffff)
            return "a device number out of range";
        e->devmajor = (uint32_t)major;
        e->devminor = (uint32_t)minor;
    }
    if (e->type != TAR_FILE && size != 0)
        return "data on an entry that has none";
    if (!s->path[0] && e->type != TAR_DIR)
        return "an empty name";
    if (trailing && e->type != TAR_DIR)
        return "a name ending in '/' on something not a directory";
    e->link = NULL;
    if (e->type == TAR_HARDLINK || e->type == TAR_SYMLINK) {
        const char *target = s->long_link;
        if (!p->long_link) {
            int llen = text_field(h + 157, 100);
            if (llen < 0)
                return "a link name with bytes after its NUL";
            for (int i = 0; i < llen; i++)
                s->long_link[i] = (char)h[157 + i];
            s->long_link[llen] = '\0';
        }
        if (!target[0])
            return "an empty link target";
        if (e->type == TAR_SYMLINK) {
            e->link = target;
        } else {
            size_t tlen = 0;
            while (target[tlen])
                tlen++;
            if ((why = normalize(target, tlen, s->link, &trailing)))
                return why;
            if (!s->link[0])
                return "a hard link to the root";
            e->link = s->link;
        }
    }
    return NULL;
}

static int unsupported_type(struct tar_error *err, uint64_t off, uint8_t flag)
{
    static const char hex[] = "0123456789abcdef";
    char what[48] = "an unsupported entry type 0x??";
    what[28] = hex[flag >> 4];
    what[29] = hex[flag & 15];
    if (flag >= 0x20 && flag < 0x7f) {
        what[26] = '\'';
        what[27] = (char)flag;
        what[28] = '\'';
        what[29] = '\0';
    }
    return tar_fail(err, off, NULL, what);
}

int tar_walk(const void *archive, size_t size, struct tar_scratch *s, tar_entry_fn fn, void *ctx,
             struct tar_error *err)
{
    const uint8_t *a = archive;
    uint64_t off = 0;
    struct pending p = { 0 };
    bool pending_any = false;
    for (;;) {
        if (size - off < BLOCK)
            return tar_fail(err, off, NULL,
                            off == size ? "the archive ends without its end-of-archive block"
                                        : "the archive ends inside a header");
        const uint8_t *h = a + off;
        if (block_is_zero(h)) {
            if (pending_any)
                return tar_fail(err, off, NULL, "an extended header without its entry");
            return 0;
        }
        if (!checksum_ok(h))
            return tar_fail(err, off, NULL, "a header with a bad checksum");
        uint64_t data_size;
        if (!parse_number(h + 124, 12, &data_size))
            return tar_fail(err, off, NULL, "a malformed size field");
        uint8_t flag = h[156];
        /* The extended headers' own data is sized by their header. */
        if (pending_any && p.has_size && flag != 'x' && flag != 'g' && flag != 'L' && flag != 'K')
            data_size = p.size;
        uint64_t data_off = off + BLOCK;
        uint64_t padded = (data_size + BLOCK - 1) / BLOCK * BLOCK;
        if (data_size > size || padded > size - data_off)
            return tar_fail(err, off, NULL, "data that runs past the end of the archive");
        const uint8_t *data = a + data_off;
        const char *why = NULL;
        if (flag == 'x' || flag == 'g') {
            why = pax_parse(data, data_size, flag == 'g', &p, s);
            pending_any |= flag == 'x';
        } else if (flag == 'L' || flag == 'K') {
            bool *seen = flag == 'L' ? &p.long_path : &p.long_link;
            if (*seen)
                why = "two long names for one entry";
            else
                why = gnu_long_name(data, data_size, flag == 'L' ? s->long_path : s->long_link);
            *seen = true;
            pending_any = true;
        } else {
            struct tar_entry e = { .path = NULL };
            if (entry_type(flag, &e.type) < 0)
                return unsupported_type(err, off, flag);
            why = header_entry(h, &p, s, &e);
            if (why)
                return tar_fail(err, off, e.path, why);
            e.data = data;
            e.offset = off;
            int r = fn(ctx, &e, err);
            if (r < 0)
                return r;
            p = (struct pending){ 0 };
            pending_any = false;
        }
        if (why)
            return tar_fail(err, off, NULL, why);
        off = data_off + padded;
    }
}
