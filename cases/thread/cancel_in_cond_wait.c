/* racelab-case
 * concept: thread
 * variant: broken
 * twin: cancel_in_cond_wait_cleanup
 * title: A thread is cancelled inside pthread_cond_wait, which relocks the mutex, and nothing unlocks it
 * lesson: pthread_cond_wait is a cancellation point, and a thread cancelled in
 *   it acts on the cancellation only after it has taken the mutex again, so
 *   that cleanup handlers run with the mutex held. With no cleanup handler
 *   the thread ends owning the mutex, and main's next lock waits forever.
 *   Push a handler that unlocks the mutex around every cancellable wait
 *   (cancel_in_cond_wait_cleanup).
 * timeout: 5
 * expect tsan: deadlock
 * expect helgrind: deadlock -- Helgrind does not see the relock inside the cancelled wait, so it
 *   does not know the thread ends holding the mutex.
 * expect drd: deadlock -- DRD does not see the relock inside the cancelled wait, so it does not
 *   know the thread ends holding the mutex.
 */
#include "../scaffold.h" /* wait_until_someone_sleeps_on() */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static int pending; /* guarded by lock */

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!pending)
        pthread_cond_wait(&work, &lock); /* cancelled here, with lock taken again */
    pending--;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    wait_until_someone_sleeps_on(&work, sizeof work);
    pthread_cancel(t);
    pthread_join(t, NULL);
    puts("worker cancelled; taking the lock");
    fflush(stdout);
    pthread_mutex_lock(&lock); /* racelab: deadlock */
    pthread_mutex_unlock(&lock);
    return 0;
}
