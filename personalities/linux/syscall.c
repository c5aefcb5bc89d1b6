/* personalities/linux/syscall.c — see syscall.h. */
#include "syscall.h"
#include "personality.h"
#include <kumiki/user.h>

extern const unsigned lx_syscall_name_count;
extern const char *const lx_syscall_names[];

static lx_syscall_fn table[LX_SYSCALL_MAX];
static const char *table_names[LX_SYSCALL_MAX];
static uint64_t enosys_count;
static uint8_t enosys_logged[LX_SYSCALL_MAX / 8];

static void add(const struct lx_syscall_def *defs)
{
    for (; defs->fn; defs++) {
        if (defs->nr >= LX_SYSCALL_MAX || table[defs->nr]) {
            lx_log("system call %u (%s) listed twice or out of range", defs->nr, defs->name);
            continue;
        }
        table[defs->nr] = defs->fn;
        table_names[defs->nr] = defs->name;
    }
}

void syscall_init(void)
{
    add(lx_syscalls_proc);
    add(lx_syscalls_mem);
    add(lx_syscalls_file);
    add(lx_syscalls_signal);
    add(lx_syscalls_time);
    add(lx_syscalls_misc);
    add(lx_syscalls_power);
    add(lx_syscalls_klog);
    add(lx_syscalls_nice);
    add(lx_syscalls_futex);
}

const char *syscall_name(unsigned nr)
{
    if (nr < LX_SYSCALL_MAX && table_names[nr])
        return table_names[nr];
    if (nr < lx_syscall_name_count && lx_syscall_names[nr])
        return lx_syscall_names[nr];
    return "?";
}

uint64_t syscall_enosys_count(void)
{
    return enosys_count;
}

/* True the first time nr is unsupported: numbers in the table's range
 * have a bit each; the first few larger ones are remembered, and beyond
 * those no more are logged (a program probing numbers must not flood the
 * console). */
static bool first_time(uint64_t nr)
{
    static uint64_t large[16];
    static unsigned large_count;
    if (nr < LX_SYSCALL_MAX) {
        if (enosys_logged[nr / 8] & (1u << (nr % 8)))
            return false;
        enosys_logged[nr / 8] |= (uint8_t)(1u << (nr % 8));
        return true;
    }
    for (unsigned i = 0; i < large_count; i++)
        if (large[i] == nr)
            return false;
    if (large_count == sizeof(large) / sizeof(large[0]))
        return false;
    large[large_count++] = nr;
    return true;
}

int64_t syscall_run(struct lx_thread *t)
{
    uint64_t nr = t->regs.rax;
    if (nr < LX_SYSCALL_MAX && table[nr])
        return table[nr](t, &t->regs);
    enosys_count++;
    if (first_time(nr))
        lx_log("unsupported system call %s (%lu) from %s[%d]: ENOSYS", syscall_name((unsigned)nr),
               (unsigned long)nr, t->proc->comm, t->tid);
    return -LX_ENOSYS;
}
