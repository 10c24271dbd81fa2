/* racelab-case
 * concept: thread
 * variant: correct
 * twin: atfork_child_keeps_lock
 * title: pthread_atfork handlers take the log lock before fork and release it in parent and child
 * lesson: fork() copies every mutex but only the calling thread, so a lock
 *   another thread holds at that moment would stay locked for ever in the
 *   child. The prepare handler takes log_lock before the fork, so the
 *   forking thread holds it and no other; the parent handler and the child
 *   handler each release it, so both processes go on with a free lock, and
 *   the child may log. It works only for the locks your code registers:
 *   a child that needs more should exec at once.
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

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int lines; /* under log_lock */

static void log_line(const char *what)
{
    pthread_mutex_lock(&log_lock);
    lines++;
    printf("%d %s\n", lines, what);
    fflush(stdout);
    pthread_mutex_unlock(&log_lock);
}

/* No other thread holds log_lock across the fork: it is taken before and released after. */
static void before_fork(void)
{
    pthread_mutex_lock(&log_lock);
}

static void after_fork(void)
{
    pthread_mutex_unlock(&log_lock);
}

/* The writer is still running when main forks (its first line written, the rest to come):
 * a thread that had already ended, unjoined, would be a thread leak in the child's TSan. */
static int logged[2], forked[2];

static void *writer(void *arg)
{
    char c;
    (void)arg;
    log_line("writer: a line");
    if (write(logged[1], "l", 1) != 1 || read(forked[0], &c, 1) != 1)
        return NULL;
    for (int i = 0; i < 2; i++)
        log_line("writer: a line");
    return NULL;
}

int main(void)
{
    pthread_t t;
    /* FIX: released in the parent and in the child */
    if (pthread_atfork(before_fork, after_fork, after_fork) != 0
        || pipe(logged) < 0 || pipe(forked) < 0 || pthread_create(&t, NULL, writer, NULL) != 0)
        return 2;
    char c;
    if (read(logged[0], &c, 1) != 1)
        return 2;
    pid_t pid = fork();
    if (pid == 0) {
        log_line("child: running");
        _exit(0);
    }
    if (pid < 0 || write(forked[1], "f", 1) != 1 || pthread_join(t, NULL) != 0)
        return 2;
    int status;
    if (waitpid(pid, &status, 0) != pid)
        return 2;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
