/* personalities/linux/tty.h — the Linux console: a virtual console of the
 * serial driver seen through a line discipline.
 *
 * Canonical mode collects a line (erase with DEL/^H, kill with ^U, ^D for
 * end of file) and echoes what is typed; raw mode hands bytes over as they
 * come.  ^C, ^\ and ^Z send SIGINT, SIGQUIT and SIGTSTP to the foreground
 * process group (TIOCSPGRP).  The serial driver's read() never blocks, so
 * the console is polled: while anyone waits for input, and every
 * TTY_POLL_NS otherwise while the console is open, so that ^C reaches a
 * program that is not reading. */
#pragma once

#include "file.h"
#include <stdint.h>

enum { TTY_POLL_NS = 20 * 1000 * 1000 };

/* A new open file of the console (NULL when out of memory). */
struct lx_file *tty_open(void);
/* Reads what the serial driver has for the console and processes it.
 * Returns when the console next wants to be polled (0: never). */
uint64_t tty_poll(uint64_t now);
/* The console's session and foreground process group (init's, at boot). */
void tty_set_session(int sid, int pgrp);
