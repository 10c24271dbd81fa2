/* The Valgrind XML reader on real Helgrind and DRD output (ci/capture-fixtures): whole files,
 * a file cut short by a kill, one file per process, and input that is not Valgrind's XML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tool.h"
#include "vgxml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC "/tmp/racelab-fixtures/"

static struct rl_reports parse(const char *fixture, enum rl_tool_id tool, const char *src,
                               struct rl_vgxml_result *res)
{
    struct rl_reports rs = {0};
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", FIXTURES, fixture);
    assert_int_equal(rl_vgxml_parse_file(path, tool, src, rl_tool_sink, &rs, res), 0);
    return rs;
}

static int has_line(const struct rl_report *r, int line)
{
    for (int i = 0; i < r->nlines; i++)
        if (r->lines[i] == line)
            return 1;
    return 0;
}

static void helgrind_and_drd_race(void **state)
{
    (void)state;
    struct rl_vgxml_result res;
    struct rl_reports rs = parse("helgrind-race.0.xml", RL_TOOL_HELGRIND, SRC "race.c", &res);
    assert_true(res.complete);
    assert_true(res.finished);
    assert_false(res.malformed);
    assert_true(res.pid > 0);
    /* The version that ran, from the preamble: it picks version-qualified expectations. */
    assert_string_equal(res.version, "valgrind-3.19.0");
    assert_true(rs.n >= 1);
    for (size_t i = 0; i < rs.n; i++) {
        assert_int_equal(rs.v[i].kind, RL_KIND_DATA_RACE);
        assert_string_equal(rs.v[i].tool_kind, "Race");
        assert_true(has_line(&rs.v[i], 10));
        assert_int_equal(rs.v[i].pid, res.pid);
    }
    assert_non_null(strstr(rs.v[0].headline, "Possible data race"));
    assert_non_null(strstr(rs.v[0].excerpt, "at work (race.c:10)"));
    rl_reports_free(&rs);

    rs = parse("drd-race.0.xml", RL_TOOL_DRD, SRC "race.c", &res);
    assert_true(res.complete);
    assert_true(rs.n >= 1);
    assert_int_equal(rs.v[0].kind, RL_KIND_DATA_RACE);
    assert_string_equal(rs.v[0].tool_kind, "ConflictingAccess");
    assert_true(has_line(&rs.v[0], 10));
    rl_reports_free(&rs);
}

static void misuse_kinds(void **state)
{
    (void)state;
    struct rl_vgxml_result res;
    struct rl_reports rs = parse("helgrind-misuse.0.xml", RL_TOOL_HELGRIND, SRC "misuse.c", &res);
    rl_kindset k = rl_reports_kinds(&rs);
    assert_true(k & RL_KINDSET(RL_KIND_BAD_UNLOCK));
    assert_true(k & RL_KINDSET(RL_KIND_DESTROY_LOCKED));
    assert_true(k & RL_KINDSET(RL_KIND_HELD_LOCK_EXIT));
    assert_false(k & RL_KINDSET(RL_KIND_UNCLASSIFIED));
    rl_reports_free(&rs);
    rs = parse("drd-misuse.0.xml", RL_TOOL_DRD, SRC "misuse.c", &res);
    k = rl_reports_kinds(&rs);
    assert_int_equal(k, RL_KINDSET(RL_KIND_BAD_UNLOCK) | RL_KINDSET(RL_KIND_DESTROY_LOCKED) |
                            RL_KINDSET(RL_KIND_HELD_LOCK_EXIT));
    rl_reports_free(&rs);
    rs = parse("helgrind-lockorder.0.xml", RL_TOOL_HELGRIND, SRC "lockorder.c", &res);
    assert_int_equal(rl_reports_kinds(&rs), RL_KINDSET(RL_KIND_LOCK_ORDER));
    rl_reports_free(&rs);
    /* DRD has no lock-order detector: its XML for the same program has no error. */
    rs = parse("drd-lockorder.0.xml", RL_TOOL_DRD, SRC "lockorder.c", &res);
    assert_int_equal(rs.n, 0);
    assert_int_equal(res.errors, 0);
    rl_reports_free(&rs);
}

static void truncated_by_kill(void **state)
{
    (void)state;
    struct rl_vgxml_result res;
    struct rl_reports rs =
        parse("helgrind-race-truncated.xml", RL_TOOL_HELGRIND, SRC "race.c", &res);
    assert_false(res.complete);
    assert_false(res.finished);
    assert_false(res.malformed);
    assert_int_equal(res.errors, 1); /* the first error was complete, the second cut */
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.v[0].kind, RL_KIND_DATA_RACE);
    rl_reports_free(&rs);
}

static void one_file_per_process(void **state)
{
    (void)state;
    const enum rl_tool_id tools[] = {RL_TOOL_HELGRIND, RL_TOOL_DRD};
    const char *files[2][2] = {{"helgrind-forkrace.0.xml", "helgrind-forkrace.1.xml"},
                               {"drd-forkrace.0.xml", "drd-forkrace.1.xml"}};
    for (int t = 0; t < 2; t++) {
        struct rl_vgxml_result a, b;
        struct rl_reports ra = parse(files[t][0], tools[t], SRC "forkrace.c", &a);
        struct rl_reports rb = parse(files[t][1], tools[t], SRC "forkrace.c", &b);
        assert_int_not_equal(a.pid, b.pid);
        assert_true(ra.n >= 1 && rb.n >= 1);
        assert_int_equal(rl_reports_kinds(&ra), RL_KINDSET(RL_KIND_DATA_RACE));
        assert_int_equal(rl_reports_kinds(&rb), RL_KINDSET(RL_KIND_DATA_RACE));
        assert_int_equal(ra.v[0].pid, a.pid);
        assert_int_equal(rb.v[0].pid, b.pid);
        rl_reports_free(&ra);
        rl_reports_free(&rb);
    }
}

/* Feeding a byte, or a few, at a time gives the same reports and result as a whole file:
 * also with an expat that defers a token cut by a chunk's end (2.6, and Debian 12's 2.5.0
 * from deb12u2 on), where the end of a document never fed as final was left unread. */
static void byte_by_byte(void **state)
{
    (void)state;
    static const struct {
        const char *fixture, *source;
        enum rl_tool_id tool;
    } files[] = {
        {"helgrind-misuse.0.xml", SRC "misuse.c", RL_TOOL_HELGRIND},
        {"drd-race.0.xml", SRC "race.c", RL_TOOL_DRD},
    };
    static const size_t chunks[] = {1, 7, 61};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct rl_vgxml_result whole;
        struct rl_reports rw = parse(files[i].fixture, files[i].tool, files[i].source, &whole);
        assert_true(whole.complete && whole.finished);
        char path[1024], bytes[8192];
        snprintf(path, sizeof path, "%s/%s", FIXTURES, files[i].fixture);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        size_t size = fread(bytes, 1, sizeof bytes, f);
        assert_true(feof(f));
        fclose(f);
        for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
            struct rl_reports rs = {0};
            struct rl_vgxml *x = rl_vgxml_new(files[i].tool, files[i].source, rl_tool_sink, &rs);
            for (size_t at = 0; at < size; at += chunks[c]) {
                size_t n = size - at < chunks[c] ? size - at : chunks[c];
                assert_int_equal(rl_vgxml_feed(x, bytes + at, n), 0);
            }
            struct rl_vgxml_result res;
            rl_vgxml_end(x, &res);
            rl_vgxml_free(x);
            assert_true(res.complete);
            assert_int_equal(res.finished, whole.finished);
            assert_int_equal(res.errors, whole.errors);
            assert_int_equal(rs.n, rw.n);
            assert_int_equal(rl_reports_kinds(&rs), rl_reports_kinds(&rw));
            rl_reports_free(&rs);
        }
        rl_reports_free(&rw);
    }
}

static struct rl_reports parse_text(const char *text, struct rl_vgxml_result *res)
{
    struct rl_reports rs = {0};
    struct rl_vgxml *x = rl_vgxml_new(RL_TOOL_DRD, "/src/x.c", rl_tool_sink, &rs);
    rl_vgxml_feed(x, text, strlen(text));
    rl_vgxml_end(x, res);
    rl_vgxml_free(x);
    return rs;
}

static void unknown_and_malformed(void **state)
{
    (void)state;
    struct rl_vgxml_result res;
    const char *unknown = "<?xml version=\"1.0\"?>\n<valgrindoutput><pid>5</pid>"
                          "<error><kind>BrandNewErr</kind><what>Something new</what>"
                          "<stack><frame><fn>f</fn><dir>/src</dir><file>x.c</file><line>9</line>"
                          "</frame></stack></error></valgrindoutput>";
    struct rl_reports rs = parse_text(unknown, &res);
    assert_int_equal(rs.n, 1);
    assert_int_equal(rs.v[0].kind, RL_KIND_UNCLASSIFIED);
    assert_string_equal(rs.v[0].tool_kind, "BrandNewErr");
    assert_string_equal(rs.v[0].headline, "Something new");
    assert_int_equal(rs.v[0].lines[0], 9);
    assert_int_equal(rs.v[0].pid, 5);
    assert_true(res.complete);
    rl_reports_free(&rs);

    rs = parse_text("this is not XML at all <<<", &res);
    assert_true(res.malformed);
    assert_non_null(strstr(res.error, "line 1"));
    assert_int_equal(rs.n, 0);
    rl_reports_free(&rs);

    rs = parse_text("<valgrindoutput><error><kind>Race</kind></wrong>", &res);
    assert_true(res.malformed);
    rl_reports_free(&rs);

    struct rl_reports none = {0};
    assert_int_equal(
        rl_vgxml_parse_file("/nonexistent.xml", RL_TOOL_DRD, NULL, rl_tool_sink, &none, &res), -1);
}

/* Every element under <valgrindoutput> is one racelab knows: none in any real file here, and
 * an element of a newer protocol is counted, with its name, whatever comes after it. */
static void every_element_known(void **state)
{
    (void)state;
    static const char *const fixtures[] = {
        "helgrind-race.0.xml",      "helgrind-misuse.0.xml", "helgrind-apierror.0.xml",
        "helgrind-lockorder.0.xml", "helgrind-leak.0.xml",   "helgrind-forkrace.0.xml",
        "drd-race.0.xml",           "drd-misuse.0.xml",      "drd-segrace.0.xml",
        "drd-wrheld.0.xml",         "drd-leak.0.xml",        "drd-forkrace.0.xml",
    };
    struct rl_vgxml_result res;
    for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
        struct rl_reports rs =
            parse(fixtures[i], fixtures[i][0] == 'd' ? RL_TOOL_DRD : RL_TOOL_HELGRIND, NULL, &res);
        if (res.unknown)
            fail_msg("%s: <%s> unknown", fixtures[i], res.first_unknown);
        rl_reports_free(&rs);
    }
    struct rl_reports rs = parse_text("<valgrindoutput><pid>5</pid><clientmsg><tid>1</tid>"
                                      "<text>hello</text></clientmsg><trace><text>[1] mutex_init "
                                      "0x1</text></trace><lostfindings><n>3</n>"
                                      "</lostfindings><newer/><status><state>FINISHED</state>"
                                      "</status></valgrindoutput>",
                                      &res);
    assert_int_equal(res.unknown, 2);
    assert_string_equal(res.first_unknown, "lostfindings");
    assert_true(res.finished);
    rl_reports_free(&rs);
}

/* The one report of kind `kind` (fails if there is none). */
static const struct rl_report *only(const struct rl_reports *rs, const char *tool_kind)
{
    for (size_t i = 0; i < rs->n; i++)
        if (strcmp(rs->v[i].tool_kind, tool_kind) == 0)
            return &rs->v[i];
    fail_msg("no %s report", tool_kind);
    return NULL;
}

/* A Helgrind PthAPIerror names the failed call in <xwhat><text> and the error code in <what>
 * (issue 12): the headline keeps both, in that order. */
static void pthapierror_keeps_the_call(void **state)
{
    (void)state;
    struct rl_vgxml_result res;
    struct rl_reports rs =
        parse("helgrind-apierror.0.xml", RL_TOOL_HELGRIND, SRC "apierror.c", &res);
    const struct rl_report *r = only(&rs, "PthAPIerror");
    assert_int_equal(r->kind, RL_KIND_API_ERROR);
    assert_string_equal(r->headline, "Thread #1's call to pthread_mutex_unlock failed with error "
                                     "code 1 (EPERM: Operation not permitted)");
    assert_true(has_line(r, 13));
    rl_reports_free(&rs);
}

/* A mutex locked by a second thread while the first holds it (tests/fixtures/src/wrheld.c):
 * Helgrind's "write lock granted on mutex/rwlock which is currently wr-held by a different
 * thread" is double-lock, as DRD's "locked simultaneously by two threads" is; the "rwlock" in
 * its text once made it sync-misuse. */
static void mutex_held_twice_is_double_lock(void **state)
{
    (void)state;
    struct rl_vgxml_result res;
    struct rl_reports rs = parse("helgrind-wrheld.0.xml", RL_TOOL_HELGRIND, SRC "wrheld.c", &res);
    rl_kindset k = rl_reports_kinds(&rs);
    assert_true(k & RL_KINDSET(RL_KIND_DOUBLE_LOCK));
    assert_false(k & RL_KINDSET(RL_KIND_SYNC_MISUSE));
    assert_false(k & RL_KINDSET(RL_KIND_UNCLASSIFIED));
    rl_reports_free(&rs);
    rs = parse("drd-wrheld.0.xml", RL_TOOL_DRD, SRC "wrheld.c", &res);
    const struct rl_report *r = &rs.v[0];
    assert_int_equal(r->kind, RL_KIND_DOUBLE_LOCK);
    /* Its second stack is where DRD first saw the mutex: labelled, not glued on. */
    assert_non_null(strstr(r->excerpt, "   at second (wrheld.c:13)\n"));
    assert_non_null(strstr(r->excerpt, "\nmutex 0x10c060 was first observed at:\n"));
    assert_true(has_line(r, 13) && has_line(r, 21));
    rl_reports_free(&rs);
}

/* Both sides of a race (tests/fixtures/src/segrace.c: main reads on line 22, the writer wrote
 * on line 12): each stack is kept, after the words that name it (never glued to the one
 * before), and the case lines of both count for the marker rule. */
static void both_sides_of_a_race(void **state)
{
    (void)state;
    struct rl_vgxml_result res;
    struct rl_reports rs = parse("helgrind-segrace.0.xml", RL_TOOL_HELGRIND, SRC "segrace.c", &res);
    assert_int_equal(rs.n, 1);
    const struct rl_report *r = &rs.v[0];
    assert_int_equal(r->kind, RL_KIND_DATA_RACE);
    assert_non_null(strstr(r->excerpt, "   at main (segrace.c:22)\n"
                                       "This conflicts with a previous write of size 4 by "
                                       "thread #2\n"
                                       "   at writer (segrace.c:12)\n"));
    assert_null(strstr(r->excerpt, "not recorded"));
    assert_true(has_line(r, 22) && has_line(r, 12));
    /* The other side on its own (the JSON's "other"): its words and its stack only. */
    assert_int_equal(r->other, RL_OTHER_RECORDED);
    assert_string_equal(r->other_stack, "This conflicts with a previous write of size 4 by thread "
                                        "#2\n   at writer (segrace.c:12)\n   at ???\n"
                                        "   at start_thread (pthread_create.c:442)\n"
                                        "   at clone (clone.S:100)\n");
    rl_reports_free(&rs);

    rs = parse("drd-segrace.0.xml", RL_TOOL_DRD, SRC "segrace.c", &res);
    assert_int_equal(rs.n, 1);
    r = &rs.v[0];
    assert_int_equal(r->kind, RL_KIND_DATA_RACE);
    assert_non_null(strstr(r->excerpt, "\nOther segment start:\n   at clone (clone.S:83)\n"));
    assert_non_null(strstr(r->excerpt, "\nOther segment end:\n   at clock_nanosleep"));
    assert_null(strstr(r->excerpt, "not recorded"));
    /* DRD's segment ends in the writer's usleep, the line after its write. */
    assert_true(has_line(r, 22) && has_line(r, 13));
    /* Two stacks on the other side, each after its label; the first access is not in it. */
    assert_int_equal(r->other, RL_OTHER_RECORDED);
    assert_true(strncmp(r->other_stack, "Other segment start:\n   at clone (clone.S:83)\n", 46) ==
                0);
    assert_non_null(strstr(r->other_stack, "\nOther segment end:\n   at clock_nanosleep"));
    assert_non_null(strstr(r->other_stack, "   at writer (segrace.c:13)\n"));
    assert_null(strstr(r->other_stack, "main"));
    rl_reports_free(&rs);
}

/* The tool kept one side only: Helgrind --history-level=none, DRD --show-confl-seg=no, and
 * DRD when the other thread had finished (its segment's stacks are empty elements). */
static void other_side_not_recorded(void **state)
{
    (void)state;
    static const struct {
        const char *fixture;
        enum rl_tool_id tool;
        const char *src;
    } runs[] = {
        {"helgrind-segrace-nohistory.0.xml", RL_TOOL_HELGRIND, SRC "segrace.c"},
        {"helgrind-segrace-approx.0.xml", RL_TOOL_HELGRIND, SRC "segrace.c"},
        {"drd-segrace-noconflseg.0.xml", RL_TOOL_DRD, SRC "segrace.c"},
        {"drd-race.0.xml", RL_TOOL_DRD, SRC "race.c"},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct rl_vgxml_result res;
        struct rl_reports rs = parse(runs[i].fixture, runs[i].tool, runs[i].src, &res);
        assert_true(rs.n >= 1);
        assert_int_equal(rs.v[0].kind, RL_KIND_DATA_RACE);
        if (!strstr(rs.v[0].excerpt, "\nother access not recorded\n"))
            fail_msg("%s: %s", runs[i].fixture, rs.v[0].excerpt);
        assert_int_equal(rs.v[0].other, RL_OTHER_NOT_RECORDED);
        assert_null(strstr(rs.v[0].other_stack, "   at ")); /* no frame of it */
        assert_string_equal(rs.v[0].frame[1], "");          /* and no side */
        rl_reports_free(&rs);
    }
    /* --history-level=approx: Helgrind's words and the bounds of the other thread's segment
     * stay in the excerpt, each stack after its words; they are not the access. */
    struct rl_vgxml_result res;
    struct rl_reports rs =
        parse("helgrind-segrace-approx.0.xml", RL_TOOL_HELGRIND, SRC "segrace.c", &res);
    const char *e = rs.v[0].excerpt;
    const char *after = strstr(e, "\nThis conflicts with a previous access by thread #2, after\n");
    assert_non_null(after);
    assert_non_null(strstr(after, "\nbut before\n   at "));
    assert_non_null(strstr(after, "\nother access not recorded\n"));
    rl_reports_free(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(helgrind_and_drd_race),
        cmocka_unit_test(misuse_kinds),
        cmocka_unit_test(truncated_by_kill),
        cmocka_unit_test(one_file_per_process),
        cmocka_unit_test(byte_by_byte),
        cmocka_unit_test(unknown_and_malformed),
        cmocka_unit_test(every_element_known),
        cmocka_unit_test(pthapierror_keeps_the_call),
        cmocka_unit_test(mutex_held_twice_is_double_lock),
        cmocka_unit_test(both_sides_of_a_race),
        cmocka_unit_test(other_side_not_recorded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
