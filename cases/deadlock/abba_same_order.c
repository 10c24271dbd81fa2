/* racelab-case
 * concept: deadlock
 * variant: correct
 * twin: abba_deadlock
 * title: Two concurrent threads take two locks in the same order
 * lesson: Both threads lock A before B. Whichever gets A first also gets B,
 *   while the other waits on A holding nothing, so no hold-and-wait cycle
 *   can form and both always finish.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#define _POSIX_C_SOURCE 200809L /* pthread_barrier_t */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
/* Start both threads together so their locking really overlaps. (The barrier
 * must come before the first lock: a thread waiting for A cannot reach it.) */
static pthread_barrier_t start;
static int shared_total;

static void *a_then_b(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&lock_a);
        pthread_mutex_lock(&lock_b);
        shared_total++;
        pthread_mutex_unlock(&lock_b);
        pthread_mutex_unlock(&lock_a);
    }
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;

    pthread_barrier_init(&start, NULL, 2);
    pthread_create(&t1, NULL, a_then_b, NULL);
    pthread_create(&t2, NULL, a_then_b, NULL); /* same order in both */
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    pthread_barrier_destroy(&start);
    printf("total %d\n", shared_total);
    return 0;
}
