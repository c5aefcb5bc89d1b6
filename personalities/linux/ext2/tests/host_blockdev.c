/* personalities/linux/ext2/tests/host_blockdev.c — see host_blockdev.h. */
#include "host_blockdev.h"

#include "../../linux_abi.h"
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int countdown(long *n)
{
    return *n > 0 && --*n == 0;
}

static int hd_read(struct lx_blockdev *dev, uint64_t sector, uint32_t count, void *buf)
{
    struct host_blockdev *hd = dev->priv;
    hd->reads++;
    if (countdown(&hd->fail_reads_after))
        return -LX_EIO;
    size_t len = (size_t)count * LX_SECTOR_SIZE;
    if (hd->fd < 0) {
        memcpy(buf, hd->mem + sector * LX_SECTOR_SIZE, len);
        return 0;
    }
    return pread(hd->fd, buf, len, (off_t)(sector * LX_SECTOR_SIZE)) == (ssize_t)len ? 0 : -LX_EIO;
}

static int hd_write(struct lx_blockdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
    struct host_blockdev *hd = dev->priv;
    hd->writes++;
    if (countdown(&hd->fail_writes_after))
        return -LX_EIO;
    size_t len = (size_t)count * LX_SECTOR_SIZE;
    if (hd->fd < 0) {
        memcpy(hd->mem + sector * LX_SECTOR_SIZE, buf, len);
        return 0;
    }
    return pwrite(hd->fd, buf, len, (off_t)(sector * LX_SECTOR_SIZE)) == (ssize_t)len ? 0 : -LX_EIO;
}

static int hd_flush(struct lx_blockdev *dev)
{
    struct host_blockdev *hd = dev->priv;
    hd->flushes++;
    return 0;
}

static void hd_close(struct lx_blockdev *dev)
{
    struct host_blockdev *hd = dev->priv;
    hd->closed++;
}

static const struct lx_blockdev_ops host_ops = {
    .read = hd_read, .write = hd_write, .flush = hd_flush, .close = hd_close
};

int host_blockdev_open_file(struct host_blockdev *hd, const char *path)
{
    memset(hd, 0, sizeof(*hd));
    hd->fd = open(path, O_RDWR);
    struct stat st;
    if (hd->fd < 0 || fstat(hd->fd, &st) < 0)
        return -1;
    hd->dev = (struct lx_blockdev){ &host_ops, (uint64_t)st.st_size / LX_SECTOR_SIZE, 64, hd };
    return 0;
}

void host_blockdev_memory(struct host_blockdev *hd, uint8_t *mem, size_t size)
{
    memset(hd, 0, sizeof(*hd));
    hd->fd = -1;
    hd->mem = mem;
    hd->dev = (struct lx_blockdev){ &host_ops, size / LX_SECTOR_SIZE, 0, hd };
}

void host_blockdev_close(struct host_blockdev *hd)
{
    if (hd->fd >= 0)
        close(hd->fd);
    hd->fd = -1;
}

/* The personality's runtime formats its log lines with uvsnprintf; weak,
 * so that a host environment that has one wins. */
__attribute__((weak)) size_t uvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, size, fmt, ap);
    return n < 0 ? 0 : (size_t)n;
}
