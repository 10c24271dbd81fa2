/* racelab-case
 * concept: condvar
 * variant: correct
 * twin: destroy_waited_cond
 * title: A condition variable is destroyed after its waiters have been joined
 * lesson: The fix for destroy_waited_cond: shutdown sets `stop` under the
 *   mutex, broadcasts so every waiter wakes and sees it, joins the worker,
 *   and only then destroys the condition variable, which now has no waiters.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
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
        pthread_cond_wait(&work_ready, &lock);
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

    /* shutdown: tell the waiters, join them, then destroy */
    pthread_mutex_lock(&lock);
    stop = 1;
    pthread_cond_broadcast(&work_ready);
    pthread_mutex_unlock(&lock);
    pthread_join(t, NULL);
    pthread_cond_destroy(&work_ready);   /* no thread can wait on it any more */
    puts("shut down");
    return 0;
}
