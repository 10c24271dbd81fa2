/* A small threaded TCP server, to show racelab driving a server of one's own (README, "Servers
 * and daemons"). Main accepts connections on 127.0.0.1 and queues them; a pool of workers takes
 * them from the queue (a mutex and a condition variable), reads one line and answers
 * "hits N". A thread of its own waits for SIGTERM or SIGINT (blocked everywhere else), and
 * stops the server cleanly: the listening socket is shut down, the workers are woken and
 * joined, and main returns 0.
 *
 *   server [--port N] [--workers N] [--racy]
 *
 * --port 0 (the default) takes any free port; the port is printed on stdout. --racy forgets
 * the lock around the statistics: every worker bumps them as it starts, so the race is there
 * in every run, whatever the clients do, and a happens-before detector reports it each time. */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define QUEUE_MAX   16
#define WORKERS_MAX 16

static struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int fds[QUEUE_MAX];
    int head, count;
    int stopping;
} queue = {.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};

static struct {
    pthread_mutex_t lock;
    long workers, hits;
} stats = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int racy;
static int listen_fd = -1;

static long count(long *counter)
{
    if (racy)
        return ++*counter; /* the bug: no lock */
    pthread_mutex_lock(&stats.lock);
    long n = ++*counter;
    pthread_mutex_unlock(&stats.lock);
    return n;
}

/* One connection: a line in, "hits N" out. */
static void serve(int fd)
{
    char line[256];
    ssize_t got = read(fd, line, sizeof line);
    if (got > 0) {
        char reply[64];
        int len = snprintf(reply, sizeof reply, "hits %ld\n", count(&stats.hits));
        if (write(fd, reply, (size_t)len) != len)
            perror("server: write");
    }
    close(fd);
}

static void *worker(void *arg)
{
    (void)arg;
    count(&stats.workers);
    for (;;) {
        pthread_mutex_lock(&queue.lock);
        while (queue.count == 0 && !queue.stopping)
            pthread_cond_wait(&queue.changed, &queue.lock);
        if (queue.count == 0) { /* stopping, and nothing left to serve */
            pthread_mutex_unlock(&queue.lock);
            return NULL;
        }
        int fd = queue.fds[queue.head];
        queue.head = (queue.head + 1) % QUEUE_MAX;
        queue.count--;
        pthread_cond_broadcast(&queue.changed);
        pthread_mutex_unlock(&queue.lock);
        serve(fd);
    }
}

/* Waits for SIGTERM or SIGINT, then stops the server. */
static void *stopper(void *arg)
{
    sigset_t *stop = arg;
    int sig;
    sigwait(stop, &sig);
    pthread_mutex_lock(&queue.lock);
    queue.stopping = 1;
    pthread_cond_broadcast(&queue.changed);
    pthread_mutex_unlock(&queue.lock);
    shutdown(listen_fd, SHUT_RDWR); /* accept() in main returns */
    return NULL;
}

int main(int argc, char **argv)
{
    int port = 0, workers = 2;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
            port = atoi(argv[++i]);
        else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc)
            workers = atoi(argv[++i]);
        else if (strcmp(argv[i], "--racy") == 0)
            racy = 1;
        else {
            fprintf(stderr, "usage: server [--port N] [--workers N] [--racy]\n");
            return 2;
        }
    }
    if (workers < 1 || workers > WORKERS_MAX || port < 0 || port > 65535) {
        fprintf(stderr, "server: --workers 1..%d, --port 0..65535\n", WORKERS_MAX);
        return 2;
    }
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* every thread started from here on too */

    listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((unsigned short)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    int one = 1;
    if (listen_fd < 0 || setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(listen_fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(listen_fd, 16) < 0 ||
        getsockname(listen_fd, (struct sockaddr *)&addr, &len) < 0) {
        perror("server: listen");
        return 1;
    }
    printf("listening on port %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    pthread_t pool[WORKERS_MAX], stop_thread;
    for (int i = 0; i < workers; i++)
        pthread_create(&pool[i], NULL, worker, NULL);
    pthread_create(&stop_thread, NULL, stopper, &stop);
    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            break; /* shut down by the stopper (EINVAL) */
        }
        pthread_mutex_lock(&queue.lock);
        while (queue.count == QUEUE_MAX && !queue.stopping)
            pthread_cond_wait(&queue.changed, &queue.lock);
        if (queue.stopping) {
            pthread_mutex_unlock(&queue.lock);
            close(fd);
            break;
        }
        queue.fds[(queue.head + queue.count) % QUEUE_MAX] = fd;
        queue.count++;
        pthread_cond_broadcast(&queue.changed);
        pthread_mutex_unlock(&queue.lock);
    }
    pthread_join(stop_thread, NULL);
    for (int i = 0; i < workers; i++)
        pthread_join(pool[i], NULL);
    close(listen_fd);
    return 0;
}
