/* racelab-case
 * concept: thread
 * variant: broken
 * twin: join_result
 * title: A joinable thread is never joined nor detached
 * lesson: A joinable thread that ends keeps its stack and descriptor until
 *   someone joins it: a zombie, like an unwaited child process. A program that
 *   keeps doing this leaks memory until pthread_create fails with EAGAIN. Join
 *   every joinable thread (join_result), or detach it if nobody needs its end.
 * expect tsan: thread-leak
 * expect helgrind: clean -- Helgrind does not check for threads left unjoined.
 * expect drd: clean -- DRD does not check for threads left unjoined.
 */
#include "../scaffold.h" /* scaffold_tid(), wait_until_thread_gone() */
#include <pthread.h>
#include <stdio.h>

#define N 1000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int done;         /* guarded by lock */
static long sum;         /* guarded by lock */
static pid_t worker_tid; /* guarded by lock: the thread's kernel id */

static void *sum_numbers(void *arg)
{
    (void)arg;
    long s = 0;
    for (int i = 1; i <= N; i++)
        s += i;
    pthread_mutex_lock(&lock);
    sum = s;
    worker_tid = scaffold_tid();
    done = 1;
    pthread_cond_signal(&done_cond);
    pthread_mutex_unlock(&lock);
    return NULL; /* nobody will ever collect this thread */
}

int main(void)
{
    pthread_t t;

    pthread_create(&t, NULL, sum_numbers, NULL); /* racelab: thread-leak */
    pthread_mutex_lock(&lock);
    while (!done)
        pthread_cond_wait(&done_cond, &lock);
    long result = sum;
    pid_t tid = worker_tid;
    pthread_mutex_unlock(&lock);
    printf("sum = %ld\n", result);

    /* Not part of the bug: TSan reports a leak only for a thread that has
     * already ended when the process exits, so wait until the kernel task is
     * gone to make the report certain. The bug is the missing pthread_join. */
    wait_until_thread_gone(tid);
    return 0;
}
