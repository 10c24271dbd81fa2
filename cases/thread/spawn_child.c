/* racelab-case
 * concept: thread
 * variant: correct
 * twin: atfork_child_keeps_lock
 * title: A threaded program starts its child with posix_spawn
 * lesson: A logger thread holds log_lock while main starts a child (a
 *   handshake makes it certain). A forked child would find that lock held
 *   for ever (atfork_child_keeps_lock); posix_spawn() creates the child and
 *   executes the new program without running any of the parent's code in
 *   between, so no copied lock is ever taken there. It is the simplest safe
 *   way to start a program from a multithreaded process.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int holding[2], spawned[2]; /* the handshake, see logger() */

/* The logger holds log_lock while it writes a line in pieces; the handshake makes the spawn
 * happen while the lock is held, every time. */
static void *logger(void *arg)
{
    char c;
    (void)arg;
    pthread_mutex_lock(&log_lock);
    fputs("logger: ", stdout);
    if (write(holding[1], "h", 1) != 1 || read(spawned[0], &c, 1) != 1)
        fputs("(handshake failed) ", stdout);
    fputs("a line in pieces\n", stdout);
    pthread_mutex_unlock(&log_lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    char c;
    if (pipe(holding) < 0 || pipe(spawned) < 0 || pthread_create(&t, NULL, logger, NULL) != 0)
        return 2;
    if (read(holding[0], &c, 1) != 1)
        return 2;
    pid_t pid;
    char *argv[] = {"echo", "child: running", NULL};
    int rc = posix_spawn(&pid, "/bin/echo", NULL, NULL, argv, environ); /* FIX */
    if (write(spawned[1], "s", 1) != 1 || pthread_join(t, NULL) != 0)
        return 2;
    if (rc != 0) {
        fprintf(stderr, "posix_spawn: %s\n", strerror(rc));
        return 1;
    }
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return 2;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
