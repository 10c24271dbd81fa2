/* The kind vocabulary and the per-tool mapping tables. Every headline and XML kind that
 * the installed tools can emit is placed here on purpose; anything else is
 * RL_KIND_UNCLASSIFIED, which fails the verdict instead of being dropped. */
#include "kinds.h"

#include <stdio.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
    const char *name, *needs;
    int timeout;
} tool_rows[] = {
#define TOOL_ROW(id, name, needs, timeout) [RL_TOOL_##id] = {name, needs, timeout},
    RL_TOOLS(TOOL_ROW)
#undef TOOL_ROW
};
_Static_assert(ARRAY_LEN(tool_rows) == RL_TOOL_COUNT, "one row per tool");

static const struct {
    const char *name;
    enum rl_kind_group group;
} kind_rows[] = {
#define KIND_ROW(id, name, group) [RL_KIND_##id] = {name, RL_GROUP_##group},
    RL_KINDS(KIND_ROW)
#undef KIND_ROW
};
_Static_assert(ARRAY_LEN(kind_rows) == RL_KIND_COUNT, "one row per kind");

static const char *const group_names[] = {
    [RL_GROUP_DETECTOR] = "detector",
    [RL_GROUP_HARNESS] = "harness",
    [RL_GROUP_DAEMON] = "daemon",
    [RL_GROUP_UNCLASSIFIED] = "unclassified",
};
_Static_assert(ARRAY_LEN(group_names) == RL_GROUP_COUNT, "one name per group");

static const char *const concept_names[] = {"thread",  "race",     "mutex",
                                            "condvar", "deadlock", "daemon"};

/* Writes names[0..n) as "a, b, c". */
static void join(const char *(*name)(int), int n, char *buf, unsigned size)
{
    unsigned used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", name(i));
        if (w < 0)
            return;
        used += (unsigned)w;
    }
}

const char *rl_tool_name(enum rl_tool_id tool)
{
    return (unsigned)tool < RL_TOOL_COUNT ? tool_rows[tool].name : "?";
}

const char *rl_tool_needs(enum rl_tool_id tool)
{
    return (unsigned)tool < RL_TOOL_COUNT ? tool_rows[tool].needs : "?";
}

int rl_tool_default_timeout(enum rl_tool_id tool)
{
    return (unsigned)tool < RL_TOOL_COUNT ? tool_rows[tool].timeout : 10;
}

int rl_tool_from_name(const char *name)
{
    for (int t = 0; t < RL_TOOL_COUNT; t++)
        if (strcmp(name, tool_rows[t].name) == 0)
            return t;
    return -1;
}

static const char *tool_at(int t)
{
    return rl_tool_name((enum rl_tool_id)t);
}

void rl_tool_list(char *buf, unsigned size)
{
    join(tool_at, RL_TOOL_COUNT, buf, size);
}

int rl_concept_count(void)
{
    return (int)ARRAY_LEN(concept_names);
}

const char *rl_concept_name(int concept)
{
    return concept >= 0 && concept < rl_concept_count() ? concept_names[concept] : "?";
}

int rl_concept_from_name(const char *name)
{
    for (int c = 0; c < rl_concept_count(); c++)
        if (strcmp(name, concept_names[c]) == 0)
            return c;
    return -1;
}

void rl_concept_list(char *buf, unsigned size)
{
    join(rl_concept_name, rl_concept_count(), buf, size);
}

const char *rl_kind_name(enum rl_kind kind)
{
    return (unsigned)kind < RL_KIND_COUNT ? kind_rows[kind].name : "?";
}

enum rl_kind_group rl_kind_group(enum rl_kind kind)
{
    return (unsigned)kind < RL_KIND_COUNT ? kind_rows[kind].group : RL_GROUP_UNCLASSIFIED;
}

const char *rl_kind_group_name(enum rl_kind_group group)
{
    return (unsigned)group < RL_GROUP_COUNT ? group_names[group] : "?";
}

int rl_kind_from_name(const char *name)
{
    for (int k = 0; k < RL_KIND_COUNT; k++)
        if (strcmp(name, kind_rows[k].name) == 0)
            return k;
    return -1;
}

void rl_kindset_format(rl_kindset set, char *buf, unsigned size)
{
    unsigned used = 0;
    buf[0] = '\0';
    if (set == 0) {
        snprintf(buf, size, "clean");
        return;
    }
    for (int k = 0; k < RL_KIND_COUNT && used < size; k++) {
        if (!(set & RL_KINDSET(k)))
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", kind_rows[k].name);
        if (n < 0)
            return;
        used += (unsigned)n;
    }
}

/* ThreadSanitizer headlines (gcc 12's libtsan and clang 14's runtime print the same 15). */
static const struct {
    const char *headline;
    enum rl_kind kind;
} tsan_table[] = {
    {"data race", RL_KIND_DATA_RACE},
    {"data race on vptr (ctor/dtor vs virtual call)", RL_KIND_DATA_RACE},
    {"race on external object", RL_KIND_DATA_RACE},
    {"heap-use-after-free", RL_KIND_USE_AFTER_FREE},
    {"heap-use-after-free (virtual call vs free)", RL_KIND_USE_AFTER_FREE},
    {"thread leak", RL_KIND_THREAD_LEAK},
    {"destroy of a locked mutex", RL_KIND_DESTROY_LOCKED},
    {"double lock of a mutex", RL_KIND_DOUBLE_LOCK},
    {"use of an invalid mutex (e.g. uninitialized or destroyed)", RL_KIND_INVALID_MUTEX},
    {"unlock of an unlocked mutex (or by a wrong thread)", RL_KIND_BAD_UNLOCK},
    {"read lock of a write locked mutex", RL_KIND_SYNC_MISUSE},
    {"read unlock of a write locked mutex", RL_KIND_SYNC_MISUSE},
    {"signal-unsafe call inside of a signal", RL_KIND_SIGNAL_UNSAFE},
    {"signal handler spoils errno", RL_KIND_SIGNAL_UNSAFE},
    {"lock-order-inversion (potential deadlock)", RL_KIND_LOCK_ORDER},
    /* clang 17+ (seen with clang 22): __tsan_check_no_mutexes_held() found a mutex held at
     * a point where the program declared that none may be. Not held-lock-exit (that is a
     * thread ending with a lock, which TSan never reports): a lock used against a rule the
     * program states, as the rwlock rows above are, so sync-misuse. */
    {"mutex held in the wrong context", RL_KIND_SYNC_MISUSE},
    /* "WARNING: too long mutex cycle found" (no "ThreadSanitizer:", no stacks, not counted in
     * "reported N warnings"): the deadlock detector found a cycle in the lock graph, the same
     * finding as lock-order-inversion, but its path is longer than the 20 locks it can print
     * (sanitizer_deadlock_detector1.cpp, ReportDeadlock). Seen with gcc 12 and clang 22 on a
     * ring of 22 mutexes (tests/fixtures/src/longcycle.c). The parser makes it a report. */
    {"too long mutex cycle found", RL_KIND_LOCK_ORDER},
    /* Not a WARNING line: the child of a multithreaded fork that starts a thread. */
    {"starting new threads after multi-threaded fork is not supported", RL_KIND_FORK_THREADS},
};

/* A deadly signal inside the program ("ERROR: ThreadSanitizer: SEGV on unknown address", its
 * three formats "%s on address %p", "%s on unknown address %p" and "%s on unknown address",
 * cut at the address): TSan exits with its exitcode, which we set to 0, so the log is the only
 * witness. The signal's name varies (SEGV, BUS, FPE, ILL, ABRT, TRAP), so these rows match a
 * headline by its end. */
static const struct {
    const char *end;
    enum rl_kind kind;
} tsan_end_table[] = {
    {" on unknown address", RL_KIND_CRASH},
    {" on address", RL_KIND_CRASH},
};

enum rl_kind rl_kind_from_tsan(const char *headline)
{
    for (size_t i = 0; i < ARRAY_LEN(tsan_table); i++)
        if (strcmp(headline, tsan_table[i].headline) == 0)
            return tsan_table[i].kind;
    size_t n = strlen(headline);
    for (size_t i = 0; i < ARRAY_LEN(tsan_end_table); i++) {
        size_t e = strlen(tsan_end_table[i].end);
        if (n > e && strcmp(headline + n - e, tsan_end_table[i].end) == 0)
            return tsan_end_table[i].kind;
    }
    return RL_KIND_UNCLASSIFIED;
}

/* Valgrind: a row matches when the XML kind is equal and, if text is set, the error's text
 * contains it. Rows are tried in order, so the more specific ones come first. */
static const struct {
    enum rl_tool_id tool;
    const char *xml_kind;
    const char *text;
    enum rl_kind kind;
} valgrind_table[] = {
    {RL_TOOL_HELGRIND, "Race", NULL, RL_KIND_DATA_RACE},
    {RL_TOOL_HELGRIND, "LockOrder", NULL, RL_KIND_LOCK_ORDER},
    {RL_TOOL_HELGRIND, "UnlockUnlocked", NULL, RL_KIND_BAD_UNLOCK},
    {RL_TOOL_HELGRIND, "UnlockForeign", NULL, RL_KIND_BAD_UNLOCK},
    {RL_TOOL_HELGRIND, "UnlockBogus", NULL, RL_KIND_BAD_UNLOCK},
    {RL_TOOL_HELGRIND, "PthAPIerror", NULL, RL_KIND_API_ERROR},
    {RL_TOOL_HELGRIND, "Dubious", NULL, RL_KIND_COND_MISUSE},
    /* Helgrind's Misc texts. Condition variables first: "pthread_cond_..." and the spurious
     * wake-up "Bug in libpthread: pthread_cond_wait succeeded ...". */
    {RL_TOOL_HELGRIND, "Misc", "pthread_cond", RL_KIND_COND_MISUSE},
    {RL_TOOL_HELGRIND, "Misc", "condition variable", RL_KIND_COND_MISUSE},
    /* A mutex (or rwlock) held by one thread and granted to another: the same event DRD calls
     * "mutex is locked simultaneously by two threads". Its text, "Bug in libpthread: write
     * lock granted on mutex/rwlock which is currently wr-held by a different thread", also
     * contains "rwlock": this row must come before the rwlock row, or it never wins
     * (tests/test_kinds.c, no_row_shadowed). */
    {RL_TOOL_HELGRIND, "Misc", "currently wr-held by a different thread", RL_KIND_DOUBLE_LOCK},
    /* Reader-writer locks, semaphores and barriers (before "destroy of a locked mutex",
     * which "pthread_rwlock_destroy of a locked mutex" also contains). */
    {RL_TOOL_HELGRIND, "Misc", "rwlock", RL_KIND_SYNC_MISUSE},
    {RL_TOOL_HELGRIND, "Misc", "sem_", RL_KIND_SYNC_MISUSE},
    {RL_TOOL_HELGRIND, "Misc", "barrier", RL_KIND_SYNC_MISUSE},
    {RL_TOOL_HELGRIND, "Misc", "re-lock a non-recursive lock", RL_KIND_DOUBLE_LOCK},
    {RL_TOOL_HELGRIND, "Misc", "recursive write lock granted", RL_KIND_DOUBLE_LOCK},
    {RL_TOOL_HELGRIND, "Misc", "destroy of a locked mutex", RL_KIND_DESTROY_LOCKED},
    {RL_TOOL_HELGRIND, "Misc", "pthread_mutex_destroy with invalid argument",
     RL_KIND_INVALID_MUTEX},
    {RL_TOOL_HELGRIND, "Misc", "Exiting thread still holds", RL_KIND_HELD_LOCK_EXIT},
    {RL_TOOL_HELGRIND, "Misc", "Unimplemented client request", RL_KIND_API_ERROR},

    {RL_TOOL_DRD, "ConflictingAccess", NULL, RL_KIND_DATA_RACE},
    {RL_TOOL_DRD, "MutexErr", "not locked", RL_KIND_BAD_UNLOCK},
    {RL_TOOL_DRD, "MutexErr", "Recursive locking not allowed", RL_KIND_DOUBLE_LOCK},
    {RL_TOOL_DRD, "MutexErr", "locked recursively", RL_KIND_DOUBLE_LOCK},
    /* Two owners at once: the mutex is locked again while held, as seen from DRD. */
    {RL_TOOL_DRD, "MutexErr", "locked simultaneously by two threads", RL_KIND_DOUBLE_LOCK},
    {RL_TOOL_DRD, "MutexErr", "Destroying locked mutex", RL_KIND_DESTROY_LOCKED},
    {RL_TOOL_DRD, "MutexErr", "still locked at thread exit", RL_KIND_HELD_LOCK_EXIT},
    {RL_TOOL_DRD, "MutexErr", "is not a mutex", RL_KIND_INVALID_MUTEX},
    {RL_TOOL_DRD, "MutexErr", "reinitialization", RL_KIND_INVALID_MUTEX},
    {RL_TOOL_DRD, "MutexErr", "type changed", RL_KIND_INVALID_MUTEX},
    {RL_TOOL_DRD, "MutexErr", "type mismatch", RL_KIND_INVALID_MUTEX},
    {RL_TOOL_DRD, "CondErr", NULL, RL_KIND_COND_MISUSE},
    {RL_TOOL_DRD, "CondDestrErr", NULL, RL_KIND_COND_MISUSE},
    {RL_TOOL_DRD, "CondRaceErr", NULL, RL_KIND_COND_MISUSE},
    {RL_TOOL_DRD, "CondWaitErr", NULL, RL_KIND_COND_MISUSE},
    {RL_TOOL_DRD, "RwlockErr", NULL, RL_KIND_SYNC_MISUSE},
    {RL_TOOL_DRD, "SemaphoreErr", NULL, RL_KIND_SYNC_MISUSE},
    {RL_TOOL_DRD, "BarrierErr", NULL, RL_KIND_SYNC_MISUSE},
    /* Only with --exclusive-threshold / --shared-threshold, which racelab does not pass. */
    {RL_TOOL_DRD, "HoldtimeErr", NULL, RL_KIND_SYNC_MISUSE},
    {RL_TOOL_DRD, "GenericErr", NULL, RL_KIND_API_ERROR},
    {RL_TOOL_DRD, "InvalidThreadId", NULL, RL_KIND_API_ERROR},
    {RL_TOOL_DRD, "UnimpHgClReq", NULL, RL_KIND_API_ERROR},
    {RL_TOOL_DRD, "UnimpDrdClReq", NULL, RL_KIND_API_ERROR},
};

int rl_valgrind_row_count(void)
{
    return (int)ARRAY_LEN(valgrind_table);
}

int rl_valgrind_row(int i, enum rl_tool_id *tool, const char **xml_kind, const char **text,
                    enum rl_kind *kind)
{
    if (i < 0 || i >= rl_valgrind_row_count())
        return -1;
    *tool = valgrind_table[i].tool;
    *xml_kind = valgrind_table[i].xml_kind;
    *text = valgrind_table[i].text;
    *kind = valgrind_table[i].kind;
    return 0;
}

int rl_valgrind_match_row(enum rl_tool_id tool, const char *xml_kind, const char *text)
{
    for (size_t i = 0; i < ARRAY_LEN(valgrind_table); i++) {
        if (valgrind_table[i].tool != tool || strcmp(xml_kind, valgrind_table[i].xml_kind) != 0)
            continue;
        if (valgrind_table[i].text && (!text || !strstr(text, valgrind_table[i].text)))
            continue;
        return (int)i;
    }
    return -1;
}

enum rl_kind rl_kind_from_valgrind(enum rl_tool_id tool, const char *xml_kind, const char *text)
{
    int i = rl_valgrind_match_row(tool, xml_kind, text);
    return i < 0 ? RL_KIND_UNCLASSIFIED : valgrind_table[i].kind;
}

/* Derived from the rows above, so a kind a tool can report is written once: in the row that
 * maps the tool's own words onto it. */
rl_kindset rl_tool_kinds(enum rl_tool_id tool)
{
    if ((unsigned)tool >= RL_TOOL_COUNT)
        return 0;
    rl_kindset set = 0;
    for (int k = 0; k < RL_KIND_COUNT; k++)
        if (kind_rows[k].group == RL_GROUP_HARNESS ||
            (kind_rows[k].group == RL_GROUP_DAEMON && tool == RL_TOOL_DAEMON))
            set |= RL_KINDSET(k);
    if (tool == RL_TOOL_TSAN) {
        for (size_t i = 0; i < ARRAY_LEN(tsan_table); i++)
            set |= RL_KINDSET(tsan_table[i].kind);
        for (size_t i = 0; i < ARRAY_LEN(tsan_end_table); i++)
            set |= RL_KINDSET(tsan_end_table[i].kind);
    }
    for (size_t i = 0; i < ARRAY_LEN(valgrind_table); i++)
        if (valgrind_table[i].tool == tool)
            set |= RL_KINDSET(valgrind_table[i].kind);
    return set;
}
