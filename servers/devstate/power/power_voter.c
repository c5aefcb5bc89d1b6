/* servers/devstate/power/power_voter.c — an OS that shuts down the way
 * ACPI says (SLP_TYP and SLP_EN written to PM1a_CNT), through its view of
 * the power device in the device-state server (docs/devstate.md).
 *
 * Its request must be DEFERRED (the other clients have not asked), and its
 * view must show what it wrote while the machine keeps running.  A reset
 * (the operation) and the status register are refused.  Then it halts: it
 * exits, and its view leaves (devstate is told by the root task): its vote
 * goes with it.  With the argument "silent" it does none of that: it never
 * asks.  With "stay" it does not exit but stops its thread (TCB SUSPEND on
 * itself): an OS that is still there, so its view stays and counts (only
 * a force policy turns the machine off without its agreement). */
#include "devstate_client.h"
#include "power_voter_caps.h"

#include <kidl_kumiki.h>
#include <kumiki/invocations_generated.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

enum { PM1A_STS = 0x600, PM1A_CNT = 0x604, SLP_EN = 1u << 13, SLP_TYP_S5 = 5u << 10, OP_RESET = 1 };

static unsigned failures;

static void expect(bool ok, const char *what)
{
    uprintf("power_voter: %s %s\n", ok ? "ok" : "FAILED", what);
    failures += !ok;
}

/* The end of its work: exit (the view leaves), or with "stay" stay. */
static int finish(const char *args)
{
    if (has_argument(args, "stay")) {
        uprintf("power_voter: staying (%u failures): its view stays\n", failures);
        for (;;)
            kumiki_tcb_suspend(KUMIKI_PROGRAM_CAP_TCB);
    }
    return failures ? 1 : 0;
}

int main(const char *args)
{
    const kidl_cptr_t power = POWER_VOTER_CAP_POWER;
    enum devstate_outcome outcome;
    uint64_t value = 1;
    int e = devstate_read(power, 0, PM1A_CNT, 2, &value, &outcome);
    expect(!e && value == 0 && outcome == DEVSTATE_OUTCOME_VIRTUAL, "PM1a_CNT reads as its own view (0)");
    if (has_argument(args, "silent")) {
        uprintf("power_voter: silent: it never asks for S5\n");
        return finish(args);
    }
    e = devstate_read(power, 0, PM1A_STS, 2, &value, &outcome);
    expect(!e && value == 0 && outcome == DEVSTATE_OUTCOME_REFUSED, "PM1a_STS is refused (reads 0)");
    e = devstate_transfer(power, 0, OP_RESET, 0, 0, 1, &outcome);
    expect(!e && outcome == DEVSTATE_OUTCOME_REFUSED, "a reset is refused");
    e = devstate_write(power, 0, PM1A_CNT, 4, SLP_TYP_S5 | SLP_EN, &outcome);
    expect(e == DEVSTATE_ERROR_BAD_SIZE, "a 4-byte write of the 2-byte PM1a_CNT is refused");
    e = devstate_write(power, 0, PM1A_CNT, 2, SLP_TYP_S5 | SLP_EN, &outcome);
    expect(!e && outcome == DEVSTATE_OUTCOME_DEFERRED, "S5 asked: deferred until every client asks");
    e = devstate_read(power, 0, PM1A_CNT, 2, &value, &outcome);
    expect(!e && value == (SLP_TYP_S5 | SLP_EN), "its view holds what it wrote");
    uprintf("power_voter: halting (%u failures)\n", failures);
    return finish(args);
}
