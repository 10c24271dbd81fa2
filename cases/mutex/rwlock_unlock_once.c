/* racelab-case
 * concept: mutex
 * variant: correct
 * twin: rwlock_unlock_unheld
 * title: A reader unlocks a read-write lock once for its one lock
 * lesson: One path out of the critical section, one unlock.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
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
    return v < 0 ? -1 : v;
}

int main(void)
{
    printf("table[2] = %d\n", lookup(2));
    return 0;
}
