/* kernel/arch/x86_64/cpu_init.c — GDT, TSS, IDT and the syscall MSRs.
 *
 * GDT order is fixed by syscall/sysret: STAR[47:32] = kernel CS (SS = +8);
 * sysret loads CS = STAR[63:48] + 16 and SS = STAR[63:48] + 8, so user data
 * must sit directly below user code. */
#include <arch/arch.h>
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/layout.h>
#include <kernel/string.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} PACKED;
_Static_assert(sizeof(struct tss) == 104, "TSS layout");

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} PACKED;
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

enum {
    GATE_INTERRUPT = 0x8e, /* present, DPL 0, 64-bit interrupt gate (IF cleared) */
    IST_EMERGENCY = 1,     /* NMI, #DF and #MC run on their own stack */
    STUB_SIZE = 16,
};

static uint64_t gdt[7];
static struct tss tss;
static struct idt_gate idt[256];
static uint8_t emergency_stack[4096] __attribute__((aligned(16)));

extern char interrupt_stubs[];
extern void syscall_entry(void);
extern uint64_t context_save_end;

static void gdt_init(void)
{
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffff; /* 0x08 kernel code, 64-bit */
    gdt[2] = 0x00cf92000000ffff; /* 0x10 kernel data */
    gdt[3] = 0x00cff2000000ffff; /* 0x18 user data, DPL 3 */
    gdt[4] = 0x00affa000000ffff; /* 0x20 user code, 64-bit, DPL 3 */

    /* The I/O bitmap offset points past the TSS limit: user space gets no
     * port access through the TSS (I/O-port capabilities go through the
     * kernel instead). */
    tss.iomap_base = sizeof(tss);
    tss.ist[IST_EMERGENCY - 1] = (uint64_t)(emergency_stack + sizeof(emergency_stack));
    uint64_t base = (uint64_t)&tss;
    uint64_t limit = sizeof(tss) - 1;
    gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
             (((base >> 24) & 0xff) << 56);
    gdt[6] = base >> 32;

    struct descriptor_pointer p = { .limit = sizeof(gdt) - 1, .base = (uint64_t)gdt };
    load_gdt(&p);
    load_task_register(SEL_TSS);
}

static void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++) {
        uint64_t handler = (uint64_t)(interrupt_stubs + v * STUB_SIZE);
        bool emergency = v == 2 || v == 8 || v == 18;
        idt[v] = (struct idt_gate){
            .offset_low = handler & 0xffff,
            .selector = SEL_KERNEL_CODE,
            .ist = emergency ? IST_EMERGENCY : 0,
            .type_attr = GATE_INTERRUPT,
            .offset_mid = (handler >> 16) & 0xffff,
            .offset_high = handler >> 32,
        };
    }
    struct descriptor_pointer p = { .limit = sizeof(idt) - 1, .base = (uint64_t)idt };
    load_idt(&p);
}

static void syscall_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* sysret CS/SS base is user data - 8 = 0x10 (| RPL 3 on load). */
    wrmsr(MSR_STAR, ((uint64_t)(SEL_USER_DATA - 8) << 48) | ((uint64_t)SEL_KERNEL_CODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /* Clear IF (no interrupt before we are on a kernel stack), DF (the C ABI
     * needs it), TF, AC, NT on entry. */
    wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC | RFLAGS_NT | RFLAGS_IOPL);
}

void arch_cpu_init(void)
{
    fpu_init();
    gdt_init();
    idt_init();
    syscall_init();
}

void context_set_save_area(struct user_context *c)
{
    uint64_t end = (uint64_t)(c + 1);
    tss.rsp[0] = end;
    context_save_end = end;
}

void context_init_user(struct user_context *c, vaddr_t rip, vaddr_t rsp)
{
    memset(c, 0, sizeof(*c));
    c->rip = rip;
    c->rsp = rsp;
    c->cs = SEL_USER_CODE;
    c->ss = SEL_USER_DATA;
    c->rflags = RFLAGS_IF | 0x2; /* bit 1 is always set */
    c->vector = 0;               /* not from syscall: leave through iretq */
}
