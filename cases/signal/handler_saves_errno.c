/* racelab-case
 * concept: signal
 * variant: correct
 * twin: handler_spoils_errno
 * title: A signal handler saves errno on entry and restores it before it returns
 * lesson: The handler may call async-signal-safe functions that fail and set
 *   errno (here close), as long as it puts errno back: the interrupted code
 *   then reads the errno of its own last call.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_t main_thread;

static void on_usr1(int sig)
{
    int saved = errno;
    (void)sig;
    close(-1);
    errno = saved;
}

/* Interrupts main while it waits in pause_here() (a read), as a signal from outside would. */
static void *sender(void *arg)
{
    (void)arg;
    wait_until_paused();
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
    sa.sa_flags = SA_RESTART; /* the read goes on after the handler */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) == -1 || pause_init() != 0)
        return 2;
    main_thread = pthread_self();
    pthread_create(&t, NULL, sender, NULL);
    errno = 0;
    pause_here(); /* the signal arrives in here */
    printf("errno after the signal: %d\n", errno);
    pthread_join(t, NULL);
    return 0;
}
