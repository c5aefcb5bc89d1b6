/* page_fault: writes to an unmapped page (page 0 is never mapped). */
#include <kumiki/user.h>

int main(const char *cmdline)
{
    (void)cmdline;
    uprintf("# writing to address 0x10\n");
    int *volatile target = (int *)0x10; /* volatile: the compiler may not see it is bad */
    *target = 1;
    return 1;
}
