/* racelab-case
 * concept: deadlock
 * variant: broken
 * twin: join_one_way
 * title: Two threads each wait with pthread_join for the other to finish
 * lesson: The producer joins the consumer before reporting, and the consumer
 *   joins the producer. Each waits for a thread that is itself waiting, so
 *   both block forever; glibc returns EDEADLK only for a thread joining
 *   itself, not for this cycle. Decide which thread outlives the other and
 *   join in that direction only.
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

static pthread_t producer, consumer;
static pthread_barrier_t ids_known; /* both ids are set before anyone joins */
static sem_t producer_done;
static int item;

static void *produce(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&ids_known);
    pthread_join(consumer, NULL); /* waits for the consumer... */
    sem_post(&producer_done);
    return NULL;
}

static void *consume(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&ids_known);
    item = 1;
    /* Bug: ...which waits for the producer. */
    pthread_join(producer, NULL);
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
    sem_wait(&producer_done);
    pthread_join(producer, NULL);
    printf("item %d\n", item);
    return 0;
}
