/* tests/bench/arch/x86_64/touch.h — instructions the benchmarks need
 * verbatim: a store the compiler cannot drop, and a raw syscall for a
 * foreign-ABI thread (which must not touch the native runtime). */
#pragma once

#include <stdint.h>

static inline void bench_store(volatile uint64_t *address)
{
    __asm__ volatile("movq $1, (%0)" : : "r"(address) : "memory");
}

static inline uint64_t bench_foreign_syscall(uint64_t number)
{
    uint64_t rax = number;
    __asm__ volatile("syscall"
                     : "+a"(rax)
                     :
                     : "rcx", "r11", "rdi", "rsi", "rdx", "r8", "r9", "r10", "memory");
    return rax;
}
