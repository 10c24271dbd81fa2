/* racelab-case
 * concept: race
 * variant: correct
 * twin: counter_unlocked
 * title: Two threads increment a shared C11 atomic counter
 * lesson: atomic_fetch_add performs the load, the add and the store as one
 *   indivisible read-modify-write, so no update is lost and no lock is needed.
 *   Every detector understands it (a lock-prefixed instruction on x86).
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define ITERATIONS 1000

static atomic_long counter;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERATIONS; i++)
        atomic_fetch_add(&counter, 1);
    return NULL;
}

int main(void)
{
    pthread_t t[2];

    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    long total = atomic_load(&counter);
    if (total != 2 * ITERATIONS) {
        fprintf(stderr, "lost updates: counter = %ld\n", total);
        return 1;
    }
    printf("counter = %ld\n", total);
    return 0;
}
