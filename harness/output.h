/* What racelab prints: the human verdict and the JSON that scripts read. */
#ifndef RACELAB_OUTPUT_H
#define RACELAB_OUTPUT_H

#include "case.h"
#include "match.h"
#include "runner.h"

#include <stdio.h>

struct rl_outcome {
    struct rl_result result;
    struct rl_verdict verdict;
};

/* Every option in effect for a run (shown with the verdict, and in the JSON). */
struct rl_settings {
    const char *name;          /* --name; NULL: the case's concept/name, or the program */
    double timeout;            /* seconds, scaled */
    int exit_status;           /* the exit that is no assertion, or RL_EXIT_STATUS_ANY */
    const char *cwd;           /* NULL: the run's own folder */
    const char *stdin_path;    /* NULL: /dev/null; "-": racelab's stdin */
    int output;                /* --output */
    char *const *tool_options; /* the case's, then --tool-option's (never NULL) */
    char *const *suppressions; /* absolute paths (never NULL) */
    const char *env_name;      /* the tool's variable racelab inherited (TSAN_OPTIONS ...) */
    const char *env_value;     /* its value; NULL when unset */
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
    int min_pass;         /* the runs that must pass (--min-pass); 0: every run */
    const char *baseline; /* --baseline FILE: the expectation; NULL without */
    int recording;        /* no expectation: the run records (--baseline-write alone) */
};

/* The test's name: --name, the case's concept/name, or the program's path. */
const char *rl_session_name(const struct rl_session *s);

/* One run's verdict for a person; verbose adds the lesson, excerpts and waits. */
void rl_print_run(FILE *out, const struct rl_session *s, const struct rl_outcome *o, int verbose);
/* With several runs: how many runs gave which verdict. */
void rl_print_summary(FILE *out, const struct rl_session *s);
int rl_write_json(FILE *out, const struct rl_session *s);

#endif
