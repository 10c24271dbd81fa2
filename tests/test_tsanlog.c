/* The ThreadSanitizer log parser on real logs from gcc 12 and clang 14 (ci/capture-fixtures),
 * and on the lines a killed or failing run leaves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tool.h"
#include "tsanlog.h"

#include <stdio.h>
#include <string.h>

#define SRC "/tmp/racelab-fixtures/"

static struct rl_reports parse(const char *fixture, const char *case_path)
{
    struct rl_reports rs = {0};
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", FIXTURES, fixture);
    assert_int_equal(rl_tsan_parse_file(path, case_path, 42, rl_tool_sink, &rs, NULL), 0);
    return rs;
}

static int has_line(const struct rl_report *r, int line)
{
    for (int i = 0; i < r->nlines; i++)
        if (r->lines[i] == line)
            return 1;
    return 0;
}

static void race_both_compilers(void **state)
{
    (void)state;
    const char *logs[] = {"tsan-gcc-race.0.log", "tsan-clang-race.0.log"};
    for (int i = 0; i < 2; i++) {
        struct rl_reports rs = parse(logs[i], SRC "race.c");
        assert_int_equal(rs.n, 1);
        assert_int_equal(rs.v[0].kind, RL_KIND_DATA_RACE);
        assert_string_equal(rs.v[0].headline, "data race");
        assert_int_equal(rs.v[0].pid, 42);
        /* counter++ in its loop: gcc -O1 puts the access on the loop's line (10), clang on the
         * statement's (11). Markers in cases must allow for both. */
        assert_true(has_line(&rs.v[0], i == 0 ? 10 : 11));
        assert_true(has_line(&rs.v[0], 18) || has_line(&rs.v[0], 19)); /* pthread_create */
        assert_non_null(rs.v[0].excerpt);
        assert_non_null(strstr(rs.v[0].excerpt, "SUMMARY: ThreadSanitizer"));
        rl_reports_free(&rs);
    }
}

static void other_headlines(void **state)
{
    (void)state;
    static const struct {
        const char *log, *src;
        enum rl_kind kind;
    } rows[] = {
        {"tsan-gcc-lockorder.0.log", SRC "lockorder.c", RL_KIND_LOCK_ORDER},
        {"tsan-clang-lockorder.0.log", SRC "lockorder.c", RL_KIND_LOCK_ORDER},
        {"tsan-gcc-leak.0.log", SRC "leak.c", RL_KIND_THREAD_LEAK},
        {"tsan-clang-leak.0.log", SRC "leak.c", RL_KIND_THREAD_LEAK},
        {"tsan-gcc-misuse.0.log", SRC "misuse.c", RL_KIND_BAD_UNLOCK},
        {"tsan-clang-misuse.0.log", SRC "misuse.c", RL_KIND_BAD_UNLOCK},
        {"tsan-gcc-forkrace.0.log", SRC "forkrace.c", RL_KIND_DATA_RACE},
        {"tsan-gcc-forkrace.1.log", SRC "forkrace.c", RL_KIND_DATA_RACE},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct rl_reports rs = parse(rows[i].log, rows[i].src);
        assert_int_equal(rs.n, 1);
        assert_int_equal(rs.v[0].kind, rows[i].kind);
        assert_true(rs.v[0].nlines > 0);
        rl_reports_free(&rs);
    }
    /* The misuse report points at the second unlock (line 19). */
    struct rl_reports rs = parse("tsan-gcc-misuse.0.log", SRC "misuse.c");
    assert_true(has_line(&rs.v[0], 19));
    rl_reports_free(&rs);
    /* Another file's frames are not the case's lines. */
    rs = parse("tsan-gcc-race.0.log", SRC "other.c");
    assert_int_equal(rs.v[0].nlines, 0);
    assert_string_equal(rs.v[0].location, "race.c:10");
    rl_reports_free(&rs);
}

/* Texts beyond gcc 12's and clang 14's 15 headlines (issue 12), from real runs. */
static void newer_and_headless_warnings(void **state)
{
    (void)state;
    /* clang 22: __tsan_check_no_mutexes_held() with a mutex held (wrongctx.c line 11). */
    struct rl_reports rs = parse("tsan-clang-22-wrongctx.0.log", SRC "wrongctx.c");
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.v[0].kind, RL_KIND_SYNC_MISUSE);
    assert_string_equal(rs.v[0].headline, "mutex held in the wrong context");
    assert_true(has_line(&rs.v[0], 11));
    rl_reports_free(&rs);
    /* A lock cycle of 22 mutexes: "WARNING: too long mutex cycle found", no "ThreadSanitizer:"
     * and no report block, was dropped; now a lock-order report that cites no line. It is
     * not one of the "reported N warnings": the count stays 0. */
    const char *logs[] = {"tsan-gcc-longcycle.0.log", "tsan-clang-22-longcycle.0.log"};
    for (int i = 0; i < 2; i++) {
        struct rl_tsan_accounts acc;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", FIXTURES, logs[i]);
        struct rl_reports r = {0};
        assert_int_equal(rl_tsan_parse_file(path, SRC "longcycle.c", 42, rl_tool_sink, &r, &acc),
                         0);
        assert_int_equal(r.n, 1);
        assert_int_equal(r.v[0].kind, RL_KIND_LOCK_ORDER);
        assert_string_equal(r.v[0].headline, "too long mutex cycle found");
        assert_int_equal(r.v[0].nlines, 0);
        assert_int_equal(acc.reports, 0);
        assert_true(acc.map_end);
        assert_string_equal(acc.other, "");
        rl_reports_free(&r);
    }
}

static void feed(struct rl_reports *rs, const char *const *lines)
{
    struct rl_tsan_parser p;
    rl_tsan_init(&p, "/src/x.c", 7, rl_tool_sink, rs);
    for (; *lines; lines++)
        rl_tsan_line(&p, *lines);
    rl_tsan_finish(&p);
}

static void cut_short_and_special_lines(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    /* A report the kill cut before SUMMARY is still a report. */
    const char *truncated[] = {
        "==================", "WARNING: ThreadSanitizer: data race (pid=7)",
        "  Write of size 4 at 0x1 by thread T1:", "    #0 f /src/x.c:12:3 (x+0x1)", NULL};
    feed(&rs, truncated);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.v[0].kind, RL_KIND_DATA_RACE);
    assert_int_equal(rs.v[0].lines[0], 12);
    rl_reports_free(&rs);

    const char *special[] = {
        "ThreadSanitizer: starting new threads after multi-threaded fork is not supported. Dying "
        "(set die_after_fork=0 to override)",
        "FATAL: ThreadSanitizer: unexpected memory mapping 0x7f-0x8f",
        "ThreadSanitizer: CHECK failed: sanitizer_thread_registry.cpp:348 \"((t)) != (0)\" (0x0, "
        "0x0) (tid=5)",
        "WARNING: ThreadSanitizer: a headline from the future (pid=7)",
        "SUMMARY: ThreadSanitizer: a headline from the future",
        "==7==ERROR: ThreadSanitizer: SEGV on unknown address 0x000000000000 (pc 0x1 bp 0x2 sp 0x3 "
        "T7)",
        "    #0 main /src/x.c:30 (x+0x1)",
        NULL};
    feed(&rs, special);
    assert_int_equal(rs.n, 5);
    assert_int_equal(rs.v[0].kind, RL_KIND_FORK_THREADS);
    assert_int_equal(rs.v[1].kind, RL_KIND_UNCLASSIFIED);
    assert_non_null(strstr(rs.v[1].headline, "FATAL"));
    assert_int_equal(rs.v[2].kind, RL_KIND_UNCLASSIFIED);
    assert_non_null(strstr(rs.v[2].headline, "CHECK failed"));
    assert_int_equal(rs.v[3].kind, RL_KIND_UNCLASSIFIED);
    assert_string_equal(rs.v[3].headline, "a headline from the future");
    assert_int_equal(rs.v[4].kind, RL_KIND_CRASH);
    assert_string_equal(rs.v[4].headline, "SEGV on unknown address");
    assert_int_equal(rs.v[4].lines[0], 30);
    rl_reports_free(&rs);

    /* Frames without a location, odd tokens, and lines outside a report. */
    const char *odd[] = {"    #0 f /src/x.c:12 (x+0x1)",
                         "WARNING: ThreadSanitizer: data race (pid=7)",
                         "    #0 <null> <null> (x+0x1)",
                         "    #1 f :12:3 (x+0x1)",
                         "    #2 f /src/x.c:notanumber (x+0x1)",
                         "    #",
                         NULL};
    feed(&rs, odd);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.v[0].nlines, 0);
    rl_reports_free(&rs);
}

static struct rl_tsan_accounts accounts(const char *const *lines, struct rl_reports *rs)
{
    struct rl_tsan_parser p;
    rl_tsan_init(&p, "/src/x.c", 7, rl_tool_sink, rs);
    for (; *lines; lines++)
        rl_tsan_line(&p, *lines);
    rl_tsan_finish(&p);
    return p.acc;
}

/* The proof that TSan watched a process to its end: the module map, then TSan's own count;
 * anything else outside a report is kept as the cause. */
static void accounts_of_a_log(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    const char *whole[] = {"==================",
                           "WARNING: ThreadSanitizer: data race (pid=7)",
                           "    #0 f /src/x.c:12:3 (x+0x1)",
                           "==================",
                           "==7==Process memory map follows:",
                           "\t0x55d000000000-0x55d000001000\t/src/x",
                           "==7==End of process memory map.",
                           "ThreadSanitizer: reported 1 warnings",
                           NULL};
    struct rl_tsan_accounts acc = accounts(whole, &rs);
    assert_int_equal(rs.n, 1); /* the rule ended the report (print_summary=0) */
    assert_int_equal(acc.reports, 1);
    assert_int_equal(acc.reported, 1);
    assert_true(acc.map_end);
    assert_false(acc.fatal);
    assert_string_equal(acc.other, "");
    assert_null(strstr(rs.v[0].excerpt, "memory map"));
    rl_reports_free(&rs);

    const char *never_ran[] = {"ThreadSanitizer: failed to read suppressions file '/x.supp'", NULL};
    acc = accounts(never_ran, &rs);
    assert_false(acc.map_end);
    assert_int_equal(acc.reported, -1);
    assert_string_equal(acc.other, "ThreadSanitizer: failed to read suppressions file '/x.supp'");
    assert_int_equal(rs.n, 0);

    /* die_after_fork=0 only informs; the default dies, which ends the process (fatal). */
    const char *informs[] = {"==9==ThreadSanitizer: starting new threads after multi-threaded "
                             "fork is not supported (pid 9). Continuing because of "
                             "die_after_fork=0, but you are on your own",
                             NULL};
    acc = accounts(informs, &rs);
    assert_int_equal(rs.n, 0);
    assert_false(acc.fatal);
    const char *dies[] = {"==9==ThreadSanitizer: starting new threads after multi-threaded fork "
                          "is not supported. Dying (set die_after_fork=0 to override)",
                          NULL};
    acc = accounts(dies, &rs);
    assert_int_equal(rs.n, 1);
    assert_true(acc.fatal);
    rl_reports_free(&rs);
    const char *segv[] = {"==7==ERROR: ThreadSanitizer: SEGV on unknown address 0x0 (pc 0x1)",
                          NULL};
    acc = accounts(segv, &rs);
    assert_true(acc.fatal);
    rl_reports_free(&rs);
}

/* TSan's other access, "Previous write ... by main thread:" and its frames, kept on its own;
 * "[failed to restore the stack]" in its place is an other access not recorded. */
static void other_side_of_a_race(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    const char *both[] = {"WARNING: ThreadSanitizer: data race (pid=7)",
                          "  Write of size 4 at 0x1 by thread T1:",
                          "    #0 work /src/x.c:10 (x+0x1)",
                          "",
                          "  Previous write of size 4 at 0x1 by main thread:",
                          "    #0 main /src/x.c:20 (x+0x2)",
                          "    #1 start /src/x.c:30 (x+0x3)",
                          "",
                          "  Location is global 'counter' of size 4 at 0x1 (x+0x4)",
                          "",
                          "  Thread T1 (tid=8, running) created by main thread at:",
                          "    #0 pthread_create <null> (libtsan.so.2+0x1)",
                          "    #1 main /src/x.c:40 (x+0x5)",
                          "SUMMARY: ThreadSanitizer: data race /src/x.c:10 in work",
                          NULL};
    feed(&rs, both);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.v[0].other, RL_OTHER_RECORDED);
    assert_string_equal(rs.v[0].other_stack, "Previous write of size 4 at 0x1 by main thread:\n"
                                             "   at #0 main /src/x.c:20 (x+0x2)\n"
                                             "   at #1 start /src/x.c:30 (x+0x3)\n");
    assert_null(strstr(rs.v[0].excerpt, "not recorded"));
    rl_reports_free(&rs);

    const char *lost[] = {"WARNING: ThreadSanitizer: data race (pid=7)",
                          "  Write of size 4 at 0x1 by thread T1:",
                          "    #0 work /src/x.c:10 (x+0x1)",
                          "",
                          "  Previous write of size 4 at 0x1 by main thread:",
                          "    [failed to restore the stack]",
                          "",
                          "SUMMARY: ThreadSanitizer: data race /src/x.c:10 in work",
                          NULL};
    feed(&rs, lost);
    assert_int_equal(rs.v[0].other, RL_OTHER_NOT_RECORDED);
    assert_string_equal(rs.v[0].other_stack, "");
    assert_non_null(strstr(rs.v[0].excerpt, "\nother access not recorded\n"));
    rl_reports_free(&rs);

    /* A report of one access (a thread leak) has no other side. */
    const char *leak[] = {"WARNING: ThreadSanitizer: thread leak (pid=7)",
                          "  Thread T1 (tid=8, finished) created by main thread at:",
                          "    #0 pthread_create <null> (libtsan.so.2+0x1)",
                          "SUMMARY: ThreadSanitizer: thread leak /src/x.c:40 in main", NULL};
    feed(&rs, leak);
    assert_int_equal(rs.v[0].other, RL_OTHER_NONE);
    rl_reports_free(&rs);
}

/* Each entry of the TSan log's harmless list (tsanlog.c), alone and beside a line that is on
 * no list: the entry is accounted, the stranger is kept as the cause. */
static void harmless_lines(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    static const char *const entries[][4] = {
        {"", NULL},
        {"==================", NULL},
        {"==7==Process memory map follows:", "\t0x55d000000000-0x55d000001000\t/src/x",
         "==7==End of process memory map.", NULL},
        {"ThreadSanitizer: reported 2 warnings", NULL},
        {"ThreadSanitizer: Matched 2 suppressions (pid=7):", "2 race:counter_loop", "", NULL},
        {"==7==ThreadSanitizer: starting new threads after multi-threaded fork is not supported "
         "(pid 7). Continuing because of die_after_fork=0, but you are on your own",
         NULL},
    };
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        struct rl_tsan_accounts acc = accounts(entries[i], &rs);
        assert_int_equal(rs.n, 0);
        assert_int_equal(acc.unaccounted, 0);
        assert_string_equal(acc.other, "");
    }
    /* A suppression block ends at its empty line: what follows is read again. */
    const char *after[] = {"ThreadSanitizer: Matched 1 suppressions (pid=7):",
                           "1 race:counter_loop", "", "WARNING: Symbolizer buffer too small", NULL};
    struct rl_tsan_accounts acc = accounts(after, &rs);
    assert_int_equal(acc.unaccounted, 1);
    assert_string_equal(acc.other, "WARNING: Symbolizer buffer too small");
    /* Inside it, a line not of its form is a stranger too. */
    const char *odd[] = {"ThreadSanitizer: Matched 1 suppressions (pid=7):", "not a count", NULL};
    acc = accounts(odd, &rs);
    assert_int_equal(acc.unaccounted, 1);
    assert_string_equal(acc.other, "not a count");
    assert_int_equal(rs.n, 0);
}

/* Every deadly signal, in each of TSan's three formats, is a crash (not only SEGV). */
static void deadly_signals(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    const char *lines[] = {
        "==7==ERROR: ThreadSanitizer: SEGV on unknown address 0x000000000000 (pc 0x1 bp 0x2 sp "
        "0x3 T7)",
        "==7==ERROR: ThreadSanitizer: BUS on address 0x7f0000000000 (pc 0x1 bp 0x2 sp 0x3 T7)",
        "==7==ERROR: ThreadSanitizer: FPE on unknown address (pc 0x1 bp 0x2 sp 0x3 T7)", NULL};
    for (const char *const *l = lines; *l; l++) {
        const char *one[] = {*l, NULL};
        struct rl_tsan_accounts acc = accounts(one, &rs);
        assert_int_equal(rs.n, 1);
        assert_int_equal(rs.v[0].kind, RL_KIND_CRASH);
        assert_true(acc.fatal);
        rl_reports_free(&rs);
        memset(&rs, 0, sizeof rs);
    }
}

/* A deadly signal, from real runs (segv.c): the SEGV report is a crash at the line of the
 * null read, and the process's last line, "==3==ABORTING", is TSan's own (it once left the
 * run unclassified). clang 22's report holds the registers too. */
static void deadly_signal_logs(void **state)
{
    (void)state;
    const char *logs[] = {"tsan-gcc-segv.0.log", "tsan-clang-segv.0.log",
                          "tsan-clang-22-segv.0.log"};
    for (int i = 0; i < 3; i++) {
        struct rl_tsan_accounts acc;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", FIXTURES, logs[i]);
        struct rl_reports r = {0};
        assert_int_equal(rl_tsan_parse_file(path, SRC "segv.c", 3, rl_tool_sink, &r, &acc), 0);
        assert_int_equal(r.n, 1);
        assert_int_equal(r.v[0].kind, RL_KIND_CRASH);
        assert_string_equal(r.v[0].headline, "SEGV on unknown address");
        assert_true(has_line(&r.v[0], 20));
        assert_true(acc.fatal);
        assert_int_equal(acc.unaccounted, 0);
        assert_string_equal(acc.other, "");
        rl_reports_free(&r);
    }
    /* Only after a fatal report, and only the exact line. */
    struct rl_reports rs = {0};
    const char *alone[] = {"==3==ABORTING", NULL};
    assert_int_equal(accounts(alone, &rs).unaccounted, 1);
    const char *longer[] = {"==3==ERROR: ThreadSanitizer: SEGV on unknown address 0x0 (pc 0x1)",
                            "SUMMARY: ThreadSanitizer: SEGV x.c:1 in main", "==3==ABORTING now",
                            NULL};
    assert_int_equal(accounts(longer, &rs).unaccounted, 1);
    rl_reports_free(&rs);
}

static void missing_file(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    assert_int_equal(rl_tsan_parse_file("/nonexistent/tsan.1", NULL, 1, rl_tool_sink, &rs, NULL),
                     -1);
    assert_int_equal(rs.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(race_both_compilers),
        cmocka_unit_test(other_headlines),
        cmocka_unit_test(newer_and_headless_warnings),
        cmocka_unit_test(cut_short_and_special_lines),
        cmocka_unit_test(accounts_of_a_log),
        cmocka_unit_test(harmless_lines),
        cmocka_unit_test(other_side_of_a_race),
        cmocka_unit_test(deadly_signals),
        cmocka_unit_test(deadly_signal_logs),
        cmocka_unit_test(missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
