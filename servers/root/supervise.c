/* servers/root/supervise.c — the root task after start-up: the fault
 * handler of last resort and the receiver of exit messages of every
 * component (all arrive on the supervisor endpoint, badged index + 1).
 *
 * One line per event; then each component's final outcome is one TAP test
 * point (number = manifest index + 1): "ok" for exit status 0, "not ok" for
 * anything else (other status, left stopped after faults, never built).
 * When no component is left running the run ends with kumiki_exit(0). */
#include "priority.h"
#include "root.h"
#include "watch.h"
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/program.h>
#include <kumiki/supervisor.h>
#include <kumiki/user.h>

static void tap(struct root *r, const struct component *c, bool ok, const char *detail)
{
    if (!ok)
        r->failures++;
    uprintf("%s %u - %s%s%s\n", ok ? "ok" : "not ok", c->index + 1, c->name, ok ? " # " : ": ", detail);
}

/* A component that will not run again: the endpoints it provided are
 * withdrawn (every client capability revoked, then the endpoint deleted),
 * so callers blocked on them are woken with CANCELLED and later calls fail
 * with INVALID_CAPABILITY, instead of waiting forever for a server that is
 * gone. */
static void retire_endpoints(struct root *r, const struct component *c)
{
    const struct kdm_cap *caps = root_caps(r, c);
    for (uint32_t i = 0; i < c->decl->cap_count; i++) {
        if (caps[i].kind != KDM_CAP_ENDPOINT || !(caps[i].c & KUMIKI_RIGHT_READ))
            continue; /* only the serving side holds READ */
        kumiki_cptr_t ep = r->endpoints[caps[i].a];
        if (kumiki_cap_type(ep) != KUMIKI_OBJ_ENDPOINT)
            continue;
        kumiki_cnode_revoke(KUMIKI_CAP_INIT_CNODE, ep, 64);
        kumiki_cnode_delete(KUMIKI_CAP_INIT_CNODE, ep, 64);
        uprintf("root: endpoint %lu of '%s' withdrawn: its clients get errors from now on\n",
                (unsigned long)caps[i].a, c->name);
    }
}

void supervise_report_failure(struct root *r, struct component *c, const char *detail)
{
    uprintf("root: component '%s': %s\n", c->name, detail);
    retire_endpoints(r, c);
    c->state = COMPONENT_FAILED;
    watch_client_ended(r, c);
    tap(r, c, false, detail);
}

static void exited(struct root *r, struct component *c, int64_t status)
{
    char detail[64];
    usnprintf(detail, sizeof(detail), "exited with status %ld", (long)status);
    uprintf("root: component '%s' %s\n", c->name, detail);
    component_destroy(r, c);
    retire_endpoints(r, c);
    c->state = COMPONENT_EXITED;
    c->exit_status = status;
    watch_client_ended(r, c);
    tap(r, c, status == 0, detail);
}

static void faulted(struct root *r, struct component *c, const struct kumiki_msg *m)
{
    char fault[160], detail[220];
    kumiki_describe_fault(m, fault, sizeof(fault));
    bool restart = c->decl->restart == KDM_RESTART_ON_FAULT && c->runs <= ROOT_MAX_RESTARTS;
    if (restart)
        uprintf("root: component '%s' faulted: %s (restart %u of %u)\n", c->name, fault, c->runs,
                (unsigned)ROOT_MAX_RESTARTS);
    else if (c->decl->restart == KDM_RESTART_ON_FAULT)
        uprintf("root: component '%s' faulted: %s (gave up after %u restarts: left stopped)\n", c->name,
                fault, c->runs - 1);
    else
        uprintf("root: component '%s' faulted: %s (restart policy 'never': left stopped)\n", c->name, fault);
    kumiki_print_registers(c->process.tcb);
    component_destroy(r, c);
    if (restart) {
        if (component_build(r, c))
            component_start(r, c);
        if (c->state == COMPONENT_RUNNING) /* else told by supervise_report_failure */
            watch_client_ended(r, c);
        return;
    }
    retire_endpoints(r, c);
    c->state = COMPONENT_STOPPED;
    watch_client_ended(r, c);
    usnprintf(detail, sizeof(detail), "left stopped after %u run%s: %s", c->runs, c->runs == 1 ? "" : "s",
              fault);
    tap(r, c, false, detail);
}

static bool any_running(const struct root *r)
{
    for (unsigned i = 0; i < r->component_count; i++)
        if (r->components[i].state == COMPONENT_RUNNING)
            return true;
    return false;
}

__attribute__((noreturn)) void supervise(struct root *r)
{
    while (any_running(r)) {
        struct kumiki_msg m;
        uint64_t e = kumiki_recv(r->supervisor, &m);
        if (e) {
            uprintf("root: receiving on the supervisor endpoint failed: %s\n", kumiki_error_name(e));
            kumiki_exit(1);
        }
        struct component *c =
            m.badge >= 1 && m.badge <= r->component_count ? &r->components[m.badge - 1] : NULL;
        if (!c || c->state != COMPONENT_RUNNING) {
            uprintf("root: message with label %lu from badge %lu ignored (no such running component)\n",
                    m.label, m.badge);
            continue;
        }
        if (m.label == KUMIKI_PROGRAM_EXIT)
            exited(r, c, m.length ? (int64_t)m.words[0] : 0);
        else if (m.label >= KUMIKI_FAULT_UNKNOWN_SYSCALL && m.label <= KUMIKI_FAULT_VM)
            faulted(r, c, &m);
        else if (!priority_serve(r, c, &m) && /* root_requests.h: its clients, their priority, */
                 !watch_serve(r, c, &m))      /* and their ends */
            uprintf("root: component '%s' sent label %lu: not a request the root task serves (no reply)\n",
                    c->name, m.label);
    }
    uprintf("root: all components stopped (%u of %u did not exit with status 0)\n", r->failures,
            r->component_count);
    kumiki_exit(0);
}
