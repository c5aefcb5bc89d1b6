/* personalities/linux/ext2/ext2_internal.h — what the parts of the ext2
 * implementation share: the mounted file system, in-memory inodes, cached
 * pages, and each part's functions.
 *
 *   super.c      mounting (validation), statfs, sync, unmount
 *   alloc.c      block and inode bitmaps, group and superblock counts
 *   inode.c      the inode cache: loading, storing, releasing, freeing
 *   bmap.c       file blocks to disk blocks (indirect blocks), freeing them
 *   pagecache.c  file data in page-cache frames, write-back
 *   file.c       regular files and symbolic links: read, write, truncate
 *   dir.c        directories: entries, lookup, readdir, the name ops
 *
 * Ownership: the ext2_fs owns every ext2_inode in memory (all list); an
 * inode with refs == 0 that still has links is kept on the idle list (a
 * bounded cache) until evicted; one with no links is freed on disk when
 * its last reference goes.  Metadata changes go to the block cache at
 * once (the inode's table block, bitmaps, descriptors); data to pages. */
#pragma once

#include "../frames.h"
#include "../vfs.h"
#include "bcache.h"
#include "ext2.h"
#include "ext2_format.h"

struct ext2_group {
    uint32_t block_bitmap, inode_bitmap, inode_table;
    uint32_t free_blocks, free_inodes, used_dirs;
    uint32_t first_block, nblocks; /* the group's blocks: [first_block, first_block + nblocks) */
    uint32_t meta_end; /* superblock copy, descriptors and reserved ones: [first_block, meta_end) */
};

struct ext2_page;

struct ext2_inode {
    struct lx_inode vfs; /* first: an lx_inode * of ext2 is an ext2_inode * */
    struct ext2_fs *fs;
    struct ext2_inode *hash_next;
    struct ext2_inode *all_prev, *all_next;   /* every inode in memory */
    struct ext2_inode *idle_prev, *idle_next; /* refs == 0: the idle list */
    uint32_t flags, file_acl, generation, dtime;
    uint32_t block[EXT2_N_BLOCKS];
    uint32_t parent; /* directories: the inode number of `..` */
    uint16_t extra_isize;
    uint32_t alloc_goal;     /* the disk block after the last one allocated */
    struct ext2_page *pages; /* cached pages of a regular file */
};

struct ext2_page {
    struct ext2_inode *owner;
    uint64_t index; /* page number in the file */
    lx_frame_t frame;
    bool dirty;        /* written by write(): not yet on disk */
    bool mapped;       /* handed to a mapping, which may write it */
    uint64_t disk_sum; /* mapped: the checksum of what is on disk */
    struct ext2_page *hash_next, *ino_prev, *ino_next, *lru_prev, *lru_next;
};

enum { EXT2_INODE_HASH = 512, EXT2_PAGE_HASH = 1024 };

struct ext2_fs {
    struct lx_superblock sb;
    struct lx_blockdev *dev;
    struct bcache *bc;
    bool readonly;
    bool was_valid; /* the state was "clean" at mount: say so again at unmount */
    bool super_dirty;
    unsigned errors_logged;
    /* Geometry (validated at mount). */
    uint32_t block_size, log_block_size;
    uint32_t blocks_count, inodes_count, first_data_block, r_blocks;
    uint32_t blocks_per_group, inodes_per_group, group_count;
    uint32_t inode_size, first_ino, rev;
    uint32_t itable_blocks, gdt_blocks, reserved_gdt;
    uint32_t ptrs_per_block;
    uint32_t feature_compat, feature_incompat, feature_ro_compat;
    bool filetype, linux_os;
    uint64_t max_file_size;
    uint64_t free_blocks, free_inodes;
    struct ext2_group *groups;
    uint32_t next_generation;
    /* Inodes. */
    struct ext2_inode *inode_hash[EXT2_INODE_HASH];
    struct ext2_inode *all;
    struct ext2_inode idle; /* sentinel: idle.idle_next is the most recently idle */
    uint32_t inode_count, idle_count, idle_limit;
    /* Pages. */
    struct ext2_page *page_hash[EXT2_PAGE_HASH];
    struct ext2_page lru; /* sentinel: lru.lru_next is the most recently used */
    uint32_t page_count, page_limit;
};

static inline struct ext2_inode *EI(struct lx_inode *ino)
{
    return (struct ext2_inode *)ino;
}

/* A message about the file system, at most a few per mount so a damaged
 * image cannot flood the console. */
__attribute__((format(printf, 2, 3))) void ext2_error(struct ext2_fs *fs, const char *fmt, ...);

/* ---- super.c ---- */
/* Marks the superblock's counts changed; ext2_write_super copies them to
 * its block in the cache. */
void ext2_super_changed(struct ext2_fs *fs);
int ext2_write_super(struct ext2_fs *fs);
uint32_t ext2_group_of_block(const struct ext2_fs *fs, uint32_t block);
/* block may hold file data or indirect blocks: inside the file system and
 * not a group's metadata.  A pointer that fails this is damage. */
bool ext2_block_is_data(const struct ext2_fs *fs, uint32_t block);
uint32_t ext2_now(void);

/* ---- alloc.c ---- */
/* A free block near goal (0: anywhere), marked in use: 0 or -LX_ENOSPC,
 * -LX_EIO. */
int ext2_block_alloc(struct ext2_fs *fs, uint32_t goal, uint32_t *out);
/* Before writing through a pointer read from disk (a data block, a
 * directory or indirect block): the bitmap says the block is in use, so
 * the write cannot land in a block another file may get.  0 or -LX_EIO. */
int ext2_block_owned(struct ext2_fs *fs, uint32_t block);
/* Frees a block in use (-LX_EIO, nothing changed, when it is not a data
 * block or is already free: damage). */
int ext2_block_free(struct ext2_fs *fs, uint32_t block);
/* A free inode number, marked in use: near parent_group for files, in a
 * roomy group for directories. */
int ext2_inode_alloc(struct ext2_fs *fs, uint32_t parent_group, bool dir, uint32_t *out);
int ext2_inode_free(struct ext2_fs *fs, uint32_t ino, bool dir);
/* The bitmap says ino is in use: 1, 0, or -LX_EIO. */
int ext2_inode_in_use(struct ext2_fs *fs, uint32_t ino);
/* Writes group g's descriptor to its block in the cache. */
int ext2_store_group(struct ext2_fs *fs, uint32_t g);

/* ---- inode.c ---- */
extern const struct lx_inode_ops ext2_dir_ops, ext2_file_ops, ext2_link_ops, ext2_special_ops;
/* The inode numbered ino, ref'd: loaded and validated if not in memory.
 * -LX_EIO for a number out of range, a free or reserved inode, or a
 * damaged one. */
int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct ext2_inode **out);
/* A new in-memory inode for a number just allocated: zeroed on disk,
 * refs 1. */
int ext2_inode_new(struct ext2_fs *fs, uint32_t ino, uint32_t mode, const struct lx_cred *owner,
                   struct ext2_inode **out);
/* Copies the in-memory fields into the inode table's block (cached). */
int ext2_inode_store(struct ext2_inode *ei);
void ext2_inode_release(struct lx_inode *ino);
void ext2_inode_dirty(struct lx_inode *ino);
int ext2_fsync(struct lx_inode *ino);
/* Regular files, directories and slow symbolic links: i_block holds block
 * pointers (not a fast link's target or a device number). */
bool ext2_inode_has_block_pointers(const struct ext2_inode *ei);
void ext2_inode_set_rdev(struct ext2_inode *ei, uint64_t rdev);
/* Frees every inode in memory (unmount). */
void ext2_inodes_drop_all(struct ext2_fs *fs);
uint32_t ext2_inode_group(const struct ext2_fs *fs, uint32_t ino);

/* ---- bmap.c ---- */
/* The disk block of file block lbn: 0 for a hole unless create, which
 * allocates it (and indirect blocks; *created tells).  -LX_EIO for a
 * pointer that is not a data block, -LX_EFBIG beyond the last mappable
 * block, -LX_ENOSPC. */
int ext2_bmap(struct ext2_inode *ei, uint64_t lbn, bool create, uint32_t *out, bool *created);
/* Frees every block of the file from file block `first` on (indirect
 * blocks left empty too), updating i_block and i_blocks. */
int ext2_free_blocks_from(struct ext2_inode *ei, uint64_t first);
/* File blocks a size covers. */
uint64_t ext2_blocks_for(const struct ext2_fs *fs, uint64_t size);
/* Blocks that mapping lbn may need to allocate (itself and indirect blocks). */
unsigned ext2_bmap_cost(const struct ext2_inode *ei, uint64_t lbn);

/* ---- pagecache.c ---- */
/* The cached page `index` of a regular file, loaded from disk if absent. */
int ext2_page_get(struct ext2_inode *ei, uint64_t index, struct ext2_page **out);
void ext2_page_touch(struct ext2_fs *fs, struct ext2_page *p);
/* Writes the inode's dirty (and mapped) pages back to their blocks. */
int ext2_pages_writeback(struct ext2_inode *ei);
/* Drops the inode's pages from page index `first` on, unwritten. */
void ext2_pages_drop_from(struct ext2_inode *ei, uint64_t first);
int ext2_get_page(struct lx_inode *ino, uint64_t pgoff, lx_frame_t *out);
/* Keeps the cache near its bound: writes back and drops least recently
 * used pages no mapping shares. */
void ext2_pages_trim(struct ext2_fs *fs);

/* ---- file.c ---- */
/* Writes a slow symbolic link's target into a new block (dir.c's create). */
int ext2_symlink_write(struct ext2_inode *ei, const char *target, size_t len);

/* ---- dir.c ---- */
/* A directory's "." and "..": 0 with *parent, or -LX_EIO. */
int ext2_dir_read_dots(struct ext2_inode *dir, uint32_t *parent);
/* An ext2 file type for an inode mode. */
unsigned ext2_file_type(uint32_t mode);
