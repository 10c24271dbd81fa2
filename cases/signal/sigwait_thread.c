/* racelab-case
 * concept: signal
 * variant: correct
 * twin: flag_from_other_thread
 * title: Every thread blocks the signal and one thread takes it with sigwait
 * lesson: With the signal blocked in every thread (the mask is set before the
 *   first pthread_create, and threads inherit it), pthread_kill leaves it
 *   pending, and the waiting thread takes it with sigwait, as ordinary code
 *   and not as a handler: it may lock a mutex, call printf, and hand the news
 *   to main under the mutex. No handler runs at all.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#define _GNU_SOURCE /* gettid() */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int stop; /* guarded by lock */
static sigset_t usr1;

static void *waiter(void *arg)
{
    int sig;
    (void)arg;
    if (sigwait(&usr1, &sig) != 0)
        return NULL;
    printf("thread %d took signal %d\n", (int)gettid(), sig);
    pthread_mutex_lock(&lock);
    stop = 1;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    if (pthread_sigmask(SIG_BLOCK, &usr1, NULL) != 0)
        return 2;
    pthread_create(&t, NULL, waiter, NULL);
    pthread_kill(t, SIGUSR1);
    pthread_join(t, NULL);
    pthread_mutex_lock(&lock);
    int stopped = stop;
    pthread_mutex_unlock(&lock);
    return stopped ? 0 : 1;
}
