/* epoll_pwait2 with a 2 s timeout on a pipe only this process could write: it ends by
 * itself. Exits 0. */
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    int p[2], ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN};
    if (ep == -1 || pipe(p) == -1 || epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == -1)
        return 111;
    struct timespec in2 = {2, 0};
    struct epoll_event out;
    long n = syscall(SYS_epoll_pwait2, ep, &out, 1, &in2, NULL, 0);
    return n == 0 ? 0 : 1;
}
