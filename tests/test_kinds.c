/* The kind vocabulary and every row of the mapping tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kinds.h"

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

/* No row of the Valgrind table is shadowed: each wins for at least one real text above (a
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
        cmocka_unit_test(kindset_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
