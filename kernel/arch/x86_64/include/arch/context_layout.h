/* kernel/arch/x86_64/include/arch/context_layout.h — offsets into
 * struct user_context, for the entry assembly.  context.h checks each one
 * with a static assert, so the two can never drift apart. */
#pragma once

#define CTX_R15    0
#define CTX_R14    8
#define CTX_R13    16
#define CTX_R12    24
#define CTX_R11    32
#define CTX_R10    40
#define CTX_R9     48
#define CTX_R8     56
#define CTX_RBP    64
#define CTX_RDI    72
#define CTX_RSI    80
#define CTX_RDX    88
#define CTX_RCX    96
#define CTX_RBX    104
#define CTX_RAX    112
#define CTX_VECTOR 120
#define CTX_ERROR  128
#define CTX_RIP    136
#define CTX_CS     144
#define CTX_RFLAGS 152
#define CTX_RSP    160
#define CTX_SS     168
#define CTX_SIZE   176

/* Pseudo vector recorded for contexts saved by the syscall instruction:
 * outside 0..255, so it can never be confused with an interrupt. */
#define VECTOR_SYSCALL 0x100
