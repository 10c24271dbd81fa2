/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: signal_sets_predicate
 * title: main signals before the worker waits, and the worker waits without a predicate
 * lesson: A condition variable has no memory: a signal with nobody waiting is
 *   lost. The worker waits unconditionally, so if the signal came first it
 *   sleeps forever. Here main signals before it even creates the worker, so
 *   the lost signal is certain. The wait must be for a predicate, kept under
 *   the mutex, that the signaller sets first (signal_sets_predicate): then
 *   an early signal does no harm, since the worker sees the predicate and
 *   never waits.
 * timeout: 5
 * expect tsan: deadlock
 * expect helgrind: deadlock
 * expect drd: deadlock
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go = PTHREAD_COND_INITIALIZER;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    pthread_cond_wait(&go, &lock); /* racelab: deadlock -- waits for a signal already sent */
    pthread_mutex_unlock(&lock);
    puts("worker: go");
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_lock(&lock);
    pthread_cond_signal(&go); /* nobody waits yet: the signal is lost */
    pthread_mutex_unlock(&lock);
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL); /* racelab: deadlock */
    return 0;
}
