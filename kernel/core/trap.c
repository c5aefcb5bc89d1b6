/* kernel/core/trap.c — interrupts and exceptions, after entry.S.
 *
 * From user mode: an interrupt is handled and the scheduler picks who runs
 * next; an exception is the thread's fault, delivered as IPC to its fault
 * handler (or, with none, reported and the thread suspended).
 * From kernel mode: only the idle loop takes interrupts; an exception there
 * is a kernel bug and panics with the registers. */
#include <arch/arch.h>
#include <arch/cpu.h>
#include <arch/vectors.h>
#include <kernel/fastpath.h>
#include <kernel/irq.h>
#include <kernel/log.h>
#include <kernel/tcb.h>

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
    if (vector == VECTOR_TIMER) {
        arch_interrupt_ack();
        sched_tick();
        return true;
    }
    if (vector == VECTOR_SPURIOUS)
        return true; /* no EOI for spurious interrupts */
    if (vector >= VECTOR_PIC_BASE && vector < VECTOR_PIC_BASE + 16) {
        irq_deliver(vector - VECTOR_PIC_BASE);
        return true;
    }
    if (vector >= VECTOR_FIRST_EXTERNAL) {
        arch_interrupt_ack();
        log_warn("unexpected interrupt vector %u", vector);
        return true;
    }
    return false;
}

static void user_exception(struct tcb *t, unsigned vector)
{
    struct user_context *c = &t->ctx;
    if (vector == VECTOR_PAGE_FAULT) {
        uint64_t address = read_cr2();
        log_debug("thread %u '%s': page fault at %p (%s, %s, %s) rip %p", t->id, tcb_name(t), (void *)address,
                  c->error_code & PF_WRITE ? "write" : "read",
                  c->error_code & PF_FETCH ? "instruction fetch" : "data",
                  c->error_code & PF_PRESENT ? "protection" : "not present", (void *)c->rip);
        fault_vm(t, address, c->error_code);
        return;
    }
    log_debug("thread %u '%s': %s (%s, vector %u) error code 0x%lx rip %p", t->id, tcb_name(t),
              vector_name(vector), vector_mnemonic(vector), vector, c->error_code, (void *)c->rip);
    fault_user_exception(t, vector, c->error_code);
}

void trap_from_user(struct user_context *ctx)
{
    struct tcb *t = current_thread;
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
    arch_idle_interrupted();
    unsigned vector = (unsigned)frame->vector;
    if (handle_interrupt(vector))
        return;
    kprintf("\n# kernel exception: %s (vector %u) error code %lx cr2 %lx\n", vector_name(vector), vector,
            frame->error_code, read_cr2());
    dump_registers(frame);
    panic("exception in kernel mode");
}
