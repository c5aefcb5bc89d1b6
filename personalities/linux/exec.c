/* personalities/linux/exec.c — see exec.h.
 *
 * The image is validated by lib/elf's elf64_image_parse from the file's
 * first page(s) (it reads only the ELF header and the program headers and
 * checks every other offset against the file size).  Segments become areas
 * backed by the file's page cache; nothing is copied until touched.  The
 * new address space and the new thread are built completely before the
 * old ones are touched, so a failure leaves the caller as it was. */
#include "exec.h"
#include "arch/x86_64/cpu.h"
#include "elf64_image.h"
#include "fd.h"
#include "heap.h"
#include "personality.h"
#include "stack.h"
#include "vfs.h"
#include <kumiki/user.h>

enum { HEADER_MAX = 64 * 1024, SHEBANG_MAX = 256, STACK_BUILD_MAX = 256 * 1024 };

void lx_exec_args_free(struct lx_exec_args *a)
{
    for (unsigned i = 0; i < a->argc; i++)
        lx_free(a->argv[i]);
    for (unsigned i = 0; i < a->envc; i++)
        lx_free(a->envp[i]);
    lx_free(a->argv);
    lx_free(a->envp);
    a->argv = a->envp = NULL;
    a->argc = a->envc = 0;
}

static unsigned vma_flags(uint32_t seg)
{
    return (seg & ELF_SEG_R ? LX_VMA_READ : 0) | (seg & ELF_SEG_W ? LX_VMA_WRITE : 0) |
           (seg & ELF_SEG_X ? LX_VMA_EXEC : 0);
}

/* Maps every segment of img as file-backed areas.  A page two segments
 * share (small binaries linked without page-aligned segments) gets an
 * anonymous area with the union of their rights, filled from both. */
static int map_segments(struct lx_mm *mm, struct lx_inode *ino, const struct elf_image *img)
{
    uint64_t prev_end_page = 0; /* exclusive, of the previous segment */
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->segments[i];
        uint64_t start = s->vaddr & ~(uint64_t)(LX_PAGE - 1);
        uint64_t end = (s->vaddr + s->memsz + LX_PAGE - 1) & ~(uint64_t)(LX_PAGE - 1);
        uint64_t offset = s->file_offset - (s->vaddr - start);
        uint64_t file_size = (s->vaddr - start) + s->filesz;
        if (start < prev_end_page) {
            /* The first page is shared with the previous segment: it was
             * mapped there; widen its rights and copy this segment's bytes in. */
            struct lx_vma *pv = mm_find_vma(mm, start);
            if (pv)
                pv->flags |= vma_flags(s->flags);
            uint64_t in_page = LX_PAGE - (s->vaddr - start);
            uint64_t n = s->filesz < in_page ? s->filesz : in_page;
            uint8_t buf[512];
            for (uint64_t done = 0; done < n;) {
                uint64_t chunk = n - done < sizeof(buf) ? n - done : sizeof(buf);
                if (vfs_read_inode(ino, s->file_offset + done, buf, chunk) != (int64_t)chunk)
                    return -LX_EIO;
                int e = mm_copy_out(mm, s->vaddr + done, buf, chunk);
                if (e)
                    return e;
                done += chunk;
            }
            start += LX_PAGE;
            offset += LX_PAGE;
            file_size = file_size > LX_PAGE ? file_size - LX_PAGE : 0;
            if (start >= end) {
                prev_end_page = end;
                continue;
            }
        }
        int e = mm_map(mm, start, end - start, vma_flags(s->flags), ino, offset, file_size);
        if (e)
            return e;
        prev_end_page = end;
    }
    return 0;
}

/* "#!interpreter [arg]": the new argv is interpreter, arg, path, argv[1..]. */
static int shebang(const char *head, size_t len, const char *path, const struct lx_exec_args *in,
                   struct lx_exec_args *out, char *interp, size_t interp_size)
{
    size_t end = 2;
    while (end < len && end < SHEBANG_MAX && head[end] != '\n')
        end++;
    if (end >= len || head[end] != '\n')
        return -LX_ENOEXEC;
    size_t i = 2;
    while (i < end && (head[i] == ' ' || head[i] == '\t'))
        i++;
    size_t n = 0;
    while (i < end && head[i] != ' ' && head[i] != '\t' && n + 1 < interp_size)
        interp[n++] = head[i++];
    interp[n] = 0;
    if (!n)
        return -LX_ENOEXEC;
    while (i < end && (head[i] == ' ' || head[i] == '\t'))
        i++;
    size_t arg_end = end;
    while (arg_end > i &&
           (head[arg_end - 1] == ' ' || head[arg_end - 1] == '\t' || head[arg_end - 1] == '\r'))
        arg_end--;
    unsigned extra = arg_end > i ? 2 : 1;
    out->argv = lx_calloc(in->argc + extra + 1, sizeof(char *));
    out->envp = in->envp;
    out->envc = in->envc;
    if (!out->argv)
        return -LX_ENOMEM;
    unsigned a = 0;
    out->argv[a++] = lx_strdup(interp);
    if (extra == 2) {
        char *arg = lx_malloc(arg_end - i + 1);
        if (arg) {
            memcpy(arg, head + i, arg_end - i);
            arg[arg_end - i] = 0;
        }
        out->argv[a++] = arg;
    }
    out->argv[a++] = lx_strdup(path);
    for (unsigned k = 1; k < in->argc; k++)
        out->argv[a++] = lx_strdup(in->argv[k]);
    out->argc = a;
    for (unsigned k = 0; k < a; k++)
        if (!out->argv[k])
            return -LX_ENOMEM;
    return 0;
}

static void fill_random(uint8_t out[16])
{
    /* Not a secret: AT_RANDOM seeds stack protectors; vary it per exec. */
    static uint64_t state = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 16; i++) {
        state ^= kumiki_read_tsc();
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        out[i] = (uint8_t)(state >> 56);
    }
}

static int load(struct lx_thread *t, const char *path, const struct lx_exec_args *args, int depth)
{
    struct lx_proc *p = t->proc;
    struct lx_inode *ino;
    char exe[sizeof(p->exe)]; /* the program's absolute path, links resolved: /proc/<pid>/exe */
    int e = vfs_open_exec_named(p, path, &ino, exe, sizeof(exe));
    if (e)
        return e;
    uint64_t size = inode_size(ino);
    size_t head_len = size < HEADER_MAX ? (size_t)size : HEADER_MAX;
    char *head = lx_malloc(head_len ? head_len : 1);
    if (!head) {
        inode_put(ino);
        return -LX_ENOMEM;
    }
    if (vfs_read_inode(ino, 0, head, head_len) != (int64_t)head_len) {
        e = -LX_EIO;
        goto out_head;
    }
    if (head_len >= 2 && head[0] == '#' && head[1] == '!') {
        if (depth >= 4) {
            e = -LX_ELOOP;
            goto out_head;
        }
        struct lx_exec_args sub = { 0 };
        char interp[SHEBANG_MAX];
        e = shebang(head, head_len, path, args, &sub, interp, sizeof(interp));
        if (!e)
            e = load(t, interp, &sub, depth + 1);
        sub.envp = NULL; /* borrowed from args */
        sub.envc = 0;
        lx_exec_args_free(&sub);
        goto out_head;
    }
    /* The parser reads only the ELF header and program headers; both must
     * be inside what was read. */
    if (head_len < 64) {
        e = -LX_ENOEXEC;
        goto out_head;
    }
    uint64_t phoff = *(uint64_t *)(void *)(head + 32);
    uint16_t phentsize = *(uint16_t *)(void *)(head + 54), phnum = *(uint16_t *)(void *)(head + 56);
    if (phoff > head_len || (uint64_t)phentsize * phnum > head_len - phoff) {
        e = -LX_ENOEXEC;
        goto out_head;
    }
    struct elf_limits limits = { .user_lo = LX_USER_MIN, .user_hi = LX_MMAP_TOP, .load_bias = LX_PIE_BASE };
    struct elf_image img;
    enum elf_error ee = elf64_image_parse(head, (size_t)size, &limits, &img);
    if (ee != ELF_OK) {
        lx_log("exec %s: not a loadable static ELF (%s)", path, elf_error_name(ee));
        e = -LX_ENOEXEC;
        goto out_head;
    }

    struct lx_mm *mm = mm_create();
    if (!mm) {
        e = -LX_ENOMEM;
        goto out_head;
    }
    if ((e = map_segments(mm, ino, &img)))
        goto out_mm;
    mm->brk_start = mm->brk = img.highest_vaddr_end;
    if ((e = mm_map(mm, LX_STACK_TOP - LX_STACK_MAX, LX_STACK_MAX,
                    LX_VMA_READ | LX_VMA_WRITE | LX_VMA_GROWSDOWN, NULL, 0, 0)))
        goto out_mm;
    struct lx_stack_info info = {
        .phdr = img.phdr_vaddr,
        .phent = img.phentsize,
        .phnum = img.phnum,
        .entry = img.entry,
        .hwcap = lx_cpu_hwcap(),
        .clktck = 100,
        .uid = p->uid,
        .euid = p->euid,
        .gid = p->gid,
        .egid = p->egid,
        .execfn = path,
    };
    fill_random(info.random);
    uint8_t *stack = lx_malloc(STACK_BUILD_MAX);
    if (!stack) {
        e = -LX_ENOMEM;
        goto out_mm;
    }
    uint64_t rsp;
    e = lx_stack_build(stack, STACK_BUILD_MAX, LX_STACK_TOP, (const char *const *)args->argv, args->argc,
                       (const char *const *)args->envp, args->envc, &info, &rsp);
    if (!e)
        e = mm_copy_out(mm, rsp, stack + (rsp - (LX_STACK_TOP - STACK_BUILD_MAX)), LX_STACK_TOP - rsp);
    if (!e) /* where /proc/<pid>/cmdline and environ read */
        lx_stack_strings(LX_STACK_TOP, path, (const char *const *)args->argv, args->argc,
                         (const char *const *)args->envp, args->envc, &mm->arg_start, &mm->arg_end,
                         &mm->env_start, &mm->env_end);
    lx_free(stack);
    if (e)
        goto out_mm;

    /* The point of no return: the old image goes. */
    struct lx_proc *proc = p;
    for (struct lx_thread *o = proc->threads; o;) {
        struct lx_thread *next = o->next_in_proc;
        if (o != t)
            thread_exit(o, 0); /* never the last: t stays */
        o = next;
    }
    thread_stop_kernel(t);
    struct lx_mm *old = proc->mm;
    proc->mm = mm;
    mm_put(old);
    if (proc->files)
        files_close_on_exec(proc->files);
    for (unsigned s = 0; s < LX_NSIG; s++) {
        if (proc->actions[s].handler != LX_SIG_IGN)
            proc->actions[s] = (struct lx_sigaction){ 0 };
        proc->actions[s].flags = 0;
    }
    t->altstack_sp = t->altstack_size = 0;
    t->altstack_flags = 0;
    t->clear_child_tid = 0;
    t->robust_list = 0;
    size_t plen = strlen(path);
    if (exe[0])
        memcpy(proc->exe, exe, sizeof(proc->exe));
    else if (plen < sizeof(proc->exe))
        memcpy(proc->exe, path, plen + 1); /* too long to resolve: the path as given */
    const char *base = path;
    for (const char *c = path; *c; c++)
        if (*c == '/')
            base = c + 1;
    memset(proc->comm, 0, sizeof(proc->comm));
    for (size_t i = 0; i < sizeof(proc->comm) - 1 && base[i]; i++)
        proc->comm[i] = base[i];
    struct lx_cpu cpu = { .rip = img.entry, .rsp = rsp, .rflags = 0x202 };
    e = thread_start(t, mm, &cpu);
    if (e) {
        lx_log("exec %s: cannot start the thread", path);
        proc_exit_group(proc, LX_SIGKILL);
        e = 0; /* nothing to return to */
    }
    if (proc->vfork_parent) {
        proc->vfork_parent->vfork_child = NULL;
        lx_wake_thread(proc->vfork_parent);
        proc->vfork_parent = NULL;
    }
    lx_free(head);
    inode_put(ino);
    return 0;

out_mm:
    mm_put(mm);
out_head:
    lx_free(head);
    inode_put(ino);
    return e;
}

int lx_exec(struct lx_thread *t, const char *path, const struct lx_exec_args *args)
{
    return load(t, path, args, 0);
}
