/* racelab-case
 * concept: race
 * variant: correct
 * twin: struct_field_unlocked
 * title: Both fields of a struct are updated under the lock that guards them
 * lesson: Every access to requests and to errors happens while holding
 *   stats.lock, so the workers' updates are serialised and none is lost. The
 *   comment next to each field names its lock: the rule every access follows.
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

#define ITERATIONS 100

static struct {
    pthread_mutex_t lock;
    long requests; /* guarded by lock */
    long errors;   /* guarded by lock */
} stats = { PTHREAD_MUTEX_INITIALIZER, 0, 0 };

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERATIONS; i++) {
        if (i % 10 == 0) { /* every tenth request fails */
            pthread_mutex_lock(&stats.lock);
            stats.errors++;
            pthread_mutex_unlock(&stats.lock);
            continue;
        }
        pthread_mutex_lock(&stats.lock);
        stats.requests++;
        pthread_mutex_unlock(&stats.lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];

    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    if (stats.requests != 2 * (ITERATIONS - ITERATIONS / 10)
        || stats.errors != 2 * ITERATIONS / 10) {
        fprintf(stderr, "lost updates: requests = %ld, errors = %ld\n",
                stats.requests, stats.errors);
        return 1;
    }
    printf("requests = %ld, errors = %ld\n", stats.requests, stats.errors);
    return 0;
}
