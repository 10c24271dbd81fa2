/* Baselines (baseline.c) on reports read from real fixtures: what an entry holds, that a run
 * matches it whatever its addresses, pids, thread numbers and side order, that a bad file is
 * told line by line, and the tools' own suppression files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "baseline.h"
#include "tool.h"
#include "tsanlog.h"
#include "vgxml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void read_fixture(const char *name, struct rl_reports *rs)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", FIXTURES, name);
    memset(rs, 0, sizeof *rs);
    if (strstr(name, ".xml")) {
        struct rl_vgxml_result res;
        enum rl_tool_id tool = strncmp(name, "drd", 3) == 0 ? RL_TOOL_DRD : RL_TOOL_HELGRIND;
        assert_int_equal(rl_vgxml_parse_file(path, tool, NULL, rl_tool_sink, rs, &res), 0);
    } else {
        assert_int_equal(rl_tsan_parse_file(path, NULL, 1, rl_tool_sink, rs, NULL), 0);
    }
    assert_true(rs->n > 0);
}

/* What --baseline-write writes, as text. */
static char *written(const struct rl_baseline *b)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(rl_baseline_write(f, b), 0);
    assert_int_equal(fclose(f), 0);
    return text;
}

static char *checked(struct rl_baseline *b, enum rl_tool_id tool, const struct rl_reports *rs,
                     rl_kindset harness, int *fresh)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    *fresh = rl_baseline_check(b, tool, rs, harness, f);
    assert_int_equal(fclose(f), 0);
    return text;
}

/* An entry is kind, tool, and each side's innermost frame of the program's own code; the
 * lock-order report's two sides are its two edges. */
static void entries_from_real_reports(void **state)
{
    (void)state;
    struct rl_reports race, order, vg;
    read_fixture("tsan-gcc-race.0.log", &race);
    read_fixture("tsan-gcc-lockorder.0.log", &order);
    read_fixture("helgrind-segrace.0.xml", &vg);
    struct rl_baseline b = {0};
    assert_int_equal(rl_baseline_add(&b, RL_TOOL_TSAN, &race, RL_KINDSET(RL_KIND_DEADLOCK)), 0);
    assert_int_equal(rl_baseline_add(&b, RL_TOOL_TSAN, &order, 0), 0);
    assert_int_equal(rl_baseline_add(&b, RL_TOOL_HELGRIND, &vg, 0), 0);
    char *text = written(&b);
    const char *lines[] = {
        "\ndata-race helgrind segrace.c:12:writer segrace.c:22:main\n",
        "\ndata-race tsan race.c:10:work race.c:10:work\n",
        "\ndeadlock tsan - -\n",
        "\nlock-order tsan lockorder.c:10:ab lockorder.c:20:ba\n",
    };
    const char *from = text;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        const char *at = strstr(from, lines[i]);
        if (!at)
            fail_msg("'%s' missing or out of order in:\n%s", lines[i] + 1, text);
        from = at + 1;
    }
    assert_int_equal(text[0], '#');
    /* Written twice, the same: adding what is there adds nothing. */
    assert_int_equal(rl_baseline_add(&b, RL_TOOL_TSAN, &race, 0), 0);
    assert_int_equal(b.n, 4);
    /* What it wrote reads back as the same entries. */
    struct rl_baseline again;
    char err[1024];
    if (rl_baseline_parse("b.txt", text, strlen(text), &again, err, sizeof err) < 0)
        fail_msg("%s", err);
    assert_int_equal(again.n, 4);
    char *text2 = written(&again);
    assert_string_equal(text, text2);
    free(text);
    free(text2);
    rl_baseline_free(&again);
    rl_baseline_free(&b);
    rl_reports_free(&race);
    rl_reports_free(&order);
    rl_reports_free(&vg);
}

/* The same race in another run: other pid, other addresses, other thread numbers, and the
 * sides the other way round (which access TSan calls the previous one changes). */
static const char other_run[] =
    "==================\n"
    "WARNING: ThreadSanitizer: data race (pid=98765)\n"
    "  Write of size 4 at 0x7b0400000010 by thread T7:\n"
    "    #0 work /tmp/racelab-fixtures/race.c:10 (race.tsan.gcc+0x11f0)\n"
    "\n"
    "  Previous read of size 4 at 0x7b0400000010 by thread T9:\n"
    "    #0 work /tmp/racelab-fixtures/race.c:10 (race.tsan.gcc+0x11cf)\n"
    "\n"
    "  Location is global 'counter' of size 4 at 0x7b0400000010 (race.tsan.gcc+0x405c)\n"
    "\n"
    "  Thread T7 (tid=98767, running) created by main thread at:\n"
    "    #0 pthread_create ../../../../src/libsanitizer/tsan/tsan_interceptors_posix.cpp:1001 "
    "(libtsan.so.2+0x5e686)\n"
    "    #1 main /tmp/racelab-fixtures/race.c:19 (race.tsan.gcc+0x124d)\n"
    "\n"
    "SUMMARY: ThreadSanitizer: data race /tmp/racelab-fixtures/race.c:10 in work\n"
    "==================\n";

static void matching_ignores_addresses_pids_threads_and_order(void **state)
{
    (void)state;
    struct rl_reports first, second = {0}, vg;
    read_fixture("tsan-gcc-lockorder.0.log", &first);
    struct rl_baseline b = {0};
    assert_int_equal(rl_baseline_add(&b, RL_TOOL_TSAN, &first, 0), 0);
    /* The lock cycle with its sides swapped in the file. */
    char *text = written(&b);
    char *swapped = strstr(text, "lockorder.c:10:ab lockorder.c:20:ba");
    assert_non_null(swapped);
    memcpy(swapped, "lockorder.c:20:ba lockorder.c:10:ab", 35);
    rl_baseline_free(&b);
    char err[1024];
    assert_int_equal(rl_baseline_parse("b.txt", text, strlen(text), &b, err, sizeof err), 0);
    free(text);
    int fresh;
    char *out = checked(&b, RL_TOOL_TSAN, &first, 0, &fresh);
    assert_int_equal(fresh, 0);
    assert_string_equal(out, "");
    free(out);

    struct rl_tsan_parser p;
    rl_tsan_init(&p, NULL, 98765, rl_tool_sink, &second);
    char *copy = strdup(other_run);
    for (char *save = NULL, *line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save))
        rl_tsan_line(&p, line);
    rl_tsan_finish(&p);
    free(copy);
    struct rl_reports race;
    read_fixture("tsan-gcc-race.0.log", &race);
    rl_baseline_free(&b);
    assert_int_equal(rl_baseline_add(&b, RL_TOOL_TSAN, &race, 0), 0);
    out = checked(&b, RL_TOOL_TSAN, &second, 0, &fresh);
    assert_int_equal(fresh, 0);
    free(out);
    /* The same program's race under Helgrind is not TSan's entry: the tool is part of it. */
    read_fixture("helgrind-race.0.xml", &vg);
    out = checked(&b, RL_TOOL_HELGRIND, &vg, 0, &fresh);
    assert_int_equal(fresh, 1);
    assert_non_null(strstr(out, "  new: data-race helgrind race.c:10:work race.c:10:work ("));
    free(out);
    rl_baseline_free(&b);
    rl_reports_free(&first);
    rl_reports_free(&second);
    rl_reports_free(&race);
    rl_reports_free(&vg);
}

/* A new report fails naming its file:line; an entry no run matched is "fixed", with the
 * baseline's own file:line; unclassified reports and dropped groups are always new. */
static void new_and_fixed(void **state)
{
    (void)state;
    static const char file[] = "# known\n"
                               "\n"
                               "data-race tsan race.c:10:work race.c:10:work\n"
                               "lock-order tsan lockorder.c:10:ab lockorder.c:20:ba\n"
                               "data-race helgrind race.c:10:work race.c:10:work\n";
    struct rl_baseline b;
    char err[1024];
    assert_int_equal(rl_baseline_parse("known.txt", file, strlen(file), &b, err, sizeof err), 0);
    struct rl_reports race, leak;
    read_fixture("tsan-gcc-race.0.log", &race);
    read_fixture("tsan-gcc-leak.0.log", &leak);
    int fresh;
    char *out = checked(&b, RL_TOOL_TSAN, &race, 0, &fresh);
    assert_int_equal(fresh, 0);
    free(out);
    out = checked(&b, RL_TOOL_TSAN, &leak, RL_KINDSET(RL_KIND_TIMEOUT), &fresh);
    assert_int_equal(fresh, 2);
    assert_non_null(strstr(out, "  new: thread-leak tsan leak.c:13:main - (thread leak)\n"));
    assert_non_null(strstr(out, "  new: timeout tsan - - (seen by racelab)\n"));
    free(out);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(rl_baseline_fixed(&b, RL_TOOL_TSAN, "known.txt", f), 1);
    fclose(f);
    assert_string_equal(text, "  fixed: remove from the baseline: known.txt:4: lock-order tsan "
                              "lockorder.c:10:ab lockorder.c:20:ba\n");
    free(text);
    /* Helgrind's entry is not TSan's to call fixed. */
    assert_int_equal(rl_baseline_fixed(&b, RL_TOOL_HELGRIND, "known.txt", NULL), 1);

    struct rl_reports odd = {0};
    struct rl_report u = {.kind = RL_KIND_UNCLASSIFIED};
    snprintf(u.headline, sizeof u.headline, "FATAL: ThreadSanitizer: \x1b[2Jodd");
    rl_reports_add(&odd, &u);
    odd.dropped = 3;
    out = checked(&b, RL_TOOL_TSAN, &odd, 0, &fresh);
    assert_int_equal(fresh, 2);
    assert_non_null(strstr(out, "unclassified tsan - - (FATAL: ThreadSanitizer: ?[2Jodd; a "
                                "failure of the tool: never baselined)"));
    assert_non_null(strstr(out, "3 reports past the limit"));
    free(out);
    rl_reports_free(&odd);
    rl_reports_free(&race);
    rl_reports_free(&leak);
    rl_baseline_free(&b);
}

/* A bad baseline: every error, each with the file and its line. */
static void bad_files(void **state)
{
    (void)state;
    static const char file[] = "# a comment\n"
                               "data-race tsan race.c:10:work\n"            /* 2 */
                               "data-rice tsan - -\n"                       /* 3 */
                               "unclassified tsan - -\n"                    /* 4 */
                               "data-race memcheck - -\n"                   /* 5 */
                               "held-lock-exit tsan - -\n"                  /* 6 */
                               "data-race tsan race.c:work race.c:0:work\n" /* 7 */
                               "data-race tsan race.c:10:work -\n"          /* 8 */
                               "data-race tsan - race.c:10:work\n"          /* 9 */
                               "data-race tsan a b c d\n"                   /* 10 */
                               "   \t\n";
    struct rl_baseline b;
    char err[4096];
    assert_int_equal(rl_baseline_parse("bad.txt", file, strlen(file), &b, err, sizeof err), -1);
    const char *want[] = {
        "bad.txt:2: expected 'KIND TOOL FRAME OTHER' (4 fields), found 3",
        "bad.txt:3: unknown kind 'data-rice'",
        "bad.txt:4: 'unclassified' is a failure of the tool",
        "bad.txt:5: unknown tool 'memcheck'",
        "bad.txt:6: tsan never reports 'held-lock-exit'",
        "bad.txt:7: 'race.c:work' is not a frame",
        "bad.txt:7: 'race.c:0:work' is not a frame",
        "bad.txt:9: the same report as line 8",
        "bad.txt:10: expected 'KIND TOOL FRAME OTHER' (4 fields), found more than 4",
    };
    const char *from = err;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *at = strstr(from, want[i]);
        if (!at)
            fail_msg("'%s' missing or out of order in:\n%s", want[i], err);
        from = at + strlen(want[i]);
    }
    assert_int_equal(b.n, 0);
    /* A file that cannot be read says so, with its name. */
    assert_int_equal(rl_baseline_read("/nonexistent/b.txt", &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/b.txt: cannot read the baseline"));
    /* A NUL byte is no text. */
    assert_int_equal(rl_baseline_parse("nul.txt", "x\0y\n", 4, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "nul.txt:1: a NUL byte"));
}

static char *suppressions(enum rl_tool_id tool, const struct rl_reports *const *runs, int n,
                          int *entries)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    *entries = rl_suppressions_write(f, tool, runs, n);
    fclose(f);
    return text;
}

/* TSan: one anchored line per report and function; Valgrind: its own block, named. */
static void suppression_files(void **state)
{
    (void)state;
    struct rl_reports race, order, leak, hg;
    read_fixture("tsan-gcc-race.0.log", &race);
    read_fixture("tsan-clang-lockorder.0.log", &order);
    read_fixture("tsan-gcc-leak.0.log", &leak);
    const struct rl_reports *runs[] = {&race, &order, &leak, &race};
    int n;
    char *text = suppressions(RL_TOOL_TSAN, runs, 4, &n);
    assert_int_equal(n, 3);
    assert_string_equal(text, "# tsan suppressions written by racelab run --gen-suppressions, one "
                              "per report.\n"
                              "race:^work$\n"
                              "deadlock:^ab$\n"
                              "thread:^main$\n");
    free(text);
    read_fixture("helgrind-race-supp.0.xml", &hg);
    const struct rl_reports *vg[] = {&hg};
    text = suppressions(RL_TOOL_HELGRIND, vg, 1, &n);
    assert_int_equal(n, 1);
    assert_non_null(strstr(text, "{\n   racelab:data-race:race.c:10:work\n   Helgrind:Race\n"
                                 "   fun:work\n"));
    assert_non_null(strstr(text, "\n}\n"));
    free(text);
    /* Without --gen-suppressions Valgrind gave none: said, not invented. */
    struct rl_reports plain;
    read_fixture("drd-race.0.xml", &plain);
    const struct rl_reports *none[] = {&plain};
    text = suppressions(RL_TOOL_DRD, none, 1, &n);
    assert_int_equal(n, 0);
    assert_non_null(strstr(text, "# no suppression for data-race at race.c:10:work (the tool gave "
                                 "none)\n"));
    free(text);
    rl_reports_free(&race);
    rl_reports_free(&order);
    rl_reports_free(&leak);
    rl_reports_free(&hg);
    rl_reports_free(&plain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(entries_from_real_reports),
        cmocka_unit_test(matching_ignores_addresses_pids_threads_and_order),
        cmocka_unit_test(new_and_fixed),
        cmocka_unit_test(bad_files),
        cmocka_unit_test(suppression_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
