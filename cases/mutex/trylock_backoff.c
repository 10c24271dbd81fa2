/* racelab-case
 * concept: mutex
 * variant: correct
 * title: Two locks taken in opposite orders, made safe by trylock and back-off
 * lesson: Each thread needs both locks but takes them in its own order, which
 *   can deadlock if each waits for the lock the other holds. Here the second
 *   lock is only tried with pthread_mutex_trylock; if it is busy the thread
 *   releases the first one and starts over, so no thread ever waits while
 *   holding a lock. Back-off has hazards of its own. Two threads that fail
 *   together and retry at once can keep failing in lock-step for ever without
 *   ever blocking (a livelock), and one thread can keep losing the race to
 *   the other (starvation). So the pause before a retry is random and grows
 *   with each failure, which breaks the lock-step. (A fixed global lock order
 *   is the simpler fix when the code allows it.)
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: lock-order -- false positive: Helgrind counts a successful
 *   trylock as a lock-order edge, though a trylock never waits and so cannot
 *   close a deadlock cycle.
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t left = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t right = PTHREAD_MUTEX_INITIALIZER;
static int left_stock = 100, right_stock = 100;   /* guarded by their locks */
static int retries[2];

/* A random pause of up to 2^tries x 10 us (capped at 0.64 ms), so that two
 * threads that failed together do not retry together. */
static void back_off(unsigned *seed, int tries)
{
    *seed = *seed * 1103515245u + 12345u; /* a per-thread LCG: no shared state */
    unsigned long cap_ns = 10000ul << (tries < 6 ? tries : 6);
    struct timespec pause = {0, (long)((*seed >> 8) % cap_ns)};
    nanosleep(&pause, NULL);
}

/* Lock first, then try second; on failure back off and start over. */
static int lock_both(pthread_mutex_t *first, pthread_mutex_t *second, unsigned *seed)
{
    int tries = 0;
    for (;;) {
        pthread_mutex_lock(first);
        if (pthread_mutex_trylock(second) == 0)   /* racelab: lock-order -- a trylock never waits */
            return tries;
        pthread_mutex_unlock(first);   /* never wait while holding a lock */
        back_off(seed, tries++);
    }
}

static void *mover(void *arg)
{
    int id = *(int *)arg;
    unsigned seed = 2u * (unsigned)id + 1u; /* each thread its own sequence */
    for (int i = 0; i < 200; i++) {
        if (id == 0) {   /* moves left -> right, locks left first */
            retries[id] += lock_both(&left, &right, &seed);
            left_stock--, right_stock++;
        } else {         /* moves right -> left, locks right first */
            retries[id] += lock_both(&right, &left, &seed);
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
