/* See protocol.h. The tables come first: they are the protocol; the code below them only waits
 * for what a row says and carries out the actions its events lead to. */
#include "protocol.h"

#include "hang.h"
#include "procinfo.h"
#include "strv.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* What a phase waits for. */
enum until {
    UNTIL_MAIN_EXITS, /* the program's first process returns (a daemon's original process) */
    UNTIL_READY,      /* the readiness signal (--ready; none: at once) */
    UNTIL_WORK_DONE,  /* the clients have run, or the work time has passed */
    UNTIL_ALL_EXIT,   /* every process of the run has ended */
};

struct step {
    enum rl_action action;
    enum rl_phase next;
};

struct phase_row {
    enum until until;
    int term;   /* the phase begins with SIGTERM to the server */
    int settle; /* the wait watches for a hang (RL_HANG_SETTLE) */
    struct step on[RL_EVENT_COUNT];
};

struct protocol {
    enum rl_phase first;
    struct phase_row phase[RL_PHASE_END];
};

#define DONE     RL_EVENT_DONE
#define GONE     RL_EVENT_GONE
#define DEADLINE RL_EVENT_DEADLINE
#define HUNG     RL_EVENT_HUNG
#define FAILED   RL_EVENT_FAILED
#define START    RL_PHASE_START
#define READY    RL_PHASE_READY
#define WORK     RL_PHASE_WORK
#define STOP     RL_PHASE_STOP
#define END      RL_PHASE_END
#define NONE     RL_ACT_NONE
#define HANG     RL_ACT_HANG
#define EARLY    RL_ACT_GONE_EARLY
#define UNCLEAN  RL_ACT_NO_CLEAN_STOP

/* actions[protocol][phase][event]: each row is a phase, what it waits for, whether it begins
 * with SIGTERM to the server and watches for a hang, then {action, next phase} for each event
 * (DONE, GONE, DEADLINE, HUNG, FAILED). A phase a protocol does not visit is left out. */
// clang-format off
#define ROW(until, term, settle, ...) {until, term, settle, {__VA_ARGS__}}
static const struct protocol protocols[] = {
    /* The program runs to its end. */
    [RL_PROTOCOL_PLAIN] = {WORK, {
        /*        until             term settle DONE           GONE           DEADLINE       HUNG           FAILED */
        [WORK]  = ROW(UNTIL_ALL_EXIT,   0, 1, {NONE, END},   {NONE, END},   {HANG, END},   {HANG, END},   {NONE, END}),
    }},
    /* A daemon: its original process returns, the daemon (ready) works a while, then SIGTERM
     * through its pidfile must end it. */
    [RL_PROTOCOL_DAEMON] = {START, {
        [START] = ROW(UNTIL_MAIN_EXITS, 0, 1, {NONE, READY}, {NONE, READY}, {HANG, END},   {HANG, END},   {NONE, END}),
        [READY] = ROW(UNTIL_READY,      0, 1, {NONE, WORK},  {EARLY, END},  {HANG, END},   {HANG, END},   {NONE, STOP}),
        [WORK]  = ROW(UNTIL_WORK_DONE,  0, 0, {NONE, STOP},  {NONE, END},   {NONE, STOP},  {NONE, STOP},  {NONE, STOP}),
        [STOP]  = ROW(UNTIL_ALL_EXIT,   1, 1, {NONE, END},   {NONE, END},   {HANG, END},   {HANG, END},   {NONE, END}),
    }},
    /* A server: ready, then its clients (or a time), then SIGTERM must end it. */
    [RL_PROTOCOL_SERVE] = {READY, {
        [READY] = ROW(UNTIL_READY,      0, 1, {NONE, WORK},  {EARLY, END},  {HANG, END},   {HANG, END},   {NONE, STOP}),
        [WORK]  = ROW(UNTIL_WORK_DONE,  0, 0, {NONE, STOP},  {EARLY, END},  {NONE, STOP},  {NONE, STOP},  {NONE, STOP}),
        [STOP]  = ROW(UNTIL_ALL_EXIT,   1, 1, {NONE, END},   {NONE, END},   {UNCLEAN, END},{UNCLEAN, END},{NONE, END}),
    }},
};
// clang-format on
#undef ROW

static const char *const phase_names[] = {"start", "ready", "work", "stop", "end"};

/* --- Readiness ------------------------------------------------------------------------- */

int rl_ready_parse(const char *text, struct rl_ready *r, char *why, size_t whysize)
{
    memset(r, 0, sizeof *r);
    const char *colon = strchr(text, ':');
    size_t word = colon ? (size_t)(colon - text) : strlen(text);
    const char *arg = colon ? colon + 1 : NULL;
    char *end;
    if (word == 6 && strncmp(text, "listen", 6) == 0) {
        r->how = RL_READY_LISTEN;
        if (!arg)
            return 0;
        unsigned long port = strtoul(arg, &end, 10);
        if (*arg >= '0' && *arg <= '9' && !*end && port >= 1 && port <= 65535) {
            r->port = (unsigned)port;
            return 0;
        }
        snprintf(why, whysize, "--ready listen:PORT takes a port from 1 to 65535, not '%s'", arg);
        return -1;
    }
    if (word == 2 && strncmp(text, "fd", 2) == 0 && arg) {
        long fd = strtol(arg, &end, 10);
        if (*arg >= '0' && *arg <= '9' && !*end && fd >= RL_READY_FD_MIN && fd <= RL_READY_FD_MAX) {
            r->how = RL_READY_FD;
            r->fd = (int)fd;
            return 0;
        }
        snprintf(why, whysize,
                 "--ready fd:N takes a descriptor from %d to %d (0-2 are the program's stdin, "
                 "stdout and stderr), not '%s'",
                 RL_READY_FD_MIN, RL_READY_FD_MAX, arg);
        return -1;
    }
    if (word == 4 && strncmp(text, "file", 4) == 0 && arg) {
        if (!*arg) {
            snprintf(why, whysize, "--ready file:PATH needs a path");
            return -1;
        }
        r->how = RL_READY_FILE;
        r->path = arg;
        return 0;
    }
    if (word == 5 && strncmp(text, "delay", 5) == 0 && arg) {
        double s = strtod(arg, &end);
        if (*arg && !*end && isfinite(s) && s > 0 && s <= 3600) {
            r->how = RL_READY_DELAY;
            r->delay = s;
            return 0;
        }
        snprintf(why, whysize, "--ready delay:S takes seconds above 0 and at most 3600, not '%s'",
                 arg);
        return -1;
    }
    snprintf(why, whysize, "--ready takes listen[:PORT], fd:N, file:PATH or delay:S, not '%s'",
             text);
    return -1;
}

void rl_ready_format(const struct rl_ready *r, char *buf, size_t size)
{
    switch (r->how) {
    case RL_READY_NONE:
        snprintf(buf, size, "none");
        return;
    case RL_READY_LISTEN:
        if (r->port)
            snprintf(buf, size, "listen:%u", r->port);
        else
            snprintf(buf, size, "listen");
        return;
    case RL_READY_FD:
        snprintf(buf, size, "fd:%d", r->fd);
        return;
    case RL_READY_FILE:
        snprintf(buf, size, "file:%s", r->path);
        return;
    case RL_READY_DELAY:
        snprintf(buf, size, "delay:%g", r->delay);
        return;
    }
    buf[0] = '\0';
}

/* --- Where the threads wait, at a hang -------------------------------------------------- */

/* At a hang: `deadlock` when every thread is in a wait only the run could end (hang.h), else
 * `timeout`; then where each thread waits and who can end it (with, for a timeout, why it is
 * not a deadlock): the system call from /proc, and every thread's stack. */
/* Appends where each thread of the run waits, and (with backtraces) takes every thread's
 * stack: the tool's, else libdw's (stacks.h). */
static void describe(struct rl_drive *d)
{
    pid_t *pids;
    int n = rl_run_pids_all(d->ctx.run, &pids);
    size_t used = strlen(d->waits);
    rl_threads_describe(pids, n, d->waits + used, d->waits_size - used);
    if (d->backtraces && d->stacks && !d->stacks->source)
        rl_tool_stacks(d->tool, d->logs, d->ctx.run, pids, n, d->stacks);
    free(pids);
}

static void hang(struct rl_drive *d, enum rl_event ev)
{
    pid_t *pids;
    int n = rl_run_pids_all(d->ctx.run, &pids);
    int blocked = ev == HUNG || rl_threads_all_blocked(pids, n);
    free(pids);
    d->harness |= RL_KINDSET(blocked ? RL_KIND_DEADLOCK : RL_KIND_TIMEOUT);
    describe(d);
    d->hang_seconds = rl_now() - d->ctx.began; /* (the stacks included) */
}

/* A report the protocol itself makes: who says so is "racelab". */
static void say(struct rl_drive *d, enum rl_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(struct rl_drive *d, enum rl_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rl_reports_vaddf(d->reports, kind, "racelab", fmt, ap);
    va_end(ap);
}

/* A phase's deadline measures the program, not the machine: it moves by the time the threads
 * it waits on spent runnable without a CPU since the phase began (their largest run_delay, as
 * rl_run_wait's own), up to RL_DEADLINE_STRETCH times its length. */
struct deadline {
    double end, stretch, delay0, starved;
};

static void deadline_start(struct deadline *dl, double length, double delay)
{
    dl->end = rl_now() + length;
    dl->stretch = (RL_DEADLINE_STRETCH - 1) * length;
    dl->delay0 = delay;
    dl->starved = 0;
}

static int deadline_passed(struct deadline *dl, double delay)
{
    double now = rl_now();
    if (delay - dl->delay0 > dl->starved)
        dl->starved = delay - dl->delay0;
    return now >= dl->end + (dl->starved < dl->stretch ? dl->starved : dl->stretch);
}

/* The run's starvation, and a client's (its processes' largest run_delay). */
static double run_delay(struct rl_run *run)
{
    pid_t *pids;
    int n = rl_run_pids_all(run, &pids);
    double delay = rl_hang_run_delay(pids, n);
    free(pids);
    return delay;
}

static double client_delay(const struct rl_client *c)
{
    pid_t *pids;
    int n = rl_client_pids(c, &pids);
    double delay = rl_hang_run_delay(pids, n);
    free(pids);
    return delay;
}

/* One slice of a longer wait: every process of the run gone (GONE), all hung (HUNG), or
 * neither within the slice (-1). */
static int wait_slice(struct rl_drive *d, int settle)
{
    const double slice = 0.05;
    enum rl_wait_result w =
        rl_run_wait(d->ctx.run, RL_UNTIL_ALL_EXIT, rl_now() + slice, settle ? RL_HANG_SETTLE : 0);
    return w == RL_WAIT_DONE ? GONE : w == RL_WAIT_HUNG ? HUNG : -1;
}

/* The readiness signal: what it found goes to ready_words (RACELAB_READY) and the port. */
struct found {
    unsigned port;
    char words[256];
};

static int is_ready(struct rl_drive *d, struct found *f, char *line, size_t *used, double began)
{
    const struct rl_ready *r = &d->serve->ready;
    switch (r->how) {
    case RL_READY_NONE:
        return 1;
    case RL_READY_LISTEN: {
        pid_t *pids;
        int n = rl_run_pids_all(d->ctx.run, &pids);
        f->port = rl_listening_port(pids, n, r->port);
        free(pids);
        if (f->port)
            snprintf(f->words, sizeof f->words, "listen:%u", f->port);
        return f->port != 0;
    }
    case RL_READY_FD:
        for (;;) {
            char c;
            ssize_t got = read(d->ready_read, &c, 1);
            if (got == 1 && c == '\n') {
                line[*used] = '\0';
                snprintf(f->words, sizeof f->words, "%s", line);
                return 1;
            }
            if (got == 1) {
                if (*used < sizeof f->words - 1)
                    line[(*used)++] = c;
                continue;
            }
            if (got == 0) {
                say(d, RL_KIND_ASSERTION,
                    "the server closed its readiness descriptor %d before writing a line", r->fd);
                return -1;
            }
            return 0; /* EAGAIN: nothing yet */
        }
    case RL_READY_FILE:
        if (access(r->path, F_OK) != 0)
            return 0;
        snprintf(f->words, sizeof f->words, "file:%s", r->path);
        return 1;
    case RL_READY_DELAY:
        if (rl_now() < began + r->delay)
            return 0;
        snprintf(f->words, sizeof f->words, "delay:%g", r->delay);
        return 1;
    }
    return 0;
}

static enum rl_event wait_ready(struct rl_drive *d, const struct phase_row *row, struct found *f)
{
    if (!d->serve || d->serve->ready.how == RL_READY_NONE)
        return DONE;
    double began = rl_now();
    struct deadline dl;
    double length = d->ctx.timeout;
    if (d->serve->ready.how == RL_READY_DELAY)
        length += d->serve->ready.delay;
    deadline_start(&dl, length, run_delay(d->ctx.run));
    char line[sizeof f->words];
    size_t used = 0;
    for (;;) {
        int ready = is_ready(d, f, line, &used, began);
        if (ready)
            return ready > 0 ? DONE : FAILED;
        int ev = wait_slice(d, row->settle);
        if (ev >= 0)
            return (enum rl_event)ev;
        if (deadline_passed(&dl, run_delay(d->ctx.run))) {
            char words[300];
            rl_ready_format(&d->serve->ready, words, sizeof words);
            snprintf(d->waits, d->waits_size, "not ready after %.1f s (--ready %s)\n",
                     rl_now() - began, words);
            return DEADLINE;
        }
    }
}

/* The clients' environment: racelab's own, without the tools' variables racelab sets for the
 * server, and with where the server is. */
static int client_env(struct rl_drive *d, const struct found *f, struct rl_strv *env)
{
    static const char *const dropped[] = {
        "TSAN_OPTIONS=", "VALGRIND_OPTS=", "RACELAB_PORT=", "RACELAB_PID=", "RACELAB_READY="};
    for (char **e = environ; *e; e++) {
        int keep = 1;
        for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++)
            keep &= strncmp(*e, dropped[i], strlen(dropped[i])) != 0;
        if (keep && rl_strv_addf(env, "%s", *e) < 0)
            return -1;
    }
    long pid = d->protocol == RL_PROTOCOL_DAEMON ? rl_pidfile_read(d->ctx.pidfile)
                                                 : (long)d->ctx.run->main_local_pid;
    if ((f->port && rl_strv_addf(env, "RACELAB_PORT=%u", f->port) < 0) ||
        rl_strv_addf(env, "RACELAB_PID=%ld", pid) < 0 ||
        rl_strv_addf(env, "RACELAB_READY=%s", f->words) < 0)
        return -1;
    return 0;
}

/* The last line a client wrote, for the report that it failed. */
static void last_line(const char *path, char *out, size_t size)
{
    char buf[4096];
    out[0] = '\0';
    if (rl_read_text(path, buf, sizeof buf) < 0)
        return;
    size_t n = strlen(buf);
    while (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    const char *last = strrchr(buf, '\n');
    snprintf(out, size, "%s", last ? last + 1 : buf);
}

/* Runs the clients in order, each within the run's timeout; the first that fails ends the
 * phase (FAILED, with a report naming it). */
static enum rl_event run_clients(struct rl_drive *d, const struct found *f)
{
    struct rl_strv env = {0};
    if (client_env(d, f, &env) < 0) {
        rl_tool_failure(d->reports, "out of memory for the clients' environment");
        return FAILED;
    }
    enum rl_event result = DONE;
    int n = 0;
    for (char *const *cmd = d->serve->clients; *cmd && result != FAILED; cmd++) {
        n++;
        char out[4200], err[512];
        if (rl_fmt(out, sizeof out, "%s/client.%d", d->logs, n) < 0) {
            rl_tool_failure(d->reports, "the log folder's path is too long for client %d", n);
            result = FAILED;
            break;
        }
        struct rl_client c;
        if (rl_client_start(d->ctx.run, *cmd, env.v, d->client_dir, out, &c, err, sizeof err) < 0) {
            rl_tool_failure(d->reports, "client %d (`%s`) could not start: %s", n, *cmd, err);
            result = FAILED;
            break;
        }
        /* The client's own time: it may wait for the server, or be starved itself. */
        struct deadline dl;
        deadline_start(&dl, d->ctx.timeout, 0);
        double server0 = run_delay(d->ctx.run);
        int timed_out = 0;
        while (!rl_client_poll(&c)) {
            if (wait_slice(d, 0) == GONE) {
                result = GONE;
                usleep(20000); /* (the run is over: only the client is left to wait for) */
            }
            double server = run_delay(d->ctx.run) - server0, own = client_delay(&c);
            if (deadline_passed(&dl, server > own ? server : own)) {
                rl_client_kill(&c);
                timed_out = 1;
                break;
            }
        }
        char words[300];
        last_line(out, words, sizeof words);
        const char *sep = words[0] ? ": " : "";
        if (timed_out) {
            say(d, RL_KIND_ASSERTION, "client %d (`%s`) did not finish within %.0f s%s%s", n, *cmd,
                d->ctx.timeout, sep, words);
            result = FAILED;
        } else if (WIFSIGNALED(c.status)) {
            say(d, RL_KIND_ASSERTION, "client %d (`%s`) was killed by signal %d (%s)%s%s", n, *cmd,
                WTERMSIG(c.status), strsignal(WTERMSIG(c.status)), sep, words);
            result = FAILED;
        } else if (WEXITSTATUS(c.status) != 0) {
            say(d, RL_KIND_ASSERTION, "client %d (`%s`) exited with status %d%s%s", n, *cmd,
                WEXITSTATUS(c.status), sep, words);
            result = FAILED;
        }
    }
    rl_strv_free(&env);
    return result;
}

static enum rl_event wait_work(struct rl_drive *d, const struct found *f)
{
    if (d->serve && d->serve->clients && d->serve->clients[0])
        return run_clients(d, f);
    double work = d->serve && d->serve->for_seconds > 0 ? d->serve->for_seconds : d->work;
    enum rl_wait_result w = rl_run_wait(d->ctx.run, RL_UNTIL_ALL_EXIT, rl_now() + work, 0);
    return w == RL_WAIT_DONE ? GONE : DONE;
}

/* The server to stop: the daemon in its pidfile, or the program's first process. */
static void stop_server(struct rl_drive *d)
{
    pid_t pid = d->protocol == RL_PROTOCOL_DAEMON ? (pid_t)rl_pidfile_read(d->ctx.pidfile)
                                                  : d->ctx.run->main_local_pid;
    rl_run_stop(d->ctx.run, pid);
}

static enum rl_event wait_for(struct rl_drive *d, const struct phase_row *row, struct found *f)
{
    struct rl_run *run = d->ctx.run;
    double settle = row->settle ? RL_HANG_SETTLE : 0;
    enum rl_wait_result w;
    switch (row->until) {
    case UNTIL_MAIN_EXITS:
        w = rl_run_wait(run, RL_UNTIL_MAIN_EXITS, rl_now() + d->ctx.timeout, settle);
        return w == RL_WAIT_HUNG       ? HUNG
               : w == RL_WAIT_DEADLINE ? DEADLINE
               : run->all_done         ? GONE
                                       : DONE;
    case UNTIL_READY:
        return wait_ready(d, row, f);
    case UNTIL_WORK_DONE:
        return wait_work(d, f);
    case UNTIL_ALL_EXIT:
        w = rl_run_wait(run, RL_UNTIL_ALL_EXIT, rl_now() + d->ctx.timeout, settle);
        return w == RL_WAIT_HUNG ? HUNG : w == RL_WAIT_DEADLINE ? DEADLINE : DONE;
    }
    return DONE;
}

static void act(struct rl_drive *d, enum rl_action action, enum rl_phase phase, enum rl_event ev)
{
    switch (action) {
    case RL_ACT_TABLE:
    case RL_ACT_NONE:
        return;
    case RL_ACT_HANG:
        hang(d, ev);
        return;
    case RL_ACT_NO_CLEAN_STOP:
        say(d, RL_KIND_NO_CLEAN_STOP, "the server was still running %.1f s after SIGTERM%s",
            rl_now() - d->ctx.began, ev == HUNG ? ", every thread blocked" : "");
        describe(d);
        return;
    case RL_ACT_GONE_EARLY:
        say(d, RL_KIND_ASSERTION,
            "the server ended in its %s phase, before racelab asked it to "
            "stop",
            phase_names[phase]);
        return;
    }
}

void rl_protocol_drive(struct rl_drive *d)
{
    const struct protocol *p = &protocols[d->protocol];
    struct found f = {0};
    d->ctx.ready_pid = -1;
    enum rl_phase phase = p->first;
    while (phase != END && !rl_run_interrupted()) {
        const struct phase_row *row = &p->phase[phase];
        d->ctx.began = rl_now();
        if (row->term)
            stop_server(d);
        enum rl_event ev = wait_for(d, row, &f);
        if (phase == START && d->ctx.pidfile) {
            /* Whether the daemon was ready when its original process returned. */
            long pid = rl_pidfile_read(d->ctx.pidfile);
            d->ctx.ready_pid = pid > 0 && rl_run_outer_pid(d->ctx.run, (pid_t)pid) > 0 ? pid : -1;
        }
        enum rl_action action =
            d->tool->at_phase ? d->tool->at_phase(&d->ctx, phase, ev, d->reports) : RL_ACT_TABLE;
        act(d, action == RL_ACT_TABLE ? row->on[ev].action : action, phase, ev);
        phase = row->on[ev].next;
    }
}
