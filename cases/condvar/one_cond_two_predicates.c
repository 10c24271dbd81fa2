/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: two_conds_two_predicates
 * title: A one-slot buffer with one condition variable for "not full" and "not empty", and signal
 * lesson: Producers wait for "not full" and consumers for "not empty" on the
 *   same condition variable. pthread_cond_signal wakes one waiter, of either
 *   kind: here the consumer that took the item signals, meaning "not full",
 *   and wakes the other consumer instead of the producer. That consumer finds
 *   the buffer empty and waits again; now every thread is asleep and nobody
 *   is left to signal. One condition variable per predicate (or broadcast)
 *   fixes it. glibc wakes the oldest waiters first, and the producer waits
 *   last (it never lets the mutex go between its signal and its wait), so the
 *   wrong thread wakes on every run; no tool sees a lost wake-up, only the hang.
 * timeout: 5
 * expect tsan: deadlock
 * expect helgrind: deadlock
 * expect drd: deadlock
 */
#include "../scaffold.h" /* wait_until_someone_sleeps_on() */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER; /* the bug: both predicates */
static int full;                                          /* the slot holds an item */
static int sleeping;                                      /* consumers inside cond_wait */

static void *consumer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!full) {
        sleeping++;
        pthread_cond_wait(&changed, &lock); /* racelab: deadlock */
        sleeping--;
    }
    full = 0;
    pthread_cond_signal(&changed); /* meant for the producer, wakes the other consumer */
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    pthread_t c[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&c[i], NULL, consumer, NULL);
    /* Both consumers asleep before the first item: they are the oldest waiters. */
    for (;;) {
        pthread_mutex_lock(&lock);
        int both = sleeping == 2;
        pthread_mutex_unlock(&lock);
        if (both)
            break;
        scaffold_nap();
    }
    pthread_mutex_lock(&lock);
    for (int item = 0; item < 2; item++) {
        while (full)
            pthread_cond_wait(&changed, &lock); /* racelab: deadlock */
        full = 1;
        pthread_cond_signal(&changed);
    }
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < 2; i++)
        pthread_join(c[i], NULL);
    puts("both items consumed");
    return 0;
}
