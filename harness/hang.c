/* See hang.h. */
#include "hang.h"

#include "procinfo.h"

#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* Where a blocked system call's timeout sits. */
enum timeout_rule {
    TIMEOUT_NONE,    /* none: it waits until its object is ready */
    TIMEOUT_ALWAYS,  /* a sleep: always ends by itself */
    TIMEOUT_POINTER, /* the argument at arg points to a timeout; NULL: none */
    TIMEOUT_MS,      /* the argument at arg is milliseconds; negative: none */
};

/* What a blocked system call waits on, which says who can end the wait. */
enum wait_on {
    ON_TIME,   /* the clock only */
    ON_FUTEX,  /* a futex: a lock, a condition variable, a join (memory of the run) */
    ON_CHILD,  /* a child of the waiting process: always one of the run */
    ON_LOCK,   /* a file lock */
    ON_FD,     /* the descriptor at fd_arg: decided by what it is (a pipe, a socket, ...) */
    ON_POLL,   /* the pollfd array at argument 0 (poll, ppoll) */
    ON_SELECT, /* the fd_sets at arguments 1 to 3 (select, pselect6) */
    ON_EPOLL,  /* the targets of the epoll descriptor at argument 0 (its fdinfo tfd: lines) */
    ON_SIGNAL, /* a signal: a pending alarm or another process may send it */
    ON_OPEN,   /* the other end of a FIFO, or a device */
    ON_IPC,    /* a System V or POSIX IPC object: any process with the right may use it */
};

/* The one table of blocking system calls, keyed by SYS_* so that it holds on every
 * architecture that has the call. fd_dir is 0 when the call waits for its descriptor to
 * become readable, 1 writable. outside is why the wait can end from outside the run, for the
 * calls that always can (NULL: decided by what the wait is on). */
static const struct syscall_row {
    long nr;
    const char *name;
    enum wait_on on;
    enum timeout_rule rule;
    int arg; /* the timeout argument's position, for TIMEOUT_POINTER and TIMEOUT_MS */
    int fd_dir;
    const char *outside;
} syscalls[] = {
    {SYS_read, "read", ON_FD, TIMEOUT_NONE, 0, 0, NULL},
    {SYS_readv, "readv", ON_FD, TIMEOUT_NONE, 0, 0, NULL},
    {SYS_pread64, "pread64", ON_FD, TIMEOUT_NONE, 0, 0, NULL},
    {SYS_write, "write", ON_FD, TIMEOUT_NONE, 0, 1, NULL},
    {SYS_writev, "writev", ON_FD, TIMEOUT_NONE, 0, 1, NULL},
    {SYS_recvfrom, "recvfrom", ON_FD, TIMEOUT_NONE, 0, 0, NULL},
    {SYS_recvmsg, "recvmsg", ON_FD, TIMEOUT_NONE, 0, 0, NULL},
    {SYS_sendto, "sendto", ON_FD, TIMEOUT_NONE, 0, 1, NULL},
    {SYS_sendmsg, "sendmsg", ON_FD, TIMEOUT_NONE, 0, 1, NULL},
    {SYS_accept, "accept", ON_FD, TIMEOUT_NONE, 0, 0, NULL},
    {SYS_accept4, "accept4", ON_FD, TIMEOUT_NONE, 0, 0, NULL},
    {SYS_connect, "connect", ON_FD, TIMEOUT_NONE, 0, 1, NULL},
#ifdef SYS_open
    {SYS_open, "open", ON_OPEN, TIMEOUT_NONE, 0, 0, "open: waiting for the other end of a FIFO"},
#endif
    {SYS_openat, "openat", ON_OPEN, TIMEOUT_NONE, 0, 0,
     "openat: waiting for the other end of a FIFO"},
#ifdef SYS_pause
    {SYS_pause, "pause", ON_SIGNAL, TIMEOUT_NONE, 0, 0, "signal wait: an alarm may be pending"},
#endif
    {SYS_rt_sigsuspend, "rt_sigsuspend", ON_SIGNAL, TIMEOUT_NONE, 0, 0,
     "signal wait: an alarm may be pending"},
    {SYS_rt_sigtimedwait, "rt_sigtimedwait", ON_SIGNAL, TIMEOUT_POINTER, 2, 0,
     "signal wait: an alarm or another process may send the signal"},
    {SYS_wait4, "wait4", ON_CHILD, TIMEOUT_NONE, 0, 0, NULL},
    {SYS_waitid, "waitid", ON_CHILD, TIMEOUT_NONE, 0, 0, NULL},
    {SYS_fcntl, "fcntl", ON_LOCK, TIMEOUT_NONE, 0, 0, NULL},
    {SYS_flock, "flock", ON_LOCK, TIMEOUT_NONE, 0, 0, NULL},
    {SYS_nanosleep, "nanosleep", ON_TIME, TIMEOUT_ALWAYS, 0, 0, NULL},
    {SYS_clock_nanosleep, "clock_nanosleep", ON_TIME, TIMEOUT_ALWAYS, 0, 0, NULL},
    {SYS_futex, "futex", ON_FUTEX, TIMEOUT_POINTER, 3, 0, NULL},
#ifdef SYS_futex_waitv
    {SYS_futex_waitv, "futex_waitv", ON_FUTEX, TIMEOUT_POINTER, 3, 0, NULL},
#endif
#ifdef SYS_poll
    {SYS_poll, "poll", ON_POLL, TIMEOUT_MS, 2, 0, NULL},
#endif
    {SYS_ppoll, "ppoll", ON_POLL, TIMEOUT_POINTER, 2, 0, NULL},
#ifdef SYS_select
    {SYS_select, "select", ON_SELECT, TIMEOUT_POINTER, 4, 0, NULL},
#endif
    {SYS_pselect6, "pselect6", ON_SELECT, TIMEOUT_POINTER, 4, 0, NULL},
#ifdef SYS_epoll_wait
    {SYS_epoll_wait, "epoll_wait", ON_EPOLL, TIMEOUT_MS, 3, 0, NULL},
#endif
    {SYS_epoll_pwait, "epoll_pwait", ON_EPOLL, TIMEOUT_MS, 3, 0, NULL},
#ifdef SYS_epoll_pwait2
    {SYS_epoll_pwait2, "epoll_pwait2", ON_EPOLL, TIMEOUT_POINTER, 3, 0, NULL},
#endif
#ifdef SYS_semop
    {SYS_semop, "semop", ON_IPC, TIMEOUT_NONE, 0, 0,
     "System V semaphore: any process with access may change it"},
#endif
    {SYS_semtimedop, "semtimedop", ON_IPC, TIMEOUT_POINTER, 3, 0,
     "System V semaphore: any process with access may change it"},
    {SYS_msgrcv, "msgrcv", ON_IPC, TIMEOUT_NONE, 0, 0,
     "System V message queue: any process with access may send"},
    {SYS_msgsnd, "msgsnd", ON_IPC, TIMEOUT_NONE, 0, 0,
     "System V message queue: any process with access may receive"},
    {SYS_mq_timedreceive, "mq_timedreceive", ON_IPC, TIMEOUT_POINTER, 4, 0,
     "POSIX message queue: any process may open it and send"},
    {SYS_mq_timedsend, "mq_timedsend", ON_IPC, TIMEOUT_POINTER, 4, 0,
     "POSIX message queue: any process may open it and receive"},
};

static const struct syscall_row *syscall_row(long nr)
{
    for (size_t i = 0; i < sizeof syscalls / sizeof syscalls[0]; i++)
        if (syscalls[i].nr == nr)
            return &syscalls[i];
    return NULL;
}

const char *rl_syscall_name(long nr)
{
    const struct syscall_row *row = syscall_row(nr);
    return row ? row->name : NULL;
}

int rl_syscall_timed(long nr, const unsigned long args[6])
{
    const struct syscall_row *row = syscall_row(nr);
    switch (row ? row->rule : TIMEOUT_NONE) {
    case TIMEOUT_ALWAYS:
        return 1;
    case TIMEOUT_POINTER:
        return args[row->arg] != 0;
    case TIMEOUT_MS:
        return (int)args[row->arg] >= 0;
    case TIMEOUT_NONE:
    default:
        return 0;
    }
}

/* --- One sample's view of the run ------------------------------------------------------- */

struct pipe_memo {
    unsigned long ino;
    int dir;
    enum rl_wait_end end;
    char why[RL_WAIT_WHY];
};

/* The run's processes (sorted, for lookups) and what this sample learnt of its pipes. */
struct scope {
    pid_t *pids;
    int n;
    struct pipe_memo memo[16];
    int nmemo;
};

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return x < y ? -1 : x > y;
}

static int scope_open(struct scope *s, const pid_t *pids, int n)
{
    memset(s, 0, sizeof *s);
    s->pids = malloc(sizeof *pids * (size_t)(n > 0 ? n : 1));
    if (!s->pids)
        return -1;
    if (n > 0)
        memcpy(s->pids, pids, sizeof *pids * (size_t)n);
    s->n = n;
    qsort(s->pids, (size_t)n, sizeof *pids, cmp_pid);
    return 0;
}

static void scope_close(struct scope *s)
{
    free(s->pids);
    s->pids = NULL;
}

static int in_run(const struct scope *s, pid_t pid)
{
    return bsearch(&pid, s->pids, (size_t)s->n, sizeof pid, cmp_pid) != NULL;
}

/* --- Reading a thread ------------------------------------------------------------------- */

struct thread_state {
    char state;      /* from /proc/PID/task/TID/stat */
    long syscall_nr; /* -1: running in user space or unknown */
    unsigned long args[6];
    unsigned long pc;             /* where the system call was made */
    unsigned long switches;       /* voluntary + involuntary context switches */
    unsigned long long run_delay; /* ns spent runnable but not running (schedstat field 2) */
};

static int read_thread(pid_t pid, const char *tid, struct thread_state *t)
{
    char path[512], buf[2048];
    memset(t, 0, sizeof *t);
    t->syscall_nr = -1;
    snprintf(path, sizeof path, "/proc/%d/task/%s/stat", (int)pid, tid);
    if (rl_read_text(path, buf, sizeof buf) < 0)
        return -1;
    char *p = strrchr(buf, ')');
    if (!p || sscanf(p + 1, " %c", &t->state) != 1)
        return -1;
    /* A running thread needs nothing more (classify: RL_END_RUNS, and a sample that meets one
     * stops there): most samples of a busy run end at this, after one file, not four. */
    if (t->state == 'R')
        return 0;
    snprintf(path, sizeof path, "/proc/%d/task/%s/syscall", (int)pid, tid);
    unsigned long sp;
    if (rl_read_text(path, buf, sizeof buf) == 0 && buf[0] >= '0' && buf[0] <= '9')
        sscanf(buf, "%ld %lx %lx %lx %lx %lx %lx %lx %lx", &t->syscall_nr, &t->args[0], &t->args[1],
               &t->args[2], &t->args[3], &t->args[4], &t->args[5], &sp, &t->pc);
    snprintf(path, sizeof path, "/proc/%d/task/%s/status", (int)pid, tid);
    if (rl_read_text(path, buf, sizeof buf) == 0) {
        char *v = strstr(buf, "\nvoluntary_ctxt_switches:");
        char *nv = strstr(buf, "\nnonvoluntary_ctxt_switches:");
        if (v)
            t->switches += strtoul(v + 25, NULL, 10);
        if (nv)
            t->switches += strtoul(nv + 28, NULL, 10);
    }
    snprintf(path, sizeof path, "/proc/%d/task/%s/schedstat", (int)pid, tid);
    unsigned long long ran;
    if (rl_read_text(path, buf, sizeof buf) == 0)
        sscanf(buf, "%llu %llu", &ran, &t->run_delay);
    return 0;
}

static int is_blocked(const struct thread_state *t)
{
    return t->state == 'S' || t->state == 'D';
}

/* --- TSan's own thread, told apart by where its system call comes from ------------------- */

/* Whether a symbol is a sanitizer runtime's: C++ names in its namespaces, or its C entries. */
static int runtime_symbol(const char *name)
{
    return strncmp(name, "_ZN11__sanitizer", 16) == 0 || strncmp(name, "_ZN6__tsan", 10) == 0 ||
           strncmp(name, "_ZN14__interception", 19) == 0 || strncmp(name, "__tsan_", 7) == 0 ||
           strncmp(name, "__sanitizer_", 12) == 0;
}

/* Whether file offset off of an ELF file lies in a sanitizer runtime's function: found by
 * the symbol table, or, for a stripped file that links the runtime in (it exports
 * __tsan_init), anywhere in the file. 1, 0, or -1 when the file cannot be read. */
static int elf_runtime_code(const char *path, unsigned long off)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) < 0 || (size_t)st.st_size < sizeof(Elf64_Ehdr)) {
        close(fd);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    const unsigned char *f = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (f == MAP_FAILED)
        return -1;
    int found = -1;
    const Elf64_Ehdr *eh = (const void *)f;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_phoff + (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > size ||
        eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > size)
        goto out;
    /* The file offset as a virtual address of the file. */
    const Elf64_Phdr *ph = (const void *)(f + eh->e_phoff);
    unsigned long vaddr = 0;
    int mapped = 0;
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && off >= ph[i].p_offset &&
            off < ph[i].p_offset + ph[i].p_filesz) {
            vaddr = off - ph[i].p_offset + ph[i].p_vaddr;
            mapped = 1;
        }
    if (!mapped)
        goto out;
    const Elf64_Shdr *sh = (const void *)(f + eh->e_shoff);
    int have_symtab = 0, exports_tsan = 0;
    found = 0;
    for (int i = 0; i < eh->e_shnum && !found; i++) {
        if (sh[i].sh_type != SHT_SYMTAB && sh[i].sh_type != SHT_DYNSYM)
            continue;
        if (sh[i].sh_link >= eh->e_shnum || sh[i].sh_offset + sh[i].sh_size > size)
            continue;
        const Elf64_Shdr *strs = &sh[sh[i].sh_link];
        if (strs->sh_offset + strs->sh_size > size)
            continue;
        const char *names = (const char *)f + strs->sh_offset;
        const Elf64_Sym *sym = (const void *)(f + sh[i].sh_offset);
        size_t count = sh[i].sh_size / sizeof *sym;
        have_symtab |= sh[i].sh_type == SHT_SYMTAB;
        for (size_t k = 0; k < count; k++) {
            if (sym[k].st_name >= strs->sh_size)
                continue;
            const char *name = names + sym[k].st_name;
            if (sh[i].sh_type == SHT_DYNSYM && sym[k].st_shndx != SHN_UNDEF &&
                strcmp(name, "__tsan_init") == 0)
                exports_tsan = 1;
            if (ELF64_ST_TYPE(sym[k].st_info) == STT_FUNC && vaddr >= sym[k].st_value &&
                vaddr < sym[k].st_value + sym[k].st_size && runtime_symbol(name)) {
                found = 1;
                break;
            }
        }
    }
    if (!found && !have_symtab && exports_tsan)
        found = 1;
out:
    munmap((void *)f, size);
    return found;
}

/* elf_runtime_code, remembered: the same few threads ask again at every sample. */
static int runtime_code_cached(const char *path, unsigned long off)
{
    static struct {
        char path[512];
        dev_t dev;
        ino_t ino;
        unsigned long off;
        int result;
    } memo[16];
    static unsigned next;
    struct stat st;
    if (stat(path, &st) < 0)
        return 0;
    for (size_t i = 0; i < sizeof memo / sizeof memo[0]; i++)
        if (memo[i].off == off && memo[i].dev == st.st_dev && memo[i].ino == st.st_ino &&
            strcmp(memo[i].path, path) == 0)
            return memo[i].result;
    int result = elf_runtime_code(path, off) == 1;
    size_t i = next++ % (sizeof memo / sizeof memo[0]);
    snprintf(memo[i].path, sizeof memo[i].path, "%s", path);
    memo[i].dev = st.st_dev;
    memo[i].ino = st.st_ino;
    memo[i].off = off;
    memo[i].result = result;
    return result;
}

/* Whether pc, in process pid, lies in a sanitizer runtime: in libtsan.so's mapping (gcc) or
 * in the runtime's code linked into the executable (clang). The program's own waits go
 * through libc. */
static int runtime_pc(pid_t pid, unsigned long pc)
{
    if (!pc)
        return 0;
    char path[64], line[4096 + 128];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *m = fopen(path, "re");
    if (!m)
        return 0;
    int result = 0;
    while (fgets(line, sizeof line, m)) {
        unsigned long lo, hi, off;
        int name_at = 0;
        if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %n", &lo, &hi, &off, &name_at) < 3)
            continue;
        if (pc < lo || pc >= hi)
            continue;
        char *file = line + name_at;
        file[strcspn(file, "\n")] = '\0';
        const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
        if (strncmp(base, "libtsan.so", 10) == 0 || strncmp(base, "libclang_rt.tsan", 16) == 0)
            result = 1;
        else if (file[0] == '/' && strncmp(base, "libc.so", 7) != 0)
            result = runtime_code_cached(file, pc - lo + off);
        break;
    }
    fclose(m);
    return result;
}

/* --- What a wait is on ------------------------------------------------------------------ */

static void set_why(struct rl_wait *w, enum rl_wait_end end, const char *fmt, const char *a)
{
    w->end = end;
    snprintf(w->why, sizeof w->why, fmt, a);
}

/* The access mode of descriptor fd of pid (O_RDONLY, O_WRONLY, O_RDWR), -1 if unknown. */
static int fd_mode(pid_t pid, int fd)
{
    char path[96], buf[512];
    snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)pid, fd);
    if (rl_read_text(path, buf, sizeof buf) < 0)
        return -1;
    char *f = strstr(buf, "flags:");
    return f ? (int)(strtoul(f + 6, NULL, 8) & O_ACCMODE) : -1;
}

/* Who holds the other end of pipe ino: a wait for reading needs a writer (dir 0), one for
 * writing a reader (dir 1). Every process of the machine that racelab may read is looked at;
 * a holder outside the run can end the wait. racelab itself is outside the run: a pipe it
 * was given and passed on counts as outside. It passes no pipe of its own at 0, 1 or 2
 * (/dev/null, files or a terminal), and the daemon checker's canary has no reader left, so
 * the descriptor numbers say nothing here: a shell pipeline's ends sit at 0 and 1. */
static void pipe_end(struct scope *s, unsigned long ino, int dir, struct rl_wait *w)
{
    for (int i = 0; i < s->nmemo; i++)
        if (s->memo[i].ino == ino && s->memo[i].dir == dir) {
            w->end = s->memo[i].end;
            memcpy(w->why, s->memo[i].why, sizeof w->why);
            return;
        }
    const char *other = dir == 0 ? "write" : "read";
    char target[64];
    snprintf(target, sizeof target, "pipe:[%lu]", ino);
    int inside = 0;
    w->end = RL_END_INSIDE;
    w->why[0] = '\0';
    DIR *proc = opendir("/proc");
    struct dirent *pe;
    while (proc && w->end == RL_END_INSIDE && (pe = readdir(proc))) {
        char *end;
        long pid = strtol(pe->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld/fd", pid);
        DIR *fds = opendir(path);
        struct dirent *fe;
        while (fds && (fe = readdir(fds))) {
            if (fe->d_name[0] == '.')
                continue;
            char link[64];
            int fd = atoi(fe->d_name);
            if (rl_proc_link((pid_t)pid, fd, link, sizeof link) < 0 || strcmp(link, target) != 0)
                continue;
            int mode = fd_mode((pid_t)pid, fd);
            if (mode != O_RDWR && mode != (dir == 0 ? O_WRONLY : O_RDONLY))
                continue;
            if (!in_run(s, (pid_t)pid)) {
                w->end = RL_END_OUTSIDE;
                snprintf(w->why, sizeof w->why,
                         "pipe: its %s end is held by pid %ld, outside the run", other, pid);
                break;
            }
            inside = 1;
        }
        if (fds)
            closedir(fds);
    }
    if (proc)
        closedir(proc);
    if (w->end == RL_END_INSIDE && !inside) {
        w->end = RL_END_OUTSIDE;
        snprintf(w->why, sizeof w->why, "pipe: no process racelab can see holds its %s end", other);
    } else if (w->end == RL_END_INSIDE) {
        snprintf(w->why, sizeof w->why, "pipe: only the run holds its %s end", other);
    }
    if (s->nmemo < (int)(sizeof s->memo / sizeof s->memo[0])) {
        struct pipe_memo *m = &s->memo[s->nmemo++];
        m->ino = ino;
        m->dir = dir;
        m->end = w->end;
        memcpy(m->why, w->why, sizeof m->why);
    }
}

/* Who can end a wait on descriptor fd of pid, for reading (dir 0) or writing (dir 1). */
static void fd_end(struct scope *s, pid_t pid, int fd, int dir, const char *call, struct rl_wait *w)
{
    char link[512];
    if (rl_proc_link(pid, fd, link, sizeof link) < 0) {
        set_why(w, RL_END_OUTSIDE, "%s: its descriptor is gone", call);
        return;
    }
    unsigned long ino;
    if (sscanf(link, "pipe:[%lu]", &ino) == 1) {
        pipe_end(s, ino, dir, w);
        return;
    }
    if (strncmp(link, "socket:", 7) == 0) {
        if (strncmp(call, "accept", 6) == 0)
            set_why(w, RL_END_OUTSIDE, "%s on a listening socket: waiting for a client", call);
        else
            set_why(w, RL_END_OUTSIDE, "%s on a socket: waiting for a peer", call);
        return;
    }
    if (strcmp(link, "anon_inode:[timerfd]") == 0) {
        char path[96], buf[512];
        snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)pid, fd);
        const char *v = rl_read_text(path, buf, sizeof buf) == 0 ? strstr(buf, "it_value:") : NULL;
        if (v && strncmp(v, "it_value: (0, 0)", 16) == 0)
            set_why(w, RL_END_INSIDE, "%s on a timerfd that is not armed", call);
        else
            set_why(w, RL_END_ITSELF, "%s on an armed timerfd", call);
        return;
    }
    if (strcmp(link, "anon_inode:[signalfd]") == 0) {
        set_why(w, RL_END_OUTSIDE, "%s on a signalfd: signal wait, an alarm may be pending", call);
        return;
    }
    if (strcmp(link, "anon_inode:[eventfd]") == 0) {
        set_why(w, RL_END_INSIDE, "%s on an eventfd that only the run holds", call);
        return;
    }
    char path[96];
    struct stat st;
    snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
    if (stat(path, &st) == 0 && S_ISFIFO(st.st_mode))
        set_why(w, RL_END_OUTSIDE, "%s on a FIFO: any process may open it", call);
    else if (stat(path, &st) == 0 && S_ISCHR(st.st_mode))
        set_why(w, RL_END_OUTSIDE, "%s on a terminal or device: waiting for input", call);
    else
        set_why(w, RL_END_OUTSIDE, "%s on something racelab does not know", call);
}

/* Folds one target of a poll, select or epoll into the wait: an armed timer ends it, a
 * target that outside can make ready ends it from outside; only when every target is the
 * run's own does it stay inside. */
static void fold_target(struct scope *s, pid_t pid, int fd, int dir, const char *call,
                        struct rl_wait *w)
{
    if (w->end == RL_END_ITSELF)
        return;
    struct rl_wait one = {0};
    fd_end(s, pid, fd, dir, call, &one);
    if (one.end == RL_END_ITSELF || (one.end == RL_END_OUTSIDE && w->end == RL_END_INSIDE) ||
        !w->why[0]) {
        w->end = one.end;
        memcpy(w->why, one.why, sizeof w->why);
    }
}

static void poll_end(struct scope *s, pid_t pid, pid_t tid, const struct thread_state *t,
                     const char *call, struct rl_wait *w)
{
    unsigned long nfds = t->args[1];
    if (nfds == 0) {
        set_why(w, RL_END_OUTSIDE, "%s on no descriptor: signal wait, an alarm may be pending",
                call);
        return;
    }
    if (nfds > 4096) {
        set_why(w, RL_END_OUTSIDE, "%s on too many descriptors to read", call);
        return;
    }
    struct pollfd *p = calloc(nfds, sizeof *p);
    struct iovec local = {p, nfds * sizeof *p}, remote = {(void *)t->args[0], nfds * sizeof *p};
    if (!p || process_vm_readv(tid, &local, 1, &remote, 1, 0) != (ssize_t)local.iov_len) {
        free(p);
        set_why(w, RL_END_OUTSIDE, "%s on descriptors racelab cannot read", call);
        return;
    }
    w->end = RL_END_INSIDE;
    w->why[0] = '\0';
    for (unsigned long i = 0; i < nfds; i++) {
        if (p[i].fd < 0)
            continue;
        if (p[i].events & (POLLIN | POLLPRI))
            fold_target(s, pid, p[i].fd, 0, call, w);
        if (p[i].events & POLLOUT)
            fold_target(s, pid, p[i].fd, 1, call, w);
    }
    free(p);
    if (!w->why[0])
        set_why(w, RL_END_OUTSIDE, "%s on no descriptor: signal wait, an alarm may be pending",
                call);
}

static void select_end(struct scope *s, pid_t pid, pid_t tid, const struct thread_state *t,
                       const char *call, struct rl_wait *w)
{
    unsigned long nfds = t->args[0];
    if (nfds > 65536) {
        set_why(w, RL_END_OUTSIDE, "%s on too many descriptors to read", call);
        return;
    }
    size_t words = (nfds + 63) / 64;
    w->end = RL_END_INSIDE;
    w->why[0] = '\0';
    for (int set = 1; set <= 3; set++) {
        if (!t->args[set] || !words)
            continue;
        uint64_t *bits = calloc(words, sizeof *bits);
        struct iovec local = {bits, words * sizeof *bits};
        struct iovec remote = {(void *)t->args[set], words * sizeof *bits};
        if (!bits || process_vm_readv(tid, &local, 1, &remote, 1, 0) != (ssize_t)local.iov_len) {
            free(bits);
            set_why(w, RL_END_OUTSIDE, "%s on descriptors racelab cannot read", call);
            return;
        }
        for (unsigned long fd = 0; fd < nfds; fd++)
            if (bits[fd / 64] >> (fd % 64) & 1)
                fold_target(s, pid, (int)fd, set == 2, call, w);
        free(bits);
    }
    if (!w->why[0])
        set_why(w, RL_END_OUTSIDE, "%s on no descriptor: signal wait, an alarm may be pending",
                call);
}

static void epoll_end(struct scope *s, pid_t pid, const struct thread_state *t, const char *call,
                      struct rl_wait *w)
{
    char path[96], buf[16384];
    snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)pid, (int)t->args[0]);
    if (rl_read_text(path, buf, sizeof buf) < 0) {
        set_why(w, RL_END_OUTSIDE, "%s on an epoll racelab cannot read", call);
        return;
    }
    w->end = RL_END_INSIDE;
    w->why[0] = '\0';
    for (char *line = strstr(buf, "tfd:"); line; line = strstr(line + 4, "\ntfd:")) {
        int fd;
        unsigned events;
        if (line[0] == '\n')
            line++;
        if (sscanf(line, "tfd: %d events: %x", &fd, &events) != 2)
            continue;
        if (events & (EPOLLIN | EPOLLPRI))
            fold_target(s, pid, fd, 0, call, w);
        if (events & EPOLLOUT)
            fold_target(s, pid, fd, 1, call, w);
    }
    if (!w->why[0])
        set_why(w, RL_END_OUTSIDE, "%s on an empty epoll: signal wait, an alarm may be pending",
                call);
}

/* Whether pid has POSIX timers: /proc lists them, but not whether they are armed. */
static int has_posix_timer(pid_t pid)
{
    char path[64], buf[64];
    snprintf(path, sizeof path, "/proc/%d/timers", (int)pid);
    return rl_read_text(path, buf, sizeof buf) == 0 && buf[0] != '\0';
}

static void classify(struct scope *s, pid_t pid, pid_t tid, const struct thread_state *t,
                     struct rl_wait *w)
{
    memset(w, 0, sizeof *w);
    if (!is_blocked(t) && t->state != 'T' && t->state != 't') {
        w->end = RL_END_RUNS;
        return;
    }
    if (t->state == 'T' || t->state == 't') {
        w->end = RL_END_OUTSIDE;
        snprintf(w->why, sizeof w->why, "stopped: another process may continue it");
        return;
    }
    if (t->syscall_nr < 0) {
        w->end = RL_END_RUNS;
        return;
    }
    const struct syscall_row *row = syscall_row(t->syscall_nr);
    if (!row) {
        w->end = RL_END_OUTSIDE;
        snprintf(w->why, sizeof w->why, "system call %ld, which racelab does not know",
                 t->syscall_nr);
        return;
    }
    w->call = row->name;
    if (rl_syscall_timed(t->syscall_nr, t->args)) {
        /* TSan's background thread sleeps 100 ms at a time, for ever: only a timed wait can
         * be its, and only one made from the runtime's code. */
        if (runtime_pc(pid, t->pc))
            set_why(w, RL_END_RUNTIME, "%s: the sanitizer runtime's own thread", row->name);
        else
            set_why(w, RL_END_ITSELF, "%s: with a timeout", row->name);
        return;
    }
    if (row->outside) {
        w->end = RL_END_OUTSIDE;
        snprintf(w->why, sizeof w->why, "%s", row->outside);
        return;
    }
    switch (row->on) {
    case ON_FD:
        fd_end(s, pid, (int)t->args[0], row->fd_dir, row->name, w);
        break;
    case ON_POLL:
        poll_end(s, pid, tid, t, row->name, w);
        break;
    case ON_SELECT:
        select_end(s, pid, tid, t, row->name, w);
        break;
    case ON_EPOLL:
        epoll_end(s, pid, t, row->name, w);
        break;
    case ON_FUTEX:
        set_why(w, RL_END_INSIDE, "%s: a lock, condition variable or join", row->name);
        break;
    case ON_CHILD:
        set_why(w, RL_END_INSIDE, "%s: a child of the run", row->name);
        break;
    case ON_LOCK:
        set_why(w, RL_END_INSIDE, "%s: a file lock", row->name);
        break;
    case ON_TIME:
    case ON_SIGNAL:
    case ON_OPEN:
    case ON_IPC:
        set_why(w, RL_END_OUTSIDE, "%s", row->name);
        break;
    }
    if (w->end == RL_END_INSIDE && has_posix_timer(pid))
        set_why(w, RL_END_OUTSIDE, "%s, in a process with a POSIX timer: it may fire", row->name);
}

int rl_thread_wait(pid_t pid, pid_t tid, const pid_t *run, int n, struct rl_wait *w)
{
    struct scope s;
    struct thread_state t;
    char name[32];
    snprintf(name, sizeof name, "%d", (int)tid);
    if (scope_open(&s, run, n) < 0)
        return -1;
    int rc = read_thread(pid, name, &t);
    if (rc == 0)
        classify(&s, pid, tid, &t, w);
    scope_close(&s);
    return rc;
}

/* --- Every thread of the run ------------------------------------------------------------ */

/* Calls fn for every thread of every process of pids; stops early when fn returns non-zero
 * and returns that. */
static int each_thread(struct scope *s, const pid_t *pids, int n,
                       int (*fn)(void *ctx, struct scope *s, pid_t pid, const char *tid,
                                 const struct thread_state *),
                       void *ctx)
{
    for (int i = 0; i < n; i++) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/task", (int)pids[i]);
        DIR *d = opendir(path);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            struct thread_state t;
            if (read_thread(pids[i], e->d_name, &t) < 0 || t.state == 'Z' || t.state == 'X')
                continue;
            int rc = fn(ctx, s, pids[i], e->d_name, &t);
            if (rc) {
                closedir(d);
                return rc;
            }
        }
        closedir(d);
    }
    return 0;
}

struct snapshot {
    char *text;
    size_t len, cap;
    int threads;
    int outside;
    unsigned long long run_delay; /* the largest of the run's threads */
};

static int snap_thread(void *ctx, struct scope *s, pid_t pid, const char *tid,
                       const struct thread_state *t)
{
    struct snapshot *snap = ctx;
    if (t->run_delay > snap->run_delay)
        snap->run_delay = t->run_delay;
    struct rl_wait w;
    classify(s, pid, (pid_t)atoi(tid), t, &w);
    if (w.end == RL_END_RUNS || w.end == RL_END_ITSELF)
        return 1; /* something can still run, or will wake by itself */
    if (w.end == RL_END_RUNTIME)
        return 0;
    if (w.end == RL_END_OUTSIDE)
        snap->outside = 1;
    char line[160];
    int n = snprintf(line, sizeof line, "%d/%s %c %ld %lx %lu\n", (int)pid, tid, t->state,
                     t->syscall_nr, t->args[0], t->switches);
    if (snap->len + (size_t)n + 1 > snap->cap) {
        size_t cap = (snap->cap + (size_t)n + 1) * 2;
        char *grown = realloc(snap->text, cap);
        if (!grown)
            return 1;
        snap->text = grown;
        snap->cap = cap;
    }
    memcpy(snap->text + snap->len, line, (size_t)n + 1);
    snap->len += (size_t)n;
    snap->threads++;
    return 0;
}

double rl_hang_run_delay(const pid_t *pids, int n)
{
    /* Only schedstat: this runs at every sample of every run, so it reads one file a thread,
     * not the four a classification needs. */
    unsigned long long max = 0;
    for (int i = 0; i < n; i++) {
        char path[64], buf[128];
        snprintf(path, sizeof path, "/proc/%d/task", (int)pids[i]);
        DIR *d = opendir(path);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            unsigned long long ran, delay;
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "/proc/%d/task/%.20s/schedstat", (int)pids[i], e->d_name);
            if (rl_read_text(path, buf, sizeof buf) == 0 &&
                sscanf(buf, "%llu %llu", &ran, &delay) == 2 && delay > max)
                max = delay;
        }
        closedir(d);
    }
    return (double)max / 1e9;
}

int rl_hang_sample(struct rl_hang_watch *w, const pid_t *pids, int n, double now, double settle)
{
    struct snapshot snap = {0};
    struct scope s;
    if (scope_open(&s, pids, n) < 0)
        return 0;
    int busy = each_thread(&s, pids, n, snap_thread, &snap);
    scope_close(&s);
    if (busy || snap.threads == 0 || snap.outside) {
        free(snap.text);
        rl_hang_watch_free(w);
        return 0;
    }
    double delay = (double)snap.run_delay / 1e9;
    if (!w->streak || strcmp(w->streak, snap.text) != 0) {
        free(w->streak);
        w->streak = snap.text;
        w->since = now;
        w->delay_since = delay;
        return 0;
    }
    free(snap.text);
    /* The quiet window, like the deadline, is measured in the run's own time: time the run's
     * threads spent waiting for a CPU does not count towards it. */
    double starved = delay > w->delay_since ? delay - w->delay_since : 0;
    return now - w->since >= settle + starved;
}

void rl_hang_watch_free(struct rl_hang_watch *w)
{
    free(w->streak);
    w->streak = NULL;
}

/* Every thread is in a wait only the run could end (and the run has a thread). */
static int any_free(void *ctx, struct scope *s, pid_t pid, const char *tid,
                    const struct thread_state *t)
{
    int *inside = ctx;
    struct rl_wait w;
    classify(s, pid, (pid_t)atoi(tid), t, &w);
    if (w.end == RL_END_INSIDE)
        *inside = 1;
    return w.end != RL_END_INSIDE && w.end != RL_END_RUNTIME;
}

int rl_threads_all_blocked(const pid_t *pids, int n)
{
    struct scope s;
    int inside = 0;
    if (n <= 0 || scope_open(&s, pids, n) < 0)
        return 0;
    int free_thread = each_thread(&s, pids, n, any_free, &inside);
    scope_close(&s);
    return !free_thread && inside;
}

struct describe {
    char *buf;
    size_t size, used;
    char first_outside[RL_WAIT_WHY + 64];
};

static void append(struct describe *d, const char *text)
{
    if (d->used >= d->size)
        return;
    int n = snprintf(d->buf + d->used, d->size - d->used, "%s", text);
    if (n > 0)
        d->used = d->used + (size_t)n < d->size ? d->used + (size_t)n : d->size - 1;
}

static int describe_thread(void *ctx, struct scope *s, pid_t pid, const char *tid,
                           const struct thread_state *t)
{
    struct describe *d = ctx;
    struct rl_wait w;
    classify(s, pid, (pid_t)atoi(tid), t, &w);
    char where[96];
    const char *name = rl_syscall_name(t->syscall_nr);
    if (t->syscall_nr < 0 || w.end == RL_END_RUNS)
        snprintf(where, sizeof where, "running");
    else if (name)
        snprintf(where, sizeof where, "in %s%s", name,
                 rl_syscall_timed(t->syscall_nr, t->args) ? " (with a timeout)" : " (no timeout)");
    else
        snprintf(where, sizeof where, "in system call %ld (no timeout)", t->syscall_nr);
    char wchan[64] = "";
    char path[512];
    snprintf(path, sizeof path, "/proc/%d/task/%s/wchan", (int)pid, tid);
    if (rl_read_text(path, wchan, sizeof wchan) < 0 || strcmp(wchan, "0") == 0)
        wchan[0] = '\0';
    const char *kind = w.end == RL_END_OUTSIDE   ? "can end from outside: "
                       : w.end == RL_END_ITSELF  ? "ends by itself: "
                       : w.end == RL_END_RUNTIME ? "ignored: "
                       : w.end == RL_END_INSIDE  ? "only the run can end it: "
                                                 : "";
    /* The ids as the program, its tool's logs and its stacks know them. */
    int own_pid = rl_proc_own_id(pid, (pid_t)atoi(tid), "NStgid"),
        own_tid = rl_proc_own_id(pid, (pid_t)atoi(tid), "NSpid");
    if (own_pid < 0 || own_tid < 0)
        own_pid = (int)pid, own_tid = atoi(tid);
    char line[sizeof w.why + 256];
    snprintf(line, sizeof line, "pid %d thread %d: state %c, %s%s%s%s%s%s%s\n", own_pid, own_tid,
             t->state, where, wchan[0] ? " [" : "", wchan, wchan[0] ? "]" : "",
             w.why[0] ? "; " : "", w.why[0] ? kind : "", w.why);
    append(d, line);
    if (w.end == RL_END_OUTSIDE && !d->first_outside[0])
        snprintf(d->first_outside, sizeof d->first_outside, "pid %d thread %d: %s", own_pid,
                 own_tid, w.why);
    return 0;
}

void rl_threads_describe(const pid_t *pids, int n, char *buf, size_t size)
{
    struct describe d = {buf, size, 0, ""};
    struct scope s;
    buf[0] = '\0';
    if (scope_open(&s, pids, n) < 0)
        return;
    each_thread(&s, pids, n, describe_thread, &d);
    scope_close(&s);
    if (d.first_outside[0] && size > 0) {
        /* The verdict's reason first: why this hang is not a deadlock. */
        char head[sizeof d.first_outside + 32];
        int k = snprintf(head, sizeof head, "not a deadlock: %s\n", d.first_outside);
        size_t len = strlen(buf);
        if (k > 0 && (size_t)k < size) {
            if (len + (size_t)k >= size)
                len = size - 1 - (size_t)k;
            memmove(buf + k, buf, len);
            memcpy(buf, head, (size_t)k);
            buf[len + (size_t)k] = '\0';
        }
    }
}
