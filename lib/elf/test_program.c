/*
 * A tiny freestanding program built natively by the linker the host really
 * uses, only to be parsed by test_elf64_image (it is never run).  Variants:
 * plain static ET_EXEC, with thread-local data (PT_TLS), and static-PIE.
 */
#include <stdint.h>

#ifdef WITH_TLS
/* Initialised and zeroed TLS: .tdata and .tbss, hence a PT_TLS. */
__thread uint64_t tls_counter = 42;
__thread uint64_t tls_scratch[8];
#endif

static const char message[] = "kumiki elf64 test program";
uint64_t data_word = 7;  /* .data */
uint64_t bss_words[512]; /* .bss, more than a page */

void _start(void);

void _start(void)
{
    volatile uint64_t sink = data_word + (uint64_t)message[0] + bss_words[3];
#ifdef WITH_TLS
    sink += tls_counter + tls_scratch[1];
#endif
    (void)sink;
    for (;;) {
    }
}
