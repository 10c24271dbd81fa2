/* The run protocol: a run's phases (start, ready, work or clients, stop, end; tool.h), written
 * once as tables of what each phase waits for and what each event leads to, in the way
 * s6-supervise writes its behaviour as actions[state][event]. A plain run, a daemon case, a
 * server (--serve) and the daemon checker all go through them; a tool may hook a check in
 * between phases (struct rl_tool's at_phase), and tells what it needs at spawn (its needs). */
#ifndef RACELAB_PROTOCOL_H
#define RACELAB_PROTOCOL_H

#include "report.h"
#include "tool.h"

#include <stddef.h>

/* The protocols, each a table in protocol.c. */
enum rl_protocol {
    RL_PROTOCOL_PLAIN,  /* the program runs to its end */
    RL_PROTOCOL_DAEMON, /* its original process returns; the daemon works, then is stopped
                           with SIGTERM through its pidfile */
    RL_PROTOCOL_SERVE,  /* it gets ready, serves clients (or a time), then is stopped with
                           SIGTERM */
};

/* --ready: how racelab knows that a server is ready. */
enum rl_ready_how { RL_READY_NONE, RL_READY_LISTEN, RL_READY_FD, RL_READY_FILE, RL_READY_DELAY };

struct rl_ready {
    enum rl_ready_how how;
    unsigned port;    /* listen: 0 for any */
    int fd;           /* fd: the descriptor the server gets the pipe's write end at */
    const char *path; /* file: an absolute path (the caller's to keep) */
    double delay;     /* delay: seconds */
};

/* The lowest and highest descriptor --ready fd:N may name. */
#define RL_READY_FD_MIN 3
#define RL_READY_FD_MAX 255

/* Parses the text of --ready (listen[:PORT], fd:N, file:PATH, delay:S); a relative path stays
 * as given, for the caller to make absolute. Returns 0, or -1 with why. Pure. */
int rl_ready_parse(const char *text, struct rl_ready *r, char *why, size_t whysize);
/* The readiness in words, as RACELAB_READY and the verdict give it: "listen:8080". */
void rl_ready_format(const struct rl_ready *r, char *buf, size_t size);

/* How a server run is driven (--serve). */
struct rl_serve {
    struct rl_ready ready;
    char *const *clients; /* shell commands, run in order once it is ready (NULL: none) */
    double for_seconds;   /* without clients: how long it serves (0: it is stopped at once) */
};

/* One run through its protocol. The caller has started the run; the protocol returns once it
 * has ended (or hung), having added reports and the harness's own kinds. */
struct rl_drive {
    enum rl_protocol protocol;
    const struct rl_tool *tool;
    struct rl_phase_ctx ctx;      /* run, pidfile, logfile, canary, ready_name, timeout, ... */
    const struct rl_serve *serve; /* readiness and clients (NULL: none) */
    int ready_read;               /* the readiness pipe's read end (fd:N), or -1 */
    double work;                  /* without clients or --for: how long the program works before
                                     it is stopped (a daemon case: a few log intervals) */
    int backtraces;               /* at a hang, take every thread's stack */
    const char *logs;             /* the run's log folder: the clients' output goes there */
    const char *client_dir;       /* the clients' working directory */
    /* What the protocol found: */
    struct rl_reports *reports;
    rl_kindset harness;  /* deadlock, timeout */
    double hang_seconds; /* time to the deadlock or timeout verdict */
    char *waits;         /* where each thread waited, at a hang (the caller's buffer) */
    size_t waits_size;
    struct rl_stacks *stacks; /* and every thread's stack then (the caller's) */
};

void rl_protocol_drive(struct rl_drive *d);

#endif
