/* A read of a timerfd armed for 2 s: it ends by itself. Exits 0. */
#include <stdint.h>
#include <sys/timerfd.h>
#include <unistd.h>

int main(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    struct itimerspec in2 = {.it_value = {2, 0}};
    uint64_t ticks;
    if (fd == -1 || timerfd_settime(fd, 0, &in2, NULL) == -1 ||
        read(fd, &ticks, sizeof ticks) != sizeof ticks)
        return 111;
    return 0;
}
