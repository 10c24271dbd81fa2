/* racelab-case
 * concept: race
 * variant: correct
 * twin: counter_unlocked
 * title: Two threads increment a shared counter under a mutex
 * lesson: The mutex makes each load-add-store a critical section: only one
 *   thread at a time runs it, so no update is lost, and the unlock/lock pair
 *   orders the threads' accesses for every detector.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

#define ITERATIONS 1000

static long counter;
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER; /* guards counter */

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERATIONS; i++) {
        pthread_mutex_lock(&counter_lock);
        counter++;
        pthread_mutex_unlock(&counter_lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];

    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    /* pthread_join orders the workers' writes before this read. */
    if (counter != 2 * ITERATIONS) {
        fprintf(stderr, "lost updates: counter = %ld\n", counter);
        return 1;
    }
    printf("counter = %ld\n", counter);
    return 0;
}
