/* GitHub Actions annotations: when GITHUB_ACTIONS=true, a session that failed prints one
 * workflow command per finding of its first failing run, "::error file=F,line=L,title=T::M",
 * which GitHub shows on the cited line of the pull request (F relative to the source root,
 * as SARIF's paths are). */
#ifndef RACELAB_ANNOTATE_H
#define RACELAB_ANNOTATE_H

#include "output.h"

#include <stdio.h>

/* GitHub shows at most 10 error annotations of a step: past that, one line says how many. */
#define RL_ANNOTATIONS_MAX 10

/* Whether the environment asks for annotations (GITHUB_ACTIONS=true, as GitHub sets it). */
int rl_annotations_wanted(void);
/* Writes nothing for a session that passed. Returns the number of annotations written. */
int rl_write_annotations(FILE *out, const struct rl_session *s);

#endif
