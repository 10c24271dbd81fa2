/* racelab-case
 * concept: condvar
 * variant: broken
 * twin: cond_per_mutex
 * title: One condition variable is waited on with two different mutexes
 * lesson: Two waiters share the condition variable `changed`, each with its own
 *   mutex and flag. POSIX says all threads waiting on a condition variable at
 *   the same time must use the same mutex; mixing them is undefined, and a
 *   signal meant for one flag wakes waiters of the other. Give each
 *   mutex-and-condition pair its own condition variable.
 * timeout: 10
 * expect tsan: clean -- TSan does not track which mutex a condition variable
 *   is used with.
 * expect helgrind: cond-misuse
 * expect drd: cond-misuse
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;   /* The bug: shared */
static pthread_mutex_t in_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static int in_ready, in_waiting;     /* guarded by in_lock */
static int out_ready, out_waiting;   /* guarded by out_lock */

struct side {
    pthread_mutex_t *lock;
    int *ready, *waiting;
    const char *name;
};

static void *waiter(void *arg)
{
    struct side *s = arg;
    pthread_mutex_lock(s->lock);
    while (!*s->ready) {
        *s->waiting = 1;   /* lets main see that this thread is asleep */
        pthread_cond_wait(&changed, s->lock);   /* racelab: cond-misuse */
    }
    pthread_mutex_unlock(s->lock);
    printf("%s: ready\n", s->name);
    return NULL;
}

static int is_waiting(pthread_mutex_t *lock, int *waiting)
{
    pthread_mutex_lock(lock);
    int w = *waiting;
    pthread_mutex_unlock(lock);
    return w;
}

static void set_ready(pthread_mutex_t *lock, int *ready)
{
    pthread_mutex_lock(lock);
    *ready = 1;
    pthread_cond_broadcast(&changed);   /* racelab: cond-misuse */
    pthread_mutex_unlock(lock);
}

int main(void)
{
    struct side in = {&in_lock, &in_ready, &in_waiting, "in"};
    struct side out = {&out_lock, &out_ready, &out_waiting, "out"};
    pthread_t a, b;
    pthread_create(&a, NULL, waiter, &in);
    pthread_create(&b, NULL, waiter, &out);

    /* Both asleep on `changed` at once, each with its own mutex. */
    const struct timespec ms = {0, 1000000};
    while (!is_waiting(&in_lock, &in_waiting) || !is_waiting(&out_lock, &out_waiting))
        nanosleep(&ms, NULL);

    set_ready(&in_lock, &in_ready);
    set_ready(&out_lock, &out_ready);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
