/* racelab-case
 * concept: deadlock
 * variant: correct
 * twin: dining_philosophers_deadlock
 * title: Dining philosophers put the left fork back when the right one is taken
 * lesson: Each philosopher holds the left fork and only tries the right one
 *   (pthread_mutex_trylock). If it is busy, the philosopher puts the left fork
 *   down and starts again, so nobody waits while holding a fork and the cycle
 *   of waits cannot form, even when all five grab their left fork at once.
 *   That trades deadlock for two other hazards: if all five put down and pick
 *   up their forks in step, all fail again, for ever, though nobody blocks (a
 *   livelock); and a philosopher whose neighbours keep eating may never get
 *   both forks (starvation). Each one therefore waits a random, growing pause
 *   before trying again, which breaks the symmetry; only a fork order
 *   (dining_philosophers_ordered) or a waiter rules both out for certain.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: lock-order -- False positive: Helgrind puts successful
 *   trylocks into its lock-order graph, although a trylock never waits and so
 *   cannot close a cycle of waits.
 * expect drd: clean
 */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier_t */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#define N 5
#define MEALS 3

static pthread_mutex_t fork_lock[N];
static int fork_uses[N]; /* guarded by fork_lock[same index] */
/* First meal: all philosophers meet here holding their left fork, the very
 * moment that hangs the broken twin. */
static pthread_barrier_t all_hold_left;

static void *philosopher(void *arg)
{
    int id = (int)(long)arg;
    int left = id, right = (id + 1) % N;
    int first_attempt = 1;
    unsigned seed = 7u * (unsigned)id + 3u; /* each philosopher its own random sequence */

    for (int meal = 0; meal < MEALS; meal++) {
        for (int failures = 0;; failures++) {
            pthread_mutex_lock(&fork_lock[left]);
            if (first_attempt) {
                first_attempt = 0;
                pthread_barrier_wait(&all_hold_left);
            }
            /* Never blocks: returns EBUSY if the neighbour holds the fork. */
            if (pthread_mutex_trylock(&fork_lock[right]) == 0) /* racelab: lock-order -- a trylock never waits */
                break; /* got both forks */
            /* The fix: never wait while holding a fork... */
            pthread_mutex_unlock(&fork_lock[left]);
            /* ...and retry after a random pause of up to 2^failures x 10 us. */
            seed = seed * 1103515245u + 12345u;
            unsigned long most_ns = 10000ul << (failures < 6 ? failures : 6);
            struct timespec pause = {0, (long)((seed >> 8) % most_ns)};
            nanosleep(&pause, NULL);
        }
        fork_uses[left]++;
        fork_uses[right]++;
        pthread_mutex_unlock(&fork_lock[right]);
        pthread_mutex_unlock(&fork_lock[left]);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[N];
    int total = 0;

    for (int i = 0; i < N; i++)
        pthread_mutex_init(&fork_lock[i], NULL);
    pthread_barrier_init(&all_hold_left, NULL, N);
    for (long i = 0; i < N; i++)
        pthread_create(&t[i], NULL, philosopher, (void *)i);
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&all_hold_left);
    for (int i = 0; i < N; i++)
        total += fork_uses[i];
    printf("forks picked up %d times (expected %d)\n", total, 2 * N * MEALS);
    return total == 2 * N * MEALS ? 0 : 1;
}
