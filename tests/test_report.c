/* report.c on its own: grouping and counting (the hash index, bad input), the group,
 * fingerprint and excerpt limits, and the frame bookkeeping the parsers share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct rl_report report(enum rl_kind kind, const char *tool_kind, int line)
{
    struct rl_report r = {.kind = kind};
    snprintf(r.tool_kind, sizeof r.tool_kind, "%s", tool_kind);
    if (line > 0)
        r.lines[r.nlines++] = line;
    r.excerpt = strdup("raw text");
    return r;
}

/* Equal kind, tool kind and lines fold into one counted group; lines are compared sorted. */
static void folds_equal_reports(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    for (int i = 0; i < 5; i++) {
        struct rl_report r = report(RL_KIND_DATA_RACE, "Race", 0);
        r.lines[0] = 12, r.lines[1] = 10, r.nlines = 2;
        if (i % 2)
            r.lines[0] = 10, r.lines[1] = 12;
        rl_reports_add(&rs, &r);
        assert_null(r.excerpt); /* taken or freed, never left to the caller */
    }
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.total, 5);
    assert_int_equal(rs.v[0].count, 5);
    assert_int_equal(rs.v[0].lines[0], 10);
    struct rl_report other = report(RL_KIND_DATA_RACE, "Race", 30);
    rl_reports_add(&rs, &other);
    struct rl_report drd = report(RL_KIND_DATA_RACE, "ConflictingAccess", 30);
    rl_reports_add(&rs, &drd);
    assert_int_equal(rs.n, 3);
    assert_true(rl_reports_kinds(&rs) == RL_KINDSET(RL_KIND_DATA_RACE));
    rl_reports_free(&rs);
    assert_int_equal(rs.n, 0);
}

/* Reports that cite no case line are told apart by location; unclassified ones by words. */
static void unlocated_and_unclassified_stay_apart(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    struct rl_report a = report(RL_KIND_DATA_RACE, "tsan", 0), b = a;
    b.excerpt = NULL;
    snprintf(a.location, sizeof a.location, "lib.c:3");
    snprintf(b.location, sizeof b.location, "lib.c:4");
    rl_reports_add(&rs, &a);
    rl_reports_add(&rs, &b);
    struct rl_report u1 = report(RL_KIND_UNCLASSIFIED, "tsan", 0), u2 = u1;
    u2.excerpt = NULL;
    snprintf(u1.headline, sizeof u1.headline, "a new headline");
    snprintf(u2.headline, sizeof u2.headline, "another one");
    rl_reports_add(&rs, &u1);
    rl_reports_add(&rs, &u2);
    assert_int_equal(rs.n, 4);
    rl_reports_free(&rs);
}

/* Past the group limit, reports are counted and their kinds kept, nothing more; only the
 * first few of a kind keep their raw text. */
static void limits(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    for (int i = 1; i <= RL_REPORTS_MAX_GROUPS + 10; i++) {
        struct rl_report r =
            report(i > RL_REPORTS_MAX_GROUPS ? RL_KIND_LOCK_ORDER : RL_KIND_DATA_RACE, "Race", i);
        rl_reports_add(&rs, &r);
    }
    assert_int_equal(rs.n, RL_REPORTS_MAX_GROUPS);
    assert_int_equal(rs.dropped, 10);
    assert_int_equal(rs.more_distinct, 10);
    assert_true(rl_reports_kinds(&rs) & RL_KINDSET(RL_KIND_LOCK_ORDER));
    int excerpts = 0;
    for (size_t i = 0; i < rs.n; i++)
        excerpts += rs.v[i].excerpt != NULL;
    assert_int_equal(excerpts, RL_REPORTS_EXCERPTS_PER_KIND);
    rl_reports_free(&rs);
}

/* The hash index finds each group again among many: every kept group folds its repeats, and
 * a group past the limit is counted once however often it comes back. */
static void many_groups_fold(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    const int past = 25;
    for (int round = 0; round < 3; round++)
        for (int i = 1; i <= RL_REPORTS_MAX_GROUPS + past; i++) {
            struct rl_report r = report(RL_KIND_DATA_RACE, "ConflictingAccess", i);
            snprintf(r.frame[0], sizeof r.frame[0], "flood.c:%d:work", i);
            rl_reports_add(&rs, &r);
        }
    assert_int_equal(rs.n, RL_REPORTS_MAX_GROUPS);
    assert_int_equal(rs.total, 3 * (RL_REPORTS_MAX_GROUPS + past));
    assert_int_equal(rs.dropped, 3 * past);
    assert_int_equal(rs.more_distinct, past);
    assert_false(rs.more_distinct_capped);
    for (size_t i = 0; i < rs.n; i++) {
        assert_int_equal(rs.v[i].count, 3);
        assert_int_equal(rs.v[i].lines[0], (int)i + 1); /* kept in the order first seen */
    }
    rl_reports_free(&rs);
    assert_null(rs.slots);
    assert_null(rs.unkept);
}

/* The two sides fold in either order, and only those: hashing them must not tell the orders
 * apart, nor mistake a different pair for a swap. */
static void sides_in_either_order(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    const char *pairs[][2] = {{"a.c:1:f", "a.c:2:g"},
                              {"a.c:2:g", "a.c:1:f"},
                              {"a.c:1:f", ""},
                              {"", "a.c:1:f"},
                              {"a.c:1:f", "a.c:1:f"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        struct rl_report r = report(RL_KIND_DATA_RACE, "Race", 7);
        snprintf(r.frame[0], sizeof r.frame[0], "%s", pairs[i][0]);
        snprintf(r.frame[1], sizeof r.frame[1], "%s", pairs[i][1]);
        rl_reports_add(&rs, &r);
    }
    assert_int_equal(rs.n, 3);
    assert_int_equal(rs.v[0].count, 2);
    assert_int_equal(rs.v[1].count, 2);
    assert_int_equal(rs.v[2].count, 1);
    rl_reports_free(&rs);
}

/* A report a parser got wrong is bounded, not trusted: a kind out of range, a line count out
 * of range either way, and strings that fill their arrays without an end. Equal bad reports
 * still fold. */
static void bad_input(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    for (int i = 0; i < 2; i++) {
        struct rl_report r = report(RL_KIND_DATA_RACE, "Race", 0);
        r.kind = (enum rl_kind)(RL_KIND_COUNT + 3);
        r.nlines = RL_REPORT_MAX_LINES + 1000;
        for (int l = 0; l < RL_REPORT_MAX_LINES; l++)
            r.lines[l] = RL_REPORT_MAX_LINES - l;
        memset(r.tool_kind, 'k', sizeof r.tool_kind);
        memset(r.headline, 'h', sizeof r.headline);
        memset(r.location, 'l', sizeof r.location);
        memset(r.frame, 'f', sizeof r.frame);
        rl_reports_add(&rs, &r);
    }
    struct rl_report negative = report(RL_KIND_DATA_RACE, "Race", 0);
    negative.nlines = -5;
    rl_reports_add(&rs, &negative);
    assert_int_equal(rs.n, 2);
    assert_int_equal(rs.v[0].kind, RL_KIND_UNCLASSIFIED);
    assert_int_equal(rs.v[0].nlines, RL_REPORT_MAX_LINES);
    assert_int_equal(rs.v[0].lines[0], 1); /* sorted */
    assert_int_equal(rs.v[0].count, 2);
    assert_int_equal(rs.v[1].nlines, 0);
    rl_reports_free(&rs);
}

/* Past RL_REPORTS_MAX_UNKEPT distinct groups beyond the limit, the count stops there and
 * says it is a lower bound; memory stays bounded. */
static void unkept_cap(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    unsigned long n = RL_REPORTS_MAX_GROUPS + RL_REPORTS_MAX_UNKEPT + 100;
    struct rl_report r = report(RL_KIND_DATA_RACE, "Race", 0);
    free(r.excerpt);
    for (unsigned long i = 0; i < n; i++) {
        r.excerpt = NULL;
        r.nlines = 1;
        r.lines[0] = (int)i + 1;
        rl_reports_add(&rs, &r);
    }
    assert_int_equal(rs.n, RL_REPORTS_MAX_GROUPS);
    assert_int_equal(rs.dropped, n - RL_REPORTS_MAX_GROUPS);
    assert_int_equal(rs.more_distinct, RL_REPORTS_MAX_UNKEPT);
    assert_true(rs.more_distinct_capped);
    assert_true(rs.unkept_slots <= 2 * RL_REPORTS_MAX_UNKEPT);
    rl_reports_free(&rs);
}

static void frames(void **state)
{
    (void)state;
    struct rl_report r = {0};
    rl_report_add_frame(&r, "/usr/include/x86_64-linux-gnu/bits/pthread.h", 5, "cases/a/x.c");
    assert_string_equal(r.location, "");               /* system code is no location */
    rl_report_add_frame(&r, "x.c", 11, "cases/a/x.c"); /* a bare name is the case's */
    rl_report_add_frame(&r, "x.c", 11, "cases/a/x.c"); /* once */
    rl_report_add_frame(&r, "/elsewhere/y.c", 12, "cases/a/x.c");
    rl_report_add_frame(&r, "/nonexistent/x.c", 13, "cases/a/x.c"); /* same name, not the file */
    rl_report_add_frame(&r, "x.c", 0, "cases/a/x.c");
    assert_int_equal(r.nlines, 1);
    assert_int_equal(r.lines[0], 11);
    assert_string_equal(r.location, "x.c:11");
    assert_false(rl_frame_is_case("x.c", NULL));
    assert_false(rl_frame_is_case("", "x.c"));
    assert_true(rl_frame_is_case(CASES "/race/counter_unlocked.c",
                                 CASES "/../cases/race/counter_unlocked.c"));
    for (int i = 0; i < RL_REPORT_MAX_LINES + 5; i++)
        rl_report_add_frame(&r, "x.c", 100 + i, "x.c");
    assert_int_equal(r.nlines, RL_REPORT_MAX_LINES);
}

/* An excerpt is bounded, whatever is appended. */
static void excerpt_bound(void **state)
{
    (void)state;
    char *excerpt = NULL;
    char line[1000];
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    for (int i = 0; i < 20; i++)
        rl_excerpt_append(&excerpt, line);
    assert_non_null(excerpt);
    assert_true(strlen(excerpt) < RL_REPORT_EXCERPT_MAX);
    free(excerpt);
}

static void add(struct rl_reports *rs, enum rl_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add(struct rl_reports *rs, enum rl_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rl_reports_vaddf(rs, kind, "racelab", fmt, ap);
    va_end(ap);
}

static void made_here(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    add(&rs, RL_KIND_UNCLASSIFIED, "valgrind wrote no XML (%s)", "see valgrind.log");
    assert_int_equal(rs.n, 1);
    assert_string_equal(rs.v[0].tool_kind, "racelab");
    assert_string_equal(rs.v[0].headline, "valgrind wrote no XML (see valgrind.log)");
    assert_null(rs.v[0].excerpt);
    rl_reports_free(&rs);
}

/* Logs are read as regular files only: never through a link, never blocking on a FIFO. */
static void log_open(void **state)
{
    (void)state;
    char dir[] = "/tmp/racelab-test-report.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char file[300], link[300], fifo[300];
    snprintf(file, sizeof file, "%s/tsan.1", dir);
    snprintf(link, sizeof link, "%s/tsan.2", dir);
    snprintf(fifo, sizeof fifo, "%s/tsan.3", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(symlink(file, link), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    f = rl_log_open(file);
    assert_non_null(f);
    fclose(f);
    errno = 0;
    assert_null(rl_log_open(link));
    assert_int_equal(errno, ELOOP);
    assert_null(rl_log_open(fifo)); /* at once: nobody writes it */
    assert_int_equal(errno, EINVAL);
    assert_null(rl_log_open(dir));
    unlink(file), unlink(link), unlink(fifo), rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(folds_equal_reports),
        cmocka_unit_test(unlocated_and_unclassified_stay_apart),
        cmocka_unit_test(limits),
        cmocka_unit_test(many_groups_fold),
        cmocka_unit_test(sides_in_either_order),
        cmocka_unit_test(bad_input),
        cmocka_unit_test(unkept_cap),
        cmocka_unit_test(frames),
        cmocka_unit_test(excerpt_bound),
        cmocka_unit_test(made_here),
        cmocka_unit_test(log_open),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
