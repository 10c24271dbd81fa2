/* Where each thread of a set of processes waits, from /proc, and whether they are stuck: the
 * hang half of a run. It knows only pids (the run's, from proc.h), nothing of how they were
 * started, nor of tools.
 *
 * A thread is stuck when it sleeps in a system call that has no timeout. A thread in a wait
 * with a timeout will wake by itself: a run whose threads are all stuck is a deadlock, one
 * that merely has not finished is a timeout. The system calls, and where their timeout
 * argument sits, are one table in hang.c. */
#ifndef RACELAB_HANG_H
#define RACELAB_HANG_H

#include <stddef.h>
#include <sys/types.h>

/* How long every thread must sit still in an untimed wait for a `deadlock` verdict. */
#define RL_HANG_SETTLE 0.5

/* The sample that a streak of unchanged samples started with. */
struct rl_hang_watch {
    double since;
    char *streak; /* owned; NULL: no streak */
};

/* Samples every thread of pids at time now. Returns 1 once they have all sat, unchanged and
 * without waking, in untimed waits for settle seconds; 0 otherwise. */
int rl_hang_sample(struct rl_hang_watch *w, const pid_t *pids, int n, double now, double settle);
void rl_hang_watch_free(struct rl_hang_watch *w);
/* Whether every thread of pids is blocked in a wait with no timeout right now (0 for none). */
int rl_threads_all_blocked(const pid_t *pids, int n);
/* One line per thread of pids: its state, the system call it waits in, its kernel wchan. */
void rl_threads_describe(const pid_t *pids, int n, char *buf, size_t size);
/* The name of a system call the table knows, else NULL. */
const char *rl_syscall_name(long nr);
/* Whether a thread blocked in system call nr with those arguments waits with a timeout. */
int rl_syscall_timed(long nr, const unsigned long args[6]);

#endif
