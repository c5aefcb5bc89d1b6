/* servers/root/tests/test_priority.c — the root task's answers about a
 * server's clients (priority.c, root_requests.h) on the host, with the
 * kernel faked: a manifest of four components (a server providing two
 * endpoints, two clients of the first, one of the second), and every
 * request a component may send, allowed or not.  Refusals must change
 * nothing and make no kernel call. */
#include "check.h"
#include "priority_fixture.h"

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
