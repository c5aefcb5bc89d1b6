/* personalities/linux/devfs.h — devtmpfs: a tmpfs (tmpfs.h) that starts
 * with the device nodes of the devices the personality has, as Linux's
 * devtmpfs does, plus the links udev would add:
 *
 *   null 1:3, zero 1:5, full 1:7, random 1:8, urandom 1:9   0666
 *   tty 5:0 (0666), console 5:1 (0600)     the console (tty.c registers them)
 *   fd -> /proc/self/fd, stdin|stdout|stderr -> /proc/self/fd/0|1|2
 *   shm/ (1777)
 *
 * random and urandom are not cryptographic (devices.c).  Each mount is a
 * new instance: nodes made in one are not in another. */
#pragma once

#include "vfs.h"

extern const struct lx_fs_type lx_devtmpfs_type;

/* Makes the nodes, links and directories above in the directory dir of a
 * memfs (owned by root): 0 or -errno. */
int devfs_populate(struct lx_inode *dir);
/* The name in /dev of the character device rdev ("console"), or NULL. */
const char *devfs_name(uint64_t rdev);
