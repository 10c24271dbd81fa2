/* racelab-case
 * concept: condvar
 * variant: correct
 * twin: signal_before_wait
 * title: main sets a predicate under the mutex before it signals, and the worker waits only while it is false
 * lesson: The predicate is the memory the condition variable lacks: main's
 *   early signal is still lost, but the worker checks `go_now` first, finds
 *   it set and never waits.
 * timeout: 5
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go = PTHREAD_COND_INITIALIZER;
static int go_now; /* guarded by lock */

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!go_now)
        pthread_cond_wait(&go, &lock);
    pthread_mutex_unlock(&lock);
    puts("worker: go");
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_lock(&lock);
    go_now = 1;
    pthread_cond_signal(&go);
    pthread_mutex_unlock(&lock);
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
