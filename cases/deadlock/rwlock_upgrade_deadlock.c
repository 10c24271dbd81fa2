/* racelab-case
 * concept: deadlock
 * variant: broken
 * twin: rwlock_upgrade_relock
 * title: A thread holding a read lock asks for the write lock of the same rwlock
 * lesson: A write lock waits until no reader holds the rwlock, and the
 *   thread asking for it is such a reader itself, so it waits forever: POSIX
 *   rwlocks cannot be upgraded. Release the read lock, take the write lock,
 *   and check the condition again, since it may have changed in between.
 * timeout: 5
 * expect tsan: deadlock -- TSan does not check a wrlock by a thread that
 *   holds the read lock, so only the hang shows it.
 * expect helgrind: deadlock -- Helgrind says nothing before the thread blocks
 *   on the rwlock it already holds for reading.
 * expect drd: deadlock -- DRD says nothing before the thread blocks on the
 *   rwlock it already holds for reading.
 */
#define _POSIX_C_SOURCE 200809L /* pthread_rwlock_t */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define SLOTS 8

static pthread_rwlock_t cache_lock = PTHREAD_RWLOCK_INITIALIZER;
static char cache[SLOTS][16]; /* guarded by cache_lock */

/* Returns the cached name for key, filling the slot on a miss. */
static void lookup(int key, char *out)
{
    pthread_rwlock_rdlock(&cache_lock);
    if (cache[key][0] == '\0') {
        /* The bug: asks for the write lock while still holding the read lock. */
        pthread_rwlock_wrlock(&cache_lock); /* racelab: deadlock -- waits for itself, forever */
        snprintf(cache[key], sizeof cache[key], "item-%d", key);
        pthread_rwlock_unlock(&cache_lock);
    }
    strcpy(out, cache[key]);
    pthread_rwlock_unlock(&cache_lock);
}

static void *client(void *arg)
{
    char name[16];

    lookup((int)(long)arg, name);
    printf("%s\n", name);
    return NULL;
}

int main(void)
{
    pthread_t t;

    pthread_create(&t, NULL, client, (void *)3L);
    pthread_join(t, NULL); /* racelab: deadlock */
    return 0;
}
