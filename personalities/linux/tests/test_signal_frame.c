/* personalities/linux/tests/test_signal_frame.c — the x86_64 signal frame
 * (signal_frame.c) read back byte by byte at the offsets Linux's uapi
 * headers and glibc's <sys/ucontext.h> give (gregs[REG_*]), where it is
 * placed (with its FPU state above it), the registers a handler starts
 * with, rt_sigreturn's restore, the FPU state's layout, software bytes and
 * reset, and the siginfo layouts. */
#include "../signal_frame.h"
#include "check.h"
#include <stdio.h>
#include <string.h>

/* glibc's gregset_t indices. */
enum {
    REG_R8,
    REG_R9,
    REG_R10,
    REG_R11,
    REG_R12,
    REG_R13,
    REG_R14,
    REG_R15,
    REG_RDI,
    REG_RSI,
    REG_RBP,
    REG_RBX,
    REG_RDX,
    REG_RAX,
    REG_RCX,
    REG_RSP,
    REG_RIP,
    REG_EFL,
    REG_CSGSFS,
    REG_ERR,
    REG_TRAPNO,
    REG_OLDMASK,
    REG_CR2,
};
/* Byte offsets inside the frame (from the handler's rsp). */
enum {
    OFF_UC = 8,
    OFF_UC_FLAGS = OFF_UC,
    OFF_SS_SP = OFF_UC + 16,
    OFF_SS_FLAGS = OFF_UC + 24,
    OFF_SS_SIZE = OFF_UC + 32,
    OFF_GREGS = OFF_UC + 40,
    OFF_FPREGS = OFF_GREGS + 23 * 8,
    OFF_SIGMASK = OFF_UC + 296,
    OFF_INFO = 312,
};
enum { RF_CF = 1, RF_ZF = 0x40, RF_TF = 0x100, RF_IF = 0x200, RF_DF = 0x400, RF_OF = 0x800, RF_RF = 0x10000 };

static uint64_t u64_at(const void *base, size_t off)
{
    uint64_t v;
    memcpy(&v, (const uint8_t *)base + off, 8);
    return v;
}

static int32_t i32_at(const void *base, size_t off)
{
    int32_t v;
    memcpy(&v, (const uint8_t *)base + off, 4);
    return v;
}

static struct lx_cpu sample_cpu(void)
{
    return (struct lx_cpu){
        .rip = 0x401a2b,
        .rsp = 0x7ffffffde0c8,
        .rflags = RF_IF | RF_ZF | RF_DF | RF_TF | RF_RF | 0x2,
        .rax = 0x1111,
        .rbx = 0x2222,
        .rcx = 0x3333,
        .rdx = 0x4444,
        .rsi = 0x5555,
        .rdi = 0x6666,
        .rbp = 0x7777,
        .r8 = 0x8888,
        .r9 = 0x9999,
        .r10 = 0xaaaa,
        .r11 = 0xbbbb,
        .r12 = 0xcccc,
        .r13 = 0xdddd,
        .r14 = 0xeeee,
        .r15 = 0xffff,
        .fs_base = 0x4c5000,
    };
}

static struct lx_sigframe_setup sample_setup(void)
{
    struct lx_sigframe_setup s = {
        .sig = LX_SIGUSR1,
        .handler = 0x402000,
        .restorer = 0x403000,
        .saved_mask = lx_sigbit(LX_SIGUSR2) | lx_sigbit(LX_SIGINT),
        .trapno = 14,
        .cr2 = 0xdead000,
    };
    struct lx_sigorigin o = { .code = LX_SI_USER, .pid = 42, .uid = 1000 };
    lx_siginfo_fill(&s.info, s.sig, &o);
    return s;
}

static void test_frame_bytes(void)
{
    struct lx_cpu cpu = sample_cpu();
    const struct lx_cpu before = cpu;
    struct lx_sigframe_setup s = sample_setup();
    struct lx_rt_sigframe f;
    uint64_t addr = 0, fpstate = 0;
    CHECK(lx_sigframe_build(&s, &cpu, &f, &addr, &fpstate));

    CHECK(u64_at(&f, 0) == s.restorer);
    CHECK(u64_at(&f, OFF_UC_FLAGS) == (LX_UC_SIGCONTEXT_SS | LX_UC_STRICT_RESTORE_SS));
    CHECK(u64_at(&f, OFF_UC + 8) == 0); /* uc_link */
    /* Never set: all zero, as Linux shows it (SS_DISABLE only once disabled). */
    CHECK(u64_at(&f, OFF_SS_SP) == 0 && i32_at(&f, OFF_SS_FLAGS) == 0 && u64_at(&f, OFF_SS_SIZE) == 0);
    const struct {
        int reg;
        uint64_t value;
    } gregs[] = {
        { REG_R8, before.r8 },
        { REG_R9, before.r9 },
        { REG_R10, before.r10 },
        { REG_R11, before.r11 },
        { REG_R12, before.r12 },
        { REG_R13, before.r13 },
        { REG_R14, before.r14 },
        { REG_R15, before.r15 },
        { REG_RDI, before.rdi },
        { REG_RSI, before.rsi },
        { REG_RBP, before.rbp },
        { REG_RBX, before.rbx },
        { REG_RDX, before.rdx },
        { REG_RAX, before.rax },
        { REG_RCX, before.rcx },
        { REG_RSP, before.rsp },
        { REG_RIP, before.rip },
        { REG_EFL, before.rflags },
        { REG_CSGSFS, LX_USER_CS | ((uint64_t)LX_USER_DS << 48) }, /* cs, gs, fs, ss */
        { REG_ERR, 0 },
        { REG_TRAPNO, 14 },
        { REG_OLDMASK, s.saved_mask },
        { REG_CR2, 0xdead000 },
    };
    for (unsigned i = 0; i < sizeof(gregs) / sizeof(gregs[0]); i++) {
        uint64_t got = u64_at(&f, OFF_GREGS + 8 * (size_t)gregs[i].reg);
        if (got != gregs[i].value)
            fprintf(stderr, "gregs[%d] = %#llx, want %#llx\n", gregs[i].reg, (unsigned long long)got,
                    (unsigned long long)gregs[i].value);
        CHECK(got == gregs[i].value);
    }
    /* uc_mcontext.fpregs: the FPU state, 64-byte aligned, above the frame */
    CHECK(u64_at(&f, OFF_FPREGS) == fpstate && fpstate % 64 == 0);
    CHECK(fpstate >= addr + sizeof(struct lx_rt_sigframe) && fpstate + 512 <= before.rsp - LX_REDZONE);
    CHECK(u64_at(&f, OFF_SIGMASK) == s.saved_mask);
    CHECK(i32_at(&f, OFF_INFO) == LX_SIGUSR1);
    CHECK(i32_at(&f, OFF_INFO + 4) == 0);
    CHECK(i32_at(&f, OFF_INFO + 8) == LX_SI_USER);
    CHECK(i32_at(&f, OFF_INFO + 16) == 42);
    CHECK(i32_at(&f, OFF_INFO + 20) == 1000);

    /* Handler entry. */
    CHECK(cpu.rip == s.handler);
    CHECK(cpu.rsp == addr);
    CHECK((cpu.rsp + 8) % 16 == 0);
    CHECK(cpu.rdi == LX_SIGUSR1);
    CHECK(cpu.rsi == addr + OFF_INFO);
    CHECK(cpu.rdx == addr + OFF_UC);
    CHECK(cpu.rax == 0);
    CHECK(cpu.rflags == (before.rflags & ~(uint64_t)(RF_DF | RF_TF | RF_RF)));
    CHECK(cpu.rbx == before.rbx && cpu.rbp == before.rbp && cpu.r12 == before.r12 && cpu.r15 == before.r15);
    CHECK(cpu.fs_base == before.fs_base);
}

/* Linux's get_sigframe: FPU state at round_down(sp - 512, 64), the frame
 * below it at round_down(fpstate - 440, 16) - 8. */
static uint64_t expected_frame(uint64_t top, uint64_t *fpstate)
{
    *fpstate = (top - 512) & ~63ull;
    return ((*fpstate - sizeof(struct lx_rt_sigframe)) & ~15ull) - 8;
}

static void test_placement(void)
{
    const struct lx_altstack none = { 0 };
    for (uint64_t sp = 0x7ffffffde000; sp < 0x7ffffffde000 + 130; sp++) {
        uint64_t fp, want_fp;
        uint64_t f = lx_sigframe_place(sp, false, &none, &fp);
        CHECK(f == expected_frame(sp - LX_REDZONE, &want_fp) && fp == want_fp);
        CHECK((f + 8) % 16 == 0 && fp % 64 == 0);
        /* Below the red zone, and no lower than alignment needs. */
        CHECK(fp + 512 <= sp - LX_REDZONE && fp + 512 + 64 > sp - LX_REDZONE);
        CHECK(f + sizeof(struct lx_rt_sigframe) <= fp && f + sizeof(struct lx_rt_sigframe) + 24 > fp);
        /* SA_ONSTACK without an alternate stack: the same place. */
        CHECK(lx_sigframe_place(sp, true, &none, NULL) == f);
    }

    const uint64_t base = 0x20000000, size = 0x2000, sp = 0x7ffffffde0c8;
    const struct lx_altstack alt = { .sp = base, .size = size };
    /* Entering the alternate stack: at its top, no red zone. */
    uint64_t fp, want_fp;
    uint64_t f = lx_sigframe_place(sp, true, &alt, &fp);
    CHECK(f == expected_frame(base + size, &want_fp) && fp == want_fp);
    CHECK((f + 8) % 16 == 0);
    /* Without SA_ONSTACK the alternate stack is not used. */
    CHECK(lx_sigframe_place(sp, false, &alt, NULL) == lx_sigframe_place(sp, false, &none, NULL));
    /* Already on it (a nested signal): below the current sp, on it. */
    uint64_t on = base + 0x1000;
    f = lx_sigframe_place(on, true, &alt, &fp);
    CHECK(fp + 512 <= on - LX_REDZONE && f > base);
    CHECK(lx_sigframe_place(on, false, &alt, NULL) == f);
    /* Nested too deep: the frame would go below the alternate stack's
     * bottom (from base + 1100: state at base + 448, frame at base - 8;
     * from base + 1300 both fit). */
    CHECK(lx_sigframe_place(base + 1100, true, &alt, NULL) == 0);
    CHECK(lx_sigframe_place(base + 1100, false, &alt, NULL) == 0);
    CHECK(lx_sigframe_place(base + 1300, true, &alt, NULL) != 0);
    /* An alternate stack too small for the FPU state and one frame. */
    const struct lx_altstack tiny = { .sp = base, .size = 900 };
    CHECK(lx_sigframe_place(sp, true, &tiny, NULL) == 0);
    /* SS_AUTODISARM: a thread "on" it is not on it, so a new frame goes to
     * its top again (the stack was given up at the first handler's entry
     * and re-armed since). */
    const struct lx_altstack autodisarm = { .sp = base, .size = size, .flags = LX_SS_AUTODISARM };
    CHECK(lx_sigframe_place(on, true, &autodisarm, NULL) == lx_sigframe_place(sp, true, &alt, NULL));

    /* A frame that does not fit leaves the registers alone. */
    struct lx_sigframe_setup s = sample_setup();
    s.altstack = alt;
    s.onstack = true;
    struct lx_cpu cpu = sample_cpu();
    cpu.rsp = base + 300;
    const struct lx_cpu before = cpu;
    struct lx_rt_sigframe frame;
    uint64_t addr = 1, fpstate = 1;
    CHECK(!lx_sigframe_build(&s, &cpu, &frame, &addr, &fpstate));
    CHECK(memcmp(&cpu, &before, sizeof(cpu)) == 0 && addr == 1 && fpstate == 1);

    /* On the alternate stack the frame records it in uc_stack. */
    cpu = sample_cpu();
    CHECK(lx_sigframe_build(&s, &cpu, &frame, &addr, &fpstate));
    CHECK(addr > base && addr < base + size && cpu.rsp == addr);
    CHECK(fpstate > addr && fpstate + 512 <= base + size && frame.uc.uc_mcontext.fpstate == fpstate);
    CHECK(frame.uc.uc_stack.ss_sp == base && frame.uc.uc_stack.ss_size == size &&
          frame.uc.uc_stack.ss_flags == 0);

    /* Disabled by sigaltstack(SS_DISABLE): uc_stack says so, and the frame
     * goes on the normal stack. */
    s.altstack = (struct lx_altstack){ .flags = LX_SS_DISABLE };
    cpu = sample_cpu();
    CHECK(lx_sigframe_build(&s, &cpu, &frame, &addr, &fpstate));
    CHECK(frame.uc.uc_stack.ss_flags == (int32_t)LX_SS_DISABLE && frame.uc.uc_stack.ss_size == 0);
    CHECK(addr == lx_sigframe_place(sample_cpu().rsp, false, &none, NULL));
}

/* The FPU state: Linux's struct _fpstate at the FXSAVE offsets, what a
 * frame adds to the kernel's image, the state a handler starts with, and
 * which addresses rt_sigreturn can load from. */
static void test_fpstate(void)
{
    struct lx_fpstate f;
    uint8_t raw[512];
    memset(&f, 0xa5, sizeof(f));
    f.cwd = 0x27f;
    f.mxcsr = 0x3f80;
    f.mxcsr_mask = 0xffff;
    f.xmm_space[0] = 0x11223344;
    lx_fpstate_for_frame(&f);
    memcpy(raw, &f, sizeof(raw));
    /* the interrupted state is kept */
    CHECK(u64_at(raw, 0) == (0x27f | 0xa5a5a5a5a5a50000ull));
    CHECK(i32_at(raw, 24) == 0x3f80 && i32_at(raw, 28) == 0xffff);
    CHECK(i32_at(raw, 160) == 0x11223344 && raw[164] == 0xa5 && raw[415] == 0xa5);
    /* the bytes the CPU reserves are cleared, the software bytes are Linux's */
    for (unsigned i = 416; i < 464; i++)
        CHECK(raw[i] == 0);
    CHECK(i32_at(raw, 464) == 0x46505853); /* FP_XSTATE_MAGIC1 */
    CHECK(i32_at(raw, 468) == 512 + 4);    /* extended_size: the image and MAGIC2's room */
    CHECK(u64_at(raw, 472) == 0);          /* xfeatures: none without XSAVE */
    CHECK(i32_at(raw, 480) == 512);        /* xstate_size */
    for (unsigned i = 484; i < 512; i++)
        CHECK(raw[i] == 0);

    /* A handler's state: FCW 0x37f, MXCSR 0x1f80, the rest 0 but the CPU's mask. */
    lx_fpstate_reset(&f);
    memcpy(raw, &f, sizeof(raw));
    CHECK(u64_at(raw, 0) == 0x37f && u64_at(raw, 8) == 0 && u64_at(raw, 16) == 0);
    CHECK(i32_at(raw, 24) == 0x1f80 && i32_at(raw, 28) == 0xffff);
    for (unsigned i = 32; i < 512; i++)
        CHECK(raw[i] == 0);

    /* FXRSTOR needs 16-byte alignment (Linux: #GP, a bad frame). */
    CHECK(lx_fpstate_address_ok(0x7fff0000) && lx_fpstate_address_ok(0x7fff0010));
    CHECK(!lx_fpstate_address_ok(0x7fff0008) && !lx_fpstate_address_ok(0x7fff0001));
}

static void test_restore(void)
{
    const struct lx_cpu interrupted = sample_cpu();
    struct lx_cpu cpu = interrupted;
    struct lx_sigframe_setup s = sample_setup();
    s.altstack = (struct lx_altstack){ .sp = 0x30000000, .size = 0x4000, .flags = LX_SS_AUTODISARM };
    struct lx_rt_sigframe f;
    uint64_t addr, fpstate;
    CHECK(lx_sigframe_build(&s, &cpu, &f, &addr, &fpstate));

    /* The handler ran: registers changed, and it moved the TLS base. */
    cpu.rbx = 1;
    cpu.r11 = 2;
    cpu.rflags = RF_IF | RF_CF | 0x2;
    cpu.fs_base = 0x500000;
    uint64_t mask = 0;
    struct lx_altstack alt;
    CHECK(lx_sigframe_restore(&f.uc, &cpu, &mask, &alt));
    struct lx_cpu want = interrupted;
    want.fs_base = 0x500000; /* not in the frame: stays */
    CHECK(cpu.rip == want.rip && cpu.rsp == want.rsp && cpu.rax == want.rax && cpu.rbx == want.rbx &&
          cpu.rcx == want.rcx && cpu.rdx == want.rdx && cpu.rsi == want.rsi && cpu.rdi == want.rdi &&
          cpu.rbp == want.rbp && cpu.r8 == want.r8 && cpu.r9 == want.r9 && cpu.r10 == want.r10 &&
          cpu.r11 == want.r11 && cpu.r12 == want.r12 && cpu.r13 == want.r13 && cpu.r14 == want.r14 &&
          cpu.r15 == want.r15 && cpu.fs_base == want.fs_base);
    /* The frame's arithmetic and control flags, the current IF and the rest. */
    CHECK(cpu.rflags == (interrupted.rflags));
    CHECK(mask == s.saved_mask);
    CHECK(alt.sp == 0x30000000 && alt.size == 0x4000 && alt.flags == LX_SS_AUTODISARM);

    /* Flags a program may not set (IOPL, here bit 12) come from the
     * current state, not from the frame. */
    cpu = interrupted;
    f.uc.uc_mcontext.eflags = 0x3000 | RF_OF | 0x2;
    cpu.rflags = RF_IF | 0x2;
    CHECK(lx_sigframe_restore(&f.uc, &cpu, &mask, &alt));
    CHECK(cpu.rflags == (RF_IF | RF_OF | 0x2));

    /* SIGKILL and SIGSTOP never come back blocked. */
    f.uc.uc_sigmask = ~0ull;
    CHECK(lx_sigframe_restore(&f.uc, &cpu, &mask, &alt));
    CHECK(mask == ~(uint64_t)LX_SIG_UNBLOCKABLE);

    /* A non-canonical rip or rsp is refused and changes nothing. */
    const struct lx_cpu keep = cpu;
    f.uc.uc_mcontext.rip = 0x0000800000000000ull;
    mask = 7;
    CHECK(!lx_sigframe_restore(&f.uc, &cpu, &mask, &alt));
    CHECK(memcmp(&cpu, &keep, sizeof(cpu)) == 0 && mask == 7);
    f.uc.uc_mcontext.rip = 0x401000;
    f.uc.uc_mcontext.rsp = 0x1234000000000000ull;
    CHECK(!lx_sigframe_restore(&f.uc, &cpu, &mask, &alt));
    f.uc.uc_mcontext.rsp = 0xffffffffff600000ull; /* canonical: its own fault if ever used */
    CHECK(lx_sigframe_restore(&f.uc, &cpu, &mask, &alt));
}

static void test_siginfo(void)
{
    struct lx_siginfo si;
    uint8_t raw[128];

    struct lx_sigorigin kill = { .code = LX_SI_USER, .pid = 77, .uid = 5 };
    lx_siginfo_fill(&si, LX_SIGTERM, &kill);
    memcpy(raw, &si, sizeof(raw));
    CHECK(i32_at(raw, 0) == LX_SIGTERM && i32_at(raw, 4) == 0 && i32_at(raw, 8) == LX_SI_USER);
    CHECK(i32_at(raw, 16) == 77 && i32_at(raw, 20) == 5);

    struct lx_sigorigin tkill = { .code = LX_SI_TKILL, .pid = 78, .uid = 6 };
    lx_siginfo_fill(&si, LX_SIGUSR2, &tkill);
    CHECK(si.si_code == -6 && si.u.proc.pid == 78 && si.u.proc.uid == 6);

    struct lx_sigorigin segv = { .code = LX_SEGV_MAPERR, .addr = 0x10, .pid = 99 };
    lx_siginfo_fill(&si, LX_SIGSEGV, &segv);
    memcpy(raw, &si, sizeof(raw));
    CHECK(i32_at(raw, 0) == LX_SIGSEGV && i32_at(raw, 8) == 1 && u64_at(raw, 16) == 0x10);

    /* A SIGSEGV the kernel sends (a general protection fault) has no address. */
    struct lx_sigorigin gp = { .code = LX_SI_KERNEL, .addr = 0x1234 };
    lx_siginfo_fill(&si, LX_SIGSEGV, &gp);
    CHECK(si.si_code == 0x80 && si.u.fault.addr == 0);

    struct lx_sigorigin child = { .code = LX_CLD_EXITED, .pid = 300, .uid = 7, .status = 3 };
    lx_siginfo_fill(&si, LX_SIGCHLD, &child);
    memcpy(raw, &si, sizeof(raw));
    CHECK(i32_at(raw, 8) == LX_CLD_EXITED && i32_at(raw, 16) == 300 && i32_at(raw, 20) == 7 &&
          i32_at(raw, 24) == 3 && u64_at(raw, 32) == 0 && u64_at(raw, 40) == 0);

    /* Nothing else leaks into the 128 bytes. */
    for (unsigned i = 48; i < sizeof(raw); i++)
        CHECK(raw[i] == 0);
}

int main(void)
{
    test_frame_bytes();
    test_placement();
    test_fpstate();
    test_restore();
    test_siginfo();
    return check_exit("signal_frame");
}
