/* divide_by_zero: must end with #DE, reported as this program's fault. */
#include <kumiki/user.h>

int main(const char *cmdline)
{
    (void)cmdline;
    volatile int zero = 0;
    uprintf("# dividing by zero\n");
    return 100 / zero;
}
