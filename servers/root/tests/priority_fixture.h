/* servers/root/tests/priority_fixture.h — what the tests of priority.c
 * and watch.c share (test_priority.c, fuzz_priority.c): the kernel and the
 * runtime faked (replies, invocations and signals are recorded; a CNode
 * MINT makes a notification in its slot, a DELETE empties it), and a
 * manifest of four components: a server providing two endpoints (slots 8
 * and 9) and declaring a notification (slot 12), two clients of the first
 * (badges 0x101, 0x202; client_a also of the second, 0x7) and one more of
 * the first (0xff00).  Include it in one file only. */
#pragma once

#include "priority.h"
#include "watch.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* ---- the kernel and runtime, faked ---- */
static struct kumiki_msg replied;
static unsigned replies, invokes;
static uint64_t invoked_service, invoked_label, invoked_word, invoked_cap;
static uint64_t minted_badge, minted_source;
enum { FAKE_SLOTS = 1024 };
static uint64_t slot_type[FAKE_SLOTS]; /* the root CSpace, as far as MINT and DELETE made it */
static bool mint_fails;                /* the component moved its notification away */
static unsigned signals[FAKE_SLOTS];
static kumiki_cptr_t next_root_slot = 900;

uint64_t kumiki_reply(const struct kumiki_msg *m)
{
    replied = *m;
    replies++;
    return KE_OK;
}

uint64_t kumiki_invoke(kumiki_cptr_t service, uint64_t label, unsigned nwords, const uint64_t *words,
                       unsigned ncaps, const kumiki_cptr_t *caps, unsigned nresults, uint64_t *results)
{
    (void)nresults;
    (void)results;
    invokes++;
    invoked_service = service;
    invoked_label = label;
    invoked_word = nwords ? words[0] : ~0ull;
    invoked_cap = ncaps ? caps[0] : ~0ull;
    if (label == KUMIKI_CNODE_MINT && nwords == 6 && words[0] < FAKE_SLOTS) {
        if (mint_fails)
            return KE_INVALID_CAPABILITY;
        slot_type[words[0]] = KUMIKI_OBJ_NOTIFICATION;
        minted_source = words[2];
        minted_badge = words[5];
    } else if (label == KUMIKI_CNODE_DELETE && nwords == 2 && words[0] < FAKE_SLOTS)
        slot_type[words[0]] = 0;
    return KE_OK;
}

uint64_t kumiki_cap_type(kumiki_cptr_t cap)
{
    return cap < FAKE_SLOTS ? slot_type[cap] : 0;
}

uint64_t kumiki_signal(kumiki_cptr_t notification)
{
    if (notification >= FAKE_SLOTS || slot_type[notification] != KUMIKI_OBJ_NOTIFICATION)
        return KE_INVALID_CAPABILITY;
    signals[notification]++;
    return KE_OK;
}

kumiki_cptr_t kumiki_alloc_slot(struct kumiki_allocator *a)
{
    (void)a;
    return next_root_slot < FAKE_SLOTS ? next_root_slot++ : 0;
}

static bool fixture_quiet; /* the fuzzer's millions of refusals are not printed */

void uprintf(const char *fmt, ...)
{
    if (fixture_quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

/* ---- the manifest ---- */
enum { SERVER, CLIENT_A, CLIENT_B, OTHER, COMPONENTS };
static struct {
    struct kdm_header header;
    struct kdm_cap caps[8];
} manifest;
static struct kdm_component decls[COMPONENTS];
static struct root r;

const struct kdm_cap *root_caps(const struct root *root, const struct component *c)
{
    return (const struct kdm_cap *)((const char *)root->manifest + root->header->cap_offset) +
           c->decl->first_cap;
}

static struct kdm_cap endpoint(uint32_t slot, uint64_t index, uint64_t badge, uint64_t rights)
{
    return (struct kdm_cap){ .kind = KDM_CAP_ENDPOINT, .slot = slot, .a = index, .b = badge, .c = rights };
}

static void setup(void)
{
    const uint64_t serve = KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE, call = KUMIKI_RIGHT_WRITE;
    manifest.header.cap_offset = offsetof(__typeof__(manifest), caps);
    manifest.caps[0] = endpoint(8, 0, 0, serve); /* server: provides endpoint 0 in slot 8 */
    manifest.caps[1] = endpoint(9, 1, 0, serve); /*   and endpoint 1 in slot 9 */
    manifest.caps[2] =
        (struct kdm_cap){ .kind = KDM_CAP_NOTIFICATION, .slot = 12 }; /*   and a notification */
    manifest.caps[3] = endpoint(8, 0, 0x101, call);                   /* client_a: a client of endpoint 0 */
    manifest.caps[4] = endpoint(9, 1, 0x7, call);                     /*   and of endpoint 1 */
    manifest.caps[5] = endpoint(8, 0, 0x202, call);                   /* client_b */
    manifest.caps[6] = endpoint(8, 0, 0xff00, call);                  /* other */
    manifest.caps[7] = (struct kdm_cap){ .kind = KDM_CAP_IOPORT, .slot = 10, .a = 0x70, .b = 0x71 };
    static const uint32_t first[] = { 0, 3, 5, 6 }, count[] = { 3, 2, 1, 2 };
    static const uint8_t priorities[] = { 120, 100, 100, 90 };
    static const char *const names[] = { "devstate", "client_a", "a_client_with_a_rather_long_name_b",
                                         "other" };
    r = (struct root){ .manifest = &manifest, .header = &manifest.header, .component_count = COMPONENTS };
    for (unsigned i = 0; i < COMPONENTS; i++) {
        decls[i] = (struct kdm_component){
            .priority = priorities[i], .first_cap = first[i], .cap_count = count[i], .cnode_radix = 10
        };
        r.components[i] = (struct component){ .index = i,
                                              .decl = &decls[i],
                                              .name = names[i],
                                              .state = COMPONENT_RUNNING,
                                              .runs = 1,
                                              .process = { .tcb = 500 + i, .cnode = 600 + i } };
    }
}
