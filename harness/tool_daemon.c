/* The daemon checker: runs a daemon's plain build (a daemon case's, or one's own with
 * --pidfile) with a pseudo-terminal as its starting session's controlling terminal and a canary
 * descriptor, then checks from the outside, through /proc, the daemon(7) properties that the
 * thread tools cannot see, in between the daemon protocol's phases (protocol.c). Each property
 * that fails becomes a report of its kind. */
#include "procinfo.h"
#include "tool.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int probe(char *const *program, char *version, size_t size, char *why, size_t whysize)
{
    char bin[4096];
    int rc = rl_tool_check_build(program, 0, "the daemon checker", bin, sizeof bin, why, whysize);
    if (rc)
        return rc;
    snprintf(version, size, "racelab daemon checker");
    return 0;
}

static int command(const struct rl_tool_run *tr, struct rl_strv *argv, struct rl_strv *env)
{
    (void)env;
    if (tr->by_hand)
        return 0; /* the checker is racelab itself */
    for (char *const *a = tr->program; *a; a++)
        if (rl_strv_addf(argv, "%s", *a) < 0)
            return -1;
    return 0;
}

static int collect(const struct rl_tool_run *tr, struct rl_reports *rs)
{
    (void)tr, (void)rs;
    return 0; /* the checks report while the daemon runs */
}

static void flag(struct rl_reports *res, enum rl_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void flag(struct rl_reports *res, enum rl_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rl_reports_vaddf(res, kind, "daemon", fmt, ap);
    va_end(ap);
}

/* The properties of a running daemon (outer pid). */
static void check_daemon(pid_t pid, const struct rl_phase_ctx *ctx, struct rl_reports *res)
{
    struct rl_proc_stat st;
    if (rl_proc_read_stat(pid, &st) < 0) {
        flag(res, RL_KIND_NOT_RUNNING, "the daemon (pid %d) vanished while being checked", pid);
        return;
    }
    if (st.pid == st.session)
        flag(res, RL_KIND_SESSION_LEADER,
             "the daemon is a session leader (pid == sid %d): daemon(7) forks again after setsid()",
             st.session);
    if (st.tty_nr != 0)
        flag(res, RL_KIND_CONTROLLING_TTY, "the daemon has a controlling terminal (tty_nr %d)",
             st.tty_nr);
    else if (st.pid == st.session)
        flag(res, RL_KIND_CONTROLLING_TTY,
             "the daemon can acquire a controlling terminal: it leads its session");
    for (int fd = 0; fd <= 2; fd++) {
        char target[512];
        if (rl_proc_link(pid, fd, target, sizeof target) < 0)
            snprintf(target, sizeof target, "closed");
        if (strcmp(target, "/dev/null") != 0) {
            flag(res, RL_KIND_STD_STREAMS, "descriptor %d is %s, not /dev/null", fd, target);
            break;
        }
    }
    if (rl_proc_has_fd_to(pid, ctx->canary) == 1)
        flag(res, RL_KIND_FD_LEAK, "the daemon keeps an inherited descriptor (the canary %s)",
             ctx->canary);
    if (ctx->ready_name[0] && rl_proc_has_fd_to(pid, ctx->ready_name) == 1)
        flag(res, RL_KIND_FD_LEAK,
             "the daemon still holds its readiness descriptor (%s) after it was ready",
             ctx->ready_name);
    char cwd[512];
    if (rl_proc_link(pid, -1, cwd, sizeof cwd) == 0 && strcmp(cwd, "/") != 0)
        flag(res, RL_KIND_CWD, "the daemon's working directory is %s, not /", cwd);
}

/* After the daemon has worked: its pidfile, its daemon(7) properties, and its log growing. */
static void check_working(const struct rl_phase_ctx *ctx, struct rl_reports *res)
{
    struct rl_run *run = ctx->run;
    long pid = rl_pidfile_read(ctx->pidfile);
    pid_t outer = pid > 0 ? rl_run_outer_pid(run, (pid_t)pid) : 0;
    if (ctx->ready_pid <= 0 && outer > 0)
        flag(res, RL_KIND_NOT_DETACHED,
             "the original process returned before the daemon was ready (no live pid in the "
             "pidfile yet)");
    if (pid < 0)
        flag(res, RL_KIND_PIDFILE, "no pidfile at %s", ctx->pidfile);
    else if (pid == 0)
        flag(res, RL_KIND_PIDFILE, "the pidfile holds no pid");
    else if (outer <= 0)
        flag(res, RL_KIND_PIDFILE, "the pidfile names pid %ld, which is not running", pid);
    else if (rl_file_locked(ctx->pidfile) != 1)
        flag(res, RL_KIND_PIDFILE,
             "the pidfile is not locked: a second instance could start beside this one");
    if (outer <= 0) {
        /* Check whatever the run left instead. */
        pid_t pids[2];
        if (rl_run_pids(run, pids, 2) >= 1)
            outer = pids[0];
    }
    if (outer <= 0)
        return;
    check_daemon(outer, ctx, res);
    if (!ctx->logfile)
        return;
    long before = rl_file_lines(ctx->logfile);
    rl_run_wait(run, RL_UNTIL_ALL_EXIT, rl_now() + 2.5 * ctx->interval, 0);
    long after = rl_file_lines(ctx->logfile);
    if (after <= before || rl_run_outer_pid(run, (pid_t)(pid > 0 ? pid : 0)) == 0)
        flag(res, RL_KIND_NOT_RUNNING, "the log did not grow (%ld lines, then %ld)", before, after);
}

/* The daemon protocol's phases, from the outside: the original process must return (and only
 * once the daemon is ready), the daemon must keep working with daemon(7)'s properties, and
 * SIGTERM must stop it cleanly, its pidfile removed. A hang of the daemon checker's program is
 * one of these properties, not a deadlock. */
static enum rl_action at_phase(const struct rl_phase_ctx *ctx, enum rl_phase phase,
                               enum rl_event event, struct rl_reports *res)
{
    switch (phase) {
    case RL_PHASE_START:
        if (event == RL_EVENT_DEADLINE || event == RL_EVENT_HUNG) {
            if (event == RL_EVENT_HUNG)
                flag(res, RL_KIND_NOT_DETACHED,
                     "the original process did not return: every thread of the run blocked");
            else
                flag(res, RL_KIND_NOT_DETACHED, "the original process did not return within %.0f s",
                     ctx->timeout);
            return RL_ACT_NONE;
        }
        return RL_ACT_TABLE;
    case RL_PHASE_READY:
    case RL_PHASE_WORK:
        if (event == RL_EVENT_GONE) {
            flag(res, RL_KIND_NOT_RUNNING,
                 "no process of the run was left after the original process returned");
            return RL_ACT_NONE;
        }
        if (phase == RL_PHASE_WORK && event == RL_EVENT_DONE)
            check_working(ctx, res);
        return RL_ACT_TABLE;
    case RL_PHASE_STOP:
        if (event == RL_EVENT_DEADLINE || event == RL_EVENT_HUNG) {
            flag(res, RL_KIND_NO_CLEAN_STOP, "still running %.1f s after SIGTERM",
                 rl_now() - ctx->began);
            return RL_ACT_NONE;
        }
        if (access(ctx->pidfile, F_OK) == 0)
            flag(res, RL_KIND_NO_CLEAN_STOP, "the pidfile was left behind after SIGTERM");
        return RL_ACT_TABLE;
    case RL_PHASE_END:
        break;
    }
    return RL_ACT_TABLE;
}

const struct rl_tool rl_tool_daemon = {
    .id = RL_TOOL_DAEMON,
    .needs = RL_NEED_PTY | RL_NEED_CANARY,
    .probe = probe,
    .command = command,
    .collect = collect,
    .at_phase = at_phase,
};
