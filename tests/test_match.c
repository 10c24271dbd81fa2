/* The matcher: exact set equality, and the marker rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "match.h"
#include "tool.h"
#include "tsanlog.h"
#include "vgsched.h"
#include "vgxml.h"

#include <stdio.h>

#include <string.h>

static const char text[] = "/* racelab-case\n"
                           " * concept: race\n"
                           " * variant: broken\n"
                           " * title: t\n"
                           " * lesson: l\n"
                           " * expect tsan: data-race, thread-leak\n"
                           " * expect helgrind: data-race\n"
                           " * expect drd: data-race\n"
                           " */\n"
                           "int x;\n"                                         /* 10 */
                           "void f(void) { x++; } /* racelab: data-race */\n" /* 11 */
                           "void g(void) { x--; }\n";                         /* 12 */

static struct rl_case c;

static int setup(void **state)
{
    (void)state;
    char err[256];
    return rl_case_parse("cases/race/x.c", text, strlen(text), &c, err, sizeof err);
}

static int teardown(void **state)
{
    (void)state;
    rl_case_free(&c);
    return 0;
}

static void add(struct rl_reports *rs, enum rl_kind kind, int nlines, const int *lines)
{
    struct rl_report r = {.kind = kind};
    strcpy(r.tool_kind, "tsan");
    for (int i = 0; i < nlines; i++)
        r.lines[r.nlines++] = lines[i];
    rl_reports_add(rs, &r);
}

static void exact_sets(void **state)
{
    (void)state;
    const rl_kindset race = RL_KINDSET(RL_KIND_DATA_RACE), leak = RL_KINDSET(RL_KIND_THREAD_LEAK);
    struct rl_reports rs = {0};
    struct rl_verdict v;
    const int marked[] = {11, 30};
    add(&rs, RL_KIND_DATA_RACE, 2, marked);
    assert_int_equal(rl_match(&c, race, &rs, 0, NULL, &v), 0);
    assert_true(v.pass);
    assert_int_equal(v.placement[0], RL_PLACE_MARKED);
    rl_verdict_free(&v);

    rl_match(&c, race | leak, &rs, 0, NULL, &v); /* missing */
    assert_false(v.pass);
    assert_int_equal(v.missing, leak);
    assert_int_equal(v.extra, 0);
    rl_verdict_free(&v);

    rl_match(&c, race, &rs, RL_KINDSET(RL_KIND_DEADLOCK), NULL, &v); /* extra, from the harness */
    assert_false(v.pass);
    assert_int_equal(v.extra, RL_KINDSET(RL_KIND_DEADLOCK));
    rl_verdict_free(&v);

    rl_match(&c, 0, &rs, 0, NULL, &v); /* expected clean */
    assert_false(v.pass);
    assert_int_equal(v.extra, race);
    rl_verdict_free(&v);
    rl_reports_free(&rs);

    rl_match(&c, 0, &rs, 0, NULL, &v); /* nothing at all: clean passes */
    assert_true(v.pass);
    rl_verdict_free(&v);
}

static void marker_rule(void **state)
{
    (void)state;
    const rl_kindset race = RL_KINDSET(RL_KIND_DATA_RACE);
    struct rl_reports rs = {0};
    struct rl_verdict v;
    const int wrong[] = {12}, none[] = {0};
    add(&rs, RL_KIND_DATA_RACE, 1, wrong);
    rl_match(&c, race, &rs, 0, NULL, &v);
    assert_false(v.pass);
    assert_int_equal(v.misplaced, 1);
    assert_int_equal(v.placement[0], RL_PLACE_WRONG);
    assert_int_equal(v.missing | v.extra, 0);
    rl_verdict_free(&v);
    rl_reports_free(&rs);

    add(&rs, RL_KIND_DATA_RACE, 0, none); /* cites no case line: accepted */
    rl_match(&c, race, &rs, 0, NULL, &v);
    assert_true(v.pass);
    assert_int_equal(v.placement[0], RL_PLACE_UNLOCATED);
    rl_verdict_free(&v);
    rl_reports_free(&rs);

    /* thread-leak has no markers: any line will do. */
    add(&rs, RL_KIND_THREAD_LEAK, 1, wrong);
    rl_match(&c, RL_KINDSET(RL_KIND_THREAD_LEAK), &rs, 0, NULL, &v);
    assert_true(v.pass);
    assert_int_equal(v.placement[0], RL_PLACE_FREE);
    rl_verdict_free(&v);
    rl_reports_free(&rs);

    /* Without a case (a bare program) there are no markers. */
    add(&rs, RL_KIND_DATA_RACE, 1, wrong);
    rl_match(NULL, race, &rs, 0, NULL, &v);
    assert_true(v.pass);
    rl_verdict_free(&v);
    rl_reports_free(&rs);
}

/* The deadlock marker rule, on the stacks Helgrind's gdbserver gave at a real hang of
 * tests/fixtures/src/abba.c (its blocking lines are 17, 26 and 36). */
static void hang_case(struct rl_case *hc, const char *marks)
{
    char text[4096];
    int n = snprintf(text, sizeof text,
                     "/"
                     "* racelab-case\n * concept: deadlock\n * variant: broken\n * title: t\n"
                     " * lesson: l\n * expect tsan: deadlock\n * expect helgrind: deadlock\n"
                     " * expect drd: deadlock\n *"
                     "/\n");
    for (int line = 10; line <= 40; line++) {
        char mark[16];
        snprintf(mark, sizeof mark, ",%d,", line);
        n += snprintf(text + n, sizeof text - (size_t)n, "%s\n",
                      strstr(marks, mark) ? "x(); /"
                                            "* racelab: deadlock *"
                                            "/"
                                          : "x();");
    }
    char err[1024];
    assert_int_equal(
        rl_case_parse("cases/deadlock/abba.c", text, strlen(text), hc, err, sizeof err), 0);
}

static void hang_markers(void **state)
{
    (void)state;
    FILE *f = fopen(FIXTURES "/helgrind-abba-vgdb.0.txt", "rb");
    assert_non_null(f);
    static char reply[1 << 16];
    size_t len = fread(reply, 1, sizeof reply, f);
    fclose(f);
    struct rl_stacks st = {.source = "vgdb"};
    assert_int_equal(rl_vgsched_parse(reply, len, 2, &st), 3);
    struct rl_reports rs = {0};
    const rl_kindset dl = RL_KINDSET(RL_KIND_DEADLOCK);
    struct {
        const char *marks;
        int pass;
        unsigned unmet, unmarked;
    } rows[] = {
        {",17,26,36,", 1, 0, 0},    /* every blocking line marked */
        {",17,26,", 0, 0, 1},       /* main's join is not marked */
        {",16,26,36,", 0, 1, 1},    /* a marker moved one line up */
        {",17,26,36,13,", 0, 1, 0}, /* a marked line nobody sits on */
    };
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        struct rl_case hc;
        hang_case(&hc, rows[i].marks);
        struct rl_verdict v;
        assert_int_equal(rl_match(&hc, dl, &rs, dl, &st, &v), 0);
        assert_int_equal(v.pass, rows[i].pass);
        assert_int_equal(v.hang_unmet, rows[i].unmet);
        assert_int_equal(v.hang_unmarked, rows[i].unmarked);
        rl_verdict_free(&v);
        /* A timeout is no deadlock: its stacks are not held to the markers. */
        assert_int_equal(
            rl_match(&hc, RL_KINDSET(RL_KIND_TIMEOUT), &rs, RL_KINDSET(RL_KIND_TIMEOUT), &st, &v),
            0);
        assert_true(v.pass);
        rl_verdict_free(&v);
        /* No stacks (--no-backtrace): the markers are unchecked, and that fails. */
        assert_int_equal(rl_match(&hc, dl, &rs, dl, NULL, &v), 0);
        assert_false(v.pass);
        assert_int_equal(v.hang_unchecked, 1);
        rl_verdict_free(&v);
        rl_case_free(&hc);
    }
    /* A case without deadlock markers is not held to any line. */
    struct rl_verdict v;
    rl_match(&c, dl, &rs, dl, &st, &v);
    assert_int_equal(v.hang_unmet + v.hang_unmarked + (unsigned)v.hang_unchecked, 0);
    rl_verdict_free(&v);
    rl_stacks_free(&st);
}

static void floods_fold_and_stay_checked(void **state)
{
    (void)state;
    struct rl_reports rs = {0};
    const int marked[] = {11};
    for (int i = 0; i < 100000; i++)
        add(&rs, RL_KIND_DATA_RACE, 1, marked);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.v[0].count, 100000);
    assert_int_equal(rs.total, 100000);
    rl_reports_free(&rs);

    /* Past the group limit, reports are only counted: a marked kind then fails. */
    for (int i = 0; i < RL_REPORTS_MAX_GROUPS + 10; i++) {
        const int line[] = {1000 + i};
        add(&rs, RL_KIND_DATA_RACE, 1, line);
    }
    assert_int_equal(rs.n, RL_REPORTS_MAX_GROUPS);
    assert_int_equal(rs.dropped, 10);
    struct rl_verdict v;
    rl_match(&c, RL_KINDSET(RL_KIND_DATA_RACE), &rs, 0, NULL, &v);
    assert_false(v.pass);
    assert_int_equal(v.unchecked, 10);
    rl_verdict_free(&v);
    rl_reports_free(&rs);
}

/* --expect KIND@FILE:LINE: the syntax, strictly. */
static void located_syntax(void **state)
{
    (void)state;
    struct rl_located l;
    char why[256];
    assert_int_equal(rl_located_parse("data-race@src/pool.c:188", &l, why, sizeof why), 0);
    assert_int_equal(l.kind, RL_KIND_DATA_RACE);
    assert_string_equal(l.file, "pool.c");
    assert_int_equal(l.line, 188);
    const char *bad[] = {
        "data-race@pool.c",  "data-race@:12",        "data-race@pool.c:0",
        "data-race@pool.c:", "data-race@pool.c:12x", "data-rice@pool.c:12",
        "@pool.c:12",        "data-race@pool.c:+12", "data-race@pool.c:99999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (rl_located_parse(bad[i], &l, why, sizeof why) == 0)
            fail_msg("accepted '%s'", bad[i]);
    assert_int_equal(rl_located_parse("data-rice@pool.c:12", &l, why, sizeof why), -1);
    assert_non_null(strstr(why, "unknown kind 'data-rice'"));
}

/* A located expectation is met by a report of its kind citing the line on either side, in
 * real reports: TSan's lock cycle (its two edges), Helgrind's race (the other access). */
static void located_on_either_side(void **state)
{
    (void)state;
    struct rl_reports order = {0}, race = {0};
    struct rl_vgxml_result res;
    assert_int_equal(rl_tsan_parse_file(FIXTURES "/tsan-gcc-lockorder.0.log", NULL, 1, rl_tool_sink,
                                        &order, NULL),
                     0);
    assert_int_equal(rl_vgxml_parse_file(FIXTURES "/helgrind-segrace.0.xml", RL_TOOL_HELGRIND, NULL,
                                         rl_tool_sink, &race, &res),
                     0);
    struct rl_located l;
    char why[256];
    const struct {
        const char *want;
        const struct rl_reports *rs;
        int met;
    } rows[] = {
        {"lock-order@lockorder.c:10", &order, 1}, /* the first edge */
        {"lock-order@lockorder.c:20", &order, 1}, /* the second */
        {"lock-order@lockorder.c:11", &order, 0},
        {"data-race@lockorder.c:10", &order, 0}, /* the right line, not that kind */
        {"data-race@segrace.c:22", &race, 1},    /* the access */
        {"data-race@segrace.c:12", &race, 1},    /* the other access */
        {"data-race@other.c:12", &race, 0},      /* the right line of another file */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        assert_int_equal(rl_located_parse(rows[i].want, &l, why, sizeof why), 0);
        if (rl_located_met(&l, rows[i].rs) != rows[i].met)
            fail_msg("%s: met %d, wanted %d", rows[i].want, !rows[i].met, rows[i].met);
    }
    rl_reports_free(&order);
    rl_reports_free(&race);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_sets),     cmocka_unit_test(marker_rule),
        cmocka_unit_test(hang_markers),   cmocka_unit_test(floods_fold_and_stay_checked),
        cmocka_unit_test(located_syntax), cmocka_unit_test(located_on_either_side),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
