/* The kind vocabulary and every row of the mapping tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kinds.h"
#include "tool.h"
#include "tsanlog.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void names_round_trip(void **state)
{
    (void)state;
    for (int k = 0; k < RL_KIND_COUNT; k++)
        assert_int_equal(rl_kind_from_name(rl_kind_name(k)), k);
    for (int t = 0; t < RL_TOOL_COUNT; t++)
        assert_int_equal(rl_tool_from_name(rl_tool_name(t)), t);
    assert_int_equal(rl_kind_from_name("no-such-kind"), -1);
    assert_int_equal(rl_tool_from_name("memcheck"), -1);
}

static void tsan_headlines(void **state)
{
    (void)state;
    static const struct {
        const char *headline;
        enum rl_kind kind;
    } rows[] = {
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
        {"starting new threads after multi-threaded fork is not supported", RL_KIND_FORK_THREADS},
        {"SEGV on unknown address", RL_KIND_CRASH},
        /* clang 22 (tests/fixtures/tsan-clang-22-wrongctx.0.log). */
        {"mutex held in the wrong context", RL_KIND_SYNC_MISUSE},
        /* gcc 12 and clang 22: a line of its own (the longcycle fixtures). */
        {"too long mutex cycle found", RL_KIND_LOCK_ORDER},
        {"a headline from a newer runtime", RL_KIND_UNCLASSIFIED},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(rl_kind_from_tsan(rows[i].headline), rows[i].kind);
}

/* Real texts of each Helgrind and DRD kind (from the fixtures, DETECTORS.md and the tools'
 * binaries), with the kind each must get. "x" stands for any text of a kind matched whole. */
static const struct {
    enum rl_tool_id tool;
    const char *kind, *text;
    enum rl_kind expect;
} valgrind_texts[] = {
    {RL_TOOL_HELGRIND, "Race", "Possible data race during read", RL_KIND_DATA_RACE},
    {RL_TOOL_HELGRIND, "LockOrder", "lock order violated", RL_KIND_LOCK_ORDER},
    {RL_TOOL_HELGRIND, "UnlockUnlocked", "x", RL_KIND_BAD_UNLOCK},
    {RL_TOOL_HELGRIND, "UnlockForeign", "x", RL_KIND_BAD_UNLOCK},
    {RL_TOOL_HELGRIND, "UnlockBogus", "x", RL_KIND_BAD_UNLOCK},
    {RL_TOOL_HELGRIND, "PthAPIerror",
     "Thread #1's call to pthread_mutex_unlock failed with error code 1 (EPERM: Operation "
     "not permitted)",
     RL_KIND_API_ERROR},
    {RL_TOOL_HELGRIND, "Dubious", "x", RL_KIND_COND_MISUSE},
    {RL_TOOL_HELGRIND, "Misc", "Thread #1: Attempt to re-lock a non-recursive lock I already hold",
     RL_KIND_DOUBLE_LOCK},
    {RL_TOOL_HELGRIND, "Misc",
     "Bug in libpthread: recursive write lock granted on mutex/wrlock "
     "which does not support recursion",
     RL_KIND_DOUBLE_LOCK},
    {RL_TOOL_HELGRIND, "Misc", "Thread #1: pthread_mutex_destroy of a locked mutex",
     RL_KIND_DESTROY_LOCKED},
    {RL_TOOL_HELGRIND, "Misc", "pthread_mutex_destroy with invalid argument",
     RL_KIND_INVALID_MUTEX},
    {RL_TOOL_HELGRIND, "Misc", "Thread #2: Exiting thread still holds 1 lock",
     RL_KIND_HELD_LOCK_EXIT},
    {RL_TOOL_HELGRIND, "Misc", "pthread_cond_{timed}wait called with un-held mutex",
     RL_KIND_COND_MISUSE},
    {RL_TOOL_HELGRIND, "Misc",
     "pthread_cond_{signal,broadcast}: dubious: associated lock is "
     "not held by any thread",
     RL_KIND_COND_MISUSE},
    {RL_TOOL_HELGRIND, "Misc", "condition variable has been destroyed while being waited upon",
     RL_KIND_COND_MISUSE},
    {RL_TOOL_HELGRIND, "Misc",
     "Bug in libpthread: pthread_cond_wait succeeded without prior "
     "pthread_cond_post",
     RL_KIND_COND_MISUSE},
    {RL_TOOL_HELGRIND, "Misc", "pthread_rwlock_destroy of a locked mutex", RL_KIND_SYNC_MISUSE},
    /* Helgrind 3.19's own texts (strings of helgrind-amd64-linux) that contain "rwlock". */
    {RL_TOOL_HELGRIND, "Misc",
     "Thread #2: Bug in libpthread: write lock granted on mutex/rwlock which is currently "
     "wr-held by a different thread",
     RL_KIND_DOUBLE_LOCK},
    {RL_TOOL_HELGRIND, "Misc",
     "Bug in libpthread: read lock granted on rwlock which is currently wr-held",
     RL_KIND_SYNC_MISUSE},
    {RL_TOOL_HELGRIND, "Misc",
     "Bug in libpthread: write lock granted on rwlock which is currently rd-held",
     RL_KIND_SYNC_MISUSE},
    {RL_TOOL_HELGRIND, "Misc", "pthread_rwlock_unlock with a pthread_mutex_t* argument",
     RL_KIND_SYNC_MISUSE},
    {RL_TOOL_HELGRIND, "Misc", "pthread_mutex_lock with a pthread_rwlock_t* argument",
     RL_KIND_SYNC_MISUSE},
    {RL_TOOL_HELGRIND, "Misc",
     "pthread_cond_{timed}wait called with mutex of type pthread_rwlock_t*", RL_KIND_COND_MISUSE},
    {RL_TOOL_HELGRIND, "Misc",
     "Bug in libpthread: sem_wait succeeded on semaphore without "
     "prior sem_post",
     RL_KIND_SYNC_MISUSE},
    {RL_TOOL_HELGRIND, "Misc", "pthread_barrier_wait: barrier is uninitialised",
     RL_KIND_SYNC_MISUSE},
    {RL_TOOL_HELGRIND, "Misc", "Unimplemented client request macro \"X\"", RL_KIND_API_ERROR},
    {RL_TOOL_HELGRIND, "Misc", "something new", RL_KIND_UNCLASSIFIED},
    {RL_TOOL_HELGRIND, "ConflictingAccess", "x", RL_KIND_UNCLASSIFIED},
    {RL_TOOL_DRD, "ConflictingAccess", "Conflicting load", RL_KIND_DATA_RACE},
    {RL_TOOL_DRD, "MutexErr", "Mutex not locked by calling thread: mutex 0x1", RL_KIND_BAD_UNLOCK},
    {RL_TOOL_DRD, "MutexErr", "Mutex not locked: mutex 0x1", RL_KIND_BAD_UNLOCK},
    {RL_TOOL_DRD, "MutexErr", "Recursive locking not allowed: mutex 0x1", RL_KIND_DOUBLE_LOCK},
    {RL_TOOL_DRD, "MutexErr", "Mutex locked recursively", RL_KIND_DOUBLE_LOCK},
    {RL_TOOL_DRD, "MutexErr",
     "The impossible happened: mutex is locked simultaneously by two "
     "threads",
     RL_KIND_DOUBLE_LOCK},
    {RL_TOOL_DRD, "MutexErr", "Destroying locked mutex: mutex 0x1", RL_KIND_DESTROY_LOCKED},
    {RL_TOOL_DRD, "MutexErr", "Mutex still locked at thread exit: mutex 0x1",
     RL_KIND_HELD_LOCK_EXIT},
    {RL_TOOL_DRD, "MutexErr", "The object at address 0x1 is not a mutex.", RL_KIND_INVALID_MUTEX},
    {RL_TOOL_DRD, "MutexErr", "Mutex reinitialization", RL_KIND_INVALID_MUTEX},
    {RL_TOOL_DRD, "MutexErr", "Mutex type changed", RL_KIND_INVALID_MUTEX},
    {RL_TOOL_DRD, "MutexErr", "Mutex type mismatch", RL_KIND_INVALID_MUTEX},
    {RL_TOOL_DRD, "MutexErr", "a new text", RL_KIND_UNCLASSIFIED},
    {RL_TOOL_DRD, "CondErr", "x", RL_KIND_COND_MISUSE},
    {RL_TOOL_DRD, "CondDestrErr", "x", RL_KIND_COND_MISUSE},
    {RL_TOOL_DRD, "CondRaceErr", "x", RL_KIND_COND_MISUSE},
    {RL_TOOL_DRD, "CondWaitErr", "x", RL_KIND_COND_MISUSE},
    {RL_TOOL_DRD, "RwlockErr", "x", RL_KIND_SYNC_MISUSE},
    {RL_TOOL_DRD, "SemaphoreErr", "x", RL_KIND_SYNC_MISUSE},
    {RL_TOOL_DRD, "BarrierErr", "x", RL_KIND_SYNC_MISUSE},
    {RL_TOOL_DRD, "HoldtimeErr", "x", RL_KIND_SYNC_MISUSE},
    {RL_TOOL_DRD, "GenericErr", "x", RL_KIND_API_ERROR},
    {RL_TOOL_DRD, "InvalidThreadId", "x", RL_KIND_API_ERROR},
    {RL_TOOL_DRD, "UnimpHgClReq", "x", RL_KIND_API_ERROR},
    {RL_TOOL_DRD, "UnimpDrdClReq", "x", RL_KIND_API_ERROR},
    {RL_TOOL_DRD, "Race", "x", RL_KIND_UNCLASSIFIED},
    {RL_TOOL_DRD, "SomethingNew", "x", RL_KIND_UNCLASSIFIED},
};

static void valgrind_kinds(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof valgrind_texts / sizeof valgrind_texts[0]; i++) {
        enum rl_kind got = rl_kind_from_valgrind(valgrind_texts[i].tool, valgrind_texts[i].kind,
                                                 valgrind_texts[i].text);
        if (got != valgrind_texts[i].expect)
            fail_msg("%s %s \"%s\": got %s, want %s", rl_tool_name(valgrind_texts[i].tool),
                     valgrind_texts[i].kind, valgrind_texts[i].text, rl_kind_name(got),
                     rl_kind_name(valgrind_texts[i].expect));
    }
}

/* The texts of tests/tool-texts/ (ci/tool-texts): every candidate report text of the installed
 * tools, reviewed. Read once; each line is "CLASS<tab>TEXT[<tab>why]". */
struct tool_text {
    char file[64];
    int tsan;             /* a TSan runtime's file (else Helgrind's or DRD's) */
    enum rl_tool_id tool; /* for Valgrind's */
    char cls[32];
    char text[512];
    int has_why;
};
static struct tool_text *tool_texts_v;
static size_t tool_texts_n;

static int load_tool_texts(void **state)
{
    (void)state;
    DIR *d = opendir(TOOL_TEXTS);
    if (!d)
        return -1;
    size_t cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".txt") != 0)
            continue;
        char path[512], line[1024];
        snprintf(path, sizeof path, "%s/%s", TOOL_TEXTS, e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            return -1;
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = '\0';
            if (!line[0] || line[0] == '#')
                continue;
            if (tool_texts_n == cap) {
                cap = cap ? 2 * cap : 256;
                tool_texts_v = realloc(tool_texts_v, cap * sizeof *tool_texts_v);
                if (!tool_texts_v)
                    return -1;
            }
            struct tool_text *t = &tool_texts_v[tool_texts_n++];
            memset(t, 0, sizeof *t);
            snprintf(t->file, sizeof t->file, "%.63s", e->d_name);
            t->tsan = strncmp(e->d_name, "tsan-", 5) == 0;
            t->tool = strncmp(e->d_name, "drd-", 4) == 0 ? RL_TOOL_DRD : RL_TOOL_HELGRIND;
            char *tab = strchr(line, '\t'), *why = tab ? strchr(tab + 1, '\t') : NULL;
            if (why)
                *why = '\0';
            t->has_why = why && why[1];
            if (tab)
                *tab = '\0';
            snprintf(t->cls, sizeof t->cls, "%.31s", line);
            snprintf(t->text, sizeof t->text, "%.511s", tab ? tab + 1 : "");
        }
        fclose(f);
    }
    closedir(d);
    return tool_texts_n ? 0 : -1;
}

static int free_tool_texts(void **state)
{
    (void)state;
    free(tool_texts_v);
    return 0;
}

/* A line as the runtime would print it: each conversion of the format filled in ("%s" after
 * the leading "WARNING: ", "ERROR: " or "FATAL: " is the tool's name, as SanitizerToolName
 * is; an address is 0x1; any other value is 1). */
static void instantiate(const char *fmt, char *out, size_t size)
{
    size_t n = 0;
    for (const char *s = fmt; *s && n + 32 < size; s++) {
        if (*s != '%') {
            out[n++] = *s;
            continue;
        }
        if (s[1] == '%') {
            out[n++] = *++s;
            continue;
        }
        s++;
        s += strspn(s, "-+ #0'");
        s += strspn(s, "0123456789*.");
        s += strspn(s, "hlzjtL");
        const char *value = "1";
        if (*s == 's')
            value = s == strchr(fmt, '%') + 1 &&
                            (strncmp(fmt, "WARNING: %s", 11) == 0 ||
                             strncmp(fmt, "ERROR: %s", 9) == 0 || strncmp(fmt, "FATAL: %s", 9) == 0)
                        ? "ThreadSanitizer"
                        : "x";
        else if (*s == 'p')
            value = "0x1";
        n += (size_t)snprintf(out + n, size - n, "%s", value);
        if (!*s)
            break;
    }
    out[n] = '\0';
}

/* One TSan line, alone in a log: its reports and the log's accounts. */
static struct rl_tsan_accounts tsan_alone(const char *line, struct rl_reports *rs)
{
    struct rl_tsan_parser p;
    rl_tsan_init(&p, NULL, 7, rl_tool_sink, rs);
    rl_tsan_line(&p, line);
    rl_tsan_finish(&p);
    return p.acc;
}

static int has_kind(const struct rl_reports *rs, enum rl_kind kind)
{
    return (rl_reports_kinds(rs) & RL_KINDSET(kind)) != 0;
}

/* A TSan text placed as its class says; returns 0 or writes why not. */
static int tsan_placed(const struct tool_text *t, char *why, size_t size)
{
    char line[1100];
    struct rl_reports rs = {0};
    struct rl_tsan_accounts acc;
    int ok = 0;
    if (strcmp(t->cls, "headline") == 0) {
        ok = rl_kind_from_tsan(t->text) != RL_KIND_UNCLASSIFIED;
        snprintf(why, size, "no row of kinds.c places the headline");
    } else if (strcmp(t->cls, "format") == 0) {
        ok = 1;
        for (size_t i = 0; i < tool_texts_n; i++) {
            const struct tool_text *h = &tool_texts_v[i];
            if (strcmp(h->file, t->file) != 0 || strcmp(h->cls, "headline") != 0)
                continue;
            char fmt[1100];
            snprintf(fmt, sizeof fmt, "WARNING: ThreadSanitizer: %s (pid=7)", h->text);
            tsan_alone(fmt, &rs);
            if (rs.n != 1 || rs.v[0].kind != rl_kind_from_tsan(h->text)) {
                ok = 0;
                snprintf(why, size, "\"%s\" put in it is not a report of its kind", h->text);
            }
            rl_reports_free(&rs);
        }
        return ok ? 0 : -1;
    } else if (strcmp(t->cls, "report") == 0) {
        instantiate(t->text, line, sizeof line);
        acc = tsan_alone(line, &rs);
        ok = rs.n == 1 && rs.v[0].kind != RL_KIND_UNCLASSIFIED && acc.unaccounted == 0;
        snprintf(why, size, "\"%s\" is not a report of a kind", line);
    } else if (strcmp(t->cls, "harmless") == 0) {
        instantiate(t->text, line, sizeof line);
        acc = tsan_alone(line, &rs);
        ok = rs.n == 0 && acc.unaccounted == 0;
        snprintf(why, size, "\"%s\" is not on the harmless list", line);
    } else if (strcmp(t->cls, "failure") == 0) {
        instantiate(t->text, line, sizeof line);
        acc = tsan_alone(line, &rs);
        ok = has_kind(&rs, RL_KIND_UNCLASSIFIED) || acc.unaccounted > 0;
        snprintf(why, size, "\"%s\" would let the run pass", line);
    } else if (strcmp(t->cls, "-") == 0) {
        ok = t->has_why;
        snprintf(why, size, "a '-' line without its reason");
    } else {
        snprintf(why, size, "class '%s' is not reviewed (see ci/tool-texts)", t->cls);
    }
    rl_reports_free(&rs);
    return ok ? 0 : -1;
}

static int valgrind_placed(const struct tool_text *t, char *why, size_t size)
{
    if (strcmp(t->cls, "-") == 0) {
        snprintf(why, size, "a '-' line without its reason");
        return t->has_why ? 0 : -1;
    }
    if (strcmp(t->cls, "kind") == 0) {
        /* A kind is placed by the rows that name it: all its texts (Misc), or any text. */
        for (int i = 0; i < rl_valgrind_row_count(); i++) {
            enum rl_tool_id tool;
            const char *kind, *text;
            enum rl_kind k;
            rl_valgrind_row(i, &tool, &kind, &text, &k);
            if (tool == t->tool && strcmp(kind, t->text) == 0)
                return 0;
        }
        snprintf(why, size, "no row of kinds.c names this <kind>");
        return -1;
    }
    if (rl_kind_from_valgrind(t->tool, t->cls, t->text) != RL_KIND_UNCLASSIFIED)
        return 0;
    snprintf(why, size, "no row of kinds.c places it under <kind>%s</kind>", t->cls);
    return -1;
}

/* Every text of every installed tool's file is placed: a table row gives it a kind (never
 * unclassified), or it is on a harmless list, or it fails the run as the tool's own failure;
 * a '-' line carries its reason. (harness:tool-texts checks that the files are complete.) */
static void tool_texts(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < tool_texts_n; i++) {
        const struct tool_text *t = &tool_texts_v[i];
        char why[1300];
        if ((t->tsan ? tsan_placed(t, why, sizeof why) : valgrind_placed(t, why, sizeof why)) < 0) {
            print_error("%s: %s \"%s\": %s\n", t->file, t->cls, t->text, why);
            bad++;
        }
    }
    if (bad)
        fail_msg("%d text(s) of tests/tool-texts/ not placed", bad);
}

/* No row of the Valgrind table is shadowed: each wins for at least one real text, above or
 * in tests/tool-texts/ (a
 * row that an earlier row always beats can never match: the "currently wr-held by a
 * different thread" row behind the "rwlock" row did so), and no row is beaten by an earlier
 * row of the same tool and kind whose text it contains (or that matches every text). */
static void no_row_shadowed(void **state)
{
    (void)state;
    for (int i = 0; i < rl_valgrind_row_count(); i++) {
        enum rl_tool_id tool, tool_j;
        const char *kind, *text, *kind_j, *text_j;
        enum rl_kind k, k_j;
        assert_int_equal(rl_valgrind_row(i, &tool, &kind, &text, &k), 0);
        for (int j = 0; j < i; j++) {
            assert_int_equal(rl_valgrind_row(j, &tool_j, &kind_j, &text_j, &k_j), 0);
            if (tool_j == tool && strcmp(kind_j, kind) == 0 &&
                (!text_j || (text && strstr(text, text_j))))
                fail_msg("%s %s row %d \"%s\" is shadowed by row %d \"%s\"", rl_tool_name(tool),
                         kind, i, text ? text : "(any)", j, text_j ? text_j : "(any)");
        }
        int wins = 0;
        for (size_t t = 0; t < sizeof valgrind_texts / sizeof valgrind_texts[0]; t++)
            wins |= valgrind_texts[t].tool == tool && strcmp(valgrind_texts[t].kind, kind) == 0 &&
                    rl_valgrind_match_row(tool, kind, valgrind_texts[t].text) == i;
        for (size_t t = 0; t < tool_texts_n; t++)
            wins |= !tool_texts_v[t].tsan && tool_texts_v[t].tool == tool &&
                    strcmp(tool_texts_v[t].cls, kind) == 0 &&
                    rl_valgrind_match_row(tool, kind, tool_texts_v[t].text) == i;
        if (!wins)
            fail_msg("%s %s row %d \"%s\" wins for no known text: shadowed, or a text is "
                     "missing from valgrind_texts",
                     rl_tool_name(tool), kind, i, text ? text : "(any)");
    }
    assert_int_equal(rl_valgrind_row(rl_valgrind_row_count(), &(enum rl_tool_id){0},
                                     &(const char *){0}, &(const char *){0}, &(enum rl_kind){0}),
                     -1);
}

static void kindset_format(void **state)
{
    (void)state;
    char buf[128];
    rl_kindset_format(0, buf, sizeof buf);
    assert_string_equal(buf, "clean");
    rl_kindset_format(RL_KINDSET(RL_KIND_DATA_RACE) | RL_KINDSET(RL_KIND_DEADLOCK), buf,
                      sizeof buf);
    assert_string_equal(buf, "data-race, deadlock");
    assert_true(rl_tool_kinds(RL_TOOL_DRD) & RL_KINDSET(RL_KIND_DEADLOCK));
    assert_false(rl_tool_kinds(RL_TOOL_DRD) & RL_KINDSET(RL_KIND_LOCK_ORDER));
    assert_false(rl_tool_kinds(RL_TOOL_TSAN) & RL_KINDSET(RL_KIND_HELD_LOCK_EXIT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_round_trip), cmocka_unit_test(tsan_headlines),
        cmocka_unit_test(valgrind_kinds),   cmocka_unit_test(no_row_shadowed),
        cmocka_unit_test(kindset_format),   cmocka_unit_test(tool_texts),
    };
    return cmocka_run_group_tests(tests, load_tool_texts, free_tool_texts);
}
