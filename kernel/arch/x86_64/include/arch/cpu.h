/* kernel/arch/x86_64/include/arch/cpu.h — every instruction the kernel needs
 * that C cannot express, as small named static inlines.  Nothing outside
 * kernel/arch/ contains inline assembly. */
#pragma once

#include <kernel/types.h>

static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t value)
{
    __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t value;
    __asm__ volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t value;
    __asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]), "=d"(regs[3])
                     : "a"(leaf), "c"(subleaf));
}

static inline uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}
static inline uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}
static inline void write_cr3(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}
static inline uint64_t read_cr0(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}
static inline void write_cr0(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}
static inline uint64_t read_cr4(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}
static inline void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}
static inline void invlpg(vaddr_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void interrupts_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}
static inline void interrupts_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}
/* Enables interrupts and halts in one step: sti's one-instruction shadow
 * guarantees no interrupt is taken between them, so a wake-up is never lost. */
static inline void interrupts_enable_and_halt(void)
{
    __asm__ volatile("sti; hlt" ::: "memory");
}
static inline void cpu_halt(void)
{
    __asm__ volatile("hlt" ::: "memory");
}
static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

/* The x87/SSE register file, saved with fxsave (512 bytes, 16-aligned). */
struct fpu_state {
    uint8_t bytes[512];
} __attribute__((aligned(16)));

static inline void fpu_save(struct fpu_state *s)
{
    __asm__ volatile("fxsave64 %0" : "=m"(*s));
}
static inline void fpu_restore(const struct fpu_state *s)
{
    __asm__ volatile("fxrstor64 %0" : : "m"(*s));
}

static inline void mmio_write32(volatile void *addr, uint32_t value)
{
    *(volatile uint32_t *)addr = value;
}
static inline uint32_t mmio_read32(const volatile void *addr)
{
    return *(const volatile uint32_t *)addr;
}

struct descriptor_pointer {
    uint16_t limit;
    uint64_t base;
} PACKED;

static inline void load_gdt(const struct descriptor_pointer *p)
{
    __asm__ volatile("lgdt %0" : : "m"(*p));
}
static inline void load_idt(const struct descriptor_pointer *p)
{
    __asm__ volatile("lidt %0" : : "m"(*p));
}
static inline void load_task_register(uint16_t selector)
{
    __asm__ volatile("ltr %0" : : "r"(selector));
}

/* Model-specific registers used by the kernel (numbers above INT_MAX, so
 * macros rather than enumerators). */
#define MSR_APIC_BASE      0x1bu
#define MSR_EFER           0xc0000080u
#define MSR_STAR           0xc0000081u
#define MSR_LSTAR          0xc0000082u
#define MSR_SFMASK         0xc0000084u
#define MSR_FS_BASE        0xc0000100u
#define MSR_GS_BASE        0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u
enum { EFER_SCE = 1u << 0, EFER_LME = 1u << 8, EFER_NXE = 1u << 11 };

enum {
    RFLAGS_CF = 1u << 0,
    RFLAGS_TF = 1u << 8,
    RFLAGS_IF = 1u << 9,
    RFLAGS_DF = 1u << 10,
    RFLAGS_IOPL = 3u << 12,
    RFLAGS_NT = 1u << 14,
    RFLAGS_RF = 1u << 16,
    RFLAGS_VM = 1u << 17,
    RFLAGS_AC = 1u << 18,
};
