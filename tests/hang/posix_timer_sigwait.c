/* A POSIX timer armed for 2 s, its signal blocked, and sigwaitinfo: it ends by itself.
 * Exits 0. */
#include <signal.h>
#include <time.h>

int main(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &set, NULL);
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN};
    timer_t t;
    struct itimerspec in2 = {.it_value = {2, 0}};
    if (timer_create(CLOCK_MONOTONIC, &ev, &t) == -1 || timer_settime(t, 0, &in2, NULL) == -1)
        return 111;
    siginfo_t info;
    return sigwaitinfo(&set, &info) == SIGRTMIN ? 0 : 1;
}
