/* racelab-case
 * concept: mutex
 * variant: broken
 * twin: one_mutex_one_counter
 * title: Two threads guard the same counter with two different mutexes
 * lesson: Each thread dutifully locks "a" mutex around hits++, but not the same
 *   one, so nothing excludes the other thread and updates are lost. A mutex
 *   protects data only if every access to that data takes that same mutex:
 *   pair each shared variable with exactly one lock.
 * timeout: 10
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t reader_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
static long hits;   /* meant to be guarded, but by which lock? */

static void *count(void *arg)
{
    pthread_mutex_t *lock = arg;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(lock);
        hits++;   /* racelab: data-race */
        pthread_mutex_unlock(lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, count, &reader_lock);
    pthread_create(&b, NULL, count, &writer_lock);   /* The bug: another mutex */
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("hits %ld (expected 2000)\n", hits);
    return 0;
}
