/* racelab-case
 * concept: daemon
 * variant: broken
 * twin: well_behaved
 * title: A daemon that stays in the directory it was started from
 * lesson: The daemon keeps its starting directory as its working directory for
 *   its whole life: that file system cannot be unmounted and the directory,
 *   if removed, lingers, and relative paths mean whatever the caller's cwd
 *   was. chdir("/") (or to the daemon's own state directory).
 * timeout: 10
 * expect tsan: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect helgrind: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect drd: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect daemon: cwd
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
    /* The bug: keep the caller's working directory. */
    cfg.working_directory = NULL;
    daemonize(&cfg);

    daemon_log(logfd, "started");
    daemon_notify_ready();
    daemon_run(logfd, a.interval_ms);
    daemon_stop_cleanly(logfd);
}
