/* Where each thread of a set of processes waits, from /proc, and whether they are stuck: the
 * hang half of a run. It knows only pids (the run's, from proc.h), nothing of how they were
 * started, nor of tools.
 *
 * `deadlock` only when nothing but the run itself could ever wake any thread of it: every
 * thread waits, with no timeout, on an object only the run holds (a futex, so a lock, a
 * condition variable or a join; a file lock; a child; a pipe whose every other end the run's
 * processes hold; an eventfd; a timerfd that is not armed). A wait that ends by itself (a
 * sleep, a timeout, an armed timerfd) is progress. A wait that the outside world can end (a
 * socket, a FIFO, a terminal, any signal wait, System V and POSIX IPC, a poll whose targets
 * are such or unknown, a process with a POSIX timer) makes a hang a `timeout`, and says why.
 * The system calls, where their timeout argument sits and what they wait on are one table in
 * hang.c. TSan's own background thread is told apart by where its system call comes from
 * (the runtime's code, not libc), never by its signal mask. */
#ifndef RACELAB_HANG_H
#define RACELAB_HANG_H

#include <stddef.h>
#include <sys/types.h>

/* How long every thread must sit still in an untimed wait for a `deadlock` verdict. */
#define RL_HANG_SETTLE 0.5

/* The sample that a streak of unchanged samples started with. */
struct rl_hang_watch {
    double since;
    double delay_since; /* the run's starvation (rl_hang_run_delay) then */
    char *streak;       /* owned; NULL: no streak */
};

/* Who can end one thread's wait. */
enum rl_wait_end {
    RL_END_RUNS,    /* it runs, or is not in a system call */
    RL_END_RUNTIME, /* a sanitizer runtime's own thread: ignored */
    RL_END_ITSELF,  /* a sleep, a timeout, an armed timer: it ends by itself */
    RL_END_OUTSIDE, /* something outside the run may end it */
    RL_END_INSIDE,  /* only the run itself could end it */
};

#define RL_WAIT_WHY 160

struct rl_wait {
    enum rl_wait_end end;
    const char *call;      /* the system call's name, NULL when unknown */
    char why[RL_WAIT_WHY]; /* what it waits on, e.g. "accept on a listening socket: waiting
                              for a client" */
};

/* Classifies thread tid of process pid, one of the run's processes run[0..n). 0, or -1 when
 * the thread is gone. */
int rl_thread_wait(pid_t pid, pid_t tid, const pid_t *run, int n, struct rl_wait *w);
/* The run's starvation in seconds: the largest run_delay (time runnable but not running,
 * field 2 of /proc/PID/task/TID/schedstat) among the threads of pids. */
double rl_hang_run_delay(const pid_t *pids, int n);

/* Samples every thread of pids at time now. Returns 1 once they have all sat, unchanged and
 * without waking, in waits only the run could end, for settle seconds of the run's own time
 * (settle plus the growth of rl_hang_run_delay meanwhile); 0 otherwise. */
int rl_hang_sample(struct rl_hang_watch *w, const pid_t *pids, int n, double now, double settle);
void rl_hang_watch_free(struct rl_hang_watch *w);
/* Whether every thread of pids is in a wait only the run could end, right now (0 for none). */
int rl_threads_all_blocked(const pid_t *pids, int n);
/* One line per thread of pids: its state, the system call it waits in, its kernel wchan, and
 * who can end the wait; first, when some thread's wait can end from outside, a line
 * "not a deadlock: pid P thread T: <why>". P and T are the ids as the program knows them in
 * its PID namespace, as the tools' logs and the stacks name them. */
void rl_threads_describe(const pid_t *pids, int n, char *buf, size_t size);
/* The name of a system call the table knows, else NULL. */
const char *rl_syscall_name(long nr);
/* Whether a thread blocked in system call nr with those arguments waits with a timeout. */
int rl_syscall_timed(long nr, const unsigned long args[6]);

#endif
