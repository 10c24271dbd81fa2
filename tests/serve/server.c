/* A server for the --serve tests: each mode gets one part of the run protocol right or wrong.
 *   server listen              listens on 127.0.0.1, any port; answers "hits 1" and closes;
 *                              SIGTERM ends it
 *   server listen-ignore-term  the same, but ignores SIGTERM (no-clean-stop)
 *   server listen-then-exit    exits 0 after its first client (gone before it was stopped)
 *   server fd N                writes "ready\n" on descriptor N, closes it, waits for SIGTERM
 *   server fd-eof N            closes descriptor N without a word
 *   server file PATH           creates PATH, waits for SIGTERM, removes PATH
 *   server exit                exits 0 at once, never ready
 *   server never               never gets ready (waits for a signal)
 *   server deadlock            two threads take two locks in opposite orders before it listens */
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both;

static void on_term(int sig)
{
    (void)sig;
    stopping = 1;
}

static void *b_then_a(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&b);
    pthread_barrier_wait(&both);
    pthread_mutex_lock(&a);
    return NULL;
}

static int serve(int once, int ignore_term)
{
    if (ignore_term)
        signal(SIGTERM, SIG_IGN);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 8) < 0) {
        perror("server");
        return 1;
    }
    for (;;) {
        int c = accept(fd, NULL, NULL);
        if (c < 0)
            continue;
        if (write(c, "hits 1\n", 7) != 7)
            perror("server: write");
        close(c);
        if (once)
            return 0;
    }
}

static void wait_for_term(void)
{
    struct sigaction sa = {.sa_handler = on_term};
    sigaction(SIGTERM, &sa, NULL);
    while (!stopping)
        pause();
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "listen") == 0)
        return serve(0, 0);
    if (strcmp(mode, "listen-ignore-term") == 0)
        return serve(0, 1);
    if (strcmp(mode, "listen-then-exit") == 0)
        return serve(1, 0);
    if ((strcmp(mode, "fd") == 0 || strcmp(mode, "fd-eof") == 0) && argc > 2) {
        int fd = atoi(argv[2]);
        if (strcmp(mode, "fd") == 0 && write(fd, "ready\n", 6) != 6)
            perror("server: ready");
        close(fd);
        wait_for_term();
        return 0;
    }
    if (strcmp(mode, "file") == 0 && argc > 2) {
        FILE *f = fopen(argv[2], "w");
        if (!f || fclose(f) != 0) {
            perror("server: file");
            return 1;
        }
        wait_for_term();
        unlink(argv[2]);
        return 0;
    }
    if (strcmp(mode, "exit") == 0)
        return 0;
    if (strcmp(mode, "never") == 0) {
        for (;;)
            pause();
    }
    if (strcmp(mode, "deadlock") == 0) {
        pthread_t t;
        pthread_barrier_init(&both, NULL, 2);
        pthread_create(&t, NULL, b_then_a, NULL);
        pthread_mutex_lock(&a);
        pthread_barrier_wait(&both);
        pthread_mutex_lock(&b);
        return 0;
    }
    fprintf(stderr, "server: unknown mode '%s'\n", mode);
    return 2;
}
