/* racelab-case
 * concept: condvar
 * variant: correct
 * twin: lost_wakeup
 * title: The flag is set and signalled under the mutex, so the wake-up is never lost
 * lesson: The fix for lost_wakeup: main takes the mutex to set `ready` and
 *   signal. The waiter holds that mutex from its check until pthread_cond_wait
 *   atomically releases it and sleeps, so main can only set the flag either
 *   before the check (the waiter sees it) or once the waiter is asleep (the
 *   signal wakes it). Even the same forced pause cannot lose the wake-up.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
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
static int ready;   /* guarded by lock */

/* The same scaffolding as in lost_wakeup: the waiter pauses between its
 * check and its wait, and main waits until /proc shows it paused. */
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
    while (!ready) {
        pause_here();                       /* main cannot set ready now ... */
        pthread_cond_wait(&cond, &lock);    /* ... until this releases lock */
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

    /* Let the waiter go on first: it holds the mutex during its pause, so
     * main could not take it anyway. */
    if (write(pause_pipe[1], "x", 1) != 1)
        return 2;
    pthread_mutex_lock(&lock);      /* waits until the waiter is inside its wait */
    ready = 1;
    pthread_cond_signal(&cond);     /* the waiter is waiting: it wakes */
    pthread_mutex_unlock(&lock);

    pthread_join(t, NULL);
    return 0;
}
