/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: destroy_cond_after_join
 * title: A condition variable is destroyed while a thread is waiting on it
 * lesson: Shutdown destroys the condition variable first and only then tells
 *   the worker to stop, but the worker is asleep on that very condition
 *   variable. Destroying a condition variable that has waiters is undefined;
 *   glibc's pthread_cond_destroy waits for the waiters to leave, and this one
 *   never will, so shutdown hangs. Stop the waiters, join them, then destroy.
 * timeout: 5
 * expect tsan: deadlock -- TSan does not check whether a destroyed condition
 *   variable still has waiters; only the hang shows.
 * expect helgrind: cond-misuse, deadlock
 * expect drd: deadlock -- DRD checks for waiters only after
 *   pthread_cond_destroy has returned, which here it never does.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;
static int stop, waiting;   /* guarded by lock */

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!stop) {
        waiting = 1;   /* lets main see that the worker is asleep */
        pthread_cond_wait(&work_ready, &lock); /* racelab: deadlock */
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

static int worker_waiting(void)
{
    pthread_mutex_lock(&lock);
    int w = waiting;
    pthread_mutex_unlock(&lock);
    return w;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    const struct timespec ms = {0, 1000000};
    while (!worker_waiting())
        nanosleep(&ms, NULL);

    /* shutdown, in the wrong order */
    pthread_cond_destroy(&work_ready);   /* racelab: cond-misuse -- hangs: has a waiter */ /* racelab: deadlock */
    pthread_mutex_lock(&lock);
    stop = 1;
    pthread_cond_broadcast(&work_ready);
    pthread_mutex_unlock(&lock);
    pthread_join(t, NULL);
    puts("shut down");
    return 0;
}
