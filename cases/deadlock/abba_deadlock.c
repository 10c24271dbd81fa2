/* racelab-case
 * concept: deadlock
 * variant: broken
 * twin: abba_same_order
 * title: Two threads take two locks in opposite orders and hang for good
 * lesson: Thread 1 holds lock A and waits for B; thread 2 holds B and waits
 *   for A. Neither can go on, so the program hangs forever (a barrier makes
 *   this worst interleaving certain here; in real programs it is just rare).
 *   Take the locks in one global order in every thread.
 * timeout: 5
 * expect tsan: deadlock -- TSan checks lock order only after a lock succeeds
 *   and neither second lock ever does, so only the hang shows it.
 * expect helgrind: deadlock -- Helgrind too records lock order only on a
 *   successful lock, so only the hang shows it.
 * expect drd: deadlock
 */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier_t */
#include <pthread.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
/* Both threads meet here while each holds its first lock. */
static pthread_barrier_t both_hold_first;

static void *a_then_b(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock_a);
    pthread_barrier_wait(&both_hold_first);
    pthread_mutex_lock(&lock_b); /* racelab: deadlock -- blocks forever: thread 2 holds B */
    pthread_mutex_unlock(&lock_b);
    pthread_mutex_unlock(&lock_a);
    return NULL;
}

static void *b_then_a(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock_b);
    pthread_barrier_wait(&both_hold_first);
    pthread_mutex_lock(&lock_a); /* racelab: deadlock -- blocks forever: thread 1 holds A */
    pthread_mutex_unlock(&lock_a);
    pthread_mutex_unlock(&lock_b);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;

    pthread_barrier_init(&both_hold_first, NULL, 2);
    pthread_create(&t1, NULL, a_then_b, NULL);
    pthread_create(&t2, NULL, b_then_a, NULL);
    pthread_join(t1, NULL); /* racelab: deadlock */
    pthread_join(t2, NULL);
    pthread_barrier_destroy(&both_hold_first);
    return 0;
}
