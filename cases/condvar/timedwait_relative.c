/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: timedwait_absolute
 * title: pthread_cond_timedwait is given "5 seconds from now" as a relative time
 * lesson: The timeout of pthread_cond_timedwait is an absolute time on the
 *   condition variable's clock (CLOCK_REALTIME by default), not a duration.
 *   {5, 0} means five seconds after 1970, long past, so the wait returns
 *   ETIMEDOUT at once: the waiter gives up before main has had any chance to
 *   signal, and the program fails (exit 1). Add the duration to
 *   clock_gettime of the right clock (timedwait_absolute). No tool checks
 *   the value of a timeout.
 * timeout: 10
 * expect tsan: assertion -- No tool checks the value of a timeout.
 * expect helgrind: assertion -- No tool checks the value of a timeout.
 * expect drd: assertion -- No tool checks the value of a timeout.
 */
#include "../scaffold.h" /* wait_until_someone_sleeps_on() */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int ready; /* guarded by lock */

static void *waiter(void *arg)
{
    const struct timespec five_seconds = {5, 0}; /* the bug: a duration */
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!ready) {
        if (pthread_cond_timedwait(&ready_cond, &lock, &five_seconds) == ETIMEDOUT) {
            pthread_mutex_unlock(&lock);
            fprintf(stderr, "waiter: gave up waiting\n");
            exit(1);
        }
    }
    pthread_mutex_unlock(&lock);
    puts("waiter: ready");
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, waiter, NULL);
    /* main signals only once the waiter sleeps in its wait: in this program, never. */
    wait_until_someone_sleeps_on(&ready_cond, sizeof ready_cond);
    pthread_mutex_lock(&lock);
    ready = 1;
    pthread_cond_signal(&ready_cond);
    pthread_mutex_unlock(&lock);
    pthread_join(t, NULL);
    return 0;
}
