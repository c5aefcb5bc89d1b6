/* personalities/linux/personality.h — what the whole personality shares:
 * the capabilities it was given and made at boot, and its log. */
#pragma once

#include <kumiki/abi.h>
#include <stdbool.h>
#include <stdint.h>

struct lx_personality {
    kumiki_cptr_t endpoint;     /* Linux threads' faults arrive here (badged per thread) */
    kumiki_cptr_t notification; /* bound to the personality's TCB: timeouts */
    kumiki_cptr_t timer;        /* the timer driver (0: none) */
    kumiki_cptr_t serial;       /* the serial driver's console (0: none) */
    kumiki_cptr_t hostlink;     /* I/O port 0xe9 for kumiki-run's frames (0: none) */
    kumiki_cptr_t power;        /* the device-state server's view of ACPI power (0: none) */
    kumiki_cptr_t rtc;          /* the CMOS clock's driver: the date at boot (0: none) */
    bool halt_when_init_exits;  /* alone on the machine: init's end or a halt ends the run */
};

extern struct lx_personality lx;

/* Stops every Linux thread and, once the current message is handled, the
 * personality (reboot(2)).  whole_machine: this OS halts the machine (when
 * halt_when_init_exits says it ends the run); otherwise it stops alone and
 * the machine stays on for the others (a power-off devstate deferred). */
void lx_halt(bool whole_machine);

/* Personality messages to the console, one line each ("linux: ..."). */
__attribute__((format(printf, 1, 2))) void lx_log(const char *fmt, ...);
