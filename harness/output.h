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

struct rl_session {
    enum rl_tool_id tool;
    char tool_version[128];
    const struct rl_case *c; /* NULL for a bare program */
    char *const *program;
    rl_kindset expected;
    const char *expect_note;
    struct rl_outcome *runs;
    int nruns;
};

/* One run's verdict for a person; verbose adds the lesson, excerpts and waits. */
void rl_print_run(FILE *out, const struct rl_session *s, const struct rl_outcome *o, int verbose);
/* With several runs: how many runs gave which verdict. */
void rl_print_summary(FILE *out, const struct rl_session *s);
int rl_write_json(FILE *out, const struct rl_session *s);

#endif
