/* execute_data: data pages are mapped no-execute; jumping there faults. */
#include <kumiki/user.h>

static unsigned char code[16] = { 0xc3 }; /* ret: harmless if NX were missing */

int main(const char *cmdline)
{
    (void)cmdline;
    uprintf("# calling into a writable data page\n");
    void (*function)(void);
    uintptr_t address = (uintptr_t)code;
    memcpy(&function, &address, sizeof(function)); /* ISO C has no object-to-function cast */
    function();
    uprintf("# returned: data was executable\n");
    return 1;
}
