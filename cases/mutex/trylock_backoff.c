/* racelab-case
 * concept: mutex
 * variant: correct
 * title: Two locks taken in opposite orders, made safe by trylock and back-off
 * lesson: Each thread needs both locks but takes them in its own order, which
 *   can deadlock if each waits for the lock the other holds. Here the second
 *   lock is only tried with pthread_mutex_trylock; if it is busy the thread
 *   releases the first one and starts over, so no thread ever waits while
 *   holding a lock. (A fixed global lock order is the simpler fix when the
 *   code allows it.)
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: lock-order -- false positive: Helgrind counts a successful
 *   trylock as a lock-order edge, though a trylock never waits and so cannot
 *   close a deadlock cycle.
 * expect drd: clean
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>

static pthread_mutex_t left = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t right = PTHREAD_MUTEX_INITIALIZER;
static int left_stock = 100, right_stock = 100;   /* guarded by their locks */
static int retries[2];

/* Lock first, then try second; on failure back off and start over. */
static int lock_both(pthread_mutex_t *first, pthread_mutex_t *second)
{
    int tries = 0;
    for (;;) {
        pthread_mutex_lock(first);
        if (pthread_mutex_trylock(second) == 0)   /* racelab: lock-order */
            return tries;
        pthread_mutex_unlock(first);   /* never wait while holding a lock */
        tries++;
        sched_yield();
    }
}

static void *mover(void *arg)
{
    int id = *(int *)arg;
    for (int i = 0; i < 200; i++) {
        if (id == 0) {   /* moves left -> right, locks left first */
            retries[id] += lock_both(&left, &right);
            left_stock--, right_stock++;
        } else {         /* moves right -> left, locks right first */
            retries[id] += lock_both(&right, &left);
            right_stock--, left_stock++;
        }
        pthread_mutex_unlock(&left);
        pthread_mutex_unlock(&right);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    int ids[2] = {0, 1};
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, mover, &ids[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("stock %d + %d = %d, retries %d/%d\n", left_stock, right_stock,
           left_stock + right_stock, retries[0], retries[1]);
    return 0;
}
