/* racelab-case
 * concept: mutex
 * variant: broken
 * twin: rwlock_upgrade_to_write
 * title: A reader fills a cache while holding only the read lock
 * lesson: lookup() holds the rwlock in read mode and, on a cache miss, writes
 *   the cache. A read lock is shared: other readers hold it at the same time
 *   and read what this one writes, so the cache is raced. Writing needs the
 *   write lock: drop the read lock, take the write lock, check again, fill.
 * timeout: 10
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;
static int cache_valid;    /* guarded by cache_lock */
static long cache_value;   /* guarded by cache_lock */

/* Makes both readers be inside the read lock at the same moment, as a read
 * lock allows; every cache access comes after it, so it orders none of them. */
static pthread_barrier_t both_inside;

static long compute(void)
{
    long sum = 0;
    for (long i = 1; i <= 1000; i++)
        sum += i;
    return sum;
}

static long lookup(void)
{
    pthread_rwlock_rdlock(&cache_lock);
    pthread_barrier_wait(&both_inside);
    if (!cache_valid) {                  /* racelab: data-race */
        cache_value = compute();         /* racelab: data-race -- write under rdlock */
        cache_valid = 1;                 /* racelab: data-race */
    }
    long v = cache_value;                /* racelab: data-race */
    pthread_rwlock_unlock(&cache_lock);
    return v;
}

static void *reader(void *arg)
{
    *(long *)arg = lookup();
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    long out[2];
    pthread_barrier_init(&both_inside, NULL, 2);
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, reader, &out[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&both_inside);
    printf("%ld %ld\n", out[0], out[1]);
    return 0;
}
