/* racelab-case
 * concept: mutex
 * variant: correct
 * twin: two_mutexes_one_counter
 * title: Two threads guard the same counter with the same mutex
 * lesson: Both threads take hits_lock around hits++, so the increments
 *   exclude each other and the total is always 2000. The rule is one lock per
 *   piece of shared data, taken by every thread that touches it.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t hits_lock = PTHREAD_MUTEX_INITIALIZER;
static long hits;   /* guarded by hits_lock, and only by it */

static void *count(void *arg)
{
    pthread_mutex_t *lock = arg;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(lock);
        hits++;
        pthread_mutex_unlock(lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, count, &hits_lock);
    pthread_create(&b, NULL, count, &hits_lock);   /* the same mutex */
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("hits %ld (expected 2000)\n", hits);
    return 0;
}
