/* drivers/virtio_blk/pci_outsider.c — a component of blk_test.kdep with no
 * capability at all: its calls to where a pci client's endpoint would be
 * (the first free slot) find nothing. */
#include "pci_client.h"
#include "pci_outsider_caps.h"

#include <kidl_kumiki.h>
#include <kumiki/ipc.h>
#include <kumiki/program.h>
#include <kumiki/user.h>

int main(const char *args)
{
    (void)args;
    struct kumiki_msg msg = { .label = PCI_LABEL_COUNT };
    uint64_t e = kumiki_call(KUMIKI_PROGRAM_CAP_FIRST_FREE, &msg);
    uprintf("outsider: call to slot %u -> %s\n", (unsigned)KUMIKI_PROGRAM_CAP_FIRST_FREE,
            kumiki_error_name(e));
    uint32_t count = 0;
    int k = pci_count(KUMIKI_PROGRAM_CAP_FIRST_FREE, &count);
    uprintf("outsider: pci_count -> %d\n", k);
    return e == KE_INVALID_CAPABILITY && k == KIDL_ERR_TRANSPORT ? 0 : 1;
}
