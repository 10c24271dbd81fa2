/* Races twice, and between the two races closes every descriptor from 3 up and opens a
 * file, as a daemon does: under TSan, whose log descriptor was among them, the second
 * report lands in that file. racelab must say its reports went missing. */
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

static int first, second;

static void *work(void *arg)
{
    first++;
    return arg;
}

static void *work2(void *arg)
{
    second++;
    return arg;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, work, NULL);
    first++;
    pthread_join(t, NULL);
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
    int keep = open("taken-over.log", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pthread_create(&t, NULL, work2, NULL);
    second++;
    pthread_join(t, NULL);
    return keep < 0;
}
