/* tests/fuzz_kernel/fuzz_kernel.c — a root task that fuzzes the real kernel.
 *
 * It builds a pool of objects of every type from one untyped region (the
 * pool untyped), in a range of its CNode's slots (the fuzz slots), then
 * makes `fuzz_count` random system calls and invocations: mostly valid
 * labels of the invoked capability's type with arguments drawn from small
 * values, boundaries, slot addresses, user addresses and random words, some
 * random labels and message shapes, random extra capabilities.  Now and
 * then it refills the pool, and it revokes the whole pool untyped and starts
 * over.  At the end it checks that the kernel is consistent: every pool
 * slot deletes, the pool untyped revokes and retypes to its full size again,
 * every IRQ line and the I/O port window can be issued again, and a fresh
 * thread answers an IPC round trip.
 *
 * What it never does, because it would stop itself rather than find a
 * kernel bug: touch its own TCB (except as the authority of SET_PRIORITY),
 * give its CNode or VSpace to a pool thread, name a slot of its CNode
 * outside the fuzz slots in a CNode operation, block (no Call, Send, Recv,
 * Wait or ReplyRecv on endpoints and notifications), make an unknown system
 * call (it has no fault handler), halt, or write to I/O ports outside a
 * window nothing uses.  Frames go into the pool VSpaces or into a scratch
 * area of its own VSpace it never reads.
 *
 * Kernel command line: fuzz_count=N fuzz_seed=S (defaults 200000 and 1). */
#include <kumiki/alloc.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/user.h>

enum {
    POOL_BITS = 23, /* the pool untyped: 8 MiB */
    FUZZ_SLOTS = 256,
    REFILL_EVERY = 1500,
    RESET_EVERY = 10000,
    ROUND_TRIPS = 100,
};

#define SCRATCH_BASE  0x0000400000000000ull /* 1 GiB of the root's VSpace, never read */
#define SCRATCH_SPAN  0x0000000040000000ull
#define POOL_VBASE    0x0000000000400000ull /* where pool VSpaces get most of their mappings */
#define USER_TOP_ADDR 0x00007ffffffff000ull
#define PORT_FIRST    0x200 /* the game port: nothing answers there in QEMU */
#define PORT_LAST     0x20f

static struct kumiki_allocator alloc;
static kumiki_cptr_t pool_ut, fuzz_first;
static uint64_t rng_state;
static uint64_t error_counts[KE_COUNT + 1];
static uint64_t syscall_counts[SYS_DEBUG_HALT + 1];
static unsigned long invocations, faults_received;
static bool tracing; /* fuzz_trace_from=N: print every operation from the Nth on */
static uint64_t type_counts[KUMIKI_OBJ_COUNT], type_ok[KUMIKI_OBJ_COUNT];

/* ---- randomness ---------------------------------------------------------- */

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static uint64_t below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

static bool chance(unsigned percent)
{
    return below(100) < percent;
}

static kumiki_cptr_t fuzz_slot(void)
{
    return fuzz_first + below(FUZZ_SLOTS);
}

static bool in_fuzz_range(uint64_t slot)
{
    return slot >= fuzz_first && slot < fuzz_first + FUZZ_SLOTS;
}

static uint64_t user_address(void)
{
    static const uint64_t spans[] = { 0x1000, 0x200000, 0x40000000, 0x8000000000ull };
    switch (below(6)) {
    case 0: return POOL_VBASE + below(16) * 0x1000;
    case 1: return POOL_VBASE + below(8) * 0x200000;
    case 2: return below(256) * spans[below(4)];
    case 3: return USER_TOP_ADDR - spans[below(4)] * below(3);
    case 4: return rnd() & 0x00007ffffffff000ull;
    default: return rnd();
    }
}

static uint64_t boundary(void)
{
    static const uint64_t values[] = {
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        11,
        12,
        21,
        23,
        24,
        25,
        31,
        32,
        47,
        48,
        63,
        64,
        65,
        127,
        128,
        255,
        256,
        0xfff,
        0x1000,
        0xffff,
        0x10000,
        0x7fffffff,
        0x80000000,
        0xffffffff,
        0x100000000ull,
        0x00007fffffffffffull,
        0x0000800000000000ull,
        0xffff800000000000ull,
        0x7fffffffffffffffull,
        0x8000000000000000ull,
        0xfffffffffffff000ull,
        0xffffffffffffffffull,
    };
    return values[below(sizeof(values) / sizeof(values[0]))];
}

static uint64_t word(void)
{
    switch (below(8)) {
    case 0:
    case 1: return below(16);
    case 2: return boundary();
    case 3: return fuzz_slot();
    case 4: return user_address();
    case 5: return below(256);
    case 6: return rnd() >> below(64);
    default: return rnd();
    }
}

/* A capability address for an extra capability or a service: mostly the
 * fuzz slots (full or empty), sometimes nothing usable.  The root's own
 * slots are added by the callers that know the operation is harmless. */
static kumiki_cptr_t pool_cap(void)
{
    switch (below(20)) {
    case 0: return 0;
    case 1: return rnd() | (1ull << 40); /* fails its guard */
    default: return fuzz_slot();
    }
}

/* ---- the pool -------------------------------------------------------------- */

static uint64_t count(uint64_t syscall, uint64_t e);

/* An empty fuzz slot found by a few random probes, or 0. */
static kumiki_cptr_t empty_fuzz_slot(void)
{
    for (unsigned i = 0; i < 24; i++) {
        kumiki_cptr_t s = fuzz_slot();
        if (kumiki_cap_type(s) == KUMIKI_OBJ_NULL)
            return s;
    }
    return 0;
}

static void make(uint64_t type, uint64_t size_bits, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        kumiki_cptr_t s = empty_fuzz_slot();
        if (!s || kumiki_untyped_retype(pool_ut, type, size_bits, KUMIKI_CAP_INIT_CNODE, 0, 0, s, 1))
            return;
    }
}

/* Several objects of every type; fails quietly once the pool is used up. */
static void populate(void)
{
    make(KUMIKI_OBJ_PML4, 0, 2);
    make(KUMIKI_OBJ_ENDPOINT, 0, 6);
    make(KUMIKI_OBJ_NOTIFICATION, 0, 6);
    make(KUMIKI_OBJ_TCB, 0, 4);
    make(KUMIKI_OBJ_CNODE, chance(70) ? 4 : 1 + below(6), 3);
    make(KUMIKI_OBJ_UNTYPED, 12 + below(6), 3);
    make(KUMIKI_OBJ_FRAME, 0, 8);
    make(KUMIKI_OBJ_PAGE_TABLE, 0, 3);
    make(KUMIKI_OBJ_PAGE_DIRECTORY, 0, 2);
    make(KUMIKI_OBJ_PDPT, 0, 2);
    if (chance(10))
        make(KUMIKI_OBJ_LARGE_FRAME, 0, 1);
}

static kumiki_cptr_t find_typed(uint64_t type);
static uint64_t user_address(void);

/* Sets a pool thread going in a pool VSpace, at the root's priority, with
 * a pool endpoint as its fault handler: its faults (it runs whatever the
 * pool frames hold, zeros mostly) come back as messages the loop receives
 * and replies to. */
static void start_thread(void)
{
    kumiki_cptr_t tcb = find_typed(KUMIKI_OBJ_TCB), ep = find_typed(KUMIKI_OBJ_ENDPOINT);
    kumiki_cptr_t cnode = find_typed(KUMIKI_OBJ_CNODE), vspace = find_typed(KUMIKI_OBJ_PML4);
    if (!tcb || !ep || !cnode || !vspace) /* tcb must be a TCB: a Call on an endpoint would block */
        return;
    if (count(SYS_CALL, kumiki_tcb_set_space(tcb, ep, cnode, 0, vspace)) ||
        count(SYS_CALL, kumiki_tcb_set_priority(tcb, KUMIKI_CAP_INIT_TCB, KUMIKI_MAX_PRIORITY)))
        return;
    uint64_t rip = chance(50) ? POOL_VBASE + below(16) * 0x1000 : user_address();
    count(SYS_CALL, kumiki_tcb_write_registers(tcb, 1, rip, user_address() & ~0xfull, 0x202, rnd(), rnd(),
                                               rnd(), rnd(), rnd(), rnd(), rnd(), rnd(), rnd(), rnd(), rnd(),
                                               rnd(), rnd(), rnd(), rnd(), 0, 0));
}

/* Deletes or revokes about a quarter of the fuzz slots, so that the pool
 * keeps changing and retypes find room. */
static void thin_out(void)
{
    for (unsigned i = 0; i < FUZZ_SLOTS / 8; i++) {
        if (chance(80))
            count(SYS_CALL, kumiki_cnode_delete(KUMIKI_CAP_INIT_CNODE, fuzz_slot(), 64));
        else
            count(SYS_CALL, kumiki_cnode_revoke(KUMIKI_CAP_INIT_CNODE, fuzz_slot(), 64));
    }
}

/* Deletes every fuzz slot; returns how many deletes failed. */
static unsigned delete_fuzz_slots(void)
{
    unsigned failed = 0;
    for (uint64_t i = 0; i < FUZZ_SLOTS; i++)
        failed += kumiki_cnode_delete(KUMIKI_CAP_INIT_CNODE, fuzz_first + i, 64) != KE_OK;
    return failed;
}

/* ---- one random operation -------------------------------------------------- */

struct op {
    uint64_t syscall;
    kumiki_cptr_t service;
    struct kumiki_msg msg;
};

static unsigned label_count(uint64_t type)
{
    switch (type) {
    case KUMIKI_OBJ_UNTYPED: return 1;
    case KUMIKI_OBJ_CNODE: return 8;
    case KUMIKI_OBJ_TCB: return 15;
    case KUMIKI_OBJ_FRAME:
    case KUMIKI_OBJ_LARGE_FRAME: return 3;
    case KUMIKI_OBJ_PAGE_TABLE:
    case KUMIKI_OBJ_PAGE_DIRECTORY:
    case KUMIKI_OBJ_PDPT: return 2;
    case KUMIKI_OBJ_IRQ_CONTROL:
    case KUMIKI_OBJ_IOPORT_CONTROL: return 1;
    case KUMIKI_OBJ_IRQ_HANDLER: return 3;
    case KUMIKI_OBJ_IOPORT: return 6;
    default: return 0;
    }
}

/* Words and capabilities each method reads. */
static void method_shape(uint64_t type, uint64_t label, unsigned *words, unsigned *caps)
{
    *words = 0;
    *caps = 0;
    switch (type) {
    case KUMIKI_OBJ_UNTYPED: *words = 6, *caps = 1; break;
    case KUMIKI_OBJ_CNODE:
        *words = label == KUMIKI_CNODE_MINT                                   ? 6
                 : label == KUMIKI_CNODE_COPY || label == KUMIKI_CNODE_MUTATE ? 5
                 : label == KUMIKI_CNODE_MOVE                                 ? 4
                                                                              : 2;
        *caps = label >= KUMIKI_CNODE_COPY && label <= KUMIKI_CNODE_MUTATE;
        break;
    case KUMIKI_OBJ_TCB:
        switch (label) {
        case KUMIKI_TCB_SET_SPACE: *words = 1, *caps = 3; break;
        case KUMIKI_TCB_SET_IPC_BUFFER: *words = 1, *caps = 1; break;
        case KUMIKI_TCB_SET_PRIORITY:
        case KUMIKI_TCB_SET_MC_PRIORITY: *words = 1, *caps = 1; break;
        case KUMIKI_TCB_WRITE_REGISTERS: *words = 1 + KUMIKI_REG_COUNT; break;
        case KUMIKI_TCB_BIND_NOTIFICATION: *caps = 1; break;
        case KUMIKI_TCB_SET_TLS_BASE:
        case KUMIKI_TCB_SET_FOREIGN_ABI: *words = 1; break;
        case KUMIKI_TCB_SET_NAME: *words = 2; break;
        case KUMIKI_TCB_WRITE_FPU: *words = KUMIKI_FPU_STATE_WORDS; break;
        default: break;
        }
        break;
    case KUMIKI_OBJ_FRAME:
    case KUMIKI_OBJ_LARGE_FRAME:
        if (label == KUMIKI_FRAME_MAP)
            *words = 3, *caps = 1;
        break;
    case KUMIKI_OBJ_PAGE_TABLE:
    case KUMIKI_OBJ_PAGE_DIRECTORY:
    case KUMIKI_OBJ_PDPT:
        if (label == KUMIKI_PAGE_TABLE_MAP)
            *words = 1, *caps = 1;
        break;
    case KUMIKI_OBJ_IRQ_CONTROL: *words = 3, *caps = 1; break;
    case KUMIKI_OBJ_IRQ_HANDLER: *caps = label == KUMIKI_IRQ_HANDLER_SET_NOTIFICATION; break;
    case KUMIKI_OBJ_IOPORT_CONTROL: *words = 4, *caps = 1; break;
    case KUMIKI_OBJ_IOPORT: *words = label >= KUMIKI_IOPORT_OUT8 ? 2 : 1; break;
    default: break;
    }
}

/* Arguments that mean something for the method, still mostly random. */
static void shape_arguments(uint64_t type, uint64_t label, uint64_t *w)
{
    switch (type) {
    case KUMIKI_OBJ_UNTYPED:
        w[0] = chance(85) ? 1 + below(11) : word(); /* type */
        w[1] = chance(70) ? below(24) : word();     /* size_bits */
        w[3] = chance(60) ? 0 : chance(70) ? 64 : below(10);
        w[4] = chance(70) ? below(64) : word();    /* offset */
        w[5] = chance(80) ? 1 + below(4) : word(); /* count */
        break;
    case KUMIKI_OBJ_CNODE:
        for (unsigned i = 0; i < 4; i += 2) { /* index, depth: pool CNodes are mostly radix 4 */
            w[i] = chance(60) ? below(16) : word();
            w[i + 1] = chance(50) ? 4 : chance(50) ? 1 + below(6) : chance(50) ? 64 : word();
        }
        if (label == KUMIKI_CNODE_COPY || label == KUMIKI_CNODE_MINT)
            w[4] = chance(50) ? KUMIKI_RIGHTS_ALL : below(32);
        if (label == KUMIKI_CNODE_MINT)
            w[5] = chance(50) ? below(8) : chance(50) ? (below(4) << 6 | below(3)) : word();
        if (label == KUMIKI_CNODE_MUTATE)
            w[4] = chance(50) ? below(8) : word();
        break;
    case KUMIKI_OBJ_TCB:
        if (label == KUMIKI_TCB_SET_SPACE)
            w[0] = chance(70) ? 0 : chance(50) ? (below(4) << 6 | below(4)) : word();
        if (label == KUMIKI_TCB_SET_IPC_BUFFER)
            w[0] = chance(70) ? POOL_VBASE + below(16) * 0x1000 : word();
        if (label == KUMIKI_TCB_SET_PRIORITY || label == KUMIKI_TCB_SET_MC_PRIORITY)
            w[0] = chance(30) ? 255 : chance(70) ? below(256) : word(); /* 255: runs beside the root */
        if (label == KUMIKI_TCB_WRITE_REGISTERS) {
            w[0] = below(3) == 0; /* resume */
            w[1] = chance(80) ? user_address() : word();
            w[2] = chance(80) ? user_address() : word();
            w[3] = chance(50) ? 0x202 : word();
            w[1 + KUMIKI_REG_FS_BASE] = chance(70) ? user_address() : word();
            w[1 + KUMIKI_REG_GS_BASE] = chance(70) ? user_address() : word();
        }
        if (label == KUMIKI_TCB_SET_FOREIGN_ABI)
            w[0] = below(3);
        if (label == KUMIKI_TCB_WRITE_FPU) /* MXCSR: often one FXRSTOR takes, else anything */
            w[KUMIKI_FPU_MXCSR / 8] =
                chance(50) ? (w[KUMIKI_FPU_MXCSR / 8] & ~0xffffffffull) | below(0x10000) : word();
        break;
    case KUMIKI_OBJ_FRAME:
    case KUMIKI_OBJ_LARGE_FRAME:
    case KUMIKI_OBJ_PAGE_TABLE:
    case KUMIKI_OBJ_PAGE_DIRECTORY:
    case KUMIKI_OBJ_PDPT:
        w[0] = chance(85) ? user_address() : word();
        w[1] = chance(70) ? below(32) : word();
        w[2] = below(3);
        break;
    case KUMIKI_OBJ_IRQ_CONTROL:
        w[0] = chance(90) ? below(17) : word();
        w[2] = chance(80) ? 64 : word();
        break;
    case KUMIKI_OBJ_IRQ_HANDLER: break;
    case KUMIKI_OBJ_IOPORT_CONTROL:
        w[0] = PORT_FIRST + below(16);
        w[1] = w[0] + below(4);
        w[3] = chance(80) ? 64 : word(); /* depth (index: w[2]) */
        break;
    case KUMIKI_OBJ_IOPORT: w[0] = chance(80) ? PORT_FIRST + below(18) : word(); break;
    default: break;
    }
}

/* The harmless-only rules for the root's own capabilities (see the top). */
static void make_harmless(struct op *op, uint64_t type)
{
    uint64_t *w = op->msg.words;
    kumiki_cptr_t *caps = op->msg.caps;
    uint64_t label = op->msg.label;
    /* Whatever extra_caps says: the raw message-info path sends a random count. */
    bool root_src = caps[0] == KUMIKI_CAP_INIT_CNODE;
    switch (type) {
    case KUMIKI_OBJ_CNODE:
        if (op->service == KUMIKI_CAP_INIT_CNODE && !in_fuzz_range(w[0]))
            w[0] = chance(90) ? fuzz_slot() : rnd() | (1ull << 40);
        if (op->service == KUMIKI_CAP_INIT_CNODE && chance(80))
            w[1] = 64;
        if (root_src && chance(80))
            w[3] = 64;
        if (root_src && label >= KUMIKI_CNODE_COPY && label <= KUMIKI_CNODE_MUTATE && !in_fuzz_range(w[2]))
            w[2] = chance(90) ? fuzz_slot() : rnd() | (1ull << 40);
        break;
    case KUMIKI_OBJ_UNTYPED:
        if (root_src) {
            if (w[3] == 0) { /* the destination is the root CNode itself */
                if (!in_fuzz_range(w[4]))
                    w[4] = fuzz_slot();
                if (w[5] > fuzz_first + FUZZ_SLOTS - w[4])
                    w[5] = fuzz_first + FUZZ_SLOTS - w[4];
            } else if (!in_fuzz_range(w[2])) {
                w[2] = fuzz_slot();
            }
        }
        break;
    case KUMIKI_OBJ_IRQ_CONTROL:
        if (root_src && !in_fuzz_range(w[1]))
            w[1] = fuzz_slot();
        break;
    case KUMIKI_OBJ_IOPORT_CONTROL:
        if (w[0] < PORT_FIRST || w[0] > PORT_LAST || w[1] > PORT_LAST) {
            w[0] = PORT_FIRST + below(16);
            w[1] = chance(90) ? PORT_LAST : w[0] - 1;
        }
        if (root_src && !in_fuzz_range(w[2]))
            w[2] = fuzz_slot();
        break;
    case KUMIKI_OBJ_FRAME:
    case KUMIKI_OBJ_LARGE_FRAME:
    case KUMIKI_OBJ_PAGE_TABLE:
    case KUMIKI_OBJ_PAGE_DIRECTORY:
    case KUMIKI_OBJ_PDPT:
        if (caps[0] == KUMIKI_CAP_INIT_VSPACE && (w[0] < SCRATCH_BASE || w[0] >= SCRATCH_BASE + SCRATCH_SPAN))
            w[0] = SCRATCH_BASE + (rnd() % SCRATCH_SPAN & ~0xfffull);
        break;
    default: break;
    }
}

/* A fuzz slot holding a capability of `type`, found by a few probes, or 0. */
static kumiki_cptr_t find_typed(uint64_t type)
{
    for (unsigned i = 0; i < 12; i++) {
        kumiki_cptr_t s = fuzz_slot();
        if (kumiki_cap_type(s) == type)
            return s;
    }
    return 0;
}

/* The same, or any pool capability when none is found. */
static kumiki_cptr_t typed_cap(uint64_t type)
{
    kumiki_cptr_t s = find_typed(type);
    return s ? s : pool_cap();
}

/* The type of capability a method wants as its extra capability `index`
 * (KUMIKI_OBJ_NULL: none in particular). */
static uint64_t wanted_cap_type(uint64_t type, uint64_t label, unsigned index)
{
    switch (type) {
    case KUMIKI_OBJ_UNTYPED:
    case KUMIKI_OBJ_IRQ_CONTROL:
    case KUMIKI_OBJ_IOPORT_CONTROL: return KUMIKI_OBJ_CNODE;
    case KUMIKI_OBJ_CNODE: return KUMIKI_OBJ_CNODE;
    case KUMIKI_OBJ_IRQ_HANDLER: return KUMIKI_OBJ_NOTIFICATION;
    case KUMIKI_OBJ_TCB: {
        static const uint8_t set_space[3] = { KUMIKI_OBJ_ENDPOINT, KUMIKI_OBJ_CNODE, KUMIKI_OBJ_PML4 };
        switch (label) {
        case KUMIKI_TCB_SET_SPACE: return index < 3 ? set_space[index] : KUMIKI_OBJ_NULL;
        case KUMIKI_TCB_SET_IPC_BUFFER: return KUMIKI_OBJ_FRAME;
        case KUMIKI_TCB_SET_PRIORITY:
        case KUMIKI_TCB_SET_MC_PRIORITY: return KUMIKI_OBJ_TCB;
        case KUMIKI_TCB_BIND_NOTIFICATION: return KUMIKI_OBJ_NOTIFICATION;
        default: return KUMIKI_OBJ_NULL;
        }
    }
    case KUMIKI_OBJ_FRAME:
    case KUMIKI_OBJ_LARGE_FRAME:
    case KUMIKI_OBJ_PAGE_TABLE:
    case KUMIKI_OBJ_PAGE_DIRECTORY:
    case KUMIKI_OBJ_PDPT: return KUMIKI_OBJ_PML4;
    default: return KUMIKI_OBJ_NULL;
    }
}

/* The root capabilities an extra capability may name for this method. */
static kumiki_cptr_t extra_cap(uint64_t type, uint64_t label, unsigned index)
{
    if (index == 0 && chance(type == KUMIKI_OBJ_UNTYPED ? 60 : 30)) {
        switch (type) {
        case KUMIKI_OBJ_UNTYPED:
        case KUMIKI_OBJ_IRQ_CONTROL:
        case KUMIKI_OBJ_IOPORT_CONTROL: return KUMIKI_CAP_INIT_CNODE;
        case KUMIKI_OBJ_CNODE:
            if (label >= KUMIKI_CNODE_COPY && label <= KUMIKI_CNODE_MUTATE)
                return KUMIKI_CAP_INIT_CNODE;
            break;
        case KUMIKI_OBJ_FRAME:
        case KUMIKI_OBJ_LARGE_FRAME:
        case KUMIKI_OBJ_PAGE_TABLE:
        case KUMIKI_OBJ_PAGE_DIRECTORY:
        case KUMIKI_OBJ_PDPT:
            if (label == KUMIKI_FRAME_MAP)
                return KUMIKI_CAP_INIT_VSPACE;
            break;
        case KUMIKI_OBJ_TCB:
            if (label == KUMIKI_TCB_SET_PRIORITY || label == KUMIKI_TCB_SET_MC_PRIORITY)
                return KUMIKI_CAP_INIT_TCB; /* read as the authority only */
            break;
        default: break;
        }
    }
    uint64_t wanted = wanted_cap_type(type, label, index);
    return wanted != KUMIKI_OBJ_NULL && chance(70) ? typed_cap(wanted) : pool_cap();
}

/* An invocation of the capability at `service` (of type `type`). */
static void build_invocation(struct op *op, uint64_t type, bool root_service)
{
    unsigned labels = label_count(type);
    bool valid = root_service || chance(90);
    uint64_t label = valid && labels ? 1 + below(labels) : chance(50) ? below(20) : word();
    if (root_service && !valid)
        label = 100 + below(1000); /* never one of the root's methods by accident */
    op->msg.label = label;
    for (unsigned i = 0; i < KUMIKI_MSG_MAX_WORDS; i++)
        op->msg.words[i] = word();
    unsigned words, caps;
    method_shape(type, label, &words, &caps);
    if (valid)
        shape_arguments(type, label, op->msg.words);
    op->msg.length = chance(85) ? words : chance(50) ? (unsigned)below(words + 1) : (unsigned)below(121);
    op->msg.extra_caps = chance(85) ? caps : (unsigned)below(4);
    for (unsigned i = 0; i < KUMIKI_MSG_MAX_CAPS; i++)
        op->msg.caps[i] = extra_cap(type, label, i);
    /* WRITE_REGISTERS takes 1 + KUMIKI_REG_COUNT words: keep most of them. */
    if (type == KUMIKI_OBJ_TCB && label == KUMIKI_TCB_WRITE_REGISTERS && chance(80))
        op->msg.length = 1 + KUMIKI_REG_COUNT;
    make_harmless(op, type);
}

static const uint64_t invoke_syscalls[] = { SYS_CALL, SYS_CALL, SYS_CALL, SYS_SEND, SYS_NB_SEND };

static void random_message(struct kumiki_msg *m)
{
    m->label = chance(70) ? below(8) : word();
    m->length = (unsigned)(chance(70) ? below(5) : below(121));
    m->extra_caps = (unsigned)below(4);
    for (unsigned i = 0; i < KUMIKI_MSG_MAX_WORDS; i++)
        m->words[i] = word();
    for (unsigned i = 0; i < KUMIKI_MSG_MAX_CAPS; i++)
        m->caps[i] = pool_cap();
}

static uint64_t last_type = KUMIKI_OBJ_COUNT;

static uint64_t count(uint64_t syscall, uint64_t e)
{
    if (last_type < KUMIKI_OBJ_COUNT && e == KE_OK)
        type_ok[last_type]++;
    last_type = KUMIKI_OBJ_COUNT;
    syscall_counts[syscall <= SYS_DEBUG_HALT ? syscall : 0]++;
    error_counts[e < KE_COUNT ? e : KE_COUNT]++;
    invocations++;
    return e;
}

/* Where received capabilities go: some fuzz slots, or nowhere. */
static void random_receive_window(void)
{
    kumiki_set_receive_slots(0, fuzz_first + below(FUZZ_SLOTS - KUMIKI_MSG_MAX_CAPS), 64, below(4));
}

static void debug_call(void)
{
    uint64_t value;
    switch (below(6)) {
    case 0: count(SYS_DEBUG_NULL, kumiki_raw_syscall(SYS_DEBUG_NULL, word(), word(), &value)); break;
    case 1: count(SYS_DEBUG_TICKS, kumiki_raw_syscall(SYS_DEBUG_TICKS, word(), word(), &value)); break;
    case 2: count(SYS_DEBUG_TICK_HZ, kumiki_raw_syscall(SYS_DEBUG_TICK_HZ, 0, 0, &value)); break;
    case 3:
        count(SYS_DEBUG_CAP_IDENTIFY, kumiki_raw_syscall(SYS_DEBUG_CAP_IDENTIFY, word(), 0, &value));
        break;
    case 4: /* failing writes only: nothing random reaches the console */
        count(SYS_DEBUG_WRITE,
              kumiki_raw_syscall(SYS_DEBUG_WRITE, user_address() | (1ull << 62), below(64), &value));
        break;
    default:
        count(SYS_DEBUG_WRITE,
              kumiki_raw_syscall(SYS_DEBUG_WRITE, 0x1000, KUMIKI_DEBUG_WRITE_MAX + 1 + below(100), &value));
        break;
    }
}

static void one_operation(void)
{
    unsigned pick = (unsigned)below(100);
    if (pick < 3) {
        debug_call();
        return;
    }
    if (pick < 5) {
        count(SYS_YIELD, kumiki_yield());
        return;
    }
    if (pick < 7) { /* reply to whoever the root may have received from (a faulted pool thread) */
        struct kumiki_msg m;
        random_message(&m);
        m.label = chance(70) ? 0 : m.label;
        count(SYS_REPLY, kumiki_reply(&m));
        return;
    }
    /* The service: mostly a fuzz slot; sometimes one of the root's own
     * capabilities whose methods are made harmless, or the pool untyped. */
    kumiki_cptr_t service = fuzz_slot();
    bool root_service = false;
    if (pick < 12) {
        static const kumiki_cptr_t roots[] = { KUMIKI_CAP_INIT_CNODE, KUMIKI_CAP_IRQ_CONTROL,
                                               KUMIKI_CAP_IOPORT_CONTROL };
        service = pick < 10 ? roots[below(3)] : pool_ut;
        root_service = true;
    } else if (pick < 14) {
        service = pool_cap();
    }
    uint64_t type = kumiki_cap_type(service);
    struct op op = { .service = service };
    if (tracing)
        uprintf("# op: pick %u service %lu type %lu\n", pick, (unsigned long)service, (unsigned long)type);
    if (type < KUMIKI_OBJ_COUNT)
        type_counts[type]++;
    switch (type) {
    case KUMIKI_OBJ_ENDPOINT:
        random_message(&op.msg);
        if (chance(50)) {
            count(SYS_NB_SEND, kumiki_nb_send(service, &op.msg));
        } else {
            random_receive_window();
            if (count(SYS_NB_RECV, kumiki_nb_recv(service, &op.msg)) == KE_OK && op.msg.label >= 1 &&
                op.msg.label <= KUMIKI_FAULT_VM)
                faults_received++;
        }
        return;
    case KUMIKI_OBJ_NOTIFICATION: {
        uint64_t bits;
        switch (below(4)) {
        case 0: count(SYS_SIGNAL, kumiki_signal(service)); return;
        case 1: count(SYS_POLL, kumiki_poll(service, &bits)); return;
        case 2:
            random_message(&op.msg);
            count(SYS_NB_RECV, kumiki_nb_recv(service, &op.msg));
            return;
        default:
            random_message(&op.msg);
            count(SYS_CALL, kumiki_call(service, &op.msg));
            return;
        }
    }
    case KUMIKI_OBJ_REPLY:
        random_message(&op.msg);
        op.msg.label = chance(70) ? 0 : op.msg.label;
        count(SYS_SEND, kumiki_send(service, &op.msg));
        return;
    case KUMIKI_OBJ_NULL: /* an empty slot or a bad address: every system call fails fast */
        random_message(&op.msg);
        switch (below(5)) {
        case 0: count(SYS_CALL, kumiki_call(service, &op.msg)); return;
        case 1: count(SYS_RECV, kumiki_recv(service, &op.msg)); return;
        case 2: count(SYS_REPLY_RECV, kumiki_reply_recv(service, &op.msg)); return;
        case 3: count(SYS_WAIT, kumiki_wait(service, NULL)); return;
        default: count(SYS_NB_SEND, kumiki_nb_send(service, &op.msg)); return;
        }
    default: break;
    }
    /* A kernel object: an invocation, or an IPC call that must fail. */
    if (!root_service && chance(5)) {
        random_message(&op.msg);
        switch (below(4)) {
        case 0: count(SYS_RECV, kumiki_recv(service, &op.msg)); return;
        case 1: count(SYS_NB_RECV, kumiki_nb_recv(service, &op.msg)); return;
        case 2: count(SYS_REPLY_RECV, kumiki_reply_recv(service, &op.msg)); return;
        default: count(SYS_POLL, kumiki_poll(service, NULL)); return;
        }
    }
    build_invocation(&op, type, root_service);
    if (tracing)
        uprintf("#   label %lu len %u caps %u [%lx %lx %lx] w %lx %lx %lx %lx %lx %lx\n",
                (unsigned long)op.msg.label, op.msg.length, op.msg.extra_caps, (unsigned long)op.msg.caps[0],
                (unsigned long)op.msg.caps[1], (unsigned long)op.msg.caps[2], (unsigned long)op.msg.words[0],
                (unsigned long)op.msg.words[1], (unsigned long)op.msg.words[2],
                (unsigned long)op.msg.words[3], (unsigned long)op.msg.words[4],
                (unsigned long)op.msg.words[5]);
    if (!root_service && chance(10)) {
        /* A raw message-info word: lengths past 120, stray bits below the label. */
        uint64_t info = op.msg.label << KUMIKI_MSGINFO_LABEL_SHIFT | below(1u << KUMIKI_MSGINFO_LABEL_SHIFT);
        uint64_t reply_info;
        /* The kernel reads the extra capabilities and words 4.. from the IPC
         * buffer: put this operation's (made harmless) there, not stale ones. */
        struct kumiki_ipc_buffer *buffer = kumiki_ipc_buffer();
        for (unsigned i = KUMIKI_MSG_REGISTER_WORDS; i < KUMIKI_MSG_MAX_WORDS; i++)
            buffer->msg[i] = op.msg.words[i];
        for (unsigned i = 0; i < KUMIKI_MSG_MAX_CAPS; i++)
            buffer->caps_or_badges[i] = op.msg.caps[i];
        count(SYS_CALL, kumiki_call_fast(service, info, op.msg.words, &reply_info));
        return;
    }
    last_type = type;
    uint64_t syscall = invoke_syscalls[below(sizeof(invoke_syscalls) / sizeof(invoke_syscalls[0]))];
    if (syscall == SYS_CALL)
        count(SYS_CALL, kumiki_call(service, &op.msg));
    else if (syscall == SYS_SEND)
        count(SYS_SEND, kumiki_send(service, &op.msg));
    else
        count(SYS_NB_SEND, kumiki_nb_send(service, &op.msg));
}

/* ---- the end: consistency ------------------------------------------------ */

static kumiki_cptr_t helper_ep;
static _Alignas(16) uint8_t helper_stack[16384];

/* A thread in the root's own address space: answers each Call with the
 * first word plus one. */
static void helper_main(void)
{
    struct kumiki_msg m;
    uint64_t e = kumiki_recv(helper_ep, &m);
    for (;;) {
        if (e == KE_OK) {
            m.words[0] += 1;
            m.length = 1;
            m.extra_caps = 0;
            m.label = 0;
            kumiki_reply(&m);
        }
        e = kumiki_recv(helper_ep, &m);
    }
}

static const char *ipc_round_trip(void)
{
    kumiki_cptr_t tcb = fuzz_first, empty = fuzz_first + 1;
    helper_ep = fuzz_first + 2;
    if (kumiki_untyped_retype(pool_ut, KUMIKI_OBJ_TCB, 0, KUMIKI_CAP_INIT_CNODE, 0, 0, tcb, 1) ||
        kumiki_untyped_retype(pool_ut, KUMIKI_OBJ_ENDPOINT, 0, KUMIKI_CAP_INIT_CNODE, 0, 0, helper_ep, 1))
        return "cannot make a TCB and an endpoint";
    if (kumiki_tcb_set_space(tcb, empty, KUMIKI_CAP_INIT_CNODE, 0, KUMIKI_CAP_INIT_VSPACE))
        return "SET_SPACE failed";
    if (kumiki_tcb_set_priority(tcb, KUMIKI_CAP_INIT_TCB, 254))
        return "SET_PRIORITY failed";
    uint64_t top = (uint64_t)(uintptr_t)(helper_stack + sizeof(helper_stack)) - 8;
    if (kumiki_tcb_write_registers(tcb, 1, (uint64_t)(uintptr_t)helper_main, top, 0x202, 0, 0, 0, 0, 0, 0, 0,
                                   0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        return "WRITE_REGISTERS failed";
    for (unsigned i = 0; i < ROUND_TRIPS; i++) {
        struct kumiki_msg m = { .label = 0, .length = 1 };
        m.words[0] = 1000 + i;
        if (kumiki_call(helper_ep, &m) || m.length != 1 || m.words[0] != 1001 + i)
            return "the round trip gave a wrong answer";
    }
    if (kumiki_cnode_delete(KUMIKI_CAP_INIT_CNODE, tcb, 64) ||
        kumiki_cnode_delete(KUMIKI_CAP_INIT_CNODE, helper_ep, 64))
        return "cannot delete the helper";
    return NULL;
}

/* Every line and the port window issue again once the pool is gone. */
static const char *controls_released(void)
{
    for (uint64_t line = 0; line < KUMIKI_IRQ_LINES; line++) {
        if (line == 2)
            continue; /* the cascade */
        if (kumiki_irq_control_get(KUMIKI_CAP_IRQ_CONTROL, line, KUMIKI_CAP_INIT_CNODE, fuzz_first, 64))
            return "an IRQ line is still issued";
        if (kumiki_cnode_delete(KUMIKI_CAP_INIT_CNODE, fuzz_first, 64))
            return "cannot delete an IRQ handler";
    }
    if (kumiki_ioport_control_issue(KUMIKI_CAP_IOPORT_CONTROL, PORT_FIRST, PORT_LAST, KUMIKI_CAP_INIT_CNODE,
                                    fuzz_first, 64))
        return "the I/O port window is still issued";
    if (kumiki_cnode_delete(KUMIKI_CAP_INIT_CNODE, fuzz_first, 64))
        return "cannot delete the I/O port capability";
    return NULL;
}

/* ---- command line and main -------------------------------------------------- */

static uint64_t option(const char *cmdline, const char *name, uint64_t fallback)
{
    size_t n = strlen(name);
    for (const char *p = cmdline; *p; p++) {
        if ((p == cmdline || p[-1] == ' ') && memcmp(p, name, n) == 0 && p[n] == '=') {
            uint64_t v = 0;
            for (p += n + 1; *p >= '0' && *p <= '9'; p++)
                v = v * 10 + (uint64_t)(*p - '0');
            return v;
        }
    }
    return fallback;
}

int main(const char *argument)
{
    (void)argument;
    const struct kumiki_bootinfo *bi = kumiki_bootinfo();
    if (!bi || kumiki_alloc_init_root(&alloc, bi) != KE_OK) {
        uprintf("Bail out! fuzz_kernel: no boot information or no memory\n");
        return 1;
    }
    uint64_t total = option(bi->kernel_cmdline, "fuzz_count", 200000);
    uint64_t seed = option(bi->kernel_cmdline, "fuzz_seed", 1);
    uint64_t progress = option(bi->kernel_cmdline, "fuzz_progress", 0); /* print every N operations */
    uint64_t trace_from = option(bi->kernel_cmdline, "fuzz_trace_from", 0);
    rng_state = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
    if (!rng_state)
        rng_state = 1;
    uint64_t e = kumiki_alloc_object(&alloc, KUMIKI_OBJ_UNTYPED, POOL_BITS, &pool_ut);
    fuzz_first = alloc.next_slot;
    for (unsigned i = 0; !e && i < FUZZ_SLOTS; i++)
        if (!kumiki_alloc_slot(&alloc))
            e = KE_RANGE;
    if (e) {
        uprintf("Bail out! fuzz_kernel: cannot set up the pool: %s\n", kumiki_error_name(e));
        return 1;
    }
    uprintf("1..3\n");
    uprintf("# fuzz_kernel: %lu operations, seed %lu, pool of %u slots and %lu KiB\n", (unsigned long)total,
            (unsigned long)seed, FUZZ_SLOTS, (unsigned long)(1ul << POOL_BITS) / 1024);
    uint64_t t0 = kumiki_ticks();
    unsigned resets = 0, failed_resets = 0;
    populate();
    for (uint64_t i = 1; i <= total; i++) {
        tracing = trace_from && i >= trace_from;
        one_operation();
        if (progress && i % progress == 0)
            uprintf("# %lu operations\n", (unsigned long)i);
        if (i % RESET_EVERY == 0) {
            failed_resets += kumiki_cnode_revoke(KUMIKI_CAP_INIT_CNODE, pool_ut, 64) != KE_OK;
            resets++;
            populate();
        } else if (i % REFILL_EVERY == 0) {
            thin_out();
            populate();
            start_thread();
        }
    }
    uint64_t ticks = kumiki_ticks() - t0, hz = kumiki_tick_hz();
    for (unsigned i = 0; i <= KE_COUNT; i++)
        if (error_counts[i])
            uprintf("# %s: %lu\n", i < KE_COUNT ? kumiki_error_name(i) : "(unknown code)",
                    (unsigned long)error_counts[i]);
    for (unsigned i = 0; i <= SYS_DEBUG_HALT; i++)
        if (syscall_counts[i])
            uprintf("# system call %2u: %lu\n", i, (unsigned long)syscall_counts[i]);
    for (unsigned i = 0; i < KUMIKI_OBJ_COUNT; i++)
        if (type_counts[i])
            uprintf("# object type %2u: %lu operations, %lu successful invocations\n", i,
                    (unsigned long)type_counts[i], (unsigned long)type_ok[i]);
    uprintf("# %lu fault messages received from pool threads\n", faults_received);
    uprintf("# %u pool resets; %lu ticks at %lu Hz\n", resets, (unsigned long)ticks, (unsigned long)hz);
    uprintf("%s 1 - fuzz loop survived %lu invocations%s\n", failed_resets ? "not ok" : "ok",
            (unsigned long)invocations, failed_resets ? ": a pool revoke failed" : "");

    /* 2: everything deletes, controls are free again, IPC works. */
    const char *why = NULL;
    if (kumiki_null() != KE_OK)
        why = "the null system call fails";
    else if (delete_fuzz_slots())
        why = "a fuzz slot did not delete";
    else if (kumiki_cnode_revoke(KUMIKI_CAP_INIT_CNODE, pool_ut, 64))
        why = "the pool untyped did not revoke";
    else if (!(why = controls_released()))
        why = ipc_round_trip();
    if (why)
        uprintf("not ok 2 - consistency: %s\n", why);
    else
        uprintf("ok 2 - consistency: pool deleted, IRQ lines and ports released, %u IPC round trips\n",
                ROUND_TRIPS);

    /* 3: the pool's memory is all there: one object of its full size. */
    kumiki_cnode_revoke(KUMIKI_CAP_INIT_CNODE, pool_ut, 64);
    e = kumiki_untyped_retype(pool_ut, KUMIKI_OBJ_UNTYPED, POOL_BITS, KUMIKI_CAP_INIT_CNODE, 0, 0, fuzz_first,
                              1);
    if (e)
        uprintf("not ok 3 - memory fully reclaimed: retyping %u bits failed: %s\n", POOL_BITS,
                kumiki_error_name(e));
    else
        uprintf("ok 3 - memory fully reclaimed: the pool retyped to its full %lu KiB\n",
                (unsigned long)(1ul << POOL_BITS) / 1024);
    kumiki_cnode_revoke(KUMIKI_CAP_INIT_CNODE, pool_ut, 64);
    kumiki_exit(0);
}
