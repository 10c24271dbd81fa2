/* racelab-case
 * concept: condvar
 * variant: correct
 * twin: signal_flag_without_mutex
 * title: The flag is set and signalled under the mutex while a thread waits
 * lesson: The fix for signal_flag_without_mutex: main takes the waiter's mutex,
 *   sets `ready`, signals and unlocks. The write is ordered with the waiter's
 *   reads by the mutex, and no check-then-wait window is left for the signal
 *   to fall into.
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

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready;   /* guarded by lock */

/* Scaffolding: main waits until /proc shows a thread asleep in the futex
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
    pthread_mutex_lock(&lock);
    while (!ready)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    puts("waiter: ready");
    return NULL;
}

int main(void)
{
    pthread_t t;
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
