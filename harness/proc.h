/* Running a program: a fresh process tree under a reaper of our own, a deadline, and nothing
 * left behind. Knows nothing of tools; where the threads wait is hang.h's.
 *
 * Every run gets a "reaper": a small child of racelab that reaps every process of the run.
 * Where the kernel allows it, the reaper is pid 1 of a new PID namespace, with a /proc of its
 * own, and dies with racelab (PR_SET_PDEATHSIG): when it dies, the kernel kills every process
 * of the namespace, so a run cannot outlive racelab even when racelab is killed with SIGKILL.
 * As root that namespace is made directly; without root, inside a new user namespace that
 * maps only the caller's own uid and gid. Where the kernel refuses both, the reaper is a child
 * subreaper that kills the run's processes itself when racelab dies (a weaker fallback: a
 * SIGKILL of the reaper itself leaves them behind, for racelab to kill).
 *
 * The program runs in a session and process group of its own, led by a third small process
 * (the "leader": neither the reaper nor the program, it ignores every signal it can and holds
 * the pseudo-terminal when there is one). The program is the reaper's child all the same
 * (CLONE_PARENT), so the reaper sees its exit status; its kill(0, ...) reaches neither racelab
 * nor the reaper. A reaper that dies before the run ends leaves no result: reaper_lost. */
#ifndef RACELAB_PROC_H
#define RACELAB_PROC_H

#include "hang.h"

#include <stddef.h>
#include <sys/types.h>

/* The most processes of one run that rl_run_pids returns (the hang check reads them all,
 * through rl_run_pids_all). */
#define RL_RUN_MAX_PIDS 1024

/* A wait's deadline moves by the run's starvation, up to this many times its length. CMake
 * reads this line for CTest's TIMEOUT: keep it one number. */
#define RL_DEADLINE_STRETCH 4

struct rl_spawn {
    char *const *argv;               /* argv[0] is looked up in PATH */
    char *const *env;                /* the whole environment */
    const char *dir;                 /* working directory */
    const char *out_path, *err_path; /* stdout and stderr, unless use_pty */
    int use_pty;         /* the program's session gets a pseudo-terminal as its controlling
                            terminal, and 0-2 on it */
    int keep_fd;         /* a descriptor passed to the program as RL_KEEP_FD (-1: none) */
    int no_namespace;    /* never use a PID namespace (for tests of the fallback) */
    const char *in_path; /* stdin, unless use_pty: NULL for /dev/null, "-" for racelab's */
    int ready_fd;        /* a descriptor passed to the program as ready_at, when ready_at > 0:
                            the write end of a readiness pipe (--ready fd:N) */
    int ready_at;
    int no_aslr; /* personality(ADDR_NO_RANDOMIZE) before the exec, which keeps it */
};

/* How a run was isolated: a PID namespace made as root, one inside a user namespace made
 * without root, or the fallback of a child subreaper. */
enum rl_isolation {
    RL_ISOLATION_PID_NAMESPACE,
    RL_ISOLATION_USER_NAMESPACE,
    RL_ISOLATION_FALLBACK
};
/* "pid-namespace", "user-namespace", "fallback" (the JSON's isolation member). */
const char *rl_isolation_name(enum rl_isolation mode);

/* The descriptor number a kept descriptor (the daemon checker's canary) has in the program. */
#define RL_KEEP_FD 7

/* A process of the run that ended, as the reaper saw it (pid as the program knows it: the
 * pid in the tools' log names). */
struct rl_exit {
    pid_t pid;
    int status;       /* wait status */
    int after_signal; /* racelab had signalled the run by then */
};

enum rl_wait_until { RL_UNTIL_MAIN_EXITS, RL_UNTIL_ALL_EXIT };
enum rl_wait_result { RL_WAIT_DONE, RL_WAIT_DEADLINE, RL_WAIT_HUNG };

struct rl_run {
    pid_t reaper;         /* racelab's child */
    pid_t main_pid;       /* the program's first process, as racelab sees it (0: gone) */
    pid_t main_local_pid; /* the same, as the reaper sees it */
    int events_fd;        /* the reaper's reports */
    int namespaced;       /* the reaper is pid 1 of a PID namespace */
    enum rl_isolation isolation;
    pid_t leader;      /* the program's session leader, racelab's view (0: gone) */
    int killing;       /* rl_run_kill has begun */
    int reaper_lost;   /* the reaper died before the run ended: no result */
    int reaper_status; /* its wait status then */
    int pty_master;    /* -1 without use_pty */
    double started;    /* monotonic seconds */
    double main_ended;
    int main_done, main_status;
    int all_done;
    int sent_signal; /* racelab signalled the run: later signal deaths are not crashes */
    int crashed, crash_signal, crash_pid; /* a process died of a signal nobody sent */
    int exec_errno;                       /* the program could not be started */
    /* Every process that ended, in order (owned; kept by rl_run_kill, freed by
     * rl_run_free), and how many could not be recorded for want of memory. */
    struct rl_exit *exits;
    size_t nexits, exits_cap, exits_lost;
    struct rl_hang_watch watch; /* hang detection in rl_run_wait */
};

double rl_now(void);
/* Starts the program; returns -1 with a message in err. */
int rl_run_start(struct rl_run *r, const struct rl_spawn *sp, char *err, size_t errsize);
/* Waits for the condition until deadline (rl_now() seconds), moved later by the time the
 * run's threads spent waiting for a CPU meanwhile, up to RL_DEADLINE_STRETCH times the wait's
 * length. With settle > 0, also returns RL_WAIT_HUNG once every thread of the run has sat, for
 * settle seconds of the run's own time, in a wait only the run could end (hang.h). */
enum rl_wait_result rl_run_wait(struct rl_run *r, enum rl_wait_until until, double deadline,
                                double settle);
/* Sends sig to a process of the run (pid as the program knows it, e.g. from a pidfile). */
int rl_run_signal(struct rl_run *r, pid_t program_pid, int sig);
/* Asks the program to stop: SIGTERM to program_pid (as the program knows it, e.g. from its
 * pidfile), or to every process of the run when that pid is not one of them. */
void rl_run_stop(struct rl_run *r, pid_t program_pid);
/* The live processes of the run (racelab's view of their pids), the reaper excluded. */
int rl_run_pids(struct rl_run *r, pid_t *out, int max);
/* All of them, however many: an array in *out for the caller to free (NULL when none). */
int rl_run_pids_all(struct rl_run *r, pid_t **out);
/* Maps a pid as the program knows it (inside the namespace) to racelab's view; 0 if none. */
pid_t rl_run_outer_pid(struct rl_run *r, pid_t program_pid);
/* The pid a process of the run (racelab's view) has inside the run's namespace; the same pid
 * without one; 0 when it is gone. */
pid_t rl_run_inner_pid(struct rl_run *r, pid_t pid);
/* Runs argv (argv[0] an absolute path) inside the run's namespaces (user, mount and PID, by
 * setns in a child of racelab; as it is without them), so that the pids it is given and the
 * /proc it reads are the program's, and writes its stdout to out (cut at size - 1, NUL
 * ended). It is killed after timeout seconds. Returns its wait status, or -1 when it could not
 * be started (with errno). */
int rl_run_capture_inside(struct rl_run *r, char *const *argv, char *out, size_t size,
                          double timeout);
/* Kills every process of the run and reaps them all. Safe to call more than once. */
void rl_run_kill(struct rl_run *r);

/* A client of a server run (--client): a shell command beside the run, in its PID namespace
 * (so it names the run's processes by the pids they know, and dies with the run), yet not one
 * of the run's processes: its exits are not the run's, and the hang check does not see it. A
 * keeper process of its own is the client's parent and subreaper, so whatever the command
 * leaves behind is killed when it ends. */
struct rl_client {
    pid_t keeper; /* racelab's child (0: reaped) */
    int status;   /* the command's wait status, once ended */
};
/* Starts `sh -c command` with env, in dir, stdout and stderr to out_path, stdin /dev/null.
 * Returns 0, or -1 with why in err. */
int rl_client_start(struct rl_run *r, const char *command, char *const *env, const char *dir,
                    const char *out_path, struct rl_client *c, char *err, size_t errsize);
/* 1 once the client has ended (its status in c->status), 0 while it runs. */
int rl_client_poll(struct rl_client *c);
/* Ends the client: every process it left is killed, and it is reaped. */
void rl_client_kill(struct rl_client *c);
/* The client's live processes, its keeper included (racelab's view): an array in *out for the
 * caller to free (NULL when none); returns their number. */
int rl_client_pids(const struct rl_client *c, pid_t **out);

/* racelab's own SIGINT, SIGHUP, SIGQUIT and SIGTERM: the handler notes the signal and kills
 * the current run's reaper (so the run ends, and rl_run_wait returns, at once); the caller
 * then cleans up and calls rl_run_reraise(). A signal ignored at start stays ignored (nohup).
 * Returns 0, or -1 if sigaction failed. */
int rl_run_catch_signals(void);
/* The signal caught so far, or 0. */
int rl_run_interrupted(void);
/* Dies of the caught signal (its default action restored); returns only if there was none. */
void rl_run_reraise(void);
/* Frees what a killed run still holds (its exits). */
void rl_run_free(struct rl_run *r);

#endif
