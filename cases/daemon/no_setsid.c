/* racelab-case
 * concept: daemon
 * variant: broken
 * twin: well_behaved
 * title: A daemon that forks twice but never calls setsid()
 * lesson: Without setsid() the daemon stays in the session and process group
 *   of whoever started it: it keeps that session's controlling terminal, so
 *   a hangup kills it, and a signal sent to the starter's process group (^C,
 *   a shell killing a job) reaches it too. Call setsid() between the forks.
 * timeout: 10
 * expect tsan: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect helgrind: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect drd: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect daemon: controlling-tty
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
        daemon_fail("no_setsid: pipe failed: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        daemon_fail("no_setsid: fork failed: %s", strerror(errno));
    if (pid > 0) {
        close(ready[1]);
        daemon_wait_ready(ready[0], pid);
    }
    close(ready[0]);
    daemon_ready_fd = ready[1];
    /* The bug: no setsid() here: both forks stay in the caller's session and
     * process group, under the caller's controlling terminal. */
    pid = fork();
    if (pid < 0)
        daemon_fail("no_setsid: second fork failed: %s", strerror(errno));
    if (pid > 0)
        _exit(0);
    struct daemon_config cfg = daemon_config_defaults();
    daemon_redirect_std_streams(&cfg);
    umask(cfg.umask);
    if (chdir("/") < 0)
        daemon_fail("no_setsid: chdir / failed: %s", strerror(errno));
    daemon_pidfile_acquire(a.pidfile);
    daemon_install_sigterm(DAEMON_SIGTERM_STOP);

    daemon_log(logfd, "started");
    daemon_notify_ready();
    daemon_run(logfd, a.interval_ms);
    daemon_stop_cleanly(logfd);
}
