/* racelab-case
 * concept: signal
 * variant: correct
 * twin: unsafe_call_in_handler
 * title: A signal handler only sets a volatile sig_atomic_t flag, and main does the work
 * lesson: The handler does the one thing that is safe in any context: it
 *   stores to a volatile sig_atomic_t. The program checks the flag at a point
 *   of its own, outside the handler, and does the allocation and the printing
 *   there. This is enough because the handler runs in the same thread that
 *   reads the flag (raise); a flag read by another thread needs an atomic.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
    got = sig;
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
    if (got) {
        char *msg = malloc(64);
        if (msg) {
            snprintf(msg, 64, "got signal %d\n", (int)got);
            fputs(msg, stdout);
            free(msg);
        }
    }
    return 0;
}
