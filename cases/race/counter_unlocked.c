/* racelab-case
 * concept: race
 * variant: broken
 * twin: counter_mutex
 * title: Two threads increment a shared counter without a lock
 * lesson: counter++ is a load, an add and a store; when two threads interleave
 *   them, one thread's store overwrites the other's and updates are lost.
 *   Guard the counter with a mutex (counter_mutex) or make it an atomic
 *   (counter_atomic).
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#include <pthread.h>
#include <stdio.h>

#define ITERATIONS 1000

static long counter; /* shared by both workers, protected by nothing */

static void *worker(void *arg)
{
    (void)arg;
    /* One line on purpose: because a data race is undefined behaviour, an
     * optimising compiler may load counter once before the loop and store it
     * once after it (gcc -O1 does), and the report then names the loop line. */
    for (int i = 0; i < ITERATIONS; i++) counter++; /* racelab: data-race */
    return NULL;
}

int main(void)
{
    pthread_t t[2];

    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    /* Often 2000, sometimes less: the race is there either way. */
    printf("counter = %ld (expected %d)\n", counter, 2 * ITERATIONS);
    return 0;
}
