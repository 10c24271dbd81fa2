/* racelab-case
 * concept: thread
 * variant: broken
 * twin: exit_after_unlock
 * title: An early return leaves the thread's mutex locked when it exits
 * lesson: take_job returns early when the queue is empty and forgets to
 *   unlock, so the worker thread ends while holding queue_lock: the next
 *   thread to lock it waits forever (here nobody does, so the program still
 *   ends). Unlock on every path out of a critical section, e.g. with a single
 *   exit point (exit_after_unlock).
 * expect tsan: clean -- TSan does not check which mutexes a thread still holds when it exits.
 * expect helgrind: held-lock-exit
 * expect drd: held-lock-exit
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static int queue_len = 3; /* guarded by queue_lock */

/* Takes one job; returns 0, or -1 when the queue is empty. */
static int take_job(void)
{
    pthread_mutex_lock(&queue_lock); /* racelab: held-lock-exit */
    if (queue_len == 0)
        return -1; /* The bug: returns with queue_lock held */
    queue_len--;
    pthread_mutex_unlock(&queue_lock);
    return 0;
}

static void *worker(void *arg)
{
    int *done = arg;
    while (take_job() == 0)
        ++*done;
    return NULL; /* the thread ends here, still holding queue_lock */
}

int main(void)
{
    pthread_t t;
    int done = 0;

    /* Helgrind reports the exit with the stack that created the thread. */
    pthread_create(&t, NULL, worker, &done); /* racelab: held-lock-exit */
    pthread_join(t, NULL);
    printf("%d jobs done\n", done);
    return 0;
}
