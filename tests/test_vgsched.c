/* The reader of Valgrind's gdbserver reply to `v.info scheduler`, on replies captured from
 * real hangs (ci/capture-fixtures: tests/fixtures/src/abba.c under Helgrind and DRD), and on
 * hostile bytes: cut short, lines past the bound, more threads and frames than are kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vgsched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", FIXTURES, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* The thread whose innermost frame in abba.c is on that line, or NULL. */
static const struct rl_thread_stack *on_line(const struct rl_stacks *s, int line)
{
    for (size_t i = 0; i < s->n; i++) {
        int f = rl_stack_user_frame(&s->v[i], "abba.c");
        if (f >= 0 && s->v[i].frames[f].line == line)
            return &s->v[i];
    }
    return NULL;
}

static void abba(const char *fixture)
{
    size_t len;
    char *text = slurp(fixture, &len);
    struct rl_stacks s = {0};
    assert_int_equal(rl_vgsched_parse(text, len, 2, &s), 3);
    assert_int_equal(s.n, 3);
    /* The host's own stack comes first in the reply and is no thread's. */
    for (size_t i = 0; i < s.n; i++) {
        assert_int_equal(s.v[i].pid, 2);
        assert_true(s.v[i].tid > 0);
        assert_true(s.v[i].nframes >= 3);
    }
    const struct rl_thread_stack *t1 = on_line(&s, 17), *t2 = on_line(&s, 26),
                                 *main_thread = on_line(&s, 36);
    assert_non_null(t1);
    assert_non_null(t2);
    assert_non_null(main_thread);
    int f = rl_stack_user_frame(t1, "/some/where/abba.c");
    assert_string_equal(t1->frames[f].function, "a_then_b");
    assert_string_equal(main_thread->frames[rl_stack_user_frame(main_thread, "abba.c")].function,
                        "main");
    /* Without a case, the program's own frame is still the first outside libc and Valgrind. */
    assert_int_equal(rl_stack_user_frame(t2, NULL), rl_stack_user_frame(t2, "abba.c"));
    /* glibc's futex wait is inlined into the lock wait: the same pc twice. */
    int inlined = 0;
    for (int i = 0; i < t1->nframes; i++)
        inlined += t1->frames[i].inlined;
    assert_true(inlined >= 1);
    rl_stacks_free(&s);
    free(text);
}

static void helgrind_abba(void **state)
{
    (void)state;
    abba("helgrind-abba-vgdb.0.txt");
}

static void drd_abba(void **state)
{
    (void)state;
    abba("drd-abba-vgdb.0.txt");
}

/* Every prefix of a real reply parses, with no more threads than the whole. */
static void cut_short(void **state)
{
    (void)state;
    size_t len;
    char *text = slurp("helgrind-abba-vgdb.0.txt", &len);
    for (size_t cut = 0; cut <= len; cut += 7) {
        struct rl_stacks s = {0};
        int n = rl_vgsched_parse(text, cut, 2, &s);
        assert_true(n >= 0 && n <= 3);
        assert_int_equal((size_t)n, s.n);
        rl_stacks_free(&s);
    }
    free(text);
}

/* Bounds: threads past RL_STACKS_MAX and frames past RL_STACK_FRAMES are counted, a line past
 * RL_VGSCHED_LINE is cut, and fields never overflow. */
static void bounded(void **state)
{
    (void)state;
    size_t size = 4 << 20, used = 0;
    char *text = malloc(size);
    assert_non_null(text);
    for (int t = 1; t <= RL_STACKS_MAX + 5; t++) {
        used += (size_t)snprintf(text + used, size - used,
                                 "Thread %d: status = VgTs_WaitSys syscall 202 (lwpid %d)\n", t,
                                 100 + t);
        for (int f = 0; f < (t == 1 ? RL_STACK_FRAMES + 3 : 2); f++)
            used += (size_t)snprintf(text + used, size - used, "==2==    by 0x%X: fn%d (x.c:%d)\n",
                                     0x1000 + f, f, f + 1);
    }
    used += (size_t)snprintf(text + used, size - used, "==2==    at 0x1: ");
    memset(text + used, 'f', 5000);
    used += 5000;
    struct rl_stacks s = {0};
    assert_int_equal(rl_vgsched_parse(text, used, 2, &s), RL_STACKS_MAX);
    assert_int_equal(s.dropped, 5);
    assert_int_equal(s.v[0].nframes, RL_STACK_FRAMES);
    assert_int_equal(s.v[0].more_frames, 3);
    assert_int_equal(s.v[0].frames[4].line, 5);
    assert_string_equal(s.v[0].frames[4].function, "fn4");
    assert_int_equal(s.v[1].tid, 102);
    rl_stacks_free(&s);
    /* A frame line of a function name longer than the field, and a line with NUL bytes. */
    static const char odd[] = "Thread 1: status = VgTs_WaitSys (lwpid 9)\n"
                              "==2==    at 0x10: \0main (abba.c:36)\n"
                              "==2==    at 0x11: main (abba.c:notanumber)\n"
                              "==2==    at 0x12: main (in /x)\n"
                              "==2==    at 0x13: main (:5)\n"; /* a line, no file (ci/fuzz) */
    assert_int_equal(rl_vgsched_parse(odd, sizeof odd - 1, 2, &s), 1);
    assert_int_equal(s.v[0].nframes, 4);
    assert_int_equal(s.v[0].frames[1].line, 0);
    assert_string_equal(s.v[0].frames[2].file, "");
    assert_int_equal(s.v[0].frames[3].line, 0);
    rl_stacks_free(&s);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(helgrind_abba),
        cmocka_unit_test(drd_abba),
        cmocka_unit_test(cut_short),
        cmocka_unit_test(bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
