/* personalities/linux/procfs_show.c — the texts of the /proc files
 * (procfs.h), in the formats of Linux 6.x's fs/proc, field for field, so
 * that busybox ps, top, free, uptime, mount and df read them as they read
 * Linux's.  Numbers the personality does not keep (CPU times, faults,
 * load averages, idle time) are 0. */
#include "procfs.h"

#include "arch/x86_64/cpuid.h"
#include "fd.h"
#include "frames.h"
#include "heap.h"
#include "mm.h"
#include "proc.h"
#include <kumiki/user.h>
#include <stdarg.h>

enum { CLOCK_TICKS = 100 }; /* USER_HZ: what AT_CLKTCK says */

/* ---- The text buffer ---------------------------------------------------- */

static bool text_reserve(struct proc_text *t, size_t more)
{
    if (t->failed)
        return false;
    if (t->len + more <= t->cap)
        return true;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + more)
        cap *= 2;
    char *grown = lx_malloc(cap);
    if (!grown) {
        t->failed = true;
        return false;
    }
    if (t->len)
        memcpy(grown, t->buf, t->len);
    lx_free(t->buf);
    t->buf = grown;
    t->cap = cap;
    return true;
}

void proc_text_put(struct proc_text *t, const void *data, size_t len)
{
    if (len && text_reserve(t, len)) {
        memcpy(t->buf + t->len, data, len);
        t->len += len;
    }
}

void proc_text_printf(struct proc_text *t, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    size_t need = uvsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (text_reserve(t, need + 1)) {
        uvsnprintf(t->buf + t->len, need + 1, fmt, again);
        t->len += need; /* the NUL is not part of the text */
    }
    va_end(again);
}

void proc_text_free(struct proc_text *t)
{
    lx_free(t->buf);
    t->buf = NULL;
    t->len = t->cap = 0;
}

/* ---- /proc's own files ---------------------------------------------------- */

/* "Label:" padded to 16 columns, the value in kB right-aligned in 8, as
 * Linux's show_val_kb. */
static void meminfo_line(struct proc_text *t, const char *label, uint64_t kb)
{
    static const char spaces[] = "                ";
    size_t len = strlen(label);
    proc_text_put(t, label, len);
    proc_text_put(t, spaces, len < 16 ? 16 - len : 0);
    proc_text_printf(t, "%8lu kB\n", (unsigned long)kb);
}

/* Memory is the frame pool (every page a Linux program or a file can
 * use); the personality's own heap shows as kernel memory (Slab). */
int proc_show_meminfo(struct proc_text *t, struct lx_proc *p)
{
    uint64_t total = (uint64_t)frames_total() * 4, used = (uint64_t)frames_in_use() * 4;
    uint64_t free = total > used ? total - used : 0;
    uint64_t heap = (uint64_t)lx_heap_pages() * 4;
    meminfo_line(t, "MemTotal:", total);
    meminfo_line(t, "MemFree:", free);
    meminfo_line(t, "MemAvailable:", free);
    meminfo_line(t, "Buffers:", 0);
    meminfo_line(t, "Cached:", 0);
    meminfo_line(t, "SwapCached:", 0);
    meminfo_line(t, "SwapTotal:", 0);
    meminfo_line(t, "SwapFree:", 0);
    meminfo_line(t, "Shmem:", 0);
    meminfo_line(t, "Slab:", heap);
    meminfo_line(t, "SReclaimable:", 0);
    meminfo_line(t, "SUnreclaim:", heap);
    return 0;
}

/* Seconds with two decimals since the personality started; no idle time
 * is kept (the second number is 0.00). */
int proc_show_uptime(struct proc_text *t, struct lx_proc *p)
{
    uint64_t cs = lx_now_ns() / 10000000u;
    proc_text_printf(t, "%lu.%02lu 0.00\n", (unsigned long)(cs / 100), (unsigned long)(cs % 100));
    return 0;
}

/* The live threads, those of them not waiting, and the newest pid. */
static void count_threads(unsigned *running, unsigned *total, int *newest)
{
    *running = *total = 0;
    if (newest)
        *newest = 0;
    for (struct lx_proc *q = proc_first(); q; q = proc_next(q)) {
        if (newest && q->pid > *newest)
            *newest = q->pid;
        for (struct lx_thread *th = q->threads; th; th = th->next_in_proc) {
            if (th->state == LX_THREAD_FREE || th->state == LX_THREAD_DEAD)
                continue;
            ++*total;
            *running += th->state != LX_THREAD_BLOCKED;
        }
    }
}

/* /proc/stat: CPU time is not accounted (every cpu field 0: top shows 0%,
 * as it does for a CPU it has no figures for); the boot time, the number
 * of processes made since boot and the runnable threads are real
 * (procs_blocked counts threads waiting for disk I/O, which none does:
 * the personality's disk requests are synchronous). */
int proc_show_kernel_stat(struct proc_text *t, struct lx_proc *p)
{
    unsigned running, total;
    count_threads(&running, &total, NULL);
    static const char zeros[] = " 0 0 0 0 0 0 0 0 0 0"; /* user nice system idle ... guest_nice */
    proc_text_printf(t, "cpu %s\ncpu0%s\nintr 0\nctxt 0\n", zeros, zeros);
    proc_text_printf(t, "btime %lu\nprocesses %lu\nprocs_running %u\nprocs_blocked 0\n",
                     (unsigned long)((lx_realtime_ns() - lx_now_ns()) / 1000000000ull),
                     (unsigned long)proc_created_count(), running);
    return 0;
}

/* Load averages are not computed (0.00); the runnable and total threads
 * and the newest pid are real. */
int proc_show_loadavg(struct proc_text *t, struct lx_proc *p)
{
    unsigned running, total;
    int newest;
    count_threads(&running, &total, &newest);
    proc_text_printf(t, "0.00 0.00 0.00 %u/%u %d\n", running, total, newest);
    return 0;
}

int proc_show_filesystems(struct proc_text *t, struct lx_proc *p)
{
    const struct lx_fs_type *type;
    for (unsigned i = 0; (type = vfs_fs_type_at(i)); i++)
        proc_text_printf(t, "%s\t%s\n", type->nodev ? "nodev" : "", type->name);
    return 0;
}

/* ---- cpuinfo ------------------------------------------------------------------ */

struct cpu_flag {
    uint8_t word,
        bit; /* word: 0 leaf 1 EDX, 1 leaf 1 ECX, 2 0x80000001 EDX, 3 0x80000001 ECX, 4 leaf 7 EBX */
    const char *name;
};

/* Linux's names, in its order (the X86_FEATURE_* words). */
static const struct cpu_flag cpu_flags[] = {
    { 0, 0, "fpu" },         { 0, 1, "vme" },      { 0, 2, "de" },        { 0, 3, "pse" },
    { 0, 4, "tsc" },         { 0, 5, "msr" },      { 0, 6, "pae" },       { 0, 7, "mce" },
    { 0, 8, "cx8" },         { 0, 9, "apic" },     { 0, 11, "sep" },      { 0, 12, "mtrr" },
    { 0, 13, "pge" },        { 0, 14, "mca" },     { 0, 15, "cmov" },     { 0, 16, "pat" },
    { 0, 17, "pse36" },      { 0, 19, "clflush" }, { 0, 23, "mmx" },      { 0, 24, "fxsr" },
    { 0, 25, "sse" },        { 0, 26, "sse2" },    { 0, 27, "ss" },       { 0, 28, "ht" },
    { 2, 11, "syscall" },    { 2, 20, "nx" },      { 2, 26, "pdpe1gb" },  { 2, 27, "rdtscp" },
    { 2, 29, "lm" },         { 1, 0, "pni" },      { 1, 1, "pclmulqdq" }, { 1, 9, "ssse3" },
    { 1, 12, "fma" },        { 1, 13, "cx16" },    { 1, 19, "sse4_1" },   { 1, 20, "sse4_2" },
    { 1, 21, "x2apic" },     { 1, 22, "movbe" },   { 1, 23, "popcnt" },   { 1, 25, "aes" },
    { 1, 26, "xsave" },      { 1, 28, "avx" },     { 1, 29, "f16c" },     { 1, 30, "rdrand" },
    { 1, 31, "hypervisor" }, { 3, 0, "lahf_lm" },  { 3, 5, "abm" },       { 4, 0, "fsgsbase" },
    { 4, 3, "bmi1" },        { 4, 5, "avx2" },     { 4, 8, "bmi2" },      { 4, 9, "erms" },
    { 4, 18, "rdseed" },     { 4, 19, "adx" },     { 4, 29, "sha_ni" },
};

/* One processor (the personality runs its programs on one CPU). */
int proc_show_cpuinfo(struct proc_text *t, struct lx_proc *p)
{
    uint32_t r[4], words[5] = { 0 };
    lx_cpuid(0, 0, r);
    uint32_t max_leaf = r[0];
    char vendor[13];
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = '\0';
    lx_cpuid(1, 0, r);
    uint32_t family = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf, stepping = r[0] & 0xf;
    if (family == 0xf)
        family += (r[0] >> 20) & 0xff;
    if (family >= 6)
        model += ((r[0] >> 16) & 0xf) << 4;
    words[0] = r[3];
    words[1] = r[2];
    if (max_leaf >= 7) {
        lx_cpuid(7, 0, r);
        words[4] = r[1];
    }
    lx_cpuid(0x80000000u, 0, r);
    uint32_t max_ext = r[0];
    char brand[49] = "unknown";
    if (max_ext >= 0x80000001u) {
        lx_cpuid(0x80000001u, 0, r);
        words[2] = r[3];
        words[3] = r[2];
    }
    if (max_ext >= 0x80000004u) {
        for (uint32_t i = 0; i < 3; i++) {
            lx_cpuid(0x80000002u + i, 0, r);
            memcpy(brand + 16 * i, r, 16);
        }
        brand[48] = '\0';
    }
    uint32_t phys_bits = 36, virt_bits = 48;
    if (max_ext >= 0x80000008u) {
        lx_cpuid(0x80000008u, 0, r);
        phys_bits = r[0] & 0xff;
        virt_bits = (r[0] >> 8) & 0xff;
    }
    const char *model_name = brand;
    while (*model_name == ' ')
        model_name++;
    proc_text_printf(t,
                     "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\nmodel name\t: %s\n"
                     "stepping\t: %u\nphysical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n"
                     "fpu\t\t: yes\nflags\t\t:",
                     vendor, family, model, model_name, stepping);
    for (unsigned i = 0; i < sizeof(cpu_flags) / sizeof(cpu_flags[0]); i++)
        if (words[cpu_flags[i].word] & (1u << cpu_flags[i].bit))
            proc_text_printf(t, " %s", cpu_flags[i].name);
    proc_text_printf(
        t,
        "\nclflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: %u bits physical, %u bits virtual\n\n",
        phys_bits, virt_bits);
    return 0;
}

/* ---- A process's files ---------------------------------------------------------- */

/* Bytes [start, end) of p's memory, as they are now (a program may have
 * rewritten its arguments, as Linux shows too); stops at a page that is
 * not there. */
static int show_user_range(struct proc_text *t, struct lx_proc *p, uint64_t start, uint64_t end)
{
    if (!p->mm || start == 0 || end <= start)
        return 0; /* a zombie, or an image whose strings execve did not record */
    uint8_t chunk[256];
    for (uint64_t at = start; at < end;) {
        size_t n = end - at < sizeof(chunk) ? (size_t)(end - at) : sizeof(chunk);
        if (mm_copy_in(p->mm, chunk, at, n))
            break;
        proc_text_put(t, chunk, n);
        at += n;
    }
    return 0;
}

int proc_show_cmdline(struct proc_text *t, struct lx_proc *p)
{
    return p->mm ? show_user_range(t, p, p->mm->arg_start, p->mm->arg_end) : 0;
}

int proc_show_environ(struct proc_text *t, struct lx_proc *p)
{
    return p->mm ? show_user_range(t, p, p->mm->env_start, p->mm->env_end) : 0;
}

/* comm as a C string (it is NUL-terminated in its 16 bytes). */
static const char *comm_of(const struct lx_proc *p, char out[16])
{
    size_t n = 0;
    while (n < 15 && p->comm[n]) {
        out[n] = p->comm[n];
        n++;
    }
    out[n] = '\0';
    return out;
}

int proc_show_comm(struct proc_text *t, struct lx_proc *p)
{
    char comm[16];
    proc_text_printf(t, "%s\n", comm_of(p, comm));
    return 0;
}

/* The state letter: R while one of its threads runs or is being answered,
 * S when all wait, Z for a zombie. */
static char state_of(const struct lx_proc *p)
{
    if (p->state == LX_PROC_ZOMBIE)
        return 'Z';
    for (const struct lx_thread *th = p->threads; th; th = th->next_in_proc)
        if (th->state == LX_THREAD_RUNNING || th->state == LX_THREAD_SYSCALL || th->state == LX_THREAD_RETRY)
            return 'R';
    return 'S';
}

static const char *state_name(char state)
{
    switch (state) {
    case 'R': return "R (running)";
    case 'Z': return "Z (zombie)";
    default: return "S (sleeping)";
    }
}

static uint64_t vm_size(const struct lx_proc *p)
{
    uint64_t size = 0;
    if (p->mm)
        for (const struct lx_vma *v = p->mm->vmas; v; v = v->next)
            size += v->end - v->start;
    return size;
}

static unsigned live_threads(const struct lx_proc *p)
{
    unsigned n = 0;
    for (const struct lx_thread *th = p->threads; th; th = th->next_in_proc)
        if (th->state != LX_THREAD_FREE && th->state != LX_THREAD_DEAD)
            n++;
    return n;
}

static const struct lx_thread *leader_of(const struct lx_proc *p)
{
    for (const struct lx_thread *th = p->threads; th; th = th->next_in_proc)
        if (th->state != LX_THREAD_FREE && th->state != LX_THREAD_DEAD)
            return th;
    return NULL;
}

/* The 52 fields of Linux's do_task_stat.  Addresses of the image (code,
 * stack, esp/eip) read 0, as Linux shows them to a reader without ptrace
 * access; brk and the argument and environment ranges are real. */
int proc_show_stat(struct proc_text *t, struct lx_proc *p)
{
    char comm[16];
    char state = state_of(p);
    const struct lx_thread *leader = leader_of(p);
    const struct lx_mm *mm = p->mm;
    uint64_t ignored = 0, caught = 0;
    for (unsigned s = 0; s < LX_NSIG; s++) {
        if (p->actions[s].handler == LX_SIG_IGN)
            ignored |= 1ull << s;
        else if (p->actions[s].handler != LX_SIG_DFL)
            caught |= 1ull << s;
    }
    int ppid = p->parent ? p->parent->pid : 0;
    uint64_t start_ticks = p->start_ns / (1000000000u / CLOCK_TICKS);
    proc_text_printf(t, "%d (%s) %c %d %d %d 0 -1 4194304 0 0 0 0 0 0 0 0 %d %d %u 0 %lu %lu %lu ", p->pid,
                     comm_of(p, comm), state, ppid, p->pgid, p->sid, 20 + p->nice, p->nice,
                     state == 'Z' ? 1u : live_threads(p), (unsigned long)start_ticks,
                     (unsigned long)vm_size(p), (unsigned long)(mm ? mm->pages_present : 0));
    /* rsslim startcode endcode startstack kstkesp kstkeip */
    proc_text_printf(t, "18446744073709551615 0 0 0 0 0 ");
    /* signal blocked sigignore sigcatch (decimal, as Linux prints them) */
    proc_text_printf(
        t, "%lu %lu %lu %lu ", (unsigned long)(p->sigpending | (leader ? leader->sigpending : 0)),
        (unsigned long)(leader ? leader->sigmask : 0), (unsigned long)ignored, (unsigned long)caught);
    /* wchan nswap cnswap exit_signal processor rt_priority policy
     * delayacct_blkio_ticks guest_time cguest_time */
    proc_text_printf(t, "0 0 0 %d 0 0 0 0 0 0 ", p->exit_signal);
    /* start_data end_data start_brk arg_start arg_end env_start env_end exit_code */
    proc_text_printf(t, "0 0 %lu %lu %lu %lu %lu %d\n", (unsigned long)(mm ? mm->brk_start : 0),
                     (unsigned long)(mm ? mm->arg_start : 0), (unsigned long)(mm ? mm->arg_end : 0),
                     (unsigned long)(mm ? mm->env_start : 0), (unsigned long)(mm ? mm->env_end : 0),
                     state == 'Z' ? p->wait_status : 0);
    return 0;
}

/* size resident shared text lib data dt, in pages. */
int proc_show_statm(struct proc_text *t, struct lx_proc *p)
{
    proc_text_printf(t, "%lu %lu 0 0 0 0 0\n", (unsigned long)(vm_size(p) / LX_PAGE),
                     (unsigned long)(p->mm ? p->mm->pages_present : 0));
    return 0;
}

static void status_mask(struct proc_text *t, const char *label, uint64_t mask)
{
    proc_text_printf(t, "%s:\t%016lx\n", label, (unsigned long)mask);
}

int proc_show_status(struct proc_text *t, struct lx_proc *p)
{
    char comm[16];
    char state = state_of(p);
    const struct lx_thread *leader = leader_of(p);
    uint32_t umask = p->fs ? p->fs->umask : 022;
    proc_text_printf(t,
                     "Name:\t%s\nUmask:\t0%u%u%u\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\n"
                     "TracerPid:\t0\n",
                     comm_of(p, comm), (umask >> 6) & 7, (umask >> 3) & 7, umask & 7, state_name(state),
                     p->pid, p->pid, p->parent ? p->parent->pid : 0);
    proc_text_printf(t, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", p->uid, p->euid, p->euid, p->euid,
                     p->gid, p->egid, p->egid, p->egid);
    proc_text_printf(t, "FDSize:\t%u\nGroups:\t\n", p->files ? p->files->size : 0);
    if (p->mm) {
        uint64_t kb = vm_size(p) / 1024, rss = p->mm->pages_present * 4;
        proc_text_printf(t, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmRSS:\t%8lu kB\n", (unsigned long)kb,
                         (unsigned long)kb, (unsigned long)rss);
    }
    uint64_t ignored = 0, caught = 0;
    for (unsigned s = 0; s < LX_NSIG; s++) {
        if (p->actions[s].handler == LX_SIG_IGN)
            ignored |= 1ull << s;
        else if (p->actions[s].handler != LX_SIG_DFL)
            caught |= 1ull << s;
    }
    proc_text_printf(t, "Threads:\t%u\n", state == 'Z' ? 1u : live_threads(p));
    status_mask(t, "SigPnd", leader ? leader->sigpending : 0);
    status_mask(t, "ShdPnd", p->sigpending);
    status_mask(t, "SigBlk", leader ? leader->sigmask : 0);
    status_mask(t, "SigIgn", ignored);
    status_mask(t, "SigCgt", caught);
    return 0;
}

/* ---- mounts ---------------------------------------------------------------------- */

/* Puts s with space, tab, newline and backslash as octal escapes, as
 * Linux's mangle() does for /proc/mounts. */
static void put_escaped(struct proc_text *t, const char *s)
{
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
            proc_text_printf(t, "\\%u%u%u", ((uint8_t)*s >> 6) & 7, ((uint8_t)*s >> 3) & 7, (uint8_t)*s & 7);
        else
            proc_text_put(t, s, 1);
    }
}

/* The mounts p sees, oldest first, their mount points named from p's
 * root (there is no chroot, so every mount is below it). */
int proc_show_mounts(struct proc_text *t, struct lx_proc *p)
{
    if (!p->fs)
        return 0; /* a zombie sees nothing */
    unsigned count = 0;
    for (struct lx_mount *m = mount_first(); m; m = mount_next(m))
        count++;
    struct lx_mount **order = lx_calloc(count ? count : 1, sizeof(*order));
    char *name = lx_malloc(LX_PATH_MAX);
    if (!order || !name) {
        lx_free(order);
        lx_free(name);
        return -LX_ENOMEM;
    }
    unsigned i = count;
    for (struct lx_mount *m = mount_first(); m; m = mount_next(m))
        order[--i] = m;
    for (i = 0; i < count; i++) {
        struct lx_mount *m = order[i];
        struct lx_path root = { m, m->root };
        bool unreachable = false;
        if (vfs_dir_name_reach(&p->fs->root, &root, name, LX_PATH_MAX, &unreachable) <= 0 || unreachable)
            continue; /* its mount point was removed, or is outside the reader's root (as Linux) */
        put_escaped(t, m->source);
        proc_text_put(t, " ", 1);
        put_escaped(t, name);
        proc_text_printf(t, " %s %s%s%s%s 0 0\n", m->type, (m->flags & LX_MNT_RDONLY) ? "ro" : "rw",
                         (m->flags & LX_MNT_NOSUID) ? ",nosuid" : "",
                         (m->flags & LX_MNT_NODEV) ? ",nodev" : "",
                         (m->flags & LX_MNT_NOEXEC) ? ",noexec" : "");
    }
    lx_free(order);
    lx_free(name);
    return 0;
}
