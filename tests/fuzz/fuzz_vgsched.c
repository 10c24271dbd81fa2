/* libFuzzer target: the reader of Valgrind's gdbserver reply to `v.info scheduler`
 * (rl_vgsched_parse). Every thread it adds must be within the bounds, every field a
 * terminated string, and the same bytes must give the same stacks; the reply cut after
 * any of its lines gives no more threads than the whole. Seeds: the *-vgdb.*.txt replies of
 * tests/fixtures (every fixture is fed; the others are not replies and give no thread). */
#include "fuzz.h"
#include "vgsched.h"

static void check(const struct rl_stacks *s, int n)
{
    FUZZ_CHECK(n >= 0 && (size_t)n == s->n && s->n <= RL_STACKS_MAX);
    for (size_t i = 0; i < s->n; i++) {
        const struct rl_thread_stack *t = &s->v[i];
        FUZZ_CHECK(t->pid == 2 && t->tid > 0);
        FUZZ_CHECK(t->nframes >= 0 && t->nframes <= RL_STACK_FRAMES);
        FUZZ_CHECK(t->more_frames == 0 || t->nframes == RL_STACK_FRAMES);
        for (int f = 0; f < t->nframes; f++) {
            const struct rl_frame *fr = &t->frames[f];
            FUZZ_CHECK(FUZZ_TERMINATED(fr->function) && FUZZ_TERMINATED(fr->file));
            FUZZ_CHECK(fr->line >= 0 && (fr->line == 0 || fr->file[0]));
        }
        int u = rl_stack_user_frame(t, "abba.c");
        FUZZ_CHECK(u >= -1 && u < t->nframes);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct rl_stacks a = {0}, b = {0};
    int n = rl_vgsched_parse(text, size, 2, &a);
    check(&a, n);
    FUZZ_CHECK(rl_vgsched_parse(text, size, 2, &b) == n);
    for (size_t i = 0; i < a.n; i++)
        FUZZ_CHECK(memcmp(&a.v[i], &b.v[i], sizeof a.v[i]) == 0);
    rl_stacks_free(&b);
    /* A prefix of whole lines: a line cut short may read as another (a cut "(lwpid 5555..."
     * is a valid thread id where the whole number is not). */
    size_t cut = fuzz_hash(data, size) % (size + 1);
    while (cut > 0 && text[cut - 1] != '\n')
        cut--;
    int m = rl_vgsched_parse(text, cut, 2, &b);
    check(&b, m);
    FUZZ_CHECK(m <= n); /* a prefix holds no thread line the whole does not */
    rl_stacks_free(&a);
    rl_stacks_free(&b);
    return 0;
}
