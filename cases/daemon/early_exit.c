/* racelab-case
 * concept: daemon
 * variant: broken
 * twin: well_behaved
 * title: The original process exits before the daemon is ready
 * lesson: The parent returns 0 right after the first fork, as daemon(3)
 *   does, while the daemon is still starting: a caller that reads the pidfile
 *   right away finds no pid in it, and a start-up error after the fork is
 *   lost, the caller having already been told "success". Make a pipe before
 *   the first fork and let the original process exit only when the daemon
 *   reports. (The bad timing is made certain by an event, not a sleep: the
 *   daemon's start-up lasts until the caller has read the pidfile once.)
 * timeout: 10
 * expect tsan: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect helgrind: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect drd: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect daemon: not-detached
 */
#include "daemonize.h" /* first: it defines _GNU_SOURCE */

#include <sys/inotify.h>

int main(int argc, char **argv)
{
    struct daemon_args a;
    daemon_parse_args(argc, argv, &a);
    int logfd = daemon_open_log(a.logfile);

    daemon_close_inherited_fds(&logfd, 1);
    daemon_reset_signals();

    /* Scaffolding that makes the bad timing certain (not part of the bug):
     * the pidfile exists, empty, before the fork, and a watch on it is in
     * place, so the daemon can wait until the caller has read it once. */
    int fd = open(a.pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        daemon_fail("early_exit: cannot create pidfile %s: %s", a.pidfile, strerror(errno));
    close(fd);
    int watch = inotify_init1(IN_CLOEXEC);
    if (watch < 0 || inotify_add_watch(watch, a.pidfile, IN_CLOSE_NOWRITE) < 0)
        daemon_fail("early_exit: inotify: %s", strerror(errno));

    pid_t pid = fork();
    if (pid < 0)
        daemon_fail("early_exit: fork failed: %s", strerror(errno));
    if (pid > 0)
        exit(0); /* the bug: "success" before the daemon has even started */

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
    daemon_install_sigterm(DAEMON_SIGTERM_STOP);

    /* Start-up takes a while in a real daemon (reading state, binding
     * sockets). Here it lasts until someone has opened the pidfile for
     * reading and closed it again: the caller's first look, which therefore
     * always finds it empty. SIGTERM cuts the wait short. */
    struct pollfd looked[2] = { { watch, POLLIN, 0 }, { daemon_wake_pipe[0], POLLIN, 0 } };
    while (!daemon_stop && !(poll(looked, 2, -1) > 0 && (looked[0].revents & POLLIN)))
        ;
    close(watch);
    if (daemon_stop) {
        unlink(a.pidfile);
        daemon_stop_cleanly(logfd);
    }
    daemon_pidfile_acquire(a.pidfile);

    daemon_log(logfd, "started");
    daemon_run(logfd, a.interval_ms);
    daemon_stop_cleanly(logfd);
}
