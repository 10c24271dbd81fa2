/* racelab-case
 * concept: thread
 * variant: correct
 * twin: exit_holding_lock
 * title: Every path out of the critical section unlocks
 * lesson: take_job has one exit point after the unlock, so the lock is
 *   released whether or not a job was taken, and the worker ends holding
 *   nothing. A single exit (or a goto to a cleanup label) keeps lock and
 *   unlock paired as the function grows.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static int queue_len = 3; /* guarded by queue_lock */

/* Takes one job; returns 0, or -1 when the queue is empty. */
static int take_job(void)
{
    int ret = -1;

    pthread_mutex_lock(&queue_lock);
    if (queue_len > 0) {
        queue_len--;
        ret = 0;
    }
    pthread_mutex_unlock(&queue_lock); /* reached on every path */
    return ret;
}

static void *worker(void *arg)
{
    int *done = arg;
    while (take_job() == 0)
        ++*done;
    return NULL;
}

int main(void)
{
    pthread_t t;
    int done = 0;

    pthread_create(&t, NULL, worker, &done);
    pthread_join(t, NULL);
    /* The lock is free again: main can take it. */
    pthread_mutex_lock(&queue_lock);
    int left = queue_len;
    pthread_mutex_unlock(&queue_lock);
    if (done != 3 || left != 0) {
        fprintf(stderr, "done %d, left %d\n", done, left);
        return 1;
    }
    printf("%d jobs done\n", done);
    return 0;
}
