/* Host test of klog.c (the personality's kernel log and syslog(2)): the
 * printk record format, READ_ALL and READ_CLEAR, destructive READ in pieces,
 * a READ with nothing unread waiting, the newest whole lines kept when the
 * buffer is full and when the reader's buffer is short, and the refusals. */
#include "../klog.h"
#include "../syscall.h"
#include "check.h"
#include "host_env.h"

#include <stdio.h>
#include <string.h>

enum {
    READ = 2,
    READ_ALL = 3,
    READ_CLEAR = 4,
    CLEAR = 5,
    CONSOLE_LEVEL = 8,
    SIZE_UNREAD = 9,
    SIZE_BUFFER = 10
};

static struct lx_thread *caller;

static int64_t syslog_call(int type, uint64_t buf, int64_t len)
{
    lx_syscall_fn fn = NULL;
    for (const struct lx_syscall_def *d = lx_syscalls_klog; d->name; d++)
        if (d->nr == 103)
            fn = d->fn;
    struct lx_syscall_regs r = { .rdi = (uint64_t)type, .rsi = buf, .rdx = (uint64_t)len };
    return fn ? fn(caller, &r) : -9999;
}

/* What a read of `type` returns, as a NUL-terminated string in a static buffer. */
static const char *read_text(int type, size_t len)
{
    static char text[32768];
    uint64_t buf = host_user_alloc(len ? len : 1);
    int64_t n = syslog_call(type, buf, (int64_t)len);
    if (n < 0 || (size_t)n >= sizeof(text))
        return n == LX_BLOCK ? "<blocks>" : "<error>";
    memcpy(text, host_user_ptr(buf), (size_t)n);
    text[n] = 0;
    return text;
}

int main(void)
{
    caller = host_thread_new(0, 0);
    klog_append(1234567000ull, "root file system: ext2 on /dev/vda\n", 35);
    klog_append(2000001000ull, "no newline", 10);
    const char *expected =
        "<6>[    1.234567] root file system: ext2 on /dev/vda\n<6>[    2.000001] no newline\n";
    CHECK(strcmp(read_text(READ_ALL, 4096), expected) == 0);
    CHECK(syslog_call(SIZE_UNREAD, 0, 0) == (int64_t)strlen(expected));
    CHECK(syslog_call(SIZE_BUFFER, 0, 0) == 16384);

    /* A short buffer: only the newest whole lines that fit. */
    CHECK(strcmp(read_text(READ_ALL, 40), "<6>[    2.000001] no newline\n") == 0);
    CHECK(strcmp(read_text(READ_ALL, 10), "") == 0);

    /* READ takes the oldest unread bytes, in pieces, then waits. */
    CHECK(strncmp(read_text(READ, 10), "<6>[    1.", 10) == 0);
    CHECK(syslog_call(SIZE_UNREAD, 0, 0) == (int64_t)strlen(expected) - 10);
    CHECK(strcmp(read_text(READ, 4096), expected + 10) == 0);
    CHECK(strcmp(read_text(READ, 4096), "<blocks>") == 0);
    lx_unwait(caller);

    /* CLEAR forgets what READ_ALL shows; READ_CLEAR reads then forgets. */
    CHECK(syslog_call(CLEAR, 0, 0) == 0 && strcmp(read_text(READ_ALL, 4096), "") == 0);
    klog_append(3000000000ull, "after clear", 11);
    CHECK(strcmp(read_text(READ_CLEAR, 4096), "<6>[    3.000000] after clear\n") == 0);
    CHECK(strcmp(read_text(READ_ALL, 4096), "") == 0);

    /* Full: the oldest whole lines go, every kept line is whole. */
    char line[64];
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(line, sizeof(line), "line %04d", i);
        klog_append(4000000000ull, line, (size_t)n);
    }
    const char *all = read_text(READ_ALL, 32768);
    CHECK(strlen(all) <= 16384 && strncmp(all, "<6>[", 4) == 0);
    CHECK(strstr(all, "line 0999\n") != NULL && strstr(all, "line 0000\n") == NULL);
    CHECK(all[strlen(all) - 1] == '\n');

    /* Refusals. */
    CHECK(syslog_call(READ_ALL, 0, 10) == -LX_EINVAL);
    CHECK(syslog_call(READ_ALL, host_user_alloc(8), -1) == -LX_EINVAL);
    CHECK(syslog_call(READ_ALL, HOST_USER_BASE + HOST_USER_SIZE, 4096) == -LX_EFAULT);
    CHECK(syslog_call(CONSOLE_LEVEL, 0, 9) == -LX_EINVAL);
    CHECK(syslog_call(42, 0, 0) == -LX_EINVAL);
    caller->proc->euid = 1000;
    CHECK(syslog_call(READ_ALL, host_user_alloc(8), 8) == -LX_EPERM);
    CHECK(syslog_call(1, 0, 0) == -LX_EPERM); /* even OPEN, as Linux with dmesg_restrict */
    caller->proc->euid = 0;
    host_thread_free(caller);
    return check_exit("linux_klog");
}
