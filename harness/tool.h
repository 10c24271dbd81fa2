/* One interface per tool: how to launch a program under it, and how to read what it left.
 * Adding a tool is one file, one row of RL_TOOLS (kinds.h) and one entry in tool.c's table. */
#ifndef RACELAB_TOOL_H
#define RACELAB_TOOL_H

#include "kinds.h"
#include "logwatch.h"
#include "proc.h"
#include "report.h"
#include "stacks.h"
#include "strv.h"

#include <stddef.h>

struct rl_tool_run {
    const char *dir;       /* where the tool's logs go: a folder of its own, which is neither
                              the program's working directory nor its TMPDIR */
    char *const *program;  /* the program's argv */
    const char *case_path; /* the case file, for cited lines; NULL for a bare program */
    int killed;            /* racelab killed the run: logs may be cut short */
    /* The caller's word (--tool-option, --suppressions, case keys), already checked with
     * check_option: tool options, suppression files (absolute paths). */
    char *const *tool_options;
    char *const *suppressions;
    int wrapped; /* the program is a #! script: the tool meets its build only in the run */
    /* Set while command writes the form a person types to see the tool's own report on a
     * terminal: what changes the report (the caller's options, the suppressions, racelab's
     * own such as TSan's second_deadlock_stack=1, Valgrind's --trace-children=yes) without
     * racelab's plumbing (log files, exit status, gdbserver). Nothing is written to dir. */
    int by_hand;
    /* Filled in after the run, for the proof that the tool watched it to its end: */
    pid_t main_pid;              /* the started process (as in the logs' names); 0: unknown */
    const struct rl_exit *exits; /* every process of the run that ended */
    size_t nexits;
    const struct rl_logwatch *watch; /* how often each log was opened */
    int gen_suppressions; /* racelab --gen-suppressions: --gen-suppressions=all, each error's own
                             entry */
    /* Filled in by collect, when the tool names its version in its own output (Valgrind's
     * XML preamble): the version that watched the run. NULL: not wanted. */
    char *version;
    size_t version_size;
};

/* What a tool needs of the spawn (struct rl_tool's needs). */
enum rl_tool_need {
    RL_NEED_PTY = 1 << 0, /* a pseudo-terminal as the session's controlling terminal, 0-2 on it */
    RL_NEED_CANARY = 1 << 1, /* a pipe kept open in the program at RL_KEEP_FD */
    /* The program runs with its address space laid out without randomisation. TSan's
     * runtimes (gcc 12's, clang 14's) die with "unexpected memory mapping" when the kernel
     * randomises mmap with more than 28 bits (vm.mmap_rnd_bits, which only root may lower);
     * a personality needs no privilege. */
    RL_NEED_NO_ASLR = 1 << 2,
};

/* A run's phases, in order (protocol.c's table says which a run has and what each waits for):
 * the program starts (a daemon's original process returns), is ready (a server), works (for a
 * time, or while clients run), is asked to stop, and ends. */
enum rl_phase { RL_PHASE_START, RL_PHASE_READY, RL_PHASE_WORK, RL_PHASE_STOP, RL_PHASE_END };
/* How a phase's wait ended. */
enum rl_event {
    RL_EVENT_DONE,     /* what it waited for happened */
    RL_EVENT_GONE,     /* every process of the run exited first */
    RL_EVENT_DEADLINE, /* its time ran out */
    RL_EVENT_HUNG,     /* every thread sat in a wait only the run could end */
    RL_EVENT_FAILED,   /* it went wrong, with a report saying how (a client failed) */
    RL_EVENT_COUNT
};
/* What the run does on an event, before it moves to the table's next phase. */
enum rl_action {
    RL_ACT_TABLE = -1,    /* (a tool's hook) the table's action */
    RL_ACT_NONE,          /* nothing */
    RL_ACT_HANG,          /* deadlock or timeout, and where each thread waits */
    RL_ACT_NO_CLEAN_STOP, /* a server still running after SIGTERM: no-clean-stop */
    RL_ACT_GONE_EARLY,    /* a server gone before racelab asked it to stop: an assertion */
};

/* What a tool's hook sees of a run between phases. */
struct rl_phase_ctx {
    struct rl_run *run;
    const char *pidfile;    /* where the daemon writes its pid; NULL: not a daemon run */
    const char *logfile;    /* a daemon case's log, which must grow; NULL: none */
    const char *canary;     /* the kept descriptor's /proc name ("pipe:[123]"), or "" */
    const char *ready_name; /* the readiness pipe's /proc name, or "" */
    double timeout;         /* seconds, scaled */
    double interval;        /* a daemon case's log interval, in seconds */
    double began;           /* when the phase began (rl_now()) */
    long ready_pid;         /* the pidfile's pid when the original process returned (-1: none) */
};

struct rl_tool {
    enum rl_tool_id id;
    unsigned needs; /* RL_NEED_*: what the run must give the program at spawn */
    /* Writes the tool's name and version. Returns 0, RL_EXIT_SKIP when the tool is not
     * installed, or RL_EXIT_USAGE when the program cannot be run under it (with why). */
    int (*probe)(char *const *program, char *version, size_t size, char *why, size_t whysize);
    /* The command line (appended to argv) and the environment entries to set; with
     * tr->by_hand, their by-hand form, where racelab's own checker (the daemon tool) writes
     * nothing: there is no tool to run without racelab. */
    int (*command)(const struct rl_tool_run *tr, struct rl_strv *argv, struct rl_strv *env);
    /* Whether the caller may pass opt to the tool (--tool-option): 0, or RL_EXIT_USAGE with
     * why (an option racelab owns, or not the tool's form of an option). program is the
     * program to run (its build names the options TSan knows). NULL: the tool takes none. */
    int (*check_option)(char *const *program, const char *opt, char *why, size_t whysize);
    /* Reads every log the run left into reports. A log that shows the tool itself failed
     * becomes an unclassified report, so the verdict fails rather than passes. */
    int (*collect)(const struct rl_tool_run *tr, struct rl_reports *rs);
    /* Called as each phase ends (NULL: none): may add reports, and returns the action to take
     * instead of the table's, or RL_ACT_TABLE. The daemon checker checks its daemon here. */
    enum rl_action (*at_phase)(const struct rl_phase_ctx *ctx, enum rl_phase phase,
                               enum rl_event event, struct rl_reports *rs);
    /* At a hang, the stacks of every thread of the run's processes pids[0..n) (racelab's
     * view), while they are stopped in their waits. NULL: libdw reads each process as it is
     * (stacks.h); a tool whose processes are not the program's own code (Valgrind runs the
     * program as its guest) says where the program's threads are. dir is the tool's log
     * folder (struct rl_tool_run's). Returns 0, or -1 with why in s->error. */
    int (*stacks)(const char *dir, struct rl_run *run, const pid_t *pids, int n,
                  struct rl_stacks *s);
};

/* Every thread's stack at a hang, for the run's processes pids[0..n) (racelab's view): the
 * tool's hook, else libdw on each process, and gdb for a process libdw could not read (only
 * where gdb is installed). dir is the tool's log folder (struct rl_tool_run's). */
void rl_tool_stacks(const struct rl_tool *tool, const char *dir, struct rl_run *run,
                    const pid_t *pids, int n, struct rl_stacks *s);

/* racelab's exit statuses (CTest: SKIP_RETURN_CODE 77). */
enum { RL_EXIT_PASS = 0, RL_EXIT_FAIL = 1, RL_EXIT_USAGE = 2, RL_EXIT_SKIP = 77 };

const struct rl_tool *rl_tool_get(enum rl_tool_id id);

/* The tool modules: tool_tsan.c, tool_valgrind.c (two), tool_daemon.c. */
extern const struct rl_tool rl_tool_tsan, rl_tool_helgrind, rl_tool_drd, rl_tool_daemon;

/* Shared by the tools: the files in dir named prefix<pid>suffix, sorted by pid. */
int rl_tool_logs(const char *dir, const char *prefix, const char *suffix, int *pids, int max);
/* Whether a file contains a string (e.g. a symbol name in a binary); the _bytes form takes
 * a needle that may hold NUL bytes. */
int rl_file_contains(const char *path, const char *needle);
int rl_file_contains_bytes(const char *path, const void *needle, size_t len);
/* The program's stderr (tr->dir/stderr): of its lines only the tools' are read, those that
 * start "==N==" with N a pid of the run, or contain "ThreadSanitizer" or "valgrind:". With
 * racelab's options every tool writes to its log, so any such line is a tool failure (the
 * tool could not open its log, or refused an option): returns 1 after adding it, else 0.
 * A line equal to expected (NULL: none) is one the tool writes on stderr whatever its log,
 * and is read over. */
int rl_tool_check_stderr(const struct rl_tool_run *tr, struct rl_reports *rs, const char *expected);
/* Whether the run's reports hold a failure of the tool itself (rl_tool_failure). */
int rl_tool_failed(const struct rl_reports *rs);
/* A per-process log (a file name in tr->dir) must have one writer: a failure when a second
 * one truncated it (an exec keeps the pid, so the image it starts reopens the same log), or
 * when the watch missed opens. */
void rl_tool_check_writers(const struct rl_tool_run *tr, const char *log, int pid,
                           struct rl_reports *rs);
/* How a process of the run ended: its exit, or NULL when the reaper never saw it end. */
const struct rl_exit *rl_tool_exit_of(const struct rl_tool_run *tr, pid_t pid);
/* Checks that the program exists (its path goes to bin) and is the build the tool runs: a
 * -fsanitize=thread build for TSan, a plain one for the others. runner names the tool in the
 * message. Returns 0 or RL_EXIT_USAGE with why. */
int rl_tool_check_build(char *const *program, int want_tsan, const char *runner, char *bin,
                        size_t binsize, char *why, size_t whysize);
/* Whether the file starts with "#!": a wrapper script (libtool's, a test runner's). */
int rl_is_script(const char *path);
/* Finds an executable in PATH; writes its path. */
int rl_which(const char *name, char *out, size_t size);
/* The sink that adds a parser's reports to an rl_reports. */
void rl_tool_sink(void *reports, struct rl_report *r);
/* A report of the tool's own failure (unclassified: it always fails the verdict). */
void rl_tool_failure(struct rl_reports *rs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
