/* servers/devstate/motor/motor_client.c — a client OS's floppy driver in
 * the motor scenario (docs/devstate.md), as such drivers work: switch the
 * drive's motor on in the DOR, read, and leave the motor running until a
 * motor-off timer of its own (the timer driver) fires, so that the next
 * read soon after needs no spin-up.  It sees the controller only through
 * its view in the device-state server (badge 0x1NN: device 1, client NN).
 *
 * Two of them ("client=1", "client=2") alternate on drives A and B in four
 * rounds: A led by client 1, B by client 2, A by client 2, B by client 1.
 * The leader switches the motor on, reads a few chunks and arms its timer;
 * the follower starts a little later and keeps reading (a long transfer)
 * past the moment the leader's timer switches the leader's motor off, so
 * the merge must keep the motor running.  The monitor's lines show whether
 * it did (tests/devstate/motor_check.py); here each client checks its data
 * (the images hold pattern() below), that the DOR it reads back shows its
 * own view of the motors, and that a write is refused.
 *
 * With "abandon" (the motor_exit scenario, devstate_motor_exit.kdep) it
 * is an OS that ends with its motors on in its view, never switching them
 * off nor detaching: client 1 switches motor A on, reads, and exits half a
 * second later; client 2 switches A on, reads, reads A again after client
 * 1 has gone (A must still run, for client 2's view), switches B on, reads,
 * and faults (each run: its deployment restarts it twice).  Devstate must
 * let each ended client's view leave, so that the motors stop after the
 * last one (tests/devstate/motor_exit_check.py). */
#include "devstate_client.h"
#include "motor_client_caps.h"
#include "timer_client.h"

#include <kidl_kumiki.h>
#include <kumiki/ipc.h>
#include <kumiki/user.h>

#define MS 1000000ull

enum {
    DOR = 0x3f2,
    DOR_ENABLE = 0x0c, /* not in reset, DMA and IRQ enabled */
    OP_READ = 1,       /* devices/fdc.dst: operation read 1, write 2 */
    OP_WRITE = 2,
    SECTOR = 512,
    CHUNK = 4, /* sectors per transfer */
    ROUNDS = 4,
    ROUND_MS = 3000, /* each round's start: T0 + r * ROUND_MS */
    FOLLOW_AFTER_MS = 150,
    FOLLOW_UNTIL_MS = 1500, /* the follower reads until round start + this */
    LEADER_CHUNKS = 4,
    GAP_MS = 40,        /* between chunks: the OS does other work */
    MOTOR_OFF_MS = 200, /* the motor-off timer after the last read */
    ID_SLEEP = 2,       /* timer ids: 0 and 1 are the drives' motor-off timers */
};

static unsigned client, failures;
static uint8_t dor = DOR_ENABLE; /* this client's own view of the DOR */
static bool off_armed[2];
static uint32_t next_lba[2];
static const uint8_t *const buffer = (const uint8_t *)MOTOR_CLIENT_VADDR_BUFFER;

static void expect(bool ok, const char *what)
{
    if (!ok) {
        uprintf("motor_client %u: FAILED %s\n", client, what);
        failures++;
    }
}

/* Byte i of sector lba on drive d (tests/devstate/motor_check.py writes it). */
static uint8_t pattern(unsigned d, uint32_t lba, unsigned i)
{
    if (i < 4)
        return (uint8_t)(lba >> (8 * i));
    return i == 4 ? (uint8_t)('A' + d) : (uint8_t)(lba * 13 + i + d * 7);
}

static uint64_t now(void)
{
    uint64_t ns = 0;
    timer_now(MOTOR_CLIENT_CAP_CLOCK, &ns);
    return ns;
}

static void write_dor(uint8_t value)
{
    enum devstate_outcome outcome;
    int e = devstate_write(MOTOR_CLIENT_CAP_FLOPPY, client, DOR, 1, value, &outcome);
    dor = value;
    expect(!e && outcome != DEVSTATE_OUTCOME_ERROR, "a DOR write");
    uint64_t back = 0;
    e = devstate_read(MOTOR_CLIENT_CAP_FLOPPY, client, DOR, 1, &back, &outcome);
    /* A rewritten read: this view's own bits 0-5 (select, control, motors). */
    expect(!e && outcome == DEVSTATE_OUTCOME_REWRITTEN && (back & 0x3f) == (dor & 0x3f),
           "the DOR reads back as this client's view");
}

static void motor(unsigned drive, bool on)
{
    uint8_t bit = (uint8_t)(0x10u << drive);
    write_dor(on ? (uint8_t)((dor & ~3u) | bit | drive) : (uint8_t)(dor & ~bit));
}

/* Timer bits that came: a motor-off timer switches its drive's motor off. */
static bool handle(uint64_t word)
{
    for (unsigned d = 0; d < 2; d++)
        if ((word & (1ull << d)) && off_armed[d]) {
            off_armed[d] = false;
            motor(d, false);
        }
    return word & (1ull << ID_SLEEP);
}

static void sleep_until(uint64_t when)
{
    uint64_t t = now();
    if (when <= t)
        return;
    timer_oneshot(MOTOR_CLIENT_CAP_CLOCK, ID_SLEEP, when - t);
    for (;;) {
        uint64_t word = 0;
        kumiki_wait(MOTOR_CLIENT_CAP_TIMER, &word);
        if (handle(word))
            return;
    }
}

static void read_chunk(unsigned drive)
{
    uint32_t lba = next_lba[drive];
    next_lba[drive] += CHUNK;
    enum devstate_outcome outcome;
    int e = devstate_transfer(MOTOR_CLIENT_CAP_FLOPPY, client, OP_READ, drive, lba, CHUNK, &outcome);
    bool same = !e && outcome == DEVSTATE_OUTCOME_FORWARDED;
    for (unsigned s = 0; same && s < CHUNK; s++)
        for (unsigned i = 0; i < SECTOR; i++)
            if (buffer[s * SECTOR + i] != pattern(drive, lba + s, i)) {
                uprintf("motor_client %u: drive %c sector %u byte %u differs\n", client, 'A' + drive, lba + s,
                        i);
                same = false;
                break;
            }
    expect(same, "a chunk reads and holds the image's pattern");
}

/* One transfer as an OS does it: motor on (no spin-up if it still runs),
 * the chunks, then the motor-off timer. */
static void session(unsigned drive, uint64_t until, unsigned chunks)
{
    if (off_armed[drive]) {
        timer_cancel(MOTOR_CLIENT_CAP_CLOCK, (uint8_t)drive);
        off_armed[drive] = false;
    }
    if (!(dor & (0x10u << drive)))
        motor(drive, true);
    for (unsigned n = 0; n < chunks || now() < until; n++) {
        read_chunk(drive);
        sleep_until(now() + GAP_MS * MS);
    }
    timer_oneshot(MOTOR_CLIENT_CAP_CLOCK, (uint8_t)drive, MOTOR_OFF_MS * MS);
    off_armed[drive] = true;
}

enum { ABANDON_EXIT_AFTER_MS = 500, ABANDON_READ_AGAIN_MS = 1500 };

static int abandon(void)
{
    motor(0, true);
    read_chunk(0);
    if (client == 1) {
        sleep_until(now() + ABANDON_EXIT_AFTER_MS * MS);
        uprintf("motor_client 1: exiting with motor A on in its view (%u failures)\n", failures);
        return failures ? 1 : 0;
    }
    sleep_until(now() + ABANDON_READ_AGAIN_MS * MS); /* client 1 has ended meanwhile */
    read_chunk(0);
    motor(1, true);
    read_chunk(1);
    uprintf("motor_client 2: faulting with motors A and B on in its view (%u failures)\n", failures);
    *(volatile uint64_t *)0 = failures; /* a page fault: the end of this run */
    return 1;
}

int main(const char *args)
{
    client = has_argument(args, "client=2") ? 2 : 1;
    next_lba[0] = next_lba[1] = client == 1 ? 0 : 1440;
    if (timer_register_notification(MOTOR_CLIENT_CAP_CLOCK, MOTOR_CLIENT_CAP_TIMER)) {
        uprintf("motor_client %u: the timer refuses its notification\n", client);
        return 1;
    }
    enum devstate_outcome outcome;
    int e = devstate_transfer(MOTOR_CLIENT_CAP_FLOPPY, client, OP_WRITE, 0, 0, 1, &outcome);
    expect(!e && outcome == DEVSTATE_OUTCOME_REFUSED, "a write to the shared medium is refused");
    e = devstate_transfer(MOTOR_CLIENT_CAP_FLOPPY, client, OP_READ, 0, 0, 33, &outcome);
    expect(e == DEVSTATE_ERROR_BAD_SIZE, "a transfer larger than the shared buffer is refused");
    if (has_argument(args, "abandon"))
        return abandon();
    uint64_t start = now();
    for (unsigned r = 0; r < ROUNDS; r++) {
        unsigned drive = r % 2, leader = r == 0 || r == 3 ? 1 : 2;
        uint64_t round = start + (uint64_t)r * ROUND_MS * MS;
        if (client == leader) {
            sleep_until(round);
            session(drive, 0, LEADER_CHUNKS);
        } else {
            sleep_until(round + FOLLOW_AFTER_MS * MS);
            session(drive, round + FOLLOW_UNTIL_MS * MS, 1);
        }
    }
    sleep_until(start + (uint64_t)ROUNDS * ROUND_MS * MS); /* the last motor-off timers fire */
    expect(!(dor & 0x30), "both motors off in this view at the end");
    e = devstate_detach(MOTOR_CLIENT_CAP_FLOPPY, client);
    expect(!e, "detach");
    uprintf("motor_client %u: %u failures\n", client, failures);
    return failures ? 1 : 0;
}
