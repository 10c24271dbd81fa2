/* racelab-case
 * concept: daemon
 * variant: correct
 * twin: main_returns_workers_die
 * title: The daemon's main thread waits for SIGTERM and joins its logging thread
 * lesson: Returning from main() is exit(), which ends every thread. So once
 *   main() has started the logging worker it stays: it waits for SIGTERM
 *   (the worker starts with SIGTERM blocked, so the handler runs in main,
 *   the thread that reads daemon_stop), tells the worker to stop through a
 *   pipe, joins it, and only then removes its pidfile and exits. A main
 *   thread with nothing to wait for may call pthread_exit() instead: the
 *   process lives until its last thread ends.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 * expect daemon: clean
 */
#include "daemonize.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>

static int logfd;
static long interval_ms;
static int quit[2]; /* main writes a byte: the logger stops */

/* The logging worker: a line every interval, until main says stop. */
static void *logger(void *arg)
{
    (void)arg;
    struct pollfd stop = { quit[0], POLLIN, 0 };
    for (unsigned long tick = 1;; tick++) {
        char what[64];
        snprintf(what, sizeof what, "tick %lu", tick);
        daemon_log(logfd, what);
        if (poll(&stop, 1, (int)interval_ms) > 0)
            break;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    struct daemon_args a;
    daemon_parse_args(argc, argv, &a);
    logfd = daemon_open_log(a.logfile);
    interval_ms = a.interval_ms;

    struct daemon_config cfg = daemon_config_defaults();
    cfg.pidfile = a.pidfile;
    cfg.files_preserve = &logfd;
    cfg.n_files_preserve = 1;
    daemonize(&cfg);

    pthread_t t;
    sigset_t term, old;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &term, &old); /* the worker inherits the mask */
    if (pipe2(quit, O_CLOEXEC) < 0 || pthread_create(&t, NULL, logger, NULL) != 0)
        daemon_fail("main_joins_worker: cannot start the logger");
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    daemon_log(logfd, "started");
    daemon_notify_ready();

    /* FIX: main stays until SIGTERM, then stops and joins the worker. */
    struct pollfd wake = { daemon_wake_pipe[0], POLLIN, 0 };
    while (!daemon_stop)
        poll(&wake, 1, -1);
    if (write(quit[1], "q", 1) != 1 || pthread_join(t, NULL) != 0)
        daemon_log(logfd, "main_joins_worker: cannot stop the logger");
    daemon_stop_cleanly(logfd);
}
