/* racelab-case
 * concept: condvar
 * variant: correct
 * title: Signalling after unlocking is fine when the flag was set under the mutex
 * lesson: main sets `ready` under the mutex, unlocks, and only then signals.
 *   That is correct: the waiter either saw the flag before sleeping or is
 *   asleep in pthread_cond_wait and gets the signal; it may even save the
 *   woken waiter a trip to the mutex. What must be under the mutex is the
 *   change of the condition, not the signal.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: cond-misuse -- false positive: Helgrind flags any signal
 *   sent while no thread holds the waiter's mutex.
 * expect drd: cond-misuse -- false positive: DRD flags any signal sent without
 *   the waiter's mutex as "probably a race condition".
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
    ready = 1;                      /* the flag: under the mutex */
    pthread_mutex_unlock(&lock);
    pthread_cond_signal(&cond);     /* racelab: cond-misuse -- after unlocking: fine */

    pthread_join(t, NULL);
    return 0;
}
