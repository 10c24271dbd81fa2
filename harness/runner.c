/* See runner.h. */
#include "runner.h"

#include "proc.h"
#include "procinfo.h"
#include "protocol.h"
#include "tail.h"

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

/* A pipe (both ends close-on-exec; flags for the read end) and its /proc name. */
static int pipe_named(int fds[2], int read_flags, char *name)
{
    struct stat st;
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    if ((read_flags && fcntl(fds[0], F_SETFL, read_flags) < 0) || fstat(fds[1], &st) < 0) {
        close(fds[0]);
        close(fds[1]);
        fds[0] = fds[1] = -1;
        return -1;
    }
    snprintf(name, 64, "pipe:[%lu]", (unsigned long)st.st_ino);
    return 0;
}

/* A command as a POSIX shell line: the entries of env that racelab's own environment lacks
 * (TMPDIR, TSAN_OPTIONS), then argv, behind setarch -R where the run's address space is not
 * randomised (the personality racelab sets at spawn). NULL when out of memory. */
static char *shell_line(const struct rl_strv *env, const struct rl_strv *argv, int no_aslr)
{
    struct rl_strv set_vars = {0}, words = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < env->n; i++) {
        char **e = environ;
        while (*e && strcmp(*e, env->v[i]) != 0)
            e++;
        if (!*e)
            rc = rl_strv_addf(&set_vars, "%s", env->v[i]);
    }
    if (rc == 0 && no_aslr)
        rc = rl_strv_addf(&words, "setarch") | rl_strv_addf(&words, "-R");
    for (size_t i = 0; rc == 0 && i < argv->n; i++)
        rc = rl_strv_addf(&words, "%s", argv->v[i]);
    char *line = rc == 0 ? rl_shell_line(set_vars.v, words.v) : NULL;
    rl_strv_free(&set_vars);
    rl_strv_free(&words);
    return line;
}

int rl_runner_run(const struct rl_job *job, struct rl_result *res, char *err, size_t errsize)
{
    memset(res, 0, sizeof *res);
    res->exit_code = -1;
    int rc = -1;
    struct rl_logwatch watch = {.fd = -1};
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    if (rl_fmt(res->dir, sizeof res->dir, "%s/racelab.XXXXXX", tmp) < 0) {
        snprintf(err, errsize, "TMPDIR is too long (%zu bytes; at most %zu)", strlen(tmp),
                 sizeof res->dir - sizeof "/racelab.XXXXXX");
        return -1;
    }
    if (!mkdtemp(res->dir)) {
        snprintf(err, errsize, "cannot make a temporary directory in %s: %s", tmp, strerror(errno));
        return -1;
    }

    struct rl_strv program = {0}, argv = {0}, env = {0};
    for (char *const *a = job->program; *a; a++)
        rl_strv_addf(&program, "%s", *a);
    /* A daemon case's own arguments (case.h): its pidfile and log in the run's folder. */
    char pidfile[sizeof res->dir + 16], logfile[sizeof res->dir + 16];
    rl_fmt(pidfile, sizeof pidfile, "%s/daemon.pid", res->dir); /* sized so: cannot be cut */
    rl_fmt(logfile, sizeof logfile, "%s/daemon.log", res->dir);
    int case_daemon = job->protocol == RL_PROTOCOL_DAEMON && !job->pidfile;
    if (case_daemon) {
        rl_strv_addf(&program, "%s", pidfile);
        rl_strv_addf(&program, "%s", logfile);
        rl_strv_addf(&program, "%d", RL_DAEMON_INTERVAL_MS);
    }
    /* A TMPDIR of the run's own for the program and the tools, inside the run's folder (mode
     * 0700, like the folder): Valgrind names its temporary files from its pid, the same on
     * every run in a namespace, and in a shared TMPDIR another user could make them first. */
    char tmpdir[sizeof res->dir + 8];
    rl_fmt(tmpdir, sizeof tmpdir, "%s/tmp", res->dir); /* sized so: cannot be cut */
    if (mkdir(tmpdir, 0700) < 0) {
        snprintf(err, errsize, "cannot make %s: %s", tmpdir, strerror(errno));
        goto out;
    }
    for (char **e = environ; *e; e++)
        if (strncmp(*e, "TMPDIR=", 7) != 0)
            rl_strv_addf(&env, "%s", *e);
    rl_strv_addf(&env, "TMPDIR=%s", tmpdir);
    /* The tools' logs, and the program's stdout and stderr, go to a folder of their own: the
     * program is not told of it, and it is neither its working directory nor its TMPDIR, so
     * a program that creates, renames or deletes files there cannot touch its own verdict.
     * (Sized from the directory's buffer, so these paths cannot be cut.) */
    char logs[sizeof res->dir + 8], out_path[sizeof res->dir + 16], err_path[sizeof res->dir + 16];
    rl_fmt(logs, sizeof logs, "%s/logs", res->dir);
    rl_fmt(out_path, sizeof out_path, "%s/stdout", logs);
    rl_fmt(err_path, sizeof err_path, "%s/stderr", logs);
    struct rl_tool_run tr = {.dir = logs,
                             .program = program.v,
                             .case_path = job->c ? job->c->path : NULL,
                             .watch = &watch,
                             .tool_options = job->tool_options,
                             .suppressions = job->suppressions,
                             .wrapped = job->wrapped,
                             .gen_suppressions = job->gen_suppressions,
                             .version = res->tool_version,
                             .version_size = sizeof res->tool_version};
    if (mkdir(logs, 0700) < 0 || rl_logwatch_start(&watch, logs) < 0) {
        snprintf(err, errsize, "cannot make and watch %s: %s", logs, strerror(errno));
        goto out;
    }
    if (job->tool->command(&tr, &argv, &env) < 0) {
        snprintf(err, errsize, "out of memory");
        goto out;
    }
    int no_aslr = (job->tool->needs & RL_NEED_NO_ASLR) && !getenv("RACELAB_KEEP_ASLR");
    free(res->command);
    res->command = shell_line(&env, &argv, no_aslr);
    /* And the form a person types to see the tool's own report on a terminal. */
    struct rl_strv hand_argv = {0}, hand_env = {0};
    int hand_rc = 0;
    for (char **e = environ; hand_rc == 0 && *e; e++)
        hand_rc = rl_strv_addf(&hand_env, "%s", *e);
    tr.by_hand = 1;
    if (hand_rc == 0)
        hand_rc = job->tool->command(&tr, &hand_argv, &hand_env);
    tr.by_hand = 0;
    free(res->by_hand);
    res->by_hand = hand_rc == 0 && hand_argv.n ? shell_line(&hand_env, &hand_argv, no_aslr) : NULL;
    rl_strv_free(&hand_argv);
    rl_strv_free(&hand_env);

    /* The daemon checker's canary: a pipe the daemon must close with its inherited
     * descriptors, and a terminal it must leave. And a server's readiness pipe (--ready fd:N),
     * whose read end racelab keeps. */
    int canary[2] = {-1, -1}, ready[2] = {-1, -1};
    char canary_name[64] = "", ready_name[64] = "";
    const struct rl_ready *rd = job->serve ? &job->serve->ready : NULL;
    if (((job->tool->needs & RL_NEED_CANARY) && pipe_named(canary, 0, canary_name) < 0) ||
        (rd && rd->how == RL_READY_FD && pipe_named(ready, O_NONBLOCK, ready_name) < 0)) {
        snprintf(err, errsize, "pipe: %s", strerror(errno));
        goto out;
    }
    if (rd && rd->how == RL_READY_FILE && access(rd->path, F_OK) == 0) {
        snprintf(err, errsize,
                 "--ready file:%s: the file is there before the server started (remove it, or "
                 "have the server remove it as it stops)",
                 rd->path);
        goto out;
    }
    struct rl_spawn sp = {
        .argv = argv.v,
        .env = env.v,
        .dir = job->cwd ? job->cwd : res->dir,
        .out_path = out_path,
        .err_path = err_path,
        .use_pty = (job->tool->needs & RL_NEED_PTY) != 0,
        .keep_fd = canary[1],
        .no_namespace = getenv("RACELAB_NO_NAMESPACE") != NULL,
        .in_path = job->stdin_path,
        .ready_fd = ready[1],
        .ready_at = ready[1] >= 0 ? rd->fd : 0,
        /* RACELAB_KEEP_ASLR: for the test that shows TSan's failure without the fallback. */
        .no_aslr = no_aslr,
    };
    struct rl_run run;
    double start = rl_now();
    int started = rl_run_start(&run, &sp, err, errsize);
    if (canary[1] >= 0)
        close(canary[1]);
    if (canary[0] >= 0)
        close(canary[0]);
    if (ready[1] >= 0)
        close(ready[1]);
    if (started < 0) {
        if (ready[0] >= 0)
            close(ready[0]);
        goto out;
    }
    struct rl_tail tail = {0};
    if (job->output && rl_tail_start(&tail, out_path, err_path) < 0) {
        snprintf(err, errsize, "--output: cannot start following the program's output: %s",
                 strerror(errno));
        rl_run_kill(&run);
        rl_run_free(&run);
        if (ready[0] >= 0)
            close(ready[0]);
        goto out;
    }
    struct rl_drive drive = {
        .protocol = job->protocol,
        .tool = job->tool,
        .ctx = {.run = &run,
                .pidfile = job->pidfile  ? job->pidfile
                           : case_daemon ? pidfile
                                         : NULL,
                .logfile = case_daemon ? logfile : NULL,
                .canary = canary_name,
                .ready_name = ready_name,
                .timeout = job->timeout,
                .interval = RL_DAEMON_INTERVAL_MS / 1000.0},
        .serve = job->serve,
        .ready_read = ready[0],
        .work = job->protocol == RL_PROTOCOL_DAEMON
                    ? RL_DAEMON_INTERVALS * RL_DAEMON_INTERVAL_MS / 1000.0
                    : 0,
        .backtraces = job->backtraces,
        .logs = logs,
        .client_dir = job->cwd ? job->cwd : res->dir,
        .reports = &res->reports,
        .waits = res->waits,
        .waits_size = sizeof res->waits,
        .stacks = &res->stacks,
    };
    rl_protocol_drive(&drive);
    if (ready[0] >= 0)
        close(ready[0]);
    res->harness |= drive.harness;
    res->hang_seconds = drive.hang_seconds;
    tr.killed = !run.all_done;
    rl_run_kill(&run);
    rl_tail_stop(&tail);
    res->seconds = rl_now() - start;
    res->isolation = rl_isolation_name(run.isolation);
    if (rl_run_interrupted()) { /* racelab was asked to stop: no verdict */
        rl_run_free(&run);
        snprintf(err, errsize, "stopped by signal %d (%s)", rl_run_interrupted(),
                 strsignal(rl_run_interrupted()));
        goto out;
    }

    tr.main_pid = run.main_local_pid;
    tr.exits = run.exits;
    tr.nexits = run.nexits;
    rl_logwatch_collect(&watch);
    job->tool->collect(&tr, &res->reports);
    if (run.exits_lost)
        rl_tool_failure(&res->reports, "racelab lost track of %zu process exits (out of memory)",
                        run.exits_lost);
    rl_run_free(&run);
    /* The reaper reports every exit: once it is gone, nothing the run did can be known. */
    if (run.reaper_lost) {
        int st = run.reaper_status;
        rl_tool_failure(&res->reports,
                        "racelab's reaper died before the run ended (%s %d): the run has no "
                        "result",
                        WIFSIGNALED(st) ? "killed by signal" : "exit status",
                        WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    }
    /* A tool that failed owns the exit status: it says nothing about the program. */
    int tool_failed = rl_tool_failed(&res->reports);
    if (run.main_done && !run.reaper_lost) {
        if (WIFEXITED(run.main_status)) {
            res->exit_code = WEXITSTATUS(run.main_status);
            if (job->exit_status != RL_EXIT_STATUS_ANY && res->exit_code != job->exit_status &&
                !tool_failed)
                res->harness |= RL_KINDSET(RL_KIND_ASSERTION);
        } else if (WIFSIGNALED(run.main_status)) {
            res->term_signal = WTERMSIG(run.main_status);
        }
    }
    /* So does a death by signal: the tool's failure may be what killed it (TSan's runtime
     * dies of SIGSEGV when it cannot lay out its shadow). */
    if (run.crashed && !tool_failed)
        res->harness |= RL_KINDSET(RL_KIND_CRASH);
    tail_of(out_path, res->stdout_tail, sizeof res->stdout_tail);
    tail_of(err_path, res->stderr_tail, sizeof res->stderr_tail);
    rc = 0;
out:
    rl_logwatch_free(&watch);
    rl_strv_free(&program);
    rl_strv_free(&argv);
    rl_strv_free(&env);
    if (!job->keep)
        nftw(res->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return rc;
}

void rl_result_free(struct rl_result *res)
{
    free(res->command);
    free(res->by_hand);
    res->command = res->by_hand = NULL;
    rl_reports_free(&res->reports);
    rl_stacks_free(&res->stacks);
}
