/* racelab-case
 * concept: condvar
 * variant: correct
 * twin: if_instead_of_while
 * title: Consumers wait in a while loop and re-check the queue after waking
 * lesson: The same two consumers and the same single broadcast item as
 *   if_instead_of_while, but take() waits in a while loop: the consumer that
 *   finds the queue empty again simply goes back to sleep until the second
 *   item arrives. A wake-up means "the condition may have changed", never
 *   "the condition holds".
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int queue[2], count;   /* guarded by lock */

/* Scaffolding that makes the bad interleaving certain: main hears, through
 * `progress`, when both consumers are waiting and when both have woken. */
static pthread_cond_t progress = PTHREAD_COND_INITIALIZER;
static int waiting, woken;    /* guarded by lock */

static int take(void)
{
    pthread_mutex_lock(&lock);
    while (count == 0) {      /* re-check after every wake-up */
        waiting++;
        pthread_cond_signal(&progress);
        pthread_cond_wait(&not_empty, &lock);
        woken++;
        pthread_cond_signal(&progress);
    }
    /* The loop only ends with an item in the queue, so -1 never happens. */
    int item = count > 0 ? queue[--count] : -1;
    pthread_mutex_unlock(&lock);
    return item;
}

static void *consumer(void *arg)
{
    *(int *)arg = take();
    return NULL;
}

int main(void)
{
    pthread_t c[2];
    int got[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&c[i], NULL, consumer, &got[i]);

    pthread_mutex_lock(&lock);
    while (waiting < 2)                    /* both consumers are asleep */
        pthread_cond_wait(&progress, &lock);
    queue[count++] = 1;                    /* one item ... */
    pthread_cond_broadcast(&not_empty);    /* ... and both consumers woken */
    while (woken < 2)                      /* both have looked at the queue */
        pthread_cond_wait(&progress, &lock);
    queue[count++] = 2;                    /* the item for the second one */
    pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&lock);

    for (int i = 0; i < 2; i++)
        pthread_join(c[i], NULL);
    for (int i = 0; i < 2; i++) {
        if (got[i] < 0) {
            fprintf(stderr, "consumer %d took from an empty queue\n", i);
            return 1;
        }
    }
    printf("consumers got %d and %d\n", got[0], got[1]);
    return 0;
}
