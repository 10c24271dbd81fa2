/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: while_rechecks_predicate
 * title: A consumer waits with if instead of while and takes from an empty queue
 * lesson: take() checks "queue empty" once with if, waits, and then assumes the
 *   queue has an item. But a wake-up only means "look again": here one item is
 *   broadcast to two waiting consumers, the first takes it and the second
 *   takes from an empty queue. No detector notices: nothing is raced or
 *   misused, the logic is wrong. Always wait in a while loop that re-checks.
 * timeout: 10
 * expect tsan: assertion -- no detector checks a program's own condition; only
 *   the program's check of its results fails.
 * expect helgrind: assertion -- no detector checks a program's own condition;
 *   only the program's check of its results fails.
 * expect drd: assertion -- no detector checks a program's own condition; only
 *   the program's check of its results fails.
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
    if (count == 0) {         /* The bug: if, not while */
        waiting++;
        pthread_cond_signal(&progress);
        pthread_cond_wait(&not_empty, &lock);
        woken++;
        pthread_cond_signal(&progress);
    }
    /* A real queue would read garbage here; this one reports -1 instead. */
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
