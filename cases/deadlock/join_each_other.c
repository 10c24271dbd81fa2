/* racelab-case
 * concept: deadlock
 * variant: broken
 * twin: join_one_way
 * title: Two threads each wait with pthread_join for the other to finish
 * lesson: The producer joins the consumer before reporting, and the consumer
 *   joins the producer. Each waits for a thread that is itself waiting, so
 *   both block forever. POSIX lists EDEADLK for pthread_join only as a "may
 *   fail": an implementation may notice a join cycle, but need not. glibc
 *   2.36 tries to and never does (its compare-exchange on the joinid has the
 *   expected and the desired values swapped), so here both joins hang. Check
 *   the result of every join (this program exits 1 on an error), but do not
 *   rely on the check: decide which thread outlives the other and join in
 *   that direction only.
 * timeout: 5
 * expect tsan: deadlock -- TSan does not look for cycles of joins, so only
 *   the hang shows it.
 * expect helgrind: deadlock -- Helgrind does not look for cycles of joins, so
 *   only the hang shows it.
 * expect drd: deadlock -- DRD does not look for cycles of joins, so only the
 *   hang shows it.
 */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier_t */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_t producer, consumer;
static pthread_barrier_t ids_known; /* both ids are set before anyone joins */
static sem_t producer_done;
static int item;

/* A join that fails (EDEADLK, if the C library sees the cycle) ends the program. */
static void join_or_exit(pthread_t t, const char *who)
{
    int err = pthread_join(t, NULL); /* racelab: deadlock */
    if (err != 0) {
        fprintf(stderr, "%s: pthread_join: %s\n", who, strerror(err));
        exit(1);
    }
}

static void *produce(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&ids_known);
    join_or_exit(consumer, "producer"); /* waits for the consumer... */
    sem_post(&producer_done);
    return NULL;
}

static void *consume(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&ids_known);
    item = 1;
    /* The bug: ...which waits for the producer. */
    join_or_exit(producer, "consumer");
    return NULL;
}

int main(void)
{
    sem_init(&producer_done, 0, 0);
    pthread_barrier_init(&ids_known, NULL, 3);
    pthread_create(&producer, NULL, produce, NULL);
    pthread_create(&consumer, NULL, consume, NULL);
    pthread_barrier_wait(&ids_known);
    /* main does not join the producer before it reports: a thread may have
     * only one joiner, and here the consumer already is one. */
    sem_wait(&producer_done); /* racelab: deadlock */
    join_or_exit(producer, "main");
    printf("item %d\n", item);
    return 0;
}
