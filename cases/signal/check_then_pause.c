/* racelab-case
 * concept: signal
 * variant: broken
 * twin: check_then_sigsuspend
 * title: A service loop checks a flag set by a signal handler, then calls pause
 * lesson: `while (!stop) pause();` has a window: a signal that arrives after
 *   the check and before pause runs its handler there, and pause then waits
 *   for a next signal that never comes. A daemon written this way ignores a
 *   SIGTERM now and then. Here another thread sends the signal exactly in
 *   the window (main is held there, as if preempted). Block the signal, check
 *   the flag, and wait with sigsuspend, which unblocks and waits in one step
 *   (check_then_sigsuspend). racelab calls a program stuck in a signal wait
 *   a timeout, not a deadlock: a signal from outside could still end it.
 * timeout: 3
 * expect tsan: timeout -- No tool looks for a signal lost between a check and a wait.
 * expect helgrind: timeout -- No tool looks for a signal lost between a check and a wait.
 * expect drd: timeout -- No tool looks for a signal lost between a check and a wait.
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
    wait_until_paused(); /* main has checked stop and not yet called pause */
    pthread_kill(main_thread, SIGUSR1);
    end_pause();
    return NULL;
}

int main(void)
{
    struct sigaction sa;
    pthread_t t;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) == -1 || pause_init() != 0)
        return 2;
    main_thread = pthread_self();
    pthread_create(&t, NULL, sender, NULL);
    pthread_detach(t);
    while (!stop) {
        pause_here(); /* the window: the signal and its handler come now */
        pause();      /* waits for a signal that has already come */
    }
    puts("stopping");
    return 0;
}
