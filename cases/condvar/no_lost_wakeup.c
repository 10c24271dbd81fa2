/* racelab-case
 * concept: condvar
 * variant: correct
 * twin: lost_wakeup
 * title: The flag is set and signalled under the mutex, so the wake-up is never lost
 * lesson: The fix for lost_wakeup: main takes the mutex to set `ready` and
 *   signal. The waiter holds that mutex from its check until pthread_cond_wait
 *   atomically releases it and sleeps, so main can only set the flag either
 *   before the check (the waiter sees it) or once the waiter is asleep (the
 *   signal wakes it). Even the same forced pause cannot lose the wake-up.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;   /* guarded by lock */

/* The same pause as in lost_wakeup, between the check and the wait (../scaffold.h). */
static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!ready) {
        pause_here();                       /* main cannot set ready now ... */
        pthread_cond_wait(&cond, &lock);    /* ... until this releases lock */
    }
    pthread_mutex_unlock(&lock);
    puts("waiter: ready");
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pause_init() != 0)
        return 2;
    pthread_create(&t, NULL, waiter, NULL);
    wait_until_paused(); /* the waiter has checked `ready` and stopped before its wait */

    /* Let the waiter go on first: it holds the mutex during its pause, so
     * main could not take it anyway. */
    if (end_pause() != 0)
        return 2;
    pthread_mutex_lock(&lock);      /* waits until the waiter is inside its wait */
    ready = 1;
    pthread_cond_signal(&cond);     /* the waiter is waiting: it wakes */
    pthread_mutex_unlock(&lock);

    pthread_join(t, NULL);
    return 0;
}
