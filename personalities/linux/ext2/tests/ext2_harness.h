/* personalities/linux/ext2/tests/ext2_harness.h — what the ext2 host tests
 * share: mounting an image file as the VFS root, calls through the VFS,
 * and comparing the mounted tree with a host directory. */
#pragma once

#include "../../file.h"
#include "../../vfs.h"
#include "../ext2.h"
#include "host_blockdev.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern struct lx_lookup_ctx root_ctx;
extern struct host_blockdev disk;

/* Mounts image as "/": 0 or the error of ext2_mount/vfs_mount. */
int harness_mount(const char *image, const struct ext2_mount_opts *opts, bool *readonly);
/* Unmounts and checks that everything was freed and the device closed. */
void harness_unmount(void);

/* Paths relative to the root. */
int harness_lookup(const char *path, bool follow, struct lx_inode **out);
/* The whole content of a regular file (malloc'd, *len) or -errno. */
int harness_read_all(const char *path, uint8_t **data, size_t *len);
int harness_pwrite(const char *path, uint64_t off, const void *buf, size_t len, bool create);
/* Names in a directory (not "." and ".."), newline-separated and sorted. */
int harness_list(struct lx_inode *dir, char **names, size_t *count_out);

/* Compares the mounted tree under `path` with the host directory `host`:
 * types, modes, owners, sizes, contents, link targets, device numbers,
 * the same hard links, and (with times) modification times.  Counts
 * differences through CHECK. */
void harness_compare_tree(const char *path, const char *host, bool times);
