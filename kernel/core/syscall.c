/* kernel/core/syscall.c — the system-call dispatcher.
 *
 * Each call decodes and checks every argument before it changes anything;
 * a bad argument yields an error code in rax and no other effect. */
#include <arch/arch.h>
#include <kernel/log.h>
#include <kernel/thread.h>
#include <kernel/usercopy.h>
#include <kumiki/abi.h>

void syscall_from_user(struct user_context *ctx);

static enum kumiki_error debug_write(struct thread *t, vaddr_t buf, uint64_t len)
{
    if (len > KUMIKI_DEBUG_WRITE_MAX)
        return KE_RANGE;
    if (!user_range_accessible(t, buf, len, false))
        return KE_BAD_ADDRESS;
    char chunk[256];
    while (len) {
        size_t n = len < sizeof(chunk) ? len : sizeof(chunk);
        user_read(t, buf, chunk, n);
        console_write(chunk, n);
        buf += n;
        len -= n;
    }
    return KE_OK;
}

static void set_result(struct user_context *ctx, enum kumiki_error error, uint64_t value)
{
    syscall_set_result(ctx, error);
    ctx->rdi = value;
}

void syscall_from_user(struct user_context *ctx)
{
    struct thread *t = current_thread;
    switch (syscall_number(ctx)) {
    case SYS_DEBUG_NULL: set_result(ctx, KE_OK, 0); break;
    case SYS_DEBUG_WRITE: set_result(ctx, debug_write(t, syscall_arg(ctx, 0), syscall_arg(ctx, 1)), 0); break;
    case SYS_DEBUG_EXIT: {
        struct thread_outcome outcome = { .kind = OUTCOME_EXITED,
                                          .exit_status = (int64_t)syscall_arg(ctx, 0) };
        thread_stop(t, &outcome);
        break;
    }
    case SYS_DEBUG_TICKS: set_result(ctx, KE_OK, sched_ticks()); break;
    case SYS_DEBUG_BOOT_TSC: set_result(ctx, KE_OK, arch_boot_entry_tsc()); break;
    case SYS_DEBUG_TICK_HZ: set_result(ctx, KE_OK, sched_tick_hz()); break;
    default: set_result(ctx, KE_UNKNOWN_SYSCALL, 0); break;
    }
    sched_exit_to_user();
}
