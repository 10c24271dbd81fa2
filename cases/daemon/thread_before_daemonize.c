/* racelab-case
 * concept: daemon
 * variant: broken
 * twin: threads_after_daemonize
 * title: A thread started before daemonize(), more threads started after it
 * lesson: The housekeeper thread is started before daemonize(), whose fork()
 *   keeps only the calling thread: the daemon silently runs without its
 *   housekeeper, and it then starts its monitor in a process forked from a
 *   multithreaded one, where any lock a lost thread held stays locked. POSIX
 *   allows only async-signal-safe calls there; ThreadSanitizer refuses to go
 *   on. Daemonize first, while the process has one thread, then start threads.
 * timeout: 10
 * expect tsan: fork-threads, assertion
 * expect helgrind: clean -- Helgrind does not check what a child does after a multithreaded fork.
 * expect drd: clean -- DRD does not check what a child does after a multithreaded fork.
 * expect daemon: clean -- The daemon is well formed in every daemon(7) step the checker verifies; the missing housekeeper thread shows in /proc/PID/status (Threads: 2, not 3), but a thread count is no daemon(7) step, so the checker does not look.
 */
#include "daemonize.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>

/* Wakes up now and then to trim caches (here: does nothing). */
static void *housekeeper(void *arg)
{
    (void)arg;
    for (;;)
        sleep(1);
    return NULL;
}

/* Wakes up now and then to check the log's size (here: does nothing). */
static void *monitor(void *arg)
{
    (void)arg;
    for (;;)
        sleep(1);
    return NULL;
}

/* Threads start with SIGTERM blocked, so that its handler always runs in the
 * main thread, the one that reads daemon_stop: a flag set by a signal handler
 * is only safe to read in the thread that ran the handler. */
static int start_thread(void *(*fn)(void *))
{
    pthread_t t;
    sigset_t term, old;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, &old);
    int err = pthread_create(&t, NULL, fn, NULL);
    if (err == 0)
        err = pthread_detach(t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return err;
}

int main(int argc, char **argv)
{
    struct daemon_args a;
    daemon_parse_args(argc, argv, &a);
    int logfd = daemon_open_log(a.logfile);

    /* The bug: a thread before daemonize(): it will not be in the daemon. */
    if (start_thread(housekeeper) != 0)
        return 1;

    struct daemon_config cfg = daemon_config_defaults();
    cfg.pidfile = a.pidfile;
    cfg.files_preserve = &logfd;
    cfg.n_files_preserve = 1;
    /* Forks a process that has two threads. Under ThreadSanitizer the daemon
     * dies at start_thread(monitor) and the original process exits 1 here. */
    daemonize(&cfg);   /* racelab: assertion */

    if (start_thread(monitor) != 0)   /* racelab: fork-threads */
        daemon_fail("thread_before_daemonize: cannot start the monitor");
    daemon_log(logfd, "started");
    daemon_notify_ready();
    daemon_run(logfd, a.interval_ms);
    daemon_stop_cleanly(logfd);
}
