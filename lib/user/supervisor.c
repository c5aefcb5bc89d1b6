/* lib/user/supervisor.c — see kumiki/supervisor.h. */
#include <kumiki/invocations_generated.h>
#include <kumiki/supervisor.h>
#include <kumiki/user.h>

static const char *const mnemonics[32] = {
    [0] = "DE", [1] = "DB",  [3] = "BP",  [4] = "OF",  [5] = "BR",  [6] = "UD",
    [7] = "NM", [13] = "GP", [14] = "PF", [16] = "MF", [17] = "AC", [19] = "XM",
};

void kumiki_module_name(const char *cmdline, char *name, size_t size)
{
    size_t end = 0, start = 0;
    while (cmdline[end] && cmdline[end] != ' ') {
        if (cmdline[end] == '/')
            start = end + 1;
        end++;
    }
    size_t n = end - start < size - 1 ? end - start : size - 1;
    memcpy(name, cmdline + start, n);
    name[n] = '\0';
}

const char *kumiki_describe_fault(const struct kumiki_msg *m, char *text, size_t size)
{
    const uint64_t *w = m->words;
    switch (m->label) {
    case KUMIKI_FAULT_VM:
        usnprintf(text, size, "page fault at 0x%lx (%s, %s, %s), rip 0x%lx", w[KUMIKI_FAULT_VM_ADDRESS],
                  (w[KUMIKI_FAULT_VM_ERROR_CODE] & 2) ? "write" : "read",
                  w[KUMIKI_FAULT_VM_IS_FETCH] ? "instruction fetch" : "data",
                  (w[KUMIKI_FAULT_VM_ERROR_CODE] & 1) ? "protection" : "not present", w[KUMIKI_FAULT_VM_RIP]);
        return "PF";
    case KUMIKI_FAULT_UNKNOWN_SYSCALL:
        usnprintf(text, size, "unknown system call %lu, rip 0x%lx", w[KUMIKI_FAULT_UNKNOWN_SYSCALL_RAX],
                  w[KUMIKI_FAULT_UNKNOWN_SYSCALL_RIP]);
        return "SYSCALL";
    default: {
        uint64_t vector = w[KUMIKI_FAULT_USER_EXCEPTION_VECTOR];
        const char *mnemonic = vector < 32 && mnemonics[vector] ? mnemonics[vector] : "??";
        usnprintf(text, size, "exception #%s (vector %lu, error code 0x%lx), rip 0x%lx", mnemonic, vector,
                  w[KUMIKI_FAULT_USER_EXCEPTION_ERROR_CODE], w[KUMIKI_FAULT_USER_EXCEPTION_RIP]);
        return mnemonic;
    }
    }
}

void kumiki_print_registers(kumiki_cptr_t tcb)
{
    uint64_t r[KUMIKI_REG_COUNT];
    if (kumiki_tcb_read_registers(tcb, &r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7], &r[8], &r[9],
                                  &r[10], &r[11], &r[12], &r[13], &r[14], &r[15], &r[16], &r[17], &r[18],
                                  &r[19]))
        return;
    uprintf("#   rip %016lx  rsp %016lx  rflags %016lx\n", r[0], r[1], r[2]);
    uprintf("#   rax %016lx  rbx %016lx  rcx %016lx  rdx %016lx\n", r[3], r[4], r[5], r[6]);
    uprintf("#   rsi %016lx  rdi %016lx  rbp %016lx  r8  %016lx\n", r[7], r[8], r[9], r[10]);
    uprintf("#   r9  %016lx  r10 %016lx  r11 %016lx  r12 %016lx\n", r[11], r[12], r[13], r[14]);
    uprintf("#   r13 %016lx  r14 %016lx  r15 %016lx\n", r[15], r[16], r[17]);
}
