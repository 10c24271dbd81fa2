/* racelab-case
 * concept: race
 * variant: correct
 * twin: flag_plain_publish
 * title: Data published through relaxed atomics and explicit fences
 * lesson: A release fence before a relaxed store, paired with an acquire fence
 *   after the relaxed load that reads it, orders the payload exactly as a
 *   release store and an acquire load would (C11 7.17.4). The program is
 *   correct, but no detector here models standalone fences, so all three
 *   report the payload: when a tool flags fence-based code, check the fences
 *   by hand (or prefer release/acquire operations, which TSan understands).
 * expect tsan: data-race -- TSan does not model standalone atomic_thread_fence, so the fence pair gives it no happens-before edge: a false positive.
 * expect tsan (force_seq_cst_atomics=1): clean -- With force_seq_cst_atomics=1 TSan treats every atomic access as seq_cst, so the relaxed flag store and load order the threads and the false positive goes.
 * expect helgrind: data-race -- Helgrind does not model fences or C11 atomics (plain x86 moves): a false positive.
 * expect drd: data-race -- DRD does not model fences or C11 atomics (plain x86 moves): a false positive.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

/* Plain data, published through ready. Eight cells rather than one: ThreadSanitizer misses
 * a race now and then by design (about 1 run in 400 here with clang 22), and a miss on all
 * eight addresses in one run is what would take for the verdict to flip. */
static int payload[8];
static atomic_int ready; /* relaxed flag; the fences do the ordering */

static void *producer(void *arg)
{
    for (int i = 0; i < 8; i++) payload[i] = *(const int *)arg + i; /* racelab: data-race */
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&ready, 1, memory_order_relaxed); /* racelab: data-race */
    return NULL;
}

int main(void)
{
    pthread_t t;
    int answer = 42; /* passed by pointer so no compiler can treat payload as a constant */

    pthread_create(&t, NULL, producer, &answer);
    while (!atomic_load_explicit(&ready, memory_order_relaxed)) /* racelab: data-race */
        ; /* spin on the relaxed flag */
    atomic_thread_fence(memory_order_acquire); /* pairs with the release fence */
    int seen = 0;
    for (int i = 0; i < 8; i++) seen += payload[i] - i; /* racelab: data-race */
    pthread_join(t, NULL);
    if (seen != 8 * answer) {
        fprintf(stderr, "stale payload: %d\n", seen / 8);
        return 1;
    }
    printf("payload = %d\n", seen / 8);
    return 0;
}
