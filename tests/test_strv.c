/* strv.c: argv and environment building, formatting that fails instead of truncating, and
 * report lines built without printf, cut at their end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "strv.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grows_and_terminates(void **state)
{
    (void)state;
    struct rl_strv sv = {0};
    for (int i = 0; i < 100; i++)
        assert_int_equal(rl_strv_addf(&sv, "arg%d", i), 0);
    assert_int_equal(sv.n, 100);
    assert_string_equal(sv.v[0], "arg0");
    assert_string_equal(sv.v[99], "arg99");
    assert_null(sv.v[100]);
    rl_strv_free(&sv);
    assert_null(sv.v);
    assert_int_equal(sv.n, 0);
    rl_strv_free(&sv); /* twice is harmless */
}

static void environment(void **state)
{
    (void)state;
    struct rl_strv env = {0};
    rl_strv_addf(&env, "PATH=/bin");
    rl_strv_addf(&env, "TSAN_OPTIONSX=not this one");
    assert_null(rl_strv_getenv(&env, "TSAN_OPTIONS"));
    assert_int_equal(rl_strv_setenv(&env, "TSAN_OPTIONS", "a=1"), 0);
    assert_int_equal(rl_strv_setenv(&env, "TSAN_OPTIONS", "b=2"), 0); /* replaces */
    assert_string_equal(rl_strv_getenv(&env, "TSAN_OPTIONS"), "b=2");
    assert_string_equal(rl_strv_getenv(&env, "TSAN_OPTIONSX"), "not this one");
    assert_int_equal(env.n, 3);
    assert_int_equal(rl_strv_setenv(&env, "EMPTY", ""), 0);
    assert_string_equal(rl_strv_getenv(&env, "EMPTY"), "");
    rl_strv_free(&env);
}

static void fmt_never_truncates(void **state)
{
    (void)state;
    char buf[8];
    assert_int_equal(rl_fmt(buf, sizeof buf, "%s/%d", "ab", 1234), 0); /* 7 bytes fit */
    assert_string_equal(buf, "ab/1234");
    errno = 0;
    assert_int_equal(rl_fmt(buf, sizeof buf, "%s/%d", "ab", 12345), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    assert_string_equal(buf, ""); /* never a prefix that names another path */
}

/* A line says what snprintf would have said, cut the way snprintf cuts. */
/* The command a learner can paste: values quoted only where the shell needs it. */
static void shell_line(void **state)
{
    (void)state;
    char *vars[] = {"TSAN_OPTIONS=log_path=/tmp/r x/tsan exitcode=0", "EMPTY=", NULL};
    char *argv[] = {"valgrind", "--tool=drd", "it's", "", "a\nb", NULL};
    char *line = rl_shell_line(vars, argv);
    assert_non_null(line);
    assert_string_equal(line, "TSAN_OPTIONS='log_path=/tmp/r x/tsan exitcode=0' EMPTY= valgrind "
                              "--tool=drd 'it'\\''s' '' 'a\nb'");
    free(line);
    line = rl_shell_line(NULL, argv + 1);
    assert_string_equal(line, "--tool=drd 'it'\\''s' '' 'a\nb'");
    free(line);
    line = rl_shell_line(NULL, NULL);
    assert_string_equal(line, "");
    free(line);
}

static void line_like_snprintf(void **state)
{
    (void)state;
    static const long numbers[] = {0, 7, -7, 10, 4294967306L, LONG_MAX, LONG_MIN};
    for (size_t size = 1; size <= 40; size++)
        for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
            char got[40], want[40];
            struct rl_line l = rl_line_at(got, size);
            rl_line_put(&l, "   at work (race.c:");
            rl_line_put_int(&l, numbers[i]);
            rl_line_putn(&l, ")xyz", 1);
            snprintf(want, size, "   at work (race.c:%ld)", numbers[i]);
            assert_string_equal(got, want);
            assert_int_equal(l.len, strlen(want));
        }
    char one[1] = {'x'};
    struct rl_line empty = rl_line_at(one, sizeof one);
    rl_line_put(&empty, "anything");
    assert_string_equal(one, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grows_and_terminates), cmocka_unit_test(environment),
        cmocka_unit_test(fmt_never_truncates),  cmocka_unit_test(line_like_snprintf),
        cmocka_unit_test(shell_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
