/* racelab-case
 * concept: race
 * variant: correct
 * twin: counter_atomic
 * title: Data published through an atomic read-modify-write with release and acquire
 * lesson: The producer writes the payload, then raises the flag with
 *   atomic_fetch_add(release); main spins on a compare-exchange(acquire) that
 *   turns the raised 1 into 2, and only then reads the payload. The release RMW
 *   synchronises with the acquire RMW that reads its value, so the payload is
 *   ordered and the program is race-free. Helgrind and DRD see each locked
 *   read-modify-write as a plain read: the flag never conflicts (as in
 *   counter_atomic), but nothing orders the payload either, so both report it.
 *   A false positive to recognise, not to "fix".
 * expect tsan: clean
 * expect helgrind: data-race -- Helgrind treats a locked read-modify-write as a plain read, so the release and acquire RMWs give it no happens-before edge: a false positive on the payload.
 * expect drd: data-race -- DRD treats a locked read-modify-write as a plain read too, so nothing orders the payload for it: a false positive.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static int payload;      /* plain data, published through ready */
static atomic_int ready; /* 1 once payload has been written */

static void *producer(void *arg)
{
    payload = *(const int *)arg; /* racelab: data-race -- written before the release RMW */
    atomic_fetch_add_explicit(&ready, 1, memory_order_release);
    return NULL;
}

int main(void)
{
    pthread_t t;
    int answer = 42; /* passed by pointer so no compiler can treat payload as a constant */

    pthread_create(&t, NULL, producer, &answer);
    /* The acquire compare-exchange that reads the released 1 synchronises with it. */
    int raised = 1;
    while (!atomic_compare_exchange_weak_explicit(&ready, &raised, 2, memory_order_acquire,
                                                  memory_order_relaxed))
        raised = 1; /* spin: the flag is still 0 */
    int seen = payload; /* racelab: data-race -- read after the acquire RMW */
    pthread_join(t, NULL);
    if (seen != answer) {
        fprintf(stderr, "stale payload: %d\n", seen);
        return 1;
    }
    printf("payload = %d\n", seen);
    return 0;
}
