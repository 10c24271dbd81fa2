/* mq_timedreceive on an empty POSIX message queue, with a deadline 2 s ahead: it ends by
 * itself with ETIMEDOUT. Exits 0. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/racelab-hang-%d", (int)getpid());
    struct mq_attr attr = {.mq_maxmsg = 1, .mq_msgsize = 16};
    mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
    if (q == (mqd_t)-1)
        return 111;
    mq_unlink(name);
    struct timespec at;
    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_sec += 2;
    char msg[16];
    ssize_t n = mq_timedreceive(q, msg, sizeof msg, NULL, &at);
    return n == -1 && errno == ETIMEDOUT ? 0 : 1;
}
