/* personalities/linux/power.c — reboot(2): power-off, halt, restart and
 * the Ctrl-Alt-Del switch.
 *
 * The personality does not own the machine: its power-off is a request to
 * the device-state server (servers/devstate, docs/devstate.md), through its
 * view of ACPI power, written the way Linux's own ACPI code writes it
 * (SLP_TYP S5 and SLP_EN in PM1a_CNT).  devstate merges it with the views of
 * the other operating systems: the machine goes off when every view has
 * asked (FORWARDED: the call does not come back), otherwise the request is
 * DEFERRED and this personality alone ends, as a Linux machine that halted.
 * A restart is the device's reset operation, which the ACPI device table
 * refuses (it would take the other systems down with it): the system halts.
 *
 * Before the machine goes off the personality writes back what its file
 * systems still hold.  Linux leaves that to user space (busybox poweroff
 * calls sync first); here the caches live in a server that is about to
 * stop, so nothing written before the call is lost even without sync. */
#include "devstate_client.h"
#include "hostlink.h"
#include "personality.h"
#include "syscall.h"
#include "vfs.h"

/* reboot(2)'s magic numbers and commands (linux/reboot.h). */
#define REBOOT_MAGIC1  0xfee1deadu
#define REBOOT_MAGIC2  672274793u /* 0x28121969 */
#define REBOOT_MAGIC2A 85072278u
#define REBOOT_MAGIC2B 369367448u
#define REBOOT_MAGIC2C 537993216u
#define CMD_RESTART    0x01234567u
#define CMD_HALT       0xcdef0123u
#define CMD_CAD_ON     0x89abcdefu
#define CMD_CAD_OFF    0x00000000u
#define CMD_POWER_OFF  0x4321fedcu
#define CMD_RESTART2   0xa1b2c3d4u
#define CMD_SW_SUSPEND 0xd000fce2u
#define CMD_KEXEC      0x45584543u

/* devices/acpi.dst: the registers of the power device's view. */
enum { PM1A_CNT = 0x604, SLP_TYP_S5 = 5u << 10, SLP_EN = 1u << 13, OP_RESET = 1 };

/* The personality's last words before the machine, or this OS, stops: the
 * file systems written back, kumiki-run told (status 0: the program asked
 * for it). */
static void shut_down(const char *what)
{
    lx_log("%s", what);
    vfs_sync_all();
    hostlink_exit(0);
}

static int64_t power_off(struct lx_thread *t)
{
    shut_down("reboot: power down");
    enum devstate_outcome outcome = 0;
    int e = lx.power ? devstate_write(lx.power, (uint32_t)t->tid, PM1A_CNT, 2, SLP_TYP_S5 | SLP_EN, &outcome)
                     : -1;
    if (e == 0 && outcome == DEVSTATE_OUTCOME_DEFERRED) {
        lx_log("reboot: the device-state server waits for the other systems; this one has stopped");
        lx_halt(false);
    } else {
        lx_log("reboot: power-off failed (error %d, outcome %d); halting", e, (int)outcome);
        lx_halt(true);
    }
    return LX_NO_REPLY;
}

/* A restart is the power device's reset operation.  When devstate refuses
 * it (devices/acpi.dst: a reset would take the other systems down), this
 * system halts, as Linux does when no restart method works ("System
 * halted"): by now init has ended every process, so failing the call
 * would leave a machine nobody can use. */
static int64_t restart(struct lx_thread *t)
{
    enum devstate_outcome outcome = 0;
    int e = lx.power ? devstate_transfer(lx.power, (uint32_t)t->tid, OP_RESET, 1, 0, 1, &outcome) : -1;
    if (e == 0 && outcome == DEVSTATE_OUTCOME_FORWARDED)
        shut_down("reboot: restarting system"); /* and if the reset did not happen after all: */
    else
        shut_down("reboot: the device-state server refuses a restart: system halted");
    lx_halt(true);
    return LX_NO_REPLY;
}

/* reboot(magic1, magic2, cmd, arg) */
static int64_t sys_reboot(struct lx_thread *t, const struct lx_syscall_regs *r)
{
    if (t->proc->euid != 0)
        return -LX_EPERM; /* CAP_SYS_BOOT, checked first as Linux does */
    uint32_t magic1 = arg_uint(r->rdi), magic2 = arg_uint(r->rsi), cmd = arg_uint(r->rdx);
    if (magic1 != REBOOT_MAGIC1 || (magic2 != REBOOT_MAGIC2 && magic2 != REBOOT_MAGIC2A &&
                                    magic2 != REBOOT_MAGIC2B && magic2 != REBOOT_MAGIC2C))
        return -LX_EINVAL;
    switch (cmd) {
    case CMD_CAD_ON:
    case CMD_CAD_OFF: return 0; /* Ctrl-Alt-Del: the serial console has no such key to send */
    case CMD_POWER_OFF: return power_off(t);
    case CMD_HALT:
        shut_down("reboot: system halted");
        lx_halt(true);
        return LX_NO_REPLY;
    case CMD_RESTART:
    case CMD_RESTART2: return restart(t);   /* RESTART2's command string is not looked at */
    case CMD_SW_SUSPEND: return -LX_ENOSYS; /* no hibernation: as a kernel built without it */
    case CMD_KEXEC: return -LX_EINVAL;      /* no kernel image loaded */
    default: return -LX_EINVAL;
    }
}

const struct lx_syscall_def lx_syscalls_power[] = {
    LX_SYSCALL(169, reboot, sys_reboot),
    { 0, NULL, NULL },
};
