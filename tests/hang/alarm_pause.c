/* alarm(2) then pause(): the alarm ends the wait after 2 s, and /proc cannot show it is
 * pending. Not a deadlock: exits 0. */
#include <signal.h>
#include <unistd.h>

static void on_alarm(int sig)
{
    (void)sig;
}

int main(void)
{
    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);
    alarm(2);
    pause();
    return 0;
}
