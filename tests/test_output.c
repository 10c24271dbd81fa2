/* Golden outputs (Valgrind's .stderr.exp discipline): what a person reads (the verdict text)
 * and what a script reads (racelab-run/1 JSON), rendered from fixed inputs (reports parsed
 * from the captured fixtures, fixed timings) and compared byte for byte with
 * tests/golden/<scenario>.{txt,json}.exp. A changed word fails the test and shows the first
 * line that differs; RACELAB_GOLDEN_UPDATE=1 rewrites the files, for review as a diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "annotate.h"
#include "junit.h"
#include "match.h"
#include "output.h"
#include "strv.h"
#include "sarif.h"
#include "tool.h"
#include "tsanlog.h"
#include "vgsched.h"
#include "vgxml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The path the fixture programs were built at (ci/capture-fixtures): their frames cite it. */
#define FIXTURE_SRC "/tmp/racelab-fixtures/race.c"
/* The source root the CI outputs' paths are relative to. */
#define FIXTURE_ROOT "/tmp/racelab-fixtures"

/* A case whose line 10 is the racy `counter++` of the fixture program (marked on `line`). */
static void race_case(struct rl_case *c, int marked_line)
{
    char text[2048];
    int n = snprintf(text, sizeof text,
                     "/* racelab-case\n"
                     " * concept: race\n"
                     " * variant: broken\n"
                     " * title: Two threads increment a counter without a lock\n"
                     " * lesson: counter++ is a read, an add and a write: without a lock, two "
                     "threads lose updates.\n"
                     " * expect tsan: data-race\n"
                     " * expect helgrind: data-race\n"
                     " * expect drd: data-race -- DRD folds the loop's reports into one\n"
                     " */\n");
    for (int line = 10; line <= 12; line++)
        n += snprintf(text + n, sizeof text - (size_t)n, "counter++;%s\n",
                      line == marked_line ? " /* racelab: data-race */" : "");
    char err[256];
    assert_int_equal(
        rl_case_parse("cases/race/golden_race.c", text, strlen(text), c, err, sizeof err), 0);
}

/* case_path: the case file the frames are checked against (NULL for a bare program). */
static void tsan_reports(const char *fixture, const char *case_path, struct rl_reports *rs)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", FIXTURES, fixture);
    assert_int_equal(rl_tsan_parse_file(path, case_path, 1233, rl_tool_sink, rs, NULL), 0);
}

/* Compares what was rendered with tests/golden/<scenario>.<suffix>.exp (or rewrites it). */
static void golden_compare(const char *scenario, const char *suffix, const char *rendered,
                           size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.%s.exp", GOLDEN, scenario, suffix);
    if (getenv("RACELAB_GOLDEN_UPDATE")) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fwrite(rendered, 1, len, f);
        assert_int_equal(fclose(f), 0);
        return;
    }
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("%s: %s (RACELAB_GOLDEN_UPDATE=1 writes it)", path, strerror(errno));
    static char expected[1 << 16];
    size_t got = fread(expected, 1, sizeof expected - 1, f);
    fclose(f);
    expected[got] = '\0';
    if (got == len && memcmp(expected, rendered, got) == 0)
        return;
    /* The first line that differs, numbered, both ways. */
    const char *a = expected, *b = rendered;
    int line = 1;
    while (*a && *a == *b) {
        line += *a == '\n';
        a++, b++;
    }
    while (a > expected && a[-1] != '\n')
        a--, b--;
    fail_msg("%s differs at line %d:\n  expected: %.*s\n  rendered: %.*s\n"
             "(RACELAB_GOLDEN_UPDATE=1 rewrites it; review the diff)",
             path, line, (int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
}

/* Renders a session's verdicts as a person and a script see them, and compares both with the
 * golden files. */
static void check_golden(const char *scenario, const struct rl_session *s, int verbose)
{
    char *text = NULL, *json = NULL;
    size_t text_len = 0, json_len = 0;
    FILE *t = open_memstream(&text, &text_len);
    assert_non_null(t);
    for (int i = 0; i < s->nruns; i++)
        rl_print_run(t, s, &s->runs[i], verbose);
    if (s->nruns > 1)
        rl_print_summary(t, s);
    fclose(t);
    FILE *j = open_memstream(&json, &json_len);
    assert_non_null(j);
    assert_int_equal(rl_write_json(j, s), 0);
    fclose(j);
    golden_compare(scenario, "txt", text, text_len);
    golden_compare(scenario, "json", json, json_len);
    free(text);
    free(json);
}

/* What CI systems read of the same session: JUnit XML, SARIF and GitHub's annotations
 * (ci/sarif-schema validates the .sarif.exp files; tests/cli/ci_outputs.sh parses them). */
static void check_golden_ci(const char *scenario, const struct rl_session *s)
{
    int (*const writers[])(FILE *, const struct rl_session *) = {rl_write_junit, rl_write_sarif,
                                                                 rl_write_annotations};
    const char *const suffix[] = {"junit.xml", "sarif", "annotations"};
    /* (Else the paths would be the working directory's.) */
    assert_non_null(s->set.source_root);
    for (int k = 0; k < 3; k++) {
        char *out = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&out, &len);
        assert_non_null(m);
        assert_true(writers[k](m, s) >= 0);
        fclose(m);
        golden_compare(scenario, suffix[k], out, len);
        free(out);
    }
}

static void outcome(struct rl_outcome *o, const struct rl_session *s, rl_kindset harness,
                    double seconds)
{
    o->result.harness |= harness;
    o->result.seconds = seconds;
    o->result.exit_code = harness & RL_KINDSET(RL_KIND_ASSERTION) ? 1 : 0;
    assert_int_equal(rl_match(s->c, s->expected, &o->result.reports, o->result.harness,
                              &o->result.stacks, &o->verdict),
                     0);
}

static void free_session(struct rl_session *s)
{
    for (int i = 0; i < s->nruns; i++) {
        rl_result_free(&s->runs[i].result);
        rl_verdict_free(&s->runs[i].verdict);
    }
}

static char *const bare_program[] = {"/usr/local/bin/racy-server", "--threads", "4", NULL};
static char *const no_strings[] = {NULL};

enum { bare_settings, case_settings };

/* What racelab's defaults are for the tool: a program of one's own runs in the caller's
 * folder with the tool's timeout, a case in its run folder with the case's. */
static struct rl_settings settings(enum rl_tool_id tool, int for_case)
{
    return (struct rl_settings){.timeout = for_case ? 10 : rl_tool_default_timeout(tool),
                                .cwd = for_case ? NULL : "/home/user/project",
                                .tool_options = no_strings,
                                .suppressions = no_strings};
}
static char *const case_program[] = {"build/cases/tsan/race/golden_race", NULL};

/* The gcc TSan race fixture against a case whose marker sits on marked_line (the race is on
 * line 10), rendered as scenario (and as scenario_verbose with the excerpts, when given). */
static void race_against_marker(int marked_line, double seconds, int want_pass,
                                const char *scenario, const char *scenario_verbose)
{
    struct rl_case c;
    race_case(&c, marked_line);
    struct rl_outcome run = {0};
    struct rl_session s = {.tool = RL_TOOL_TSAN,
                           .tool_version = "ThreadSanitizer (gcc 12.2.0)",
                           .c = &c,
                           .program = case_program,
                           .expected = RL_KINDSET(RL_KIND_DATA_RACE),
                           .set = settings(RL_TOOL_TSAN, case_settings),
                           .runs = &run,
                           .nruns = 1};
    tsan_reports("tsan-gcc-race.0.log", FIXTURE_SRC, &run.result.reports);
    /* The command as the runner writes it: what it set, then argv (shown with --verbose). */
    char *const vars[] = {"TMPDIR=/tmp/racelab.RUN/tmp",
                          "TSAN_OPTIONS=log_path=/tmp/racelab.RUN/logs/tsan log_exe_name=0", NULL};
    run.result.command = rl_shell_line(vars, case_program);
    char *const hand_vars[] = {"TSAN_OPTIONS=second_deadlock_stack=1", NULL};
    run.result.by_hand = rl_shell_line(hand_vars, case_program);
    outcome(&run, &s, 0, seconds);
    assert_int_equal(run.verdict.pass, want_pass);
    check_golden(scenario, &s, 0);
    if (scenario_verbose)
        check_golden(scenario_verbose, &s, 1);
    s.set.source_root = FIXTURE_ROOT;
    check_golden_ci(scenario, &s);
    free_session(&s);
    rl_case_free(&c);
}

/* A case whose race is caught on its marked line. */
static void pass_marked(void **state)
{
    (void)state;
    race_against_marker(10, 0.42, 1, "pass-marked", "pass-marked-verbose");
}

/* A program run with --expect: a lock-order expected, a race and a thread leak reported. */
static void fail_extra_missing(void **state)
{
    (void)state;
    struct rl_outcome run = {0};
    struct rl_session s = {.tool = RL_TOOL_TSAN,
                           .tool_version = "ThreadSanitizer (clang 14.0.6)",
                           .c = NULL,
                           .program = bare_program,
                           .expected = RL_KINDSET(RL_KIND_LOCK_ORDER),
                           .set = settings(RL_TOOL_TSAN, bare_settings),
                           .runs = &run,
                           .nruns = 1};
    tsan_reports("tsan-clang-race.0.log", NULL, &run.result.reports);
    tsan_reports("tsan-clang-leak.0.log", NULL, &run.result.reports);
    outcome(&run, &s, 0, 1.5);
    assert_false(run.verdict.pass);
    check_golden("fail-extra-missing", &s, 0);
    s.set.source_root = FIXTURE_ROOT;
    check_golden_ci("fail-extra-missing", &s);
    free_session(&s);
}

/* The race is reported, but on a line the case does not mark. */
static void wrong_line(void **state)
{
    (void)state;
    race_against_marker(11, 0.4, 0, "wrong-line", NULL);
}

/* An unexpected deadlock, with where each thread waited and its stack (the reply of Helgrind's
 * gdbserver at a real hang, tests/fixtures/helgrind-abba-vgdb.0.txt). */
static void hang(void **state)
{
    (void)state;
    struct rl_outcome run = {0};
    struct rl_session s = {.tool = RL_TOOL_HELGRIND,
                           .tool_version = "valgrind-3.19.0",
                           .c = NULL,
                           .program = bare_program,
                           .expected = 0,
                           .set = settings(RL_TOOL_HELGRIND, bare_settings),
                           .runs = &run,
                           .nruns = 1};
    run.result.hang_seconds = 0.61;
    snprintf(run.result.waits, sizeof run.result.waits,
             "pid 2 thread 2: state S, in futex (no timeout) [futex_wait_queue]\n"
             "pid 2 thread 3: state S, in futex (no timeout) [futex_wait_queue]\n");
    FILE *f = fopen(FIXTURES "/helgrind-abba-vgdb.0.txt", "rb");
    assert_non_null(f);
    static char reply[1 << 16];
    size_t len = fread(reply, 1, sizeof reply, f);
    fclose(f);
    run.result.stacks.source = "vgdb";
    assert_int_equal(rl_vgsched_parse(reply, len, 2, &run.result.stacks), 3);
    outcome(&run, &s, RL_KINDSET(RL_KIND_DEADLOCK), 1.9);
    assert_false(run.verdict.pass);
    check_golden("hang", &s, 0);
    s.set.source_root = FIXTURE_ROOT;
    check_golden_ci("hang", &s);
    free_session(&s);
}

/* Valgrind stopped before it finished its XML: a tool failure, never a clean verdict. */
/* A deadlock case whose markers are wrong twice: line 13 is marked and nobody sits there, and
 * the thread on line 26 sits on an unmarked line (the stacks: Helgrind's gdbserver at a real
 * hang of tests/fixtures/src/abba.c). */
static void hang_marked(void **state)
{
    (void)state;
    char text[4096];
    int n = snprintf(text, sizeof text,
                     "/"
                     "* racelab-case\n * concept: deadlock\n * variant: broken\n"
                     " * title: Two threads take two locks in opposite orders\n"
                     " * lesson: Take the locks in one global order.\n"
                     " * expect tsan: deadlock\n * expect helgrind: deadlock\n"
                     " * expect drd: deadlock\n *"
                     "/\n");
    for (int line = 10; line <= 40; line++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%s\n",
                      line == 13 || line == 17 || line == 36 ? "x(); /"
                                                               "* racelab: deadlock *"
                                                               "/"
                                                             : "x();");
    struct rl_case c;
    char err[1024];
    assert_int_equal(
        rl_case_parse("cases/deadlock/abba.c", text, strlen(text), &c, err, sizeof err), 0);
    struct rl_outcome run = {0};
    struct rl_session s = {.tool = RL_TOOL_HELGRIND,
                           .tool_version = "valgrind-3.19.0",
                           .c = &c,
                           .program = case_program,
                           .expected = RL_KINDSET(RL_KIND_DEADLOCK),
                           .set = settings(RL_TOOL_HELGRIND, case_settings),
                           .runs = &run,
                           .nruns = 1};
    run.result.hang_seconds = 0.84;
    FILE *f = fopen(FIXTURES "/helgrind-abba-vgdb.0.txt", "rb");
    assert_non_null(f);
    static char reply[1 << 16];
    size_t len = fread(reply, 1, sizeof reply, f);
    fclose(f);
    run.result.stacks.source = "vgdb";
    assert_int_equal(rl_vgsched_parse(reply, len, 2, &run.result.stacks), 3);
    outcome(&run, &s, RL_KINDSET(RL_KIND_DEADLOCK), 1.2);
    assert_false(run.verdict.pass);
    assert_int_equal(run.verdict.hang_unmet, 1);
    assert_int_equal(run.verdict.hang_unmarked, 1);
    check_golden("hang-marked", &s, 0);
    free_session(&s);
    rl_case_free(&c);
}

static void tool_failure(void **state)
{
    (void)state;
    char dir[] = "/tmp/racelab-golden.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char from[512], to[512], cmd[1200];
    snprintf(from, sizeof from, "%s/helgrind-race-truncated.xml", FIXTURES);
    snprintf(to, sizeof to, "%s/vg.7.1.xml", dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
    assert_int_equal(system(cmd), 0);
    struct rl_outcome run = {0};
    struct rl_session s = {.tool = RL_TOOL_HELGRIND,
                           .tool_version = "valgrind-3.19.0",
                           .c = NULL,
                           .program = bare_program,
                           .expected = 0,
                           .set = settings(RL_TOOL_HELGRIND, bare_settings),
                           .runs = &run,
                           .nruns = 1};
    struct rl_tool_run tr = {.dir = dir, .program = bare_program};
    assert_int_equal(rl_tool_get(RL_TOOL_HELGRIND)->collect(&tr, &run.result.reports), 0);
    outcome(&run, &s, 0, 2.25);
    assert_false(run.verdict.pass);
    /* The run's directory is in the failure's words: name it the same every time. */
    for (size_t i = 0; i < run.result.reports.n; i++) {
        char *h = run.result.reports.v[i].headline, *at = strstr(h, dir);
        if (at)
            memcpy(at, "/tmp/racelab-golden.RUNDIR", strlen(dir));
    }
    check_golden("tool-failure", &s, 0);
    free_session(&s);
    unlink(to);
    rmdir(dir);
}

/* A report that racelab makes itself: who says so ("daemon", "racelab"), its kind, its words. */
static void said(struct rl_reports *rs, const char *who, enum rl_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void said(struct rl_reports *rs, const char *who, enum rl_kind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rl_reports_vaddf(rs, kind, who, fmt, ap);
    va_end(ap);
}

/* The daemon checker's findings, as it words them. */
static void daemon_checks(void **state)
{
    (void)state;
    struct rl_case c;
    static const char text[] = "/* racelab-case\n"
                               " * concept: daemon\n"
                               " * variant: broken\n"
                               " * title: A daemon that keeps its working directory\n"
                               " * lesson: A daemon changes to / so it pins no mount point.\n"
                               " * expect tsan: clean -- the thread tools cannot see a cwd\n"
                               " * expect helgrind: clean\n"
                               " * expect drd: clean\n"
                               " * expect daemon: cwd\n"
                               " */\n"
                               "int main(void) { return 0; }\n";
    char err[256];
    assert_int_equal(
        rl_case_parse("cases/daemon/keeps_cwd.c", text, strlen(text), &c, err, sizeof err), 0);
    struct rl_outcome run[2];
    memset(run, 0, sizeof run);
    struct rl_session s = {.tool = RL_TOOL_DAEMON,
                           .tool_version = "racelab daemon checker",
                           .c = &c,
                           .program = case_program,
                           .expected = RL_KINDSET(RL_KIND_CWD),
                           .set = settings(RL_TOOL_DAEMON, case_settings),
                           .runs = run,
                           .nruns = 2};
    static const char cwd[] = "the daemon's working directory is %s, not /";
    said(&run[0].result.reports, "daemon", RL_KIND_CWD, cwd, "/tmp/racelab.RUN");
    outcome(&run[0], &s, 0, 0.83);
    said(&run[1].result.reports, "daemon", RL_KIND_CWD, cwd, "/tmp/racelab.RUN");
    said(&run[1].result.reports, "daemon", RL_KIND_PIDFILE,
         "the pidfile is not locked: a second instance could start beside "
         "this one%s",
         "");
    outcome(&run[1], &s, 0, 0.91);
    assert_true(run[0].verdict.pass);
    assert_false(run[1].verdict.pass);
    check_golden("daemon", &s, 0);
    free_session(&s);
    rl_case_free(&c);
}

/* Whether the n bytes at s are valid UTF-8 (RFC 3629: no overlong form, no surrogate). */
static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        size_t len = c < 0x80                 ? 1
                     : c >= 0xc2 && c <= 0xdf ? 2
                     : c >= 0xe0 && c <= 0xef ? 3
                     : c >= 0xf0 && c <= 0xf4 ? 4
                                              : 0;
        if (!len || i + len > n)
            return 0;
        unsigned cp = c & (0xff >> (len + 1));
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3f);
        }
        if (len > 1 && ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
                        (len == 4 && (cp < 0x10000 || cp > 0x10ffff))))
            return 0;
        i += len;
    }
    return 1;
}

/* A hostile program (issue 12): a path with a newline, ESC, CR, a C1 control, a backslash
 * and a byte that is no UTF-8, a tool text with escapes, and a stderr that tries to erase its
 * own FAIL block and draw a green PASS. The text shows each such byte escaped (\xNN, \u00NN,
 * \\) and every verdict line whole; the JSON is valid UTF-8 (U+FFFD for the bad byte). The
 * Helgrind race in it shows both its sides. */
static void hostile_bytes(void **state)
{
    (void)state;
    static char path[] = "/tmp/evil\n\x1b[2K\rPASS tsan:ok \xc2\x9b\\x \xff\xfe/prog";
    static char arg[] = "--title=\x1b]0;owned\x07";
    char *const program[] = {path, arg, NULL};
    struct rl_outcome run = {0};
    struct rl_session s = {.tool = RL_TOOL_HELGRIND,
                           .tool_version = "valgrind-3.19.0\x1b[0m",
                           .c = NULL,
                           .program = program,
                           .expected = 0,
                           .set = settings(RL_TOOL_HELGRIND, bare_settings),
                           .runs = &run,
                           .nruns = 1};
    char xml[512];
    snprintf(xml, sizeof xml, "%s/helgrind-segrace.0.xml", FIXTURES);
    struct rl_vgxml_result vres;
    assert_int_equal(
        rl_vgxml_parse_file(xml, RL_TOOL_HELGRIND, NULL, rl_tool_sink, &run.result.reports, &vres),
        0);
    struct rl_report lie = {.kind = RL_KIND_UNCLASSIFIED, .tool_kind = "tsan"};
    snprintf(lie.headline, sizeof lie.headline, "a headline\r\x1b[31mthat lies\x1b[0m\n\xe2\x82");
    rl_excerpt_append(&lie.excerpt, "WARNING: ThreadSanitizer: \x1b[2Jcleared\r");
    rl_reports_add(&run.result.reports, &lie);
    snprintf(run.result.stderr_tail, sizeof run.result.stderr_tail,
             "\x1b[1A\x1b[2K\x1b[32mPASS\x1b[0m all good\r\n"
             "tab\there, euro \xe2\x82\xac, C1 \xc2\x9b, bad \xff, DEL \x7f\n");
    outcome(&run, &s, 0, 1.0);
    assert_false(run.verdict.pass);
    check_golden("hostile", &s, 1);
    s.set.source_root = FIXTURE_ROOT;
    check_golden_ci("hostile", &s);

    char *text = NULL, *json = NULL;
    size_t text_len = 0, json_len = 0;
    FILE *t = open_memstream(&text, &text_len);
    rl_print_run(t, &s, &run, 1);
    fclose(t);
    for (size_t i = 0; i < text_len; i++)
        if (((unsigned char)text[i] < 0x20 && text[i] != '\n') || text[i] == 0x7f)
            fail_msg("a raw control byte 0x%02x at offset %zu of the text", text[i], i);
    assert_true(valid_utf8((const unsigned char *)text, text_len));
    assert_null(strstr(text, "\xc2\x9b"));
    /* The first line is the whole verdict line, the path escaped in it. */
    assert_int_equal(strncmp(text, "FAIL helgrind:/tmp/evil\\x0a\\x1b[2K\\x0dPASS", 40), 0);
    assert_non_null(
        strstr(text, "\\u009b\\\\x \\xff\\xfe/prog (valgrind-3.19.0\\x1b[0m, 1.00 s)\n"));
    FILE *j = open_memstream(&json, &json_len);
    assert_int_equal(rl_write_json(j, &s), 0);
    fclose(j);
    assert_true(valid_utf8((const unsigned char *)json, json_len));
    for (size_t i = 0; i + 1 < json_len; i++)
        if ((unsigned char)json[i] < 0x20 || json[i] == 0x7f)
            fail_msg("a raw control byte 0x%02x at offset %zu of the JSON", json[i], i);
    assert_non_null(strstr(json, "\\u009b\\\\x \\ufffd\\ufffd/prog"));
    free(text);
    free(json);
    free_session(&s);
}

/* The other side of a race as a person and a script see it, not glued to the first access:
 * DRD's other segment (its start and end stacks, each after its label), and Helgrind
 * --history-level=approx, which keeps only the bounds of the other thread's segment (the
 * access itself not recorded). tests/fixtures/src/segrace.c: main reads on line 22, the
 * writer wrote on line 12. */
static void other_side(enum rl_tool_id tool, const char *fixture, const char *scenario)
{
    struct rl_outcome run = {0};
    struct rl_session s = {.tool = tool,
                           .tool_version = "valgrind-3.19.0",
                           .c = NULL,
                           .program = bare_program,
                           .expected = RL_KINDSET(RL_KIND_DATA_RACE),
                           .set = settings(tool, bare_settings),
                           .runs = &run,
                           .nruns = 1};
    char xml[512];
    snprintf(xml, sizeof xml, "%s/%s", FIXTURES, fixture);
    struct rl_vgxml_result vres;
    assert_int_equal(rl_vgxml_parse_file(xml, tool, NULL, rl_tool_sink, &run.result.reports, &vres),
                     0);
    outcome(&run, &s, 0, 1.25);
    assert_true(run.verdict.pass);
    check_golden(scenario, &s, 1);
    free_session(&s);
}

static void other_side_drd_segment(void **state)
{
    (void)state;
    other_side(RL_TOOL_DRD, "drd-segrace.0.xml", "other-side-drd");
}

static void other_side_not_recorded(void **state)
{
    (void)state;
    other_side(RL_TOOL_HELGRIND, "helgrind-segrace-approx.0.xml", "other-side-not-recorded");
}

/* A program of one's own with every option set: a failing exit status, as the program's
 * stdout and stderr are shown, and every option in effect on one line and in the JSON. */
static void own_program_options(void **state)
{
    (void)state;
    static char *const options[] = {"--check-stack-var=yes", "--history-level=approx", NULL};
    static char *const suppressions[] = {"/home/user/project/pool.supp", NULL};
    struct rl_outcome run = {0};
    struct rl_session s = {.tool = RL_TOOL_DRD,
                           .tool_version = "valgrind-3.19.0",
                           .program = bare_program,
                           .set = {.name = "pool_stress",
                                   .timeout = 120,
                                   .exit_status = 3,
                                   .cwd = "/home/user/project/build",
                                   .stdin_path = "/home/user/project/input.txt",
                                   .output = 0,
                                   .tool_options = options,
                                   .suppressions = suppressions,
                                   .env_name = "VALGRIND_OPTS",
                                   .env_value = "--num-callers=30"},
                           .runs = &run,
                           .nruns = 1};
    snprintf(run.result.stdout_tail, sizeof run.result.stdout_tail, "pool: 8 workers\n");
    snprintf(run.result.stderr_tail, sizeof run.result.stderr_tail, "pool: queue full\n");
    outcome(&run, &s, RL_KINDSET(RL_KIND_ASSERTION), 3.5);
    assert_false(run.verdict.pass);
    check_golden("own-program-options", &s, 0);
    s.set.source_root = "/home/user/project";
    check_golden_ci("own-program-options", &s);
    free_session(&s);
}

/* A server driven with --serve: its readiness and clients in the options, a client that
 * failed (an assertion racelab says itself) and a stop that did not come. */
static void serve_client_failed(void **state)
{
    (void)state;
    static char *const clients[] = {"./client $RACELAB_PORT", "curl -fs localhost:$RACELAB_PORT",
                                    NULL};
    static char *const none[] = {NULL};
    static const struct rl_serve serve = {.ready = {.how = RL_READY_LISTEN}, .clients = clients};
    struct rl_outcome run = {0};
    struct rl_session s = {.tool = RL_TOOL_HELGRIND,
                           .tool_version = "valgrind-3.19.0",
                           .program = bare_program,
                           .set = {.timeout = 60,
                                   .cwd = "/home/user/project",
                                   .tool_options = none,
                                   .suppressions = none,
                                   .serve = &serve},
                           .runs = &run,
                           .nruns = 1};
    said(&run.result.reports, "racelab", RL_KIND_ASSERTION, "client %s exited with status 7: %s",
         "2 (`curl -fs localhost:$RACELAB_PORT`)", "curl: (7) Connection refused");
    said(&run.result.reports, "racelab", RL_KIND_NO_CLEAN_STOP, "%s",
         "the server was still running 60.0 s after SIGTERM");
    outcome(&run, &s, 0, 62.1);
    assert_false(run.verdict.pass);
    check_golden("serve-client-failed", &s, 0);
    free_session(&s);
}

/* Three runs of a program that races, the race seen in two (--min-pass 2): SARIF gives the
 * race once, seen in 2 runs; JUnit skips the run the session can afford to lose; no
 * annotation, since the session passed. The same runs without --min-pass fail. */
static void runs_min_pass(void **state)
{
    (void)state;
    struct rl_outcome runs[3];
    memset(runs, 0, sizeof runs);
    struct rl_session s = {.tool = RL_TOOL_TSAN,
                           .tool_version = "ThreadSanitizer (gcc 12.2.0)",
                           .program = bare_program,
                           .expected = RL_KINDSET(RL_KIND_DATA_RACE),
                           .set = settings(RL_TOOL_TSAN, bare_settings),
                           .runs = runs,
                           .nruns = 3,
                           .min_pass = 2};
    s.set.name = "pool_stress";
    s.set.source_root = FIXTURE_ROOT;
    for (int i = 0; i < 3; i++) {
        if (i != 1)
            tsan_reports("tsan-gcc-race.0.log", NULL, &runs[i].result.reports);
        outcome(&runs[i], &s, 0, 0.5 + i);
    }
    check_golden("runs-min-pass", &s, 0);
    check_golden_ci("runs-min-pass", &s);
    s.min_pass = 0;
    check_golden_ci("runs-failed", &s);
    free_session(&s);
}

/* Paths for a reader of the repository: relative inside the root, absolute outside it. */
static void source_paths(void **state)
{
    (void)state;
    char out[256];
    assert_int_equal(rl_source_path("/nonexistent/src/./a//b.c", "/nonexistent", out, sizeof out),
                     1);
    assert_string_equal(out, "src/a/b.c");
    assert_int_equal(rl_source_path("/nonexistent/x/../y.c", "/nonexistent/", out, sizeof out), 1);
    assert_string_equal(out, "y.c");
    assert_int_equal(rl_source_path("/nonexistentx/y.c", "/nonexistent", out, sizeof out), 0);
    assert_string_equal(out, "/nonexistentx/y.c");
    assert_int_equal(rl_source_path("./pool.c", "/nonexistent", out, sizeof out), 1);
    assert_string_equal(out, "pool.c");
    assert_int_equal(rl_source_path("/a/b.c", "/", out, sizeof out), 1);
    assert_string_equal(out, "a/b.c");
    assert_int_equal(rl_source_path("/nonexistent/long-name.c", "/nonexistent", out, 4), -1);
}

/* A flood of distinct reports: two groups kept, the rest counted as "N more distinct
 * reports" (set by hand: the grouping itself is test_report's); the second run saw more than
 * the fingerprints can tell apart, so its count is a lower bound. */
static void distinct_flood(void **state)
{
    (void)state;
    struct rl_outcome runs[2];
    memset(runs, 0, sizeof runs);
    struct rl_session s = {.tool = RL_TOOL_DRD,
                           .tool_version = "valgrind-3.19.0",
                           .c = NULL,
                           .program = bare_program,
                           .expected = RL_KINDSET(RL_KIND_DATA_RACE),
                           .set = settings(RL_TOOL_DRD, bare_settings),
                           .runs = runs,
                           .nruns = 2};
    for (int i = 0; i < 2; i++) {
        struct rl_reports *rs = &runs[i].result.reports;
        for (int line = 10; line <= 11; line++) {
            struct rl_report r = {.kind = RL_KIND_DATA_RACE, .pid = 2};
            snprintf(r.tool_kind, sizeof r.tool_kind, "ConflictingAccess");
            snprintf(r.headline, sizeof r.headline,
                     "Conflicting store by thread 2 at 0x%08x size 4", line * 4);
            snprintf(r.location, sizeof r.location, "flood.c:%d", line);
            snprintf(r.frame[0], sizeof r.frame[0], "flood.c:%d:work", line);
            rl_reports_add(rs, &r);
        }
        rs->total += i ? 2000000 : 999998;
        rs->dropped = i ? 2000000 : 999998;
        rs->more_distinct = i ? RL_REPORTS_MAX_UNKEPT : 999998;
        rs->more_distinct_capped = i;
        rs->dropped_kinds = RL_KINDSET(RL_KIND_DATA_RACE);
        outcome(&runs[i], &s, 0, 1.5);
        assert_true(runs[i].verdict.pass);
    }
    check_golden("distinct-flood", &s, 0);
    free_session(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pass_marked),
        cmocka_unit_test(fail_extra_missing),
        cmocka_unit_test(wrong_line),
        cmocka_unit_test(hang),
        cmocka_unit_test(hang_marked),
        cmocka_unit_test(tool_failure),
        cmocka_unit_test(daemon_checks),
        cmocka_unit_test(hostile_bytes),
        cmocka_unit_test(own_program_options),
        cmocka_unit_test(other_side_drd_segment),
        cmocka_unit_test(other_side_not_recorded),
        cmocka_unit_test(serve_client_failed),
        cmocka_unit_test(runs_min_pass),
        cmocka_unit_test(source_paths),
        cmocka_unit_test(distinct_flood),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
