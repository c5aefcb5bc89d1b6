/* kernel/core/program_runner.c — runs the boot modules as user programs, one
 * after another, and reports each as a TAP test point on the console.
 *
 * This is the foundation's stand-in for the root task: it gives every
 * in-QEMU test a real boot in which several programs run, and shows that a
 * program's crash ends only that program.  Module command line:
 *
 *     path/name.elf [expect=exit:N | expect=fault:XX | expect=load-error] [args...]
 *
 * XX is the exception mnemonic without '#': DE, UD, GP, PF, ...  A program
 * passes when it ends as expected (default: exit status 0).
 * Memory of finished programs is not reclaimed: this runs only while the
 * kernel builds the initial system. */
#include <arch/arch.h>
#include <arch/paging.h>
#include <arch/vectors.h>
#include <kernel/boot_info.h>
#include <kernel/exit_codes.h>
#include <kernel/log.h>
#include <kernel/pmem.h>
#include <kernel/program_loader.h>
#include <kernel/program_runner.h>
#include <kernel/string.h>
#include <kernel/thread.h>

enum expectation_kind { EXPECT_EXIT, EXPECT_FAULT, EXPECT_LOAD_ERROR };

struct expectation {
    enum expectation_kind kind;
    int64_t exit_status;
    char fault[8];
};

static const struct boot_info *boot;
static unsigned next_module, failures;
enum { PROGRAM_PRIORITY = 100 };

static void module_name(const char *cmdline, char *name, size_t size)
{
    size_t end = 0, start = 0;
    while (cmdline[end] && cmdline[end] != ' ') {
        if (cmdline[end] == '/')
            start = end + 1;
        end++;
    }
    size_t n = end - start < size - 1 ? end - start : size - 1;
    memcpy(name, cmdline + start, n);
    name[n] = '\0';
}

static bool parse_int(const char *s, size_t len, int64_t *out)
{
    bool negative = len && s[0] == '-';
    size_t i = negative ? 1 : 0;
    if (i == len)
        return false;
    int64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || v > 100000000)
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = negative ? -v : v;
    return true;
}

/* Reads expect=... from the module's arguments; false for a malformed one. */
static bool parse_expectation(const char *cmdline, struct expectation *e)
{
    *e = (struct expectation){ .kind = EXPECT_EXIT, .exit_status = 0 };
    for (const char *p = cmdline; (p = strstr(p, " expect=")); p++) {
        const char *v = p + 8;
        size_t len = 0;
        while (v[len] && v[len] != ' ')
            len++;
        if (len > 5 && strncmp(v, "exit:", 5) == 0) {
            e->kind = EXPECT_EXIT;
            if (!parse_int(v + 5, len - 5, &e->exit_status))
                return false;
        } else if (len > 6 && len - 6 < sizeof(e->fault) && strncmp(v, "fault:", 6) == 0) {
            e->kind = EXPECT_FAULT;
            memcpy(e->fault, v + 6, len - 6);
            e->fault[len - 6] = '\0';
        } else if (len == 10 && strncmp(v, "load-error", 10) == 0) {
            e->kind = EXPECT_LOAD_ERROR;
        } else {
            return false;
        }
    }
    return true;
}

static void report(bool ok, const char *name, const char *fmt_detail, const char *detail)
{
    if (!ok)
        failures++;
    kprintf("%s %u - %s", ok ? "ok" : "not ok", next_module, name);
    if (detail)
        kprintf(fmt_detail, detail);
    kprintf("\n");
}

static void finish(void)
{
    kprintf("# kumiki: %u programs, %u failed\n", boot->module_count, failures);
    arch_debug_exit(EXIT_CODE_DONE);
}

/* Starts the next module that loads; reports the ones that do not. */
static void start_next(void)
{
    while (next_module < boot->module_count) {
        const struct boot_module *m = &boot->modules[next_module++];
        char name[THREAD_NAME_MAX];
        module_name(m->cmdline, name, sizeof(name));
        struct expectation expect;
        if (!parse_expectation(m->cmdline, &expect)) {
            report(false, name, ": %s", "malformed expect= argument");
            continue;
        }
        struct thread *t = NULL;
        const char *error =
            program_load(phys_to_virt(m->start), m->end - m->start, m->cmdline, name, PROGRAM_PRIORITY, &t);
        if (error) {
            log_warn("module %u '%s' not started: %s", next_module, name, error);
            report(expect.kind == EXPECT_LOAD_ERROR, name, " # load error: %s", error);
            continue;
        }
        if (expect.kind == EXPECT_LOAD_ERROR) {
            report(false, name, ": %s", "loaded, but a load error was expected");
            continue;
        }
        static struct expectation expectations[BOOT_MAX_MODULES];
        expectations[next_module - 1] = expect;
        t->owner = &expectations[next_module - 1];
        sched_make_runnable(t);
        return;
    }
    finish();
}

void program_runner_start(const struct boot_info *info)
{
    boot = info;
    if (info->module_count == 0)
        panic("no user programs: give at least one ELF as a multiboot module (QEMU -initrd)");
    kprintf("1..%u\n", info->module_count);
    start_next();
}

void program_runner_thread_ended(struct thread *t, const struct thread_outcome *o)
{
    const struct expectation *e = t->owner;
    char detail[96];
    if (o->kind == OUTCOME_EXITED) {
        bool ok = e->kind == EXPECT_EXIT && e->exit_status == o->exit_status;
        ksnprintf(detail, sizeof(detail), "exit status %ld", (long)o->exit_status);
        report(ok, t->name, ok ? " # %s" : ": %s", detail);
    } else {
        const char *mnemonic = vector_mnemonic(o->vector);
        bool ok = e->kind == EXPECT_FAULT && mnemonic && strcmp(mnemonic + 1, e->fault) == 0;
        if (o->vector == VECTOR_PAGE_FAULT)
            ksnprintf(detail, sizeof(detail), "page fault at 0x%lx, rip 0x%lx", o->fault_address, o->rip);
        else
            ksnprintf(detail, sizeof(detail), "%s at rip 0x%lx", vector_name(o->vector), o->rip);
        report(ok, t->name, ok ? " # faulted as expected: %s" : ": %s", detail);
    }
    start_next();
}
