/* racelab-case
 * concept: mutex
 * variant: broken
 * twin: rwlock_unlock_once
 * title: A reader unlocks a read-write lock twice after locking it once
 * lesson: Every pthread_rwlock_unlock must match a lock by the same thread.
 *   An error path that unlocks again (here a "cleanup" after an early
 *   unlock) releases a read lock the thread no longer holds: glibc's count
 *   of readers goes wrong, and a writer may get in next to a reader. DRD
 *   reports an rwlock not held by the caller; Helgrind calls it an unlock of
 *   an unlocked lock.
 * expect tsan: clean -- TSan checks a read unlock of an rwlock that is write-locked, not one
 *   that no thread holds.
 * expect helgrind: bad-unlock
 * expect drd: sync-misuse
 */
#define _POSIX_C_SOURCE 200809L /* clocks, robust mutexes and rwlocks */
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static int table[4] = {1, 2, 3, 4};

static int lookup(int i)
{
    int v;
    pthread_rwlock_rdlock(&table_lock);
    v = table[i];
    pthread_rwlock_unlock(&table_lock);
    if (v < 0) /* never: but the unlock below runs either way */
        return -1;
    pthread_rwlock_unlock(&table_lock); /* racelab: bad-unlock */ /* racelab: sync-misuse */
    return v;
}

int main(void)
{
    printf("table[2] = %d\n", lookup(2));
    return 0;
}
