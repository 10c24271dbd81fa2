/* See runner.h. */
#include "runner.h"

#include "proc.h"
#include "tool_daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static void tail_of(const char *path, char *out, size_t size)
{
    out[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    off_t end = lseek(fd, 0, SEEK_END);
    off_t from = end > (off_t)size - 1 ? end - (off_t)size + 1 : 0;
    ssize_t n = pread(fd, out, size - 1, from);
    close(fd);
    out[n > 0 ? n : 0] = '\0';
}

/* At a hang: `deadlock` when every thread is blocked, else `timeout`. */
static void hang(struct rl_run *run, enum rl_wait_result w, struct rl_result *res, double since)
{
    int blocked = w == RL_WAIT_HUNG || rl_run_all_blocked(run);
    res->harness |= RL_KINDSET(blocked ? RL_KIND_DEADLOCK : RL_KIND_TIMEOUT);
    res->hang_seconds = rl_now() - since;
    rl_run_describe(run, res->waits, sizeof res->waits);
}

static pid_t read_pidfile(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    long pid = 0;
    if (fscanf(f, "%ld", &pid) != 1 || pid <= 0)
        pid = 0;
    fclose(f);
    return (pid_t)pid;
}

/* The daemon protocol: the original process must return; the daemon then works for a few
 * intervals and is asked to stop with SIGTERM through its pidfile. */
static void drive_daemon(struct rl_run *run, const struct rl_job *job, struct rl_result *res)
{
    double start = rl_now();
    enum rl_wait_result w =
        rl_run_wait(run, RL_UNTIL_MAIN_EXITS, start + job->timeout, RL_HANG_SETTLE);
    if (w != RL_WAIT_DONE) {
        hang(run, w, res, start);
        return;
    }
    double work = RL_DAEMON_INTERVALS * RL_DAEMON_INTERVAL_MS / 1000.0;
    if (rl_run_wait(run, RL_UNTIL_ALL_EXIT, rl_now() + work, 0) == RL_WAIT_DONE)
        return; /* nothing left to stop */
    char pidfile[4200];
    snprintf(pidfile, sizeof pidfile, "%s/daemon.pid", res->dir);
    pid_t pid = read_pidfile(pidfile);
    if (pid <= 0 || rl_run_signal(run, pid, SIGTERM) < 0) {
        /* No daemon to address: stop whatever the run left. */
        pid_t pids[256];
        int n = rl_run_pids(run, pids, 256);
        run->sent_signal = 1;
        for (int i = 0; i < n; i++)
            kill(pids[i], SIGTERM);
    }
    double stop = rl_now();
    w = rl_run_wait(run, RL_UNTIL_ALL_EXIT, stop + job->timeout, RL_HANG_SETTLE);
    if (w != RL_WAIT_DONE)
        hang(run, w, res, stop);
}

int rl_runner_run(const struct rl_job *job, struct rl_result *res, char *err, size_t errsize)
{
    memset(res, 0, sizeof *res);
    res->exit_code = -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(res->dir, sizeof res->dir, "%s/racelab.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(res->dir)) {
        snprintf(err, errsize, "cannot make a temporary directory in %s: %s",
                 tmp && *tmp ? tmp : "/tmp", strerror(errno));
        return -1;
    }

    struct rl_strv program = {0}, argv = {0}, env = {0};
    for (char *const *a = job->program; *a; a++)
        rl_strv_addf(&program, "%s", *a);
    if (job->daemon) {
        rl_strv_addf(&program, "%s/daemon.pid", res->dir);
        rl_strv_addf(&program, "%s/daemon.log", res->dir);
        rl_strv_addf(&program, "%d", RL_DAEMON_INTERVAL_MS);
    }
    for (char **e = environ; *e; e++)
        rl_strv_addf(&env, "%s", *e);
    struct rl_tool_run tr = {res->dir, program.v, job->c ? job->c->path : NULL, 0};
    char out_path[4200], err_path[4200];
    snprintf(out_path, sizeof out_path, "%s/stdout", res->dir);
    snprintf(err_path, sizeof err_path, "%s/stderr", res->dir);
    int rc = -1;
    if (job->tool->command(&tr, &argv, &env) < 0) {
        snprintf(err, errsize, "out of memory");
        goto out;
    }

    int checker = job->tool->id == RL_TOOL_DAEMON;
    /* The daemon checker's canary: a pipe the daemon must close with its inherited
     * descriptors, and a terminal it must leave. */
    int canary[2] = {-1, -1};
    char canary_name[64] = "";
    if (checker) {
        struct stat st;
        if (pipe2(canary, O_CLOEXEC) < 0 || fstat(canary[1], &st) < 0) {
            snprintf(err, errsize, "pipe: %s", strerror(errno));
            goto out;
        }
        snprintf(canary_name, sizeof canary_name, "pipe:[%lu]", (unsigned long)st.st_ino);
    }
    struct rl_spawn sp = {argv.v, env.v, res->dir, out_path, err_path, checker, canary[1], 0};
    sp.no_namespace = getenv("RACELAB_NO_NAMESPACE") != NULL;
    struct rl_run run;
    double start = rl_now();
    int started = rl_run_start(&run, &sp, err, errsize);
    if (canary[1] >= 0)
        close(canary[1]);
    if (canary[0] >= 0)
        close(canary[0]);
    if (started < 0)
        goto out;
    if (checker) {
        rl_daemon_drive(&run, job, res, canary_name);
    } else if (job->daemon) {
        drive_daemon(&run, job, res);
    } else {
        enum rl_wait_result w =
            rl_run_wait(&run, RL_UNTIL_ALL_EXIT, start + job->timeout, RL_HANG_SETTLE);
        if (w != RL_WAIT_DONE)
            hang(&run, w, res, start);
    }
    tr.killed = !run.all_done;
    rl_run_kill(&run);
    res->seconds = rl_now() - start;

    if (run.main_done) {
        if (WIFEXITED(run.main_status)) {
            res->exit_code = WEXITSTATUS(run.main_status);
            if (res->exit_code != 0)
                res->harness |= RL_KINDSET(RL_KIND_ASSERTION);
        } else if (WIFSIGNALED(run.main_status)) {
            res->term_signal = WTERMSIG(run.main_status);
        }
    }
    if (run.crashed)
        res->harness |= RL_KINDSET(RL_KIND_CRASH);
    job->tool->collect(&tr, &res->reports);
    tail_of(err_path, res->stderr_tail, sizeof res->stderr_tail);
    rc = 0;
out:
    rl_strv_free(&program);
    rl_strv_free(&argv);
    rl_strv_free(&env);
    if (!job->keep)
        nftw(res->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return rc;
}

void rl_result_free(struct rl_result *res)
{
    rl_reports_free(&res->reports);
}
