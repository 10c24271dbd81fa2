/* racelab-case
 * concept: tls
 * variant: broken
 * twin: thread_local_per_thread
 * title: A thread publishes the address of its _Thread_local counter, and main writes through it
 * lesson: A _Thread_local variable is per thread only by name: its address is
 *   an ordinary pointer, and any thread that gets it reaches the same bytes.
 *   The worker keeps counting in its `hits` while main, handed &hits, resets
 *   it: a data race on "thread-local" storage. (And once the worker ends,
 *   the pointer dangles.) Keep the address of thread-local storage inside its
 *   thread, and publish values, not addresses (thread_local_per_thread).
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <pthread.h>
#include <stdio.h>

static _Thread_local int hits;
static int *volatile published; /* the escape */

static void *worker(void *arg)
{
    (void)arg;
    hits = 1;
    published = &hits; /* racelab: data-race */
    pause_here();
    hits++; /* racelab: data-race */
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pause_init() != 0)
        return 2;
    pthread_create(&t, NULL, worker, NULL);
    wait_until_paused();
    *published = 0; /* racelab: data-race -- the worker's own counter */
    end_pause();
    pthread_join(t, NULL);
    printf("main's hits %d\n", hits);
    return 0;
}
