/* racelab-case
 * concept: mutex
 * variant: broken
 * twin: handoff_semaphore
 * title: A thread unlocks a mutex that another thread locked
 * lesson: main locks the config lock, fills in the config and "hands the lock
 *   over" to the worker, which unlocks it when it has read the config. A mutex
 *   has an owner: only the thread that locked it may unlock it, anything else
 *   is undefined behaviour. To pass a token between threads use a semaphore,
 *   which any thread may post.
 * timeout: 10
 * expect tsan: bad-unlock
 * expect helgrind: bad-unlock, held-lock-exit -- Helgrind still counts the
 *   lock as main's, so it also reports main exiting while holding it.
 * expect drd: bad-unlock
 */
#include <pthread.h>
#include <stdio.h>

struct config {
    int verbose;
    char name[16];
};

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static struct config cfg;

static void *worker(void *arg)
{
    (void)arg;
    printf("worker: %s verbose=%d\n", cfg.name, cfg.verbose);
    pthread_mutex_unlock(&config_lock);   /* racelab: bad-unlock -- locked by main */
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_lock(&config_lock);     /* racelab: held-lock-exit -- main owns it */
    cfg.verbose = 1;
    snprintf(cfg.name, sizeof cfg.name, "racelab");
    pthread_create(&t, NULL, worker, NULL);   /* the worker "releases" it */
    pthread_join(t, NULL);
    return 0;
}
