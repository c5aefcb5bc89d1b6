/* personalities/linux/devices.c — see devices.h.  The memory devices
 * behave as drivers/char/mem.c does: null reads EOF and swallows writes,
 * zero reads zeros, full reads zeros and refuses writes with ENOSPC;
 * random and urandom read pseudo-random bytes (not cryptographic: see
 * random_next); all of them seek to 0 whatever is asked. */
#include "devices.h"

#include "devfs.h"
#include "proc.h"
#include "uio.h"

static int64_t null_read(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    return 0;
}

static int64_t null_write(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    size_t n = u->resid;
    uio_skip(u, n);
    return (int64_t)n;
}

static int64_t zero_read(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    return u->resid ? uio_zero_out(u, u->resid) : 0;
}

static int64_t full_write(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    return -LX_ENOSPC;
}

static int64_t memdev_lseek(struct lx_file *f, int64_t off, int whence)
{
    f->pos = 0;
    return 0;
}

/* /dev/random and /dev/urandom: NOT cryptographic.  A SplitMix64
 * generator seeded from the clocks at its first use; writes are mixed in
 * (as Linux credits written bytes to its pool, minus the accounting).
 * Good for shuffling, seeds of hash tables, mktemp names; not for keys. */
static uint64_t random_state;

static uint64_t random_next(void)
{
    if (!random_state)
        random_state = lx_realtime_ns() ^ (lx_now_ns() << 17) ^ 0x9e3779b97f4a7c15ull;
    uint64_t z = (random_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int64_t random_read(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    int64_t total = 0;
    while (u->resid) {
        uint64_t word = random_next();
        size_t n = u->resid < sizeof(word) ? u->resid : sizeof(word);
        int64_t moved = uio_copy_out(u, &word, n);
        if (moved < 0)
            return total ? total : moved;
        total += moved;
        if ((size_t)moved < n)
            break;
    }
    return total;
}

static int64_t random_write(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    int64_t total = 0;
    while (u->resid) {
        uint8_t chunk[64];
        size_t n = u->resid < sizeof(chunk) ? u->resid : sizeof(chunk);
        int64_t moved = uio_copy_in(u, chunk, n);
        if (moved < 0)
            return total ? total : moved;
        for (int64_t i = 0; i < moved; i++)
            random_state = (random_state ^ chunk[i]) * 0x100000001b3ull;
        total += moved;
        if ((size_t)moved < n)
            break;
    }
    return total;
}

static const struct lx_file_ops null_ops = { .read = null_read, .write = null_write, .lseek = memdev_lseek };
static const struct lx_file_ops zero_ops = { .read = zero_read, .write = null_write, .lseek = memdev_lseek };
static const struct lx_file_ops full_ops = { .read = zero_read, .write = full_write, .lseek = memdev_lseek };
static const struct lx_file_ops random_ops = { .read = random_read,
                                               .write = random_write,
                                               .lseek = memdev_lseek };

/* A device number and its operations (character and block devices alike). */
struct device {
    uint64_t rdev;
    const struct lx_file_ops *ops;
};

static struct device chrdevs[LX_MAX_CHRDEVS];
static unsigned chrdev_count;

static const struct device builtin[] = {
    { 0x103, &null_ops },                                                 /* lx_makedev(1, 3) */
    { 0x105, &zero_ops },   { 0x107, &full_ops }, { 0x108, &random_ops }, /* random */
    { 0x109, &random_ops },                                               /* urandom */
};

const struct lx_file_ops *chrdev_ops(uint64_t rdev)
{
    for (unsigned i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
        if (builtin[i].rdev == rdev)
            return builtin[i].ops;
    for (unsigned i = 0; i < chrdev_count; i++)
        if (chrdevs[i].rdev == rdev)
            return chrdevs[i].ops;
    return NULL;
}

int chrdev_register(uint32_t major, uint32_t minor, const struct lx_file_ops *ops)
{
    uint64_t rdev = lx_makedev(major, minor);
    if (chrdev_ops(rdev))
        return -LX_EBUSY;
    if (chrdev_count == LX_MAX_CHRDEVS)
        return -LX_ENOSPC;
    chrdevs[chrdev_count++] = (struct device){ rdev, ops };
    return 0;
}

/* ---- Block devices ---------------------------------------------------------- */

static struct device blkdevs[LX_MAX_BLKDEVS];
static unsigned blkdev_count;

const struct lx_file_ops *blkdev_ops(uint64_t rdev)
{
    for (unsigned i = 0; i < blkdev_count; i++)
        if (blkdevs[i].rdev == rdev)
            return blkdevs[i].ops;
    return NULL;
}

int blkdev_register(uint64_t rdev, const char *name, const struct lx_file_ops *ops)
{
    if (blkdev_ops(rdev))
        return -LX_EBUSY;
    if (blkdev_count == LX_MAX_BLKDEVS)
        return -LX_ENOSPC;
    /* devfs checks the name before anything is recorded; nothing fails after it. */
    int err = devfs_add_node(name, LX_S_IFBLK | LX_BLKDEV_MODE, LX_DISK_GID, rdev);
    if (err < 0)
        return err;
    blkdevs[blkdev_count++] = (struct device){ rdev, ops };
    return 0;
}
