/* racelab-case
 * concept: mutex
 * variant: broken
 * twin: robust_made_consistent
 * title: A robust mutex reports EOWNERDEAD, and the new owner carries on without pthread_mutex_consistent
 * lesson: When the owner of a robust mutex dies holding it, the next
 *   pthread_mutex_lock succeeds with EOWNERDEAD: you own the lock, and the
 *   data it guards may be half-updated. Repair it and call
 *   pthread_mutex_consistent; unlock without doing so and the mutex becomes
 *   unrecoverable, so every later lock fails with ENOTRECOVERABLE. Here the
 *   second lock fails and the program exits 1. Helgrind and DRD see the
 *   owner exit with the lock held, and, since neither models robust
 *   mutexes, report the recovery as misuse too.
 * expect tsan: assertion
 * expect helgrind: bad-unlock, held-lock-exit, api-error, assertion -- Helgrind does not model
 *   robust mutexes: to it the lock that returns EOWNERDEAD is a lock of a mutex a dead thread
 *   holds, and the failed lock an API error.
 * expect drd: bad-unlock, held-lock-exit, assertion -- DRD does not model robust mutexes: to it
 *   the lock that returns EOWNERDEAD is a lock of a mutex a dead thread holds.
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
    printf("first lock: %s\n", strerror(rc)); /* EOWNERDEAD: ours, but unrepaired */
    pthread_mutex_unlock(&lock);              /* the bug: no pthread_mutex_consistent */
    rc = pthread_mutex_lock(&lock);
    printf("second lock: %s\n", strerror(rc));
    if (rc != 0)
        return 1; /* ENOTRECOVERABLE */
    pthread_mutex_unlock(&lock);
    return 0;
}
