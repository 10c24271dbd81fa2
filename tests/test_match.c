/* The matcher: exact set equality, and the marker rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "match.h"

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
    assert_int_equal(rl_match(&c, race, &rs, 0, &v), 0);
    assert_true(v.pass);
    assert_int_equal(v.placement[0], RL_PLACE_MARKED);
    rl_verdict_free(&v);

    rl_match(&c, race | leak, &rs, 0, &v); /* missing */
    assert_false(v.pass);
    assert_int_equal(v.missing, leak);
    assert_int_equal(v.extra, 0);
    rl_verdict_free(&v);

    rl_match(&c, race, &rs, RL_KINDSET(RL_KIND_DEADLOCK), &v); /* extra, from the harness */
    assert_false(v.pass);
    assert_int_equal(v.extra, RL_KINDSET(RL_KIND_DEADLOCK));
    rl_verdict_free(&v);

    rl_match(&c, 0, &rs, 0, &v); /* expected clean */
    assert_false(v.pass);
    assert_int_equal(v.extra, race);
    rl_verdict_free(&v);
    rl_reports_free(&rs);

    rl_match(&c, 0, &rs, 0, &v); /* nothing at all: clean passes */
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
    rl_match(&c, race, &rs, 0, &v);
    assert_false(v.pass);
    assert_int_equal(v.misplaced, 1);
    assert_int_equal(v.placement[0], RL_PLACE_WRONG);
    assert_int_equal(v.missing | v.extra, 0);
    rl_verdict_free(&v);
    rl_reports_free(&rs);

    add(&rs, RL_KIND_DATA_RACE, 0, none); /* cites no case line: accepted */
    rl_match(&c, race, &rs, 0, &v);
    assert_true(v.pass);
    assert_int_equal(v.placement[0], RL_PLACE_UNLOCATED);
    rl_verdict_free(&v);
    rl_reports_free(&rs);

    /* thread-leak has no markers: any line will do. */
    add(&rs, RL_KIND_THREAD_LEAK, 1, wrong);
    rl_match(&c, RL_KINDSET(RL_KIND_THREAD_LEAK), &rs, 0, &v);
    assert_true(v.pass);
    assert_int_equal(v.placement[0], RL_PLACE_FREE);
    rl_verdict_free(&v);
    rl_reports_free(&rs);

    /* Without a case (a bare program) there are no markers. */
    add(&rs, RL_KIND_DATA_RACE, 1, wrong);
    rl_match(NULL, race, &rs, 0, &v);
    assert_true(v.pass);
    rl_verdict_free(&v);
    rl_reports_free(&rs);
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
    rl_match(&c, RL_KINDSET(RL_KIND_DATA_RACE), &rs, 0, &v);
    assert_false(v.pass);
    assert_int_equal(v.unchecked, 10);
    rl_verdict_free(&v);
    rl_reports_free(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_sets),
        cmocka_unit_test(marker_rule),
        cmocka_unit_test(floods_fold_and_stay_checked),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
