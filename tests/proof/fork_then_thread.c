/* A multithreaded process forks, and the child starts a thread. With die_after_fork=0 TSan
 * only informs ("Continuing because of die_after_fork=0"): not a report. The parent's thread
 * is still running at the fork, so the child, which never sees it end, has no thread leak. */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static int go[2];

static void *wait_for_go(void *arg)
{
    char c;
    return read(go[0], &c, 1) == 1 ? arg : NULL;
}

static void *work(void *arg)
{
    return arg;
}

int main(void)
{
    if (pipe(go) != 0)
        return 1;
    pthread_t t;
    pthread_create(&t, NULL, wait_for_go, NULL);
    pid_t child = fork();
    if (child == 0) {
        /* A stack larger than the parent thread's, so that glibc does not hand the child's
         * thread that thread's cached stack, and TSan does not see its id again. */
        pthread_attr_t big;
        pthread_attr_init(&big);
        pthread_attr_setstacksize(&big, 64 << 20);
        pthread_t u;
        pthread_create(&u, &big, work, NULL);
        pthread_join(u, NULL);
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    if (write(go[1], "x", 1) != 1)
        return 1;
    pthread_join(t, NULL);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
