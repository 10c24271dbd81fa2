/* The vocabulary racelab speaks: tools and report kinds, and the tables that map each
 * tool's own names for a report onto a kind. Data, not logic: parsers call these. */
#ifndef RACELAB_KINDS_H
#define RACELAB_KINDS_H

#include <stdbool.h>
#include <stdint.h>

enum rl_tool_id { RL_TOOL_TSAN, RL_TOOL_HELGRIND, RL_TOOL_DRD, RL_TOOL_DAEMON, RL_TOOL_COUNT };

enum rl_kind {
    /* Reported by the detectors. */
    RL_KIND_DATA_RACE,
    RL_KIND_USE_AFTER_FREE,
    RL_KIND_LOCK_ORDER,
    RL_KIND_BAD_UNLOCK,
    RL_KIND_DOUBLE_LOCK,
    RL_KIND_DESTROY_LOCKED,
    RL_KIND_INVALID_MUTEX,
    RL_KIND_HELD_LOCK_EXIT,
    RL_KIND_COND_MISUSE,
    RL_KIND_SYNC_MISUSE,
    RL_KIND_API_ERROR,
    RL_KIND_THREAD_LEAK,
    RL_KIND_SIGNAL_UNSAFE,
    RL_KIND_FORK_THREADS,
    /* Observed by the harness itself, under every tool. */
    RL_KIND_DEADLOCK,
    RL_KIND_TIMEOUT,
    RL_KIND_CRASH,
    RL_KIND_ASSERTION,
    /* Observed by the daemon checker. */
    RL_KIND_NOT_DETACHED,
    RL_KIND_SESSION_LEADER,
    RL_KIND_CONTROLLING_TTY,
    RL_KIND_STD_STREAMS,
    RL_KIND_FD_LEAK,
    RL_KIND_CWD,
    RL_KIND_PIDFILE,
    RL_KIND_NO_CLEAN_STOP,
    RL_KIND_NOT_RUNNING,
    /* A report no table knows: it always fails the verdict. */
    RL_KIND_UNCLASSIFIED,
    RL_KIND_COUNT
};

/* A set of kinds, one bit per kind. */
typedef uint64_t rl_kindset;
#define RL_KINDSET(k) ((rl_kindset)1 << (k))

const char *rl_tool_name(enum rl_tool_id tool);
/* Returns the tool with that name, or -1. */
int rl_tool_from_name(const char *name);

const char *rl_kind_name(enum rl_kind kind);
/* Returns the kind with that name, or -1. */
int rl_kind_from_name(const char *name);
/* The kinds that tool can ever report (the harness's own kinds included). */
rl_kindset rl_tool_kinds(enum rl_tool_id tool);
/* Writes "a, b, c" (or "clean" for the empty set) into buf. */
void rl_kindset_format(rl_kindset set, char *buf, unsigned size);

/* ThreadSanitizer: the headline of "WARNING: ThreadSanitizer: <headline> (pid=N)". */
enum rl_kind rl_kind_from_tsan(const char *headline);
/* Helgrind or DRD: the XML <kind> and the error's text (<what> or <xwhat><text>). */
enum rl_kind rl_kind_from_valgrind(enum rl_tool_id tool, const char *xml_kind, const char *text);

#endif
