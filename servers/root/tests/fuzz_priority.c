/* servers/root/tests/fuzz_priority.c — libFuzzer target for the root
 * task's answers to components (priority.c): a component is the least
 * trusted side there is, so any sequence of messages, from any component,
 * with any label, length and words, must be answered once (or, for labels
 * that are not these requests, not at all), and a priority may change only
 * for a running client of the caller's provided endpoint, to a value in
 * 1 .. the caller's priority - 1.  In this manifest only the server
 * provides endpoints, so it alone can change anything, and never its own
 * priority. */
#include "priority_fixture.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MESSAGE = 2 + 4 * 8 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fixture_quiet = true;
    setup(); /* what priority.c set for an earlier input may remain: only changes are checked */
    for (; size >= MESSAGE; data += MESSAGE, size -= MESSAGE) {
        unsigned who = data[0] % COMPONENTS;
        static const uint64_t labels[] = { ROOT_REQUEST_CLIENT, ROOT_REQUEST_PRIORITY, 0x1234, 0 };
        struct kumiki_msg m = { .label = labels[data[1] % 4], .length = (data[1] >> 2) % 5 };
        memcpy(m.words, data + 2, 4 * 8);
        if (data[1] & 0x80) /* keep the numbers small often enough to hit real slots and badges */
            for (unsigned w = 0; w < 4; w++)
                m.words[w] %= w == 1 ? 0x300 : 16;
        uint8_t before[COMPONENTS];
        for (unsigned c = 0; c < COMPONENTS; c++)
            before[c] = priority_current(&r.components[c]);
        unsigned replies_before = replies, invokes_before = invokes;
        bool ours = priority_serve(&r, &r.components[who], &m);
        if (ours != (m.label == ROOT_REQUEST_CLIENT || m.label == ROOT_REQUEST_PRIORITY) ||
            replies != replies_before + ours)
            abort();
        for (unsigned c = 0; c < COMPONENTS; c++) {
            uint8_t now = priority_current(&r.components[c]);
            if (now == before[c])
                continue;
            /* Changed: by the server, for a client, within range, through the kernel. */
            if (who != SERVER || c == SERVER || now < 1 || now >= decls[SERVER].priority ||
                m.label != ROOT_REQUEST_PRIORITY || invokes != invokes_before + 1)
                abort();
        }
        if (m.label != ROOT_REQUEST_PRIORITY && invokes != invokes_before)
            abort();
    }
    return 0;
}
