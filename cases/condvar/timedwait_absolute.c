/* racelab-case
 * concept: condvar
 * variant: correct
 * twin: timedwait_relative
 * title: pthread_cond_timedwait is given now + 5 seconds, read from the condition variable's clock
 * lesson: The deadline is clock_gettime(CLOCK_REALTIME) plus the duration,
 *   computed once before the loop, so a spurious wake-up does not restart the
 *   five seconds. The waiter sleeps until main signals.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
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
    struct timespec deadline;
    (void)arg;
    clock_gettime(CLOCK_REALTIME, &deadline); /* the default clock of a condition variable */
    deadline.tv_sec += 5;
    pthread_mutex_lock(&lock);
    while (!ready) {
        if (pthread_cond_timedwait(&ready_cond, &lock, &deadline) == ETIMEDOUT) {
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
    wait_until_someone_sleeps_on(&ready_cond, sizeof ready_cond);
    pthread_mutex_lock(&lock);
    ready = 1;
    pthread_cond_signal(&ready_cond);
    pthread_mutex_unlock(&lock);
    pthread_join(t, NULL);
    return 0;
}
