/* racelab-case
 * concept: signal
 * variant: broken
 * twin: sigwait_thread
 * title: pthread_kill sends a worker a signal whose handler sets a plain flag that main polls
 * lesson: A handler runs on the thread the signal was delivered to, here the
 *   worker, so its store to the flag is a store by the worker, and main's
 *   loads are unordered with it: a data race, whatever the flag's type.
 *   volatile sig_atomic_t only promises that a handler and the code of the
 *   thread it interrupted see whole values; it orders nothing between
 *   threads. Block the signal everywhere and take it in a thread of your
 *   own with sigwait (sigwait_thread), or use an atomic.
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause(); _GNU_SOURCE */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop; /* written by the handler, on the worker */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t worker_tid; /* guarded by lock */

static void on_usr1(int sig)
{
    (void)sig;
    stop = 1; /* racelab: data-race -- a store by the worker thread */
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    worker_tid = gettid();
    pthread_mutex_unlock(&lock);
    pause_here(); /* blocked in a read: the signal arrives here */
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    pthread_t t;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART; /* the worker's read goes on after the handler */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) == -1 || pause_init() != 0)
        return 2;
    pthread_create(&t, NULL, worker, NULL);
    wait_until_paused();
    pthread_mutex_lock(&lock);
    pid_t tid = worker_tid;
    pthread_mutex_unlock(&lock);
    pthread_kill(t, SIGUSR1);
    end_pause();
    /* The worker has run its handler and ended; nothing orders that before main's read. */
    wait_until_thread_gone(tid);
    if (stop) /* racelab: data-race -- main reads what the worker's handler wrote */
        printf("worker %d was signalled\n", (int)tid);
    pthread_join(t, NULL);
    return 0;
}
