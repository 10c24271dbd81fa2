/* racelab-case
 * concept: condvar
 * variant: correct
 * twin: signal_flag_without_mutex
 * title: The flag is set and signalled under the mutex while a thread waits
 * lesson: The fix for signal_flag_without_mutex: main takes the waiter's mutex,
 *   sets `ready`, signals and unlocks. The write is ordered with the waiter's
 *   reads by the mutex, and no check-then-wait window is left for the signal
 *   to fall into.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include "../scaffold.h" /* wait_until_someone_sleeps_on() */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;   /* guarded by lock */

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!ready)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    puts("waiter: ready");
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    wait_until_someone_sleeps_on(&cond, sizeof cond); /* the waiter is inside its wait */

    pthread_mutex_lock(&lock);
    ready = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);

    pthread_join(t, NULL);
    return 0;
}
