/* racelab-case
 * concept: deadlock
 * variant: broken
 * twin: dining_philosophers_ordered
 * title: Five dining philosophers each hold the left fork and wait for the right
 * lesson: Every philosopher picks up the left fork, then the right one. When
 *   all five hold their left fork at once, each right fork is some neighbour's
 *   left fork: a cycle of five waits, and nobody ever eats (a barrier forces
 *   that moment here). Break the cycle: take the lower-numbered fork first,
 *   or use trylock on the second fork and back off.
 * timeout: 5
 * expect tsan: deadlock -- TSan checks lock order only after a lock succeeds
 *   and no second fork is ever taken, so only the hang shows it.
 * expect helgrind: deadlock -- Helgrind too records lock order only on a
 *   successful lock, so only the hang shows it.
 * expect drd: deadlock
 */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier_t */
#include <pthread.h>
#include <stdio.h>

#define N 5

static pthread_mutex_t fork_lock[N];
static int fork_uses[N]; /* guarded by fork_lock[same index] */
/* All philosophers meet here while each holds its left fork. */
static pthread_barrier_t all_hold_left;

static void *philosopher(void *arg)
{
    int id = (int)(long)arg;
    int left = id, right = (id + 1) % N;

    pthread_mutex_lock(&fork_lock[left]);
    pthread_barrier_wait(&all_hold_left);
    pthread_mutex_lock(&fork_lock[right]); /* racelab: deadlock -- blocks forever: the neighbour holds it */
    fork_uses[left]++;
    fork_uses[right]++;
    pthread_mutex_unlock(&fork_lock[right]);
    pthread_mutex_unlock(&fork_lock[left]);
    return NULL;
}

int main(void)
{
    pthread_t t[N];

    for (int i = 0; i < N; i++)
        pthread_mutex_init(&fork_lock[i], NULL);
    pthread_barrier_init(&all_hold_left, NULL, N);
    for (long i = 0; i < N; i++)
        pthread_create(&t[i], NULL, philosopher, (void *)i);
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL); /* racelab: deadlock */
    printf("everybody ate\n");
    return 0;
}
