/* racelab-case
 * concept: condvar
 * variant: correct
 * twin: timedwait_wrong_clock
 * title: A condition variable on CLOCK_MONOTONIC is given a deadline read from CLOCK_MONOTONIC
 * lesson: The deadline and the condition variable use one clock, so the
 *   wait ends 200 ms after it began. CLOCK_MONOTONIC is the better choice for
 *   timeouts: it does not jump when the wall clock is set.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
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
    clock_gettime(CLOCK_MONOTONIC, &deadline); /* the clock of the condition variable */
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
