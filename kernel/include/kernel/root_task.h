/* kernel/include/kernel/root_task.h — building the one initial thread. */
#pragma once

#include <kernel/boot_info.h>

/* Where the root task finds its boot information and IPC buffer. */
#define ROOT_BOOTINFO_ADDRESS   0x00007fffffe00000ull
#define ROOT_IPC_BUFFER_ADDRESS 0x00007fffffe02000ull
#define ROOT_STACK_TOP          0x00007ffffff00000ull
enum { ROOT_STACK_PAGES = 16, ROOT_BOOTINFO_PAGES = 2, ROOT_PRIORITY = 255 };

/* Creates the root task from module 1 and hands it every remaining
 * resource as capabilities.  After this the kernel allocates nothing. */
void root_task_create(const struct boot_info *info);
