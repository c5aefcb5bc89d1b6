/* kernel/include/kernel/program_loader.h — an ELF module becomes a thread in
 * a new address space.
 *
 * User stack: USER_STACK_PAGES pages ending at USER_STACK_TOP.  The module's
 * command line is copied to the top of the stack and its address passed in
 * rdi; rsp is 16-byte aligned below it. */
#pragma once

#include <kernel/thread.h>

#define USER_STACK_TOP 0x00007ffffff00000ull
enum { USER_STACK_PAGES = 16 };

/* Validates the ELF image (lib/elf), builds the address space, maps every
 * segment with the union of the permissions of the segments sharing a page,
 * and prepares a thread.  Returns NULL and sets *out, or returns a message
 * saying why the module cannot run (nothing is started then). */
const char *program_load(const void *image, size_t size, const char *cmdline, const char *name,
                         uint8_t priority, struct thread **out);
