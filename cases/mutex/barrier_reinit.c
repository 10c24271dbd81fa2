/* racelab-case
 * concept: mutex
 * variant: broken
 * twin: barrier_init_once
 * title: A barrier is initialised twice: once at start-up and again by a second setup call
 * lesson: pthread_barrier_init on a barrier that is already initialised is
 *   undefined: glibc overwrites the count of threads that have arrived,
 *   which breaks the barrier if anyone is already waiting on it. Here the
 *   setup function runs twice before any thread starts, so this run works,
 *   but nothing in the code prevents the second call from coming later.
 *   Helgrind and DRD keep a record of each barrier and report the second
 *   init; TSan does not check barriers. Initialise once (pthread_once, or
 *   in main before the first thread), and reuse the barrier as it is: it is
 *   cyclic (barrier_init_once).
 * expect tsan: clean -- TSan does not check how barriers are used.
 * expect helgrind: sync-misuse
 * expect drd: sync-misuse
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

static void setup(void)
{
    pthread_barrier_init(&phase, NULL, 2); /* racelab: sync-misuse -- the second time */
}

int main(void)
{
    pthread_t t;
    setup();
    setup(); /* the bug: a second init, e.g. from a second module's start-up */
    pthread_create(&t, NULL, worker, NULL);
    pthread_barrier_wait(&phase);
    pthread_barrier_wait(&phase);
    pthread_join(t, NULL);
    pthread_barrier_destroy(&phase);
    puts("two phases done");
    return 0;
}
