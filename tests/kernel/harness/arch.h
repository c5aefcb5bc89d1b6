/* tests/kernel/harness/arch.h — the few instructions the tests need that C
 * cannot express (tests/kernel/arch/x86_64/). */
#pragma once

#include <stdint.h>

/* Entry of test threads: rdi = argument, rsi = own TCB, rdx = function. */
void kthread_trampoline(void);
/* Executes ud2 (2 bytes, at kt_ud2_site) and returns 7 if resumed after it. */
uint64_t kt_ud2(void);
extern const char kt_ud2_site[];
/* Reads 8 bytes at %fs:0. */
uint64_t kt_read_fs0(void);
/* Reads 8 bytes at %gs:0 (the kernel leaves rdgsbase off: a load through
 * the base is how a thread sees it). */
uint64_t kt_read_gs0(void);
/* Loads `selector` into %fs / %gs: user code changing its own base without
 * the kernel (the kernel must not trust a cached base afterwards). */
void kt_load_fs(uint64_t selector);
void kt_load_gs(uint64_t selector);
/* The thread's %ss: the GDT's user data selector. */
uint64_t kt_stack_selector(void);
/* The calling thread's MXCSR. */
void kt_set_mxcsr(uint32_t mxcsr);
uint32_t kt_get_mxcsr(void);
/* Loads xmm0 from xmm0_in, makes system call `number` with rdi (and no
 * message words), then stores xmm0 to xmm0_out and MXCSR to *mxcsr_out. */
void kt_fpu_across_syscall(uint64_t number, uint64_t rdi, const void *xmm0_in, void *xmm0_out,
                           uint32_t *mxcsr_out);
/* Sets MXCSR, then for ever stores it in *seen and increments *counter. */
void kt_spin_with_mxcsr(uint32_t mxcsr, volatile uint32_t *seen, volatile uint64_t *counter);
/* A raw syscall with number rax and arguments rdi, rsi; returns rax and
 * stores rdi in *rdi_out. */
uint64_t kt_syscall(uint64_t number, uint64_t rdi, uint64_t rsi, uint64_t *rdi_out);
/* `inb $0x40` and `cli` executed in user mode (both must #GP). */
uint8_t kt_inb_0x40(void);
extern const char kt_inb_site[];
void kt_cli(void);
extern const char kt_cli_site[];
/* Spins forever, incrementing *counter, without any system call. */
void kt_spin_forever(volatile uint64_t *counter);
