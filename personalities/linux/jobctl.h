/* personalities/linux/jobctl.h — what job control decides about process
 * groups and sessions when processes come and go (POSIX, Linux's
 * kernel/exit.c and tty_jobctrl.c). */
#pragma once

#include <stdbool.h>

struct lx_proc;

/* Whether group pgid is orphaned: no living member has a parent in another
 * group of the same session (so no shell of the session can continue it). */
bool jobctl_pgrp_orphaned(int pgid);

enum { JOBCTL_MAX_CHILD_GROUPS = 16 };

/* Before p's children go to init: the distinct groups of its children that
 * are in its session but not its group (at most JOBCTL_MAX_CHILD_GROUPS;
 * the ones past that are not looked at), the groups p's end may orphan. */
unsigned jobctl_child_groups(const struct lx_proc *p, int *pgids);

/* p has just ended (a zombie now; its children already given to init):
 * each group this orphans that has a stopped member gets SIGHUP then
 * SIGCONT (POSIX: nobody else would ever continue it), and when p led a
 * session that has the console, the console's foreground group gets
 * SIGHUP and SIGCONT and the console leaves the session (a hang-up). */
void jobctl_proc_ended(const struct lx_proc *p, const int *child_pgids, unsigned child_count);
