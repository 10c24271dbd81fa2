/* racelab-case
 * concept: race
 * variant: broken
 * twin: flag_release_acquire
 * title: Data published to another thread through a plain (volatile) flag
 * lesson: A plain flag orders nothing: the compiler and the CPU may make the
 *   flag visible before the payload, so the reader can see ready == 1 and a
 *   stale payload. volatile only stops the compiler from caching the flag; it
 *   is not synchronisation. Publish with a release store and read with an
 *   acquire load (flag_release_acquire), or use a mutex.
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#include <pthread.h>
#include <stdio.h>

static int payload;        /* written by the producer, read by main */
static volatile int ready; /* "payload is ready": volatile, yet not a synchroniser */

static void *producer(void *arg)
{
    payload = *(const int *)arg; /* racelab: data-race */
    ready = 1;                   /* racelab: data-race */
    return NULL;
}

int main(void)
{
    pthread_t t;
    int answer = 42; /* passed by pointer so no compiler can treat payload as a constant */

    pthread_create(&t, NULL, producer, &answer);
    while (!ready) /* racelab: data-race */
        ;          /* spin until the producer says the payload is there */
    int seen = payload; /* racelab: data-race */
    pthread_join(t, NULL);
    printf("payload = %d\n", seen);
    return 0;
}
