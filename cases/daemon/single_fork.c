/* racelab-case
 * concept: daemon
 * variant: broken
 * twin: well_behaved
 * title: A daemon that forks only once and stays a session leader
 * lesson: After fork and setsid the child leads a new session with no
 *   terminal, but a session leader that opens a terminal without O_NOCTTY
 *   acquires it as its controlling terminal, and then a hangup or ^C there
 *   reaches the daemon. Fork a second time and let the session leader exit:
 *   the grandchild is not a session leader and can never acquire one.
 * timeout: 10
 * expect tsan: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect helgrind: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect drd: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect daemon: session-leader, controlling-tty
 */
#include "daemonize.h" /* first: it defines _GNU_SOURCE */

int main(int argc, char **argv)
{
    struct daemon_args a;
    daemon_parse_args(argc, argv, &a);
    int logfd = daemon_open_log(a.logfile);

    /* daemonize() by hand, every step but one. */
    daemon_close_inherited_fds(&logfd, 1);
    daemon_reset_signals();
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) < 0)
        daemon_fail("single_fork: pipe failed: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        daemon_fail("single_fork: fork failed: %s", strerror(errno));
    if (pid > 0) {
        close(ready[1]);
        daemon_wait_ready(ready[0], 0);   /* our child is the daemon */
    }
    close(ready[0]);
    daemon_ready_fd = ready[1];
    if (setsid() < 0)
        daemon_fail("single_fork: setsid failed: %s", strerror(errno));
    /* The bug: no second fork; this process is the session leader, and the
     * daemon from here on (getpid() == getsid(0)). */
    struct daemon_config cfg = daemon_config_defaults();
    daemon_redirect_std_streams(&cfg);
    umask(cfg.umask);
    if (chdir("/") < 0)
        daemon_fail("single_fork: chdir / failed: %s", strerror(errno));
    daemon_pidfile_acquire(a.pidfile);
    daemon_install_sigterm(DAEMON_SIGTERM_STOP);

    daemon_log(logfd, "started");
    daemon_notify_ready();
    daemon_run(logfd, a.interval_ms);
    daemon_stop_cleanly(logfd);
}
