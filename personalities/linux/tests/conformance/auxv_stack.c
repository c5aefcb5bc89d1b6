/* ELF loading (issue 8 item 1): the initial stack as Linux builds it (argc, argv, envp, the
 * auxiliary vector and where each piece lies), and TLS through arch_prctl(ARCH_SET_FS).
 * Built twice: static non-PIE and static-PIE. */
#include "conformance.h"
#include <cpuid.h>
#include <elf.h>
#include <stdint.h>
#include <sys/stat.h>

/* From the kernel's asm/prctl.h, which musl-gcc's include path does not have. */
#define ARCH_GET_FS 0x1003

extern const Elf64_Ehdr __ehdr_start; /* the linker's name for the loaded ELF header */
extern char _start[];

static __thread int tls_initialised = 42;
static __thread int tls_zeroed;

static const Elf64_auxv_t *auxv_of(char **envp)
{
    while (*envp)
        envp++;
    return (const Elf64_auxv_t *)(envp + 1);
}

static int auxv_find(const Elf64_auxv_t *auxv, unsigned long type, unsigned long *value)
{
    for (; auxv->a_type != AT_NULL; auxv++)
        if (auxv->a_type == type) {
            *value = auxv->a_un.a_val;
            return 1;
        }
    return 0;
}

static unsigned long need(const Elf64_auxv_t *auxv, unsigned long type, const char *name)
{
    unsigned long value = 0;
    check(auxv_find(auxv, type, &value), "auxv has %s", name);
    return value;
}

static void check_arguments(int argc, char **argv, char **envp)
{
    for (int i = 0; i < argc; i++)
        say("argv[%d] = '%s'", i, argv[i]);
    for (char **e = envp; *e; e++)
        say("env '%s'", *e);
    check(*(long *)(argv - 1) == argc, "argc sits just below argv on the initial stack");
    check(((uintptr_t)(argv - 1) & 15) == 0, "the initial stack pointer is 16-byte aligned");
    check(argv[argc] == NULL, "argv ends with NULL");
    check(envp == argv + argc + 1, "envp follows argv's NULL");
    int contiguous = 1;
    for (int i = 0; i + 1 < argc; i++)
        contiguous &= argv[i] + strlen(argv[i]) + 1 == argv[i + 1];
    check(contiguous, "argv strings are contiguous, in order");
    char *last = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
    int env_contiguous = 1;
    for (char **e = envp; *e; e++) {
        env_contiguous &= *e == last;
        last = *e + strlen(*e) + 1;
    }
    check(env_contiguous, "environment strings follow the argv strings, contiguous, in order");
}

static void check_auxv(char **argv, char **envp)
{
    const Elf64_auxv_t *auxv = auxv_of(envp);
    unsigned long page = need(auxv, AT_PAGESZ, "AT_PAGESZ");
    say("AT_PAGESZ = %lu", page);
    unsigned long phdr = need(auxv, AT_PHDR, "AT_PHDR");
    check(phdr == (uintptr_t)&__ehdr_start + __ehdr_start.e_phoff, "AT_PHDR is the loaded program headers");
    check(need(auxv, AT_PHENT, "AT_PHENT") == sizeof(Elf64_Phdr), "AT_PHENT is sizeof(Elf64_Phdr)");
    check(need(auxv, AT_PHNUM, "AT_PHNUM") == __ehdr_start.e_phnum, "AT_PHNUM is e_phnum");
    check(need(auxv, AT_ENTRY, "AT_ENTRY") == (uintptr_t)_start, "AT_ENTRY is _start");
    check(need(auxv, AT_BASE, "AT_BASE") == 0, "AT_BASE is 0 (no interpreter)");
    check(need(auxv, AT_FLAGS, "AT_FLAGS") == 0, "AT_FLAGS is 0");
    check(need(auxv, AT_CLKTCK, "AT_CLKTCK") == 100, "AT_CLKTCK is 100");
    check(need(auxv, AT_UID, "AT_UID") == getuid(), "AT_UID is getuid()");
    check(need(auxv, AT_EUID, "AT_EUID") == geteuid(), "AT_EUID is geteuid()");
    check(need(auxv, AT_GID, "AT_GID") == getgid(), "AT_GID is getgid()");
    check(need(auxv, AT_EGID, "AT_EGID") == getegid(), "AT_EGID is getegid()");
    check(need(auxv, AT_SECURE, "AT_SECURE") == 0, "AT_SECURE is 0");

    /* Linux gives its own view of CPUID leaf 1 EDX: features it turned off (MTRR in a VM, for
     * one) are clear, so only "a subset, with FPU, SSE and SSE2" holds everywhere. */
    unsigned eax, ebx, ecx, edx;
    unsigned long hwcap = need(auxv, AT_HWCAP, "AT_HWCAP");
    unsigned long fpu_sse_sse2 = 1ul << 0 | 1ul << 25 | 1ul << 26;
    check(__get_cpuid(1, &eax, &ebx, &ecx, &edx) && (hwcap & ~(unsigned long)edx) == 0 &&
              (hwcap & fpu_sse_sse2) == fpu_sse_sse2,
          "AT_HWCAP is a subset of CPUID leaf 1 EDX with FPU, SSE and SSE2");

    const unsigned char *random = (const unsigned char *)need(auxv, AT_RANDOM, "AT_RANDOM");
    int nonzero = 0;
    for (int i = 0; random && i < 16; i++)
        nonzero |= random[i];
    check(random && nonzero, "AT_RANDOM points at 16 bytes, not all zero");
    check(random && (const void *)(random + 16) <= (const void *)argv[0] &&
              (const void *)random > (const void *)auxv,
          "AT_RANDOM bytes lie between the auxv and the argv strings");

    const char *platform = (const char *)need(auxv, AT_PLATFORM, "AT_PLATFORM");
    check(platform && strcmp(platform, "x86_64") == 0, "AT_PLATFORM is \"x86_64\"");

    const char *execfn = (const char *)need(auxv, AT_EXECFN, "AT_EXECFN");
    struct stat named, self;
    check(execfn && stat(execfn, &named) == 0 && stat("/proc/self/exe", &self) == 0 &&
              named.st_dev == self.st_dev && named.st_ino == self.st_ino,
          "AT_EXECFN names this program (same file as /proc/self/exe)");
    const char *last = argv[0];
    for (char **e = envp; *e; e++)
        last = *e;
    check(execfn > last, "AT_EXECFN's string lies above the argv and environment strings");
}

static void check_tls(void)
{
    check(tls_initialised == 42, "TLS .tdata variable has its initial value");
    check(tls_zeroed == 0, "TLS .tbss variable is zero");
    tls_initialised++;
    check(tls_initialised == 43, "TLS variable is writable");
    unsigned long fs = 0;
    check(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) == 0 && fs != 0,
          "arch_prctl(ARCH_GET_FS) gives the thread pointer");
    check(fs && *(unsigned long *)fs == fs,
          "the thread pointer points at itself (the TCB, set by ARCH_SET_FS)");
    check((uintptr_t)&tls_initialised < fs && (uintptr_t)&tls_initialised >= fs - 4096,
          "TLS variables lie just below the thread pointer (variant II)");
}

int main(int argc, char **argv, char **envp)
{
    say("ELF type: %s", __ehdr_start.e_type == ET_DYN ? "static-pie" : "static");
    check_arguments(argc, argv, envp);
    check_auxv(argv, envp);
    check_tls();
    return conformance_done();
}
