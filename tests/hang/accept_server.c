/* A server nobody drives: main waits in accept on a listening socket, its workers wait on a
 * condition variable for work that only a client would bring. Not a deadlock: `timeout`,
 * with the reason. */
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static int jobs;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (jobs == 0)
        pthread_cond_wait(&work, &lock);
    jobs--;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (s == -1 || bind(s, (struct sockaddr *)&any, sizeof any) == -1 || listen(s, 8) == -1)
        return 111;
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c == -1)
            return 111;
        pthread_mutex_lock(&lock);
        jobs++;
        pthread_cond_signal(&work);
        pthread_mutex_unlock(&lock);
    }
}
