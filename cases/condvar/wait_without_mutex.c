/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: wait_with_mutex_held
 * title: A thread calls pthread_cond_wait without holding the mutex
 * lesson: The waiter forgot to lock the mutex before its check-and-wait loop.
 *   pthread_cond_wait must be called with the mutex locked: it unlocks it and
 *   sleeps as one atomic step, which is what closes the gap between checking
 *   the condition and sleeping. Called without it, that unlock is an unlock of
 *   a mutex the thread does not hold, and the check of `ready` is raced.
 * timeout: 10
 * expect tsan: bad-unlock, data-race
 * expect helgrind: cond-misuse, bad-unlock, data-race -- Helgrind also reports
 *   the unlock after the loop, not knowing pthread_cond_wait returned locked.
 * expect drd: bad-unlock, data-race
 */
#include "../scaffold.h" /* wait_until_someone_sleeps_on() */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock;   /* initialised in main */
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;   /* guarded by lock */

static void *waiter(void *arg)
{
    (void)arg;
    /* The bug: pthread_mutex_lock(&lock) is missing */
    while (!ready)                          /* racelab: data-race */
        pthread_cond_wait(&cond, &lock);    /* racelab: bad-unlock */ /* racelab: cond-misuse */
    pthread_mutex_unlock(&lock);            /* racelab: bad-unlock */
    puts("waiter: ready");
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_init(&lock, NULL);
    pthread_create(&t, NULL, waiter, NULL);
    wait_until_someone_sleeps_on(&cond, sizeof cond); /* the waiter is inside its wait */

    pthread_mutex_lock(&lock);
    ready = 1;                      /* racelab: data-race */
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);

    pthread_join(t, NULL);
    return 0;
}
