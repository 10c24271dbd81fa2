/* racelab-case
 * concept: daemon
 * variant: broken
 * twin: main_joins_worker
 * title: The daemon's main thread returns from main() after starting its logging thread
 * lesson: main() daemonizes, hands the logging to a worker thread, reports
 *   ready and returns: its work looks done. But returning from main() is
 *   exit(): it ends the whole process, every thread with it, so the daemon
 *   is gone a moment after start-up, its log stops and its pidfile is left
 *   behind naming a dead pid. The caller was told "ready" and nobody sees an
 *   error. A main thread that has nothing left to do must still not return:
 *   it waits for the stop signal and joins its workers (main_joins_worker),
 *   or calls pthread_exit(), which ends only the main thread. No thread
 *   tool reports it: a program that exits is not a thread bug to them.
 * timeout: 10
 * expect tsan: clean -- Returning from main() ends the process; that is
 *   exit(), not a race. The worker is still running at exit, so TSan reports
 *   no thread leak either.
 * expect helgrind: clean -- Returning from main() ends the process; no
 *   thread tool reports a process that exits.
 * expect drd: clean -- Returning from main() ends the process; no thread
 *   tool reports a process that exits.
 * expect daemon: not-running
 */
#include "daemonize.h" /* first: it defines _GNU_SOURCE */

#include <pthread.h>

static int logfd;
static long interval_ms;

/* The logging worker: a line every interval, for as long as the process lives. */
static void *logger(void *arg)
{
    (void)arg;
    for (unsigned long tick = 1;; tick++) {
        char what[64];
        snprintf(what, sizeof what, "tick %lu", tick);
        daemon_log(logfd, what);
        poll(NULL, 0, (int)interval_ms);
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
    if (pthread_create(&t, NULL, logger, NULL) != 0)
        daemon_fail("main_returns_workers_die: cannot start the logger");
    daemon_log(logfd, "started");
    daemon_notify_ready();
    return 0; /* the bug: exit() ends the logger, and the daemon, too */
}
