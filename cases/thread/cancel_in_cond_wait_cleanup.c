/* racelab-case
 * concept: thread
 * variant: correct
 * twin: cancel_in_cond_wait
 * title: A thread cancelled inside pthread_cond_wait unlocks the mutex in its cleanup handler
 * lesson: pthread_cleanup_push(unlock) before the wait loop and
 *   pthread_cleanup_pop(1) after it: cancelled in the wait, the thread runs
 *   the handler with the mutex it took again, and releases it.
 * timeout: 5
 * expect tsan: clean
 * expect helgrind: bad-unlock -- Helgrind does not see the relock inside the cancelled wait, so
 *   the handler's unlock looks like an unlock of a mutex nobody holds: a false positive.
 * expect drd: clean
 */
#include "../scaffold.h" /* wait_until_someone_sleeps_on() */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static int pending; /* guarded by lock */

static void unlock_mutex(void *m)
{
    pthread_mutex_unlock(m); /* racelab: bad-unlock -- Helgrind only */
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    pthread_cleanup_push(unlock_mutex, &lock);
    while (!pending)
        pthread_cond_wait(&work, &lock);
    pending--;
    pthread_cleanup_pop(1); /* unlocks on the normal path too */
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    wait_until_someone_sleeps_on(&work, sizeof work);
    pthread_cancel(t);
    pthread_join(t, NULL);
    pthread_mutex_lock(&lock);
    puts("worker cancelled; lock taken");
    pthread_mutex_unlock(&lock);
    return 0;
}
