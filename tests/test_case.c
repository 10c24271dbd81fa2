/* The case-header parser: good headers, every kind of bad one, and markers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char good[] = "/* racelab-case\n"
                           " * concept: race\n"
                           " * variant: broken\n"
                           " * twin: counter_mutex\n"
                           " * title: Two threads increment a shared counter\n"
                           " * lesson: counter++ is a load, an add and a store;\n"
                           " *   two threads interleave them.\n"
                           " * timeout: 7\n"
                           " * expect tsan: data-race\n"
                           " * expect helgrind: data-race, held-lock-exit -- Helgrind sees more.\n"
                           " * expect drd: clean -- DRD misses it.\n"
                           " */\n"
                           "#include <pthread.h>\n"
                           "int counter;\n"
                           "void f(void) { counter++; /* racelab: data-race */ }\n"
                           "void g(void) { counter--; // racelab: data-race\n"
                           "}\n"
                           "void h(void) { /* racelab: held-lock-exit */ }\n";

static int parse(const char *text, struct rl_case *c, char *err)
{
    return rl_case_parse("cases/race/counter_unlocked.c", text, strlen(text), c, err, 512);
}

static void good_header(void **state)
{
    (void)state;
    struct rl_case c;
    char err[512];
    assert_int_equal(parse(good, &c, err), 0);
    assert_string_equal(c.concept, "race");
    assert_string_equal(c.name, "counter_unlocked");
    assert_string_equal(c.variant, "broken");
    assert_string_equal(c.twin, "counter_mutex");
    assert_string_equal(c.lesson,
                        "counter++ is a load, an add and a store; two threads interleave them.");
    assert_int_equal(c.timeout, 7);
    assert_int_equal(c.expect[RL_TOOL_TSAN].kinds, RL_KINDSET(RL_KIND_DATA_RACE));
    assert_int_equal(c.expect[RL_TOOL_HELGRIND].kinds,
                     RL_KINDSET(RL_KIND_DATA_RACE) | RL_KINDSET(RL_KIND_HELD_LOCK_EXIT));
    assert_string_equal(c.expect[RL_TOOL_HELGRIND].note, "Helgrind sees more.");
    assert_int_equal(c.expect[RL_TOOL_DRD].kinds, 0);
    assert_string_equal(c.expect[RL_TOOL_DRD].note, "DRD misses it.");
    assert_false(rl_case_has_tool(&c, RL_TOOL_DAEMON));
    assert_int_equal(c.nmarkers, 3);
    assert_true(rl_case_line_marked(&c, 15, RL_KIND_DATA_RACE));
    assert_true(rl_case_line_marked(&c, 16, RL_KIND_DATA_RACE));
    assert_true(rl_case_line_marked(&c, 18, RL_KIND_HELD_LOCK_EXIT));
    assert_false(rl_case_line_marked(&c, 15, RL_KIND_HELD_LOCK_EXIT));
    rl_case_free(&c);
}

/* args:, options <tool>: and exit-status: (the command line's --tool-option and the rest). */
static void run_keys(void **state)
{
    (void)state;
    struct rl_case c;
    char err[512], text[2048];
    const char *keys = " * args: --threads 4\n"
                       " *   data/input.txt\n"
                       " * options drd: --check-stack-var=yes --first-race-only=yes\n"
                       " * options tsan: halt_on_error=1\n"
                       " * exit-status: any\n";
    char *at = strstr(good, " * timeout: 7\n");
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - good), good, keys, at);
    if (parse(text, &c, err) != 0)
        fail_msg("%s", err);
    assert_string_equal(c.args, "--threads 4 data/input.txt");
    assert_string_equal(c.options[RL_TOOL_DRD], "--check-stack-var=yes --first-race-only=yes");
    assert_int_equal(c.options_line[RL_TOOL_DRD], 10);
    assert_string_equal(c.options[RL_TOOL_TSAN], "halt_on_error=1");
    assert_string_equal(c.options[RL_TOOL_HELGRIND], "");
    assert_int_equal(c.options_line[RL_TOOL_HELGRIND], 0);
    assert_int_equal(c.exit_status, RL_EXIT_STATUS_ANY);
    rl_case_free(&c);
    /* The defaults: no arguments, no options, exit status 0. */
    assert_int_equal(parse(good, &c, err), 0);
    assert_string_equal(c.args, "");
    assert_int_equal(c.exit_status, 0);
    rl_case_free(&c);
    int status;
    assert_int_equal(rl_exit_status_parse("57", &status), 0);
    assert_int_equal(status, 57);
    const char *bad[] = {"256", "-1", "", " 1", "1x", "anything", "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(rl_exit_status_parse(bad[i], &status), -1);
}

static void default_timeout(void **state)
{
    (void)state;
    struct rl_case c;
    char err[512], text[2048];
    snprintf(text, sizeof text, "%s", good);
    char *t = strstr(text, " * timeout: 7\n");
    memmove(t, t + 14, strlen(t + 14) + 1);
    assert_int_equal(parse(text, &c, err), 0);
    assert_int_equal(c.timeout, RL_CASE_TIMEOUT_DEFAULT);
    rl_case_free(&c);
}

/* Replaces the first occurrence of `from` in the good header and expects an error that names
 * the file and the line, and says `why`. */
static void expect_error(const char *from, const char *to, int line, const char *why)
{
    char text[4096], err[512];
    const char *at = strstr(good, from);
    assert_non_null(at);
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
    struct rl_case c;
    int rc = parse(text, &c, err);
    if (rc == 0) {
        rl_case_free(&c);
        fail_msg("accepted a header with '%s' replaced by '%s'", from, to);
    }
    char where[128];
    snprintf(where, sizeof where, "cases/race/counter_unlocked.c:%d: ", line);
    if (strncmp(err, where, strlen(where)) != 0 || !strstr(err, why))
        fail_msg("error '%s' lacks '%s' or '%s'", err, where, why);
}

static void bad_headers(void **state)
{
    (void)state;
    expect_error(" * concept: race\n", "", 1, "lacks required key 'concept'");
    expect_error(" * title: Two threads increment a shared counter\n", "", 1,
                 "lacks required key 'title'");
    expect_error(" * expect drd: clean -- DRD misses it.\n", "", 1, "lacks 'expect drd:'");
    expect_error("expect tsan", "expect memcheck", 9, "unknown tool 'memcheck'");
    expect_error("expect tsan: data-race", "expect tsan: data-rice", 9, "unknown kind 'data-rice'");
    expect_error("expect tsan: data-race", "expect tsan: held-lock-exit", 9,
                 "tsan never reports 'held-lock-exit'");
    expect_error("expect tsan: data-race", "expect tsan: clean, data-race", 9,
                 "'clean' cannot be combined");
    expect_error("expect tsan: data-race", "expect tsan: data-race, data-race", 9, "listed twice");
    expect_error("expect tsan: data-race", "expect tsan:", 9, "empty");
    expect_error("variant: broken", "variant: buggy", 3, "variant must be");
    expect_error("concept: race", "concept: mutex", 2, "does not match the case's folder 'race'");
    expect_error("concept: race", "concept: memory", 2,
                 "concept 'memory' does not match the case's folder 'race'");
    expect_error("concept: race", "concept: Memory leaks", 2,
                 "concept 'Memory leaks' is not a folder name");
    expect_error("timeout: 7", "timeout: 7s", 8, "timeout must be whole seconds");
    expect_error("timeout: 7", "timeout: 0", 8, "timeout must be whole seconds");
    expect_error(" * title:", " * colour: red\n * title:", 5, "unknown key 'colour'");
    expect_error(" * title:", " * concept: race\n * title:", 5, "duplicate key 'concept'");
    expect_error(" * title:", " * just words\n * title:", 5, "expected 'key: value'");
    expect_error("twin: counter_mutex", "twin: counter_unlocked", 4, "twin must name another");
    expect_error("/* racelab: held-lock-exit */", "/* racelab: lock-order */", 18,
                 "marker kind 'lock-order' is expected by no tool");
    expect_error("/* racelab: held-lock-exit */", "/* racelab: nonsense */", 18,
                 "marker names unknown kind 'nonsense'");
    expect_error("// racelab: data-race", "// racelab:", 16, "without a kind");
    expect_error("/* racelab-case", "/* a comment", 1, "must start with 'racelab-case'");
    expect_error("/* racelab-case", "int x;\n/* racelab-case", 1,
                 "must start with a '/* racelab-case'");
    expect_error(" */\n#include", "\n#include", 13, "expected 'key: value', found '#include");
    char unclosed[1024];
    snprintf(unclosed, sizeof unclosed, "%.*s", (int)(strstr(good, " */") - good), good);
    struct rl_case c;
    char err[512];
    assert_int_equal(parse(unclosed, &c, err), -1);
    assert_non_null(strstr(err, "never closed with '*/'"));
    expect_error(" * expect drd:", " * expect daemon: clean\n * expect drd:", 11,
                 "'expect daemon:' belongs to daemon cases only");
    expect_error("timeout: 7", "exit-status: 256", 8, "exit-status must be a whole number");
    expect_error("timeout: 7", "exit-status: one", 8, "exit-status must be a whole number");
    expect_error("timeout: 7", "options daemon: --x", 8, "options are for tsan, helgrind or drd");
    expect_error("timeout: 7", "options memcheck: --x", 8, "options are for tsan");
    expect_error("timeout: 7", "options drd:", 8, "options drd is empty");
    expect_error("timeout: 7", "args:", 8, "args is empty");
}

static void twin_must_exist(void **state)
{
    (void)state;
    char dir[] = "/tmp/racelab-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[128], file[256], twin[256];
    snprintf(sub, sizeof sub, "%s/race", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(file, sizeof file, "%s/counter_unlocked.c", sub);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs(good, f);
    fclose(f);
    struct rl_case c;
    char err[512];
    assert_int_equal(rl_case_load(file, &c, 1, err, sizeof err), -1);
    assert_non_null(strstr(err, ":4: twin 'counter_mutex' does not exist"));
    snprintf(twin, sizeof twin, "%s/counter_mutex.c", sub);
    f = fopen(twin, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(rl_case_load(file, &c, 1, err, sizeof err), 0);
    rl_case_free(&c);
    unlink(twin);
    unlink(file);
    rmdir(sub);
    rmdir(dir);
    assert_int_equal(rl_case_load("/nonexistent/x.c", &c, 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/x.c: cannot open case file"));
}

static void daemon_cases_need_daemon_expectation(void **state)
{
    (void)state;
    char err[512];
    const char *hdr = "/* racelab-case\n * concept: daemon\n * variant: correct\n * title: t\n"
                      " * lesson: l\n * expect tsan: clean\n * expect helgrind: clean\n"
                      " * expect drd: clean\n */\n";
    struct rl_case c;
    assert_int_equal(rl_case_parse("cases/daemon/d.c", hdr, strlen(hdr), &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "lacks 'expect daemon:'"));
    const char *ok = "/* racelab-case\n * concept: daemon\n * variant: correct\n * title: t\n"
                     " * lesson: l\n * expect tsan: clean\n * expect helgrind: clean\n"
                     " * expect drd: clean\n * expect daemon: cwd, pidfile\n */\n";
    assert_int_equal(rl_case_parse("cases/daemon/d.c", ok, strlen(ok), &c, err, sizeof err), 0);
    assert_int_equal(c.expect[RL_TOOL_DAEMON].kinds,
                     RL_KINDSET(RL_KIND_CWD) | RL_KINDSET(RL_KIND_PIDFILE));
    rl_case_free(&c);
}

static void version_qualified(void **state)
{
    (void)state;
    const char *hdr = "/* racelab-case\n * concept: race\n * variant: correct\n * title: t\n"
                      " * lesson: l\n * expect tsan: data-race -- older TSan cries wolf.\n"
                      " * expect tsan (clang >= 19): clean\n"
                      " * expect helgrind: clean\n"
                      " * expect helgrind (valgrind >= 3.21.0): cond-misuse -- Dubious.\n"
                      " * expect drd: clean\n */\n";
    struct rl_case c;
    char err[512];
    assert_int_equal(rl_case_parse("cases/race/q.c", hdr, strlen(hdr), &c, err, sizeof err), 0);
    assert_int_equal(c.nqualified, 2);
    const struct rl_expect *e =
        rl_case_expect_for(&c, RL_TOOL_TSAN, "ThreadSanitizer (clang 19.1.7)", NULL);
    assert_int_equal(e->kinds, 0);
    assert_int_equal(e->line, 7);
    e = rl_case_expect_for(&c, RL_TOOL_TSAN, "ThreadSanitizer (clang 22.1.8)", NULL);
    assert_int_equal(e->kinds, 0);
    e = rl_case_expect_for(&c, RL_TOOL_TSAN, "ThreadSanitizer (clang 14.0.6)", NULL);
    assert_int_equal(e->kinds, RL_KINDSET(RL_KIND_DATA_RACE));
    e = rl_case_expect_for(&c, RL_TOOL_TSAN, "ThreadSanitizer (gcc 12.2.0)", NULL);
    assert_int_equal(e->kinds, RL_KINDSET(RL_KIND_DATA_RACE));
    e = rl_case_expect_for(&c, RL_TOOL_HELGRIND, "valgrind-3.19.0", NULL);
    assert_int_equal(e->kinds, 0);
    e = rl_case_expect_for(&c, RL_TOOL_HELGRIND, "valgrind-3.22.0", NULL);
    assert_int_equal(e->kinds, RL_KINDSET(RL_KIND_COND_MISUSE));
    assert_string_equal(e->note, "Dubious.");
    rl_case_free(&c);

    struct rl_qualifier q;
    assert_int_equal(rl_qualifier_parse("(gcc == 12)", &q), 0);
    assert_true(rl_qualifier_matches(&q, "ThreadSanitizer (gcc 12.0.0)"));
    assert_false(rl_qualifier_matches(&q, "ThreadSanitizer (gcc 12.2.0)"));
    assert_int_equal(rl_qualifier_parse("(clang < 15.1)", &q), 0);
    assert_true(rl_qualifier_matches(&q, "ThreadSanitizer (clang 15.0.7)"));
    assert_false(rl_qualifier_matches(&q, "ThreadSanitizer (gcc 12.2.0)"));
    assert_false(rl_qualifier_matches(&q, NULL));
    assert_int_equal(rl_qualifier_parse("(clang ~ 19)", &q), -1);
    assert_int_equal(rl_qualifier_parse("(icc >= 19)", &q), -1);
    assert_int_equal(rl_qualifier_parse("(clang >= 19", &q), -1);
    assert_int_equal(rl_qualifier_parse("(clang >= x)", &q), -1);

    const char *lonely = "/* racelab-case\n * concept: race\n * variant: correct\n * title: t\n"
                         " * lesson: l\n * expect tsan (clang >= 19): clean\n"
                         " * expect helgrind: clean\n * expect drd: clean\n */\n";
    assert_int_equal(rl_case_parse("cases/race/q.c", lonely, strlen(lonely), &c, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "q.c:1: header lacks 'expect tsan:'"));
    const char *bad = "/* racelab-case\n * concept: race\n * variant: correct\n * title: t\n"
                      " * lesson: l\n * expect tsan: clean\n * expect tsan (clang => 19): clean\n"
                      " * expect helgrind: clean\n * expect drd: clean\n */\n";
    assert_int_equal(rl_case_parse("cases/race/q.c", bad, strlen(bad), &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "q.c:7: bad qualifier"));
}

/* "expect drd (--check-stack-var=yes):" applies to a run given that option (an option column
 * of the matrix), before any version-only line; with a version too, to both at once. */
static void option_qualified(void **state)
{
    (void)state;
    const char *hdr = "/* racelab-case\n * concept: thread\n * variant: broken\n * title: t\n"
                      " * lesson: l\n * expect tsan: data-race\n"
                      " * expect tsan (force_seq_cst_atomics=1): clean -- all seq_cst.\n"
                      " * expect helgrind: clean\n * expect drd: clean\n"
                      " * expect drd (valgrind >= 3.19): clean\n"
                      " * expect drd (--check-stack-var=yes): data-race -- stack checked.\n"
                      " * expect drd (valgrind >= 3.30, --check-stack-var=yes, --x=1): clean\n"
                      " */\n";
    struct rl_case c;
    char err[512];
    assert_int_equal(rl_case_parse("cases/thread/o.c", hdr, strlen(hdr), &c, err, sizeof err), 0);
    assert_int_equal(c.nqualified, 4);
    char *none[] = {NULL};
    char *stack[] = {"--check-stack-var=yes", NULL};
    char *both[] = {"--x=1", "--check-stack-var=yes", NULL};
    char *other[] = {"--check-stack-var=no", NULL};
    const struct rl_expect *e = rl_case_expect_for(&c, RL_TOOL_DRD, "valgrind-3.19.0", stack);
    assert_int_equal(e->kinds, RL_KINDSET(RL_KIND_DATA_RACE));
    assert_string_equal(e->note, "stack checked.");
    assert_int_equal(e->when.noptions, 1);
    assert_string_equal(e->when.options[0], "--check-stack-var=yes");
    e = rl_case_expect_for(&c, RL_TOOL_DRD, "valgrind-3.19.0", none);
    assert_int_equal(e->line, 10); /* the version-only line */
    assert_int_equal(rl_case_expect_for(&c, RL_TOOL_DRD, "valgrind-3.19.0", NULL)->line, 10);
    assert_int_equal(rl_case_expect_for(&c, RL_TOOL_DRD, "valgrind-3.19.0", other)->line, 10);
    assert_int_equal(rl_case_expect_for(&c, RL_TOOL_DRD, "valgrind-3.19.0", both)->line, 11);
    /* The first that applies, as for versions: line 12 is more specific, and comes later. */
    assert_int_equal(rl_case_expect_for(&c, RL_TOOL_DRD, "valgrind-3.30.0", both)->line, 11);
    assert_int_equal(rl_case_expect_for(&c, RL_TOOL_DRD, "valgrind-3.30.0", stack)->line, 11);
    char *seq[] = {"force_seq_cst_atomics=1", NULL};
    e = rl_case_expect_for(&c, RL_TOOL_TSAN, "ThreadSanitizer (gcc 12.2.0)", seq);
    assert_int_equal(e->kinds, 0);
    assert_int_equal(rl_case_expect_for(&c, RL_TOOL_TSAN, NULL, NULL)->line, 6);
    rl_case_free(&c);

    struct rl_qualifier q;
    assert_int_equal(rl_qualifier_parse(" (valgrind >= 3.21, --check-stack-var=yes) ", &q), 0);
    assert_string_equal(q.name, "valgrind");
    assert_int_equal(q.noptions, 1);
    assert_int_equal(rl_qualifier_parse("(--a=1,--b=2)", &q), 0);
    assert_int_equal(q.noptions, 2);
    assert_string_equal(q.name, "");
    assert_int_equal(rl_qualifier_parse("()", &q), -1);
    assert_int_equal(rl_qualifier_parse("(--a=1,)", &q), -1);
    assert_int_equal(rl_qualifier_parse("(--a=1, --a=1)", &q), -1);           /* twice */
    assert_int_equal(rl_qualifier_parse("(gcc >= 12, clang >= 14)", &q), -1); /* two versions */
    assert_int_equal(rl_qualifier_parse("(--a=1 --b=2)", &q), -1);            /* one word each */
    assert_int_equal(rl_qualifier_parse("(--a=1) x", &q), -1);
    assert_int_equal(rl_qualifier_parse("(--a=1, --b=2, --c=3, --d=4, --e=5)", &q), -1);
    assert_null(rl_qualifier_option_form(RL_TOOL_DRD, "--check-stack-var=yes"));
    assert_null(rl_qualifier_option_form(RL_TOOL_TSAN, "force_seq_cst_atomics=1"));
    assert_non_null(rl_qualifier_option_form(RL_TOOL_TSAN, "--force_seq_cst_atomics=1"));
    assert_non_null(rl_qualifier_option_form(RL_TOOL_HELGRIND, "free-is-write=yes"));
    assert_non_null(rl_qualifier_option_form(RL_TOOL_HELGRIND, "--free-is-write"));
    assert_non_null(rl_qualifier_option_form(RL_TOOL_DAEMON, "--x=1"));

    /* A header names the line and the form an option must have. */
    const char *bad = "/* racelab-case\n * concept: race\n * variant: correct\n * title: t\n"
                      " * lesson: l\n * expect tsan: clean\n"
                      " * expect tsan (--force_seq_cst_atomics=1): clean\n"
                      " * expect helgrind: clean\n * expect drd: clean\n */\n";
    assert_int_equal(rl_case_parse("cases/race/q.c", bad, strlen(bad), &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "q.c:7: 'expect tsan (--force_seq_cst_atomics=1)': option "
                                "'--force_seq_cst_atomics=1': a TSan option is a TSAN_OPTIONS "
                                "flag, name=value"));
}

static void glibc_qualifier(void **state)
{
    (void)state;
    struct rl_qualifier q;
    assert_int_equal(rl_qualifier_parse("(glibc >= 2.43)", &q), 0);
    assert_string_equal(q.name, "glibc");
    /* The C library's version decides; the tool's version plays no part. */
    assert_true(rl_qualifier_matches_libc(&q, "valgrind-3.19.0", "2.43"));
    assert_true(rl_qualifier_matches_libc(&q, "ThreadSanitizer (gcc 12.2.0)", "2.43.9000"));
    assert_true(rl_qualifier_matches_libc(&q, NULL, "3.0"));
    assert_false(rl_qualifier_matches_libc(&q, "valgrind-3.19.0", "2.36"));
    assert_false(rl_qualifier_matches_libc(&q, "glibc 2.50", "2.36"));
    assert_false(rl_qualifier_matches_libc(&q, "valgrind-3.19.0", NULL)); /* not glibc */
    assert_false(rl_qualifier_matches_libc(&q, "valgrind-3.19.0", "unknown"));
    assert_int_equal(rl_qualifier_parse("(glibc == 2.36)", &q), 0);
    assert_true(rl_qualifier_matches_libc(&q, "", "2.36"));
    assert_false(rl_qualifier_matches_libc(&q, "", "2.36.1"));
    assert_int_equal(rl_qualifier_parse("(glibc < 2.37)", &q), 0);
    assert_true(rl_qualifier_matches_libc(&q, "", "2.36"));
    assert_false(rl_qualifier_matches_libc(&q, "", "2.37"));

    /* Without a given version, the running C library's is used (racelab and the cases
     * share one glibc). */
    const char *running = rl_glibc_version();
#ifdef __GLIBC__
    assert_non_null(running);
    char text[64];
    snprintf(text, sizeof text, "(glibc == %s)", running);
    assert_int_equal(rl_qualifier_parse(text, &q), 0);
    assert_true(rl_qualifier_matches(&q, "valgrind-3.19.0"));
    assert_int_equal(rl_qualifier_parse("(glibc < 2.0)", &q), 0);
    assert_false(rl_qualifier_matches(&q, "valgrind-3.19.0"));
#else
    assert_null(running);
#endif

    /* In a header: the first matching line applies, for any tool. */
    const char *hdr = "/* racelab-case\n * concept: deadlock\n * variant: broken\n * title: t\n"
                      " * lesson: l\n * expect tsan: deadlock\n"
                      " * expect tsan (glibc >= 2.43): assertion -- glibc sees the cycle.\n"
                      " * expect helgrind: deadlock\n * expect drd: deadlock\n"
                      " * expect drd (glibc >= 2.43): assertion\n */\n";
    struct rl_case c;
    char err[512];
    assert_int_equal(rl_case_parse("cases/deadlock/g.c", hdr, strlen(hdr), &c, err, sizeof err), 0);
    assert_int_equal(c.nqualified, 2);
    assert_string_equal(c.qualified[0].when.name, "glibc");
    assert_int_equal(c.qualified[0].when.version[0], 2);
    assert_int_equal(c.qualified[0].when.version[1], 43);
    assert_int_equal(c.qualified[1].line, 10);
    assert_string_equal(c.qualified[0].note, "glibc sees the cycle.");
    rl_case_free(&c);

    /* Bad input: an unknown name, a missing version, text after it, a bad operator. */
    static const char *const bad[] = {"(libc >= 2.43)",  "(glibc >= )",     "(glibc >= 2.43) x",
                                      "(glibc => 2.43)", "(GLIBC >= 2.43)", "(glibc 2.43)",
                                      "glibc >= 2.43",   "(glibc >= 2.x)"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(rl_qualifier_parse(bad[i], &q), -1);
    const char *unknown = "/* racelab-case\n * concept: deadlock\n * variant: broken\n"
                          " * title: t\n * lesson: l\n * expect tsan: deadlock\n"
                          " * expect helgrind: deadlock\n * expect drd: deadlock\n"
                          " * expect drd (musl >= 1.2): assertion\n */\n";
    assert_int_equal(
        rl_case_parse("cases/deadlock/g.c", unknown, strlen(unknown), &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "cases/deadlock/g.c:9: bad qualifier in 'expect drd "
                                "(musl >= 1.2)'"));
    assert_non_null(strstr(err, "glibc"));
}

/* A marker may carry a note: / * racelab: KIND -- why * /. One kind per marker. */
static const char marker_head[] = "/* racelab-case\n * concept: race\n * variant: broken\n"
                                  " * title: t\n * lesson: l\n * expect tsan: data-race\n"
                                  " * expect helgrind: data-race, double-lock\n"
                                  " * expect drd: data-race\n */\n";

static int parse_markers(const char *body, struct rl_case *c, char *err)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s", marker_head, body);
    return rl_case_parse("cases/race/m.c", text, strlen(text), c, err, 512);
}

static void marker_notes(void **state)
{
    (void)state;
    struct rl_case c;
    char err[512];
    assert_int_equal(parse_markers("x++; /* racelab: data-race -- no mutex here */\n"   /* 10 */
                                   "y++; // racelab: data-race -- nor here\n"           /* 11 */
                                   "z++; /* racelab: data-race */ /* not a marker */\n" /* 12 */
                                   "lock(); /* racelab: double-lock */ "
                                   "/* racelab:  data-race\t--  both  */\n" /* 13 */
                                   "w++; /* racelab: data-race --*/\n",     /* 14 */
                                   &c, err),
                     -1);
    assert_non_null(strstr(err, "m.c:14: marker 'racelab: data-race --' without a note"));

    assert_int_equal(parse_markers("x++; /* racelab: data-race -- no mutex here */\n"
                                   "y++; // racelab: data-race -- nor here\n"
                                   "z++; /* racelab: data-race */ /* not a marker */\n"
                                   "lock(); /* racelab: double-lock */ "
                                   "/* racelab:  data-race\t--  both  */\n"
                                   "v++; /* racelab: data-race*/\n",
                                   &c, err),
                     0);
    assert_int_equal(c.nmarkers, 6);
    assert_int_equal(c.markers[0].line, 10);
    assert_string_equal(c.markers[0].note, "no mutex here");
    assert_string_equal(c.markers[1].note, "nor here");
    assert_int_equal(c.markers[1].line, 11);
    assert_string_equal(c.markers[2].note, "");
    assert_int_equal(c.markers[3].kind, RL_KIND_DOUBLE_LOCK);
    assert_string_equal(c.markers[3].note, "");
    assert_int_equal(c.markers[4].line, 13);
    assert_int_equal(c.markers[4].kind, RL_KIND_DATA_RACE);
    assert_string_equal(c.markers[4].note, "both");
    assert_string_equal(c.markers[5].note, "");
    assert_true(rl_case_line_marked(&c, 13, RL_KIND_DOUBLE_LOCK));
    assert_true(rl_case_line_marked(&c, 13, RL_KIND_DATA_RACE));
    rl_case_free(&c);

    /* Bad markers name the file and line. */
    static const struct {
        const char *body, *message;
    } bad[] = {
        {"x++; /* racelab: data-race, double-lock */\n", "m.c:10: marker 'racelab: data-race' is "
                                                         "followed by ', double-lock'"},
        {"x++; /* racelab: data-race no mutex */\n", "m.c:10: marker 'racelab: data-race' is "
                                                     "followed by 'no mutex'"},
        {"\nx++; // racelab: data-race - no mutex\n", "m.c:11: marker 'racelab: data-race' is "
                                                      "followed by '- no mutex'"},
        {"x++; /* racelab: data-race -- no mutex\n * here */\n",
         "m.c:10: marker 'racelab: data-race': close its comment on the same line"},
        {"x++; // racelab: data-race --   \n", "m.c:10: marker 'racelab: data-race --' without"},
        {"x++; /* racelab: -- no kind */\n", "m.c:10: marker 'racelab:' without a kind"},
        {"x++; /* racelab: data-races -- typo */\n", "m.c:10: marker names unknown kind"},
        {"x++; /* racelab: deadlock -- no tool */\n", "m.c:10: marker kind 'deadlock' is "
                                                      "expected by no tool"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse_markers(bad[i].body, &c, err), -1);
        if (!strstr(err, bad[i].message))
            fail_msg("%s: got '%s', wanted '%s'", bad[i].body, err, bad[i].message);
    }
}

/* Any folder name is a concept: a tree of one's own needs no concept of racelab's. */
static void any_folder_is_a_concept(void **state)
{
    (void)state;
    char text[2048], err[512];
    snprintf(text, sizeof text, "%s", good);
    char *at = strstr(text, "concept: race");
    memcpy(at, "concept: pool", 13);
    struct rl_case c;
    int rc = rl_case_parse("mine/pool/counter_unlocked.c", text, strlen(text), &c, err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
    assert_string_equal(c.concept, "pool");
    rl_case_free(&c);
    assert_int_equal(
        rl_case_parse("mine/race/counter_unlocked.c", text, strlen(text), &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "concept 'pool' does not match the case's folder 'race'"));
}

/* A file with four errors on four lines gets all four, in the order of the file; one that
 * no longer fits in err is counted on a last line. */
static void every_error_of_a_file(void **state)
{
    (void)state;
    char text[4096], err[2048];
    snprintf(text, sizeof text, "%s", good);
    const struct {
        const char *from, *to;
    } edits[] = {
        {"variant: broken", "variant: buggy"},
        {" * title:", " * colour: red\n *   (continued)\n * title:"},
        {"timeout: 7", "timeout: 7s"},
        {"/* racelab: held-lock-exit */", "/* racelab: nonsense */"},
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        char *at = strstr(text, edits[i].from);
        assert_non_null(at);
        char rest[4096];
        snprintf(rest, sizeof rest, "%s", at + strlen(edits[i].from));
        snprintf(at, sizeof text - (size_t)(at - text), "%s%s", edits[i].to, rest);
    }
    struct rl_case c;
    assert_int_equal(
        rl_case_parse("cases/race/counter_unlocked.c", text, strlen(text), &c, err, sizeof err),
        -1);
    const char *want[] = {
        "cases/race/counter_unlocked.c:5: unknown key 'colour'",
        "cases/race/counter_unlocked.c:3: variant must be 'correct' or 'broken', not 'buggy'",
        "cases/race/counter_unlocked.c:10: timeout must be whole seconds",
        "cases/race/counter_unlocked.c:20: marker names unknown kind 'nonsense'",
    };
    const char *from = err;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *at = strstr(from, want[i]);
        if (!at)
            fail_msg("error %zu '%s' missing, or out of order, in:\n%s", i, want[i], err);
        from = at + strlen(want[i]);
    }
    /* The continuation of the bad key is skipped with it, not an error of its own. */
    assert_null(strstr(err, "(continued)"));
    /* Room for the first and the count only. */
    char small[160];
    assert_int_equal(
        rl_case_parse("cases/race/counter_unlocked.c", text, strlen(text), &c, small, sizeof small),
        -1);
    assert_non_null(strstr(small, ":5: unknown key 'colour'"));
    assert_non_null(strstr(small, "\n(and 3 more errors)"));
}

/* The key table `racelab lint --keys` prints: every key the parser takes, with a meaning,
 * the required ones without a default. */
static void key_table(void **state)
{
    (void)state;
    const char *required[] = {"concept", "variant", "title", "lesson", "expect <tool>"};
    int n = 0;
    for (int i = 0; rl_case_key_at(i); i++, n++) {
        const struct rl_case_key *k = rl_case_key_at(i);
        assert_true(strlen(k->meaning) > 10);
        int req = 0;
        for (size_t r = 0; r < sizeof required / sizeof required[0]; r++)
            req |= strcmp(k->name, required[r]) == 0;
        if (req != (k->fallback == NULL))
            fail_msg("key '%s': required %d, default %s", k->name, req,
                     k->fallback ? k->fallback : "none");
        if (strcmp(k->name, "timeout") == 0)
            assert_int_equal(atoi(k->fallback), RL_CASE_TIMEOUT_DEFAULT);
    }
    assert_int_equal(n, 10);
    /* Every key the parser takes is in it, the per-tool ones last. */
    const char *names[] = {"concept", "variant",     "twin",          "title",          "lesson",
                           "timeout", "exit-status", "expect <tool>", "options <tool>", "args"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int found = 0;
        for (int k = 0; rl_case_key_at(k); k++)
            found |= strcmp(rl_case_key_at(k)->name, names[i]) == 0;
        if (!found)
            fail_msg("key '%s' is not in the table", names[i]);
    }
    assert_string_equal(rl_case_key_at(n - 1)->name, "options <tool>");
    assert_null(rl_case_key_at(n));
    assert_null(rl_case_key_at(-1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_header),
        cmocka_unit_test(default_timeout),
        cmocka_unit_test(run_keys),
        cmocka_unit_test(bad_headers),
        cmocka_unit_test(twin_must_exist),
        cmocka_unit_test(daemon_cases_need_daemon_expectation),
        cmocka_unit_test(version_qualified),
        cmocka_unit_test(option_qualified),
        cmocka_unit_test(glibc_qualifier),
        cmocka_unit_test(marker_notes),
        cmocka_unit_test(any_folder_is_a_concept),
        cmocka_unit_test(every_error_of_a_file),
        cmocka_unit_test(key_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
