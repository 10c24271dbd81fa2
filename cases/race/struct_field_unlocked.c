/* racelab-case
 * concept: race
 * variant: broken
 * twin: struct_fields_locked
 * title: One field of a struct is updated outside the lock that guards its neighbour
 * lesson: A mutex protects the accesses made while holding it, not a struct:
 *   requests is always updated under stats.lock, but the error path bumps errors
 *   without it, so the two workers race on it and error counts are lost. Decide
 *   which lock guards each field, write it next to the field, and take that
 *   lock for every access (struct_fields_locked).
 * expect tsan: data-race
 * expect helgrind: data-race
 * expect drd: data-race
 */
#include <pthread.h>
#include <stdio.h>

#define ITERATIONS 100

static struct {
    pthread_mutex_t lock;
    long requests; /* guarded by lock */
    long errors;   /* meant to be guarded by lock too, but see worker() */
} stats = { PTHREAD_MUTEX_INITIALIZER, 0, 0 };

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERATIONS; i++) {
        if (i % 10 == 0) {  /* every tenth request fails */
            stats.errors++; /* racelab: data-race */
            continue;       /* the error path forgot the lock */
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
    printf("requests = %ld, errors = %ld\n", stats.requests, stats.errors);
    return 0;
}
