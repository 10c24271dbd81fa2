/* racelab-case
 * concept: mutex
 * variant: correct
 * twin: barrier_reinit
 * title: One barrier, initialised once, serves two phases
 * lesson: A barrier is cyclic: once `count` threads have arrived it is ready
 *   for the next round, with no new init. It is destroyed once, after the
 *   last thread has left it (after the join).
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier_t */
#include <pthread.h>
#include <stdio.h>

static pthread_barrier_t phase;

static void *worker(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&phase);
    pthread_barrier_wait(&phase);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_barrier_init(&phase, NULL, 2);
    pthread_create(&t, NULL, worker, NULL);
    pthread_barrier_wait(&phase);
    pthread_barrier_wait(&phase);
    pthread_join(t, NULL);
    pthread_barrier_destroy(&phase);
    puts("two phases done");
    return 0;
}
