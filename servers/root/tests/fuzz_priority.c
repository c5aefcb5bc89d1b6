/* servers/root/tests/fuzz_priority.c — libFuzzer target for the root
 * task's answers to components (priority.c, watch.c): a component is the least
 * trusted side there is, so any sequence of messages, from any component,
 * with any label, length and words, must be answered once (or, for labels
 * that are not these requests, not at all), and a priority may change only
 * for a running client of the caller's provided endpoint, to a value in
 * 1 .. the caller's priority - 1.  In this manifest only the server
 * provides endpoints, so it alone can change anything, and never its own
 * priority; it alone may watch its clients, and a client's end signals
 * only what it watched. */
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
        static const uint64_t labels[] = { ROOT_REQUEST_CLIENT, ROOT_REQUEST_PRIORITY,
                                           ROOT_REQUEST_WATCH_CLIENTS, 0x1234 };
        struct kumiki_msg m = { .label = labels[data[1] % 4], .length = (data[1] >> 2) % 5 };
        memcpy(m.words, data + 2, 4 * 8);
        if (data[1] & 0x80) /* keep the numbers small often enough to hit real slots and badges */
            for (unsigned w = 0; w < 4; w++)
                m.words[w] %= w == 1 ? 0x300 : 16;
        uint8_t before[COMPONENTS];
        for (unsigned c = 0; c < COMPONENTS; c++)
            before[c] = priority_current(&r.components[c]);
        unsigned replies_before = replies, invokes_before = invokes;
        bool ours = priority_serve(&r, &r.components[who], &m) || watch_serve(&r, &r.components[who], &m);
        if (ours != (m.label != 0x1234) || replies != replies_before + ours)
            abort();
        if (m.label == ROOT_REQUEST_WATCH_CLIENTS) {
            /* Only the server, for its endpoint slots (8, 9), its notification (12), a bit < 64. */
            bool allowed = who == SERVER && m.length == 3 && (m.words[0] == 8 || m.words[0] == 9) &&
                           m.words[1] == 12 && m.words[2] < 64;
            if ((replied.label == ROOT_REQUEST_OK) != allowed || (!allowed && invokes != invokes_before))
                abort();
            if (allowed && minted_badge != 1ull << m.words[2])
                abort();
            continue;
        }
        if (m.label == 0x1234) { /* stands for a component's end: signals only the server's watches */
            unsigned signalled = 0;
            for (unsigned i = 0; i < FAKE_SLOTS; i++)
                signalled += signals[i];
            watch_client_ended(&r, &r.components[who]);
            unsigned now = 0;
            for (unsigned i = 0; i < FAKE_SLOTS; i++)
                now += signals[i];
            if (now - signalled > 2 || (who == SERVER && now != signalled))
                abort();
        }
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
