/* hello: the smallest user program; prints through the debug system call. */
#include <kumiki/user.h>

int main(const char *cmdline)
{
    uprintf("# hello from user space; my command line is '%s'\n", cmdline);
    return 0;
}
