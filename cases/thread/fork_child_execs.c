/* racelab-case
 * concept: thread
 * variant: correct
 * twin: atfork_child_keeps_lock
 * title: The child of a threaded program only calls async-signal-safe functions, then execs
 * lesson: A logger thread holds log_lock when main forks (a handshake
 *   makes it certain), so in the child that lock stays held for ever, as in
 *   atfork_child_keeps_lock. This child never touches it, and needs no
 *   pthread_atfork() handler: between fork() and execve() it calls only
 *   async-signal-safe functions (execve, and write and _exit should the exec
 *   fail), and the new program starts with no copied locks at all.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int holding[2], forked[2]; /* the handshake, see logger() */

/* The logger holds log_lock while it writes a line in pieces. A fork can land at any moment
 * of that; the handshake makes it land while the lock is held, every time: the logger says
 * "holding", and goes on only once main has forked. */
static void *logger(void *arg)
{
    char c;
    (void)arg;
    pthread_mutex_lock(&log_lock);
    fputs("logger: ", stdout);
    if (write(holding[1], "h", 1) != 1 || read(forked[0], &c, 1) != 1)
        fputs("(handshake failed) ", stdout);
    fputs("a line in pieces\n", stdout);
    pthread_mutex_unlock(&log_lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    char c;
    if (pipe(holding) < 0 || pipe(forked) < 0 || pthread_create(&t, NULL, logger, NULL) != 0)
        return 2;
    if (read(holding[0], &c, 1) != 1)
        return 2;
    char *argv[] = {"/bin/echo", "child: running", NULL}; /* made before the fork */
    pid_t pid = fork();
    if (pid == 0) {
        /* FIX: only async-signal-safe calls, then a fresh program. */
        execve(argv[0], argv, environ);
        static const char msg[] = "child: cannot exec /bin/echo\n";
        if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0) { /* nowhere to say it */ }
        _exit(127);
    }
    if (pid < 0 || write(forked[1], "f", 1) != 1 || pthread_join(t, NULL) != 0)
        return 2;
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return 2;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
