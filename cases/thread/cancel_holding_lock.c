/* racelab-case
 * concept: thread
 * variant: broken
 * twin: cancel_cleanup_unlocks
 * title: A thread is cancelled while it holds a mutex, and main then blocks on it
 * lesson: pthread_cancel ends the thread at its next cancellation point (here
 *   pause), and nothing unlocks the mutex it holds: the lock stays taken by a
 *   thread that no longer exists, and main's pthread_mutex_lock waits forever.
 *   Register the unlock with pthread_cleanup_push, which runs when the thread
 *   is cancelled (cancel_cleanup_unlocks), or disable cancellation while
 *   holding locks.
 * timeout: 3
 * expect tsan: deadlock
 * expect helgrind: held-lock-exit, deadlock
 * expect drd: held-lock-exit, deadlock
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t holding; /* posted once the worker holds lock */

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock); /* racelab: held-lock-exit */
    sem_post(&holding);
    for (;;)
        pause(); /* a cancellation point: the thread ends here, still holding lock */
    return NULL;
}

int main(void)
{
    pthread_t t;

    sem_init(&holding, 0, 0);
    /* Helgrind reports the exit with the stack that created the thread. */
    pthread_create(&t, NULL, worker, NULL); /* racelab: held-lock-exit */
    sem_wait(&holding); /* certain: the worker holds lock from now on */
    pthread_cancel(t);
    pthread_join(t, NULL); /* the worker is gone, lock is still held */
    printf("worker cancelled; taking the lock\n");
    fflush(stdout);
    pthread_mutex_lock(&lock); /* racelab: deadlock -- never returns: nobody will unlock */
    pthread_mutex_unlock(&lock);
    return 0;
}
