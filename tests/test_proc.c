/* The runner on tiny real programs (sh, sleep, cat): exit statuses, crashes, hangs found early
 * or at the deadline, double forks, and nothing left behind, with and without a PID
 * namespace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "proc.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/racelab-proc-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void start_spawn(struct rl_run *r, const char *script, int no_namespace, int no_aslr)
{
    char *argv[] = {"sh", "-c", (char *)script, NULL};
    char out[128], err[128], why[256];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(err, sizeof err, "%s/err", dir);
    struct rl_spawn sp = {.argv = argv,
                          .env = environ,
                          .dir = dir,
                          .out_path = out,
                          .err_path = err,
                          .keep_fd = -1,
                          .no_namespace = no_namespace,
                          .no_aslr = no_aslr};
    if (rl_run_start(r, &sp, why, sizeof why) != 0)
        fail_msg("start: %s", why);
}

static void start(struct rl_run *r, const char *script, int no_namespace)
{
    start_spawn(r, script, no_namespace, 0);
}

/* A marker for a command line, this test process's own: the ASan, memcheck and plain builds
 * of this test run side by side (ci/selfcheck), and each must see only its own processes. */
static const char *marker(const char *what)
{
    static char m[64];
    snprintf(m, sizeof m, "racelab-test-%s-%d", what, (int)getpid());
    return m;
}

/* Whether any process on the machine still carries the marker in its command line. */
static int alive(const char *marker)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ps -eo args | grep -v grep | grep -q -- '%s'", marker);
    return system(cmd) == 0;
}

static void exit_status(void **state)
{
    (void)state;
    struct rl_run r;
    start(&r, "exit 3", 0);
    assert_int_equal(rl_run_wait(&r, RL_UNTIL_ALL_EXIT, rl_now() + 10, 0.5), RL_WAIT_DONE);
    assert_true(r.main_done);
    assert_true(WIFEXITED(r.main_status));
    assert_int_equal(WEXITSTATUS(r.main_status), 3);
    assert_false(r.crashed);
    rl_run_kill(&r);
    rl_run_free(&r);
}

static void crash_is_seen(void **state)
{
    (void)state;
    struct rl_run r;
    start(&r, "kill -SEGV $$", 0);
    assert_int_equal(rl_run_wait(&r, RL_UNTIL_ALL_EXIT, rl_now() + 10, 0.5), RL_WAIT_DONE);
    assert_true(r.crashed);
    assert_int_equal(r.crash_signal, SIGSEGV);
    assert_true(WIFSIGNALED(r.main_status));
    rl_run_kill(&r);
    rl_run_free(&r);
}

static void cannot_exec(void **state)
{
    (void)state;
    char *argv[] = {"/nonexistent/program", NULL};
    char out[128], err[128], why[256];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(err, sizeof err, "%s/err", dir);
    struct rl_spawn sp = {
        .argv = argv, .env = environ, .dir = dir, .out_path = out, .err_path = err, .keep_fd = -1};
    struct rl_run r;
    assert_int_equal(rl_run_start(&r, &sp, why, sizeof why), -1);
    assert_non_null(strstr(why, "cannot run /nonexistent/program: No such file or directory"));
}

/* no_aslr: the program (and what it starts) runs with ADDR_NO_RANDOMIZE, 0x0040000 in its
 * /proc/self/personality; without it, the personality racelab has. */
static void no_aslr_personality(void **state)
{
    (void)state;
    for (int no_aslr = 0; no_aslr < 2; no_aslr++) {
        struct rl_run r;
        start_spawn(&r, "cat /proc/self/personality", 0, no_aslr);
        assert_int_equal(rl_run_wait(&r, RL_UNTIL_ALL_EXIT, rl_now() + 10, 0), RL_WAIT_DONE);
        rl_run_kill(&r);
        rl_run_free(&r);
        char path[128];
        snprintf(path, sizeof path, "%s/out", dir);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        unsigned long persona = 0;
        assert_int_equal(fscanf(f, "%lx", &persona), 1);
        fclose(f);
        assert_int_equal(!!(persona & 0x0040000), no_aslr);
    }
}

/* A shell reads what cat writes, and cat reads the same pipe (through /proc/self/fd/1): both
 * wait, with no timeout, on a pipe only the run holds. A deadlock, found long before the
 * deadline. (A reader of a FIFO is not one: any process may open it; tests/hang.) */
static void hang_found_early(void **state)
{
    (void)state;
    struct rl_run r;
    char script[128];
    snprintf(script, sizeof script, "x=$(cat /proc/self/fd/1) # %s", marker("hang"));
    start(&r, script, 0);
    double t0 = rl_now();
    assert_int_equal(rl_run_wait(&r, RL_UNTIL_ALL_EXIT, t0 + 20, 0.5), RL_WAIT_HUNG);
    assert_true(rl_now() - t0 < 5);
    pid_t pids[RL_RUN_MAX_PIDS];
    int n = rl_run_pids(&r, pids, RL_RUN_MAX_PIDS);
    assert_true(rl_threads_all_blocked(pids, n));
    char where[1024];
    rl_threads_describe(pids, n, where, sizeof where);
    assert_non_null(strstr(where, "in read (no timeout)"));
    rl_run_kill(&r);
    rl_run_free(&r);
    assert_false(alive(marker("hang")));
}

/* A sleeper will wake by itself: no early verdict, the deadline decides. */
static void sleeper_runs_to_deadline(void **state)
{
    (void)state;
    struct rl_run r;
    start(&r, "exec sleep 30", 0);
    double t0 = rl_now();
    assert_int_equal(rl_run_wait(&r, RL_UNTIL_ALL_EXIT, t0 + 1.0, 0.3), RL_WAIT_DEADLINE);
    assert_true(rl_now() - t0 >= 1.0);
    pid_t pids[RL_RUN_MAX_PIDS];
    assert_false(rl_threads_all_blocked(pids, rl_run_pids(&r, pids, RL_RUN_MAX_PIDS)));
    rl_run_kill(&r);
    rl_run_free(&r);
}

static void double_fork_leaves_nothing(int no_namespace)
{
    struct rl_run r;
    char script[128];
    snprintf(script, sizeof script, "(sh -c 'sleep 30 # %s' &) ; exit 0", marker("orphan"));
    start(&r, script, no_namespace);
    assert_int_equal(rl_run_wait(&r, RL_UNTIL_MAIN_EXITS, rl_now() + 10, 0), RL_WAIT_DONE);
    /* The grandchild outlived its parent and is still part of the run. */
    assert_int_equal(rl_run_wait(&r, RL_UNTIL_ALL_EXIT, rl_now() + 0.5, 0), RL_WAIT_DEADLINE);
    pid_t pids[8];
    assert_true(rl_run_pids(&r, pids, 8) >= 1);
    assert_true(alive(marker("orphan")));
    rl_run_kill(&r);
    rl_run_free(&r);
    assert_false(alive(marker("orphan")));
    assert_int_equal(rl_run_pids(&r, pids, 8), 0);
}

/* Whether one of pids runs "sleep <seconds>". */
static int has_sleep(const pid_t *pids, int n, const char *seconds)
{
    for (int i = 0; i < n; i++) {
        char path[64], cmd[64] = "";
        snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pids[i]);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t got = fread(cmd, 1, sizeof cmd - 1, f);
        fclose(f);
        if (got > 6 && strcmp(cmd, "sleep") == 0 && strcmp(cmd + 6, seconds) == 0)
            return 1;
    }
    return 0;
}

/* The run's processes, found from the children of each (a tree three deep), without the
 * zombie that `sleep 34` will never reap. */
static void tree_without_zombies(int no_namespace)
{
    struct rl_run r;
    start(&r, "sleep 31 & (sleep 32 & sleep 33 & wait) & sh -c 'sleep 0 & exec sleep 34' & wait",
          no_namespace);
    pid_t pids[16];
    int n = 0, all = 0;
    for (double end = rl_now() + 10; rl_now() < end && !(all && n == 6);) {
        rl_run_wait(&r, RL_UNTIL_ALL_EXIT, rl_now() + 0.05, 0);
        n = rl_run_pids(&r, pids, 16);
        all = has_sleep(pids, n, "31") && has_sleep(pids, n, "32") && has_sleep(pids, n, "33") &&
              has_sleep(pids, n, "34");
    }
    assert_true(all);
    assert_int_equal(n, 6); /* sh, sleep 31, the subshell, sleep 32 and 33, sleep 34 */
    rl_run_kill(&r);
    rl_run_free(&r);
}

static void tree_namespace(void **state)
{
    (void)state;
    tree_without_zombies(0);
}

static void tree_fallback(void **state)
{
    (void)state;
    tree_without_zombies(1);
}

static void double_fork_namespace(void **state)
{
    (void)state;
    double_fork_leaves_nothing(0);
}

static void double_fork_fallback(void **state)
{
    (void)state;
    double_fork_leaves_nothing(1);
}

/* A pid from inside the run (e.g. a pidfile) reaches the right process. */
static void signal_by_program_pid(void **state)
{
    (void)state;
    struct rl_run r;
    start(&r, "echo $$ > pid; exec sleep 30", 0);
    char path[128];
    snprintf(path, sizeof path, "%s/pid", dir);
    pid_t pid = 0;
    for (int i = 0; i < 200 && pid == 0; i++) {
        FILE *f = fopen(path, "r");
        if (f) {
            if (fscanf(f, "%d", &pid) != 1)
                pid = 0;
            fclose(f);
        }
        if (!pid)
            usleep(10000);
    }
    assert_true(pid > 0);
    assert_int_equal(rl_run_signal(&r, pid, SIGTERM), 0);
    assert_int_equal(rl_run_wait(&r, RL_UNTIL_ALL_EXIT, rl_now() + 10, 0), RL_WAIT_DONE);
    assert_true(WIFSIGNALED(r.main_status));
    assert_false(r.crashed); /* racelab sent it */
    assert_int_equal(rl_run_signal(&r, 999999, SIGTERM), -1);
    rl_run_kill(&r);
    rl_run_free(&r);
}

/* The program's own session and process group: kill(0, SIGTERM) reaches neither racelab
 * (this test) nor the reaper, and the leader is no process of the run. */
static void own_process_group(int no_namespace)
{
    struct rl_run r;
    start(&r, "trap '' TERM; kill -TERM 0; sleep 0.3; exit 4", no_namespace);
    assert_int_equal(rl_run_wait(&r, RL_UNTIL_ALL_EXIT, rl_now() + 10, 0), RL_WAIT_DONE);
    assert_true(WIFEXITED(r.main_status));
    assert_int_equal(WEXITSTATUS(r.main_status), 4);
    assert_false(r.reaper_lost);
    rl_run_kill(&r);
    rl_run_free(&r);
    assert_int_equal(r.isolation,
                     no_namespace ? RL_ISOLATION_FALLBACK : RL_ISOLATION_PID_NAMESPACE);
}

static void own_process_group_namespace(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    own_process_group(0);
}

static void own_process_group_fallback(void **state)
{
    (void)state;
    own_process_group(1);
}

/* In the fallback the program can kill the reaper (its parent): the run has no result. */
static void reaper_killed_is_lost(void **state)
{
    (void)state;
    struct rl_run r;
    /* The program waits for the test's word, so that the reaper dies after the start (a
     * reaper killed before it could say the program started is a failed start instead). */
    char fifo[160], cmd[300];
    snprintf(fifo, sizeof fifo, "%s/go", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    snprintf(cmd, sizeof cmd, "read x < '%s'; kill -KILL $PPID; exit 0", fifo);
    start(&r, cmd, 1);
    FILE *go = fopen(fifo, "w");
    assert_non_null(go);
    fputs("go\n", go);
    fclose(go);
    unlink(fifo);
    assert_int_equal(rl_run_wait(&r, RL_UNTIL_ALL_EXIT, rl_now() + 10, 0), RL_WAIT_DONE);
    rl_run_kill(&r);
    rl_run_free(&r);
    assert_true(r.reaper_lost);
    if (!WIFSIGNALED(r.reaper_status))
        fail_msg("reaper status %#x", (unsigned)r.reaper_status);
    assert_int_equal(WTERMSIG(r.reaper_status), SIGKILL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_status),
        cmocka_unit_test(crash_is_seen),
        cmocka_unit_test(cannot_exec),
        cmocka_unit_test(hang_found_early),
        cmocka_unit_test(sleeper_runs_to_deadline),
        cmocka_unit_test(tree_namespace),
        cmocka_unit_test(tree_fallback),
        cmocka_unit_test(double_fork_namespace),
        cmocka_unit_test(double_fork_fallback),
        cmocka_unit_test(signal_by_program_pid),
        cmocka_unit_test(own_process_group_namespace),
        cmocka_unit_test(own_process_group_fallback),
        cmocka_unit_test(reaper_killed_is_lost),
        cmocka_unit_test(no_aslr_personality),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
