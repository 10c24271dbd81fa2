/* racelab-case
 * concept: deadlock
 * variant: correct
 * twin: rwlock_upgrade_deadlock
 * title: A reader releases the read lock before it takes the write lock
 * lesson: On a cache miss the thread drops its read lock, takes the write
 *   lock and checks the slot again, since another writer may have filled it
 *   in between. It never waits for a lock it holds itself.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
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
    int hit;

    pthread_rwlock_rdlock(&cache_lock);
    hit = cache[key][0] != '\0';
    if (hit)
        strcpy(out, cache[key]);
    pthread_rwlock_unlock(&cache_lock);
    if (hit)
        return;
    /* The fix: read lock released first; then write lock and check again. */
    pthread_rwlock_wrlock(&cache_lock);
    if (cache[key][0] == '\0')
        snprintf(cache[key], sizeof cache[key], "item-%d", key);
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
    pthread_join(t, NULL);
    return 0;
}
