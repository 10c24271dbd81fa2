/* racelab-case
 * concept: signal
 * variant: correct
 * twin: check_then_pause
 * title: A service loop blocks the signal, checks the flag, and waits with sigsuspend
 * lesson: With SIGUSR1 blocked, a signal sent in the window between the check
 *   and the wait stays pending instead of running the handler there.
 *   sigsuspend installs the old mask and waits in one atomic step, so the
 *   pending signal is delivered inside it, the handler sets the flag, and
 *   the loop ends.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static pthread_t main_thread;

static void on_usr1(int sig)
{
    (void)sig;
    stop = 1;
}

static void *sender(void *arg)
{
    (void)arg;
    wait_until_paused();
    pthread_kill(main_thread, SIGUSR1); /* stays pending: main blocks it */
    end_pause();
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    sigset_t usr1, old;
    pthread_t t;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    if (sigaction(SIGUSR1, &sa, NULL) == -1 || pause_init() != 0)
        return 2;
    main_thread = pthread_self();
    pthread_create(&t, NULL, sender, NULL); /* the sender starts with SIGUSR1 unblocked */
    pthread_detach(t);
    pthread_sigmask(SIG_BLOCK, &usr1, &old);
    while (!stop) {
        pause_here();
        sigsuspend(&old); /* unblocks and waits at once: the pending signal lands here */
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    puts("stopping");
    return 0;
}
