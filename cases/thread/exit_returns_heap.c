/* racelab-case
 * concept: thread
 * variant: correct
 * twin: exit_returns_stack_local
 * title: A thread hands pthread_exit a pointer to memory it allocated
 * lesson: The result outlives the thread because it lives on the heap: the
 *   joiner receives the pointer from pthread_join, reads the value and frees
 *   it. A later thread that reuses the dead thread's stack changes nothing.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void *compute(void *arg)
{
    int *result = malloc(sizeof *result);
    (void)arg;
    if (result)
        *result = 42;
    pthread_exit(result);
}

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
    if (ret == NULL)
        return 2;
    int value = *(int *)ret;
    free(ret);
    printf("result %d\n", value);
    return value == 42 ? 0 : 1;
}
