/* See runner.h. */
#include "runner.h"

#include "proc.h"
#include "procinfo.h"
#include "tail.h"
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

/* Appends, for each thread of pid, the program's frames where it waits ("fn (file:line)"),
 * as gdb sees them. gdb runs bounded in time; Valgrind's processes are skipped (gdb would
 * show Valgrind's own frames, not the program's). */
static void gdb_backtraces(pid_t pid, char *buf, size_t size)
{
    char exe[512], gdb[4096];
    char link[64];
    rl_fmt(link, sizeof link, "/proc/%d/exe", (int)pid);
    ssize_t n = readlink(link, exe, sizeof exe - 1);
    if (n <= 0 || rl_which("gdb", gdb, sizeof gdb) != 0)
        return;
    exe[n] = '\0';
    if (strstr(exe, "valgrind"))
        return;
    char cmd[sizeof gdb + 128];
    if (rl_fmt(cmd, sizeof cmd,
               "timeout -s KILL 5 %s -p %d -batch -nx -ex 'thread apply all bt 12' 2>/dev/null",
               gdb, (int)pid) < 0)
        return;
    FILE *p = popen(cmd, "r");
    if (!p)
        return;
    size_t used = strlen(buf);
    char line[1024];
    while (fgets(line, sizeof line, p)) {
        /* "Thread 2 (Thread 0x7f.. (LWP 123) "x"):" and "#3  0x.. in fn (a=1) at /p/x.c:12" */
        char *lwp = strstr(line, "(LWP ");
        char *at = strstr(line, " at ");
        char *in = strstr(line, " in ");
        char entry[600] = "";
        if (strncmp(line, "Thread ", 7) == 0 && lwp)
            snprintf(entry, sizeof entry, "  thread %d:", atoi(lwp + 5));
        else if (line[0] == '#' && at) {
            const char *fn = in ? in + 4 : line + 4;
            while (*fn == ' ')
                fn++;
            at[strcspn(at, "\n")] = '\0';
            const char *file = strrchr(at + 4, '/') ? strrchr(at + 4, '/') + 1 : at + 4;
            snprintf(entry, sizeof entry, " %.*s (%s)", (int)strcspn(fn, " ("), fn, file);
        } else if (line[0] == '\n' && used && buf[used - 1] != '\n')
            snprintf(entry, sizeof entry, "\n");
        if (entry[0] && used + strlen(entry) + 2 < size) {
            memcpy(buf + used, entry, strlen(entry) + 1);
            used += strlen(entry);
        }
    }
    pclose(p);
    if (used && buf[used - 1] != '\n' && used + 2 < size) {
        buf[used++] = '\n';
        buf[used] = '\0';
    }
}

/* At a hang: `deadlock` when every thread is in a wait only the run could end (hang.h), else
 * `timeout`; then where each thread waits and who can end it (with, for a timeout, why it is
 * not a deadlock): the system call from /proc, and the program's frames from gdb where
 * installed. */
static void hang(struct rl_run *run, const struct rl_job *job, enum rl_wait_result w,
                 struct rl_result *res, double since)
{
    pid_t *pids;
    int n = rl_run_pids_all(run, &pids);
    int blocked = w == RL_WAIT_HUNG || rl_threads_all_blocked(pids, n);
    res->harness |= RL_KINDSET(blocked ? RL_KIND_DEADLOCK : RL_KIND_TIMEOUT);
    res->hang_seconds = rl_now() - since;
    rl_threads_describe(pids, n, res->waits, sizeof res->waits);
    if (!job->backtraces) {
        free(pids);
        return;
    }
    for (int i = 0; i < n && i < 8; i++) {
        size_t used = strlen(res->waits);
        snprintf(res->waits + used, sizeof res->waits - used, "gdb, pid %d:\n", (int)pids[i]);
        size_t before = strlen(res->waits);
        gdb_backtraces(pids[i], res->waits, sizeof res->waits);
        if (strlen(res->waits) == before)
            res->waits[used] = '\0'; /* nothing to show */
    }
    free(pids);
}

/* The daemon protocol: the original process must return; the daemon then works for a few
 * intervals and is asked to stop with SIGTERM through its pidfile. */
static void drive_daemon(struct rl_run *run, const struct rl_job *job, struct rl_result *res)
{
    double start = rl_now();
    enum rl_wait_result w =
        rl_run_wait(run, RL_UNTIL_MAIN_EXITS, start + job->timeout, RL_HANG_SETTLE);
    if (w != RL_WAIT_DONE) {
        hang(run, job, w, res, start);
        return;
    }
    double work = RL_DAEMON_INTERVALS * RL_DAEMON_INTERVAL_MS / 1000.0;
    if (rl_run_wait(run, RL_UNTIL_ALL_EXIT, rl_now() + work, 0) == RL_WAIT_DONE)
        return; /* nothing left to stop */
    char pidfile[sizeof res->dir + 16];
    rl_fmt(pidfile, sizeof pidfile, "%s/daemon.pid", res->dir); /* cannot be cut: sized so */
    rl_run_stop(run, (pid_t)rl_pidfile_read(pidfile));
    double stop = rl_now();
    w = rl_run_wait(run, RL_UNTIL_ALL_EXIT, stop + job->timeout, RL_HANG_SETTLE);
    if (w != RL_WAIT_DONE)
        hang(run, job, w, res, stop);
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
    if (job->daemon) {
        rl_strv_addf(&program, "%s/daemon.pid", res->dir);
        rl_strv_addf(&program, "%s/daemon.log", res->dir);
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
                             .gen_suppressions = job->gen_suppressions};
    if (mkdir(logs, 0700) < 0 || rl_logwatch_start(&watch, logs) < 0) {
        snprintf(err, errsize, "cannot make and watch %s: %s", logs, strerror(errno));
        goto out;
    }
    if (job->tool->command(&tr, &argv, &env) < 0) {
        snprintf(err, errsize, "out of memory");
        goto out;
    }

    int checker = job->tool->id == RL_TOOL_DAEMON;
    /* The daemon checker's canary: a pipe the daemon must close with its inherited
     * descriptors, and a terminal it must leave. */
    int canary[2] = {-1, -1};
    char canary_name[64] = "";
    if (job->tool->needs & RL_NEED_CANARY) {
        struct stat st;
        if (pipe2(canary, O_CLOEXEC) < 0 || fstat(canary[1], &st) < 0) {
            snprintf(err, errsize, "pipe: %s", strerror(errno));
            goto out;
        }
        snprintf(canary_name, sizeof canary_name, "pipe:[%lu]", (unsigned long)st.st_ino);
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
    };
    struct rl_run run;
    double start = rl_now();
    int started = rl_run_start(&run, &sp, err, errsize);
    if (canary[1] >= 0)
        close(canary[1]);
    if (canary[0] >= 0)
        close(canary[0]);
    if (started < 0)
        goto out;
    struct rl_tail tail = {0};
    if (job->output && rl_tail_start(&tail, out_path, err_path) < 0) {
        snprintf(err, errsize, "--output: cannot start following the program's output: %s",
                 strerror(errno));
        rl_run_kill(&run);
        rl_run_free(&run);
        goto out;
    }
    if (checker) {
        rl_daemon_drive(&run, res->dir, job->timeout, canary_name, &res->reports);
    } else if (job->daemon) {
        drive_daemon(&run, job, res);
    } else {
        enum rl_wait_result w =
            rl_run_wait(&run, RL_UNTIL_ALL_EXIT, start + job->timeout, RL_HANG_SETTLE);
        if (w != RL_WAIT_DONE)
            hang(&run, job, w, res, start);
    }
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
    if (run.crashed)
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
    rl_reports_free(&res->reports);
}
