/* racelab-case
 * concept: deadlock
 * variant: correct
 * twin: barrier_count_too_high
 * title: A barrier initialised for exactly the threads that wait on it
 * lesson: Two workers wait, and the barrier counts two: the second arrival
 *   releases both. The barrier is destroyed only after both are joined.
 * timeout: 5
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
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    pthread_barrier_init(&phase, NULL, 2);
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&phase);
    puts("phase done");
    return 0;
}
