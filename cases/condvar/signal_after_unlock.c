/* racelab-case
 * concept: condvar
 * variant: correct
 * title: Signalling after unlocking is fine when the flag was set under the mutex
 * lesson: main sets `ready` under the mutex, unlocks, and only then signals.
 *   That is correct: the waiter either saw the flag before sleeping or is
 *   asleep in pthread_cond_wait and gets the signal; it may even save the
 *   woken waiter a trip to the mutex. What must be under the mutex is the
 *   change of the condition, not the signal.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: cond-misuse -- false positive: Helgrind flags any signal
 *   sent while no thread holds the waiter's mutex.
 * expect drd: cond-misuse -- false positive: DRD flags any signal sent without
 *   the waiter's mutex as "probably a race condition".
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

/* Scaffolding, as in signal_flag_without_mutex: main waits until /proc shows a thread asleep in the futex
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
    ready = 1;                      /* the flag: under the mutex */
    pthread_mutex_unlock(&lock);
    pthread_cond_signal(&cond);     /* racelab: cond-misuse */ /* after unlocking: fine */

    pthread_join(t, NULL);
    return 0;
}
