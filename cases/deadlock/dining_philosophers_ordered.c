/* racelab-case
 * concept: deadlock
 * variant: correct
 * twin: dining_philosophers_deadlock
 * title: Dining philosophers take the lower-numbered fork first
 * lesson: Each philosopher picks up the lower-numbered of its two forks first.
 *   The last philosopher then reaches for fork 0 before fork 4, so the five
 *   waits can no longer close a ring; someone can always take both forks,
 *   eat, and put them down again.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

#define N 5
#define MEALS 3

static pthread_mutex_t fork_lock[N];
static int fork_uses[N]; /* guarded by fork_lock[same index] */

static void *philosopher(void *arg)
{
    int id = (int)(long)arg;
    int left = id, right = (id + 1) % N;
    /* The fix: a global order on forks (no barrier here as in the broken twin:
     * with this order two philosophers want fork 0 first, so five can never
     * all hold a first fork at the same time). */
    int first = left < right ? left : right;
    int second = left < right ? right : left;

    for (int meal = 0; meal < MEALS; meal++) {
        pthread_mutex_lock(&fork_lock[first]);
        pthread_mutex_lock(&fork_lock[second]);
        fork_uses[left]++;
        fork_uses[right]++;
        pthread_mutex_unlock(&fork_lock[second]);
        pthread_mutex_unlock(&fork_lock[first]);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[N];
    int total = 0;

    for (int i = 0; i < N; i++)
        pthread_mutex_init(&fork_lock[i], NULL);
    for (long i = 0; i < N; i++)
        pthread_create(&t[i], NULL, philosopher, (void *)i);
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < N; i++)
        total += fork_uses[i];
    printf("forks picked up %d times (expected %d)\n", total, 2 * N * MEALS);
    return total == 2 * N * MEALS ? 0 : 1;
}
