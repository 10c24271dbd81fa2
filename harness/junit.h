/* JUnit XML (--junit FILE), the format CI systems show tests in: one testsuite for the
 * session, one testcase per run; a run that did not give the expected verdict is a failure
 * that carries racelab's account of it (the verdict as racelab prints it). */
#ifndef RACELAB_JUNIT_H
#define RACELAB_JUNIT_H

#include "output.h"

#include <stdio.h>

int rl_write_junit(FILE *out, const struct rl_session *s);

#endif
