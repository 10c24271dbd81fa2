/* racelab-case
 * concept: daemon
 * variant: broken
 * twin: well_behaved
 * title: The original process exits before the daemon is ready
 * lesson: The parent returns 0 right after the first fork, as daemon(3)
 *   does, while the daemon is still starting: a caller that reads the pidfile
 *   right away finds nothing, and a start-up error after the fork is lost, the
 *   caller having already been told "success". Make a pipe before the first
 *   fork and let the original process exit only when the daemon reports.
 * timeout: 10
 * expect tsan: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect helgrind: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect drd: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect daemon: not-detached
 */
#define _GNU_SOURCE
#include "daemonize.h"

int main(int argc, char **argv)
{
    struct daemon_args a;
    daemon_parse_args(argc, argv, &a);
    int logfd = daemon_open_log(a.logfile);

    daemon_close_inherited_fds(&logfd, 1);
    daemon_reset_signals();
    pid_t pid = fork();
    if (pid < 0)
        daemon_fail("early_exit: fork failed: %s", strerror(errno));
    if (pid > 0)
        exit(0);   /* BUG: "success" before the daemon has even started */

    /* From here on a failure is too late: the caller already has status 0,
     * and daemon_fail() can only write to a stderr nobody reads. */
    if (setsid() < 0)
        daemon_fail("early_exit: setsid failed: %s", strerror(errno));
    pid = fork();
    if (pid < 0)
        daemon_fail("early_exit: second fork failed: %s", strerror(errno));
    if (pid > 0)
        _exit(0);
    struct daemon_config cfg = daemon_config_defaults();
    daemon_redirect_std_streams(&cfg);
    umask(cfg.umask);
    if (chdir("/") < 0)
        daemon_fail("early_exit: chdir / failed: %s", strerror(errno));

    /* Start-up takes a while in a real daemon (reading state, binding
     * sockets); one interval stands for it. */
    struct timespec startup = { a.interval_ms / 1000,
                                (a.interval_ms % 1000) * 1000000L };
    nanosleep(&startup, NULL);
    daemon_pidfile_acquire(a.pidfile);
    daemon_install_sigterm(DAEMON_SIGTERM_STOP);

    daemon_log(logfd, "started");
    daemon_run(logfd, a.interval_ms);
    daemon_stop_cleanly(logfd);
}
