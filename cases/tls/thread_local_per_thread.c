/* racelab-case
 * concept: tls
 * variant: correct
 * twin: tls_pointer_escapes
 * title: Each thread counts in its own _Thread_local variable and returns the value
 * lesson: Each thread, main included, has its own `hits`, reached only by
 *   name from inside the thread: no lock is needed. The worker hands its
 *   total to main by value, through pthread_join.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

static _Thread_local int hits;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 10; i++)
        hits++;
    return (void *)(intptr_t)hits; /* the value, not &hits */
}

int main(void)
{
    pthread_t t;
    void *ret;
    pthread_create(&t, NULL, worker, NULL);
    hits = 5;
    pthread_join(t, &ret);
    printf("worker %d, main %d\n", (int)(intptr_t)ret, hits);
    return 0;
}
