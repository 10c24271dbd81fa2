/* racelab-case
 * concept: daemon
 * variant: broken
 * twin: well_behaved
 * title: A daemon that keeps the caller's stdin, stdout and stderr
 * lesson: Descriptors 0-2 still point at the caller's terminal or pipes: a
 *   caller that reads the daemon's output to its end waits for ever, a closed
 *   terminal turns writes into EIO or SIGPIPE, and reads steal the user's
 *   input. Put /dev/null on 0, 1 and 2 (and log to a file or syslog).
 * timeout: 10
 * expect tsan: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect helgrind: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect drd: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect daemon: std-streams
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
    /* The bug: keep the caller's streams instead of /dev/null. */
    cfg.stdin_fd = STDIN_FILENO;
    cfg.stdout_fd = STDOUT_FILENO;
    cfg.stderr_fd = STDERR_FILENO;
    daemonize(&cfg);

    daemon_log(logfd, "started");
    daemon_notify_ready();
    daemon_run(logfd, a.interval_ms);
    daemon_stop_cleanly(logfd);
}
