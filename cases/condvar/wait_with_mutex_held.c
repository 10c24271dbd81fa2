/* racelab-case
 * concept: condvar
 * variant: correct
 * twin: wait_without_mutex
 * title: A thread locks the mutex before checking the condition and waiting
 * lesson: The fix for wait_without_mutex: the waiter locks the mutex, checks
 *   `ready` in a while loop and calls pthread_cond_wait with the mutex held;
 *   the wait returns with it locked again, and the waiter unlocks it when done.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>

static pthread_mutex_t lock;   /* initialised in main */
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;   /* guarded by lock */

/* Scaffolding, as in wait_without_mutex: main waits until /proc shows a thread asleep in the futex
 * inside `cond`, i.e. inside pthread_cond_wait. Reading /proc is no
 * synchronisation to any tool, so it orders no memory access. */
static int someone_waits_on(const void *obj, size_t size)
{
    char path[300];
    long nr;
    unsigned long arg0;
    int found = 0;
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    while (d && !found && (e = readdir(d)) != NULL) {
        snprintf(path, sizeof path, "/proc/self/task/%s/syscall", e->d_name);
        FILE *f = fopen(path, "r");
        if (f && fscanf(f, "%ld %lx", &nr, &arg0) == 2 && nr == SYS_futex &&
            arg0 >= (uintptr_t)obj && arg0 < (uintptr_t)obj + size)
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
    pthread_mutex_lock(&lock);              /* first the mutex ... */
    while (!ready)                          /* ... then check ... */
        pthread_cond_wait(&cond, &lock);    /* ... and wait: unlocks, sleeps, relocks */
    pthread_mutex_unlock(&lock);
    puts("waiter: ready");
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_init(&lock, NULL);
    pthread_create(&t, NULL, waiter, NULL);
    const struct timespec ms = {0, 1000000};
    while (!someone_waits_on(&cond, sizeof cond))
        nanosleep(&ms, NULL);

    pthread_mutex_lock(&lock);
    ready = 1;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);

    pthread_join(t, NULL);
    return 0;
}
