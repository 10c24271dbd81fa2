/* What a session ran and found: the options in effect, and each run's result and verdict.
 * session.c fills it in; the outputs (output.c) read it. */
#ifndef RACELAB_OUTCOME_H
#define RACELAB_OUTCOME_H

#include "case.h"
#include "match.h"
#include "protocol.h"
#include "runner.h"

struct rl_outcome {
    struct rl_result result;
    struct rl_verdict verdict;
};

/* Every option in effect for a run (shown with the verdict, and in the JSON). */
struct rl_settings {
    const char *name;             /* --name; NULL: the case's concept/name, or the program */
    double timeout;               /* seconds, scaled */
    int exit_status;              /* the exit that is no assertion, or RL_EXIT_STATUS_ANY */
    const char *cwd;              /* NULL: the run's own folder */
    const char *stdin_path;       /* NULL: /dev/null; "-": racelab's stdin */
    int output;                   /* --output */
    char *const *tool_options;    /* the case's, then --tool-option's (never NULL) */
    char *const *suppressions;    /* absolute paths (never NULL) */
    const char *env_name;         /* the tool's variable racelab inherited (TSAN_OPTIONS ...) */
    const char *env_value;        /* its value; NULL when unset */
    const struct rl_serve *serve; /* --serve: readiness, clients or --for; NULL without */
    const char *pidfile;          /* --pidfile (absolute), NULL without */
    const char *source_root;      /* --source-root: what SARIF's and the annotations' paths are
                                     relative to (a real path); NULL: the working directory */
};

struct rl_session {
    enum rl_tool_id tool;
    char tool_version[128];
    const struct rl_case *c; /* NULL for a bare program */
    char *const *program;
    rl_kindset expected;
    const char *expect_note;
    struct rl_settings set;
    struct rl_outcome *runs;
    int nruns;
    int min_pass;               /* the runs that must pass (--min-pass); 0: every run */
    const char *baseline;       /* --baseline FILE: the expectation; NULL without */
    int recording;              /* no expectation: the run records (--baseline-write alone, or
                                 * --informative with options no expectation names) */
    int informative;            /* --informative */
    char *const *given_options; /* each --tool-option, as given (the case's own not among them) */
};

#endif
