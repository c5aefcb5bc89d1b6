/* invalid_opcode: ud2. */
#include <kumiki/user.h>

int main(const char *cmdline)
{
    (void)cmdline;
    uprintf("# executing ud2\n");
    __builtin_trap();
}
