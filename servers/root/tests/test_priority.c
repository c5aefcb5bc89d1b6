/* servers/root/tests/test_priority.c — the root task's answers about a
 * server's clients (priority.c, root_requests.h) on the host, with the
 * kernel faked: a manifest of four components (a server providing two
 * endpoints, two clients of the first, one of the second), and every
 * request a component may send, allowed or not.  Refusals must change
 * nothing and make no kernel call. */
#include "check.h"
#include "priority.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- the kernel and runtime, faked ---- */
static struct kumiki_msg replied;
static unsigned replies, invokes;
static uint64_t invoked_service, invoked_label, invoked_word, invoked_cap;

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
    return KE_OK;
}

void uprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

/* ---- the manifest ---- */
enum { SERVER, CLIENT_A, CLIENT_B, OTHER, COMPONENTS };
static struct {
    struct kdm_header header;
    struct kdm_cap caps[7];
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
    manifest.caps[0] = endpoint(8, 0, 0, serve);     /* server: provides endpoint 0 in slot 8 */
    manifest.caps[1] = endpoint(9, 1, 0, serve);     /*   and endpoint 1 in slot 9 */
    manifest.caps[2] = endpoint(8, 0, 0x101, call);  /* client_a: a client of endpoint 0 */
    manifest.caps[3] = endpoint(9, 1, 0x7, call);    /*   and of endpoint 1 */
    manifest.caps[4] = endpoint(8, 0, 0x202, call);  /* client_b */
    manifest.caps[5] = endpoint(8, 0, 0xff00, call); /* other */
    manifest.caps[6] = (struct kdm_cap){ .kind = KDM_CAP_IOPORT, .slot = 10, .a = 0x70, .b = 0x71 };
    static const uint32_t first[] = { 0, 2, 4, 5 }, count[] = { 2, 2, 1, 2 };
    static const uint8_t priorities[] = { 120, 100, 100, 90 };
    static const char *const names[] = { "devstate", "client_a", "a_client_with_a_rather_long_name_b",
                                         "other" };
    r = (struct root){ .manifest = &manifest, .header = &manifest.header, .component_count = COMPONENTS };
    for (unsigned i = 0; i < COMPONENTS; i++) {
        decls[i] =
            (struct kdm_component){ .priority = priorities[i], .first_cap = first[i], .cap_count = count[i] };
        r.components[i] = (struct component){ .index = i,
                                              .decl = &decls[i],
                                              .name = names[i],
                                              .state = COMPONENT_RUNNING,
                                              .runs = 1,
                                              .process = { .tcb = 500 + i } };
    }
}

static uint64_t ask(unsigned who, uint64_t label, unsigned length, uint64_t w0, uint64_t w1, uint64_t w2)
{
    struct kumiki_msg m = { .label = label, .length = length, .words = { w0, w1, w2 } };
    unsigned before = replies;
    CHECK(priority_serve(&r, &r.components[who], &m));
    CHECK(replies == before + 1); /* every request is answered, once */
    return replied.label;
}

static void test_clients(void)
{
    CHECK(ask(SERVER, ROOT_REQUEST_CLIENT, 2, 8, 0, 0) == ROOT_REQUEST_OK);
    CHECK(replied.length == 3 + ROOT_REQUEST_NAME_WORDS && replied.words[0] == 0x101 &&
          replied.words[1] == 100 && replied.words[2] == CLIENT_A);
    CHECK(!memcmp(&replied.words[3], "client_a\0", 9));
    CHECK(ask(SERVER, ROOT_REQUEST_CLIENT, 2, 8, 1, 0) == ROOT_REQUEST_OK && replied.words[0] == 0x202);
    char name[ROOT_REQUEST_NAME_WORDS * 8];
    memcpy(name, &replied.words[3], sizeof(name));
    CHECK(!strcmp(name, "a_client_with_a_rather_long_name_b"));
    CHECK(ask(SERVER, ROOT_REQUEST_CLIENT, 2, 8, 2, 0) == ROOT_REQUEST_OK && replied.words[0] == 0xff00);
    CHECK(ask(SERVER, ROOT_REQUEST_CLIENT, 2, 8, 3, 0) == ROOT_REQUEST_NO_CLIENT);
    CHECK(ask(SERVER, ROOT_REQUEST_CLIENT, 2, 9, 0, 0) == ROOT_REQUEST_OK && replied.words[0] == 0x7);
    CHECK(ask(SERVER, ROOT_REQUEST_CLIENT, 2, 9, 1, 0) == ROOT_REQUEST_NO_CLIENT);
    CHECK(ask(SERVER, ROOT_REQUEST_CLIENT, 2, 10, 0, 0) == ROOT_REQUEST_NOT_PROVIDER); /* nothing there */
    CHECK(ask(CLIENT_A, ROOT_REQUEST_CLIENT, 2, 8, 0, 0) ==
          ROOT_REQUEST_NOT_PROVIDER); /* a client's slot 8 */
    CHECK(ask(SERVER, ROOT_REQUEST_CLIENT, 1, 8, 0, 0) == ROOT_REQUEST_MALFORMED);
    CHECK(ask(SERVER, ROOT_REQUEST_CLIENT, 2, 8, ~0ull, 0) == ROOT_REQUEST_MALFORMED);
    CHECK(invokes == 0);
}

static void test_priorities(void)
{
    CHECK(ask(SERVER, ROOT_REQUEST_PRIORITY, 3, 8, 0x202, 105) == ROOT_REQUEST_OK);
    CHECK(replied.length == 1 && replied.words[0] == 100);
    CHECK(invokes == 1 && invoked_service == 500 + CLIENT_B && invoked_label == KUMIKI_TCB_SET_PRIORITY &&
          invoked_word == 105 && invoked_cap == KUMIKI_CAP_INIT_TCB);
    CHECK(priority_current(&r.components[CLIENT_B]) == 105);
    CHECK(ask(SERVER, ROOT_REQUEST_CLIENT, 2, 8, 1, 0) == ROOT_REQUEST_OK && replied.words[1] == 105);
    CHECK(ask(SERVER, ROOT_REQUEST_PRIORITY, 3, 8, 0x202, 119) == ROOT_REQUEST_OK && replied.words[0] == 105);
    CHECK(invokes == 2);

    /* Refused, and nothing happens. */
    CHECK(ask(SERVER, ROOT_REQUEST_PRIORITY, 3, 8, 0x202, 120) == ROOT_REQUEST_PRIORITY_RANGE); /* its own */
    CHECK(ask(SERVER, ROOT_REQUEST_PRIORITY, 3, 8, 0x202, 254) == ROOT_REQUEST_PRIORITY_RANGE);
    CHECK(ask(SERVER, ROOT_REQUEST_PRIORITY, 3, 8, 0x202, 0) == ROOT_REQUEST_PRIORITY_RANGE);
    CHECK(ask(SERVER, ROOT_REQUEST_PRIORITY, 3, 8, 0x303, 100) == ROOT_REQUEST_NO_CLIENT);
    CHECK(ask(SERVER, ROOT_REQUEST_PRIORITY, 3, 9, 0x202, 100) ==
          ROOT_REQUEST_NO_CLIENT); /* other endpoint */
    CHECK(ask(OTHER, ROOT_REQUEST_PRIORITY, 3, 8, 0x101, 50) == ROOT_REQUEST_NOT_PROVIDER);
    CHECK(ask(CLIENT_A, ROOT_REQUEST_PRIORITY, 3, 8, 0x101, 99) == ROOT_REQUEST_NOT_PROVIDER); /* itself */
    CHECK(ask(SERVER, ROOT_REQUEST_PRIORITY, 2, 8, 0x202, 0) == ROOT_REQUEST_MALFORMED);
    r.components[CLIENT_A].state = COMPONENT_STOPPED;
    CHECK(ask(SERVER, ROOT_REQUEST_PRIORITY, 3, 8, 0x101, 100) == ROOT_REQUEST_NO_CLIENT);
    CHECK(invokes == 2 && priority_current(&r.components[CLIENT_B]) == 119);

    /* A restart rebuilds the component with its declared priority. */
    r.components[CLIENT_B].runs = 2;
    CHECK(priority_current(&r.components[CLIENT_B]) == 100);

    struct kumiki_msg m = { .label = 0x1234 };
    unsigned before = replies;
    CHECK(!priority_serve(&r, &r.components[SERVER], &m) && replies == before); /* not ours: no reply */
}

int main(void)
{
    setup();
    test_clients();
    test_priorities();
    return check_exit("root priority");
}
