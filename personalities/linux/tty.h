/* personalities/linux/tty.h — the Linux console: a virtual console of the
 * serial driver seen through a line discipline (tty_ldisc.h: canonical
 * mode, echo, the signal characters).
 *
 * Devices: /dev/console (5,1) and /dev/tty (5,0) both name it (the archive
 * of tools/kumiki-run has the nodes, as Linux's initramfs has
 * /dev/console).  It is init's controlling terminal when init is given the
 * console (tty_set_session), as if init had been started by a getty: on
 * Linux, /dev/console never becomes a controlling terminal, so a shell
 * there has no job control and ^C does nothing (busybox's cttyhack).
 * ^C, ^\ and ^Z send SIGINT, SIGQUIT and SIGTSTP to the foreground process
 * group (TIOCSPGRP).
 *
 * Polling: the serial driver's read() never blocks, so from the first use
 * of the console on (tty_open, or any read, poll or ioctl), tty_poll reads
 * it every TTY_POLL_NS from the main loop, so that ^C reaches a program
 * that is not reading; a read or poll also reads it at once.
 *
 * Not done: SIGTTIN/SIGTTOU for background process groups (the
 * personality does not stop processes yet), hangups, O_NOCTTY and
 * per-process controlling terminals (a process has the console as its
 * controlling terminal exactly when it is in the console's session), flow
 * control (tty_ldisc.h). */
#pragma once

#include "file.h"
#include <stdint.h>

enum { TTY_POLL_NS = 20 * 1000 * 1000 };

/* Registers the console's devices (5,1) and (5,0); call once at boot. */
void tty_init(void);
/* A new open file of the console: /dev/console when it exists, else an
 * anonymous inode with its device number (NULL when out of memory). */
struct lx_file *tty_open(void);
/* Reads what the serial driver has for the console and processes it (the
 * main loop's call: it also wakes readers).  Returns when the console next
 * wants to be polled (0: never). */
uint64_t tty_poll(uint64_t now);
/* The console's session and foreground process group (init's, at boot). */
void tty_set_session(int sid, int pgrp);
/* The leader of session sid has ended: if the console is that session's,
 * its foreground group gets SIGHUP and SIGCONT and the console belongs to
 * no session any more (Linux's disassociate_ctty on exit). */
void tty_session_ended(int sid);
