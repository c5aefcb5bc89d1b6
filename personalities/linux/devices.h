/* personalities/linux/devices.h — devices by number: opening a device
 * node (on devfs, or on any file system) gives a file with the operations
 * registered for its type (character or block) and st_rdev; a number
 * nobody registered opens with ENXIO, as on Linux.
 *
 * Character devices built in: /dev/null (1,3), /dev/zero (1,5), /dev/full
 * (1,7), /dev/random (1,8) and /dev/urandom (1,9), the last two NOT
 * cryptographic.  Others (the console tty) register.
 *
 * Block devices (the disks, ext2/disks.h) register with a name: devtmpfs
 * then shows them as /dev/<name> (devfs.h), as Linux's devtmpfs shows
 * every block device added. */
#pragma once

#include "file.h"
#include <stdint.h>

enum { LX_MAX_CHRDEVS = 16, LX_MAX_BLKDEVS = 8 };

/* 0, or -LX_ENOSPC when the table is full, -LX_EBUSY when taken. */
int chrdev_register(uint32_t major, uint32_t minor, const struct lx_file_ops *ops);
/* The operations of device rdev, or NULL (opening it: ENXIO). */
const struct lx_file_ops *chrdev_ops(uint64_t rdev);

/* The group of block-device nodes: Debian's "disk" (udev gives the nodes
 * root:disk 0660; devtmpfs itself would make them 0600). */
enum { LX_DISK_GID = 6, LX_BLKDEV_MODE = 0660 };

/* Registers the block device rdev, whose descriptions get ops (ops->open
 * may refuse one: a disk that is mounted refuses writers), and makes
 * /dev/<name> (LX_S_IFBLK | LX_BLKDEV_MODE, root:disk) in every devtmpfs,
 * now and later.  0, -LX_EBUSY (the number or the name is taken),
 * -LX_ENOSPC (a table is full), -LX_EINVAL (a bad name: devfs_add_node). */
int blkdev_register(uint64_t rdev, const char *name, const struct lx_file_ops *ops);
/* The operations of block device rdev, or NULL (opening it: ENXIO). */
const struct lx_file_ops *blkdev_ops(uint64_t rdev);
