/* racelab-case
 * concept: daemon
 * variant: correct
 * twin: thread_before_daemonize
 * title: A daemon that starts its threads only after daemonize()
 * lesson: fork() keeps only the calling thread, so a daemon daemonizes first,
 *   while it has a single thread, and starts every thread afterwards: the
 *   housekeeper and the monitor both run in the daemon, and no lock can be
 *   left held by a thread that did not survive the fork.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 * expect daemon: clean
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

    struct daemon_config cfg = daemon_config_defaults();
    cfg.pidfile = a.pidfile;
    cfg.files_preserve = &logfd;
    cfg.n_files_preserve = 1;
    daemonize(&cfg);   /* forks a process that has one thread */

    /* FIX: every thread starts in the daemon, after the forks. */
    if (start_thread(housekeeper) != 0 || start_thread(monitor) != 0)
        daemon_fail("threads_after_daemonize: cannot start the threads");
    daemon_log(logfd, "started");
    daemon_notify_ready();
    daemon_run(logfd, a.interval_ms);
    daemon_stop_cleanly(logfd);
}
