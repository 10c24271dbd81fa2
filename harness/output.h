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

/* For the other writers beside this one (JUnit, SARIF, annotations): the length (1 to 4) of
 * the valid UTF-8 character at s, of at most n bytes, with its code point in *cp, or 0 if s
 * begins none; and s as a JSON string, always valid UTF-8, quotes included. */
size_t rl_utf8_char(const unsigned char *s, size_t n, unsigned *cp);
void rl_json_string(FILE *out, const char *s);

#endif
