/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: no_lost_wakeup
 * title: A flag set and signalled without the mutex is missed and the waiter hangs
 * lesson: The waiter checks `ready` under the mutex and then waits. main sets
 *   `ready` and signals without taking the mutex, so both can fall between the
 *   waiter's check and its wait: the signal finds no waiter and is lost, and
 *   the waiter sleeps forever. The flag is raced too. Change the flag while
 *   holding the mutex the waiter checks it under; the signal itself may come
 *   before or after the unlock (signal_after_unlock). The pause that makes
 *   the bad timing certain ends with a pipe write that the waiter reads,
 *   which TSan counts as synchronisation: it orders main's write before what
 *   the waiter does next, but not before its check, which is the race shown.
 * timeout: 5
 * expect tsan: data-race, deadlock
 * expect helgrind: data-race, deadlock
 * expect drd: data-race, deadlock
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;   /* meant to be guarded by lock */

/* The waiter pauses between its check and its wait, as if preempted there,
 * and main waits until /proc shows it paused (../scaffold.h). */
static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!ready) {                        /* racelab: data-race */
        pause_here();                       /* main sets ready and signals now */
        pthread_cond_wait(&cond, &lock);    /* racelab: deadlock -- too late: sleeps forever */
    }
    pthread_mutex_unlock(&lock);
    puts("waiter: ready");
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pause_init() != 0)
        return 2;
    pthread_create(&t, NULL, waiter, NULL);
    wait_until_paused(); /* the waiter has checked `ready` and stopped before its wait */

    ready = 1;                      /* racelab: data-race -- no mutex */
    pthread_cond_signal(&cond);     /* nobody is waiting yet: lost */
    if (end_pause() != 0)           /* let the waiter go on */
        return 2;

    pthread_join(t, NULL);          /* racelab: deadlock -- never returns */
    return 0;
}
