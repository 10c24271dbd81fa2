/* See hang.h. */
#include "hang.h"

#include "procinfo.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

/* How a blocked system call says whether it has a timeout. */
enum timeout_rule {
    TIMEOUT_NONE,    /* waits until something happens */
    TIMEOUT_ALWAYS,  /* a sleep: always ends by itself */
    TIMEOUT_POINTER, /* the argument at arg points to a timeout; NULL: none */
    TIMEOUT_MS,      /* the argument at arg is milliseconds; negative: none */
};

/* The system calls a blocked thread is named by, keyed by SYS_* so that the table holds on
 * every architecture that has the call. */
static const struct syscall_row {
    long nr;
    const char *name;
    enum timeout_rule rule;
    int arg; /* the timeout argument's position, for TIMEOUT_POINTER and TIMEOUT_MS */
} syscalls[] = {
    {SYS_read, "read", TIMEOUT_NONE, 0},
#ifdef SYS_open
    {SYS_open, "open", TIMEOUT_NONE, 0},
#endif
    {SYS_openat, "openat", TIMEOUT_NONE, 0},
#ifdef SYS_pause
    {SYS_pause, "pause", TIMEOUT_NONE, 0},
#endif
    {SYS_wait4, "wait4", TIMEOUT_NONE, 0},
    {SYS_waitid, "waitid", TIMEOUT_NONE, 0},
    {SYS_fcntl, "fcntl", TIMEOUT_NONE, 0},
    {SYS_flock, "flock", TIMEOUT_NONE, 0},
    {SYS_rt_sigsuspend, "rt_sigsuspend", TIMEOUT_NONE, 0},
    {SYS_nanosleep, "nanosleep", TIMEOUT_ALWAYS, 0},
    {SYS_clock_nanosleep, "clock_nanosleep", TIMEOUT_ALWAYS, 0},
    {SYS_futex, "futex", TIMEOUT_POINTER, 3},
    {SYS_rt_sigtimedwait, "rt_sigtimedwait", TIMEOUT_POINTER, 2},
#ifdef SYS_poll
    {SYS_poll, "poll", TIMEOUT_MS, 2},
#endif
    {SYS_ppoll, "ppoll", TIMEOUT_POINTER, 2},
#ifdef SYS_select
    {SYS_select, "select", TIMEOUT_POINTER, 4},
#endif
    {SYS_pselect6, "pselect6", TIMEOUT_POINTER, 4},
#ifdef SYS_epoll_wait
    {SYS_epoll_wait, "epoll_wait", TIMEOUT_MS, 3},
#endif
    {SYS_epoll_pwait, "epoll_pwait", TIMEOUT_MS, 3},
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

struct thread_state {
    char state;      /* from /proc/PID/task/TID/stat */
    long syscall_nr; /* -1: running in user space or unknown */
    unsigned long args[6];
    unsigned long switches; /* voluntary + involuntary context switches */
    unsigned long long sigblk;
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
    snprintf(path, sizeof path, "/proc/%d/task/%s/syscall", (int)pid, tid);
    if (rl_read_text(path, buf, sizeof buf) == 0 && buf[0] >= '0' && buf[0] <= '9')
        sscanf(buf, "%ld %lx %lx %lx %lx %lx %lx", &t->syscall_nr, &t->args[0], &t->args[1],
               &t->args[2], &t->args[3], &t->args[4], &t->args[5]);
    snprintf(path, sizeof path, "/proc/%d/task/%s/status", (int)pid, tid);
    if (rl_read_text(path, buf, sizeof buf) == 0) {
        char *v = strstr(buf, "\nvoluntary_ctxt_switches:");
        char *nv = strstr(buf, "\nnonvoluntary_ctxt_switches:");
        char *sb = strstr(buf, "\nSigBlk:");
        if (v)
            t->switches += strtoul(v + 25, NULL, 10);
        if (nv)
            t->switches += strtoul(nv + 28, NULL, 10);
        if (sb)
            t->sigblk = strtoull(sb + 8, NULL, 16);
    }
    return 0;
}

static int is_blocked(const struct thread_state *t)
{
    return t->state == 'S' || t->state == 'D' || t->state == 'T' || t->state == 't';
}

static int timed_wait(const struct thread_state *t)
{
    return rl_syscall_timed(t->syscall_nr, t->args);
}

/* A sanitizer runtime's own helper (TSan's background thread) sleeps with every signal
 * blocked and wakes every 100 ms: it says nothing about whether the program is stuck. */
static int runtime_helper(const struct thread_state *t)
{
    const unsigned long long int_term_usr1 = (1ull << (SIGINT - 1)) | (1ull << (SIGTERM - 1)) |
                                             (1ull << (SIGUSR1 - 1)) | (1ull << (SIGALRM - 1));
    return timed_wait(t) && (t->sigblk & int_term_usr1) == int_term_usr1;
}

/* Calls fn for every thread of every process of pids; stops early when fn returns non-zero
 * and returns that. */
static int each_thread(const pid_t *pids, int n,
                       int (*fn)(void *ctx, pid_t pid, const char *tid,
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
            int rc = fn(ctx, pids[i], e->d_name, &t);
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
};

static int snap_thread(void *ctx, pid_t pid, const char *tid, const struct thread_state *t)
{
    struct snapshot *s = ctx;
    if (!is_blocked(t) || t->syscall_nr < 0)
        return 1; /* something can still run */
    if (runtime_helper(t))
        return 0;
    if (timed_wait(t))
        return 1; /* it will wake by itself */
    char line[160];
    int n = snprintf(line, sizeof line, "%d/%s %c %ld %lx %lu\n", (int)pid, tid, t->state,
                     t->syscall_nr, t->args[0], t->switches);
    if (s->len + (size_t)n + 1 > s->cap) {
        size_t cap = (s->cap + (size_t)n + 1) * 2;
        char *grown = realloc(s->text, cap);
        if (!grown)
            return 1;
        s->text = grown;
        s->cap = cap;
    }
    memcpy(s->text + s->len, line, (size_t)n + 1);
    s->len += (size_t)n;
    s->threads++;
    return 0;
}

int rl_hang_sample(struct rl_hang_watch *w, const pid_t *pids, int n, double now, double settle)
{
    struct snapshot s = {0};
    int busy = each_thread(pids, n, snap_thread, &s);
    if (busy || s.threads == 0) {
        free(s.text);
        rl_hang_watch_free(w);
        return 0;
    }
    if (!w->streak || strcmp(w->streak, s.text) != 0) {
        free(w->streak);
        w->streak = s.text;
        w->since = now;
        return 0;
    }
    free(s.text);
    return now - w->since >= settle;
}

void rl_hang_watch_free(struct rl_hang_watch *w)
{
    free(w->streak);
    w->streak = NULL;
}

/* A thread that runs, or sleeps with a timeout, can still make progress by itself. */
static int any_runnable(void *ctx, pid_t pid, const char *tid, const struct thread_state *t)
{
    (void)ctx, (void)pid, (void)tid;
    return !is_blocked(t) || (timed_wait(t) && !runtime_helper(t));
}

int rl_threads_all_blocked(const pid_t *pids, int n)
{
    return n > 0 && !each_thread(pids, n, any_runnable, NULL);
}

struct describe {
    char *buf;
    size_t size, used;
};

static int describe_thread(void *ctx, pid_t pid, const char *tid, const struct thread_state *t)
{
    struct describe *d = ctx;
    char where[96];
    const char *name = rl_syscall_name(t->syscall_nr);
    if (t->syscall_nr < 0)
        snprintf(where, sizeof where, "running");
    else if (name)
        snprintf(where, sizeof where, "in %s%s", name,
                 timed_wait(t) ? " (with a timeout)" : " (no timeout)");
    else
        snprintf(where, sizeof where, "in system call %ld (no timeout)", t->syscall_nr);
    char wchan[64] = "";
    char path[512];
    snprintf(path, sizeof path, "/proc/%d/task/%s/wchan", (int)pid, tid);
    if (rl_read_text(path, wchan, sizeof wchan) < 0 || strcmp(wchan, "0") == 0)
        wchan[0] = '\0';
    if (d->used < d->size) {
        int n = snprintf(d->buf + d->used, d->size - d->used,
                         "pid %d thread %s: state %c, %s%s%s%s\n", (int)pid, tid, t->state, where,
                         wchan[0] ? " [" : "", wchan, wchan[0] ? "]" : "");
        if (n > 0)
            d->used += (size_t)n;
    }
    return 0;
}

void rl_threads_describe(const pid_t *pids, int n, char *buf, size_t size)
{
    struct describe d = {buf, size, 0};
    buf[0] = '\0';
    each_thread(pids, n, describe_thread, &d);
}
