/* lib/user/include/kumiki/supervisor.h — what every supervisor of programs
 * needs to say about them (the test runner, the root task): a module's
 * program name, a fault message in words, a thread's registers. */
#pragma once

#include <kumiki/ipc.h>
#include <stddef.h>

/* "path/to/name.elf args" -> "name.elf" (cut to size - 1 characters). */
void kumiki_module_name(const char *cmdline, char *name, size_t size);

/* A fault message (label KUMIKI_FAULT_*) as text, e.g. "page fault at 0x10
 * (write, data, not present), rip 0x401020"; returns its short kind for
 * expectations: "PF", "SYSCALL", or the exception mnemonic without '#'
 * ("DE", "GP", ..., "??" if unknown). */
const char *kumiki_describe_fault(const struct kumiki_msg *fault, char *text, size_t size);

/* Prints the thread's registers as '#' lines (TCB READ_REGISTERS). */
void kumiki_print_registers(kumiki_cptr_t tcb);
