/* servers/root/tests/test_priority.c — the root task's answers about a
 * server's clients (priority.c, watch.c, root_requests.h) on the host, with
 * the kernel faked: a manifest of four components (a server providing two
 * endpoints, two clients of the first, one of the second), and every
 * request a component may send, allowed or not.  Refusals must change
 * nothing and make no kernel call. */
#include "check.h"
#include "priority_fixture.h"

static uint64_t ask(unsigned who, uint64_t label, unsigned length, uint64_t w0, uint64_t w1, uint64_t w2)
{
    struct kumiki_msg m = { .label = label, .length = length, .words = { w0, w1, w2 } };
    unsigned before = replies;
    CHECK(priority_serve(&r, &r.components[who], &m) || watch_serve(&r, &r.components[who], &m));
    CHECK(replies == before + 1); /* every request is answered, once */
    return replied.label;
}

static void test_clients(void)
{
    CHECK(ask(SERVER, ROOT_REQUEST_CLIENT, 2, 8, 0, 0) == ROOT_REQUEST_OK);
    CHECK(replied.length == ROOT_REQUEST_CLIENT_WORDS && replied.words[0] == 0x101 &&
          replied.words[1] == 100 && replied.words[2] == CLIENT_A);
    CHECK(replied.words[3 + ROOT_REQUEST_NAME_WORDS] == ROOT_CLIENT_RUNNING &&
          replied.words[4 + ROOT_REQUEST_NAME_WORDS] == 0 && replied.words[5 + ROOT_REQUEST_NAME_WORDS] == 0);
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
    CHECK(!watch_serve(&r, &r.components[SERVER], &m) && replies == before);
}

/* The state and the ended runs of client_b (the second client of slot 8). */
static void client_b(uint64_t *state, uint64_t *ends, uint64_t *status)
{
    CHECK(ask(SERVER, ROOT_REQUEST_CLIENT, 2, 8, 1, 0) == ROOT_REQUEST_OK && replied.words[0] == 0x202);
    *state = replied.words[3 + ROOT_REQUEST_NAME_WORDS];
    *ends = replied.words[4 + ROOT_REQUEST_NAME_WORDS];
    *status = replied.words[5 + ROOT_REQUEST_NAME_WORDS];
}

static unsigned total_signals(void)
{
    unsigned n = 0;
    for (unsigned i = 0; i < FAKE_SLOTS; i++)
        n += signals[i];
    return n;
}

static void test_watch(void)
{
    setup();
    unsigned invokes_before = invokes;
    /* Refused, and nothing happens: no kernel call, nothing signalled later. */
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 2, 8, 12, 0) == ROOT_REQUEST_MALFORMED);
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 10, 12, 40) == ROOT_REQUEST_NOT_PROVIDER);
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 12, 12, 40) == ROOT_REQUEST_NOT_PROVIDER);
    CHECK(ask(CLIENT_A, ROOT_REQUEST_WATCH_CLIENTS, 3, 8, 12, 40) == ROOT_REQUEST_NOT_PROVIDER);
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 8, 9, 40) ==
          ROOT_REQUEST_NOT_NOTIFICATION); /* endpoint */
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 8, 13, 40) == ROOT_REQUEST_NOT_NOTIFICATION); /* empty */
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 8, 12, 64) == ROOT_REQUEST_BIT_RANGE);
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 8, 12, ~0ull) == ROOT_REQUEST_BIT_RANGE);
    CHECK(invokes == invokes_before);
    mint_fails = true; /* declared, but no longer in its slot */
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 8, 12, 40) == ROOT_REQUEST_NOT_NOTIFICATION);
    mint_fails = false;
    watch_client_ended(&r, &r.components[CLIENT_B]);
    CHECK(total_signals() == 0);

    /* Watching endpoint 0 (slot 8): the copy is the server's slot 12, badged. */
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 8, 12, 40) == ROOT_REQUEST_OK && replied.length == 0);
    CHECK(minted_source == 12 && minted_badge == 1ull << 40);
    /* client_b exits with status 3: told; its state, ends and status say so. */
    uint64_t state, ends, status;
    client_b(&state, &ends, &status);
    CHECK(state == ROOT_CLIENT_RUNNING && ends == 0 && status == 0);
    r.components[CLIENT_B].state = COMPONENT_EXITED;
    r.components[CLIENT_B].exit_status = 3;
    watch_client_ended(&r, &r.components[CLIENT_B]);
    CHECK(total_signals() == 1);
    client_b(&state, &ends, &status);
    CHECK(state == ROOT_CLIENT_EXITED && ends == 1 && status == 3);
    /* client_a is a client of both endpoints: told once, for endpoint 0. */
    watch_client_ended(&r, &r.components[CLIENT_A]);
    CHECK(total_signals() == 2);
    /* A restarted client: running again, one more run ended. */
    r.components[CLIENT_B].state = COMPONENT_RUNNING;
    r.components[CLIENT_B].runs = 2;
    watch_client_ended(&r, &r.components[CLIENT_B]);
    client_b(&state, &ends, &status);
    CHECK(state == ROOT_CLIENT_RUNNING && ends == 1 && status == 0 && total_signals() == 3);
    r.components[CLIENT_B].state = COMPONENT_STOPPED; /* then it faults for good */
    client_b(&state, &ends, &status);
    CHECK(state == ROOT_CLIENT_STOPPED && ends == 2 && status == 0);
    r.components[CLIENT_B].state = COMPONENT_FAILED; /* or its rebuild failed */
    client_b(&state, &ends, &status);
    CHECK(state == ROOT_CLIENT_FAILED && ends == 2);

    /* Asked again for the same endpoint: replaced (a new bit), not added. */
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 8, 12, 3) == ROOT_REQUEST_OK &&
          minted_badge == 1ull << 3);
    watch_client_ended(&r, &r.components[OTHER]);
    CHECK(total_signals() == 4);
    /* Endpoint 1 too: client_a's end now signals both watches. */
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 9, 12, 4) == ROOT_REQUEST_OK);
    watch_client_ended(&r, &r.components[CLIENT_A]);
    CHECK(total_signals() == 6);
    /* The server itself ending is nobody's business here. */
    watch_client_ended(&r, &r.components[SERVER]);
    CHECK(total_signals() == 6);

    /* A restarted server's watches are dead until it asks again. */
    r.components[SERVER].runs = 2;
    watch_client_ended(&r, &r.components[CLIENT_A]);
    CHECK(total_signals() == 6);
    /* Asked again in its new run, any number of times: one watch per endpoint. */
    for (unsigned i = 0; i < 2 * ROOT_MAX_WATCHES; i++)
        CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 8 + i % 2, 12, i) == ROOT_REQUEST_OK);
    watch_client_ended(&r, &r.components[CLIENT_A]);
    CHECK(total_signals() == 8);
}

/* One server providing ROOT_MAX_WATCHES + 1 endpoints: it may watch
 * ROOT_MAX_WATCHES of them, the next is refused (and changes nothing);
 * once it is restarted, its dead entries are reused. */
static void test_too_many(void)
{
    static struct {
        struct kdm_header header;
        struct kdm_cap caps[ROOT_MAX_WATCHES + 2];
    } many;
    const uint64_t serve = KUMIKI_RIGHT_READ | KUMIKI_RIGHT_WRITE;
    many.header.cap_offset = offsetof(__typeof__(many), caps);
    for (unsigned i = 0; i <= ROOT_MAX_WATCHES; i++)
        many.caps[i] = endpoint(20 + i, i, 0, serve);
    many.caps[ROOT_MAX_WATCHES + 1] = (struct kdm_cap){ .kind = KDM_CAP_NOTIFICATION, .slot = 12 };
    setup();
    r.manifest = &many;
    r.header = &many.header;
    r.component_count = 1;
    decls[SERVER].cap_count = ROOT_MAX_WATCHES + 2;
    for (unsigned i = 0; i < ROOT_MAX_WATCHES; i++)
        CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 20 + i, 12, i) == ROOT_REQUEST_OK);
    unsigned invokes_before = invokes;
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 20 + ROOT_MAX_WATCHES, 12, 0) == ROOT_REQUEST_TOO_MANY);
    CHECK(invokes == invokes_before);
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 20, 12, 9) == ROOT_REQUEST_OK); /* a replacement fits */
    r.components[SERVER].runs = 2;
    CHECK(ask(SERVER, ROOT_REQUEST_WATCH_CLIENTS, 3, 20 + ROOT_MAX_WATCHES, 12, 0) == ROOT_REQUEST_OK);
}

int main(void)
{
    setup();
    test_clients();
    test_priorities();
    test_watch();
    test_too_many();
    return check_exit("root priority");
}
