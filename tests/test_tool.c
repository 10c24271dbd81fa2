/* The tool table and each tool's command line: what racelab runs, exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tool.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *const program[] = {"/opt/app/server", "--port", "0", NULL};

static char *joined(const struct rl_strv *sv)
{
    static char buf[2048];
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sv->n; i++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", i ? " " : "", sv->v[i]);
    return buf;
}

static void table(void **state)
{
    (void)state;
    for (int t = 0; t < RL_TOOL_COUNT; t++) {
        const struct rl_tool *tool = rl_tool_get((enum rl_tool_id)t);
        assert_non_null(tool);
        assert_int_equal(tool->id, t);
        assert_non_null(tool->probe);
        assert_non_null(tool->command);
        assert_non_null(tool->collect);
    }
    assert_null(rl_tool_get(RL_TOOL_COUNT));
}

static char *const no_options[] = {NULL};

static void command_line_with(enum rl_tool_id id, const char *inherited, char *const *options,
                              char *const *suppressions, const char *want_argv,
                              const char *want_tsan_options)
{
    struct rl_strv argv = {0}, env = {0};
    if (inherited)
        rl_strv_setenv(&env, "TSAN_OPTIONS", inherited);
    struct rl_tool_run tr = {.dir = "/tmp/racelab.RUN",
                             .program = program,
                             .tool_options = options,
                             .suppressions = suppressions};
    assert_int_equal(rl_tool_get(id)->command(&tr, &argv, &env), 0);
    assert_string_equal(joined(&argv), want_argv);
    const char *tsan_options = rl_strv_getenv(&env, "TSAN_OPTIONS");
    if (want_tsan_options)
        assert_string_equal(tsan_options, want_tsan_options);
    else
        assert_null(tsan_options);
    rl_strv_free(&argv);
    rl_strv_free(&env);
}

static void command_line(enum rl_tool_id id, const char *inherited, const char *want_argv,
                         const char *want_tsan_options)
{
    command_line_with(id, inherited, no_options, no_options, want_argv, want_tsan_options);
}

static void command_lines(void **state)
{
    (void)state;
    command_line(RL_TOOL_TSAN, NULL, "/opt/app/server --port 0",
                 "log_path=/tmp/racelab.RUN/tsan log_exe_name=0 log_suffix= exitcode=0 "
                 "print_module_map=1 atexit_sleep_ms=0 second_deadlock_stack=1");
    /* The caller's options first, so that racelab's own win; never a raised verbosity. */
    command_line(RL_TOOL_TSAN, "halt_on_error=1 log_path=/elsewhere log_suffix=.txt",
                 "/opt/app/server --port 0",
                 "halt_on_error=1 log_path=/elsewhere log_suffix=.txt "
                 "log_path=/tmp/racelab.RUN/tsan log_exe_name=0 log_suffix= exitcode=0 "
                 "print_module_map=1 atexit_sleep_ms=0 second_deadlock_stack=1");
    command_line(RL_TOOL_HELGRIND, NULL,
                 "valgrind --tool=helgrind --xml=yes --xml-file=/tmp/racelab.RUN/vg.%p.%n.xml "
                 "--log-file=/tmp/racelab.RUN/valgrind.log --trace-children=yes "
                 "--child-silent-after-fork=no --error-exitcode=0 --vgdb=yes "
                 "--vgdb-prefix=/tmp/racelab.RUN/vgdb "
                 "/opt/app/server --port 0",
                 NULL);
    command_line(RL_TOOL_DRD, NULL,
                 "valgrind --tool=drd --xml=yes --xml-file=/tmp/racelab.RUN/vg.%p.%n.xml "
                 "--log-file=/tmp/racelab.RUN/valgrind.log --trace-children=yes "
                 "--child-silent-after-fork=no --error-exitcode=0 --vgdb=yes "
                 "--vgdb-prefix=/tmp/racelab.RUN/vgdb "
                 "/opt/app/server --port 0",
                 NULL);
    command_line(RL_TOOL_DAEMON, NULL, "/opt/app/server --port 0", NULL);
    /* --tool-option: after an inherited TSAN_OPTIONS, before racelab's own; Valgrind's before
     * racelab's, with each --suppressions file. */
    char *const tsan_options[] = {"halt_on_error=1", "history_size=4", NULL};
    command_line_with(RL_TOOL_TSAN, "verbosity=0", tsan_options, no_options,
                      "/opt/app/server --port 0",
                      "verbosity=0 halt_on_error=1 history_size=4 "
                      "log_path=/tmp/racelab.RUN/tsan log_exe_name=0 log_suffix= exitcode=0 "
                      "print_module_map=1 atexit_sleep_ms=0 second_deadlock_stack=1");
    char *const vg_options[] = {"--check-stack-var=yes", NULL};
    char *const supp[] = {"/src/a.supp", "/src/b.supp", NULL};
    command_line_with(RL_TOOL_DRD, NULL, vg_options, supp,
                      "valgrind --tool=drd --check-stack-var=yes --suppressions=/src/a.supp "
                      "--suppressions=/src/b.supp --xml=yes "
                      "--xml-file=/tmp/racelab.RUN/vg.%p.%n.xml "
                      "--log-file=/tmp/racelab.RUN/valgrind.log --trace-children=yes "
                      "--child-silent-after-fork=no --error-exitcode=0 --vgdb=yes "
                      "--vgdb-prefix=/tmp/racelab.RUN/vgdb "
                      "/opt/app/server --port 0",
                      NULL);
}

/* --tool-option: the options racelab owns are refused, naming themselves; the rest pass. */
static void tool_options(void **state)
{
    (void)state;
    struct {
        enum rl_tool_id tool;
        const char *opt, *why; /* why NULL: accepted */
    } rows[] = {
        {RL_TOOL_TSAN, "halt_on_error=1", NULL},
        {RL_TOOL_TSAN, "log_path=/x", "racelab owns log_path"},
        {RL_TOOL_TSAN, "exitcode=3", "racelab owns exitcode"},
        {RL_TOOL_TSAN, "print_module_map=0", "racelab owns print_module_map"},
        {RL_TOOL_TSAN, "suppressions=a.supp", "(use --suppressions FILE)"},
        {RL_TOOL_TSAN, "halt_on_error", "one name=value"},
        {RL_TOOL_TSAN, "a=1,b=2", "one name=value"},
        {RL_TOOL_TSAN, "=1", "one name=value"},
        {RL_TOOL_HELGRIND, "--history-level=approx", NULL},
        {RL_TOOL_DRD, "--check-stack-var=yes", NULL},
        {RL_TOOL_DRD, "--gen-suppressions=all", NULL},
        {RL_TOOL_DRD, "--gen-suppressions=yes", "waits for an answer on stdin"},
        {RL_TOOL_HELGRIND, "--xml-file=x", "racelab owns --xml-file"},
        {RL_TOOL_HELGRIND, "--log-fd=3", "racelab owns --log-fd"},
        {RL_TOOL_HELGRIND, "--trace-children=no", "racelab owns --trace-children"},
        {RL_TOOL_DRD, "--tool=memcheck", "racelab owns --tool"},
        {RL_TOOL_DRD, "--suppressions=x", "(use --suppressions FILE)"},
        {RL_TOOL_DRD, "check-stack-var=yes", "starts with --"},
        {RL_TOOL_DRD, "--", "starts with --"},
        {RL_TOOL_DRD, "--a --b", "starts with --"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char why[256] = "";
        int rc = rl_tool_get(rows[i].tool)->check_option(program, rows[i].opt, why, sizeof why);
        if (!rows[i].why) {
            assert_int_equal(rc, 0);
            continue;
        }
        assert_int_equal(rc, RL_EXIT_USAGE);
        if (!strstr(why, rows[i].why) || !strstr(why, rows[i].opt))
            fail_msg("%s: '%s' does not say '%s' and name the option", rows[i].opt, why,
                     rows[i].why);
    }
    assert_null(rl_tool_get(RL_TOOL_DAEMON)->check_option);
}

static void touch(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    close(fd);
}

/* Logs are found by name, sorted by pid; other files are not logs. */
static void logs(void **state)
{
    (void)state;
    char dir[] = "/tmp/racelab-test-tool.XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *names[] = {"tsan.12", "tsan.3", "tsan.x", "tsan.", "tsan.4.old", "vg.5.xml"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        touch(dir, names[i]);
    int pids[8];
    assert_int_equal(rl_tool_logs(dir, "tsan.", "", pids, 8), 2);
    assert_int_equal(pids[0], 3);
    assert_int_equal(pids[1], 12);
    assert_int_equal(rl_tool_logs(dir, "vg.", ".xml", pids, 8), 1);
    assert_int_equal(pids[0], 5);
    assert_int_equal(rl_tool_logs("/nonexistent", "tsan.", "", pids, 8), 0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -r '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void which_and_build(void **state)
{
    (void)state;
    char out[4096], why[512];
    assert_int_equal(rl_which("sh", out, sizeof out), 0);
    assert_true(access(out, X_OK) == 0);
    assert_int_not_equal(rl_which("racelab-no-such-program", out, sizeof out), 0);
    char small[8];
    assert_int_not_equal(rl_which("/bin/sh-and-more", small, sizeof small), 0);
    assert_int_equal(rl_tool_check_build((char *[]){"/bin/sh", NULL}, 1, "--tool tsan", out,
                                         sizeof out, why, sizeof why),
                     RL_EXIT_USAGE);
    assert_non_null(
        strstr(why, "is not built with -fsanitize=thread; build it so for --tool tsan"));
    assert_int_equal(rl_tool_check_build((char *[]){"/bin/sh", NULL}, 0, "Valgrind", out,
                                         sizeof out, why, sizeof why),
                     0);
    assert_int_equal(rl_tool_check_build((char *[]){"no-such-program-here", NULL}, 0, "Valgrind",
                                         out, sizeof out, why, sizeof why),
                     RL_EXIT_USAGE);
    assert_string_equal(why, "no-such-program-here: no such executable");
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* valgrind.log holds only lines of the harmless list, or the run is a tool failure whose
 * cause is Valgrind's own FATAL line. */
static void valgrind_log(void **state)
{
    (void)state;
    char dir[] = "/tmp/racelab-test-tool.XXXXXX", cmd[1024];
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "cp '%s/helgrind-race.0.xml' '%s/vg.5.1.xml'", FIXTURES, dir);
    assert_int_equal(system(cmd), 0);
    write_file(dir, "valgrind.log",
               "==5== \n"
               "==5==  If you believe this happened as a result of a stack\n"
               "==5==  overflow in your program's main thread (unlikely but\n"
               "==5== Warning: set address range perms: large range [0x1, 0x2) (defined)\n");
    struct rl_tool_run tr = {.dir = dir, .program = program};
    struct rl_reports rs = {0};
    assert_int_equal(rl_tool_get(RL_TOOL_HELGRIND)->collect(&tr, &rs), 0);
    assert_false(rl_tool_failed(&rs));
    rl_reports_free(&rs);
    write_file(dir, "valgrind.log",
               "==5== Warning: set address range perms: large range [0x1, 0x2) (defined)\n"
               "==5== some remark nobody listed\n"
               "==5== FATAL: can't open suppressions file \"/x.supp\"\n");
    assert_int_equal(rl_tool_get(RL_TOOL_DRD)->collect(&tr, &rs), 0);
    assert_true(rl_tool_failed(&rs));
    int found = 0;
    for (size_t i = 0; i < rs.n; i++)
        found |= strstr(rs.v[i].headline, "valgrind.log: FATAL: can't open suppressions") != NULL;
    assert_true(found);
    rl_reports_free(&rs);
    snprintf(cmd, sizeof cmd, "rm -r '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Each entry of valgrind.log's harmless list (tool_valgrind.c), as Valgrind writes it: alone,
 * no failure. */
static void valgrind_log_harmless(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "==5== \n",
        "==5==  If you believe this happened as a result of a stack\n",
        "==5==  overflow in your program's main thread (unlikely but\n",
        "==5==  possible), you can try to increase the size of the\n",
        "==5==  main thread stack using the --main-stacksize= flag.\n",
        "==5==  The main thread stack size used in this run was 8388608.\n",
        "==5== Warning: set address range perms: large range [0x1, 0x2) (defined)\n",
        "==5== Warning: client switching stacks?  SP change: 0x1ffefffd00 --> 0x4a4f000\n",
        "==5==          to suppress, use: --max-stackframe=137326673664 or greater\n",
        "==5==          further instances of this message will not be shown.\n",
        "==5== Warning: invalid file descriptor 1024 in syscall close()\n",
    };
    char dir[] = "/tmp/racelab-test-tool.XXXXXX", cmd[1024];
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "cp '%s/helgrind-race.0.xml' '%s/vg.5.1.xml'", FIXTURES, dir);
    assert_int_equal(system(cmd), 0);
    struct rl_tool_run tr = {.dir = dir, .program = program};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        write_file(dir, "valgrind.log", lines[i]);
        struct rl_reports rs = {0};
        assert_int_equal(rl_tool_get(RL_TOOL_HELGRIND)->collect(&tr, &rs), 0);
        if (rl_tool_failed(&rs))
            fail_msg("harmless line failed the run: %s", lines[i]);
        rl_reports_free(&rs);
    }
    snprintf(cmd, sizeof cmd, "rm -r '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* On the program's stderr only the tools' lines count: "==N==" with N a pid of the run, or
 * "ThreadSanitizer", or "valgrind:". The program's own lines, and a "==N==" of another pid,
 * are the program's business. */
static void stderr_tool_lines(void **state)
{
    (void)state;
    char dir[] = "/tmp/racelab-test-tool.XXXXXX", cmd[1024];
    assert_non_null(mkdtemp(dir));
    struct rl_exit exits[] = {{.pid = 12}};
    struct rl_tool_run tr = {
        .dir = dir, .program = program, .main_pid = 5, .exits = exits, .nexits = 1};
    static const struct {
        const char *text;
        int tool;
    } rows[] = {
        {"my own output\n==99== looks like a tool but 99 is no pid of the run\n", 0},
        {"==5==", 1}, /* no newline, nothing after the prefix: still a pid of the run */
        {"=5= half a prefix\n==x== no pid\n", 0},
        {"==5== Warning: something of Valgrind's\n", 1},
        {"==12==WARNING: Can't open file, falling back to stderr: /no/dir\n", 1},
        {"valgrind: Unknown option: --bogus\n", 1},
        {"a line that names ThreadSanitizer\n", 1},
        {"ThreadSanitizer:DEADLYSIGNAL\n", 0}, /* the expected line (below) */
        {"ThreadSanitizer:DEADLYSIGNAL and more\n", 1},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        write_file(dir, "stderr", rows[i].text);
        struct rl_reports rs = {0};
        int got = rl_tool_check_stderr(&tr, &rs, "ThreadSanitizer:DEADLYSIGNAL");
        if (got != rows[i].tool)
            fail_msg("stderr \"%s\": %s", rows[i].text, got ? "failed" : "passed");
        assert_int_equal(rl_tool_failed(&rs), got);
        rl_reports_free(&rs);
    }
    snprintf(cmd, sizeof cmd, "rm -r '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* A log opened by a second writer is seen, even when the two opens would fold into one. */
static void second_writer(void **state)
{
    (void)state;
    char dir[] = "/tmp/racelab-test-tool.XXXXXX", cmd[1024];
    assert_non_null(mkdtemp(dir));
    struct rl_logwatch w;
    assert_int_equal(rl_logwatch_start(&w, dir), 0);
    write_file(dir, "tsan.7", "first image's report\n");
    write_file(dir, "tsan.7", "second image\n");
    write_file(dir, "tsan.8", "one writer\n");
    rl_logwatch_collect(&w);
    assert_int_equal(rl_logwatch_opens(&w, "tsan.7"), 2);
    assert_int_equal(rl_logwatch_opens(&w, "tsan.8"), 1);
    assert_int_equal(rl_logwatch_opens(&w, "tsan.9"), 0);
    struct rl_tool_run tr = {.dir = dir, .program = program, .watch = &w};
    struct rl_reports rs = {0};
    rl_tool_check_writers(&tr, "tsan.8", 8, &rs);
    assert_int_equal(rs.n, 0);
    rl_tool_check_writers(&tr, "tsan.7", 7, &rs);
    assert_int_equal(rs.n, 1);
    assert_non_null(strstr(rs.v[0].headline, "tsan.7 was opened 2 times: pid 7 exec'd"));
    rl_reports_free(&rs);
    rl_logwatch_free(&w);
    snprintf(cmd, sizeof cmd, "rm -r '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table),
        cmocka_unit_test(command_lines),
        cmocka_unit_test(tool_options),
        cmocka_unit_test(logs),
        cmocka_unit_test(which_and_build),
        cmocka_unit_test(valgrind_log),
        cmocka_unit_test(valgrind_log_harmless),
        cmocka_unit_test(stderr_tool_lines),
        cmocka_unit_test(second_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
