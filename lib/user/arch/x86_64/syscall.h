/* lib/user/arch/x86_64/syscall.h — the `syscall` instruction and the IPC
 * buffer (reached through %gs, which the kernel points at it). */
#pragma once

#include <stdint.h>

/* All registers of the native ABI (lib/abi/kumiki/abi.h). */
struct kumiki_regs {
    uint64_t rax;   /* in: number; out: error */
    uint64_t rdi;   /* in: capability; out: badge */
    uint64_t rsi;   /* message info */
    uint64_t mr[4]; /* rdx, r10, r8, r9 */
};

static inline void kumiki_syscall_regs(struct kumiki_regs *r)
{
    register uint64_t rax __asm__("rax") = r->rax;
    register uint64_t rdi __asm__("rdi") = r->rdi;
    register uint64_t rsi __asm__("rsi") = r->rsi;
    register uint64_t rdx __asm__("rdx") = r->mr[0];
    register uint64_t r10 __asm__("r10") = r->mr[1];
    register uint64_t r8 __asm__("r8") = r->mr[2];
    register uint64_t r9 __asm__("r9") = r->mr[3];
    __asm__ volatile("syscall"
                     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
                     :
                     : "rcx", "r11", "memory");
    r->rax = rax;
    r->rdi = rdi;
    r->rsi = rsi;
    r->mr[0] = rdx;
    r->mr[1] = r10;
    r->mr[2] = r8;
    r->mr[3] = r9;
}

static inline uint64_t kumiki_syscall2(uint64_t number, uint64_t a0, uint64_t a1, uint64_t *value)
{
    register uint64_t rax __asm__("rax") = number;
    register uint64_t rdi __asm__("rdi") = a0;
    register uint64_t rsi __asm__("rsi") = a1;
    __asm__ volatile("syscall"
                     : "+r"(rax), "+r"(rdi), "+r"(rsi)
                     :
                     : "rcx", "r11", "rdx", "r8", "r9", "r10", "memory");
    if (value)
        *value = rdi;
    return rax;
}

static inline uint64_t kumiki_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* The IPC buffer's user address (its `self` word, at %gs:0). */
static inline void *kumiki_ipc_buffer_address(void)
{
    uint64_t self;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(self));
    return (void *)self;
}
