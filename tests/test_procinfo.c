/* The daemon checker's /proc and file readers, including their error paths: a process that
 * is gone, a pidfile with garbage, unreadable entries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "procinfo.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void stat_parse(void **state)
{
    (void)state;
    struct rl_proc_stat st;
    /* comm may contain spaces and parentheses: fields start after the last ')'. */
    assert_int_equal(rl_proc_stat_parse("812 (a) b (c)) S 1 812 812 0 -1 4194624 0", &st), 0);
    assert_int_equal(st.pid, 812);
    assert_int_equal(st.state, 'S');
    assert_int_equal(st.ppid, 1);
    assert_int_equal(st.pgrp, 812);
    assert_int_equal(st.session, 812);
    assert_int_equal(st.tty_nr, 0);
    assert_int_equal(st.tpgid, -1);
    assert_int_equal(rl_proc_stat_parse("812 (truncated", &st), -1);
    assert_int_equal(rl_proc_stat_parse("", &st), -1);
    assert_int_equal(rl_proc_stat_parse("1 (x) S 1 2", &st), -1);
}

static void live_and_gone(void **state)
{
    (void)state;
    struct rl_proc_stat st;
    assert_int_equal(rl_proc_read_stat(getpid(), &st), 0);
    assert_int_equal(st.pid, getpid());
    char cwd[512], here[512];
    assert_int_equal(rl_proc_link(getpid(), -1, cwd, sizeof cwd), 0);
    assert_non_null(getcwd(here, sizeof here));
    assert_string_equal(cwd, here);
    int p[2];
    assert_int_equal(pipe(p), 0);
    struct stat ps;
    fstat(p[1], &ps);
    char target[64];
    snprintf(target, sizeof target, "pipe:[%lu]", (unsigned long)ps.st_ino);
    assert_int_equal(rl_proc_has_fd_to(getpid(), target), 1);
    close(p[0]);
    close(p[1]);
    assert_int_equal(rl_proc_has_fd_to(getpid(), target), 0);

    /* A process that is gone between two reads. */
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0);
    assert_int_equal(rl_proc_read_stat(child, &st), -1);
    assert_int_equal(rl_proc_link(child, 0, cwd, sizeof cwd), -1);
    assert_int_equal(rl_proc_has_fd_to(child, target), -1);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void pidfiles_and_logs(void **state)
{
    (void)state;
    char path[] = "/tmp/racelab-pidfile-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, "1234\n");
    assert_int_equal(rl_pidfile_read(path), 1234);
    write_file(path, "garbage\n");
    assert_int_equal(rl_pidfile_read(path), 0);
    write_file(path, "12x\n");
    assert_int_equal(rl_pidfile_read(path), 0);
    write_file(path, "");
    assert_int_equal(rl_pidfile_read(path), 0);
    write_file(path, "-5\n");
    assert_int_equal(rl_pidfile_read(path), 0);
    write_file(path, "a\nb\nc\n");
    assert_int_equal(rl_file_lines(path), 3);

    /* Not locked, then locked by us (flock shows in /proc/locks). */
    assert_int_equal(rl_file_locked(path), 0);
    fd = open(path, O_RDONLY);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    assert_int_equal(rl_file_locked(path), 1);
    close(fd);
    unlink(path);
    assert_int_equal(rl_pidfile_read(path), -1);
    assert_int_equal(rl_file_lines(path), -1);
    assert_int_equal(rl_file_locked(path), -1);
}

static void locks_text(void **state)
{
    (void)state;
    const char *text = "1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 0 EOF\n"
                       "1: -> POSIX  ADVISORY  WRITE 99 fd:01:4242 0 EOF\n"
                       "2: FLOCK  ADVISORY  WRITE 77 00:2f:91 0 EOF\n";
    assert_true(rl_locks_has_inode(text, 5678));
    assert_true(rl_locks_has_inode(text, 91));
    assert_false(rl_locks_has_inode(text, 4242)); /* only waits for it */
    assert_false(rl_locks_has_inode(text, 1234)); /* a pid, not an inode */
    assert_false(rl_locks_has_inode("", 1));
}

/* The ids of this very process (no PID namespace of its own: the one number is its pid), a
 * key status has not, and a process that is gone. */
static void own_ids(void **state)
{
    (void)state;
    assert_int_equal(rl_proc_own_id(getpid(), 0, "NStgid"), getpid());
    assert_int_equal(rl_proc_own_id(getpid(), getpid(), "NSpid"), getpid());
    assert_int_equal(rl_proc_own_id(getpid(), 0, "NSnothing"), -1);
    assert_int_equal(rl_proc_own_id(getpid(), 0, "NS"), -1); /* a prefix is no key */
    assert_int_equal(rl_proc_own_id(999999999, 0, "NSpid"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(own_ids),       cmocka_unit_test(stat_parse),
        cmocka_unit_test(live_and_gone), cmocka_unit_test(pidfiles_and_logs),
        cmocka_unit_test(locks_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
