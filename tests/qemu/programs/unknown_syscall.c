/* unknown_syscall: a system call number the kernel does not know becomes an
 * UNKNOWN_SYSCALL fault, delivered to the supervisor (not an error code). */
#include <kumiki/user.h>

int main(const char *cmdline)
{
    (void)cmdline;
    uprintf("# calling system call 1000\n");
    kumiki_raw_syscall(1000, 1, 2, NULL);
    uprintf("# the unknown system call returned\n");
    return 1;
}
