/* racelab-case
 * concept: daemon
 * variant: broken
 * twin: well_behaved
 * title: A pidfile written check-then-create, without a lock
 * lesson: "If the pidfile exists, another instance runs; otherwise write
 *   mine" is two steps: two instances started together both find no file,
 *   both write one and both run, and nothing tells a reader whether the pid
 *   in the file is alive. And fopen() creates it with mode 0666 less the
 *   umask, which a daemon has just set to 0: the pidfile is world-writable,
 *   so any user can put any pid in it for the next "stop" to kill. Open the
 *   pidfile with an explicit mode (0644) and take an fcntl() lock held for
 *   the daemon's life: whoever holds the lock is the running instance.
 * timeout: 10
 * expect tsan: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect helgrind: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect drd: clean -- A daemon-level bug: no thread tool sees how a
 *   process detaches; the daemon checker does.
 * expect daemon: pidfile
 */
#include "daemonize.h" /* first: it defines _GNU_SOURCE */

static void write_pidfile(const char *path)
{
    /* The bug: check, then create: the check is stale by the time we create. */
    if (access(path, F_OK) == 0)
        daemon_fail("pidfile_race: %s exists: already running", path);
    FILE *f = fopen(path, "w"); /* and mode 0666 under umask 0: world-writable */
    if (f == NULL)
        daemon_fail("pidfile_race: cannot create %s: %s", path, strerror(errno));
    fprintf(f, "%ld\n", (long)getpid());
    fclose(f);                       /* and no lock is held from here on */
}

int main(int argc, char **argv)
{
    struct daemon_args a;
    daemon_parse_args(argc, argv, &a);
    int logfd = daemon_open_log(a.logfile);

    struct daemon_config cfg = daemon_config_defaults();
    cfg.pidfile = NULL;              /* we write our own, below */
    cfg.files_preserve = &logfd;
    cfg.n_files_preserve = 1;
    daemonize(&cfg);
    write_pidfile(a.pidfile);

    daemon_log(logfd, "started");
    daemon_notify_ready();
    daemon_run(logfd, a.interval_ms);
    daemon_log(logfd, "stopping on SIGTERM");
    unlink(a.pidfile);
    return 0;
}
