/* racelab-case
 * concept: thread
 * variant: broken
 * twin: exit_returns_heap
 * title: A thread hands pthread_exit the address of one of its own locals
 * lesson: pthread_exit(&local) returns a pointer into the thread's stack,
 *   and the stack is freed when the thread is joined: glibc keeps it in a
 *   cache and gives it to the next thread it creates, whose frames then
 *   overwrite the value. Here the second thread reuses the first one's stack,
 *   so main reads its numbers instead of the result, and exits 1. No tool
 *   follows a pointer into a dead thread's stack: every access is ordered by
 *   a join. Return heap memory, or write the result into storage the caller
 *   owns (exit_returns_heap).
 * expect tsan: assertion -- TSan does not track the lifetime of stack frames.
 * expect helgrind: assertion -- Helgrind does not track the lifetime of stack frames.
 * expect drd: assertion -- DRD does not track the lifetime of stack frames.
 */
#include <pthread.h>
#include <stdio.h>

static void *compute(void *arg)
{
    volatile int result[64];
    (void)arg;
    for (int i = 0; i < 64; i++)
        result[i] = 42;
    pthread_exit((void *)&result[32]); /* the bug: the frame dies with the thread */
}

/* Another thread of the same stack size: it gets the first one's stack from glibc's cache. */
static void *scribble(void *arg)
{
    volatile int junk[4096];
    (void)arg;
    for (int i = 0; i < 4096; i++)
        junk[i] = 7;
    return (void *)(long)junk[0];
}

int main(void)
{
    pthread_t t;
    void *ret;
    pthread_create(&t, NULL, compute, NULL);
    pthread_join(t, &ret);
    pthread_create(&t, NULL, scribble, NULL);
    pthread_join(t, NULL);
    int value = *(volatile int *)ret;
    printf("result %d\n", value);
    return value == 42 ? 0 : 1;
}
