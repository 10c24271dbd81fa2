/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: flag_set_under_mutex
 * title: A flag set and signalled without the mutex is missed and the waiter hangs
 * lesson: The waiter checks `ready` under the mutex and then waits. main sets
 *   `ready` and signals without taking the mutex, so both can fall between the
 *   waiter's check and its wait: the signal finds no waiter and is lost, and
 *   the waiter sleeps forever. The flag is raced too. Set the flag and signal
 *   while holding the mutex the waiter checks it under.
 * timeout: 5
 * expect tsan: data-race, deadlock
 * expect helgrind: data-race, deadlock
 * expect drd: data-race, deadlock
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;   /* meant to be guarded by lock */

/* Scaffolding that makes the bad timing certain. The waiter pauses between
 * its check and its wait, as if preempted there, by blocking in read() on a
 * pipe; main waits until /proc shows a thread blocked in that read. Reading
 * /proc is no synchronisation to any tool, so it orders no memory access. */
static int pause_pipe[2];

static void pause_here(void)
{
    char c;
    if (read(pause_pipe[0], &c, 1) != 1)
        perror("read");
}

static int someone_paused(void)
{
    char want[32], path[300], line[256];
    snprintf(want, sizeof want, "%d 0x%x ", SYS_read, (unsigned)pause_pipe[0]);
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int found = 0;
    while (d && !found && (e = readdir(d)) != NULL) {
        snprintf(path, sizeof path, "/proc/self/task/%s/syscall", e->d_name);
        FILE *f = fopen(path, "r");
        if (f && fgets(line, sizeof line, f) && strncmp(line, want, strlen(want)) == 0)
            found = 1;
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    return found;
}

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!ready) {                        /* racelab: data-race */
        pause_here();                       /* main sets ready and signals now */
        pthread_cond_wait(&cond, &lock);    /* too late: sleeps forever */
    }
    pthread_mutex_unlock(&lock);
    puts("waiter: ready");
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pipe(pause_pipe) != 0)
        return 2;
    pthread_create(&t, NULL, waiter, NULL);
    const struct timespec ms = {0, 1000000};
    while (!someone_paused())
        nanosleep(&ms, NULL);

    ready = 1;                      /* racelab: data-race */ /* BUG: no mutex */
    pthread_cond_signal(&cond);     /* nobody is waiting yet: lost */
    if (write(pause_pipe[1], "x", 1) != 1)   /* let the waiter go on */
        return 2;

    pthread_join(t, NULL);          /* never returns */
    return 0;
}
