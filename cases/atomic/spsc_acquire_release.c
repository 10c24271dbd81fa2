/* racelab-case
 * concept: atomic
 * variant: correct
 * twin: spsc_relaxed_indices
 * title: A single-producer single-consumer ring buffer with release stores and acquire loads
 * lesson: Each side publishes its index with a release store after touching
 *   the slot, and the other side reads it with an acquire load before
 *   touching the slot: the slot's write happens before its read, and the
 *   read before the slot is reused. TSan is clean. Helgrind and DRD do not
 *   model atomics (on x86 a release store and an acquire load are plain
 *   moves), so they still report the slots: false positives.
 * expect tsan: clean
 * expect helgrind: data-race -- Helgrind does not model C11 atomics: a false positive.
 * expect drd: data-race -- DRD does not model C11 atomics: a false positive.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>

#define SLOTS 8
#define ITEMS 32

static int ring[SLOTS];
static atomic_uint head, tail; /* head: next slot to fill; tail: next to drain */

static void *producer(void *arg)
{
    (void)arg; /* racelab: data-race -- Helgrind, DRD: the load of tail, hoisted */
    for (unsigned i = 0; i < ITEMS; i++) {
        while (i - atomic_load_explicit(&tail, memory_order_acquire) == SLOTS) /* racelab: data-race -- Helgrind, DRD: the index */
            sched_yield(); /* full */ /* racelab: data-race -- Helgrind, DRD */
        ring[i % SLOTS] = (int)i; /* racelab: data-race -- Helgrind and DRD only */
        atomic_store_explicit(&head, i + 1, memory_order_release); /* racelab: data-race -- Helgrind, DRD: the index */
    }
    return NULL;
}

int main(void)
{
    pthread_t t;
    long sum = 0;
    pthread_create(&t, NULL, producer, NULL);
    for (unsigned i = 0; i < ITEMS; i++) {
        while (atomic_load_explicit(&head, memory_order_acquire) == i) /* racelab: data-race -- Helgrind, DRD: the index */
            sched_yield(); /* empty */ /* racelab: data-race -- Helgrind, DRD */
        sum += ring[i % SLOTS]; /* racelab: data-race -- Helgrind and DRD only */
        atomic_store_explicit(&tail, i + 1, memory_order_release); /* racelab: data-race -- Helgrind, DRD: the index */
    }
    pthread_join(t, NULL);
    printf("sum %ld\n", sum);
    return 0;
}
