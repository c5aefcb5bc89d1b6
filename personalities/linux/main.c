/* personalities/linux/main.c — the Linux personality server: boot, then
 * answer every fault of every Linux thread.
 *
 * One server thread does everything, so nothing locks.  A fault arrives
 * with the thread's badge; the answer is a reply (resume), a saved reply
 * for later (the call waits), or nothing (the thread is gone).  Replies to
 * the current fault go out with ReplyRecv (one kernel entry), unless woken
 * threads must be answered first. */
#include "exec.h"
#include "ext2/blk_client_dev.h"
#include "fd.h"
#include "frames.h"
#include "heap.h"
#include "hostlink.h"
#include "klog.h"
#include "kobj.h"
#include "linux_caps.h"
#include "personality.h"
#include "signal.h"
#include "signal_frame.h"
#include "signal_rules.h"
#include "slots.h"
#include "syscall.h"
#include "time.h"
#include "timer_client.h"
#include "tty.h"
#include "vfs.h"
#include <kumiki/invocations_generated.h>
#include <kumiki/ipc.h>
#include <kumiki/module_header.h>
#include <kumiki/program.h>
#include <kumiki/user.h>
#include <stdarg.h>

struct lx_personality lx;

/* Memory plan of the untyped (2^LINUX_UNTYPED_BITS_POOL bytes): address
 * spaces get chunks, the rest is the frame pool, the heap and the
 * personality's own page tables. */
enum { CHUNK_BITS = 18, CHUNK_COUNT = 64 };

/* The CSpace: linux.kdep gives the instance `cspace 16`; the slots
 * above the declared ones are the personality's to hand out. */
enum { CSPACE_RADIX = 16, FIRST_FREE_SLOT = 32 };
_Static_assert(LINUX_CAP_ROOTFS < FIRST_FREE_SLOT, "declared capabilities below the free slots");

void lx_log(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    size_t n = uvsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n > sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n++] = '\n';
    line[n] = 0;
    uprintf("linux: %s", line);
    klog_append(lx_now_ns(), line, n);
}

static bool init_done, halted, halt_machine;

void lx_halt(bool whole_machine)
{
    halted = true;
    halt_machine = whole_machine;
}

/* After reboot(2): no Linux thread runs again; the machine halts when this
 * personality ends the run, otherwise the personality exits alone. */
static int halt_now(void)
{
    for (struct lx_proc *p = proc_first(); p; p = proc_next(p))
        for (struct lx_thread *t = p->threads; t; t = t->next_in_proc)
            thread_suspend(t);
    if (halt_machine && lx.halt_when_init_exits) {
        uint64_t ignored;
        kumiki_raw_syscall(SYS_DEBUG_HALT, 0x10, 0, &ignored);
    }
    lx_log("halted");
    return 0;
}

void lx_init_exited(int wait_status)
{
    lx_log("init exited: %s %d", (wait_status & 0x7f) ? "signal" : "status",
           (wait_status & 0x7f) ? wait_status & 0x7f : (wait_status >> 8) & 0xff);
    vfs_sync_all(); /* as a kernel does before it halts: what the programs wrote reaches the disk */
    hostlink_exit(wait_status);
    init_done = true;
}

/* ---- answering threads -------------------------------------------------------- */

/* A fault message or its answer: at most the ten words of an
 * UNKNOWN_SYSCALL fault, no capabilities.  (struct kumiki_msg is a kilobyte;
 * copying it twice per system call was a third of a getpid.) */
struct lx_msg {
    uint64_t label, badge;
    unsigned length;
    uint64_t words[KUMIKI_FAULT_MAX_WORDS];
};

static struct lx_msg reply;
static bool reply_pending; /* `reply` answers the fault just received */

static void fill_syscall_reply(struct lx_msg *m, const struct lx_syscall_regs *r, bool all)
{
    m->label = 0;
    m->length = all ? 10 : 1;
    m->words[0] = r->rax;
    if (all) {
        const uint64_t w[] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9, r->rip, r->rsp, r->rflags };
        for (unsigned i = 0; i < 9; i++)
            m->words[1 + i] = w[i];
    }
}

/* Sends m to t: as the reply to the current fault (sent by the main loop's
 * ReplyRecv), or through the reply capability saved when t started waiting. */
static void answer(struct lx_thread *t, const struct lx_msg *m, bool current)
{
    if (current) {
        reply = *m;
        reply_pending = true;
    } else {
        struct kumiki_msg k = { .label = m->label, .length = m->length };
        for (unsigned i = 0; i < m->length; i++)
            k.words[i] = m->words[i];
        kumiki_send(t->reply_slot, &k);
    }
    t->state = LX_THREAD_RUNNING;
}

static void complete(struct lx_thread *t, int64_t result, bool current)
{
    for (unsigned again = 0; result == LX_BLOCK && t->wake_pending && again < 16; again++) {
        t->wake_pending = false; /* what it waited for happened while it was deciding to wait */
        lx_unwait(t);
        result = syscall_run(t);
    }
    t->wake_pending = false;
    if (result == LX_BLOCK && !t->has_result && lx_signal_deliverable(t)) {
        /* A signal is waiting: the call does not sleep; it runs once more
         * knowing it was interrupted (nanosleep reports what was left). */
        lx_unwait(t);
        t->interrupted = true;
        result = syscall_run(t);
        if (result == LX_BLOCK) {
            lx_unwait(t);
            result = -LX_EINTR;
        }
    }
    if (result != LX_BLOCK && result != LX_NO_REPLY && signal_stop_point(t)) {
        /* Its process is stopped: the answer waits, as a "complete later"
         * result, for SIGCONT to wake the thread (signal.h, "Stopping"). */
        t->has_result = true;
        t->result = result;
        result = LX_BLOCK;
    }
    if (result == LX_BLOCK) {
        if (current && kumiki_cnode_save_caller(KUMIKI_PROGRAM_CAP_CNODE, t->reply_slot, 64)) {
            lx_log("cannot save the reply of %s[%d]", t->proc->comm, t->tid);
            lx_unwait(t);
            return;
        }
        t->state = LX_THREAD_BLOCKED;
        return;
    }
    if (result == LX_NO_REPLY)
        return;
    t->call_deadline_ns = 0;
    t->timed_out = false;
    t->interrupted = false;
    struct lx_msg m;
    if (result == LX_RESUME_AS_IS) {
        /* Signals that came while its answer waited (a stop) or while it
         * ran user code are taken before it runs on. */
        if (lx_signal_deliverable(t) && !signal_deliver(t, NULL, NULL, false))
            return; /* killed */
        m = (struct lx_msg){ .label = 0, .length = 0 };
        answer(t, &m, current);
        return;
    }
    if (!signal_work(t, result)) { /* the common case: only rax changes */
        if (current) {
            reply.label = 0;
            reply.length = 1;
            reply.words[0] = (uint64_t)result;
            reply_pending = true;
            t->state = LX_THREAD_RUNNING;
            return;
        }
        m = (struct lx_msg){ .label = 0, .length = 1, .words = { (uint64_t)result } };
        answer(t, &m, false);
        return;
    }
    struct lx_syscall_regs r = t->regs;
    r.rax = (uint64_t)result;
    if (signal_work(t, result)) {
        struct lx_syscall_regs before = r;
        if (!signal_deliver(t, &r, &result, true))
            return; /* killed */
        fill_syscall_reply(&m, &r, memcmp(&before, &r, sizeof(r)) != 0);
    } else {
        fill_syscall_reply(&m, &r, false);
    }
    answer(t, &m, current);
}

static void run_retries(void)
{
    struct lx_thread *t;
    while ((t = lx_next_retry())) {
        if (t->state != LX_THREAD_RETRY)
            continue;
        if (signal_stopped(t)) {
            /* A stopped thread does not run its call (it could take data
             * others are waiting for): SIGCONT wakes it again. */
            t->state = LX_THREAD_BLOCKED;
            continue;
        }
        int64_t result;
        if (t->has_result) {
            t->has_result = false;
            result = t->result;
        } else {
            result = syscall_run(t);
        }
        if (result == LX_BLOCK && !lx_signal_deliverable(t)) {
            t->state = LX_THREAD_BLOCKED; /* its reply capability is still saved */
            continue;
        }
        t->state = LX_THREAD_BLOCKED;
        complete(t, result, false);
    }
}

static void handle(const struct lx_msg *m)
{
    if (m->label == KUMIKI_BOUND_NOTIFICATION_LABEL) {
        time_fired();
        lx_deadlines_dirty = true;
        return;
    }
    struct lx_thread *t = thread_by_badge(m->badge);
    if (!t)
        return; /* a thread that is gone; its fault needs no answer */
    switch (m->label) {
    case 1: { /* UNKNOWN_SYSCALL: a Linux system call */
        const uint64_t *w = m->words;
        t->regs = (struct lx_syscall_regs){ w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9] };
        t->state = LX_THREAD_SYSCALL;
        complete(t, syscall_run(t), true);
        return;
    }
    case 3: { /* VM fault: rip address is_fetch error_code */
        int e = mm_fault(t->proc->mm, m->words[1], m->words[3]);
        if (e == 0) {
            complete(t, LX_RESUME_AS_IS, true); /* through complete(): its process may be stopped */
            return;
        }
        bool bus = e == -LX_ENOMEM || e == -LX_ENXIO; /* out of memory, or past the end of a file */
        int sig = bus ? LX_SIGBUS : LX_SIGSEGV;
        int code = bus                                     ? 2 /* BUS_ADRERR */
                   : mm_find_vma(t->proc->mm, m->words[1]) ? 2 /* ACCERR */
                                                           : 1 /* MAPERR */;
        if (signal_fault(t, sig, code, m->words[1]))
            complete(t, LX_RESUME_AS_IS, true);
        return;
    }
    case 2: { /* USER_EXCEPTION: rip rsp rflags vector error_code */
        struct lx_sig_fault f = lx_sig_for_exception(m->words[3], m->words[0]);
        struct lx_fpstate fpu;
        if (f.sig == LX_SIGFPE && f.code != LX_FPE_INTDIV && thread_read_fpu(t, &fpu) == 0) {
            f.code = lx_fpe_code(m->words[3], fpu.cwd, fpu.swd, fpu.mxcsr);
            if (!f.code) { /* spurious: run on, as Linux does */
                complete(t, LX_RESUME_AS_IS, true);
                return;
            }
        }
        if (signal_fault(t, f.sig, f.code, f.addr))
            complete(t, LX_RESUME_AS_IS, true);
        return;
    }
    default: return;
    }
}

/* Sends the answer to the current fault now (kumiki_reply) instead of
 * with the main loop's ReplyRecv. */
static void reply_now(void)
{
    if (!reply_pending)
        return;
    struct kumiki_msg k = { .label = reply.label, .length = reply.length };
    for (unsigned i = 0; i < reply.length; i++)
        k.words[i] = reply.words[i];
    reply_pending = false;
    kumiki_reply(&k);
}

/* Job control: the threads of stopped processes that run user code are
 * suspended (signal.h, "Stopping").  Suspending a thread cancels a fault it
 * is sending, which would lose a system call; so every message already
 * queued is handled first (a stopped thread's answer is then held back),
 * and the others are suspended before the server waits again: every Linux
 * thread is below the server's priority, so none runs in between. */
static void suspend_stopped_threads(void)
{
    reply_now();
    struct kumiki_msg k;
    while (kumiki_nb_recv(lx.endpoint, &k) == KE_OK) {
        struct lx_msg m = { .label = k.label, .badge = k.badge, .length = k.length };
        if (m.length > KUMIKI_FAULT_MAX_WORDS)
            m.length = KUMIKI_FAULT_MAX_WORDS;
        memcpy(m.words, k.words, m.length * sizeof(uint64_t));
        handle(&m);
        reply_now();
    }
    signal_suspend_stopped();
}

/* ---- boot ---------------------------------------------------------------------- */

/* An absolute path of the boot file systems, as the personality itself
 * (root) sees it: *out is ref'd.  0 or -errno. */
static int boot_lookup(const char *path, unsigned flags, struct lx_path *out)
{
    struct lx_lookup_ctx c = { 0 };
    if (!vfs_root(&c.root))
        return -LX_ENOENT;
    c.start = c.root;
    int e = vfs_lookup(&c, path, flags, out);
    path_put(&c.root);
    return e;
}

static char *read_whole(const char *path, size_t *len)
{
    struct lx_path where;
    if (boot_lookup(path, LX_LOOKUP_FOLLOW, &where))
        return NULL;
    uint64_t size = inode_size(where.inode);
    char *buf = size < (1u << 20) ? lx_malloc((size_t)size + 1) : NULL;
    if (buf && vfs_read_inode(where.inode, 0, buf, (size_t)size) != (int64_t)size) {
        lx_free(buf);
        buf = NULL;
    }
    if (buf)
        buf[size] = 0;
    *len = (size_t)size;
    path_put(&where);
    return buf;
}

/* A one-line file (a path): its text without trailing newlines or NULs. */
static char *read_line(const char *path)
{
    size_t len;
    char *text = read_whole(path, &len);
    while (text && len && (text[len - 1] == '\n' || !text[len - 1]))
        text[--len] = 0;
    return text;
}

/* NUL-separated strings of a file into a vector. */
static char **split(char *data, size_t len, unsigned *count)
{
    unsigned n = 0;
    for (size_t i = 0; i < len; i++)
        if (!data[i])
            n++;
    if (len && data[len - 1])
        n++;
    char **v = lx_calloc(n + 1, sizeof(char *));
    if (!v)
        return NULL;
    unsigned k = 0;
    for (size_t i = 0; i < len && k < n; k++) {
        v[k] = lx_strdup(data + i);
        i += strlen(data + i) + 1;
    }
    *count = k;
    return v;
}

/* The first process.  From the boot archive (kumiki-run): what its /.kumiki
 * files say (tools/kumiki_run/rootfs.py).  From a disk root: /sbin/init on
 * the console, with the environment Linux gives init; a disk's /.kumiki,
 * if it has one, is only files. */
static int start_init(bool from_archive)
{
    struct lx_exec_args args = { 0 };
    size_t len;
    char *data = from_archive ? read_whole("/.kumiki/argv", &len) : NULL;
    size_t console_len;
    char *console = from_archive ? read_whole("/.kumiki/console", &console_len) : NULL; /* --console */
    bool run_mode = data != NULL && lx.hostlink && !console; /* started by tools/kumiki-run */
    lx_free(console);
    if (data) {
        args.argv = split(data, len, &args.argc);
        lx_free(data);
    }
    if (!args.argv || !args.argc) {
        static char *const fallback[] = { "/sbin/init" };
        args.argv = lx_calloc(2, sizeof(char *));
        args.argv[0] = lx_strdup(fallback[0]);
        args.argc = 1;
    }
    data = from_archive ? read_whole("/.kumiki/env", &len) : NULL;
    if (data) {
        args.envp = split(data, len, &args.envc);
        lx_free(data);
    } else if (!from_archive) {
        static const char init_env[] = "HOME=/\0TERM=linux";
        args.envp = split((char *)init_env, sizeof(init_env), &args.envc);
    }
    struct lx_proc *p = proc_new(NULL);
    struct lx_thread *t = p ? thread_new(p) : NULL;
    if (!t)
        return -LX_ENOMEM;
    p->files = files_new();
    p->fs = fsinfo_new_root();
    if (!p->files || !p->fs)
        return -LX_ENOMEM;
    data = from_archive ? read_line("/.kumiki/cwd") : NULL;
    if (data) {
        struct lx_lookup_ctx c = { .root = p->fs->root, .start = p->fs->cwd };
        struct lx_path dir;
        if (vfs_lookup(&c, data, LX_LOOKUP_FOLLOW | LX_LOOKUP_DIRECTORY, &dir) == 0) {
            path_put(&p->fs->cwd);
            p->fs->cwd = dir;
        } else {
            lx_log("cannot change to the directory %s", data);
        }
        lx_free(data);
    }
    struct lx_file *in, *out, *err;
    if (run_mode) {
        /* kumiki-run: standard input is a file of the archive (or nothing),
         * standard output and error go to the host separately. */
        in = vfs_open_kernel("/.kumiki/stdin", LX_O_RDONLY);
        if (!in)
            in = vfs_open_kernel("/dev/null", LX_O_RDONLY);
        out = hostlink_file_open(HOSTLINK_STDOUT);
        err = hostlink_file_open(HOSTLINK_STDERR);
    } else {
        /* The console is init's terminal. */
        in = tty_open();
        out = tty_open();
        err = tty_open();
        /* A program of the archive is given the console as its controlling
         * terminal (kumiki-run --console: job control without setsid);
         * /sbin/init is not, as Linux's init is not: its children take it
         * with setsid and TIOCSCTTY. */
        if (from_archive)
            tty_set_session(p->sid, p->pgid);
    }
    if (in)
        files_install(p->files, 0, in);
    if (out)
        files_install(p->files, 1, out);
    if (err)
        files_install(p->files, 2, err);
    struct lx_inode *prog;
    const char *path = args.argv[0];
    if (from_archive && vfs_open_exec(p, "/.kumiki/prog", &prog) == 0) {
        inode_put(prog);
        path = "/.kumiki/prog";
    }
    memcpy(p->comm, "init", 5);
    int e = lx_exec(t, path, &args);
    if (e)
        lx_log("cannot start %s: error %d", path, -e);
    lx_exec_args_free(&args);
    return e;
}

enum { ROOT_DISK_MAJOR = 254, ROOT_DISK_MINOR = 0 }; /* the virtio disk: /dev/vda */

/* The ext2 disk at /mnt, when the deployment's virtio_blk driver found one
 * (tools/kumiki-run --disk).  No disk, or one ext2 refuses, is not an
 * error: the personality runs on its root archive alone. */
static void mount_disk(void)
{
    struct lx_path at;
    int e = boot_lookup("/mnt", LX_LOOKUP_FOLLOW | LX_LOOKUP_DIRECTORY, &at);
    if (e) {
        lx_log("no /mnt to mount the disk on");
        return;
    }
    e = ext2_mount_blk(LINUX_CAP_DISK, (void *)(uintptr_t)LINUX_VADDR_DATA, LINUX_SIZE_DATA, &at,
                       lx_makedev(ROOT_DISK_MAJOR, ROOT_DISK_MINOR), NULL);
    lx_log(e ? "no ext2 disk mounted (error %d)" : "ext2 disk mounted at /mnt", -e);
    path_put(&at);
}

/* The boot archive's /.kumiki/root names the disk to use as the root file
 * system (deployments/system: the default Linux system), as Linux's root=
 * does: the archive is then only the boot's configuration.  The disk's
 * ext2 replaces the archive's file systems at "/", devtmpfs is mounted on
 * its /dev (as Linux's CONFIG_DEVTMPFS_MOUNT does), and /proc and /tmp are
 * left to init's scripts.  Returns 1 when there is no such file (the root
 * stays the archive), 0 when the disk is the root, -errno when it cannot
 * be. */
static int mount_root_disk(void)
{
    char *root = read_line("/.kumiki/root");
    if (!root)
        return 1;
    bool known = strcmp(root, "/dev/vda") == 0; /* the deployment's one disk */
    if (!known)
        lx_log("root=%s: no such disk (this system has /dev/vda)", root);
    lx_free(root);
    if (!known)
        return -LX_ENODEV;
    vfs_unmount_all(); /* the archive's file systems: nothing refers to them yet */
    int e = ext2_mount_blk(LINUX_CAP_DISK, (void *)(uintptr_t)LINUX_VADDR_DATA, LINUX_SIZE_DATA, NULL,
                           lx_makedev(ROOT_DISK_MAJOR, ROOT_DISK_MINOR), NULL);
    if (e) {
        lx_log("cannot mount the root file system from /dev/vda (error %d)", -e);
        return e;
    }
    lx_log("root file system: ext2 on /dev/vda");
    if ((e = vfs_mount_boot("devtmpfs", "/dev")))
        lx_log("cannot mount devtmpfs on /dev (error %d)", -e);
    return 0;
}

int main(const char *cmdline)
{
    lx.timer = LINUX_CAP_CLOCK;
    lx.serial = LINUX_CAP_CONSOLE;
    lx.hostlink = LINUX_CAP_HOSTLINK;
    lx.power = LINUX_CAP_POWER;
    lx.rtc = LINUX_CAP_WALLCLOCK;
    /* Alone on the machine (kumiki-run, ./kumiki run), the end of init or a
     * halt ends the machine's run; with the argument "shared" (another OS
     * runs beside it) the personality stops alone. */
    lx.halt_when_init_exits = !has_argument(cmdline, "shared");
    lx_slots_init(FIRST_FREE_SLOT, (kumiki_cptr_t)1 << CSPACE_RADIX);
    kobj_init(LINUX_CAP_POOL);
    if (mm_init(LINUX_CAP_POOL, CHUNK_BITS, CHUNK_COUNT)) {
        lx_log("no memory for address spaces");
        return 1;
    }
    uint64_t pool_bytes = ((uint64_t)1 << LINUX_UNTYPED_BITS_POOL) - ((uint64_t)CHUNK_COUNT << CHUNK_BITS);
    /* An eighth stays for the heap and the personality's page tables. */
    frames_init(LINUX_CAP_POOL, LX_FRAMES_BASE, (uint32_t)(pool_bytes / 4096 / 8 * 7));
    lx.endpoint = kobj_new(KUMIKI_OBJ_ENDPOINT, 0);
    lx.notification = kobj_new(KUMIKI_OBJ_NOTIFICATION, 0);
    if (!lx.endpoint || !lx.notification ||
        kumiki_tcb_bind_notification(KUMIKI_PROGRAM_CAP_TCB, lx.notification)) {
        lx_log("cannot make the endpoint and notification");
        return 1;
    }
    if (timer_register_notification(lx.timer, lx.notification)) {
        lx_log("the timer refused the notification: no sleeps");
        lx.timer = 0;
    }
    time_init();
    syscall_init();
    tty_init();

    const struct kumiki_module_header *root = (const void *)(uintptr_t)LINUX_VADDR_ROOTFS;
    if (root->magic != KUMIKI_MODULE_MAGIC) {
        lx_log("no root file system module");
        return 1;
    }
    int e = vfs_init_from_tar(kumiki_module_data(root), root->size);
    if (e) {
        lx_log("the root file system archive is unusable (error %d)", -e);
        return 1;
    }
    e = mount_root_disk();
    if (e < 0) {
        /* As Linux's "VFS: Unable to mount root fs": nothing can run. */
        lx_log("no root file system: halting");
        lx_halt(true);
    } else {
        if (e == 1)
            mount_disk();
        if (start_init(e == 1))
            return 1;
    }

    struct kumiki_ipc_buffer *buffer = kumiki_ipc_buffer();
    struct lx_msg m;
    for (;;) {
        signal_flush_deferred(); /* killing signals end their processes here, outside any call */
        if (signal_stop_sweep_pending())
            suspend_stopped_threads();
        if (init_done && lx.halt_when_init_exits) {
            uint64_t ignored;
            kumiki_raw_syscall(SYS_DEBUG_HALT, 0x10, 0, &ignored);
        }
        if (init_done && !lx.halt_when_init_exits)
            return halt_now(); /* the other systems run on */
        if (halted)
            return halt_now();
        run_retries();
        if (lx_deadlines_dirty) {
            lx_deadlines_dirty = false;
            uint64_t now = lx_now_ns();
            uint64_t next = lx_expire_deadlines(now), poll = tty_poll(now);
            if (poll && (!next || poll < next))
                next = poll;
            time_arm(next);
            run_retries();
        }
        /* Words 0..3 travel in registers, the others in the IPC buffer. */
        uint64_t mr[4] = { 0, 0, 0, 0 }, info;
        if (reply_pending) {
            reply_pending = false;
            for (unsigned i = 0; i < reply.length; i++) {
                if (i < 4)
                    mr[i] = reply.words[i];
                else
                    buffer->msg[i] = reply.words[i];
            }
            kumiki_reply_recv_fast(lx.endpoint, kumiki_msginfo(reply.label, 0, reply.length), mr, &m.badge,
                                   &info);
        } else {
            struct kumiki_msg k;
            if (kumiki_recv(lx.endpoint, &k))
                continue;
            info = kumiki_msginfo(k.label, 0, k.length);
            m.badge = k.badge;
            for (unsigned i = 0; i < 4; i++)
                mr[i] = k.words[i];
        }
        m.label = kumiki_msginfo_label(info);
        m.length = (unsigned)kumiki_msginfo_length(info);
        if (m.length > KUMIKI_FAULT_MAX_WORDS)
            m.length = KUMIKI_FAULT_MAX_WORDS; /* nobody sends more; a sender that did is cut */
        m.words[0] = mr[0];
        m.words[1] = mr[1];
        m.words[2] = mr[2];
        m.words[3] = mr[3];
        if (m.length > 4)
            memcpy(&m.words[4], &buffer->msg[4], (m.length - 4) * sizeof(uint64_t));
        handle(&m);
        /* Threads woken by this message are answered before the current
         * one: a reply still pending goes out first without waiting. */
        if (lx_retry_pending())
            reply_now();
    }
}
