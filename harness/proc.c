/* Spawning, reaping and killing a run: see proc.h. The reaper talks to racelab through a pipe
 * of fixed-size events, so racelab waits on one descriptor with a deadline instead of polling
 * with sleeps. Where the threads wait is hang.c's job; the two meet at rl_run_pids(). */
#include "proc.h"

#include "hang.h"
#include "procinfo.h"

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

/* The parent of a live pid; -1 if gone, -2 if it has died and waits to be reaped. */
static pid_t parent_of(pid_t pid)
{
    struct rl_proc_stat st;
    if (rl_proc_read_stat(pid, &st) < 0)
        return -1;
    return st.state == 'Z' || st.state == 'X' ? -2 : st.ppid;
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
    pid_t pids[RL_RUN_MAX_PIDS];
    for (int round = 0; round < 50; round++) {
        int n = descendants(root, pids, RL_RUN_MAX_PIDS);
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
        if (settle > 0) {
            pid_t pids[RL_RUN_MAX_PIDS];
            int n = rl_run_pids(r, pids, RL_RUN_MAX_PIDS);
            if (rl_hang_sample(&r->watch, pids, n, rl_now(), settle))
                return RL_WAIT_HUNG;
        }
    }
}

int rl_run_pids(struct rl_run *r, pid_t *out, int max)
{
    if (!r->reaper || r->all_done)
        return 0;
    return descendants(r->reaper, out, max);
}

pid_t rl_run_outer_pid(struct rl_run *r, pid_t program_pid)
{
    pid_t pids[RL_RUN_MAX_PIDS];
    int n = rl_run_pids(r, pids, RL_RUN_MAX_PIDS);
    for (int i = 0; i < n; i++) {
        if (!r->namespaced) {
            if (pids[i] == program_pid)
                return program_pid;
            continue;
        }
        char path[64], buf[2048];
        snprintf(path, sizeof path, "/proc/%d/status", (int)pids[i]);
        if (rl_read_text(path, buf, sizeof buf) < 0)
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
    pid_t pids[RL_RUN_MAX_PIDS];
    int n = rl_run_pids(r, pids, RL_RUN_MAX_PIDS);
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
    rl_hang_watch_free(&r->watch);
}
