/* racelab-case
 * concept: daemon
 * variant: broken
 * twin: well_behaved
 * title: A daemon that ignores SIGTERM
 * lesson: The daemon sets SIGTERM to SIG_IGN ("so that a stray kill cannot stop
 *   it"), so the polite stop of every service manager does nothing, and only
 *   SIGKILL ends it, with no last log line and the pidfile left behind.
 *   Handle SIGTERM: set a flag, let the main loop finish, clean up, exit 0.
 * timeout: 3
 * expect tsan: timeout -- No thread tool sees an ignored signal; the harness
 *   sees a process asked to stop that is still running, asleep between log lines.
 * expect helgrind: timeout -- No thread tool sees an ignored signal; the harness
 *   sees a process asked to stop that is still running, asleep between log lines.
 * expect drd: timeout -- No thread tool sees an ignored signal; the harness
 *   sees a process asked to stop that is still running, asleep between log lines.
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
    /* The bug: the SIGTERM entry of the signal map ignores it. */
    cfg.sigterm = DAEMON_SIGTERM_IGNORE;
    daemonize(&cfg);

    daemon_log(logfd, "started");
    daemon_notify_ready();
    daemon_run(logfd, a.interval_ms);
    daemon_stop_cleanly(logfd);
}
