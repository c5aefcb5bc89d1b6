/* rt_crash: faults on purpose (a write to `address=`, default 0), every time it runs. */
#include "rt_args.h"

int main(const char *cmdline)
{
    uprintf("# rt_crash: running ('%s'), about to fault\n", cmdline);
    *(volatile uint64_t *)rt_arg(cmdline, "address", 0) = 1;
    return 0;
}
