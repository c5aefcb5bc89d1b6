/* lib/abi/kumiki/abi.h — the kernel/user ABI.  Numbers, labels and argument
 * lists are generated from lib/abi/kumiki_abi.py (kumiki/abi_generated.h);
 * this file adds the structures both sides share.  Included by the kernel and
 * by user code alike, so the two cannot disagree.
 *
 * Registers (x86_64 `syscall`): rax = number in, error code out; rdi =
 * capability address in, badge out; rsi = message info in and out; rdx, r10,
 * r8, r9 = message words 0-3; words 4.. in the IPC buffer.  rcx and r11 are
 * clobbered (the CPU uses them); all other registers are preserved.  The
 * debug calls take their arguments in rdi, rsi and return a value in rdi. */
#pragma once

#include <kumiki/abi_generated.h>
#include <stdint.h>

typedef uint64_t kumiki_cptr_t; /* a capability address in the caller's CSpace */

/* Largest SYS_DEBUG_WRITE in one call. */
#define KUMIKI_DEBUG_WRITE_MAX 4096

static inline uint64_t kumiki_msginfo(uint64_t label, uint64_t extra_caps, uint64_t length)
{
    return (label << KUMIKI_MSGINFO_LABEL_SHIFT) | (extra_caps << KUMIKI_MSGINFO_EXTRA_CAPS_SHIFT) | length;
}
static inline uint64_t kumiki_msginfo_label(uint64_t info)
{
    return info >> KUMIKI_MSGINFO_LABEL_SHIFT;
}
static inline uint64_t kumiki_msginfo_length(uint64_t info)
{
    return info & ((1u << KUMIKI_MSGINFO_LENGTH_BITS) - 1);
}
static inline uint64_t kumiki_msginfo_extra_caps(uint64_t info)
{
    return (info >> KUMIKI_MSGINFO_EXTRA_CAPS_SHIFT) & ((1u << KUMIKI_MSGINFO_EXTRA_CAPS_BITS) - 1);
}
static inline uint64_t kumiki_msginfo_unwrapped(uint64_t info)
{
    return (info >> KUMIKI_MSGINFO_UNWRAPPED_SHIFT) & ((1u << KUMIKI_MSGINFO_UNWRAPPED_BITS) - 1);
}

/* The per-thread IPC buffer: one 4 KiB frame, set with TCB SET_IPC_BUFFER.
 * The kernel points the GS base at it while the thread runs, so user code
 * reaches it as %gs:offset without knowing its address. */
struct kumiki_ipc_buffer {
    uint64_t self;                      /* its own user address (written by the kernel) */
    uint64_t msg[KUMIKI_MSG_MAX_WORDS]; /* msg[0..3] travel in registers; the copies here are unused */
    uint64_t user_data;                 /* free for the runtime */
    uint64_t caps_or_badges[KUMIKI_MSG_MAX_CAPS]; /* send: extra capability addresses; receive: badges */
    uint64_t receive_cnode; /* CNode for received capabilities (its address, depth 64); 0 = CSpace root */
    uint64_t receive_index; /* first slot for received capabilities */
    uint64_t receive_depth; /* depth of receive_index in receive_cnode (0 with receive_cnode 0 = 64) */
    uint64_t receive_count; /* how many slots from receive_index may be filled (0 = take none) */
};
_Static_assert(sizeof(struct kumiki_ipc_buffer) <= 4096, "one page");

/* Fixed slots of the root task's CNode (slot 0 of every CNode is reserved). */
enum {
    KUMIKI_CAP_NULL = 0,
    KUMIKI_CAP_INIT_TCB = 1,
    KUMIKI_CAP_INIT_CNODE = 2,
    KUMIKI_CAP_INIT_VSPACE = 3,
    KUMIKI_CAP_IRQ_CONTROL = 4,
    KUMIKI_CAP_IOPORT_CONTROL = 5,
    KUMIKI_CAP_BOOTINFO_FRAME = 6,
    KUMIKI_CAP_IPC_BUFFER = 7,
    KUMIKI_CAP_FIRST_DYNAMIC = 8,
};

struct kumiki_slot_region {
    uint64_t start, end; /* slots [start, end) */
};

struct kumiki_untyped_desc {
    uint64_t paddr;
    uint8_t size_bits;
    uint8_t is_device; /* device memory: only frames, never zeroed */
    uint8_t padding[6];
};

struct kumiki_module_desc {
    struct kumiki_slot_region frames; /* 4 KiB frame capabilities, in order */
    uint64_t size;                    /* bytes (the last frame may be partly used) */
    char cmdline[104];                /* the module's string, cut to fit */
};

#define KUMIKI_BOOTINFO_MAGIC 0x4b554d494b49424full /* "KUMIKIBO" */

/* What the kernel tells the root task (rdi at its first instruction points
 * here; two pages, read-write). */
struct kumiki_bootinfo {
    uint64_t magic;
    uint64_t root_cnode_radix; /* CSpace root: 2^radix slots, addresses resolve 64 bits */
    uint64_t ipc_buffer;       /* user address of the root task's IPC buffer */
    uint64_t bootinfo_pages;
    struct kumiki_slot_region empty;        /* free slots of the root CNode */
    struct kumiki_slot_region image_frames; /* the root task's own pages */
    struct kumiki_slot_region image_paging; /* its page-table objects */
    struct kumiki_slot_region untyped;      /* one capability per untyped_list entry */
    uint64_t untyped_count;
    struct kumiki_untyped_desc untyped_list[KUMIKI_MAX_BOOT_UNTYPEDS];
    uint64_t module_count; /* boot modules after the root task */
    struct kumiki_module_desc modules[KUMIKI_MAX_BOOT_MODULES];
    char kernel_cmdline[128];
};
_Static_assert(sizeof(struct kumiki_bootinfo) <= 8192, "two pages");
