/* personalities/linux/ext2/ext2_format.h — the on-disk format of ext2
 * (revisions 0 and 1): byte offsets of the fields this implementation
 * reads or writes, the feature bits, and little-endian accessors.  Fields
 * are read through the accessors from byte buffers, never through packed
 * structs, so an image's bytes cannot cause unaligned accesses. */
#pragma once

#include <stdint.h>

/* ---- Little-endian fields in byte buffers ---- */
static inline uint16_t le16_get(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t le32_get(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline void le16_put(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void le32_put(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* ---- Superblock: 1024 bytes at byte 1024 of the device ---- */
enum {
    EXT2_SUPER_OFFSET = 1024,
    EXT2_SUPER_SIZE = 1024,
    EXT2_MAGIC = 0xef53,

    SB_INODES_COUNT = 0,
    SB_BLOCKS_COUNT = 4,
    SB_R_BLOCKS_COUNT = 8,
    SB_FREE_BLOCKS = 12,
    SB_FREE_INODES = 16,
    SB_FIRST_DATA_BLOCK = 20,
    SB_LOG_BLOCK_SIZE = 24,
    SB_LOG_FRAG_SIZE = 28,
    SB_BLOCKS_PER_GROUP = 32,
    SB_FRAGS_PER_GROUP = 36,
    SB_INODES_PER_GROUP = 40,
    SB_MTIME = 44,
    SB_WTIME = 48,
    SB_MNT_COUNT = 52,  /* u16 */
    SB_MAGIC = 56,      /* u16 */
    SB_STATE = 58,      /* u16 */
    SB_CREATOR_OS = 72, /* 0: Linux */
    SB_REV_LEVEL = 76,
    /* Revision 1 ("dynamic") only: */
    SB_FIRST_INO = 84,
    SB_INODE_SIZE = 88, /* u16 */
    SB_FEATURE_COMPAT = 92,
    SB_FEATURE_INCOMPAT = 96,
    SB_FEATURE_RO_COMPAT = 100,
    SB_UUID = 104,                /* 16 bytes */
    SB_RESERVED_GDT_BLOCKS = 206, /* u16, with COMPAT_RESIZE_INODE */
};

enum { EXT2_STATE_VALID = 1, EXT2_STATE_ERROR = 2 };
enum { EXT2_OS_LINUX = 0 };

/* Feature bits. */
enum {
    COMPAT_RESIZE_INODE = 0x10,

    INCOMPAT_FILETYPE = 0x2,
    INCOMPAT_SUPPORTED = INCOMPAT_FILETYPE,

    RO_COMPAT_SPARSE_SUPER = 0x1,
    RO_COMPAT_LARGE_FILE = 0x2,
    RO_COMPAT_GDT_CSUM = 0x10,
    RO_COMPAT_METADATA_CSUM = 0x400,
    RO_COMPAT_SUPPORTED = RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE,
};

/* ---- Block group descriptors: 32 bytes each, from the block after the
 * superblock's ---- */
enum {
    EXT2_DESC_SIZE = 32,
    BG_BLOCK_BITMAP = 0,
    BG_INODE_BITMAP = 4,
    BG_INODE_TABLE = 8,
    BG_FREE_BLOCKS = 12, /* u16 */
    BG_FREE_INODES = 14, /* u16 */
    BG_USED_DIRS = 16,   /* u16 */
    BG_FLAGS = 18,       /* u16: *_UNINIT, only with GDT_CSUM/METADATA_CSUM */
};
enum { BG_INODE_UNINIT = 1, BG_BLOCK_UNINIT = 2 };

/* ---- Inodes ---- */
enum {
    EXT2_GOOD_OLD_INODE_SIZE = 128,
    EXT2_GOOD_OLD_FIRST_INO = 11,
    EXT2_ROOT_INO = 2,
    EXT2_N_BLOCKS = 15,
    EXT2_NDIR_BLOCKS = 12,
    EXT2_IND_BLOCK = 12,
    EXT2_DIND_BLOCK = 13,
    EXT2_TIND_BLOCK = 14,
    EXT2_LINK_MAX = 32000,
    EXT2_FAST_SYMLINK_MAX = 59, /* a target this long or shorter lives in i_block */

    I_MODE = 0, /* u16 */
    I_UID = 2,  /* u16: low half */
    I_SIZE = 4, /* low 32 bits */
    I_ATIME = 8,
    I_CTIME = 12,
    I_MTIME = 16,
    I_DTIME = 20,
    I_GID = 24,         /* u16: low half */
    I_LINKS_COUNT = 26, /* u16 */
    I_BLOCKS = 28,      /* 512-byte units */
    I_FLAGS = 32,
    I_BLOCK = 40, /* 15 x u32 */
    I_GENERATION = 100,
    I_FILE_ACL = 104,  /* extended-attribute block */
    I_SIZE_HIGH = 108, /* regular files (LARGE_FILE); i_dir_acl of directories */
    I_UID_HIGH = 120,  /* u16, Linux */
    I_GID_HIGH = 122,  /* u16, Linux */
    /* Large inodes (inode size > 128): */
    I_EXTRA_ISIZE = 128, /* u16 */
    I_CTIME_EXTRA = 132, /* nanoseconds << 2 | epoch bits */
    I_MTIME_EXTRA = 136,
    I_ATIME_EXTRA = 140,
    I_CRTIME = 144,
    I_CRTIME_EXTRA = 148,
    EXT2_EXTRA_ISIZE_NEW = 32,   /* what mke2fs gives its inodes */
    EXT2_EXTRA_ISIZE_TIMES = 16, /* enough for the three *_EXTRA fields above */
};

/* i_flags this implementation refuses (it cannot read such a file). */
enum {
    EXT2_COMPR_FL = 0x4,
    EXT2_INDEX_FL = 0x1000, /* hashed directory: the index is ignored and dropped on a change */
    EXT4_ENCRYPT_FL = 0x800,
    EXT4_HUGE_FILE_FL = 0x40000,
    EXT4_EXTENTS_FL = 0x80000,
    EXT4_EA_INODE_FL = 0x200000,
    EXT4_INLINE_DATA_FL = 0x10000000,
    EXT2_UNSUPPORTED_FL = EXT2_COMPR_FL | EXT4_ENCRYPT_FL | EXT4_HUGE_FILE_FL | EXT4_EXTENTS_FL |
                          EXT4_EA_INODE_FL | EXT4_INLINE_DATA_FL,
};

/* ---- Directory entries ---- */
enum {
    DE_INODE = 0,
    DE_REC_LEN = 4,  /* u16 */
    DE_NAME_LEN = 6, /* u8 with INCOMPAT_FILETYPE, else u16 */
    DE_FILE_TYPE = 7,
    DE_NAME = 8,
    DE_MIN_SIZE = 8,
};
enum {
    EXT2_FT_UNKNOWN = 0,
    EXT2_FT_REG_FILE = 1,
    EXT2_FT_DIR = 2,
    EXT2_FT_CHRDEV = 3,
    EXT2_FT_BLKDEV = 4,
    EXT2_FT_FIFO = 5,
    EXT2_FT_SOCK = 6,
    EXT2_FT_SYMLINK = 7,
};

/* The space an entry with a name of len bytes needs. */
static inline uint32_t ext2_dirent_size(uint32_t len)
{
    return (DE_MIN_SIZE + len + 3) & ~3u;
}

/* ---- Extended-attribute blocks (only their reference count is used:
 * freeing an inode drops its block's reference) ---- */
#define XATTR_MAGIC 0xea020000u
enum { XATTR_H_MAGIC = 0, XATTR_H_REFCOUNT = 4 };
