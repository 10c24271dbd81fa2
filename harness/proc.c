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
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum { EV_STARTED, EV_EXEC_FAILED, EV_EXIT, EV_ALL_GONE, EV_NO_NAMESPACE };

struct event {
    int type;
    int pid;    /* as the reaper sees it */
    int status; /* wait status, errno for EV_EXEC_FAILED and EV_NO_NAMESPACE, the leader's pid
                   for EV_STARTED */
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

/* Appends pid to a growing array; -1 when out of memory. */
static int push_pid(pid_t **v, size_t *n, size_t *cap, pid_t pid)
{
    if (*n == *cap) {
        size_t grown = *cap ? *cap * 2 : 64;
        pid_t *p = realloc(*v, grown * sizeof *p);
        if (!p)
            return -1;
        *v = p;
        *cap = grown;
    }
    (*v)[(*n)++] = pid;
    return 0;
}

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

/* Every live descendant of root by a scan of all of /proc: for a kernel without
 * CONFIG_PROC_CHILDREN. Its cost grows with every process of the machine, not the run's. */
static int descendants_scan(pid_t root, pid_t **out)
{
    pid_t *pids = NULL, *parents = NULL;
    size_t n = 0, cap = 0;
    *out = NULL;
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        pid_t pp = parent_of((pid_t)pid);
        if (pp < 0)
            continue;
        if (n == cap) {
            size_t grown = cap ? cap * 2 : 1024;
            pid_t *p = realloc(pids, grown * sizeof *p);
            if (p)
                pids = p;
            pid_t *q = p ? realloc(parents, grown * sizeof *q) : NULL;
            if (!q)
                break; /* out of memory: what was read so far */
            parents = q;
            cap = grown;
        }
        pids[n] = (pid_t)pid;
        parents[n++] = pp;
    }
    closedir(d);
    /* Breadth first from root: the result doubles as the queue. */
    pid_t *found = malloc((n ? n : 1) * sizeof *found);
    int nfound = 0;
    for (int head = -1; found && head < nfound; head++) {
        pid_t parent = head < 0 ? root : found[head];
        for (size_t i = 0; i < n; i++)
            if (parents[i] == parent)
                found[nfound++] = pids[i];
    }
    free(pids);
    free(parents);
    if (!nfound) {
        free(found);
        found = NULL;
    }
    *out = found;
    return nfound;
}

/* Appends the children of every thread of pid (/proc/PID/task/TID/children: a process's
 * children are its threads' own). 0, or -1 when pid has no such file (the kernel lacks
 * CONFIG_PROC_CHILDREN, or pid is gone). */
static int thread_children(pid_t pid, pid_t **v, size_t *n, size_t *cap)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int found_file = 0;
    char small[1024], *buf = small;
    size_t size = sizeof small;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "/proc/%d/task/%.20s/children", (int)pid, e->d_name);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        found_file = 1;
        /* The whole list, then its numbers: a list longer than the buffer grows it. */
        size_t used = 0;
        ssize_t got;
        while ((got = read(fd, buf + used, size - 1 - used)) > 0) {
            used += (size_t)got;
            if (used + 1 < size)
                continue;
            char *grown = malloc(size * 2);
            if (!grown)
                break;
            memcpy(grown, buf, used);
            if (buf != small)
                free(buf);
            buf = grown;
            size *= 2;
        }
        close(fd);
        buf[used] = '\0';
        for (char *p = buf; *p;) {
            char *end;
            long child = strtol(p, &end, 10);
            if (end == p)
                break;
            if (child > 0 && push_pid(v, n, cap, (pid_t)child) < 0)
                break;
            p = end;
        }
    }
    closedir(d);
    if (buf != small)
        free(buf);
    return found_file ? 0 : -1;
}

/* Whether the kernel has /proc/PID/task/TID/children: -1 not known yet, 0, 1. */
static int have_children_files = -1;

/* Every live descendant of root, in the /proc that this process sees, however many: an array
 * in *out (owned by the caller; NULL when none). Returns their number. Read from the
 * children files of root and of each descendant found (the run's own processes only); a
 * kernel without them, a scan of all of /proc. */
static int descendants_all(pid_t root, pid_t **out)
{
    *out = NULL;
    if (have_children_files < 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
        have_children_files = access(path, R_OK) == 0;
    }
    if (!have_children_files)
        return descendants_scan(root, out);
    pid_t *found = NULL;
    size_t n = 0, cap = 0;
    thread_children(root, &found, &n, &cap);
    /* Breadth first: the result doubles as the queue. A process that moves to a new parent
     * while this runs may be listed twice, or (like a process made meanwhile) missed. */
    for (size_t head = 0; head < n; head++)
        thread_children(found[head], &found, &n, &cap);
    if (n) /* (qsort of no array: undefined) */
        qsort(found, n, sizeof *found, cmp_pid);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (kept && found[kept - 1] == found[i])
            continue;
        /* A zombie is no live process: it is listed until its parent reaps it. */
        if (parent_of(found[i]) < 0)
            continue;
        found[kept++] = found[i];
    }
    if (!kept) {
        free(found);
        found = NULL;
    }
    *out = found;
    return (int)kept;
}

/* The first max of descendants_all(root). */
static int descendants(pid_t root, pid_t *out, int max)
{
    pid_t *all;
    int n = descendants_all(root, &all);
    if (n > max)
        n = max;
    if (n > 0)
        memcpy(out, all, (size_t)n * sizeof *out);
    free(all);
    return n;
}

/* The signals a terminal or CI sends to stop a job: racelab and the fallback's reaper catch
 * them, end the run, then die of them all the same. */
static const int stop_signals[] = {SIGINT, SIGHUP, SIGQUIT, SIGTERM};

/* Where start_program lifts the descriptors it passes on before placing them (below 1024, the
 * usual soft limit, and above the numbers a caller may ask for). */
#define RL_PASS_FD_FLOOR 512

static void add_stop_signals(sigset_t *set)
{
    for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++)
        sigaddset(set, stop_signals[i]);
}

/* The reaper's side: a stop signal (or, in the fallback, racelab's death) it has caught. */
static volatile sig_atomic_t reaper_stop;

static void on_reaper_stop(int sig)
{
    reaper_stop = sig;
}

static void on_child(int sig)
{
    (void)sig; /* only wakes sigsuspend */
}

/* Kills every live descendant of root, round after round while new ones appear. It reaps
 * only the processes it killed: a waitpid(-1) here would also take a child of the caller's
 * that was no descendant, as racelab's dead reaper, whose status says how the run ended. */
static void kill_descendants(pid_t root)
{
    pid_t pids[RL_RUN_MAX_PIDS];
    for (int round = 0; round < 50; round++) {
        int n = descendants(root, pids, RL_RUN_MAX_PIDS);
        if (n == 0)
            return;
        for (int i = 0; i < n; i++)
            kill(pids[i], SIGKILL);
        for (int i = 0; i < n; i++)
            (void)waitpid(pids[i], NULL, WNOHANG);
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
    /* The descriptors to pass move above any number they go to first, so that placing one
     * cannot overwrite the other. */
    int keep = sp->keep_fd >= 0 ? fcntl(sp->keep_fd, F_DUPFD_CLOEXEC, RL_PASS_FD_FLOOR) : -1;
    int ready = sp->ready_at > 0 ? fcntl(sp->ready_fd, F_DUPFD_CLOEXEC, RL_PASS_FD_FLOOR) : -1;
    if ((sp->keep_fd >= 0 && keep < 0) || (sp->ready_at > 0 && ready < 0))
        goto fail;
    int in, out, errfd;
    if (pty_slave) {
        in = out = errfd = open(pty_slave, O_RDWR);
    } else {
        in = !sp->in_path                    ? open("/dev/null", O_RDONLY)
             : strcmp(sp->in_path, "-") == 0 ? 0 /* racelab's own, inherited */
                                             : open(sp->in_path, O_RDONLY);
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
    if (keep >= 0 && dup2(keep, RL_KEEP_FD) < 0) /* dup2 clears FD_CLOEXEC */
        goto fail;
    if (ready >= 0 && dup2(ready, sp->ready_at) < 0)
        goto fail;
    /* Best effort: where it is refused (a container's seccomp filter may allow only a few
     * personalities), the tool's own failure tells the cause. */
    int persona = sp->no_aslr ? personality(0xffffffff) : -1;
    if (persona != -1)
        (void)personality((unsigned long)persona | ADDR_NO_RANDOMIZE);
    execvpe(sp->argv[0], sp->argv, sp->env);
fail:;
    int e = errno;
    ssize_t w = write(err_fd, &e, sizeof e);
    (void)w;
    _exit(127);
}

/* How many children the calling (single-threaded) process has, zombies included, counted up
 * to 2; -1 if /proc cannot tell. */
static int children_upto_two(void)
{
    char buf[64];
    if (rl_read_text("/proc/thread-self/children", buf, sizeof buf) == 0) {
        int n = 0;
        for (char *p = buf; *p && n < 2; p += strspn(p, " \n"))
            if (*p != ' ' && *p != '\n') {
                n++;
                p += strcspn(p, " \n");
            }
        return n;
    }
    /* Without CONFIG_PROC_CHILDREN: every process of this /proc whose parent we are. */
    char self[32];
    ssize_t len = readlink("/proc/self", self, sizeof self - 1);
    DIR *d = len > 0 ? opendir("/proc") : NULL;
    if (!d)
        return -1;
    self[len] = '\0';
    pid_t me = (pid_t)atoi(self);
    int n = 0;
    struct dirent *e;
    while (n < 2 && (e = readdir(d))) {
        struct rl_proc_stat st;
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (!*end && pid > 0 && rl_proc_read_stat((pid_t)pid, &st) == 0 && st.ppid == me)
            n++;
    }
    closedir(d);
    return n;
}

/* The reaper and the leader close what they passed on, once the program has it: the program
 * alone holds a readiness pipe's write end, so that its end of file means the program's. */
static void close_passed(const struct rl_spawn *sp)
{
    if (sp->keep_fd >= 0)
        close(sp->keep_fd);
    if (sp->ready_at > 0)
        close(sp->ready_fd);
}

/* The leader: a session and process group of the run's own, the pseudo-terminal as its
 * controlling terminal, and the program started in it as the reaper's child (CLONE_PARENT).
 * It ignores every signal it can, so the program's kill(0, sig) leaves it, and it sits there
 * until the reaper kills it once the program's processes are all gone (or dies with the
 * reaper). Sends the program's pid, or -errno, on started_fd. */
static void leader(const struct rl_spawn *sp, const char *pty_slave, int exec_err, int started_fd,
                   pid_t reaper_pid)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP)
            signal(s, SIG_IGN);
    if (getppid() != reaper_pid)
        _exit(1);
    int res = setsid() < 0 ? -errno : 0;
    if (res == 0 && pty_slave) {
        int s = open(pty_slave, O_RDWR);
        if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
            res = -errno;
        if (s >= 0)
            close(s);
    }
    if (res == 0) {
        pid_t pid = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
        if (pid == 0)
            start_program(sp, pty_slave, exec_err);
        res = pid < 0 ? -errno : pid;
    }
    ssize_t w = write(started_fd, &res, sizeof res);
    (void)w;
    close(started_fd);
    close(exec_err);
    close_passed(sp);
    for (;;)
        pause();
}

/* Maps the caller's own uid and gid into the user namespace the reaper was cloned in (the one
 * line an unprivileged process may write). Returns 0 or -1 with errno. */
static int map_own_ids(uid_t uid, gid_t gid)
{
    char line[64];
    int fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
    if (fd >= 0) { /* (absent before Linux 3.19, where gid_map needs no "deny") */
        ssize_t w = write(fd, "deny", 4);
        close(fd);
        if (w != 4)
            return -1;
    }
    const char *files[] = {"/proc/self/uid_map", "/proc/self/gid_map"};
    unsigned ids[] = {(unsigned)uid, (unsigned)gid};
    for (int i = 0; i < 2; i++) {
        int len = snprintf(line, sizeof line, "%u %u 1\n", ids[i], ids[i]);
        fd = open(files[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0)
            return -1;
        ssize_t w = write(fd, line, (size_t)len);
        int e = errno;
        close(fd);
        if (w != len) {
            errno = w < 0 ? e : EIO;
            return -1;
        }
    }
    return 0;
}

struct reaper_args {
    enum rl_isolation mode;
    pid_t racelab;
    uid_t uid;
    gid_t gid;
};

/* The reaper: starts the leader (which starts the program), then reaps every process of the
 * run until none is left but the leader, which it then kills. */
static void reaper(const struct rl_spawn *sp, int ev_fd, const struct reaper_args *a,
                   const char *pty_slave)
{
    int namespaced = a->mode != RL_ISOLATION_FALLBACK;
    prctl(PR_SET_PDEATHSIG, namespaced ? SIGKILL : SIGTERM);
    if (a->mode == RL_ISOLATION_USER_NAMESPACE && map_own_ids(a->uid, a->gid) < 0) {
        send_event(ev_fd, EV_NO_NAMESPACE, 0, errno, 0);
        _exit(1);
    }
    /* SIGCHLD (and the stop signals, in the fallback) only wake sigsuspend, so a signal can
     * never fall between a check and a wait. In a namespace the stop signals keep their
     * default action: one from outside kills pid 1 and so the whole run, while the kernel drops
     * those the program sends from inside. */
    struct sigaction sa = {.sa_handler = on_child, .sa_flags = SA_NOCLDSTOP};
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t blocked, waiting;
    sigemptyset(&blocked);
    sigemptyset(&waiting);
    sigaddset(&blocked, SIGCHLD);
    sa.sa_handler = namespaced ? SIG_DFL : on_reaper_stop;
    sa.sa_flags = 0;
    for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++)
        sigaction(stop_signals[i], &sa, NULL);
    if (!namespaced)
        add_stop_signals(&blocked);
    sigprocmask(SIG_SETMASK, &blocked, NULL);
    if (!namespaced) {
        if (getppid() != a->racelab)
            _exit(1);
        prctl(PR_SET_CHILD_SUBREAPER, 1);
    } else {
        /* A /proc of the namespace, so the program's /proc/self/task/<gettid()> is right. */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
            mount("proc", "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
    }
    int exec_err[2], started[2];
    if (pipe2(exec_err, O_CLOEXEC) < 0 || pipe2(started, O_CLOEXEC) < 0) {
        send_event(ev_fd, EV_EXEC_FAILED, 0, errno, 0);
        _exit(1);
    }
    pid_t self = getpid();
    pid_t lead = fork();
    if (lead < 0) {
        send_event(ev_fd, EV_EXEC_FAILED, 0, errno, 0);
        _exit(1);
    }
    if (lead == 0) {
        close(ev_fd);
        close(exec_err[0]);
        close(started[0]);
        leader(sp, pty_slave, exec_err[1], started[1], self);
    }
    close(exec_err[1]);
    close(started[1]);
    close_passed(sp);
    int main_pid = 0, e = 0;
    ssize_t got;
    do
        got = read(started[0], &main_pid, sizeof main_pid);
    while (got < 0 && errno == EINTR);
    close(started[0]);
    if (got != (ssize_t)sizeof main_pid || main_pid <= 0) {
        send_event(ev_fd, EV_EXEC_FAILED, 0, got == (ssize_t)sizeof main_pid ? -main_pid : ECHILD,
                   0);
        kill(lead, SIGKILL);
        _exit(1);
    }
    do
        got = read(exec_err[0], &e, sizeof e);
    while (got < 0 && errno == EINTR);
    close(exec_err[0]);
    if (got == (ssize_t)sizeof e)
        send_event(ev_fd, EV_EXEC_FAILED, main_pid, e, 0);
    else
        send_event(ev_fd, EV_STARTED, main_pid, lead, 0);
    for (;;) {
        if (reaper_stop) {
            int sig = reaper_stop;
            kill_descendants(getpid());
            signal(sig, SIG_DFL);
            sigprocmask(SIG_UNBLOCK, &blocked, NULL);
            raise(sig);
            // cppcheck-suppress unreachableCode ; raise() returns if the signal cannot kill
            _exit(128 + sig);
        }
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            if (pid == lead) {
                lead = 0; /* killed by the program: the run goes on without it */
                continue;
            }
            send_event(ev_fd, EV_EXIT, pid, status, pid == main_pid);
            /* Nothing left but the leader: the run is over. */
            if (lead > 0 && children_upto_two() == 1) {
                kill(lead, SIGKILL);
                while (waitpid(lead, NULL, 0) < 0 && errno == EINTR)
                    ;
                lead = 0;
            }
            continue;
        }
        if (pid < 0 && errno != EINTR)
            break; /* ECHILD: every process of the run is gone */
        if (pid == 0)
            sigsuspend(&waiting);
    }
    send_event(ev_fd, EV_ALL_GONE, 0, 0, 0);
    /* The reaper stays, and with it the PID namespace, until racelab ends the run: a client of
     * the run (rl_client_start) may still be finishing. */
    while (!reaper_stop)
        sigsuspend(&waiting);
    _exit(0);
}

const char *rl_isolation_name(enum rl_isolation mode)
{
    switch (mode) {
    case RL_ISOLATION_PID_NAMESPACE:
        return "pid-namespace";
    case RL_ISOLATION_USER_NAMESPACE:
        return "user-namespace";
    case RL_ISOLATION_FALLBACK:
        return "fallback";
    }
    return "fallback";
}

/* racelab's side: the signal it caught, and the reaper its handler kills. */
static volatile sig_atomic_t caught_signal, live_reaper;

static void on_stop_signal(int sig)
{
    caught_signal = sig;
    if (live_reaper > 0)
        kill((pid_t)live_reaper, SIGKILL);
}

int rl_run_catch_signals(void)
{
    struct sigaction sa = {.sa_handler = on_stop_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    add_stop_signals(&sa.sa_mask);
    for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++) {
        /* A signal racelab was started with ignored stays ignored (nohup; a shell's
         * background job ignores SIGINT and SIGQUIT). */
        struct sigaction old;
        if (sigaction(stop_signals[i], NULL, &old) < 0)
            return -1;
        if (old.sa_handler != SIG_IGN && sigaction(stop_signals[i], &sa, NULL) < 0)
            return -1;
    }
    return 0;
}

int rl_run_interrupted(void)
{
    return caught_signal;
}

void rl_run_reraise(void)
{
    int sig = caught_signal;
    if (!sig)
        return;
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
}

/* The reaper, as pid 1 of new PID and mount namespaces (and a user namespace for the user
 * mode), or as a plain child; -1 with errno. */
static pid_t spawn_reaper(enum rl_isolation mode)
{
    long flags = CLONE_NEWPID | CLONE_NEWNS | SIGCHLD;
    if (mode == RL_ISOLATION_FALLBACK)
        return fork();
    if (mode == RL_ISOLATION_USER_NAMESPACE)
        flags |= CLONE_NEWUSER;
    return (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
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
    struct reaper_args a = {RL_ISOLATION_PID_NAMESPACE, getpid(), geteuid(), getegid()};
    if (sp->no_namespace)
        a.mode = RL_ISOLATION_FALLBACK;
    struct event e;
    for (;;) {
        int ev[2];
        if (pipe2(ev, O_CLOEXEC) < 0) {
            snprintf(err, errsize, "pipe: %s", strerror(errno));
            return -1;
        }
        fflush(NULL);
        /* The stop signals wait until racelab's handler knows which reaper to kill. */
        sigset_t stops, saved;
        sigemptyset(&stops);
        add_stop_signals(&stops);
        sigprocmask(SIG_BLOCK, &stops, &saved);
        pid_t child = spawn_reaper(a.mode);
        if (child == 0) {
            close(ev[0]);
            reaper(sp, ev[1], &a, pty_slave[0] ? pty_slave : NULL);
        }
        int spawn_errno = errno;
        if (child > 0)
            live_reaper = child;
        if (child > 0 && caught_signal)
            kill(child, SIGKILL); /* racelab was asked to stop before this run began */
        sigprocmask(SIG_SETMASK, &saved, NULL);
        close(ev[1]);
        if (child < 0) {
            close(ev[0]);
            if (a.mode != RL_ISOLATION_FALLBACK) {
                a.mode++; /* the kernel refused that namespace: try the next mode */
                continue;
            }
            snprintf(err, errsize, "fork: %s", strerror(spawn_errno));
            return -1;
        }
        r->reaper = child;
        r->events_fd = ev[0];
        r->isolation = a.mode;
        r->namespaced = a.mode != RL_ISOLATION_FALLBACK;
        r->started = rl_now();
        ssize_t got;
        do
            got = read(r->events_fd, &e, sizeof e);
        while (got < 0 && errno == EINTR);
        if (got == (ssize_t)sizeof e && e.type == EV_NO_NAMESPACE) {
            /* The user namespace could not be set up: the fallback. */
            live_reaper = 0;
            while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
                ;
            close(r->events_fd);
            r->events_fd = -1;
            r->reaper = 0;
            a.mode = RL_ISOLATION_FALLBACK;
            continue;
        }
        if (got != (ssize_t)sizeof e || e.type == EV_EXEC_FAILED) {
            snprintf(err, errsize, "cannot run %s: %s", sp->argv[0],
                     got == (ssize_t)sizeof e ? strerror(e.status) : "the reaper died");
            rl_run_kill(r);
            rl_run_free(r); /* a run that never started leaves the caller nothing to free */
            return -1;
        }
        break;
    }
    r->leader = rl_run_outer_pid(r, e.status);
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
    if (r->nexits == r->exits_cap) {
        size_t cap = r->exits_cap ? r->exits_cap * 2 : 16;
        struct rl_exit *grown = realloc(r->exits, cap * sizeof *grown);
        if (grown) {
            r->exits = grown;
            r->exits_cap = cap;
        }
    }
    if (r->nexits < r->exits_cap)
        r->exits[r->nexits++] = (struct rl_exit){e->pid, e->status, r->sent_signal};
    else
        r->exits_lost++;
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
        /* The reaper died before it could tell, and not by racelab's hand: no result. */
        if (!r->all_done && !r->killing)
            r->reaper_lost = 1;
        r->all_done = 1;
        if (!r->main_done && r->main_pid)
            r->main_done = 1;
        return;
    }
}

/* The run's starvation since a wait began (see rl_run_wait): the growth of its largest
 * run_delay over *at_start, which the first call sets. Keeps the largest growth seen. */
static void update_starved(struct rl_run *r, double *at_start, double *starved)
{
    pid_t *pids;
    int n = rl_run_pids_all(r, &pids);
    double delay = rl_hang_run_delay(pids, n);
    free(pids);
    if (*at_start < 0)
        *at_start = delay;
    if (delay - *at_start > *starved)
        *starved = delay - *at_start;
}

enum rl_wait_result rl_run_wait(struct rl_run *r, enum rl_wait_until until, double deadline,
                                double settle)
{
    /* Sampling costs CPU that the run itself could use (ci/cost measures it): hangs are
     * sampled every 50 ms, the starvation every 0.5 s and once more before a deadline is
     * declared, so that the decision is always made on a fresh figure. */
    const double sample = 0.05, starvation_every = 0.5;
    /* The deadline measures the program, not the machine: it moves by the time the run's
     * threads spent runnable but without a CPU (their largest run_delay, grown since this
     * wait began), up to RL_DEADLINE_STRETCH times the wait's own length. */
    double begun = rl_now();
    double stretch = (RL_DEADLINE_STRETCH - 1) * (deadline > begun ? deadline - begun : 0);
    double delay_at_start = -1, starved = 0, starvation_read = 0;
    for (;;) {
        if (r->all_done || (until == RL_UNTIL_MAIN_EXITS && r->main_done))
            return RL_WAIT_DONE;
        double now = rl_now();
        double end = deadline + (starved < stretch ? starved : stretch);
        if (now >= end && delay_at_start >= 0 && starvation_read < end) {
            update_starved(r, &delay_at_start, &starved);
            starvation_read = now;
            continue; /* the deadline may have moved */
        }
        if (now >= end)
            return RL_WAIT_DEADLINE;
        double left = end - now;
        if (left > sample)
            left = sample;
        struct pollfd p = {r->events_fd, POLLIN, 0};
        int rc = poll(&p, 1, (int)(left * 1000) + 1);
        if (rc > 0) {
            drain(r);
            continue;
        }
        now = rl_now();
        if (delay_at_start < 0 || now - starvation_read >= starvation_every) {
            update_starved(r, &delay_at_start, &starved);
            starvation_read = now;
        }
        if (settle <= 0)
            continue;
        pid_t *pids;
        int n = rl_run_pids_all(r, &pids);
        int hung = rl_hang_sample(&r->watch, pids, n, rl_now(), settle);
        free(pids);
        if (hung)
            return RL_WAIT_HUNG;
    }
}

int rl_run_pids_all(struct rl_run *r, pid_t **out)
{
    *out = NULL;
    if (!r->reaper || r->all_done)
        return 0;
    int n = descendants_all(r->reaper, out), kept = 0;
    /* The session's leader is racelab's, not the program's. */
    for (int i = 0; i < n; i++)
        if ((*out)[i] != r->leader || !r->leader)
            (*out)[kept++] = (*out)[i];
    return kept;
}

int rl_run_pids(struct rl_run *r, pid_t *out, int max)
{
    if (!r->reaper || r->all_done)
        return 0;
    /* The session's leader is racelab's, not the program's: one slot more, then left out. */
    pid_t all[RL_RUN_MAX_PIDS + 1];
    int n = descendants(r->reaper, all, max < RL_RUN_MAX_PIDS ? max + 1 : RL_RUN_MAX_PIDS + 1);
    int kept = 0;
    for (int i = 0; i < n && kept < max; i++)
        if (all[i] != r->leader || !r->leader)
            out[kept++] = all[i];
    return kept;
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
        if (rl_proc_own_id(pids[i], 0, "NSpid") == program_pid)
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

pid_t rl_run_inner_pid(struct rl_run *r, pid_t pid)
{
    int own = rl_proc_own_id(pid, 0, "NSpid");
    if (own < 0)
        return 0;
    return r->namespaced ? (pid_t)own : pid;
}

/* In the child of rl_run_capture_inside: joins the reaper's namespaces (the user namespace
 * first, which gives the capabilities the others need), then forks, since only a child enters
 * a PID namespace that setns named. Never returns. */
static void capture_child(struct rl_run *r, char *const *argv, int out_fd)
{
    static const int stop[] = {SIGINT, SIGHUP, SIGQUIT, SIGTERM};
    for (size_t i = 0; i < sizeof stop / sizeof *stop; i++)
        signal(stop[i], SIG_DFL);
    if (r->namespaced) {
        static const struct {
            const char *name;
            int type;
        } ns[] = {{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS}, {"pid", CLONE_NEWPID}};
        /* Every one opened first: once in the mount namespace, /proc is the run's, where the
         * reaper's pid is 1, not r->reaper. */
        int fds[3];
        for (size_t i = 0; i < 3; i++) {
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)r->reaper, ns[i].name);
            fds[i] = open(path, O_RDONLY | O_CLOEXEC);
            if (fds[i] < 0)
                _exit(126);
        }
        for (size_t i = 0; i < 3; i++)
            if ((ns[i].type != CLONE_NEWUSER || r->isolation == RL_ISOLATION_USER_NAMESPACE) &&
                setns(fds[i], ns[i].type) < 0)
                _exit(126);
    }
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null < 0 || dup2(null, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(null, 2) < 0)
            _exit(126);
        execv(argv[0], argv);
        _exit(errno == ENOENT ? 127 : 126);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0)
        _exit(126);
    _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

int rl_run_capture_inside(struct rl_run *r, char *const *argv, char *out, size_t size,
                          double timeout)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    pid_t child = fork();
    if (child < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (child == 0)
        capture_child(r, argv, fds[1]);
    close(fds[1]);
    size_t used = 0;
    double deadline = rl_now() + timeout;
    for (;;) {
        double left = deadline - rl_now();
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        int ready = left > 0 ? poll(&p, 1, (int)(left * 1000) + 1) : 0;
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0) {
            kill(child, SIGKILL); /* its child dies with it (PR_SET_PDEATHSIG) */
            break;
        }
        char discard[4096];
        char *to = used + 1 < size ? out + used : discard;
        size_t room = used + 1 < size ? size - 1 - used : sizeof discard;
        ssize_t n = read(fds[0], to, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (to != discard)
            used += (size_t)n;
    }
    if (size)
        out[used] = '\0';
    close(fds[0]);
    int st;
    while (waitpid(child, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return st;
}

void rl_run_kill(struct rl_run *r)
{
    if (r->reaper > 0) {
        /* A reaper already dead, its news unread, and no word that the run was over. */
        int status = 0, reaped = 0;
        if (!r->all_done && waitpid(r->reaper, &status, WNOHANG) == r->reaper) {
            reaped = 1;
            live_reaper = 0;
            r->reaper_status = status;
            struct pollfd p = {r->events_fd, POLLIN, 0};
            while (r->events_fd >= 0 && !r->all_done && poll(&p, 1, 0) > 0)
                drain(r); /* ends in reaper_lost unless it said all was gone */
            r->reaper_lost |= !r->all_done;
            r->all_done = 1;
        }
        r->killing = 1;
        r->sent_signal = 1;
        if (!r->namespaced)
            kill_descendants(r->reaper);
        /* In a namespace, the reaper's death takes every process of it along. */
        if (!reaped) {
            kill(r->reaper, SIGKILL);
            live_reaper = 0;
            while (waitpid(r->reaper, &status, 0) < 0 && errno == EINTR)
                ;
        }
        if (r->reaper_lost && !r->reaper_status)
            r->reaper_status = status;
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

void rl_run_free(struct rl_run *r)
{
    free(r->exits);
    r->exits = NULL;
    r->nexits = r->exits_cap = 0;
}

/* The client's keeper: the command's parent and subreaper. It waits for the command, kills
 * what the command left (its process group, then any orphan handed to it), and ends as the
 * command ended. SIGTERM from racelab (the client's time is up) ends the command first. */
static volatile sig_atomic_t keeper_told;

static void on_keeper_term(int sig)
{
    keeper_told = sig;
}

/* keeper()'s mnt_ns when the run has no namespace (else the namespace's descriptor, or -1 when
 * it could not be opened). */
#define RL_NO_NAMESPACE (-2)

static void keeper(const char *command, char *const *env, const char *dir, const char *out_path,
                   int mnt_ns)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* With the run's /proc (its mount namespace), or outside any namespace, the keeper's pids
     * and /proc's agree: it can find and kill what the command leaves. Else (a user namespace
     * may not allow that) it kills the command's process group only, and an orphan that left
     * the group goes to the run's reaper, to die with the run. */
    int own_proc = mnt_ns == RL_NO_NAMESPACE || (mnt_ns >= 0 && setns(mnt_ns, CLONE_NEWNS) == 0);
    if (own_proc)
        prctl(PR_SET_CHILD_SUBREAPER, 1);
    sigset_t blocked, waiting;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGCHLD);
    sigaddset(&blocked, SIGTERM);
    sigprocmask(SIG_SETMASK, &blocked, NULL);
    sigemptyset(&waiting);
    struct sigaction sa = {.sa_handler = on_child, .sa_flags = SA_NOCLDSTOP};
    sigaction(SIGCHLD, &sa, NULL);
    sa.sa_handler = on_keeper_term;
    sa.sa_flags = 0;
    sigaction(SIGTERM, &sa, NULL);
    pid_t cmd = fork();
    if (cmd == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGCHLD, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        setpgid(0, 0);
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0 ||
            chdir(dir) < 0)
            _exit(127);
        char *const argv[] = {"sh", "-c", (char *)command, NULL};
        execve("/bin/sh", argv, env);
        _exit(127);
    }
    if (cmd < 0)
        _exit(127);
    setpgid(cmd, cmd); /* (both sides: whichever runs first) */
    int status = 0, ended = 0;
    while (!ended) {
        if (keeper_told)
            kill(-cmd, SIGKILL);
        int st;
        pid_t pid = waitpid(-1, &st, WNOHANG);
        if (pid == cmd) {
            status = st;
            ended = 1;
        } else if (pid == 0) {
            sigsuspend(&waiting);
        } else if (pid < 0 && errno != EINTR) {
            _exit(127);
        }
    }
    /* What the command left: its group, then whatever was handed to the keeper. */
    kill(-cmd, SIGKILL);
    for (;;) {
        if (own_proc)
            kill_descendants(getpid());
        pid_t pid = waitpid(-1, NULL, own_proc ? 0 : WNOHANG);
        if (pid < 0 ? errno == ECHILD : pid == 0)
            break;
    }
    if (WIFSIGNALED(status)) {
        signal(WTERMSIG(status), SIG_DFL);
        sigprocmask(SIG_UNBLOCK, &blocked, NULL);
        raise(WTERMSIG(status));
    }
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

int rl_client_start(struct rl_run *r, const char *command, char *const *env, const char *dir,
                    const char *out_path, struct rl_client *c, char *err, size_t errsize)
{
    memset(c, 0, sizeof *c);
    /* In the run's PID namespace: racelab's next child goes there, then racelab's own children
     * go back to racelab's namespace. (The owner of a user namespace may do this in it.) */
    int ns = -1, own = -1, mnt = RL_NO_NAMESPACE;
    if (r->namespaced && r->reaper > 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int)r->reaper);
        mnt = open(path, O_RDONLY | O_CLOEXEC); /* (-1: the client goes without the run's /proc) */
        snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)r->reaper);
        ns = open(path, O_RDONLY | O_CLOEXEC);
        own = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
        if (ns < 0 || own < 0 || setns(ns, CLONE_NEWPID) < 0) {
            snprintf(err, errsize, "cannot enter the run's PID namespace: %s", strerror(errno));
            if (ns >= 0)
                close(ns);
            if (own >= 0)
                close(own);
            if (mnt >= 0)
                close(mnt);
            return -1;
        }
    }
    fflush(NULL);
    pid_t pid = fork();
    int fork_errno = errno;
    if (pid == 0)
        keeper(command, env, dir, out_path, mnt);
    if (mnt >= 0)
        close(mnt);
    if (ns >= 0) {
        int back = setns(own, CLONE_NEWPID);
        close(ns);
        close(own);
        if (back < 0) { /* racelab's later runs would start in this one's namespace */
            snprintf(err, errsize, "cannot leave the run's PID namespace: %s", strerror(errno));
            if (pid > 0) {
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
            }
            return -1;
        }
    }
    if (pid < 0) {
        snprintf(err, errsize, "fork: %s", strerror(fork_errno));
        return -1;
    }
    c->keeper = pid;
    return 0;
}

int rl_client_poll(struct rl_client *c)
{
    if (!c->keeper)
        return 1;
    int st;
    pid_t got = waitpid(c->keeper, &st, WNOHANG);
    if (got != c->keeper)
        return 0;
    c->status = st;
    c->keeper = 0;
    return 1;
}

void rl_client_kill(struct rl_client *c)
{
    if (!c->keeper)
        return;
    kill(c->keeper, SIGTERM);
    int st;
    while (waitpid(c->keeper, &st, 0) < 0 && errno == EINTR)
        ;
    c->status = st;
    c->keeper = 0;
}

int rl_client_pids(const struct rl_client *c, pid_t **out)
{
    *out = NULL;
    if (!c->keeper)
        return 0;
    pid_t *below;
    int n = descendants_all(c->keeper, &below);
    pid_t *all = realloc(below, (size_t)(n + 1) * sizeof *all);
    if (!all) {
        free(below);
        return 0;
    }
    all[n] = c->keeper;
    *out = all;
    return n + 1;
}
