/* personalities/linux/tmpfs.h — the file-system types mount(2) makes on
 * memfs (memfs.h): tmpfs, and devtmpfs (devfs.h) which shares its
 * options.  Each mount is a new memfs with its own st_dev. */
#pragma once

#include "vfs.h"
#include <stdbool.h>
#include <stdint.h>

extern const struct lx_fs_type lx_tmpfs_type;

/* Options of tmpfs and devtmpfs, comma-separated in mount(2)'s data:
 * mode= (octal), uid=, gid= of the root directory; size= (bytes, with
 * k/m/g/% suffixes), nr_blocks= and nr_inodes= are checked and accepted
 * but not enforced: the frame pool and MEMFS_MAX_INODES bound every memfs
 * together; ro and rw set args->readonly.  Anything else, or a bad value,
 * is -LX_EINVAL. */
struct tmpfs_options {
    uint32_t mode, uid, gid; /* the root directory's */
};
int tmpfs_parse_options(struct lx_mount_args *args, uint32_t default_mode, struct tmpfs_options *out);
/* A new memfs whose root has the options' mode and owner (ref'd). */
int tmpfs_new(const struct tmpfs_options *o, struct lx_inode **root);
