/* racelab-case
 * concept: deadlock
 * variant: broken
 * twin: callback_outside_lock
 * title: A callback calls back into the module that is holding its own lock
 * lesson: publish() holds the bus lock while it runs the listeners, and one
 *   listener calls bus_listener_count(), which takes the same lock. A default
 *   mutex is not recursive, so the thread waits for itself forever. Do not
 *   call out to unknown code while holding a lock: copy what you need under
 *   the lock, unlock, then run the callbacks.
 * timeout: 5
 * expect tsan: deadlock -- TSan reports a double lock only when the second lock
 *   succeeds, and this one never does.
 * expect helgrind: deadlock -- bus_lock is statically initialised, so Helgrind
 *   never saw a pthread_mutex_init that tells it the mutex is not recursive, and
 *   says nothing before the thread blocks on it (relock_default_hangs calls
 *   pthread_mutex_init, and Helgrind reports the relock there).
 * expect drd: double-lock, deadlock
 */
#include <pthread.h>
#include <stdio.h>

#define MAX_LISTENERS 4

typedef void (*listener_fn)(int event);

/* Statically initialised: Helgrind cannot tell that it is not recursive. */
static pthread_mutex_t bus_lock = PTHREAD_MUTEX_INITIALIZER;
static listener_fn listeners[MAX_LISTENERS]; /* guarded by bus_lock */
static int n_listeners;                       /* guarded by bus_lock */

static void bus_subscribe(listener_fn fn)
{
    pthread_mutex_lock(&bus_lock);
    listeners[n_listeners++] = fn;
    pthread_mutex_unlock(&bus_lock);
}

static int bus_listener_count(void)
{
    pthread_mutex_lock(&bus_lock); /* racelab: double-lock -- publish() already holds it */ /* racelab: deadlock */
    int n = n_listeners;
    pthread_mutex_unlock(&bus_lock);
    return n;
}

static void publish(int event)
{
    pthread_mutex_lock(&bus_lock);
    /* The bug: the listeners run while bus_lock is held. */
    for (int i = 0; i < n_listeners; i++)
        listeners[i](event);
    pthread_mutex_unlock(&bus_lock);
}

static void log_event(int event)
{
    /* Innocent-looking: asks the bus a question, i.e. takes bus_lock again. */
    printf("event %d seen by %d listeners\n", event, bus_listener_count());
}

static void *event_loop(void *arg)
{
    (void)arg;
    publish(1);
    return NULL;
}

int main(void)
{
    pthread_t t;

    bus_subscribe(log_event);
    pthread_create(&t, NULL, event_loop, NULL);
    pthread_join(t, NULL); /* racelab: deadlock */
    return 0;
}
