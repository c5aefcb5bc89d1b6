/* kernel/core/tcb.c — TCB objects: creation, teardown and invocations. */
#include <arch/arch.h>
#include <arch/layout.h>
#include <arch/paging.h>
#include <kernel/abi_decode_generated.h>
#include <kernel/cdt.h>
#include <kernel/cspace.h>
#include <kernel/ipc.h>
#include <kernel/log.h>
#include <kernel/object.h>
#include <kernel/string.h>
#include <kernel/tcb.h>
#include <kernel/vspace.h>

static unsigned next_thread_id = 1;

void tcb_init(struct tcb *t)
{
    context_init_user(&t->ctx, 0, 0);
    fpu_state_init(&t->fpu);
    t->state = THREAD_INACTIVE;
    t->id = next_thread_id++;
}

static struct cte *tcb_slot(struct tcb *t, enum tcb_slot which)
{
    switch (which) {
    case TCB_SLOT_CSPACE: return &t->cspace_root;
    case TCB_SLOT_VSPACE: return &t->vspace_root;
    case TCB_SLOT_IPC_BUFFER: return &t->ipc_buffer_frame;
    default: return &t->fault_endpoint;
    }
}

/* The TCB that owns a slot marked with cap.tcb_slot. */
static struct tcb *tcb_of_slot(struct cte *slot, enum tcb_slot which)
{
    size_t offset;
    switch (which) {
    case TCB_SLOT_CSPACE: offset = offsetof(struct tcb, cspace_root); break;
    case TCB_SLOT_VSPACE: offset = offsetof(struct tcb, vspace_root); break;
    case TCB_SLOT_IPC_BUFFER: offset = offsetof(struct tcb, ipc_buffer_frame); break;
    default: offset = offsetof(struct tcb, fault_endpoint); break;
    }
    return (struct tcb *)(void *)((char *)slot - offset);
}

void tcb_slot_emptied(struct cte *slot, enum tcb_slot which)
{
    struct tcb *t = tcb_of_slot(slot, which);
    if (which == TCB_SLOT_VSPACE) {
        t->vspace_phys = 0;
        if (t->state != THREAD_INACTIVE) {
            log_debug("thread %u '%s' lost its VSpace: suspended", t->id, tcb_name(t));
            ipc_cancel(t);
            thread_set_state(t, THREAD_INACTIVE); /* ipc_cancel leaves a runnable thread runnable */
        }
        if (t == current_thread)
            paging_activate(paging_kernel_root());
    } else if (which == TCB_SLOT_IPC_BUFFER) {
        t->ipc_buffer = NULL;
        t->ipc_buffer_address = 0;
        tcb_update_gs_base(t);
    }
}

void tcb_update_gs_base(struct tcb *t)
{
    t->run_gs_base = tcb_user_gs_base(t);
    if (t == current_thread)
        cpu_set_gs_base(t->run_gs_base);
}

/* Installs a copy of src's capability (with `cap`'s fields) in a TCB slot,
 * unless the source went away while the old capability was deleted. */
static void install(struct tcb *t, enum tcb_slot which, struct cte *src, struct cap cap)
{
    struct cte *slot = tcb_slot(t, which);
    slot_delete(slot);
    /* Deleting the old capability may have destroyed the TCB itself (a
     * CNode holding its last capability died) or the source. */
    if (t->finalised || !src || !cap_same_object(&src->cap, &cap))
        return;
    cap.tcb_slot = (uint8_t)which;
    cap.flags &= (uint8_t)~CAP_FLAG_MAPPED;
    slot_insert(slot, cap, src);
}

void tcb_finalise(struct tcb *t)
{
    t->finalised = true;
    ipc_cancel(t);
    ipc_drop_reply_right(t);
    if (t->bound_notification) {
        t->bound_notification->bound_tcb = NULL;
        t->bound_notification = NULL;
    }
    for (enum tcb_slot s = TCB_SLOT_CSPACE; s <= TCB_SLOT_FAULT; s++)
        slot_delete_one(tcb_slot(t, s));
    thread_set_state(t, THREAD_INACTIVE);
    if (t == current_thread)
        current_thread = NULL;
}

static uint64_t set_space(struct tcb *t, struct invocation *inv)
{
    struct args_tcb_set_space a;
    uint64_t e = decode_tcb_set_space(inv, &a);
    if (e)
        return e;
    struct cap fault = a.fault_endpoint->cap, cspace = a.cspace_root->cap, vspace = a.vspace_root->cap;
    if (!cap_is_null(&fault) && fault.type != KUMIKI_OBJ_ENDPOINT)
        return KE_WRONG_TYPE;
    if (!cap_is_null(&fault) && !cap_has_rights(&fault, KUMIKI_RIGHT_WRITE))
        return KE_MISSING_RIGHT;
    if (cspace.type != KUMIKI_OBJ_CNODE || vspace.type != KUMIKI_OBJ_PML4)
        return KE_WRONG_TYPE;
    if (a.cspace_guard) {
        uint64_t bits = a.cspace_guard & 0x3f, value = a.cspace_guard >> 6;
        if (bits + cspace.size_bits > KUMIKI_WORD_BITS || (bits < 64 && (value >> bits)))
            return KE_RANGE;
        cspace.guard_bits = (uint8_t)bits;
        cspace.data = value;
    }
    install(t, TCB_SLOT_FAULT, cap_is_null(&fault) ? NULL : a.fault_endpoint, fault);
    install(t, TCB_SLOT_CSPACE, a.cspace_root, cspace);
    install(t, TCB_SLOT_VSPACE, a.vspace_root, vspace);
    if (t->finalised)
        return KE_OK; /* the TCB died while its old capabilities were deleted */
    t->vspace_phys = t->vspace_root.cap.type == KUMIKI_OBJ_PML4 ? vspace_root_phys(&t->vspace_root.cap) : 0;
    if (t == current_thread && t->vspace_phys)
        paging_activate(t->vspace_phys);
    return KE_OK;
}

static uint64_t set_ipc_buffer(struct tcb *t, struct invocation *inv)
{
    struct args_tcb_set_ipc_buffer a;
    uint64_t e = decode_tcb_set_ipc_buffer(inv, &a);
    if (e)
        return e;
    if (a.address == 0) {
        slot_delete(&t->ipc_buffer_frame);
        return KE_OK;
    }
    if (!IS_ALIGNED(a.address, PAGE_SIZE))
        return KE_ALIGNMENT;
    if (a.address < USER_BOTTOM || a.address >= USER_TOP)
        return KE_RANGE;
    struct cap frame = a.frame->cap;
    if (frame.type != KUMIKI_OBJ_FRAME)
        return KE_WRONG_TYPE;
    if (frame.flags & CAP_FLAG_DEVICE)
        return KE_INVALID_ARGUMENT;
    install(t, TCB_SLOT_IPC_BUFFER, a.frame, frame);
    if (t->finalised || t->ipc_buffer_frame.cap.type != KUMIKI_OBJ_FRAME)
        return KE_OK;
    t->ipc_buffer = phys_to_virt(t->ipc_buffer_frame.cap.object);
    t->ipc_buffer_address = a.address;
    t->ipc_buffer->self = a.address;
    tcb_update_gs_base(t);
    return KE_OK;
}

static struct tcb *authority_tcb(struct cte *slot)
{
    return slot->cap.type == KUMIKI_OBJ_TCB ? (struct tcb *)(uintptr_t)slot->cap.object : NULL;
}

static uint64_t set_priority(struct tcb *t, struct invocation *inv, bool mcp)
{
    struct args_tcb_set_priority a;
    uint64_t e = decode_tcb_set_priority(inv, &a); /* same layout as SET_MC_PRIORITY */
    if (e)
        return e;
    struct tcb *auth = authority_tcb(a.authority);
    if (!auth)
        return KE_WRONG_TYPE;
    if (a.priority > KUMIKI_MAX_PRIORITY || a.priority > auth->mcp)
        return KE_RANGE;
    if (mcp) {
        t->mcp = (uint8_t)a.priority;
        return KE_OK;
    }
    bool queued = t->on_ready_queue;
    sched_remove(t);
    t->priority = (uint8_t)a.priority;
    if (queued)
        sched_make_runnable(t);
    return KE_OK;
}

/* The saved registers READ/WRITE_REGISTERS move, by KUMIKI_REG_* index;
 * gs_base is not among them (see read_registers, write_registers). */
static uint64_t *register_slot(struct tcb *t, unsigned index)
{
    struct user_context *c = &t->ctx;
    uint64_t *regs[KUMIKI_REG_GS_BASE] = { &c->rip, &c->rsp, &c->rflags, &c->rax,    &c->rbx,
                                           &c->rcx, &c->rdx, &c->rsi,    &c->rdi,    &c->rbp,
                                           &c->r8,  &c->r9,  &c->r10,    &c->r11,    &c->r12,
                                           &c->r13, &c->r14, &c->r15,    &t->fs_base };
    return regs[index];
}
_Static_assert(KUMIKI_REG_GS_BASE == KUMIKI_REG_COUNT - 1, "gs_base is the last register");

/* gs_base is the GS base the thread runs with: a native thread's is its IPC
 * buffer address (reported, never written: the user library depends on
 * it), a foreign-ABI thread's its own. */
static uint64_t read_registers(struct tcb *t, struct invocation *inv)
{
    for (unsigned i = 0; i < KUMIKI_REG_GS_BASE; i++)
        invocation_set_result(inv, i, *register_slot(t, i));
    invocation_set_result(inv, KUMIKI_REG_GS_BASE, tcb_user_gs_base(t));
    return KE_OK;
}

static uint64_t write_registers(struct tcb *t, struct invocation *inv)
{
    struct args_tcb_write_registers a;
    uint64_t e = decode_tcb_write_registers(inv, &a);
    if (e)
        return e;
    /* A non-canonical rip would fault inside iretq, in the kernel; a
     * non-canonical base would fault in wrmsr. */
    if (!address_is_canonical(a.rip) || !address_is_canonical(a.rsp) || !address_is_canonical(a.fs_base) ||
        !address_is_canonical(a.gs_base))
        return KE_INVALID_ARGUMENT;
    for (unsigned i = 0; i < KUMIKI_REG_GS_BASE; i++)
        *register_slot(t, i) = invocation_word(inv, 1 + i);
    if (t->foreign_abi) {
        t->gs_base = a.gs_base;
        tcb_update_gs_base(t);
    }
    t->ctx.rflags = context_sanitise_rflags(t->ctx.rflags);
    t->ctx.vector = 0; /* leave through iretq: every register is restored */
    if (a.resume && t->state == THREAD_INACTIVE && t->vspace_phys)
        thread_set_state(t, THREAD_RUNNABLE);
    return KE_OK;
}

/* The x87/SSE state as the ABI's image.  The running thread's (a thread
 * invoking its own TCB) is in the CPU, not in its TCB: saved before it is
 * read, loaded after it is written. */
static uint64_t read_fpu(struct tcb *t, struct invocation *inv)
{
    if (message_capacity(inv->caller) < KUMIKI_FPU_STATE_WORDS)
        return KE_TRUNCATED_MESSAGE; /* no IPC buffer: the words would not reach the caller */
    if (t == current_thread)
        fpu_save(&t->fpu);
    for (unsigned i = 0; i < KUMIKI_FPU_STATE_WORDS; i++)
        invocation_set_result(inv, i, fpu_state_word(&t->fpu, i));
    return KE_OK;
}

static uint64_t write_fpu(struct tcb *t, struct invocation *inv)
{
    struct args_tcb_write_fpu a;
    uint64_t e = decode_tcb_write_fpu(inv, &a);
    if (e)
        return e;
    uint64_t words[KUMIKI_FPU_STATE_WORDS];
    for (unsigned i = 0; i < KUMIKI_FPU_STATE_WORDS; i++)
        words[i] = invocation_word(inv, a.state + i);
    /* An MXCSR that FXRSTOR refuses would fault in the kernel, at the next
     * switch to t. */
    if (!fpu_state_import(&t->fpu, words))
        return KE_INVALID_ARGUMENT;
    if (t == current_thread)
        fpu_restore(&t->fpu);
    return KE_OK;
}

static uint64_t bind_notification(struct tcb *t, struct invocation *inv)
{
    struct args_tcb_bind_notification a;
    uint64_t e = decode_tcb_bind_notification(inv, &a);
    if (e)
        return e;
    if (a.notification->cap.type != KUMIKI_OBJ_NOTIFICATION)
        return KE_WRONG_TYPE;
    if (!cap_has_rights(&a.notification->cap, KUMIKI_RIGHT_READ))
        return KE_MISSING_RIGHT;
    struct notification *n = (struct notification *)(uintptr_t)a.notification->cap.object;
    if (t->bound_notification || n->bound_tcb)
        return KE_ILLEGAL_OPERATION;
    n->bound_tcb = t;
    t->bound_notification = n;
    return KE_OK;
}

static uint64_t simple_method(struct tcb *t, struct invocation *inv)
{
    switch (inv->label) {
    case KUMIKI_TCB_SUSPEND:
        ipc_cancel(t);
        thread_set_state(t, THREAD_INACTIVE);
        return KE_OK;
    case KUMIKI_TCB_RESUME:
        if (!t->vspace_phys)
            return KE_ILLEGAL_OPERATION; /* nothing to run in */
        if (t->state == THREAD_INACTIVE)
            thread_set_state(t, THREAD_RUNNABLE);
        return KE_OK;
    case KUMIKI_TCB_UNBIND_NOTIFICATION:
        if (!t->bound_notification)
            return KE_ILLEGAL_OPERATION;
        t->bound_notification->bound_tcb = NULL;
        t->bound_notification = NULL;
        return KE_OK;
    default: return KE_UNKNOWN_INVOCATION;
    }
}

static uint64_t set_word(struct tcb *t, struct invocation *inv)
{
    if (inv->length < 1)
        return KE_TRUNCATED_MESSAGE;
    uint64_t v = invocation_word(inv, 0);
    switch (inv->label) {
    case KUMIKI_TCB_SET_TLS_BASE:
        if (!address_is_canonical(v))
            return KE_INVALID_ARGUMENT;
        t->fs_base = v;
        if (t == current_thread)
            cpu_set_fs_base(v);
        return KE_OK;
    case KUMIKI_TCB_SET_FOREIGN_ABI:
        if (v > 1)
            return KE_INVALID_ARGUMENT;
        t->foreign_abi = v;
        tcb_update_gs_base(t);
        return KE_OK;
    default: { /* SET_NAME */
        if (inv->length < 2)
            return KE_TRUNCATED_MESSAGE;
        uint64_t words[2] = { v, invocation_word(inv, 1) };
        memset(t->name, 0, sizeof(t->name));
        memcpy(t->name, words, 16);
        return KE_OK;
    }
    }
}

uint64_t tcb_invoke(struct invocation *inv)
{
    struct tcb *t = (struct tcb *)(uintptr_t)inv->service->cap.object;
    switch (inv->label) {
    case KUMIKI_TCB_SET_SPACE: return set_space(t, inv);
    case KUMIKI_TCB_SET_IPC_BUFFER: return set_ipc_buffer(t, inv);
    case KUMIKI_TCB_SET_PRIORITY: return set_priority(t, inv, false);
    case KUMIKI_TCB_SET_MC_PRIORITY: return set_priority(t, inv, true);
    case KUMIKI_TCB_READ_REGISTERS: return read_registers(t, inv);
    case KUMIKI_TCB_WRITE_REGISTERS: return write_registers(t, inv);
    case KUMIKI_TCB_READ_FPU: return read_fpu(t, inv);
    case KUMIKI_TCB_WRITE_FPU: return write_fpu(t, inv);
    case KUMIKI_TCB_BIND_NOTIFICATION: return bind_notification(t, inv);
    case KUMIKI_TCB_SET_TLS_BASE:
    case KUMIKI_TCB_SET_FOREIGN_ABI:
    case KUMIKI_TCB_SET_NAME: return set_word(t, inv);
    default: return simple_method(t, inv);
    }
}
