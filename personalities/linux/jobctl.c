/* personalities/linux/jobctl.c — see jobctl.h. */
#include "jobctl.h"
#include "proc.h"
#include "signal.h"
#include "tty.h"

bool jobctl_pgrp_orphaned(int pgid)
{
    for (struct lx_proc *q = proc_first(); q; q = proc_next(q)) {
        if (q->pgid != pgid || q->state != LX_PROC_ALIVE)
            continue;
        const struct lx_proc *parent = q->parent;
        if (parent && parent->state == LX_PROC_ALIVE && parent->pgid != pgid && parent->sid == q->sid)
            return false;
    }
    return true;
}

unsigned jobctl_child_groups(const struct lx_proc *p, int *pgids)
{
    unsigned n = 0;
    for (const struct lx_proc *c = p->children; c && n < JOBCTL_MAX_CHILD_GROUPS; c = c->next_sibling) {
        if (c->state != LX_PROC_ALIVE || c->pgid == p->pgid || c->sid != p->sid)
            continue;
        bool seen = false;
        for (unsigned i = 0; i < n; i++)
            seen |= pgids[i] == c->pgid;
        if (!seen)
            pgids[n++] = c->pgid;
    }
    return n;
}

static bool has_stopped_member(int pgid)
{
    for (struct lx_proc *q = proc_first(); q; q = proc_next(q))
        if (q->pgid == pgid && q->state == LX_PROC_ALIVE && q->stopped)
            return true;
    return false;
}

/* A group that has just become orphaned with stopped members. */
static void hang_up_if_orphaned(int pgid)
{
    if (pgid > 0 && has_stopped_member(pgid) && jobctl_pgrp_orphaned(pgid)) {
        lx_signal_pgrp(pgid, LX_SIGHUP);
        lx_signal_pgrp(pgid, LX_SIGCONT);
    }
}

void jobctl_proc_ended(const struct lx_proc *p, const int *child_pgids, unsigned child_count)
{
    if (p->pid == p->sid)
        tty_session_ended(p->sid);
    /* Its own group is orphaned by this end only if p was what tied it to
     * the session (Linux's kill_orphaned_pgrp): a group orphaned already
     * is not hung up again. */
    const struct lx_proc *parent = p->parent;
    if (parent && parent->pgid != p->pgid && parent->sid == p->sid)
        hang_up_if_orphaned(p->pgid);
    for (unsigned i = 0; i < child_count; i++)
        hang_up_if_orphaned(child_pgids[i]);
}
