/* racelab-case
 * concept: deadlock
 * variant: correct
 * twin: callback_self_deadlock
 * title: Callbacks run after the module has released its lock
 * lesson: publish() copies the listener list under the bus lock, unlocks, and
 *   only then runs the listeners. A listener may now call back into the bus
 *   (bus_listener_count() takes the lock) without waiting for itself.
 * timeout: 10
 * expect tsan: clean
 * expect helgrind: clean
 * expect drd: clean
 */
#include <pthread.h>
#include <stdio.h>

#define MAX_LISTENERS 4

typedef void (*listener_fn)(int event);

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
    pthread_mutex_lock(&bus_lock); /* free again when listeners run */
    int n = n_listeners;
    pthread_mutex_unlock(&bus_lock);
    return n;
}

static void publish(int event)
{
    listener_fn snapshot[MAX_LISTENERS];
    int n;

    pthread_mutex_lock(&bus_lock);
    n = n_listeners;
    for (int i = 0; i < n; i++)
        snapshot[i] = listeners[i];
    pthread_mutex_unlock(&bus_lock);
    /* The fix: run the listeners from the copy, with bus_lock released. */
    for (int i = 0; i < n; i++)
        snapshot[i](event);
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
    pthread_join(t, NULL);
    return 0;
}
