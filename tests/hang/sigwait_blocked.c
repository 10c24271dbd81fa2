/* The sigwait server pattern: every signal blocked before pthread_create, so every thread
 * has them all blocked. A worker sleeps 20 ms a hundred times, then sends main the signal it
 * waits for. Nothing here is TSan's background thread. Exits 0. */
#include <pthread.h>
#include <signal.h>
#include <time.h>

static pthread_t main_thread;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        struct timespec ms20 = {0, 20 * 1000 * 1000};
        nanosleep(&ms20, NULL);
    }
    pthread_kill(main_thread, SIGUSR1);
    return NULL;
}

int main(void)
{
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    main_thread = pthread_self();
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 111;
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    int sig;
    if (sigwait(&usr1, &sig) != 0 || sig != SIGUSR1)
        return 1;
    pthread_join(t, NULL);
    return 0;
}
