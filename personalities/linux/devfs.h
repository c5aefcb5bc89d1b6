/* personalities/linux/devfs.h — devtmpfs: a tmpfs (tmpfs.h) that starts
 * with the device nodes of the devices the personality has, as Linux's
 * devtmpfs does, plus the links udev would add:
 *
 *   null 1:3, zero 1:5, full 1:7, random 1:8, urandom 1:9   0666
 *   tty 5:0 (0666), console 5:1 (0600)     the console (tty.c registers them)
 *   fd -> /proc/self/fd, stdin|stdout|stderr -> /proc/self/fd/0|1|2
 *   shm/ (1777)
 *   the nodes added with devfs_add_node (the disks: vda 254:0, brw-rw----
 *   root:disk, from devices.c's blkdev_register)
 *
 * random and urandom are not cryptographic (devices.c).  Each mount is a
 * new instance: nodes made in one are not in another; but a node added
 * with devfs_add_node appears in every instance mounted at the time and
 * in every later one, the way Linux's devtmpfs reflects the devices
 * registered whenever they come. */
#pragma once

#include "vfs.h"

extern const struct lx_fs_type lx_devtmpfs_type;

enum { DEVFS_MAX_ADDED = 16, DEVFS_NAME_MAX = 31 };

/* Makes the nodes, links and directories above in the directory dir of a
 * memfs (owned by root): 0 or -errno. */
int devfs_populate(struct lx_inode *dir);
/* The name in /dev of the character device rdev ("console"), or NULL. */
const char *devfs_name(uint64_t rdev);
/* A device node every devtmpfs shows from now on: name (1..DEVFS_NAME_MAX
 * bytes, no '/', not "." or ".."), mode (LX_S_IFBLK or LX_S_IFCHR and the
 * permissions), owned by root and group gid, device number rdev.  Made at
 * once in every devtmpfs mounted, except one where the name is taken (what
 * is there stays, as with Linux's devtmpfs), and in every later one.
 * 0, -LX_EINVAL (bad name or mode; nothing changed), -LX_EBUSY (the name
 * is a node already), -LX_ENOSPC (DEVFS_MAX_ADDED nodes added already).
 * A mounted instance that has no room for the node logs it and goes
 * without. */
int devfs_add_node(const char *name, uint32_t mode, uint32_t gid, uint64_t rdev);
