/* racelab-case
 * concept: mutex
 * variant: correct
 * twin: robust_owner_died_ignored
 * title: A robust mutex reports EOWNERDEAD, and the new owner repairs the data and calls pthread_mutex_consistent
 * lesson: On EOWNERDEAD the new owner restores the guarded data's invariant
 *   and marks the mutex consistent; it then works as before. Helgrind and DRD
 *   still see the first owner exit holding the lock (the case is about
 *   recovering from that), so they report it here too; not modelling robust
 *   mutexes, they also take the recovery for misuse.
 * expect tsan: clean
 * expect helgrind: bad-unlock, double-lock, held-lock-exit, api-error -- Helgrind does not model
 *   robust mutexes: the lock that returns EOWNERDEAD looks to it like a lock of a mutex a dead
 *   thread still holds (false positives besides the true held-lock-exit).
 * expect drd: bad-unlock, double-lock, held-lock-exit -- DRD does not model robust mutexes: the
 *   lock that returns EOWNERDEAD looks to it like a lock of a mutex a dead thread still holds.
 */
#define _POSIX_C_SOURCE 200809L /* clocks, robust mutexes and rwlocks */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t lock;

static void *owner(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock); /* racelab: held-lock-exit */
    return NULL; /* dies holding the lock */
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_t t;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&lock, &attr); /* racelab: held-lock-exit -- DRD names the mutex by its init */
    pthread_create(&t, NULL, owner, NULL); /* racelab: held-lock-exit */
    pthread_join(t, NULL);

    int rc = pthread_mutex_lock(&lock);
    printf("first lock: %s\n", strerror(rc));
    if (rc == EOWNERDEAD) /* repair what the dead owner guarded, then: */
        pthread_mutex_consistent(&lock);
    pthread_mutex_unlock(&lock);
    rc = pthread_mutex_lock(&lock);
    printf("second lock: %s\n", strerror(rc));
    if (rc != 0)
        return 1; /* ENOTRECOVERABLE */
    pthread_mutex_unlock(&lock);
    return 0;
}
