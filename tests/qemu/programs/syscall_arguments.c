/* syscall_arguments: every bad argument to a system call gets its error code
 * and changes nothing; the program keeps running after each one.  (Unknown
 * system-call numbers are faults: see unknown_syscall.c.) */
#include <kumiki/user.h>

static int failures;

static void expect(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        uprintf("# FAIL %s: error %d, expected %d\n", what, (int)got, (int)want);
        failures++;
    } else {
        uprintf("# pass %s\n", what);
    }
}

static uint64_t write_at(uint64_t address, uint64_t len)
{
    return kumiki_raw_syscall(SYS_DEBUG_WRITE, address, len, NULL);
}

int main(const char *cmdline)
{
    static const char text[] = "# (a good write)\n";
    char stack_buffer[32] = "# (from the stack)\n";
    uint64_t stack_top = ((uint64_t)stack_buffer + 0xfffff) & ~0xfffffull; /* page past the stack */

    expect("good write", write_at((uint64_t)text, sizeof(text) - 1), KE_OK);
    expect("write from the stack", write_at((uint64_t)stack_buffer, strlen(stack_buffer)), KE_OK);
    expect("zero length, null pointer", write_at(0, 0), KE_OK);
    expect("null pointer", write_at(0, 5), KE_BAD_ADDRESS);
    expect("page zero", write_at(0x10, 5), KE_BAD_ADDRESS);
    expect("kernel address", write_at(0xffffffff80100000ull, 16), KE_BAD_ADDRESS);
    expect("physmap address", write_at(0xffff800000100000ull, 16), KE_BAD_ADDRESS);
    expect("non-canonical address", write_at(0x0000800000000000ull, 16), KE_BAD_ADDRESS);
    expect("wrapping range", write_at(0xfffffffffffffff0ull, 64), KE_BAD_ADDRESS);
    expect("too long", write_at((uint64_t)text, KUMIKI_DEBUG_WRITE_MAX + 1), KE_RANGE);
    expect("huge length", write_at((uint64_t)text, ~0ull), KE_RANGE);
    expect("runs off the stack top", write_at(stack_top - 8, 64), KE_BAD_ADDRESS);
    expect("hole below the image", write_at(0x3ff000, 16), KE_BAD_ADDRESS);

    /* Capability system calls on addresses that hold nothing. */
    expect("send to an empty slot", kumiki_raw_syscall(SYS_SEND, 100, 0, NULL), KE_INVALID_CAPABILITY);
    expect("call slot 0", kumiki_raw_syscall(SYS_CALL, 0, 0, NULL), KE_INVALID_CAPABILITY);
    expect("receive on a huge address", kumiki_raw_syscall(SYS_RECV, ~0ull, 0, NULL), KE_INVALID_CAPABILITY);
    expect("signal a TCB", kumiki_raw_syscall(SYS_SIGNAL, 2, 0, NULL), KE_WRONG_TYPE);
    expect("reply with no caller", kumiki_raw_syscall(SYS_REPLY, 0, 0, NULL), KE_NO_REPLY);
    expect("null syscall", kumiki_null(), KE_OK);
    (void)cmdline;
    return failures;
}
