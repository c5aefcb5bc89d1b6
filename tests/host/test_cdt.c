/* tests/host/test_cdt.c — the capability derivation tree (kernel/core/cdt.c
 * with cap.c): insert, remove (promotion of an original's first child,
 * splicing otherwise and for factories), move, cdt_is_final and
 * cdt_find_leaf_below, then a seeded random walk checked against a model
 * after every step, and revoke-like loops on deep and wide trees with a
 * bound on the nodes the leaf search visits. */
#include "check.h"

#include <kernel/cdt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- helpers ----------------------------------------------------------- */

static struct cap endpoint_cap(uint64_t id)
{
    return (struct cap){ .type = KUMIKI_OBJ_ENDPOINT, .rights = KUMIKI_RIGHTS_ALL, .object = 0x1000 * id };
}

static struct cap untyped_cap(uint64_t id)
{
    return (struct cap){ .type = KUMIKI_OBJ_UNTYPED, .size_bits = 20, .object = 0x100000 * id };
}

static void put(struct cte *slot, struct cap cap, struct cte *parent)
{
    slot->cap = cap;
    cdt_insert_child(parent, slot);
}

static void delete (struct cte *slot)
{
    cdt_remove(slot);
    slot->cap = cap_null();
}

/* The children of `parent` are exactly list[0..n) in order, with
 * consistent back links. */
static bool children_are(const struct cte *parent, struct cte *const *list, unsigned n)
{
    const struct cte *c = parent->first_child, *prev = NULL;
    for (unsigned i = 0; i < n; i++) {
        if (c != list[i] || c->parent != parent || c->prev_sibling != prev)
            return false;
        prev = c;
        c = c->next_sibling;
    }
    return c == NULL;
}

static bool links_clear(const struct cte *s)
{
    return !s->parent && !s->first_child && !s->next_sibling && !s->prev_sibling;
}

/* ---- directed tests ------------------------------------------------------ */

static void test_insert(void)
{
    struct cte s[5];
    memset(s, 0xa5, sizeof(s)); /* insert must not trust stale links */
    put(&s[0], endpoint_cap(1), NULL);
    CHECK(links_clear(&s[0]));
    put(&s[1], endpoint_cap(1), &s[0]);
    put(&s[2], endpoint_cap(1), &s[0]);
    put(&s[3], endpoint_cap(1), &s[0]);
    put(&s[4], endpoint_cap(1), &s[2]);
    struct cte *const kids[] = { &s[1], &s[2], &s[3] };
    CHECK(children_are(&s[0], kids, 3));
    struct cte *const grandkid[] = { &s[4] };
    CHECK(children_are(&s[2], grandkid, 1));
    CHECK(children_are(&s[1], NULL, 0));
}

/* E (original under U) with children C1 (child D), C2, C3: deleting E
 * makes C1 the original in E's place, and C2, C3 its children after D. */
static void test_remove_promotes_first_child(void)
{
    struct cte u, before, e, after, c1, c2, c3, d;
    memset(&u, 0, sizeof(u));
    put(&u, untyped_cap(1), NULL);
    put(&before, endpoint_cap(7), &u);
    put(&e, endpoint_cap(8), &u);
    put(&after, endpoint_cap(9), &u);
    put(&c1, endpoint_cap(8), &e);
    put(&c2, endpoint_cap(8), &e);
    put(&c3, endpoint_cap(8), &e);
    put(&d, endpoint_cap(8), &c1);
    CHECK(!cdt_is_final(&e));
    delete (&e);
    CHECK(links_clear(&e));
    struct cte *const u_kids[] = { &before, &c1, &after };
    CHECK(children_are(&u, u_kids, 3));
    struct cte *const c1_kids[] = { &d, &c2, &c3 };
    CHECK(children_are(&c1, c1_kids, 3));
    CHECK(!cdt_is_final(&c1));

    /* An original root (parent NULL) with a single child: the child becomes the root. */
    struct cte r, k;
    put(&r, endpoint_cap(3), NULL);
    put(&k, endpoint_cap(3), &r);
    CHECK(!cdt_is_final(&r) && !cdt_is_final(&k));
    delete (&r);
    CHECK(links_clear(&k) && cdt_is_final(&k));
}

/* A copy (not original) with children: they take its place, in order. */
static void test_remove_splices_copies(void)
{
    struct cte e, c0, c1, c2, d1, d2;
    put(&e, endpoint_cap(4), NULL);
    put(&c0, endpoint_cap(4), &e);
    put(&c1, endpoint_cap(4), &e);
    put(&c2, endpoint_cap(4), &e);
    put(&d1, endpoint_cap(4), &c1);
    put(&d2, endpoint_cap(4), &c1);
    delete (&c1);
    struct cte *const kids[] = { &c0, &d1, &d2, &c2 };
    CHECK(children_are(&e, kids, 4));
    CHECK(links_clear(&c1));
    /* First child removed: the parent's first_child moves. */
    delete (&c0);
    struct cte *const kids2[] = { &d1, &d2, &c2 };
    CHECK(children_are(&e, kids2, 3));
    /* Last child removed. */
    delete (&c2);
    struct cte *const kids3[] = { &d1, &d2 };
    CHECK(children_are(&e, kids3, 2));
}

/* Factories (untyped, IRQ control, I/O port control) are never promoted
 * over: their children are different objects and move up to the parent. */
static void test_remove_factories_splice(void)
{
    struct cte big, left, mid, right, x, y;
    put(&big, untyped_cap(1), NULL);
    put(&left, endpoint_cap(1), &big);
    put(&mid, untyped_cap(2), &big);
    put(&right, endpoint_cap(2), &big);
    put(&x, endpoint_cap(3), &mid);
    put(&y, untyped_cap(3), &mid);
    CHECK(cdt_is_final(&mid));
    delete (&mid);
    struct cte *const kids[] = { &left, &x, &y, &right };
    CHECK(children_are(&big, kids, 4));

    static const uint8_t factories[] = { KUMIKI_OBJ_IRQ_CONTROL, KUMIKI_OBJ_IOPORT_CONTROL };
    for (unsigned i = 0; i < 2; i++) {
        struct cte root, ctl, h1, h2;
        put(&root, untyped_cap(9), NULL);
        put(&ctl, (struct cap){ .type = factories[i] }, &root);
        uint8_t child = factories[i] == KUMIKI_OBJ_IRQ_CONTROL ? KUMIKI_OBJ_IRQ_HANDLER : KUMIKI_OBJ_IOPORT;
        put(&h1, (struct cap){ .type = child, .data = 1 }, &ctl);
        put(&h2, (struct cap){ .type = child, .data = 2 }, &ctl);
        CHECK(cap_is_factory(&ctl.cap) && cdt_is_final(&ctl));
        CHECK(cdt_is_final(&h1) && cdt_is_final(&h2)); /* originals: their parent is a factory */
        delete (&ctl);
        struct cte *const hk[] = { &h1, &h2 };
        CHECK(children_are(&root, hk, 2));
    }
}

static void test_move(void)
{
    struct cte p, a, b, c, k1, k2, to;
    put(&p, endpoint_cap(5), NULL);
    put(&a, endpoint_cap(5), &p);
    put(&b, endpoint_cap(5), &p);
    put(&c, endpoint_cap(5), &p);
    put(&k1, endpoint_cap(5), &b);
    put(&k2, endpoint_cap(5), &b);
    memset(&to, 0, sizeof(to));
    cdt_move(&b, &to);
    CHECK(cap_is_null(&b.cap) && links_clear(&b));
    CHECK(to.cap.type == KUMIKI_OBJ_ENDPOINT && to.cap.object == 0x5000);
    struct cte *const kids[] = { &a, &to, &c };
    CHECK(children_are(&p, kids, 3));
    struct cte *const tkids[] = { &k1, &k2 };
    CHECK(children_are(&to, tkids, 2));

    /* Moving a first child and a last child. */
    struct cte to2, to3;
    memset(&to2, 0, sizeof(to2));
    memset(&to3, 0, sizeof(to3));
    cdt_move(&a, &to2);
    cdt_move(&c, &to3);
    struct cte *const kids2[] = { &to2, &to, &to3 };
    CHECK(children_are(&p, kids2, 3));

    /* Moving a root with children. */
    struct cte root2;
    memset(&root2, 0, sizeof(root2));
    cdt_move(&p, &root2);
    CHECK(children_are(&root2, kids2, 3) && !root2.parent);
}

static void test_is_final(void)
{
    struct cte u, e, copy, lone;
    put(&u, untyped_cap(1), NULL);
    CHECK(cdt_is_final(&u));
    put(&e, endpoint_cap(1), &u);
    CHECK(cdt_is_final(&e));
    CHECK(cdt_is_final(&u)); /* a factory is always its object's only capability */
    put(&copy, endpoint_cap(1), &e);
    CHECK(!cdt_is_final(&e) && !cdt_is_final(&copy));
    delete (&copy);
    CHECK(cdt_is_final(&e));
    put(&lone, endpoint_cap(2), NULL);
    CHECK(cdt_is_final(&lone));
}

static void test_find_leaf(void)
{
    struct cte r, a, b, a1, a2, a11;
    put(&r, endpoint_cap(1), NULL);
    CHECK(cdt_find_leaf_below(&r, NULL) == NULL);
    put(&a, endpoint_cap(1), &r);
    put(&b, endpoint_cap(1), &r);
    put(&a1, endpoint_cap(1), &a);
    put(&a2, endpoint_cap(1), &a);
    put(&a11, endpoint_cap(1), &a1);
    CHECK(cdt_find_leaf_below(&r, NULL) == &a11);
    CHECK(cdt_find_leaf_below(&r, &a2) == &a2);
    CHECK(cdt_find_leaf_below(&r, &a) == &a11);
    CHECK(cdt_find_leaf_below(&r, &b) == &b);
    CHECK(cdt_find_leaf_below(&a11, NULL) == NULL);
}

/* ---- model-checked random walk ------------------------------------------ */

enum { POOL = 64, STEPS = 20000, IRQ_LINES_MODEL = 16 };

static struct cte pool[POOL];
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_id = 1;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static struct cte *random_slot(bool want_full)
{
    unsigned start = (unsigned)(rnd() % POOL);
    for (unsigned i = 0; i < POOL; i++) {
        struct cte *s = &pool[(start + i) % POOL];
        if (cap_is_null(&s->cap) != want_full)
            return s;
    }
    return NULL;
}

static struct cte *random_full_of_type(bool factory)
{
    unsigned start = (unsigned)(rnd() % POOL);
    for (unsigned i = 0; i < POOL; i++) {
        struct cte *s = &pool[(start + i) % POOL];
        if (!cap_is_null(&s->cap) && cap_is_factory(&s->cap) == factory)
            return s;
    }
    return NULL;
}

static unsigned same_object_count(const struct cte *slot)
{
    unsigned n = 0;
    for (unsigned i = 0; i < POOL; i++)
        n += cap_same_object(&pool[i].cap, &slot->cap);
    return n;
}

static bool in_pool(const struct cte *p)
{
    return p == NULL || (p >= pool && p < pool + POOL);
}

static bool is_original(const struct cte *s)
{
    return !s->parent || cap_is_factory(&s->parent->cap);
}

static unsigned invariant_failures;
#define INVARIANT(cond)                                                           \
    do {                                                                          \
        if (!(cond)) {                                                            \
            if (invariant_failures++ < 10)                                        \
                fprintf(stderr, "step %lu: invariant broken: %s\n", step, #cond); \
        }                                                                         \
    } while (0)

static void check_tree(unsigned long step)
{
    unsigned full = 0, reached = 0;
    for (unsigned i = 0; i < POOL; i++) {
        struct cte *s = &pool[i];
        INVARIANT(in_pool(s->parent) && in_pool(s->first_child) && in_pool(s->next_sibling) &&
                  in_pool(s->prev_sibling));
        if (cap_is_null(&s->cap)) {
            INVARIANT(links_clear(s));
            continue;
        }
        full++;
        /* Links both ways. */
        if (s->parent) {
            INVARIANT(!cap_is_null(&s->parent->cap));
            bool found = false;
            for (struct cte *c = s->parent->first_child; c && !found; c = c->next_sibling)
                found = c == s;
            INVARIANT(found);
        }
        if (s->first_child)
            INVARIANT(s->first_child->parent == s && s->first_child->prev_sibling == NULL);
        if (s->next_sibling)
            INVARIANT(s->next_sibling->prev_sibling == s && s->next_sibling->parent == s->parent);
        if (s->prev_sibling)
            INVARIANT(s->prev_sibling->next_sibling == s && s->prev_sibling->parent == s->parent);
        else if (s->parent)
            INVARIANT(s->parent->first_child == s);
        /* No cycle: the parent chain ends within POOL steps. */
        unsigned up = 0;
        for (const struct cte *p = s->parent; p && up <= POOL; p = p->parent)
            up++;
        INVARIANT(up <= POOL);
        /* A non-factory's children are copies of its object. */
        if (s->parent && !cap_is_factory(&s->parent->cap))
            INVARIANT(cap_same_object(&s->cap, &s->parent->cap));
        /* Exactly one original per object, and every other capability to
         * the object descends from it through capabilities to the object. */
        if (!is_original(s)) {
            const struct cte *p = s;
            while (!is_original(p) && cap_same_object(&p->cap, &s->cap))
                p = p->parent;
            INVARIANT(cap_same_object(&p->cap, &s->cap));
        }
        unsigned originals = 0;
        for (unsigned j = 0; j < POOL; j++)
            if (cap_same_object(&pool[j].cap, &s->cap) && is_original(&pool[j]))
                originals++;
        INVARIANT(originals == 1);
        INVARIANT(cdt_is_final(s) == (same_object_count(s) == 1));
        /* Count the nodes reachable from the roots (below). */
        if (!s->parent && !s->prev_sibling) {
            /* Depth-first over this root's sibling chain and subtrees. */
            const struct cte *n = s;
            while (n && reached <= POOL) {
                reached++;
                if (n->first_child) {
                    n = n->first_child;
                    continue;
                }
                while (n && !n->next_sibling)
                    n = n->parent;
                if (n)
                    n = n->next_sibling;
            }
        }
    }
    INVARIANT(reached == full);
}

static void random_step(void)
{
    unsigned op = (unsigned)(rnd() % 16);
    if (op < 5) { /* create an object */
        struct cte *dest = random_slot(false);
        if (!dest)
            return;
        unsigned where = (unsigned)(rnd() % 4);
        struct cte *parent = NULL;
        if (where >= 2)
            parent = random_full_of_type(true);
        struct cap cap;
        if (parent && parent->cap.type == KUMIKI_OBJ_IRQ_CONTROL) {
            uint64_t line = rnd() % IRQ_LINES_MODEL;
            cap = (struct cap){ .type = KUMIKI_OBJ_IRQ_HANDLER, .data = line };
            for (unsigned i = 0; i < POOL; i++)
                if (cap_same_object(&pool[i].cap, &cap))
                    return; /* the line is taken: the kernel would refuse */
        } else if (!parent && where == 1) {
            cap = (struct cap){ .type = KUMIKI_OBJ_IRQ_CONTROL };
            for (unsigned i = 0; i < POOL; i++)
                if (cap_same_object(&pool[i].cap, &cap))
                    return; /* there is one IRQ control */
        } else {
            cap = rnd() % 3 ? endpoint_cap(next_id++) : untyped_cap(next_id++);
        }
        put(dest, cap, parent);
    } else if (op < 9) { /* copy */
        struct cte *src = random_full_of_type(false);
        struct cte *dest = random_slot(false);
        if (src && dest)
            put(dest, src->cap, src);
    } else if (op < 13) { /* delete */
        struct cte *s = random_slot(true);
        if (s)
            delete (s);
    } else { /* move */
        struct cte *from = random_slot(true), *to = random_slot(false);
        if (from && to)
            cdt_move(from, to);
    }
}

static void test_random_walk(void)
{
    memset(pool, 0, sizeof(pool));
    for (unsigned long step = 0; step < STEPS; step++) {
        random_step();
        check_tree(step);
        if (invariant_failures)
            break;
    }
    CHECK(invariant_failures == 0);
    /* Delete everything in random order: the pool ends empty and clean. */
    for (struct cte *s; (s = random_slot(true));)
        delete (s);
    for (unsigned i = 0; i < POOL; i++)
        CHECK(links_clear(&pool[i]));
}

/* ---- revoke: linear in the subtree size ---------------------------------- */

enum { BIG = 10000 };
static struct cte big[BIG + 1];
static unsigned depth_of[BIG + 1];

/* The kernel's revoke loop (object.c slot_revoke) over big[0]'s subtree,
 * counting the nodes cdt_find_leaf_below walks through: the depth of the
 * leaf it returns minus the depth it started from (depths do not change
 * while only leaves are deleted).  Returns the number deleted. */
static unsigned long revoke(struct cte *root, bool resume, unsigned long *visits)
{
    unsigned long deleted = 0;
    struct cte *start = NULL;
    *visits = 0;
    for (struct cte *leaf; (leaf = cdt_find_leaf_below(root, start));) {
        const struct cte *from = start ? start : root->first_child;
        *visits += 1 + depth_of[leaf - big] - depth_of[from - big];
        CHECK(leaf->first_child == NULL);
        struct cte *parent = leaf->parent;
        delete (leaf);
        deleted++;
        start = resume && parent != root ? parent : NULL;
    }
    return deleted;
}

static bool only_root_left(void)
{
    if (big[0].first_child)
        return false;
    for (unsigned i = 1; i <= BIG; i++)
        if (!cap_is_null(&big[i].cap) || !links_clear(&big[i]))
            return false;
    return true;
}

static void build(unsigned i, unsigned parent)
{
    put(&big[i], endpoint_cap(1), &big[parent]);
    depth_of[i] = depth_of[parent] + 1;
}

static void test_revoke_deep_chain(void)
{
    memset(big, 0, sizeof(big));
    put(&big[0], endpoint_cap(1), NULL);
    for (unsigned i = 1; i <= BIG; i++)
        build(i, i - 1);
    clock_t t0 = clock();
    unsigned long visits;
    CHECK(revoke(&big[0], true, &visits) == BIG);
    double seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(only_root_left());
    CHECK(visits <= 2ul * BIG);
    CHECK(seconds < 1.0);
    printf("deep chain of %u: %lu node visits, %.3f s\n", BIG, visits, seconds);

    /* Without resuming from the parent the same loop is quadratic: the
     * bound above is what tells the two apart. */
    for (unsigned i = 1; i <= BIG; i++)
        build(i, i - 1);
    revoke(&big[0], false, &visits);
    CHECK(visits > 10ul * BIG);
    CHECK(only_root_left());
}

static void test_revoke_wide_and_random(void)
{
    memset(big, 0, sizeof(big));
    put(&big[0], untyped_cap(1), NULL);
    for (unsigned i = 1; i <= BIG; i++)
        build(i, 0);
    unsigned long visits;
    CHECK(revoke(&big[0], true, &visits) == BIG);
    CHECK(only_root_left() && visits <= 2ul * BIG);

    /* A random tree (each node under a random earlier one) and a "comb":
     * a chain whose every node also has a leaf. */
    for (unsigned i = 1; i <= BIG; i++)
        build(i, (unsigned)(rnd() % i));
    CHECK(revoke(&big[0], true, &visits) == BIG);
    CHECK(only_root_left() && visits <= 3ul * BIG);
    printf("random tree of %u: %lu node visits\n", BIG, visits);

    for (unsigned i = 1; i <= BIG; i++)
        build(i, i % 2 ? (i > 2 ? i - 2 : 0) : i - 1);
    CHECK(revoke(&big[0], true, &visits) == BIG);
    CHECK(only_root_left() && visits <= 3ul * BIG);

    /* The root's siblings and parent are untouched by the revoke. */
    struct cte above, beside;
    memset(big, 0, sizeof(big));
    put(&above, untyped_cap(2), NULL);
    put(&big[0], endpoint_cap(3), &above);
    put(&beside, endpoint_cap(4), &above);
    for (unsigned i = 1; i <= 100; i++)
        build(i, (unsigned)(rnd() % i));
    CHECK(revoke(&big[0], true, &visits) == 100);
    struct cte *const kids[] = { &big[0], &beside };
    CHECK(children_are(&above, kids, 2));
}

int main(void)
{
    test_insert();
    test_remove_promotes_first_child();
    test_remove_splices_copies();
    test_remove_factories_splice();
    test_move();
    test_is_final();
    test_find_leaf();
    test_random_walk();
    test_revoke_deep_chain();
    test_revoke_wide_and_random();
    return check_exit("cdt");
}
