/* tests/kernel/harness/kprocess.h — spawning a helper program (an extra
 * boot module) in an address space and CSpace of its own. */
#pragma once

#include "ktest.h"
#include <kumiki/process.h>
#include <kumiki/program.h>

/* Spawns the boot module whose command line contains `module` with the
 * argument string `args`; its supervisor (and fault handler) is `endpoint`
 * with `badge`.  The program runs at priority 100 and its memory comes from
 * the pool: the harness's cleanup destroys it.  *why says which step failed. */
uint64_t kt_spawn(const char *module, const char *args, kumiki_cptr_t endpoint, uint64_t badge,
                  struct kumiki_process *p, const char **why);
