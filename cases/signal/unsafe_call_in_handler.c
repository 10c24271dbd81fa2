/* racelab-case
 * concept: signal
 * variant: broken
 * twin: handler_sets_flag
 * title: A signal handler calls malloc and printf
 * lesson: A signal can arrive while the thread it interrupts is inside malloc
 *   or stdio, holding their locks or halfway through updating their lists;
 *   a handler that calls them again deadlocks or corrupts the heap. Only the
 *   async-signal-safe functions of signal-safety(7) (write, _exit,
 *   sem_post, ...) may be called from a handler. TSan delivers a signal at
 *   a point of its choosing and checks what the handler calls: it reports
 *   malloc here even though this run happened not to break. Valgrind's tools
 *   do not look at signal handlers.
 * expect tsan: signal-unsafe
 * expect helgrind: clean -- Helgrind does not check what a signal handler calls.
 * expect drd: clean -- DRD does not check what a signal handler calls.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_usr1(int sig)
{
    char *msg = malloc(64); /* racelab: signal-unsafe -- malloc is not async-signal-safe */
    if (msg) {
        snprintf(msg, 64, "got signal %d\n", sig);
        fputs(msg, stdout); /* racelab: signal-unsafe -- stdio allocates its buffer */
        free(msg); /* racelab: signal-unsafe */
    }
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) == -1)
        return 2;
    raise(SIGUSR1);
    return 0;
}
