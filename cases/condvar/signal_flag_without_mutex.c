/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: signal_flag_under_mutex
 * title: The flag is set and signalled without the mutex while a thread waits
 * lesson: main sets `ready` and signals without taking the mutex the waiter
 *   uses. Here the waiter is already asleep, so it does wake up, but the flag
 *   is written with no lock against the waiter's locked reads (a data race),
 *   and with a little less luck the wake-up is lost (see lost_wakeup). Write
 *   the flag while holding the mutex; the signal may then come before or after
 *   the unlock (signal_after_unlock).
 * timeout: 10
 * expect tsan: data-race
 * expect helgrind: data-race, cond-misuse
 * expect drd: data-race, cond-misuse
 */
#include "../scaffold.h" /* wait_until_someone_sleeps_on() */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;   /* meant to be guarded by lock */

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!ready)                          /* racelab: data-race */
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

    ready = 1;                      /* racelab: data-race -- no mutex */
    pthread_cond_signal(&cond);     /* racelab: cond-misuse -- nor here */

    pthread_join(t, NULL);
    return 0;
}
