/* lib/user/arch/x86_64/syscall.h — the `syscall` instruction for user code
 * (register convention in lib/abi/kumiki/abi.h). */
#pragma once

#include <stdint.h>

struct kumiki_syscall_result {
    uint64_t error; /* rax: enum kumiki_error */
    uint64_t value; /* rdi */
};

static inline struct kumiki_syscall_result kumiki_syscall2(uint64_t number, uint64_t a0, uint64_t a1)
{
    register uint64_t rax __asm__("rax") = number;
    register uint64_t rdi __asm__("rdi") = a0;
    register uint64_t rsi __asm__("rsi") = a1;
    __asm__ volatile("syscall" : "+r"(rax), "+r"(rdi), "+r"(rsi) : : "rcx", "r11", "memory");
    return (struct kumiki_syscall_result){ rax, rdi };
}

static inline uint64_t kumiki_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
