/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: timedwait_same_clock
 * title: A condition variable on CLOCK_MONOTONIC is given a deadline read from CLOCK_REALTIME
 * lesson: The worker polls for work and means to give up after 200 ms. Its
 *   condition variable measures time on CLOCK_MONOTONIC (time since boot),
 *   but the deadline was read from CLOCK_REALTIME (time since 1970): decades
 *   in the future on the monotonic clock. Nobody signals, so the wait goes
 *   on, and the program never ends. Read the deadline from the clock given to
 *   pthread_condattr_setclock (timedwait_same_clock). A wait with a timeout
 *   is not a deadlock, so racelab calls it a timeout.
 * timeout: 3
 * expect tsan: timeout -- No tool checks the clock of a deadline.
 * expect helgrind: timeout -- No tool checks the clock of a deadline.
 * expect drd: timeout -- No tool checks the clock of a deadline.
 */
#define _POSIX_C_SOURCE 200809L /* clocks, robust mutexes and rwlocks */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

int main(void)
{
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_condattr_t attr;
    pthread_cond_t work;
    struct timespec deadline;
    int rc = 0;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&work, &attr);
    clock_gettime(CLOCK_REALTIME, &deadline); /* the bug: the other clock */
    deadline.tv_nsec += 200 * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&lock);
    while (rc != ETIMEDOUT) /* no work ever comes: give up at the deadline */
        rc = pthread_cond_timedwait(&work, &lock, &deadline);
    pthread_mutex_unlock(&lock);
    puts("no work within 200 ms");
    return 0;
}
