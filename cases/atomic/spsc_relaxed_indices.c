/* racelab-case
 * concept: atomic
 * variant: broken
 * twin: spsc_acquire_release
 * title: A single-producer single-consumer ring buffer whose indices are relaxed atomics
 * lesson: The producer writes a slot and then advances `head`; the consumer
 *   reads `head` and then the slot. With memory_order_relaxed the index
 *   carries no ordering: the consumer can see the new head and still read
 *   the slot's old contents (on ARM and POWER, and whenever the compiler
 *   reorders). TSan models the C11 orders and reports the slots as a race.
 *   Publish with a release store and read with an acquire load
 *   (spsc_acquire_release). Helgrind and DRD report the slots in both
 *   versions: they do not model atomics.
 * expect tsan: data-race
 * expect tsan (force_seq_cst_atomics=1): clean -- With force_seq_cst_atomics=1 TSan makes the relaxed index accesses seq_cst, which orders the slots: the option hides this bug, so it is no way to test code that uses relaxed atomics.
 * expect helgrind: data-race
 * expect drd: data-race
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
        while (i - atomic_load_explicit(&tail, memory_order_relaxed) == SLOTS) /* racelab: data-race -- Helgrind, DRD: the index */
            sched_yield(); /* full */ /* racelab: data-race -- Helgrind, DRD */
        ring[i % SLOTS] = (int)i; /* racelab: data-race */
        atomic_store_explicit(&head, i + 1, memory_order_relaxed); /* the bug */ /* racelab: data-race -- Helgrind, DRD: the index */
    }
    return NULL;
}

int main(void)
{
    pthread_t t;
    long sum = 0;
    pthread_create(&t, NULL, producer, NULL);
    for (unsigned i = 0; i < ITEMS; i++) {
        while (atomic_load_explicit(&head, memory_order_relaxed) == i) /* racelab: data-race -- Helgrind, DRD: the index */
            sched_yield(); /* empty */ /* racelab: data-race -- Helgrind, DRD */
        sum += ring[i % SLOTS]; /* racelab: data-race */
        atomic_store_explicit(&tail, i + 1, memory_order_relaxed); /* racelab: data-race -- Helgrind, DRD: the index */
    }
    pthread_join(t, NULL);
    printf("sum %ld\n", sum);
    return 0;
}
