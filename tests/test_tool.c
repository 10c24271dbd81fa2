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

static void command_line(enum rl_tool_id id, const char *inherited, const char *want_argv,
                         const char *want_tsan_options)
{
    struct rl_strv argv = {0}, env = {0};
    if (inherited)
        rl_strv_setenv(&env, "TSAN_OPTIONS", inherited);
    struct rl_tool_run tr = {.dir = "/tmp/racelab.RUN", .program = program};
    assert_int_equal(rl_tool_get(id)->command(&tr, &argv, &env), 0);
    assert_string_equal(joined(&argv), want_argv);
    const char *options = rl_strv_getenv(&env, "TSAN_OPTIONS");
    if (want_tsan_options)
        assert_string_equal(options, want_tsan_options);
    else
        assert_null(options);
    rl_strv_free(&argv);
    rl_strv_free(&env);
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
                 "valgrind --tool=helgrind --xml=yes --xml-file=/tmp/racelab.RUN/vg.%p.xml "
                 "--log-file=/tmp/racelab.RUN/valgrind.log --trace-children=yes "
                 "--child-silent-after-fork=no --error-exitcode=0 --vgdb=no "
                 "/opt/app/server --port 0",
                 NULL);
    command_line(RL_TOOL_DRD, NULL,
                 "valgrind --tool=drd --xml=yes --xml-file=/tmp/racelab.RUN/vg.%p.xml "
                 "--log-file=/tmp/racelab.RUN/valgrind.log --trace-children=yes "
                 "--child-silent-after-fork=no --error-exitcode=0 --vgdb=no "
                 "/opt/app/server --port 0",
                 NULL);
    command_line(RL_TOOL_DAEMON, NULL, "/opt/app/server --port 0", NULL);
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
    snprintf(cmd, sizeof cmd, "cp '%s/helgrind-race.0.xml' '%s/vg.5.xml'", FIXTURES, dir);
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
        cmocka_unit_test(table),        cmocka_unit_test(command_lines),
        cmocka_unit_test(logs),         cmocka_unit_test(which_and_build),
        cmocka_unit_test(valgrind_log), cmocka_unit_test(second_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
