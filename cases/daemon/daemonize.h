/* daemonize.h: a reusable, header-only daemonize() for the racelab daemon cases.
 *
 * It takes the steps of a traditional daemon from daemon(7), in that order
 * and numbered as there (1 close fds, 2 reset handlers, 3 reset the mask,
 * 5 fork, 6 setsid, 7 fork again, 8 exit in the first child, 9 /dev/null,
 * 10 umask, 11 chdir, 12 pidfile, 14 notify the original process, 15 exit
 * in it; 4, sanitising the environment, and 13, dropping privileges, are
 * left to the caller), and its options in a struct in the spirit of python-daemon's DaemonContext
 * (PEP 3143). Every function is static inline (no unused-function warnings
 * in a case that uses a part), so a case is its .c file plus this
 * header. The correct case is well_behaved.c; a broken case whose bug is a
 * configuration choice sets one field differently, and a broken case whose
 * bug is in the steps writes its own sequence from the step functions below.
 *
 * Protocol of every daemon case: BIN PIDFILE LOGFILE INTERVAL_MS
 *   The daemon writes its pid to PIDFILE, appends a timestamped line to
 *   LOGFILE every INTERVAL_MS milliseconds and stops cleanly on SIGTERM.
 *   The original process exits 0 once the daemon is ready, or non-zero with
 *   one line on stderr when start-up failed (exit 2: bad arguments).
 *
 * Fault injection: RACELAB_DAEMON_FAULT=fork|setsid|pidfile makes that call
 * fail inside daemonize(), as if the system had refused it.
 */
#ifndef RACELAB_DAEMONIZE_H
#define RACELAB_DAEMONIZE_H

#if defined(_FEATURES_H) && !defined(__USE_GNU)
#error "include daemonize.h before any system header: it needs _GNU_SOURCE"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2() */
#endif
#include <poll.h>
#include <pthread.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* What SIGTERM does in the daemon (DaemonContext's signal_map). */
enum daemon_sigterm {
    DAEMON_SIGTERM_STOP,    /* set daemon_stop: the main loop ends cleanly */
    DAEMON_SIGTERM_DEFAULT, /* the default action: killed on the spot */
    DAEMON_SIGTERM_IGNORE   /* SIG_IGN: SIGTERM does nothing */
};

struct daemon_config {
    const char *working_directory; /* chdir() there; NULL keeps the caller's */
    mode_t umask;                  /* daemon(7): 0, file modes come from open() */
    const char *pidfile;           /* absolute path locked for life; NULL: none */
    int close_inherited_fds;       /* close every fd > 2 not in files_preserve */
    const int *files_preserve;     /* descriptors the daemon keeps (its log) */
    size_t n_files_preserve;
    int stdin_fd, stdout_fd, stderr_fd; /* -1: /dev/null; else dup2() this fd */
    enum daemon_sigterm sigterm;
};

/* The right choices; a case changes fields after this, never before. */
static inline struct daemon_config daemon_config_defaults(void)
{
    struct daemon_config c;
    memset(&c, 0, sizeof c);
    c.working_directory = "/";
    c.umask = 0;
    c.close_inherited_fds = 1;
    c.stdin_fd = c.stdout_fd = c.stderr_fd = -1;
    c.sigterm = DAEMON_SIGTERM_STOP;
    return c;
}

/* Set by the SIGTERM handler. A volatile sig_atomic_t is safe only between a
 * handler and the thread it interrupted: a multithreaded case must make sure
 * the main thread, which reads it, is the one that runs the handler. */
static volatile sig_atomic_t daemon_stop;
static int daemon_ready_fd = -1;            /* write end of the readiness pipe */
static int daemon_pidfile_fd = -1;          /* open and locked while we run */
static const char *daemon_pidfile_path;

/* ---- fault injection ---------------------------------------------------- */

static inline int daemon_fault(const char *step)
{
    const char *f = getenv("RACELAB_DAEMON_FAULT");
    return f != NULL && strcmp(f, step) == 0;
}

static inline const char *daemon_fault_note(const char *step)
{
    if (!daemon_fault(step))
        return "";
    if (strcmp(step, "fork") == 0)
        return " (injected by RACELAB_DAEMON_FAULT=fork)";
    if (strcmp(step, "setsid") == 0)
        return " (injected by RACELAB_DAEMON_FAULT=setsid)";
    return " (injected by RACELAB_DAEMON_FAULT=pidfile)";
}

/* ---- reporting start-up to the original process ------------------------- */

/* Start-up failed in a forked process: tell the original process through the
 * readiness pipe (it prints the line and exits 1), or say it on stderr when
 * there is no pipe (we are still the original process). */
_Noreturn static inline void daemon_fail(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n > sizeof msg - 2)
        n = sizeof msg - 2;
    msg[n++] = '\n';
    if (daemon_ready_fd >= 0) {
        if (write(daemon_ready_fd, msg, (size_t)n) < 0) { /* nobody listens */ }
        _exit(1);
    }
    if (write(STDERR_FILENO, msg, (size_t)n) < 0) { /* nowhere to say it */ }
    exit(1);
}

/* The daemon is ready: release the original process with status 0. */
static inline void daemon_notify_ready(void)
{
    if (daemon_ready_fd < 0)
        return;
    if (write(daemon_ready_fd, "ready\n", 6) < 0) { /* the original died */ }
    close(daemon_ready_fd);
    daemon_ready_fd = -1;
}

/* In the original process: wait for one line from the daemon, then reap the
 * first child (if first_child > 0) and exit with 0 ("ready") or 1 (the line
 * is the error). Read up to the newline only: a child the daemon forks later
 * may hold the write end for ever. */
_Noreturn static inline void daemon_wait_ready(int rfd, pid_t first_child)
{
    char msg[512];
    size_t len = 0;
    while (len < sizeof msg - 1 && memchr(msg, '\n', len) == NULL) {
        ssize_t n = read(rfd, msg + len, sizeof msg - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    msg[len] = '\0';
    if (first_child > 0)
        waitpid(first_child, NULL, 0);   /* it exited after the second fork */
    if (strcmp(msg, "ready\n") == 0)
        exit(0);
    if (len == 0)
        fputs("daemonize: the daemon exited during start-up without a word\n",
              stderr);
    else
        fputs(msg, stderr);
    exit(1);
}

/* ---- the steps ---------------------------------------------------------- */

static inline int daemon_keeps(int fd, const int *keep, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (keep[i] == fd)
            return 1;
    return 0;
}

/* Step 1: close every inherited descriptor above 2 except those kept. Valgrind
 * lists its own reserved high descriptors here too; close() refuses them with
 * EBADF, which is fine. */
static inline void daemon_close_inherited_fds(const int *keep, size_t n)
{
    int fds[1024];
    size_t count = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < sizeof fds / sizeof fds[0]) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        int fd = atoi(e->d_name);
        if (fd > 2 && fd != dirfd(d) && !daemon_keeps(fd, keep, n))
            fds[count++] = fd;
    }
    closedir(d);
    for (size_t i = 0; i < count; i++)
        close(fds[i]);   /* EBADF: one of Valgrind's */
}

/* Steps 2 and 3: default handlers and an empty mask; the caller may have
 * changed both, and both survive fork(). pthread_sigmask, not sigprocmask:
 * the process may have threads (thread_before_daemonize), and sigprocmask is
 * unspecified in a multithreaded process. */
static inline void daemon_reset_signals(void)
{
    for (int sig = 1; sig < SIGRTMIN; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
}

/* Step 9: /dev/null (or the configured descriptor) on 0, 1 and 2. */
static inline void daemon_redirect_std_streams(const struct daemon_config *c)
{
    int null = open("/dev/null", O_RDWR);
    if (null < 0)
        daemon_fail("daemonize: cannot open /dev/null: %s", strerror(errno));
    int want[3] = { c->stdin_fd, c->stdout_fd, c->stderr_fd };
    for (int fd = 0; fd < 3; fd++) {
        int from = want[fd] < 0 ? null : want[fd];
        if (from != fd && dup2(from, fd) < 0)
            daemon_fail("daemonize: dup2 failed: %s", strerror(errno));
    }
    if (null > 2)
        close(null);
}

/* The self-pipe: the SIGTERM handler writes a byte that the main loop's
 * sleep watches (see daemon_run). */
static int daemon_wake_pipe[2] = {-1, -1};

static inline void daemon_on_sigterm(int sig)
{
    (void)sig;
    int saved = errno; /* a handler must leave errno as it found it */
    daemon_stop = 1;
    if (daemon_wake_pipe[1] >= 0 && write(daemon_wake_pipe[1], "x", 1) < 0) {
        /* the pipe is full: the loop is woken already */
    }
    errno = saved;
}

static inline void daemon_install_sigterm(enum daemon_sigterm how)
{
    if (how == DAEMON_SIGTERM_STOP && daemon_wake_pipe[0] < 0 &&
        pipe2(daemon_wake_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        daemon_fail("daemonize: pipe failed: %s", strerror(errno));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = how == DAEMON_SIGTERM_STOP ? daemon_on_sigterm
                  : how == DAEMON_SIGTERM_IGNORE ? SIG_IGN : SIG_DFL;
    sigaction(SIGTERM, &sa, NULL);   /* no SA_RESTART: SIGTERM cuts a sleep */
}

/* Step 12: the pidfile, race-free. Whoever holds the fcntl() write lock is
 * the running instance: a second one fails here, however close together the
 * two started. The lock lives as long as the descriptor, i.e. the daemon. */
static inline void daemon_pidfile_acquire(const char *path)
{
    for (;;) {
        int fd;
        if (daemon_fault("pidfile")) {
            errno = EACCES;
            fd = -1;
        } else {
            fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        }
        if (fd < 0)
            daemon_fail("daemonize: cannot open pidfile %s: %s%s", path,
                        strerror(errno), daemon_fault_note("pidfile"));
        struct flock fl;
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;      /* l_start 0, l_len 0: the whole file */
        if (fcntl(fd, F_SETLK, &fl) < 0) {
            char pid[32] = "";
            ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
            pid[n > 0 ? n : 0] = '\0';
            pid[strcspn(pid, "\n")] = '\0';
            daemon_fail("daemonize: pidfile %s is locked: already running as pid %s",
                        path, pid[0] ? pid : "?");
        }
        /* An instance that was stopping may have unlinked the file between
         * our open() and our lock: only a lock on the file the path still
         * names counts. */
        struct stat mine, now;
        if (fstat(fd, &mine) == 0 && stat(path, &now) == 0
            && mine.st_dev == now.st_dev && mine.st_ino == now.st_ino) {
            char buf[32];
            int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)len, 0) != len)
                daemon_fail("daemonize: cannot write pidfile %s: %s", path,
                            strerror(errno));
            daemon_pidfile_fd = fd;
            daemon_pidfile_path = path;
            return;
        }
        close(fd);
    }
}

/* ---- daemonize() -------------------------------------------------------- */

/* Returns only in the daemon, which must call daemon_notify_ready() when its
 * own start-up is done. The original process waits for that and exits. */
static inline void daemonize(const struct daemon_config *c)
{
    if (c->close_inherited_fds)
        daemon_close_inherited_fds(c->files_preserve, c->n_files_preserve);
    daemon_reset_signals();

    /* The readiness pipe, made before the first fork (daemon(7) step 14). */
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) < 0)
        daemon_fail("daemonize: pipe failed: %s", strerror(errno));

    pid_t pid; /* step 5 */
    if (daemon_fault("fork")) {
        errno = EAGAIN;
        pid = -1;
    } else {
        pid = fork();
    }
    if (pid < 0)
        daemon_fail("daemonize: fork failed: %s%s", strerror(errno),
                    daemon_fault_note("fork"));
    if (pid > 0) {                       /* the original process */
        close(ready[1]);
        daemon_wait_ready(ready[0], pid);   /* step 15; does not return */
    }
    close(ready[0]);
    daemon_ready_fd = ready[1];

    /* Step 6, a new session: no controlling terminal, out of the caller's
     * process group, so the caller's terminal and job control cannot reach us. */
    if (daemon_fault("setsid")) {
        errno = EPERM;
        daemon_fail("daemonize: setsid failed: %s%s", strerror(errno),
                    daemon_fault_note("setsid"));
    }
    if (setsid() < 0)
        daemon_fail("daemonize: setsid failed: %s", strerror(errno));

    /* Steps 7 and 8, fork again: the session leader exits, so the daemon is
     * not one and can never acquire a controlling terminal by opening a tty. */
    pid = fork();
    if (pid < 0)
        daemon_fail("daemonize: second fork failed: %s", strerror(errno));
    if (pid > 0)
        _exit(0);

    daemon_redirect_std_streams(c); /* step 9 */
    umask(c->umask);                /* step 10 */
    if (c->working_directory != NULL && chdir(c->working_directory) < 0)
        daemon_fail("daemonize: chdir %s failed: %s", c->working_directory,
                    strerror(errno));
    if (c->pidfile != NULL)
        daemon_pidfile_acquire(c->pidfile); /* step 12 */
    daemon_install_sigterm(c->sigterm);
    /* Step 14 is daemon_notify_ready(), once the caller's own start-up is done. */
}

/* ---- the daemon's work, shared by every case ----------------------------- */

struct daemon_args {
    const char *pidfile, *logfile;
    long interval_ms;
};

static inline void daemon_parse_args(int argc, char **argv, struct daemon_args *a)
{
    char *end = NULL;
    if (argc == 4)
        a->interval_ms = strtol(argv[3], &end, 10);
    if (argc != 4 || *end != '\0' || a->interval_ms < 1 || a->interval_ms > 60000
        || argv[1][0] != '/' || argv[2][0] != '/') {
        fprintf(stderr, "usage: %s /ABS/PIDFILE /ABS/LOGFILE INTERVAL_MS\n"
                "  (absolute paths: the daemon works in /)\n", argv[0]);
        exit(2);
    }
    a->pidfile = argv[1];
    a->logfile = argv[2];
}

/* Opened by the original process, so that a bad path is reported at once;
 * the daemon keeps it through files_preserve. */
static inline int daemon_open_log(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "daemon: cannot open log file %s: %s\n", path,
                strerror(errno));
        exit(1);
    }
    return fd;
}

/* One timestamped line, one write(): O_APPEND keeps lines whole. */
static inline void daemon_log(int fd, const char *what)
{
    struct timespec ts;
    struct tm tm;
    char line[256];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = snprintf(line, sizeof line,
                     "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ pid %ld %s\n",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L,
                     (long)getpid(), what);
    if (n > 0 && write(fd, line, (size_t)n) < 0) { /* the log is gone */ }
}

/* Log a line every interval until SIGTERM sets daemon_stop. Checking the
 * flag and then sleeping is a race: a SIGTERM that lands between the two
 * would be noticed only an interval later. So the sleep is a poll() on the
 * self-pipe that the handler writes to: a signal that came during the check
 * has left its byte there, and the sleep returns at once. */
static inline void daemon_run(int logfd, long interval_ms)
{
    struct pollfd wake = { daemon_wake_pipe[0], POLLIN, 0 }; /* fd -1: just sleep */
    char what[64];
    for (unsigned long tick = 1; !daemon_stop; tick++) {
        snprintf(what, sizeof what, "tick %lu", tick);
        daemon_log(logfd, what);
        poll(&wake, 1, (int)interval_ms);        /* SIGTERM cuts it short */
        while (waitpid(-1, NULL, WNOHANG) > 0) { /* reap our children */ }
    }
}

/* The clean stop: a last line, the pidfile removed (while still locked, so
 * that no new instance takes it in between), exit 0. */
_Noreturn static inline void daemon_stop_cleanly(int logfd)
{
    daemon_log(logfd, "stopping on SIGTERM");
    if (daemon_pidfile_path != NULL)
        unlink(daemon_pidfile_path);
    exit(0);
}

#endif
