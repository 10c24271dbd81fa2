/* racelab-case
 * concept: daemon
 * variant: broken
 * twin: fork_child_safe
 * title: A daemon forks while another of its threads holds a mutex
 * lesson: fork() copies the memory of every thread but only the calling
 *   thread runs in the child, so a mutex another thread held at that moment
 *   stays locked for ever there: the child's first log_line() blocks, and a
 *   hung process is left behind. No thread tool sees it. Between fork() and
 *   exec() or _exit(), the child of a multithreaded process may only call
 *   async-signal-safe functions: here, a plain write(). A child that must do
 *   more should exec a fresh program at once, or be started with
 *   posix_spawn(), which forks and execs without running any of the parent's
 *   code in between; pthread_atfork() handlers that take every lock before
 *   the fork and release it in both processes help only for the locks your
 *   own code knows of.
 * timeout: 10
 * expect tsan: deadlock -- The child hangs on a mutex whose owner does not exist there; ThreadSanitizer reports no fork hazard.
 * expect helgrind: deadlock -- Helgrind does not report a lock held across fork(); only the hang shows it.
 * expect drd: deadlock -- DRD does not report a lock held across fork(); only the hang shows it.
 * expect daemon: no-clean-stop
 */
#include "daemonize.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int logfd;
static int holding[2], forked[2];   /* the handshake, see writer() */

static void log_line(const char *what)
{
    pthread_mutex_lock(&log_lock);   /* racelab: deadlock */
    daemon_log(logfd, what);
    pthread_mutex_unlock(&log_lock);
}

/* The writer thread holds log_lock while it writes. A fork can land at any
 * moment of that; the handshake makes it land while the lock is held, every
 * time: the writer says "holding", and goes on only once main has forked. */
static void *writer(void *arg)
{
    char c;
    (void)arg;
    pthread_mutex_lock(&log_lock);
    if (write(holding[1], "h", 1) != 1 || read(forked[0], &c, 1) != 1)
        daemon_log(logfd, "writer: handshake failed");
    daemon_log(logfd, "writer: flushed");
    pthread_mutex_unlock(&log_lock);
    return NULL;
}

int main(int argc, char **argv)
{
    struct daemon_args a;
    daemon_parse_args(argc, argv, &a);
    logfd = daemon_open_log(a.logfile);

    struct daemon_config cfg = daemon_config_defaults();
    cfg.pidfile = a.pidfile;
    cfg.files_preserve = &logfd;
    cfg.n_files_preserve = 1;
    daemonize(&cfg);
    log_line("started");
    daemon_notify_ready();

    pthread_t t;
    char c;
    if (pipe(holding) < 0 || pipe(forked) < 0
        || pthread_create(&t, NULL, writer, NULL) != 0)
        return 1;
    if (read(holding[0], &c, 1) != 1)
        return 1;
    /* Run a start-up hook in a child process, as daemons do. */
    pid_t pid = fork();
    if (pid == 0) {
        /* The bug: log_line() takes log_lock, which no thread will release. */
        log_line("hook: running");   /* blocks: the marker is on the lock inside */
        _exit(0);
    }
    if (write(forked[1], "f", 1) != 1 || pthread_join(t, NULL) != 0)
        return 1;
    close(holding[0]), close(holding[1]), close(forked[0]), close(forked[1]);

    daemon_run(logfd, a.interval_ms);   /* reaps the hook, if it ever ends */
    daemon_stop_cleanly(logfd);
}
