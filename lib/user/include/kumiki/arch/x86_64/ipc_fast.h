/* lib/user/include/kumiki/arch/x86_64/ipc_fast.h — register-only Call and
 * ReplyRecv inlined at the call site: nothing but the syscall and the
 * register moves around it (the kernel's fast path does the rest). */
#pragma once

#include <kumiki/abi.h>

/* Call on ep with info (length <= 4, no capabilities) and words mr[0..3];
 * the reply's words replace mr, its info goes to *reply_info. */
static inline uint64_t kumiki_call_fast(kumiki_cptr_t ep, uint64_t info, uint64_t mr[4], uint64_t *reply_info)
{
    register uint64_t rax __asm__("rax") = SYS_CALL;
    register uint64_t rdi __asm__("rdi") = ep;
    register uint64_t rsi __asm__("rsi") = info;
    register uint64_t rdx __asm__("rdx") = mr[0];
    register uint64_t r10 __asm__("r10") = mr[1];
    register uint64_t r8 __asm__("r8") = mr[2];
    register uint64_t r9 __asm__("r9") = mr[3];
    __asm__ volatile("syscall"
                     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
                     :
                     : "rcx", "r11", "memory");
    mr[0] = rdx;
    mr[1] = r10;
    mr[2] = r8;
    mr[3] = r9;
    *reply_info = rsi;
    return rax;
}

/* Replies with info and mr to the caller, then waits on ep; the next
 * message's words replace mr, its badge and info come back. */
static inline uint64_t kumiki_reply_recv_fast(kumiki_cptr_t ep, uint64_t info, uint64_t mr[4],
                                              uint64_t *badge, uint64_t *recv_info)
{
    register uint64_t rax __asm__("rax") = SYS_REPLY_RECV;
    register uint64_t rdi __asm__("rdi") = ep;
    register uint64_t rsi __asm__("rsi") = info;
    register uint64_t rdx __asm__("rdx") = mr[0];
    register uint64_t r10 __asm__("r10") = mr[1];
    register uint64_t r8 __asm__("r8") = mr[2];
    register uint64_t r9 __asm__("r9") = mr[3];
    __asm__ volatile("syscall"
                     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9)
                     :
                     : "rcx", "r11", "memory");
    mr[0] = rdx;
    mr[1] = r10;
    mr[2] = r8;
    mr[3] = r9;
    *badge = rdi;
    *recv_info = rsi;
    return rax;
}
