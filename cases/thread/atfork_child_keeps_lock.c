/* racelab-case
 * concept: thread
 * variant: broken
 * twin: atfork_releases_in_both
 * title: A pthread_atfork handler takes the log lock before fork, but nothing releases it in the child
 * lesson: fork() copies every mutex but only the calling thread, so a lock
 *   another thread holds at that moment stays locked for ever in the child.
 *   pthread_atfork() is the cure for the locks your own code knows of: a
 *   prepare handler takes the lock before the fork, so no other thread holds
 *   it then, and the handlers after the fork release it, once in the parent
 *   and once in the child. Here the child handler is missing: the parent
 *   unlocks, but in the child the lock stays held by the forking thread
 *   itself, and the child's first log_line() relocks a default mutex its own
 *   thread holds and waits for ever; main waits for the child for ever too.
 *   Register an unlock for the child too (atfork_releases_in_both), or let
 *   the child run none of the parent's code: exec at once (fork_child_execs)
 *   or use posix_spawn() (spawn_child).
 * timeout: 10
 * expect tsan: deadlock -- The child hangs on a lock its own thread holds; ThreadSanitizer reports no fork hazard, and a relock only once it succeeds.
 * expect helgrind: deadlock -- Helgrind reports nothing before the hang: not the lock carried across fork(), not the relock.
 * expect drd: double-lock, deadlock -- DRD sees the child's only thread lock the mutex it holds (a copy of the parent's lock state) and reports it before the hang.
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
    pthread_mutex_lock(&log_lock); /* racelab: deadlock */ /* racelab: double-lock */
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

static void after_fork_in_parent(void)
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
    /* the bug: no handler releases log_lock in the child */
    if (pthread_atfork(before_fork, after_fork_in_parent, NULL) != 0
        || pipe(logged) < 0 || pipe(forked) < 0 || pthread_create(&t, NULL, writer, NULL) != 0)
        return 2;
    char c;
    if (read(logged[0], &c, 1) != 1)
        return 2;
    pid_t pid = fork();
    if (pid == 0) {
        log_line("child: running"); /* blocks: the marker is on the lock inside */
        _exit(0);
    }
    if (pid < 0 || write(forked[1], "f", 1) != 1 || pthread_join(t, NULL) != 0)
        return 2;
    int status;
    if (waitpid(pid, &status, 0) != pid) /* racelab: deadlock */
        return 2;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
