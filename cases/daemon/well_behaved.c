/* racelab-case
 * concept: daemon
 * variant: correct
 * title: A daemon that follows daemon(7) step by step
 * lesson: A daemon must leave its caller completely: close inherited
 *   descriptors, fork, setsid, fork again, put /dev/null on 0-2, chdir to /,
 *   hold a locked pidfile, and only then let the original process exit, with
 *   a status that says whether start-up worked. On SIGTERM it writes a last
 *   line, removes its pidfile and exits 0. daemonize.h does all of it.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 * expect daemon: clean
 */
#include "daemonize.h" /* first: it defines _GNU_SOURCE */

int main(int argc, char **argv)
{
    struct daemon_args a;
    daemon_parse_args(argc, argv, &a);
    int logfd = daemon_open_log(a.logfile);

    struct daemon_config cfg = daemon_config_defaults();
    cfg.pidfile = a.pidfile;
    cfg.files_preserve = &logfd;   /* the only descriptor the daemon keeps */
    cfg.n_files_preserve = 1;
    daemonize(&cfg);               /* returns in the daemon only */

    daemon_log(logfd, "started");
    daemon_notify_ready();         /* now the original process exits 0 */
    daemon_run(logfd, a.interval_ms);
    daemon_stop_cleanly(logfd);
}
