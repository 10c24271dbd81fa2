/* racelab-case
 * concept: deadlock
 * variant: broken
 * twin: barrier_count_matches
 * title: A barrier is initialised for more threads than ever reach it
 * lesson: pthread_barrier_wait returns only when `count` threads have called
 *   it. The barrier counts main too (3), but only the two workers wait on it,
 *   so both wait forever. Nothing about the barrier is misused in a way a
 *   tool checks; only the hang shows it. Count every thread that waits,
 *   and no other.
 * timeout: 5
 * expect tsan: deadlock
 * expect helgrind: deadlock
 * expect drd: deadlock
 */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier_t */
#include <pthread.h>
#include <stdio.h>

static pthread_barrier_t phase;

static void *worker(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&phase); /* racelab: deadlock */
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    pthread_barrier_init(&phase, NULL, 3); /* the bug: main never waits on it */
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL); /* racelab: deadlock */
    pthread_barrier_destroy(&phase);
    puts("phase done");
    return 0;
}
