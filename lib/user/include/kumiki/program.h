/* lib/user/include/kumiki/program.h — how a supervisor starts a native
 * program, and how the program talks back (lib/user/process.c builds it).
 *
 *   rdi at the first instruction   address of the argument string
 *   CSpace: one CNode, addresses resolve 64 bits
 *     slot 1  the supervisor's endpoint (badged: the supervisor knows who calls)
 *     slot 2  the program's own TCB
 *     slot 3  its CNode
 *     slot 4  its VSpace
 *     slots KUMIKI_PROGRAM_CAP_FIRST_FREE..  free
 *   The same endpoint is its fault handler: faults reach the supervisor too.
 *   Exit: a Call on slot 1 with label KUMIKI_PROGRAM_EXIT and the status. */
#pragma once

#include <kumiki/abi.h>

enum {
    KUMIKI_PROGRAM_CAP_SUPERVISOR = 1,
    KUMIKI_PROGRAM_CAP_TCB = 2,
    KUMIKI_PROGRAM_CAP_CNODE = 3,
    KUMIKI_PROGRAM_CAP_VSPACE = 4,
    KUMIKI_PROGRAM_CAP_FIRST_FREE = 8,
    KUMIKI_PROGRAM_CNODE_RADIX = 10,
    /* Labels of messages to the supervisor; fault labels are 1..3. */
    KUMIKI_PROGRAM_EXIT = 0x100,
};

#define KUMIKI_PROGRAM_STACK_TOP   0x00007ffffff00000ull
#define KUMIKI_PROGRAM_STACK_PAGES 16
#define KUMIKI_PROGRAM_ARGS        0x00007fffffe00000ull /* one page: the argument string */
#define KUMIKI_PROGRAM_IPC_BUFFER  0x00007fffffe01000ull /* one page */
