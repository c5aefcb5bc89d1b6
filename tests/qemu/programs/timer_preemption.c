/* timer_preemption: the timer interrupts this program while it computes in
 * user mode, and every register survives the trip through the kernel. */
#include <kumiki/user.h>

/* In arch/x86_64/register_spin.S: fills every general register with a known
 * pattern, spins `iterations` times, returns the number of registers that
 * no longer hold their pattern. */
int register_spin(uint64_t iterations);

int main(const char *cmdline)
{
    (void)cmdline;
    uint64_t start = kumiki_ticks(), rounds = 0;
    while (kumiki_ticks() < start + 5) {
        int damaged = register_spin(200000);
        if (damaged) {
            uprintf("# %d registers changed across an interrupt\n", damaged);
            return 2;
        }
        if (++rounds > 100000) {
            uprintf("# timer never advanced (%lu ticks)\n", (unsigned long)kumiki_ticks());
            return 3;
        }
    }
    uprintf("# %lu ticks passed during %lu rounds of register checks\n",
            (unsigned long)(kumiki_ticks() - start), (unsigned long)rounds);
    return 0;
}
