/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: wait_with_mutex_held
 * title: A thread calls pthread_cond_wait without holding the mutex
 * lesson: The waiter forgot to lock the mutex before its check-and-wait loop.
 *   pthread_cond_wait must be called with the mutex locked: it unlocks it and
 *   sleeps as one atomic step, which is what closes the gap between checking
 *   the condition and sleeping. Called without it, that unlock is an unlock of
 *   a mutex the thread does not hold, and the check of `ready` is raced.
 * timeout: 10
 * expect tsan: bad-unlock, data-race
 * expect helgrind: cond-misuse, bad-unlock, data-race -- Helgrind also reports
 *   the unlock after the loop, not knowing pthread_cond_wait returned locked.
 * expect drd: bad-unlock, data-race
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
    /* BUG: pthread_mutex_lock(&lock) is missing */
    while (!ready)                          /* racelab: data-race */
        pthread_cond_wait(&cond, &lock);    /* racelab: bad-unlock */ /* racelab: cond-misuse */
    pthread_mutex_unlock(&lock);            /* racelab: bad-unlock */
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
    ready = 1;                      /* racelab: data-race */
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);

    pthread_join(t, NULL);
    return 0;
}
