/* racelab-case
 * concept: condvar
 * variant: correct
 * twin: one_cond_two_mutexes
 * title: Each mutex and its condition get their own condition variable
 * lesson: The fix for one_cond_two_mutexes: `in` and `out` each have a mutex,
 *   a flag and a condition variable that is only ever used with that mutex.
 *   A signal now wakes only the threads waiting for that flag.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_cond_t in_changed = PTHREAD_COND_INITIALIZER;    /* with in_lock */
static pthread_cond_t out_changed = PTHREAD_COND_INITIALIZER;   /* with out_lock */
static pthread_mutex_t in_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static int in_ready, in_waiting;     /* guarded by in_lock */
static int out_ready, out_waiting;   /* guarded by out_lock */

struct side {
    pthread_mutex_t *lock;
    pthread_cond_t *changed;   /* always used with this lock */
    int *ready, *waiting;
    const char *name;
};

static void *waiter(void *arg)
{
    struct side *s = arg;
    pthread_mutex_lock(s->lock);
    while (!*s->ready) {
        *s->waiting = 1;   /* lets main see that this thread is asleep */
        pthread_cond_wait(s->changed, s->lock);
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

static void set_ready(struct side *s)
{
    pthread_mutex_lock(s->lock);
    *s->ready = 1;
    pthread_cond_broadcast(s->changed);
    pthread_mutex_unlock(s->lock);
}

int main(void)
{
    struct side in = {&in_lock, &in_changed, &in_ready, &in_waiting, "in"};
    struct side out = {&out_lock, &out_changed, &out_ready, &out_waiting, "out"};
    pthread_t a, b;
    pthread_create(&a, NULL, waiter, &in);
    pthread_create(&b, NULL, waiter, &out);

    /* Both asleep at once, each on its own condition variable. */
    const struct timespec ms = {0, 1000000};
    while (!is_waiting(&in_lock, &in_waiting) || !is_waiting(&out_lock, &out_waiting))
        nanosleep(&ms, NULL);

    set_ready(&in);
    set_ready(&out);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
