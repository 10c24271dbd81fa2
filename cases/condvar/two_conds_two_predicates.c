/* racelab-case
 * concept: condvar
 * variant: correct
 * twin: one_cond_two_predicates
 * title: A one-slot buffer with one condition variable per predicate
 * lesson: Producers wait on not_full and consumers on not_empty, and each side
 *   signals the condition the other side waits for, so a signal always wakes
 *   a thread that can make progress. The same schedule as the broken twin
 *   (both consumers asleep first) now ends.
 * timeout: 5
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include "../scaffold.h" /* scaffold_nap() */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static int full;
static int sleeping;

static void *consumer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!full) {
        sleeping++;
        pthread_cond_wait(&not_empty, &lock);
        sleeping--;
    }
    full = 0;
    pthread_cond_signal(&not_full); /* only producers wait here */
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    pthread_t c[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&c[i], NULL, consumer, NULL);
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
            pthread_cond_wait(&not_full, &lock);
        full = 1;
        pthread_cond_signal(&not_empty); /* only consumers wait here */
    }
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < 2; i++)
        pthread_join(c[i], NULL);
    puts("both items consumed");
    return 0;
}
