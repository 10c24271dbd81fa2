/* racelab-case
 * concept: race
 * variant: correct
 * twin: counter_unlocked
 * title: Two threads increment a shared C11 atomic counter
 * lesson: atomic_fetch_add performs the load, the add and the store as one
 *   indivisible read-modify-write, so no update is lost and no lock is needed.
 *   The three tools are clean for different reasons. TSan models C11 atomics.
 *   Helgrind and DRD do not: they treat a lock-prefixed read-modify-write on
 *   x86 as a plain read, and two reads never conflict. So for them atomics
 *   never race, but they order nothing either: rmw_publish, its correct twin,
 *   publishes data through the same kind of instruction and both report it.
 * expect tsan: clean
 * expect helgrind: clean -- Helgrind sees each atomic increment as a plain read, and reads never conflict.
 * expect drd: clean -- DRD sees each atomic increment as a plain read, and reads never conflict.
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
