/* racelab-case
 * concept: daemon
 * variant: broken
 * twin: well_behaved
 * title: A daemon that dies on SIGTERM and leaves its pidfile behind
 * lesson: The daemon keeps the default action for SIGTERM, so SIGTERM kills it on
 *   the spot: no last log line, and the pidfile stays, naming a pid that may
 *   soon belong to another process. Catch SIGTERM with a handler that only
 *   sets a flag; the main loop then removes the pidfile and exits 0.
 * timeout: 10
 * expect tsan: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect helgrind: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect drd: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect daemon: no-clean-stop
 */
#include "daemonize.h" /* first: it defines _GNU_SOURCE */

int main(int argc, char **argv)
{
    struct daemon_args a;
    daemon_parse_args(argc, argv, &a);
    int logfd = daemon_open_log(a.logfile);

    struct daemon_config cfg = daemon_config_defaults();
    cfg.pidfile = a.pidfile;
    cfg.files_preserve = &logfd;
    cfg.n_files_preserve = 1;
    /* The bug: no handler: SIGTERM's default action kills the daemon. */
    cfg.sigterm = DAEMON_SIGTERM_DEFAULT;
    daemonize(&cfg);

    daemon_log(logfd, "started");
    daemon_notify_ready();
    daemon_run(logfd, a.interval_ms);
    daemon_stop_cleanly(logfd);
}
