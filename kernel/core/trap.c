/* kernel/core/trap.c — interrupts and exceptions, after entry.S.
 *
 * From user mode: an interrupt is handled and the scheduler picks who runs
 * next; an exception is the thread's fault: reported with its registers and
 * handed to the thread's supervisor (later: delivered as fault IPC).
 * From kernel mode: only the idle loop takes interrupts; an exception there
 * is a kernel bug and panics with the registers. */
#include <arch/arch.h>
#include <arch/cpu.h>
#include <arch/vectors.h>
#include <kernel/log.h>
#include <kernel/thread.h>

void trap_from_user(struct user_context *ctx);
void trap_from_kernel(struct user_context *frame);

static void dump_registers(const struct user_context *c)
{
    kprintf("#   rip %016lx  rsp %016lx  rflags %016lx  cs %lx ss %lx\n", c->rip, c->rsp, c->rflags, c->cs,
            c->ss);
    kprintf("#   rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", c->rax, c->rbx, c->rcx, c->rdx);
    kprintf("#   rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n", c->rsi, c->rdi, c->rbp, c->r8);
    kprintf("#   r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n", c->r9, c->r10, c->r11, c->r12);
    kprintf("#   r13 %016lx  r14 %016lx  r15 %016lx\n", c->r13, c->r14, c->r15);
}

static bool handle_interrupt(unsigned vector)
{
    switch (vector) {
    case VECTOR_TIMER:
        arch_interrupt_ack();
        sched_tick();
        return true;
    case VECTOR_SPURIOUS: return true; /* no EOI for spurious interrupts */
    default:
        if (vector >= VECTOR_PIC_BASE && vector < VECTOR_PIC_BASE + 16)
            return true; /* a masked 8259 line glitched: nothing to acknowledge */
        if (vector >= VECTOR_FIRST_EXTERNAL) {
            arch_interrupt_ack();
            log_warn("unexpected interrupt vector %u", vector);
            return true;
        }
        return false;
    }
}

static void user_exception(struct thread *t, unsigned vector)
{
    struct user_context *c = &t->ctx;
    struct thread_outcome outcome = {
        .kind = OUTCOME_FAULTED,
        .vector = vector,
        .error_code = c->error_code,
        .fault_address = vector == VECTOR_PAGE_FAULT ? read_cr2() : 0,
        .rip = c->rip,
    };
    if (vector == VECTOR_PAGE_FAULT)
        log_warn("thread %u '%s': page fault at %p (%s, %s, %s) rip %p", t->id, t->name,
                 (void *)outcome.fault_address, c->error_code & PF_WRITE ? "write" : "read",
                 c->error_code & PF_FETCH ? "instruction fetch" : "data",
                 c->error_code & PF_PRESENT ? "protection" : "not present", (void *)c->rip);
    else
        log_warn("thread %u '%s': %s (%s, vector %u) error code 0x%lx rip %p", t->id, t->name,
                 vector_name(vector), vector_mnemonic(vector), vector, c->error_code, (void *)c->rip);
    dump_registers(c);
    thread_stop(t, &outcome);
}

void trap_from_user(struct user_context *ctx)
{
    struct thread *t = current_thread;
    /* NMI and #MC arrive on the emergency stack, not in the TCB. */
    if (ctx != &t->ctx)
        t->ctx = *ctx;
    unsigned vector = (unsigned)t->ctx.vector;
    if (vector == VECTOR_DOUBLE_FAULT || vector == VECTOR_MACHINE_CHECK || vector == VECTOR_NMI) {
        dump_registers(&t->ctx);
        panic("%s while in user mode", vector_name(vector));
    }
    if (!handle_interrupt(vector))
        user_exception(t, vector);
    sched_exit_to_user();
}

void trap_from_kernel(struct user_context *frame)
{
    unsigned vector = (unsigned)frame->vector;
    if (handle_interrupt(vector))
        return;
    kprintf("\n# kernel exception: %s (vector %u) error code %lx cr2 %lx\n", vector_name(vector), vector,
            frame->error_code, read_cr2());
    dump_registers(frame);
    panic("exception in kernel mode");
}
