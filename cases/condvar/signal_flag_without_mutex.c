/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: signal_flag_under_mutex
 * title: The flag is set and signalled without the mutex while a thread waits
 * lesson: main sets `ready` and signals without taking the mutex the waiter
 *   uses. Here the waiter is already asleep, so it does wake up, but the flag
 *   is written with no lock against the waiter's locked reads (a data race),
 *   and with a little less luck the wake-up is lost (see lost_wakeup). Write
 *   the flag and signal while holding the mutex.
 * timeout: 10
 * expect tsan: data-race
 * expect helgrind: data-race, cond-misuse
 * expect drd: data-race, cond-misuse
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
static int ready;   /* meant to be guarded by lock */

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
    while (!ready)                          /* racelab: data-race */
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

    ready = 1;                      /* racelab: data-race */ /* BUG: no mutex */
    pthread_cond_signal(&cond);     /* racelab: cond-misuse */ /* nor here */

    pthread_join(t, NULL);
    return 0;
}
