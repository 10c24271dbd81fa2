/* One run of one program under one tool: a temporary directory, the tool's command and what
 * it needs at spawn, the process tree driven through its protocol (protocol.h) to its end (or
 * its hang), the harness's own observations, and the tool's reports. */
#ifndef RACELAB_RUNNER_H
#define RACELAB_RUNNER_H

#include "case.h"
#include "protocol.h"
#include "report.h"
#include "tool.h"

struct rl_job {
    const struct rl_tool *tool;
    const struct rl_case *c;      /* NULL for a bare program */
    char *const *program;         /* the program's argv (daemon cases: just the binary) */
    double timeout;               /* seconds, already scaled */
    enum rl_protocol protocol;    /* plain, daemon or serve (protocol.h) */
    const struct rl_serve *serve; /* --serve: readiness and clients; NULL without */
    const char *pidfile; /* a daemon's own pidfile (--pidfile); NULL: a daemon case's, which the
                            runner puts in the run's folder and passes on */
    int keep;            /* keep the temporary directory */
    int backtraces;      /* at a hang, take every thread's stack (stacks.h) */
    /* The caller's word (--tool-option and the rest, or the case's keys): */
    char *const *tool_options; /* passed to the tool, each checked by its check_option */
    char *const *suppressions; /* the tool's suppression files, by absolute path */
    const char *cwd;           /* the program's working directory; NULL: the run's folder */
    const char *stdin_path;    /* NULL: /dev/null; "-": racelab's own stdin */
    int output;                /* copy the program's stdout and stderr to racelab's as it runs */
    int exit_status;           /* the exit status that is no assertion (RL_EXIT_STATUS_ANY) */
    int wrapped;               /* the program is a #! script */
    int gen_suppressions;      /* ask the tool for its own suppression entries (Valgrind) */
};

struct rl_result {
    struct rl_reports reports;
    rl_kindset harness;      /* deadlock, timeout, crash, assertion */
    double seconds;          /* wall time of the run */
    double hang_seconds;     /* time to the deadlock/timeout verdict, when there was one */
    int exit_code;           /* the program's first process: exit status, or -1 */
    int term_signal;         /* or the signal that ended it, or 0 */
    char waits[4096];        /* where each thread waited, at a hang */
    struct rl_stacks stacks; /* and its stack (owned; source NULL when none were taken) */
    char dir[4096];          /* the run's temporary directory (gone unless kept) */
    const char *isolation;   /* how the run was isolated: rl_isolation_name() */
    char stdout_tail[2048];  /* the last bytes the program wrote to stdout, and to stderr */
    char stderr_tail[2048];
    char tool_version[128]; /* the version the tool named in its output ("" if none) */
    char *command; /* the tool's command as a shell line: what racelab set in the environment,
                    * then argv (owned; NULL when out of memory) */
    char *by_hand; /* the tool's by-hand command (struct rl_tool_run's by_hand) as a shell line
                    * (owned; NULL for racelab's own checker, or when out of memory) */
};

/* Returns 0, or -1 with a one-line reason in err when no verdict is possible. */
int rl_runner_run(const struct rl_job *job, struct rl_result *res, char *err, size_t errsize);
void rl_result_free(struct rl_result *res);

#endif
