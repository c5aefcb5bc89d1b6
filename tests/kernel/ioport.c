/* tests/kernel/ioport.c — IOPORT_CONTROL ISSUE (overlaps, the kernel's own
 * ports) and IOPORT IN/OUT inside the range only. */
#include "groups.h"
#include "ktest.h"

#define ROOT    KUMIKI_CAP_INIT_CNODE
#define CONTROL KUMIKI_CAP_IOPORT_CONTROL

static uint64_t issue(uint64_t first, uint64_t last, kumiki_cptr_t slot)
{
    return kumiki_ioport_control_issue(CONTROL, first, last, ROOT, slot, 64);
}

static void issue_ranges_once(void)
{
    kumiki_cptr_t cmos = kt_slot(), slot = kt_slot(), copy = kt_slot();
    CHECK_OK(issue(0x70, 0x71, cmos));
    CHECK_EQ(kumiki_cap_type(cmos), KUMIKI_OBJ_IOPORT);
    CHECK_ERR(issue(0x70, 0x71, slot), KE_ILLEGAL_OPERATION);
    CHECK_ERR(issue(0x71, 0x72, slot), KE_ILLEGAL_OPERATION);
    CHECK_ERR(issue(0x60, 0x70, slot), KE_ILLEGAL_OPERATION);
    CHECK_ERR(issue(0x00, 0xffff, slot), KE_ILLEGAL_OPERATION);
    CHECK_OK(issue(0x72, 0x72, slot)); /* right next to it is free */
    CHECK_ERR(issue(0x73, 0x73, slot), KE_DELETE_FIRST);
    CHECK_ERR(issue(0x74, 0x73, kt_slot()), KE_RANGE);
    CHECK_ERR(issue(0xfff0, 0x10000, kt_slot()), KE_RANGE);
    CHECK_ERR(kumiki_ioport_control_issue(CONTROL, 0x74, 0x74, kt.pool, 1, 64), KE_WRONG_TYPE);
    CHECK_ERR(kumiki_ioport_control_issue(CONTROL, 0x74, 0x74, ROOT, 0, 64), KE_FAILED_LOOKUP);
    /* the range is free again once its last capability is gone */
    CHECK_OK(kumiki_cnode_copy(ROOT, copy, 64, ROOT, cmos, 64, KUMIKI_RIGHTS_ALL));
    CHECK_OK(kumiki_cnode_delete(ROOT, cmos, 64));
    CHECK_ERR(issue(0x70, 0x70, cmos), KE_ILLEGAL_OPERATION);
    CHECK_OK(kumiki_cnode_delete(ROOT, copy, 64));
    CHECK_OK(issue(0x70, 0x70, cmos));
    CHECK_ERR(kumiki_invoke(CONTROL, 2, 0, NULL, 0, NULL, 0, NULL), KE_UNKNOWN_INVOCATION);
}

static void kernel_ports_never_issued(void)
{
    static const struct {
        uint64_t first, last;
    } reserved[] = {
        { 0x20, 0x20 }, { 0x21, 0x21 }, { 0x1f, 0x20 }, { 0xa0, 0xa0 }, { 0xa1, 0xa1 },
        { 0xa1, 0xa2 }, { 0xf4, 0xf4 }, { 0xf7, 0xf7 }, { 0xf0, 0xff },
    };
    kumiki_cptr_t slot = kt_slot();
    for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
        CHECK_ERR(issue(reserved[i].first, reserved[i].last, slot), KE_ILLEGAL_OPERATION);
    CHECK_EQ(kumiki_cap_type(slot), KUMIKI_OBJ_NULL);
    /* their neighbours are not the kernel's */
    CHECK_OK(issue(0x3f7, 0x3f7, slot));
    CHECK_OK(issue(0x22, 0x22, kt_slot()));
    CHECK_OK(issue(0xf8, 0xf8, kt_slot()));
}

/* CMOS RAM through ports 0x70 (index) and 0x71 (data): a scratch byte. */
enum { CMOS_SCRATCH = 0x34 };

static void in_and_out_inside_the_range(void)
{
    kumiki_cptr_t cmos = kt_slot(), ro = kt_slot(), wo = kt_slot();
    uint64_t v = 0;
    CHECK_OK(issue(0x70, 0x71, cmos));
    for (unsigned pattern = 0x5a; pattern < 0x200; pattern += 0x4b) {
        CHECK_OK(kumiki_ioport_out8(cmos, 0x70, CMOS_SCRATCH));
        CHECK_OK(kumiki_ioport_out8(cmos, 0x71, pattern & 0xff));
        CHECK_OK(kumiki_ioport_out8(cmos, 0x70, CMOS_SCRATCH));
        CHECK_OK(kumiki_ioport_in8(cmos, 0x71, &v));
        CHECK_EQ(v, pattern & 0xff);
    }
    CHECK_OK(kumiki_ioport_in16(cmos, 0x70, &v)); /* 0x70-0x71: fits */
    /* outside, or straddling the end */
    CHECK_ERR(kumiki_ioport_in8(cmos, 0x6f, &v), KE_RANGE);
    CHECK_ERR(kumiki_ioport_in8(cmos, 0x72, &v), KE_RANGE);
    CHECK_ERR(kumiki_ioport_in8(cmos, 0x10070, &v), KE_RANGE);
    CHECK_ERR(kumiki_ioport_in16(cmos, 0x71, &v), KE_RANGE);
    CHECK_ERR(kumiki_ioport_out16(cmos, 0x71, 0), KE_RANGE);
    CHECK_ERR(kumiki_ioport_in32(cmos, 0x70, &v), KE_RANGE);
    CHECK_ERR(kumiki_ioport_out32(cmos, 0x70, 0), KE_RANGE);
    CHECK_ERR(kumiki_ioport_out8(cmos, 0x3f8, 'X'), KE_RANGE);
    /* rights: IN needs READ, OUT needs WRITE */
    CHECK_OK(kumiki_cnode_copy(ROOT, ro, 64, ROOT, cmos, 64, KUMIKI_RIGHT_READ));
    CHECK_OK(kumiki_cnode_copy(ROOT, wo, 64, ROOT, cmos, 64, KUMIKI_RIGHT_WRITE));
    CHECK_OK(kumiki_ioport_in8(ro, 0x71, &v));
    CHECK_ERR(kumiki_ioport_out8(ro, 0x70, CMOS_SCRATCH), KE_MISSING_RIGHT);
    CHECK_OK(kumiki_ioport_out8(wo, 0x70, CMOS_SCRATCH));
    CHECK_ERR(kumiki_ioport_in8(wo, 0x71, &v), KE_MISSING_RIGHT);
    /* malformed invocations */
    uint64_t words[1] = { 0x70 };
    CHECK_ERR(kumiki_invoke(cmos, KUMIKI_IOPORT_OUT8, 1, words, 0, NULL, 0, NULL), KE_TRUNCATED_MESSAGE);
    CHECK_ERR(kumiki_invoke(cmos, KUMIKI_IOPORT_IN8, 0, words, 0, NULL, 0, NULL), KE_TRUNCATED_MESSAGE);
    CHECK_ERR(kumiki_invoke(cmos, 7, 1, words, 0, NULL, 0, NULL), KE_UNKNOWN_INVOCATION);
    CHECK_ERR(kumiki_invoke(cmos, 0, 1, words, 0, NULL, 0, NULL), KE_UNKNOWN_INVOCATION);
}

const struct ktest ioport_tests[] = {
    { "ioport: ranges are issued once", issue_ranges_once },
    { "ioport: the kernel's ports are never issued", kernel_ports_never_issued },
    { "ioport: IN/OUT inside the range only", in_and_out_inside_the_range },
    { NULL, NULL },
};
