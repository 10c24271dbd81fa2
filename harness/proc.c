/* The runner: see proc.h. The reaper talks to racelab through a pipe of fixed-size events,
 * so racelab waits on one descriptor with a deadline instead of polling with sleeps. */
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum { EV_STARTED, EV_EXEC_FAILED, EV_EXIT, EV_ALL_GONE };

struct event {
    int type;
    int pid;    /* as the reaper sees it */
    int status; /* wait status, or errno for EV_EXEC_FAILED */
    int main;   /* EV_EXIT of the program's first process */
};

#define MAX_PIDS 1024

double rl_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void send_event(int fd, int type, int pid, int status, int main)
{
    struct event ev = {type, pid, status, main};
    ssize_t w;
    do
        w = write(fd, &ev, sizeof ev);
    while (w < 0 && errno == EINTR);
}

/* The parent of pid, from /proc/PID/stat (fields after the last ')'); -1 if gone. */
static pid_t parent_of(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *close_paren = strrchr(buf, ')');
    char state;
    int ppid;
    if (!close_paren || sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2)
        return -1;
    return state == 'Z' || state == 'X' ? -2 : ppid;
}

/* Every live descendant of root, in the /proc that this process sees. */
static int descendants(pid_t root, pid_t *out, int max)
{
    static pid_t pids[65536], parents[65536];
    int n = 0;
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 65536) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        pid_t pp = parent_of((pid_t)pid);
        if (pp < 0)
            continue;
        pids[n] = (pid_t)pid;
        parents[n++] = pp;
    }
    closedir(d);
    /* Breadth first from root: out[] doubles as the queue. */
    int found = 0;
    for (int head = -1; head < found; head++) {
        pid_t parent = head < 0 ? root : out[head];
        for (int i = 0; i < n && found < max; i++)
            if (parents[i] == parent)
                out[found++] = pids[i];
    }
    return found;
}

static volatile sig_atomic_t parent_died;

static void on_parent_death(int sig)
{
    (void)sig;
    parent_died = 1;
}

static void kill_descendants(pid_t root)
{
    pid_t pids[MAX_PIDS];
    for (int round = 0; round < 50; round++) {
        int n = descendants(root, pids, MAX_PIDS);
        if (n == 0)
            return;
        for (int i = 0; i < n; i++)
            kill(pids[i], SIGKILL);
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
    }
}

/* The program's side of the fork: everything the exec needs, then exec. */
static void start_program(const struct rl_spawn *sp, const char *pty_slave, int err_fd)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_DFL);
    prctl(PR_SET_PDEATHSIG, 0);
    int in, out, errfd;
    if (pty_slave) {
        in = out = errfd = open(pty_slave, O_RDWR);
    } else {
        in = open("/dev/null", O_RDONLY);
        out = open(sp->out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        errfd = open(sp->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    }
    if (in < 0 || out < 0 || errfd < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
        dup2(errfd, 2) < 0 || chdir(sp->dir) < 0)
        goto fail;
    if (in > 2)
        close(in);
    if (out > 2 && out != in)
        close(out);
    if (errfd > 2 && errfd != in && errfd != out)
        close(errfd);
    if (sp->keep_fd >= 0 && dup2(sp->keep_fd, RL_KEEP_FD) < 0) /* dup2 clears FD_CLOEXEC */
        goto fail;
    execvpe(sp->argv[0], sp->argv, sp->env);
fail:;
    int e = errno;
    ssize_t w = write(err_fd, &e, sizeof e);
    (void)w;
    _exit(127);
}

/* The reaper: starts the program, then reaps every process of the run until none is left. */
static void reaper(const struct rl_spawn *sp, int ev_fd, int namespaced, const char *pty_slave,
                   pid_t racelab)
{
    prctl(PR_SET_PDEATHSIG, namespaced ? SIGKILL : SIGTERM);
    if (!namespaced) {
        struct sigaction sa = {.sa_handler = on_parent_death};
        sigaction(SIGTERM, &sa, NULL); /* no SA_RESTART: waitpid returns EINTR */
        if (getppid() != racelab)
            _exit(1);
        prctl(PR_SET_CHILD_SUBREAPER, 1);
    } else {
        /* A /proc of the namespace, so the program's /proc/self/task/<gettid()> is right. */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
            mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
    }
    if (pty_slave) {
        setsid();
        int s = open(pty_slave, O_RDWR);
        if (s >= 0) {
            ioctl(s, TIOCSCTTY, 0);
            close(s);
        }
    }
    int exec_err[2];
    if (pipe2(exec_err, O_CLOEXEC) < 0) {
        send_event(ev_fd, EV_EXEC_FAILED, 0, errno, 0);
        _exit(1);
    }
    pid_t main_pid = fork();
    if (main_pid < 0) {
        send_event(ev_fd, EV_EXEC_FAILED, 0, errno, 0);
        _exit(1);
    }
    if (main_pid == 0) {
        close(exec_err[0]);
        close(ev_fd);
        start_program(sp, pty_slave, exec_err[1]);
    }
    close(exec_err[1]);
    int e;
    ssize_t got;
    do
        got = read(exec_err[0], &e, sizeof e);
    while (got < 0 && errno == EINTR);
    close(exec_err[0]);
    if (got == (ssize_t)sizeof e)
        send_event(ev_fd, EV_EXEC_FAILED, main_pid, e, 0);
    else
        send_event(ev_fd, EV_STARTED, main_pid, 0, 0);
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) {
                if (parent_died) {
                    kill_descendants(getpid());
                    _exit(1);
                }
                continue;
            }
            break;
        }
        send_event(ev_fd, EV_EXIT, pid, status, pid == main_pid);
    }
    send_event(ev_fd, EV_ALL_GONE, 0, 0, 0);
    _exit(0);
}

static pid_t clone_namespaced(void)
{
    return (pid_t)syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWNS | SIGCHLD, NULL, NULL, NULL, NULL);
}

int rl_run_start(struct rl_run *r, const struct rl_spawn *sp, char *err, size_t errsize)
{
    memset(r, 0, sizeof *r);
    r->events_fd = r->pty_master = -1;
    prctl(PR_SET_CHILD_SUBREAPER, 1);

    char pty_slave[128] = "";
    if (sp->use_pty) {
        r->pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (r->pty_master < 0 || grantpt(r->pty_master) < 0 || unlockpt(r->pty_master) < 0 ||
            ptsname_r(r->pty_master, pty_slave, sizeof pty_slave) != 0) {
            snprintf(err, errsize, "cannot make a pseudo-terminal: %s", strerror(errno));
            return -1;
        }
    }
    int ev[2];
    if (pipe2(ev, O_CLOEXEC) < 0) {
        snprintf(err, errsize, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t racelab = getpid();
    fflush(NULL);
    pid_t child = -1;
    if (!sp->no_namespace) {
        child = clone_namespaced();
        r->namespaced = child >= 0;
    }
    if (child < 0)
        child = fork();
    if (child < 0) {
        snprintf(err, errsize, "fork: %s", strerror(errno));
        close(ev[0]);
        close(ev[1]);
        return -1;
    }
    if (child == 0) {
        close(ev[0]);
        reaper(sp, ev[1], r->namespaced, pty_slave[0] ? pty_slave : NULL, racelab);
    }
    close(ev[1]);
    r->reaper = child;
    r->events_fd = ev[0];
    r->started = rl_now();

    struct event e;
    ssize_t got;
    do
        got = read(r->events_fd, &e, sizeof e);
    while (got < 0 && errno == EINTR);
    if (got != (ssize_t)sizeof e || e.type == EV_EXEC_FAILED) {
        snprintf(err, errsize, "cannot run %s: %s", sp->argv[0],
                 got == (ssize_t)sizeof e ? strerror(e.status) : "the reaper died");
        rl_run_kill(r);
        return -1;
    }
    r->main_local_pid = e.pid;
    r->main_pid = rl_run_outer_pid(r, e.pid);
    return 0;
}

static void handle_event(struct rl_run *r, const struct event *e)
{
    if (e->type == EV_ALL_GONE) {
        r->all_done = 1;
        return;
    }
    if (e->type != EV_EXIT)
        return;
    if (WIFSIGNALED(e->status) && !r->sent_signal && !r->crashed) {
        r->crashed = 1;
        r->crash_signal = WTERMSIG(e->status);
        r->crash_pid = e->pid;
    }
    if (e->main) {
        r->main_done = 1;
        r->main_status = e->status;
        r->main_ended = rl_now();
    }
}

/* Reads what the reaper has said; on end of file the reaper is gone, and so is the run. */
static void drain(struct rl_run *r)
{
    struct event e;
    for (;;) {
        ssize_t got = read(r->events_fd, &e, sizeof e);
        if (got == (ssize_t)sizeof e) {
            handle_event(r, &e);
            struct pollfd p = {r->events_fd, POLLIN, 0};
            if (poll(&p, 1, 0) <= 0)
                return;
            continue;
        }
        if (got < 0 && errno == EINTR)
            continue;
        r->all_done = 1;
        if (!r->main_done && r->main_pid)
            r->main_done = 1; /* the reaper died before it could tell */
        return;
    }
}

/* --- Thread states ------------------------------------------------------------------- */

static int read_small(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, size - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return 0;
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
    if (read_small(path, buf, sizeof buf) < 0)
        return -1;
    char *p = strrchr(buf, ')');
    if (!p || sscanf(p + 1, " %c", &t->state) != 1)
        return -1;
    snprintf(path, sizeof path, "/proc/%d/task/%s/syscall", (int)pid, tid);
    if (read_small(path, buf, sizeof buf) == 0 && buf[0] >= '0' && buf[0] <= '9')
        sscanf(buf, "%ld %lx %lx %lx %lx %lx %lx", &t->syscall_nr, &t->args[0], &t->args[1],
               &t->args[2], &t->args[3], &t->args[4], &t->args[5]);
    snprintf(path, sizeof path, "/proc/%d/task/%s/status", (int)pid, tid);
    if (read_small(path, buf, sizeof buf) == 0) {
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

/* Whether a blocked thread waits with a timeout, i.e. will wake by itself. x86-64 numbers. */
static int timed_wait(const struct thread_state *t)
{
    switch (t->syscall_nr) {
    case 35:  /* nanosleep */
    case 230: /* clock_nanosleep */
        return 1;
    case 202: /* futex: the timeout is the fourth argument */
    case 128: /* rt_sigtimedwait: the third */
        return t->syscall_nr == 202 ? t->args[3] != 0 : t->args[2] != 0;
    case 7:   /* poll(fds, n, timeout_ms) */
    case 232: /* epoll_wait(fd, ev, n, timeout_ms) */
    case 281: /* epoll_pwait */
        return (int)t->args[t->syscall_nr == 7 ? 2 : 3] >= 0;
    case 23:  /* select: the fifth */
    case 270: /* pselect6 */
        return t->args[4] != 0;
    case 271: /* ppoll: the third */
        return t->args[2] != 0;
    default:
        return 0;
    }
}

/* A sanitizer runtime's own helper (TSan's background thread) sleeps with every signal
 * blocked and wakes every 100 ms: it says nothing about whether the program is stuck. */
static int runtime_helper(const struct thread_state *t)
{
    const unsigned long long int_term_usr1 = (1ull << (SIGINT - 1)) | (1ull << (SIGTERM - 1)) |
                                             (1ull << (SIGUSR1 - 1)) | (1ull << (SIGALRM - 1));
    return timed_wait(t) && (t->sigblk & int_term_usr1) == int_term_usr1;
}

/* Calls fn for every thread of every live process of the run; stops early when fn returns
 * non-zero and returns that. */
static int each_thread(struct rl_run *r,
                       int (*fn)(void *ctx, pid_t pid, const char *tid,
                                 const struct thread_state *),
                       void *ctx)
{
    pid_t pids[MAX_PIDS];
    int n = rl_run_pids(r, pids, MAX_PIDS);
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

/* Returns 1 once the run has been stuck, unchanged, for settle seconds. */
static int hung(struct rl_run *r, double settle)
{
    struct snapshot s = {0};
    int busy = each_thread(r, snap_thread, &s);
    double now = rl_now();
    if (busy || s.threads == 0) {
        free(s.text);
        free(r->streak);
        r->streak = NULL;
        return 0;
    }
    if (!r->streak || strcmp(r->streak, s.text) != 0) {
        free(r->streak);
        r->streak = s.text;
        r->streak_since = now;
        return 0;
    }
    free(s.text);
    return now - r->streak_since >= settle;
}

enum rl_wait_result rl_run_wait(struct rl_run *r, enum rl_wait_until until, double deadline,
                                double settle)
{
    const double sample = 0.05;
    for (;;) {
        if (r->all_done || (until == RL_UNTIL_MAIN_EXITS && r->main_done))
            return RL_WAIT_DONE;
        double now = rl_now();
        if (now >= deadline)
            return RL_WAIT_DEADLINE;
        double left = deadline - now;
        if (settle > 0 && left > sample)
            left = sample;
        struct pollfd p = {r->events_fd, POLLIN, 0};
        int rc = poll(&p, 1, (int)(left * 1000) + 1);
        if (rc > 0) {
            drain(r);
            continue;
        }
        if (settle > 0 && hung(r, settle))
            return RL_WAIT_HUNG;
    }
}

/* A thread that runs, or sleeps with a timeout, can still make progress by itself. */
static int any_runnable(void *ctx, pid_t pid, const char *tid, const struct thread_state *t)
{
    (void)ctx, (void)pid, (void)tid;
    return !is_blocked(t) || (timed_wait(t) && !runtime_helper(t));
}

int rl_run_all_blocked(struct rl_run *r)
{
    pid_t pids[1];
    if (rl_run_pids(r, pids, 1) == 0)
        return 0;
    return !each_thread(r, any_runnable, NULL);
}

static const char *syscall_name(long nr)
{
    switch (nr) {
    case 0:
        return "read";
    case 2:
        return "open";
    case 257:
        return "openat";
    case 7:
        return "poll";
    case 23:
        return "select";
    case 34:
        return "pause";
    case 35:
        return "nanosleep";
    case 61:
        return "wait4";
    case 72:
        return "fcntl";
    case 73:
        return "flock";
    case 128:
        return "rt_sigtimedwait";
    case 130:
        return "rt_sigsuspend";
    case 202:
        return "futex";
    case 230:
        return "clock_nanosleep";
    case 232:
        return "epoll_wait";
    case 247:
        return "waitid";
    case 270:
        return "pselect6";
    case 271:
        return "ppoll";
    case 281:
        return "epoll_pwait";
    default:
        return NULL;
    }
}

struct describe {
    char *buf;
    size_t size, used;
};

static int describe_thread(void *ctx, pid_t pid, const char *tid, const struct thread_state *t)
{
    struct describe *d = ctx;
    char where[96];
    const char *name = syscall_name(t->syscall_nr);
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
    if (read_small(path, wchan, sizeof wchan) < 0 || strcmp(wchan, "0") == 0)
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

void rl_run_describe(struct rl_run *r, char *buf, size_t size)
{
    struct describe d = {buf, size, 0};
    buf[0] = '\0';
    each_thread(r, describe_thread, &d);
}

int rl_run_pids(struct rl_run *r, pid_t *out, int max)
{
    if (!r->reaper || r->all_done)
        return 0;
    return descendants(r->reaper, out, max);
}

pid_t rl_run_outer_pid(struct rl_run *r, pid_t program_pid)
{
    pid_t pids[MAX_PIDS];
    int n = rl_run_pids(r, pids, MAX_PIDS);
    for (int i = 0; i < n; i++) {
        if (!r->namespaced) {
            if (pids[i] == program_pid)
                return program_pid;
            continue;
        }
        char path[64], buf[2048];
        snprintf(path, sizeof path, "/proc/%d/status", (int)pids[i]);
        if (read_small(path, buf, sizeof buf) < 0)
            continue;
        char *ns = strstr(buf, "\nNSpid:");
        if (!ns)
            continue;
        char *eol = strchr(ns + 1, '\n');
        if (eol)
            *eol = '\0';
        char *last = strrchr(ns, '\t');
        if (last && atoi(last + 1) == program_pid)
            return pids[i];
    }
    return 0;
}

int rl_run_signal(struct rl_run *r, pid_t program_pid, int sig)
{
    pid_t outer = rl_run_outer_pid(r, program_pid);
    if (outer <= 0) {
        errno = ESRCH;
        return -1;
    }
    r->sent_signal = 1;
    return kill(outer, sig);
}

void rl_run_stop(struct rl_run *r, pid_t program_pid)
{
    if (program_pid > 0 && rl_run_signal(r, program_pid, SIGTERM) == 0)
        return;
    /* No such process to address: ask every process of the run. */
    pid_t pids[MAX_PIDS];
    int n = rl_run_pids(r, pids, MAX_PIDS);
    r->sent_signal = 1;
    for (int i = 0; i < n; i++)
        kill(pids[i], SIGTERM);
}

void rl_run_kill(struct rl_run *r)
{
    if (r->reaper > 0) {
        r->sent_signal = 1;
        if (!r->namespaced)
            kill_descendants(r->reaper);
        /* In a namespace, the reaper's death takes every process of it along. */
        kill(r->reaper, SIGKILL);
        while (waitpid(r->reaper, NULL, 0) < 0 && errno == EINTR)
            ;
        if (r->events_fd >= 0) {
            struct pollfd p = {r->events_fd, POLLIN, 0};
            while (poll(&p, 1, 0) > 0 && !r->all_done)
                drain(r);
        }
        r->reaper = 0;
        r->all_done = 1;
    }
    /* Whatever was orphaned to racelab (the subreaper) in the fallback. */
    kill_descendants(getpid());
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    if (r->events_fd >= 0)
        close(r->events_fd);
    if (r->pty_master >= 0)
        close(r->pty_master);
    r->events_fd = r->pty_master = -1;
    free(r->streak);
    r->streak = NULL;
}
