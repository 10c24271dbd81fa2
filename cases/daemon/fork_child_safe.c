/* racelab-case
 * concept: daemon
 * variant: correct
 * twin: fork_held_lock
 * title: A daemon forks while another thread holds a mutex, and its child takes no lock
 * lesson: fork() in a multithreaded process leaves every mutex another thread
 *   held locked for ever in the child. This child knows it: between fork()
 *   and _exit() it only calls async-signal-safe functions, a plain write()
 *   of a line formatted before the fork, so it never touches log_lock.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 * expect daemon: clean
 */
#include "daemonize.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int logfd;
static int holding[2], forked[2];   /* the handshake, see writer() */

static void log_line(const char *what)
{
    pthread_mutex_lock(&log_lock);
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
    char line[64];
    int len = snprintf(line, sizeof line, "hook: running as a child of %ld\n",
                       (long)getpid());
    pid_t pid = fork();
    if (pid == 0) {
        /* FIX: write(2) is async-signal-safe and takes no lock. */
        if (write(logfd, line, (size_t)len) < 0) { /* nothing to do */ }
        _exit(0);
    }
    if (write(forked[1], "f", 1) != 1 || pthread_join(t, NULL) != 0)
        return 1;
    close(holding[0]), close(holding[1]), close(forked[0]), close(forked[1]);

    daemon_run(logfd, a.interval_ms);   /* reaps the hook */
    daemon_stop_cleanly(logfd);
}
