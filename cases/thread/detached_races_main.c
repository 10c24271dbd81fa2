/* racelab-case
 * concept: thread
 * variant: broken
 * twin: detached_done_right
 * title: Main reads a detached thread's result after seeing the thread gone
 * lesson: A detached thread cannot be joined, and its end is not a
 *   synchronisation point: main watches the thread disappear from /proc, yet
 *   nothing orders the thread's store of sum before main's load, so it is a
 *   data race (the same holds for sleeping "long enough"). Have the thread
 *   publish its result through a mutex and a condition variable
 *   (detached_done_right), or make it joinable and join it.
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#include "../scaffold.h" /* scaffold_tid(), wait_until_thread_gone() */
#include <pthread.h>
#include <stdio.h>

#define N 1000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t started_cond = PTHREAD_COND_INITIALIZER;
static pid_t worker_tid; /* guarded by lock: the thread's kernel id, 0 until known */
static long sum;         /* written by the thread, read by main: guarded by nothing */

static void *sum_numbers(void *arg)
{
    (void)arg;
    /* Say who we are, so that main can watch for our end. */
    pthread_mutex_lock(&lock);
    worker_tid = scaffold_tid();
    pthread_cond_signal(&started_cond);
    pthread_mutex_unlock(&lock);

    long s = 0;
    for (int i = 1; i <= N; i++)
        s += i;
    sum = s; /* racelab: data-race */
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_attr_t attr;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&t, &attr, sum_numbers, NULL);
    pthread_attr_destroy(&attr);

    pthread_mutex_lock(&lock);
    while (worker_tid == 0)
        pthread_cond_wait(&started_cond, &lock);
    pid_t tid = worker_tid;
    pthread_mutex_unlock(&lock);

    /* "Wait for the thread to finish": poll until its kernel task is gone.
     * The thread has certainly stored sum by then, but no tool (and no
     * memory model) sees an ordering here. */
    wait_until_thread_gone(tid);

    printf("sum = %ld\n", sum); /* racelab: data-race */
    return 0;
}
