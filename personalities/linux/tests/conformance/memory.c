/* Memory (issue 8 item 2): brk, anonymous and file mmap (private and shared), munmap,
 * mprotect, mremap, copy-on-write fork, stack growth, and SIGSEGV/SIGBUS with the faulting
 * address and si_code on a bad access; the error cases of each call. */
#include "conformance.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>

#define PAGE 4096ul

static sigjmp_buf fault_return;
static volatile int fault_signal, fault_code;
static void *volatile fault_address;

static void on_fault(int signal, siginfo_t *info, void *context)
{
    (void)context;
    fault_signal = signal;
    fault_code = info->si_code;
    fault_address = info->si_addr;
    siglongjmp(fault_return, 1);
}

static void catch_faults(void)
{
    struct sigaction action = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
    sigemptyset(&action.sa_mask);
    sigaction(SIGSEGV, &action, NULL);
    sigaction(SIGBUS, &action, NULL);
}

static const char *code_name(int signal, int code)
{
    if (signal == SIGSEGV && code == SEGV_MAPERR)
        return "SIGSEGV SEGV_MAPERR";
    if (signal == SIGSEGV && code == SEGV_ACCERR)
        return "SIGSEGV SEGV_ACCERR";
    if (signal == SIGBUS && code == BUS_ADRERR)
        return "SIGBUS BUS_ADRERR";
    if (signal == 0)
        return "no fault";
    static char other[40];
    snprintf(other, sizeof(other), "signal %d code %d", signal, code);
    return other;
}

enum access { READ, WRITE, EXECUTE };

/* Touches `address`; checks that it faults with `expected` ("no fault" if it must not) at
 * exactly that address. */
static void probe(void *address, enum access how, const char *expected, const char *what)
{
    fault_signal = 0;
    if (sigsetjmp(fault_return, 1) == 0) {
        if (how == READ)
            (void)*(volatile char *)address;
        else if (how == WRITE)
            *(volatile char *)address = 1;
        else
            ((void (*)(void))address)();
    }
    const char *got = code_name(fault_signal, fault_code);
    int at_address = fault_signal == 0 || fault_address == address;
    check(strcmp(got, expected) == 0 && at_address, "%s: %s%s", what, got,
          at_address ? "" : " at another address");
}

static int all_bytes(const unsigned char *p, size_t n, unsigned char value)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != value)
            return 0;
    return 1;
}

static void test_brk(void)
{
    /* Raw brk: musl's malloc does not use it, so the break is ours. */
    uintptr_t start = syscall(SYS_brk, 0);
    check(start != 0 && start != (uintptr_t)-1, "brk(0) gives the current break");
    uintptr_t grown = syscall(SYS_brk, start + 64 * 1024);
    check(grown == start + 64 * 1024, "brk grows the break by 64 KiB");
    unsigned char *p = (unsigned char *)start;
    check(all_bytes(p, 64 * 1024, 0), "new break memory reads as zero");
    memset(p, 0xab, 64 * 1024);
    check(all_bytes(p, 64 * 1024, 0xab), "new break memory is writable");
    check((uintptr_t)syscall(SYS_brk, start) == start, "brk shrinks the break back");
    uintptr_t gone = (start + PAGE - 1) / PAGE * PAGE + 8 * PAGE;
    probe((void *)gone, READ, "SIGSEGV SEGV_MAPERR", "reading memory above a shrunk break");
    check((uintptr_t)syscall(SYS_brk, 1) == start, "brk(1) fails and returns the unchanged break");
    check((uintptr_t)syscall(SYS_brk, start + 4 * PAGE) == start + 4 * PAGE &&
              all_bytes((unsigned char *)start, 4 * PAGE - (start % PAGE ? PAGE : 0), 0) &&
              (uintptr_t)syscall(SYS_brk, start) == start,
          "memory the break gives again reads as zero");
}

static void test_anonymous(void)
{
    unsigned char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!check(p != MAP_FAILED, "mmap of 3 anonymous pages"))
        return;
    check(((uintptr_t)p & (PAGE - 1)) == 0, "mmap returns a page-aligned address");
    check(all_bytes(p, 3 * PAGE, 0), "anonymous pages read as zero");
    memset(p, 0x5a, 3 * PAGE);
    check(munmap(p + PAGE, PAGE) == 0, "munmap of the middle page");
    probe(p + PAGE, READ, "SIGSEGV SEGV_MAPERR", "reading an unmapped page");
    probe(p + PAGE + 123, WRITE, "SIGSEGV SEGV_MAPERR", "writing an unmapped page");
    check(p[0] == 0x5a && p[2 * PAGE] == 0x5a, "the pages around it keep their contents");

    check(mprotect(p, PAGE, PROT_READ) == 0, "mprotect to read-only");
    probe(p, READ, "no fault", "reading a read-only page");
    probe(p + 10, WRITE, "SIGSEGV SEGV_ACCERR", "writing a read-only page");
    check(mprotect(p, PAGE, PROT_NONE) == 0, "mprotect to PROT_NONE");
    probe(p + 20, READ, "SIGSEGV SEGV_ACCERR", "reading a PROT_NONE page");
    check(mprotect(p, PAGE, PROT_READ | PROT_WRITE) == 0 && all_bytes(p, PAGE, 0x5a),
          "mprotect back to read-write keeps the contents");
    probe(p + 30, EXECUTE, "SIGSEGV SEGV_ACCERR", "executing a page mapped without PROT_EXEC");
    check(munmap(p, 3 * PAGE) == 0, "munmap over a range with a hole");
    check(munmap(p, 3 * PAGE) == 0, "munmap of a range already unmapped succeeds");
    probe(NULL, READ, "SIGSEGV SEGV_MAPERR", "reading address 0");
}

static void test_mremap(void)
{
    unsigned char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!check(p != MAP_FAILED, "mmap of 2 pages to remap"))
        return;
    memset(p, 0x33, 2 * PAGE);
    unsigned char *q = mremap(p, 2 * PAGE, 64 * PAGE, MREMAP_MAYMOVE);
    if (!check(q != MAP_FAILED, "mremap grows 2 pages to 64 (may move)"))
        return;
    check(all_bytes(q, 2 * PAGE, 0x33), "mremap keeps the contents");
    check(all_bytes(q + 2 * PAGE, 62 * PAGE, 0), "the grown part reads as zero");
    unsigned char *r = mremap(q, 64 * PAGE, PAGE, 0);
    check(r == q, "mremap shrinks in place");
    probe(q + PAGE, READ, "SIGSEGV SEGV_MAPERR", "reading past a shrunk mapping");
    check_errno(syscall(SYS_mremap, q + 8 * PAGE, PAGE, 2 * PAGE, MREMAP_MAYMOVE), EFAULT,
                "mremap of unmapped memory");
    check_errno(syscall(SYS_mremap, q + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE), EINVAL,
                "mremap of an unaligned address");
    check_errno(syscall(SYS_mremap, q, PAGE, 0, MREMAP_MAYMOVE), EINVAL, "mremap to size 0");
    munmap(q, PAGE);
}

static int make_file(const char *name, size_t size)
{
    int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
    for (size_t i = 0; fd >= 0 && i < size; i++) {
        unsigned char byte = (unsigned char)(i * 7);
        if (write(fd, &byte, 1) != 1)
            return -1;
    }
    return fd;
}

static int file_matches(const unsigned char *p, size_t size)
{
    for (size_t i = 0; i < size; i++)
        if (p[i] != (unsigned char)(i * 7))
            return 0;
    return 1;
}

static void test_file_private(void)
{
    size_t size = 2 * PAGE + 100;
    int fd = make_file("memory_private.bin", size);
    if (!check(fd >= 0, "a file of 2 pages and 100 bytes"))
        return;
    unsigned char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (!check(p != MAP_FAILED, "mmap of the file, private, 4 pages"))
        return;
    check(file_matches(p, size), "the mapping shows the file's bytes");
    check(all_bytes(p + size, 3 * PAGE - size, 0), "the rest of the last file page reads as zero");
    probe(p + 3 * PAGE, READ, "SIGBUS BUS_ADRERR", "reading a page wholly past the end of the file");
    p[5] = 0xee;
    unsigned char byte = 0;
    check(pread(fd, &byte, 1, 5) == 1 && byte == (unsigned char)(5 * 7),
          "a private write does not reach the file");
    byte = 0x99;
    check(pwrite(fd, &byte, 1, 6) == 1, "pwrite to the file");
    check(p[5] == 0xee, "the private copy keeps its own write");
    check(munmap(p, 4 * PAGE) == 0, "munmap of the private file mapping");
    unsigned char *offset_map = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
    check(offset_map != MAP_FAILED && offset_map[0] == (unsigned char)(PAGE * 7) &&
              offset_map[1] == (unsigned char)((PAGE + 1) * 7),
          "mmap at file offset 1 page shows that page");
    check_errno(syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 1), EINVAL,
                "mmap at an unaligned file offset");
    close(fd);
    check(offset_map != MAP_FAILED && offset_map[2] == (unsigned char)((PAGE + 2) * 7),
          "a file mapping stays readable after close");
}

static void test_file_shared(void)
{
    int fd = make_file("memory_shared.bin", 2 * PAGE);
    if (!check(fd >= 0, "a file of 2 pages"))
        return;
    unsigned char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (!check(p != MAP_FAILED, "mmap of the file, shared"))
        return;
    p[PAGE + 1] = 0x42;
    unsigned char byte = 0;
    check(pread(fd, &byte, 1, PAGE + 1) == 1 && byte == 0x42, "a shared write reaches the file");
    byte = 0x43;
    check(pwrite(fd, &byte, 1, 2) == 1 && p[2] == 0x43, "a file write shows in the shared mapping");
    check(msync(p, 2 * PAGE, MS_SYNC) == 0, "msync");
    check(munmap(p, 2 * PAGE) == 0, "munmap of the shared mapping");
    close(fd);
    fd = open("memory_shared.bin", O_RDONLY);
    check(fd >= 0 && pread(fd, &byte, 1, PAGE + 1) == 1 && byte == 0x42,
          "the write is in the file after munmap");
    check_errno((long)mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES,
                "shared writable mmap of a read-only descriptor");
    close(fd);
}

static void test_fork_sharing(void)
{
    unsigned char *private_page =
        mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *shared_page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (!check(private_page != MAP_FAILED && shared_page != MAP_FAILED,
               "a private and a shared anonymous page"))
        return;
    private_page[0] = 1;
    shared_page[0] = 1;
    volatile int on_stack = 1;
    int go[2];
    if (!check(pipe(go) == 0, "pipe"))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        if (read(go[0], &c, 1) != 1) /* wait until the parent has written its copies */
            _exit(10);
        int saw = private_page[0] == 1 && on_stack == 1 && shared_page[0] == 2;
        private_page[0] = 7;
        on_stack = 7;
        shared_page[1] = 9;
        _exit(saw ? 0 : 11);
    }
    private_page[0] = 2;
    on_stack = 2;
    shared_page[0] = 2;
    check(write(go[1], "g", 1) == 1, "parent writes, then lets the child run");
    int status = 0;
    check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "the child saw its copy-on-write copies unchanged and the shared page changed (%s)",
          describe_status(status));
    check(private_page[0] == 2 && on_stack == 2, "the child's writes to private memory stay in the child");
    check(shared_page[1] == 9, "the child's write to MAP_SHARED memory reaches the parent");
    close(go[0]);
    close(go[1]);
}

/* 4 MiB of stack, touched from the top down, below the initial stack mapping. */
static __attribute__((noinline)) int use_stack(void)
{
    volatile char big[4 << 20];
    for (size_t i = sizeof(big); i > 0; i -= PAGE)
        big[i - 1] = (char)i;
    return big[sizeof(big) - 1] == (char)sizeof(big);
}

/* Raw system calls: musl's wrappers check or round some arguments themselves. */
static void test_errors(void)
{
    check_errno(syscall(SYS_mmap, NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL,
                "mmap of length 0");
    check_errno(syscall(SYS_mmap, PAGE + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
                EINVAL, "mmap MAP_FIXED at an unaligned address");
    check_errno(syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_PRIVATE, 99, 0), EBADF,
                "mmap of a closed descriptor");
    check_errno(syscall(SYS_mmap, NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0), EINVAL,
                "mmap without MAP_PRIVATE or MAP_SHARED");
    check_errno(syscall(SYS_munmap, PAGE + 1, PAGE), EINVAL, "munmap of an unaligned address");
    check_errno(syscall(SYS_munmap, PAGE, 0), EINVAL, "munmap of length 0");
    void *p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p, PAGE);
    check_errno(syscall(SYS_mprotect, p, PAGE, PROT_READ), ENOMEM, "mprotect of unmapped memory");
    check_errno(syscall(SYS_mprotect, (char *)p + 1, PAGE, PROT_READ), EINVAL,
                "mprotect of an unaligned address");
    check_errno(syscall(SYS_mprotect, p, PAGE, 0x1000), EINVAL, "mprotect with an unknown PROT bit");
}

int main(void)
{
    catch_faults();
    test_brk();
    test_anonymous();
    test_mremap();
    test_file_private();
    test_file_shared();
    test_fork_sharing();
    check(use_stack(), "the stack grows to 4 MiB on demand");
    test_errors();
    return conformance_done();
}
