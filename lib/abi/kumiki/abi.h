/* lib/abi/kumiki/abi.h — the kernel/user system-call ABI: numbers, error
 * codes and register conventions.  Included by the kernel and by user code
 * alike, so the two cannot disagree.
 *
 * Registers (x86_64 `syscall`): rax = number; arguments rdi, rsi, rdx, r10,
 * r8, r9.  On return rax = error code (enum kumiki_error), rdi = result.
 * rcx and r11 are clobbered (the CPU uses them); all else is preserved. */
#pragma once

enum kumiki_syscall {
    /* 0..63 are reserved for IPC and capability invocations. */
    SYS_DEBUG_WRITE = 64,    /* (const char *buf, size_t len): bytes to the kernel console */
    SYS_DEBUG_EXIT = 65,     /* (int status): ends the calling thread's program */
    SYS_DEBUG_NULL = 66,     /* (): does nothing; the cost of a kernel round trip */
    SYS_DEBUG_TICKS = 67,    /* (): rdi = timer ticks since boot */
    SYS_DEBUG_BOOT_TSC = 68, /* (): rdi = rdtsc value at the first kernel instruction */
    SYS_DEBUG_TICK_HZ = 69,  /* (): rdi = timer ticks per second */
};

enum kumiki_error {
    KE_OK = 0,
    KE_INVALID_ARGUMENT = 1,
    KE_INVALID_CAPABILITY = 2,
    KE_ILLEGAL_OPERATION = 3,
    KE_RANGE = 4,
    KE_ALIGNMENT = 5,
    KE_FAILED_LOOKUP = 6,
    KE_TRUNCATED_MESSAGE = 7,
    KE_DELETE_FIRST = 8,
    KE_REVOKE_FIRST = 9,
    KE_NOT_ENOUGH_MEMORY = 10,
    KE_BAD_ADDRESS = 11, /* user memory not mapped or not accessible */
    KE_UNKNOWN_SYSCALL = 12,
};

/* Largest SYS_DEBUG_WRITE in one call. */
#define KUMIKI_DEBUG_WRITE_MAX 4096
