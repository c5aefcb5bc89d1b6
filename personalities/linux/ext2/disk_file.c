/* personalities/linux/ext2/disk_file.c — what opening a disk's node
 * (/dev/vda) gives: the disk's bytes, as Linux's block-device files give
 * them (block/fops.c).
 *
 *   read, pread     any offset and length; 0 (end of file) at the end of
 *                   the disk.
 *   write, pwrite   any offset and length: sectors written in part are
 *                   read, changed and written back.  At or past the end:
 *                   ENOSPC; a write that crosses the end stops there.
 *                   Written through to the device before the call returns
 *                   (the node has no cache of its own), so a mount made
 *                   afterwards reads it, and fsync only flushes the device.
 *   lseek           SEEK_END is the disk's size; past it, EINVAL (Linux's
 *                   fixed_size_llseek).
 *   fsync           writes back the mounted file system's dirty metadata
 *                   (which Linux keeps in the disk's own page cache) and
 *                   flushes the device.
 *   ioctl           BLKGETSIZE64, BLKGETSIZE, BLKSSZGET, BLKPBSZGET,
 *                   BLKBSZGET, BLKROGET, BLKFLSBUF (root only).
 *
 * A mounted disk (disks.h) refuses opens for writing with EBUSY, and a
 * disk open for writing refuses mounts: the file system's caches and raw
 * writes never meet.  Reading a mounted disk is allowed: each block the
 * file system holds in its block cache (the superblock, descriptors,
 * bitmaps, inode tables, directories, indirect blocks) is read from the
 * cache, which is newer than the device or equal to it, so what is read
 * is the file system's metadata as it is now, as on Linux; file data
 * written but not yet written back is seen after sync, as on Linux.
 *
 * The personality is single-threaded: one bounce buffer serves every
 * call, and nothing changes the cache between the device read and the
 * overlay. */
#include "../file.h"
#include "../linux_abi.h"
#include "../proc.h"
#include "../uio.h"
#include "disks.h"
#include "ext2_internal.h"
#include <kumiki/user.h>

/* Linux's block ioctls (include/uapi/linux/fs.h). */
#define BLKROGET     0x125eu
#define BLKGETSIZE   0x1260u
#define BLKFLSBUF    0x1261u
#define BLKSSZGET    0x1268u
#define BLKPBSZGET   0x127bu
#define BLKBSZGET    0x80081270u /* _IOR(0x12, 112, size_t) */
#define BLKGETSIZE64 0x80081272u /* _IOR(0x12, 114, size_t) */

/* Bytes one device request of this file moves at most: whole sectors. */
enum { CHUNK = 4096, CHUNK_SECTORS = CHUNK / LX_SECTOR_SIZE };
static uint8_t bounce[CHUNK], staging[CHUNK];

static struct lx_disk *disk_of(const struct lx_file *f)
{
    return f->priv;
}

static int disk_open(struct lx_file *f)
{
    struct lx_disk *d = lx_disk_find(file_inode(f)->rdev);
    if (!d)
        return -LX_ENXIO; /* not registered: blkdev_ops would not have led here */
    if (f->fmode & LX_FMODE_WRITE) {
        if (d->in_use)
            return -LX_EBUSY;
        d->writers++;
    }
    f->priv = d;
    return 0;
}

static void disk_release(struct lx_file *f)
{
    struct lx_disk *d = disk_of(f);
    if (d && (f->fmode & LX_FMODE_WRITE))
        d->writers--;
}

/* Lays the mounted file system's cached blocks over buf, which holds the
 * device's bytes [off, off + len). */
static void overlay_cache(const struct lx_disk *d, uint64_t off, uint8_t *buf, size_t len)
{
    if (!d->fs || !len)
        return;
    uint64_t bs = d->fs->block_size, end = off + len;
    for (uint64_t b = off / bs; b * bs < end; b++) {
        const uint8_t *data = bcache_peek(d->fs->bc, b);
        if (!data)
            continue;
        uint64_t from = b * bs > off ? b * bs : off, to = (b + 1) * bs < end ? (b + 1) * bs : end;
        memcpy(buf + (from - off), data + (from - b * bs), (size_t)(to - from));
    }
}

/* The piece of a transfer at pos that one chunk covers: its first sector
 * (as a byte offset), pos's offset in it, and the bytes of the transfer
 * in it (at most want, never past the end of the disk). */
struct piece {
    uint64_t start;
    size_t skip, len;
};

static struct piece piece_at(uint64_t pos, size_t want, uint64_t size)
{
    struct piece p;
    p.start = pos / LX_SECTOR_SIZE * LX_SECTOR_SIZE;
    p.skip = (size_t)(pos - p.start);
    uint64_t room = size - p.start < CHUNK ? size - p.start : CHUNK;
    p.len = room - p.skip < want ? (size_t)(room - p.skip) : want;
    return p;
}

static uint32_t sectors_for(size_t bytes)
{
    return (uint32_t)((bytes + LX_SECTOR_SIZE - 1) / LX_SECTOR_SIZE);
}

static int64_t disk_read(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    (void)t;
    struct lx_disk *d = disk_of(f);
    uint64_t size = blockdev_bytes(d->dev);
    int64_t total = 0;
    while (u->resid && *pos < size) {
        struct piece p = piece_at(*pos, u->resid, size);
        uint32_t sectors = sectors_for(p.skip + p.len);
        if (blockdev_read_blocks(d->dev, LX_SECTOR_SIZE, p.start / LX_SECTOR_SIZE, sectors, bounce) < 0)
            return total ? total : -LX_EIO;
        overlay_cache(d, p.start, bounce, (size_t)sectors * LX_SECTOR_SIZE);
        int64_t moved = uio_copy_out(u, bounce + p.skip, p.len);
        if (moved < 0)
            return total ? total : moved;
        total += moved;
        *pos += (uint64_t)moved;
        if ((size_t)moved < p.len)
            break;
    }
    return total;
}

static int64_t disk_write(struct lx_file *f, struct lx_thread *t, struct lx_uio *u, uint64_t *pos)
{
    (void)t;
    struct lx_disk *d = disk_of(f);
    uint64_t size = blockdev_bytes(d->dev);
    if (!u->resid)
        return 0;
    if (*pos >= size)
        return -LX_ENOSPC;
    int64_t total = 0;
    while (u->resid && *pos < size) {
        struct piece p = piece_at(*pos, u->resid, size);
        int64_t moved = uio_copy_in(u, staging, p.len);
        if (moved <= 0)
            return total ? total : (moved < 0 ? moved : -LX_EFAULT);
        size_t end = p.skip + (size_t)moved;
        uint32_t sectors = sectors_for(end);
        uint64_t sector = p.start / LX_SECTOR_SIZE;
        /* Sectors written in part keep the rest of their bytes. */
        if ((p.skip % LX_SECTOR_SIZE || end % LX_SECTOR_SIZE) &&
            blockdev_read_blocks(d->dev, LX_SECTOR_SIZE, sector, sectors, bounce) < 0)
            return total ? total : -LX_EIO;
        memcpy(bounce + p.skip, staging, (size_t)moved);
        if (blockdev_write_blocks(d->dev, LX_SECTOR_SIZE, sector, sectors, bounce) < 0)
            return total ? total : -LX_EIO;
        total += moved;
        *pos += (uint64_t)moved;
        if ((size_t)moved < p.len)
            break;
    }
    return total;
}

static int64_t disk_lseek(struct lx_file *f, int64_t off, int whence)
{
    uint64_t size = blockdev_bytes(disk_of(f)->dev);
    int64_t base;
    switch (whence) {
    case LX_SEEK_SET: base = 0; break;
    case LX_SEEK_CUR: base = (int64_t)f->pos; break;
    case LX_SEEK_END: base = (int64_t)size; break;
    case LX_SEEK_DATA:
    case LX_SEEK_HOLE:
        /* All data, no holes: as Linux's generic_file_llseek_size. */
        if (off < 0 || (uint64_t)off >= size)
            return -LX_ENXIO;
        f->pos = whence == LX_SEEK_DATA ? (uint64_t)off : size;
        return (int64_t)f->pos;
    default: return -LX_EINVAL;
    }
    int64_t pos;
    if (__builtin_add_overflow(base, off, &pos) || pos < 0 || (uint64_t)pos > size)
        return -LX_EINVAL;
    f->pos = (uint64_t)pos;
    return pos;
}

/* The mounted file system's dirty metadata, then the device. */
static int disk_sync(struct lx_disk *d)
{
    if (d->fs)
        return bcache_flush(d->fs->bc);
    return blockdev_flush(d->dev) < 0 ? -LX_EIO : 0;
}

static int disk_fsync(struct lx_file *f)
{
    return disk_sync(disk_of(f));
}

/* Linux's soft block size of a disk: the mounted file system's block size,
 * else the largest power of two up to a page that divides the size. */
static uint32_t soft_block_size(const struct lx_disk *d)
{
    if (d->fs)
        return d->fs->block_size;
    uint64_t size = blockdev_bytes(d->dev);
    uint32_t bs = 4096;
    while (bs > LX_SECTOR_SIZE && size % bs)
        bs /= 2;
    return bs;
}

static int64_t copy_out(struct lx_mm *mm, uint64_t arg, const void *value, size_t len)
{
    return mm_copy_out(mm, arg, value, len) ? -LX_EFAULT : 0;
}

static int64_t disk_ioctl(struct lx_file *f, struct lx_thread *t, unsigned cmd, uint64_t arg)
{
    struct lx_disk *d = disk_of(f);
    struct lx_mm *mm = t ? t->proc->mm : NULL;
    if (!mm)
        return -LX_ENOTTY;
    uint64_t bytes = blockdev_bytes(d->dev);
    switch (cmd) {
    case BLKGETSIZE64: return copy_out(mm, arg, &bytes, sizeof(bytes));
    case BLKGETSIZE: {
        uint64_t sectors = bytes / LX_SECTOR_SIZE; /* an unsigned long */
        return copy_out(mm, arg, &sectors, sizeof(sectors));
    }
    case BLKSSZGET:
    case BLKPBSZGET: {
        int32_t sector = LX_SECTOR_SIZE;
        return copy_out(mm, arg, &sector, sizeof(sector));
    }
    case BLKBSZGET: {
        int32_t bs = (int32_t)soft_block_size(d);
        return copy_out(mm, arg, &bs, sizeof(bs));
    }
    case BLKROGET: {
        int32_t ro = 0;
        return copy_out(mm, arg, &ro, sizeof(ro));
    }
    case BLKFLSBUF:
        if (t->proc->euid != 0)
            return -LX_EACCES; /* CAP_SYS_ADMIN */
        return disk_sync(d);   /* nothing of the node's own to drop */
    default: return -LX_ENOTTY;
    }
}

const struct lx_file_ops lx_disk_file_ops = {
    .read = disk_read,
    .write = disk_write,
    .lseek = disk_lseek,
    .ioctl = disk_ioctl,
    .release = disk_release,
    .open = disk_open,
    .fsync = disk_fsync,
};
