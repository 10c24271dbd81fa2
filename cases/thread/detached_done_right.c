/* racelab-case
 * concept: thread
 * variant: correct
 * twin: detached_races_main
 * title: A detached thread hands its result over with a mutex and a condvar
 * lesson: A detached thread cannot be joined, so it must say "done" itself,
 *   through synchronisation that orders its writes before the reader's reads:
 *   here it stores the result and sets done under a mutex and signals a
 *   condition variable that main waits on. Main may then read the result and
 *   exit even if the thread has not quite returned yet. What the thread may
 *   touch after that last signal is little: once main returns, exit() runs
 *   the atexit handlers and flushes and closes stdio while the thread may
 *   still run, then ends the process wherever the thread is. So nothing of
 *   main's (its locals are gone), no stdio, nothing a handler frees: here the
 *   thread only unlocks a static mutex and returns.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

#define N 1000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int done; /* guarded by lock */
static long sum; /* guarded by lock */

static void *sum_numbers(void *arg)
{
    (void)arg;
    long s = 0;
    for (int i = 1; i <= N; i++)
        s += i;
    pthread_mutex_lock(&lock);
    sum = s;
    done = 1;
    pthread_cond_signal(&done_cond);
    pthread_mutex_unlock(&lock);
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
    while (!done) /* a loop: wake-ups can be spurious */
        pthread_cond_wait(&done_cond, &lock);
    long result = sum;
    pthread_mutex_unlock(&lock);

    if (result != (long)N * (N + 1) / 2) {
        fprintf(stderr, "wrong sum %ld\n", result);
        return 1;
    }
    printf("sum = %ld\n", result);
    return 0;
}
