/* racelab-case
 * concept: mutex
 * variant: broken
 * twin: destroy_after_last_user
 * title: A thread locks a mutex that has already been destroyed
 * lesson: main destroys the log lock as soon as the first logger is done, but
 *   a second logger still uses it. A destroyed mutex is not a mutex any more:
 *   locking it is undefined behaviour, and glibc returns EINVAL, so the
 *   "critical section" runs unprotected. Destroy a mutex only after the last
 *   thread that can use it has been joined.
 * timeout: 10
 * expect tsan: invalid-mutex, bad-unlock
 * expect helgrind: api-error, bad-unlock
 * expect drd: bad-unlock -- DRD says nothing about the lock of the destroyed
 *   mutex and reports only the unlock that follows it.
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int lines;

static void *logger(void *arg)
{
    /* for "late" both calls fail with EINVAL: the mutex no longer exists */
    pthread_mutex_lock(&log_lock);   /* racelab: invalid-mutex */ /* racelab: api-error */
    lines++;
    printf("%s: line %d\n", (const char *)arg, lines);
    pthread_mutex_unlock(&log_lock); /* racelab: bad-unlock */ /* racelab: invalid-mutex */ /* racelab: api-error */
    return NULL;
}

int main(void)
{
    pthread_t early, late;
    pthread_create(&early, NULL, logger, "early");
    pthread_join(early, NULL);
    pthread_mutex_destroy(&log_lock);   /* The bug: "late" has not even started */
    pthread_create(&late, NULL, logger, "late");
    pthread_join(late, NULL);
    return 0;
}
