/* racelab-case
 * concept: thread
 * variant: correct
 * twin: cancel_holding_lock
 * title: A cancelled thread releases its mutex in a cleanup handler
 * lesson: pthread_cleanup_push registers a handler that runs if the thread is
 *   cancelled (or calls pthread_exit) before the matching pthread_cleanup_pop,
 *   so the unlock happens even though the thread never reaches its own unlock.
 *   Main can then take the lock. Push the handler right after taking the lock.
 *   TSan misses the handler's unlock (it runs inside the pause interceptor)
 *   and reports main's lock as a double lock: a false positive.
 * timeout: 3
 * expect tsan: double-lock -- TSan ignores synchronisation in cleanup handlers run from inside an intercepted blocking call such as pause (google/sanitizers#646), so it misses the unlock: a false positive.
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t holding; /* posted once the worker holds lock */

static void unlock_mutex(void *m)
{
    pthread_mutex_unlock(m);
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    pthread_cleanup_push(unlock_mutex, &lock); /* runs on cancellation */
    sem_post(&holding);
    for (;;)
        pause(); /* a cancellation point: the thread ends here, the handler unlocks */
    pthread_cleanup_pop(1); /* not reached, but push and pop must pair up */
    return NULL;
}

int main(void)
{
    pthread_t t;
    void *status;

    sem_init(&holding, 0, 0);
    pthread_create(&t, NULL, worker, NULL);
    sem_wait(&holding); /* certain: the worker holds lock from now on */
    pthread_cancel(t);
    pthread_join(t, &status);
    if (status != PTHREAD_CANCELED) {
        fprintf(stderr, "worker was not cancelled\n");
        return 1;
    }
    pthread_mutex_lock(&lock); /* racelab: double-lock -- free again: the handler released it */
    pthread_mutex_unlock(&lock);
    sem_destroy(&holding);
    printf("worker cancelled, lock released\n");
    return 0;
}
