/* The daemon checker's protocol, called by the runner for --tool daemon. */
#ifndef RACELAB_TOOL_DAEMON_H
#define RACELAB_TOOL_DAEMON_H

#include "proc.h"
#include "runner.h"

extern const struct rl_tool rl_tool_daemon;

/* canary: what /proc/PID/fd/N shows for the canary descriptor, e.g. "pipe:[1234]". */
void rl_daemon_drive(struct rl_run *run, const struct rl_job *job, struct rl_result *res,
                     const char *canary);

#endif
