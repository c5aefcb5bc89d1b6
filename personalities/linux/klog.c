/* personalities/linux/klog.c — the kernel log of the Linux personality and
 * syslog(2) (klogctl), so that dmesg shows what the personality said.
 *
 * Every lx_log line is kept as Linux keeps printk records for syslog(2):
 * "<6>[seconds.micros] text\n" (level 6, KERN_INFO).  The buffer keeps the
 * newest lines: when one does not fit, the oldest whole lines go.  The
 * unread mark is what SYSLOG_ACTION_READ has not returned yet; CLEAR
 * forgets what READ_ALL would show, as Linux's does.  Root only, as on a
 * Debian kernel (dmesg_restrict=1). */
#include "klog.h"
#include "proc.h"
#include "syscall.h"
#include <kumiki/user.h>

enum {
    KLOG_SIZE = 16384,
    SYSLOG_CLOSE = 0,
    SYSLOG_OPEN = 1,
    SYSLOG_READ = 2,
    SYSLOG_READ_ALL = 3,
    SYSLOG_READ_CLEAR = 4,
    SYSLOG_CLEAR = 5,
    SYSLOG_CONSOLE_OFF = 6,
    SYSLOG_CONSOLE_ON = 7,
    SYSLOG_CONSOLE_LEVEL = 8,
    SYSLOG_SIZE_UNREAD = 9,
    SYSLOG_SIZE_BUFFER = 10,
};

/* Invariants: shown <= used, unread <= used; buffer[0..used) holds whole
 * lines; READ_ALL shows the last `shown` bytes, READ the last `unread`. */
static char buffer[KLOG_SIZE];
static size_t used, shown, unread;
static struct lx_waitq readers;

/* The index just past the line that starts at `from` (or `used`). */
static size_t line_end(size_t from)
{
    while (from < used && buffer[from] != '\n')
        from++;
    return from < used ? from + 1 : used;
}

void klog_append(uint64_t now_ns, const char *text, size_t len)
{
    char line[320];
    uint64_t us = now_ns / 1000;
    size_t n = usnprintf(line, sizeof(line), "<6>[%5lu.%06lu] ", (unsigned long)(us / 1000000),
                         (unsigned long)(us % 1000000));
    if (n >= sizeof(line))
        return;
    if (len > sizeof(line) - 1 - n)
        len = sizeof(line) - 1 - n;
    memcpy(line + n, text, len);
    n += len;
    if (!n || line[n - 1] != '\n')
        line[n++] = '\n';
    while (used + n > KLOG_SIZE) { /* drop the oldest whole line */
        size_t first = line_end(0);
        memmove(buffer, buffer + first, used - first);
        used -= first;
        if (shown > used)
            shown = used;
        if (unread > used)
            unread = used;
    }
    memcpy(buffer + used, line, n);
    used += n;
    shown = shown + n > used ? used : shown + n;
    unread = unread + n > used ? used : unread + n;
    lx_wake(&readers);
}

/* READ: the oldest unread bytes, at most len; they are read then. */
static int64_t read_unread(struct lx_thread *t, uint64_t ubuf, size_t len)
{
    size_t start = used - unread, n = unread < len ? unread : len;
    if (mm_copy_out(t->proc->mm, ubuf, buffer + start, n))
        return -LX_EFAULT;
    unread -= n;
    return (int64_t)n;
}

/* READ_ALL: the newest whole lines of what is shown that fit in len. */
static int64_t read_shown(struct lx_thread *t, uint64_t ubuf, size_t len)
{
    size_t start = used - shown;
    while (used - start > len)
        start = line_end(start);
    if (mm_copy_out(t->proc->mm, ubuf, buffer + start, used - start))
        return -LX_EFAULT;
    return (int64_t)(used - start);
}

/* syslog(type, buf, len) */
static int64_t sys_syslog(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    int type = arg_int(r->rdi), len = arg_int(r->rdx);
    if (t->proc->euid != 0)
        return -LX_EPERM; /* every action, as Linux's check_syslog_permissions with dmesg_restrict */
    switch (type) {
    case SYSLOG_CLOSE:
    case SYSLOG_OPEN: return 0;
    case SYSLOG_READ:
    case SYSLOG_READ_ALL:
    case SYSLOG_READ_CLEAR: {
        if (len < 0 || (len && !r->rsi))
            return -LX_EINVAL;
        if (len == 0)
            return 0;
        if (type == SYSLOG_READ && unread == 0) {
            lx_wait_on(t, &readers); /* until a line comes */
            return LX_BLOCK;
        }
        if (type == SYSLOG_READ)
            return read_unread(t, r->rsi, (size_t)len);
        int64_t n = read_shown(t, r->rsi, (size_t)len);
        if (n >= 0 && type == SYSLOG_READ_CLEAR)
            shown = 0;
        return n;
    }
    case SYSLOG_CLEAR: shown = 0; return 0;
    case SYSLOG_CONSOLE_OFF:
    case SYSLOG_CONSOLE_ON: return 0; /* the personality's lines always go to the console */
    case SYSLOG_CONSOLE_LEVEL: return len < 1 || len > 8 ? -LX_EINVAL : 0;
    case SYSLOG_SIZE_UNREAD: return (int64_t)unread;
    case SYSLOG_SIZE_BUFFER: return KLOG_SIZE;
    default: return -LX_EINVAL;
    }
}

const struct lx_syscall_def lx_syscalls_klog[] = {
    LX_SYSCALL(103, syslog, sys_syslog),
    { 0, NULL, NULL },
};
