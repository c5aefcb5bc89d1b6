/* write_readonly: .rodata is mapped without write access. */
#include <kumiki/user.h>

static const int constant = 42;

int main(const char *cmdline)
{
    (void)cmdline;
    uprintf("# writing to read-only data\n");
    *(volatile int *)&constant = 7;
    return 1;
}
