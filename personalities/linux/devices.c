/* personalities/linux/devices.c — see devices.h.  The memory devices
 * behave as drivers/char/mem.c does: null reads EOF and swallows writes,
 * zero reads zeros, full reads zeros and refuses writes with ENOSPC; all
 * three seek to 0 whatever is asked. */
#include "devices.h"

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

static const struct lx_file_ops null_ops = { .read = null_read, .write = null_write, .lseek = memdev_lseek };
static const struct lx_file_ops zero_ops = { .read = zero_read, .write = null_write, .lseek = memdev_lseek };
static const struct lx_file_ops full_ops = { .read = zero_read, .write = full_write, .lseek = memdev_lseek };

struct chrdev {
    uint64_t rdev;
    const struct lx_file_ops *ops;
};

static struct chrdev chrdevs[LX_MAX_CHRDEVS];
static unsigned chrdev_count;

static const struct chrdev builtin[] = {
    { 0x103, &null_ops }, /* lx_makedev(1, 3) */
    { 0x105, &zero_ops },
    { 0x107, &full_ops },
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
    chrdevs[chrdev_count++] = (struct chrdev){ rdev, ops };
    return 0;
}
