/* racelab-case
 * concept: race
 * variant: correct
 * twin: flag_plain_publish
 * title: Data published through a release store and an acquire load
 * lesson: A release store of the flag makes every earlier write of the producer
 *   visible to a thread whose acquire load reads that store, so the payload
 *   read after the spin is ordered and the program is race-free. Helgrind and
 *   DRD do not model C11 release/acquire (on x86 both are plain moves), so
 *   they report it anyway: a false positive to recognise, not to "fix".
 * expect tsan: clean
 * expect helgrind: data-race -- Helgrind sees the release store and the acquire load as plain x86 moves, so it finds no happens-before edge: a false positive.
 * expect drd: data-race -- DRD does not model C11 release/acquire ordering either (plain x86 moves): a false positive.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static int payload;      /* plain data, published through ready */
static atomic_int ready; /* 1 once payload has been written */

static void *producer(void *arg)
{
    payload = *(const int *)arg; /* racelab: data-race */
    atomic_store_explicit(&ready, 1, memory_order_release); /* racelab: data-race */
    return NULL;
}

int main(void)
{
    pthread_t t;
    int answer = 42; /* passed by pointer so no compiler can treat payload as a constant */

    pthread_create(&t, NULL, producer, &answer);
    while (!atomic_load_explicit(&ready, memory_order_acquire)) /* racelab: data-race */
        ; /* spin: the acquire load that reads 1 synchronises with the release store */
    int seen = payload; /* racelab: data-race */
    pthread_join(t, NULL);
    if (seen != answer) {
        fprintf(stderr, "stale payload: %d\n", seen);
        return 1;
    }
    printf("payload = %d\n", seen);
    return 0;
}
