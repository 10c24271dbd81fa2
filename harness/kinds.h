/* The vocabulary racelab speaks: tools, concepts and report kinds, and the tables that map
 * each tool's own names for a report onto a kind. Each fact is written once, in kinds.c:
 * one row per kind (name, group), one per tool, one per concept; what a tool can report is
 * derived from its mapping rows. Data, not logic: parsers, the case reader and the command
 * line call these. */
#ifndef RACELAB_KINDS_H
#define RACELAB_KINDS_H

#include <stdbool.h>
#include <stdint.h>

/* The tools: XX(ID, name, what it runs, default timeout in seconds for a program of one's
 * own). Valgrind runs a program about 60 times slower than it runs alone, TSan 5 to 15 times:
 * Helgrind and DRD get six times TSan's time. */
#define RL_TOOLS(XX)                                                                               \
    XX(TSAN, "tsan", "a -fsanitize=thread build", 10)                                              \
    XX(HELGRIND, "helgrind", "a plain -g build", 60)                                               \
    XX(DRD, "drd", "a plain -g build", 60)                                                         \
    XX(DAEMON, "daemon", "a plain build of a daemon case", 10)

enum rl_tool_id {
#define RL_TOOL_ENUM(id, name, needs, timeout) RL_TOOL_##id,
    RL_TOOLS(RL_TOOL_ENUM)
#undef RL_TOOL_ENUM
        RL_TOOL_COUNT
};

/* The kinds of report: XX(ID, name, group). A row without its name or group does not
 * compile; the group is one of enum rl_kind_group below. */
#define RL_KINDS(XX)                                                                               \
    /* Reported by the detectors. */                                                               \
    XX(DATA_RACE, "data-race", DETECTOR)                                                           \
    XX(USE_AFTER_FREE, "use-after-free", DETECTOR)                                                 \
    XX(LOCK_ORDER, "lock-order", DETECTOR)                                                         \
    XX(BAD_UNLOCK, "bad-unlock", DETECTOR)                                                         \
    XX(DOUBLE_LOCK, "double-lock", DETECTOR)                                                       \
    XX(DESTROY_LOCKED, "destroy-locked", DETECTOR)                                                 \
    XX(INVALID_MUTEX, "invalid-mutex", DETECTOR)                                                   \
    XX(HELD_LOCK_EXIT, "held-lock-exit", DETECTOR)                                                 \
    XX(COND_MISUSE, "cond-misuse", DETECTOR)                                                       \
    XX(SYNC_MISUSE, "sync-misuse", DETECTOR)                                                       \
    XX(API_ERROR, "api-error", DETECTOR)                                                           \
    XX(THREAD_LEAK, "thread-leak", DETECTOR)                                                       \
    XX(SIGNAL_UNSAFE, "signal-unsafe", DETECTOR)                                                   \
    XX(FORK_THREADS, "fork-threads", DETECTOR)                                                     \
    /* Observed by the harness itself, under every tool. */                                        \
    XX(DEADLOCK, "deadlock", HARNESS)                                                              \
    XX(TIMEOUT, "timeout", HARNESS)                                                                \
    XX(CRASH, "crash", HARNESS)                                                                    \
    XX(ASSERTION, "assertion", HARNESS)                                                            \
    /* Observed by the daemon checker. */                                                          \
    XX(NOT_DETACHED, "not-detached", DAEMON)                                                       \
    XX(SESSION_LEADER, "session-leader", DAEMON)                                                   \
    XX(CONTROLLING_TTY, "controlling-tty", DAEMON)                                                 \
    XX(STD_STREAMS, "std-streams", DAEMON)                                                         \
    XX(FD_LEAK, "fd-leak", DAEMON)                                                                 \
    XX(CWD, "cwd", DAEMON)                                                                         \
    XX(PIDFILE, "pidfile", DAEMON)                                                                 \
    /* (and by the harness of a server, --serve, under every tool) */                              \
    XX(NO_CLEAN_STOP, "no-clean-stop", HARNESS)                                                    \
    XX(NOT_RUNNING, "not-running", DAEMON)                                                         \
    /* A report no table knows: it always fails the verdict. */                                    \
    XX(UNCLASSIFIED, "unclassified", UNCLASSIFIED)

enum rl_kind {
#define RL_KIND_ENUM(id, name, group) RL_KIND_##id,
    RL_KINDS(RL_KIND_ENUM)
#undef RL_KIND_ENUM
        RL_KIND_COUNT
};

/* A set of kinds, one bit per kind. */
typedef uint64_t rl_kindset;
#define RL_KINDSET(k) ((rl_kindset)1 << (k))
_Static_assert(RL_KIND_COUNT <= 64, "rl_kindset has one bit per kind");

/* Who observes a kind: a detector (the tools whose mapping rows name it), the harness itself
 * (under every tool), the daemon checker, or nobody (unclassified). */
enum rl_kind_group {
    RL_GROUP_DETECTOR,
    RL_GROUP_HARNESS,
    RL_GROUP_DAEMON,
    RL_GROUP_UNCLASSIFIED,
    RL_GROUP_COUNT
};

const char *rl_tool_name(enum rl_tool_id tool);
/* What the tool runs, for the usage text: "a -fsanitize=thread build". */
const char *rl_tool_needs(enum rl_tool_id tool);
/* The timeout of a program run under the tool when neither --timeout nor a case sets one. */
int rl_tool_default_timeout(enum rl_tool_id tool);
/* Returns the tool with that name, or -1. */
int rl_tool_from_name(const char *name);
/* Writes "tsan, helgrind, drd, daemon" into buf. */
void rl_tool_list(char *buf, unsigned size);

/* The concepts a case folder may be, numbered from 0 to rl_concept_count() - 1. */
int rl_concept_count(void);
const char *rl_concept_name(int concept);
/* Returns the concept with that name, or -1. */
int rl_concept_from_name(const char *name);
/* Writes "thread, race, ..." into buf. */
void rl_concept_list(char *buf, unsigned size);

const char *rl_kind_name(enum rl_kind kind);
enum rl_kind_group rl_kind_group(enum rl_kind kind);
const char *rl_kind_group_name(enum rl_kind_group group);
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
/* The Valgrind table's rows, for the tests that no row shadows another: how many, row i
 * (-1 past the end; text is NULL for a row that matches any text), and the index of the row
 * that wins for an error (-1 if none). */
int rl_valgrind_row_count(void);
int rl_valgrind_row(int i, enum rl_tool_id *tool, const char **xml_kind, const char **text,
                    enum rl_kind *kind);
int rl_valgrind_match_row(enum rl_tool_id tool, const char *xml_kind, const char *text);

#endif
