/* racelab-case
 * concept: deadlock
 * variant: correct
 * twin: join_each_other
 * title: One thread joins the other, never the other way round
 * lesson: The producer outlives the consumer: it joins the consumer, and the
 *   consumer just returns. Joins then point one way (main -> producer ->
 *   consumer), no thread waits for one that waits for it, and each thread is
 *   joined exactly once.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
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
    pthread_join(consumer, NULL); /* the producer outlives the consumer */
    sem_post(&producer_done);
    return NULL;
}

static void *consume(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&ids_known);
    item = 1;
    return NULL; /* the fix: the consumer does not join the producer */
}

int main(void)
{
    sem_init(&producer_done, 0, 0);
    pthread_barrier_init(&ids_known, NULL, 3);
    pthread_create(&producer, NULL, produce, NULL);
    pthread_create(&consumer, NULL, consume, NULL);
    pthread_barrier_wait(&ids_known);
    /* Same steps as the broken twin: wait for the producer's report, then
     * join it (main is its only joiner). */
    sem_wait(&producer_done);
    pthread_join(producer, NULL);
    printf("item %d\n", item);
    return 0;
}
