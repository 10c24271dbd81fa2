/* What racelab prints of a session's runs (outcome.h): the human verdict and the JSON that
 * scripts read. */
#ifndef RACELAB_OUTPUT_H
#define RACELAB_OUTPUT_H

#include "outcome.h"

#include <stdio.h>

/* The test's name: --name, the case's concept/name, or the program's path. */
const char *rl_session_name(const struct rl_session *s);

/* One run's verdict for a person; verbose adds the lesson, excerpts and waits. */
void rl_print_run(FILE *out, const struct rl_session *s, const struct rl_outcome *o, int verbose);
/* With several runs: how many runs gave which verdict. */
void rl_print_summary(FILE *out, const struct rl_session *s);
int rl_write_json(FILE *out, const struct rl_session *s);

#endif
