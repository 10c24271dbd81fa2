/* racelab-case
 * concept: deadlock
 * variant: broken
 * twin: unlock_before_join
 * title: main joins a worker while holding the mutex the worker needs to finish
 * lesson: A join is a wait like a lock: main holds `lock` and waits for the
 *   worker to end, and the worker waits for `lock` before it can end. No lock
 *   order is broken (there is one lock), so TSan's and Helgrind's lock-order
 *   detectors see nothing; only the hang shows it. Never hold a lock across
 *   pthread_join (or any wait for another thread) that the other thread may
 *   need.
 * timeout: 5
 * expect tsan: deadlock
 * expect helgrind: deadlock
 * expect drd: deadlock
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int results;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock); /* racelab: deadlock */
    results++;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_lock(&lock);
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL); /* racelab: deadlock -- still holding lock */
    printf("results %d\n", results);
    pthread_mutex_unlock(&lock);
    return 0;
}
