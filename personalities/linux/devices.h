/* personalities/linux/devices.h — character devices by number: opening a
 * device node (on devfs, or on any file system) gives a file with the
 * operations registered for its st_rdev.  Built in: /dev/null (1,3),
 * /dev/zero (1,5), /dev/full (1,7), /dev/random (1,8) and /dev/urandom
 * (1,9), the last two NOT cryptographic.  Others (the console tty)
 * register. */
#pragma once

#include "file.h"
#include <stdint.h>

enum { LX_MAX_CHRDEVS = 16 };

/* 0, or -LX_ENOSPC when the table is full, -LX_EBUSY when taken. */
int chrdev_register(uint32_t major, uint32_t minor, const struct lx_file_ops *ops);
/* The operations of device rdev, or NULL (opening it: ENXIO). */
const struct lx_file_ops *chrdev_ops(uint64_t rdev);
