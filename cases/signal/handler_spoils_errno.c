/* racelab-case
 * concept: signal
 * variant: broken
 * twin: handler_saves_errno
 * title: A signal handler calls a function that sets errno and does not restore it
 * lesson: errno is per thread, and the handler runs on the interrupted
 *   thread: a failing write or close inside the handler overwrites the errno
 *   that the interrupted code is about to read after its own failed call.
 *   Save errno on entry to the handler and restore it on exit. TSan compares
 *   errno before and after every handler it delivers and reports the change.
 * expect tsan: signal-unsafe
 * expect helgrind: clean -- Helgrind does not look at errno.
 * expect drd: clean -- DRD does not look at errno.
 */
#include "../scaffold.h" /* pause_here(), wait_until_paused(), end_pause() */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_t main_thread;

/* TSan reports the handler by its first line. */
static void on_usr1(int sig)
{ /* racelab: signal-unsafe -- the close below sets errno to EBADF and leaves it so */
    (void)sig;
    close(-1);
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
