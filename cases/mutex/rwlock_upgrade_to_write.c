/* racelab-case
 * concept: mutex
 * variant: correct
 * twin: rwlock_reader_writes
 * title: A reader that must write drops the read lock and takes the write lock
 * lesson: The fixed lookup() only reads under the read lock. On a miss it
 *   releases it, takes the write lock, checks the cache again (another thread
 *   may have filled it meanwhile) and fills it. POSIX rwlocks cannot be
 *   upgraded in place, hence the unlock and the second check.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
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
    if (cache_valid) {                   /* hit: reading is all a reader does */
        long v = cache_value;
        pthread_rwlock_unlock(&cache_lock);
        return v;
    }
    pthread_rwlock_unlock(&cache_lock);

    /* miss: to write, take the lock in write mode, and check again, since
     * another thread may have filled the cache in between */
    pthread_rwlock_wrlock(&cache_lock);
    if (!cache_valid) {
        cache_value = compute();
        cache_valid = 1;
    }
    long v = cache_value;
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
