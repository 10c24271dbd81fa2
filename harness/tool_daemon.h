/* The daemon checker's protocol, called by the runner for --tool daemon, and the daemon
 * protocol's timing, which the thread tools' daemon runs share. */
#ifndef RACELAB_TOOL_DAEMON_H
#define RACELAB_TOOL_DAEMON_H

#include "proc.h"
#include "report.h"

/* Time racelab gives a daemon to work before it asks it to stop, and its log interval (the
 * third argument a daemon case gets). */
#define RL_DAEMON_INTERVAL_MS 100
#define RL_DAEMON_INTERVALS   3

/* Drives a daemon started in dir (its pidfile is dir/daemon.pid, its log dir/daemon.log)
 * through start, work and stop, and adds a report for each daemon(7) property it breaks.
 * canary: what /proc/PID/fd/N shows for the canary descriptor, e.g. "pipe:[1234]". */
void rl_daemon_drive(struct rl_run *run, const char *dir, double timeout, const char *canary,
                     struct rl_reports *reports);

#endif
