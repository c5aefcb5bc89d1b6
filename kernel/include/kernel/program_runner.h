/* kernel/include/kernel/program_runner.h — see core/program_runner.c. */
#pragma once

#include <kernel/boot_info.h>
#include <kernel/thread.h>

void program_runner_start(const struct boot_info *info);
void program_runner_thread_ended(struct thread *t, const struct thread_outcome *outcome);
